"""The processes `bench load` and `bench webhook` start are those of docker-compose.yml, and they
start: gunicorn answers, every worker is ready, the training worker runs at low CPU priority."""

import os
import urllib.request

import pytest
import yaml
from django.conf import settings

from benchmarks.stack import Stack

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stack_starts_as_compose_runs_it_and_stops_whole():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    niceness = int(compose["worker-train"]["command"][2])
    with Stack(beat=False) as stack:
        request = urllib.request.Request(stack.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
        assert urllib.request.urlopen(request, timeout=5).status == 200
        assert set(stack.processes) == {"web", "worker", "worker-ingest", "worker-train"}
        train = stack.processes["worker-train"]
        assert os.getpriority(os.PRIO_PROCESS, train.pid) - os.getpriority(os.PRIO_PROCESS, 0) == niceness
        assert os.getpriority(os.PRIO_PROCESS, stack.processes["worker"].pid) == os.getpriority(os.PRIO_PROCESS, 0)
        started = list(stack.processes.values())
    assert all(process.poll() is not None for process in started)
