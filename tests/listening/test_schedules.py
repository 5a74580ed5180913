import json

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from listening.models import Source
from tests.platforms.fakes import SEARCH_URL, search_page, tweet


def _task(source_id):
    return PeriodicTask.objects.filter(name=f"Poll source {source_id}").first()


def test_the_admin_keeps_each_sources_schedule_in_step(client, admin_user, x_source):
    client.force_login(admin_user)
    url = f"/admin/listening/source/{x_source.pk}/change/"
    data = {"brand": x_source.brand_id, "kind": "x_search", "target": x_source.target,
            "credential": x_source.credential_id, "keywords": "", "enabled": "on", "poll_every_minutes": "3"}
    assert client.post(url, data).status_code == 302
    task = _task(x_source.pk)
    assert task.task == "listening.tasks.poll_source" and json.loads(task.args) == [x_source.pk]
    assert (task.interval.every, task.interval.period, task.enabled) == (3, "minutes", True)

    client.post(url, {**data, "poll_every_minutes": "10", "enabled": ""})
    task.refresh_from_db()
    assert (task.interval.every, task.enabled) == (10, False)

    client.post(f"/admin/listening/source/{x_source.pk}/delete/", {"post": "yes"})
    assert not Source.objects.filter(pk=x_source.pk).exists() and _task(x_source.pk) is None


def test_poll_command_prints_counts_per_source(http, x_source, capsys):
    http.get(SEARCH_URL, json=search_page([tweet(5), tweet(4)]))
    call_command("poll", "--source", str(x_source.pk))
    assert f"source {x_source.pk}: fetched 2, new 2, duplicates 0, own posts 0, errors 0" in capsys.readouterr().out
    call_command("poll", "--all")
    assert "fetched 2, new 0, duplicates 2" in capsys.readouterr().out


def test_poll_command_reports_errors_and_fails(http, x_source, capsys):
    http.get(SEARCH_URL, status_code=401, json={"title": "Unauthorized"})
    with pytest.raises(CommandError):
        call_command("poll", "--source", str(x_source.pk))
    assert "invalid, expired or revoked" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No source with id 999"):
        call_command("poll", "--source", "999")
