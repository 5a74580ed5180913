"""`manage.py bench reports` on a few hundred mentions: it seeds with COPY, times the report page
for 30 and 365 days, prints one JSON object last, and cleans up unless asked to keep."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from listening.models import Brand, Mention
from responses.models import MentionTiming
from responses.reports import ReportFilters, report_build


def run(*args) -> dict:
    out = io.StringIO()
    call_command("bench", "reports", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_small_run_prints_the_page_times_and_cleans_up(db):
    result = run("--mentions", "800", "--runs", "2", "--import", "600")
    assert result["benchmark"] == "reports" and result["mentions"] == 800 and result["database"] == "postgresql"
    for days in (30, 365):
        figures = result[f"days_{days}"]
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] and figures["runs"] == 2
    # 800 mentions spread evenly over 400 days
    assert 55 <= result["days_30"]["mentions_in_period"] <= 65
    assert 720 <= result["days_365"]["mentions_in_period"] <= 735
    # the import made its days stale; the background rebuild, not the manager, rebuilt them
    after = result["after_import"]
    assert after["imported"] == 600 and 300 <= after["days_made_stale"] <= 366
    assert after["days_rebuilt_in_background"] >= after["days_made_stale"] and after["first_request_ms"] > 0
    assert not Mention.objects.filter(brand__slug__startswith="bench-report").exists()


def test_kept_mentions_are_what_the_report_counts(db):
    result = run("--mentions", "800", "--runs", "1", "--keep", "--import", "0")
    brands = tuple(Brand.objects.filter(slug__startswith="bench-report").values_list("pk", flat=True))
    assert MentionTiming.objects.filter(brand_id__in=brands).count() > 600  # about 85 % answered
    today = timezone.localdate()
    filters = ReportFilters(brand_ids=brands, start=today - timedelta(days=29), end=today, grouping="day",
                            time_zone=str(timezone.get_current_timezone()))
    report = report_build(filters=filters)
    assert report.tables["volume_label"].total[-1] == result["days_30"]["mentions_in_period"]
    assert report.tables["first_response"].total[1] > 0
    assert run("--mentions", "800", "--runs", "1")["seed_seconds"] is None  # reused, then removed


@pytest.mark.django_db
def test_the_benchmark_says_it_needs_postgres(monkeypatch):
    from benchmarks import reports as bench_reports

    monkeypatch.setattr(bench_reports.connection, "vendor", "sqlite")
    assert "PostgreSQL" in bench_reports.bench_reports(n=10)["error"]
