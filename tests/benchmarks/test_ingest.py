"""`manage.py bench ingest`: the real ingestion path against a raw COPY, then two worker
processes on their own sources, started together."""

import io
import json

import pytest
from django.core.management import call_command

from listening.models import Mention


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_one_worker_then_two_store_every_mention_and_print_their_throughput():
    out = io.StringIO()
    call_command("bench", "ingest", "--n", "400", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["benchmark"] == "ingest" and result["stored"] == 400 and result["mentions_per_s"] > 0
    # The ratio is the two measured rates divided (at 400 rows either rate is mostly start-up, so
    # which one is higher says nothing: the benchmark's figures come from --n 100000).
    assert result["rows_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["mentions_per_s"] / result["rows_per_s"], rel=0.02)
    parallel = result["parallel"]
    assert parallel["workers"] == 2 and parallel["stored"] == 400  # 200 each, every one stored once
    assert parallel["scaling"] == pytest.approx(parallel["mentions_per_s"] / result["mentions_per_s"], rel=0.01)
    assert not Mention.objects.filter(brand__slug__startswith="bench-ingest").exists()  # cleaned up
