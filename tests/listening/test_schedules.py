import json

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from listening.choices import SourceKind
from listening.importing import mentions_import
from listening.models import Brand, Source
from listening.services import source_save, sources_delete
from tests.factories import BrandFactory
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


def test_a_source_added_in_the_brand_form_is_polled_and_removed_with_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/listening/brand/add/", {
        "name": "Lumio", "slug": "lumio", "time_zone": "Europe/Paris", "own_accounts": "",
        "sources-TOTAL_FORMS": "1", "sources-INITIAL_FORMS": "0",
        "sources-0-kind": SourceKind.FEED, "sources-0-target": "https://blog.example/feed.xml",
        "sources-0-enabled": "on", "sources-0-poll_every_minutes": "15", "sources-0-keywords": "",
        "credentials-TOTAL_FORMS": "0", "credentials-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(brand__slug="lumio")
    assert (_task(source.pk).interval.every, _task(source.pk).enabled) == (15, True)
    brand = Brand.objects.get(slug="lumio")
    client.post(f"/admin/listening/brand/{brand.pk}/delete/", {"post": "yes"})
    assert not Brand.objects.filter(pk=brand.pk).exists() and _task(source.pk) is None


def test_the_service_keeps_the_schedule_whoever_saves_the_source(db):
    source = source_save(source=Source(brand=BrandFactory(), kind=SourceKind.FEED, target="https://blog.example/a.xml",
                                       poll_every_minutes=20))
    assert (_task(source.pk).interval.every, _task(source.pk).enabled) == (20, True)
    source.enabled = False
    source_save(source=source)
    assert _task(source.pk).enabled is False
    source.kind = SourceKind.FILE_IMPORT  # not polled: no schedule
    source_save(source=source)
    assert _task(source.pk) is None
    sources_delete(source_ids=[source.pk])
    assert not Source.objects.filter(pk=source.pk).exists()


def test_a_file_import_makes_its_source_through_the_service_and_it_is_not_polled(db):
    brand = BrandFactory()
    report = mentions_import(brand=brand, raw=b'{"id": "1", "text": "Toujours pas de fibre", '
                                              b'"posted_at": "2026-04-30T10:00:00+02:00"}\n', fmt="jsonl", name="calls.jsonl")
    source = Source.objects.get(brand=brand, kind=SourceKind.FILE_IMPORT)
    assert report.stored.new == 1 and source.target == "calls.jsonl" and not source.enabled
    assert _task(source.pk) is None
    assert not PeriodicTask.objects.filter(task="listening.tasks.poll_source", args=json.dumps([source.pk])).exists()


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
