"""Crash safety and overlap: the cursor moves only after mentions are committed."""

import threading
from unittest import mock

import pytest

from core.locks import exclusive
from listening import polling
from listening.models import Mention, Source
from listening.polling import source_poll
from tests.platforms.fakes import SEARCH_URL, search_page, tweet


def test_a_crash_between_fetch_and_commit_loses_and_duplicates_nothing(http, x_source):
    http.get(SEARCH_URL, json=search_page([tweet(2), tweet(1)]))
    with mock.patch.object(polling, "source_success_record", side_effect=RuntimeError("worker killed")):
        with pytest.raises(RuntimeError):
            source_poll(source_id=x_source.pk)
    assert Mention.objects.count() == 2
    assert Source.objects.get(pk=x_source.pk).cursor == {}  # not advanced
    http.get(SEARCH_URL, json=search_page([tweet(3), tweet(2), tweet(1)]))
    result = source_poll(source_id=x_source.pk)
    assert (result.new, result.duplicates) == (1, 2)
    assert Mention.objects.count() == 3
    assert Source.objects.get(pk=x_source.pk).cursor == {"since_id": "3"}


def test_a_crash_inside_the_insert_rolls_the_whole_batch_back(http, x_source):
    http.get(SEARCH_URL, json=search_page([tweet(2), tweet(1)]))
    with mock.patch("listening.ingestion._events_created", side_effect=RuntimeError("killed")):
        with pytest.raises(RuntimeError):
            source_poll(source_id=x_source.pk)
    assert not Mention.objects.exists()
    assert source_poll(source_id=x_source.pk).new == 2


def test_a_source_being_polled_is_skipped_by_a_second_worker(http, x_source):
    with exclusive(f"poll:{x_source.pk}", 60) as mine:
        assert mine
        assert source_poll(source_id=x_source.pk).skipped == "locked"
    assert http.call_count == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_polling_one_source_at_once_one_runs(http, x_source):
    started, release = threading.Event(), threading.Event()
    results = []

    def slow_page(request, context):
        started.set()
        release.wait(10)
        return search_page([tweet(9)])

    http.get(SEARCH_URL, json=slow_page)

    def worker():
        results.append(source_poll(source_id=x_source.pk))

    first = threading.Thread(target=worker)
    first.start()
    assert started.wait(10)
    results.append(source_poll(source_id=x_source.pk))  # the second worker, while the first fetches
    release.set()
    first.join(10)
    assert sorted(r.skipped for r in results) == ["", "locked"]
    assert Mention.objects.filter(external_id="9").count() == 1


def test_the_shared_quota_holds_across_polls_and_says_when_it_reopens(http, x_source, settings):
    settings.PLATFORM_QUOTAS = {**settings.PLATFORM_QUOTAS, "twitter": 1}
    http.get(SEARCH_URL, json=search_page([tweet(1)]))
    assert source_poll(source_id=x_source.pk).new == 1
    refused = source_poll(source_id=x_source.pk)
    assert "quota" in refused.errors[0] and http.call_count == 1
    source = Source.objects.get(pk=x_source.pk)
    assert source.retry_not_before.minute % 15 == 0 and source.retry_not_before.second == 0
