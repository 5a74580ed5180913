"""`bench queue` on a small seed: it must keep working (real pages, real queries) so the
1M-mention figures in the README can be re-measured."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from benchmarks.queue import bench_queue
from listening.models import Mention, MentionEvent

pytestmark = pytest.mark.django_db

PAGES = {"queue_default", "queue_filtered", "queue_search", "queue_search_low_priority", "queue_next_page", "mention"}


def test_bench_queue_seeds_times_every_page_and_explains_the_queue_query():
    result = bench_queue(mentions=300, requests=5)

    assert result["mentions"] == 300 and result["added_now"] == 300
    rows = result["rows"]
    assert rows["open_mentions"] > 50  # more than one page, so the cursor page is measured
    assert rows["open_mentions"] < 300 and rows["authors"] >= 20
    assert rows["search_matches_open"] > 0
    # Events exist for the mentions that mention pages are opened on.
    assert MentionEvent.objects.filter(mention__status__in=["new", "open", "waiting"]).exists()
    assert set(result["pages"]) == PAGES
    for page in result["pages"].values():
        assert 0 < page["p50_ms"] <= page["p95_ms"] and page["queries"] > 0
    explain = result["pages"]["queue_default"]["explain"]
    assert explain["top"].startswith("Limit") and explain["execution_ms"] > 0
    assert isinstance(result["queue_p95_within_target"], bool)


def test_bench_queue_reuses_the_mentions_already_seeded():
    bench_queue(mentions=300, requests=1)
    again = bench_queue(mentions=200, requests=1)
    assert again["added_now"] == 0 and Mention.objects.count() == 300
    topped_up = bench_queue(mentions=400, requests=1)
    assert topped_up["added_now"] == 100 and topped_up["mentions"] == 400


def test_bench_command_prints_one_json_object_on_its_last_line():
    out = StringIO()
    call_command("bench", "queue", "--mentions", "200", "--requests", "2", stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["benchmark"] == "queue" and result["mentions"] == 200


def test_bench_command_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("bench", "queue", "--mentions", "0", stdout=StringIO(), stderr=StringIO())
