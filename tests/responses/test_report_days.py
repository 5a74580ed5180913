"""The report's packed days: always the figures of the rows themselves, whatever writes them."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from complaints.services import mention_label_correct, mention_status_set
from listening.choices import Status
from listening.models import Mention
from responses import report_days
from responses.models import ReportDay
from responses.reports import ReportFilters, report_build
from responses.sending import response_record_sent
from tests.factories import BrandFactory, MentionFactory, UserFactory

DAY = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def _report(brand):
    filters = ReportFilters(brand_ids=(brand.pk,), start=date(2025, 3, 3), end=date(2025, 3, 9), grouping="week",
                            time_zone="UTC")
    return report_build(filters=filters, now=datetime(2025, 3, 10, tzinfo=UTC)).tables


def _fresh(brand) -> bool:
    return all(d.built_version == d.version for d in ReportDay.objects.filter(brand_id=brand.pk))


@pytest.fixture
def brand(db):
    brand = BrandFactory()
    for hour in range(3):
        MentionFactory(brand=brand, posted_at=DAY + timedelta(hours=hour), label="complaint")
    return brand


def test_a_report_builds_the_packs_and_reads_them_next_time(brand):
    assert ReportDay.objects.filter(brand_id=brand.pk, day=DAY.date()).exists()  # the trigger made the row
    assert not _fresh(brand)
    assert _report(brand)["volume_label"].total[1] == 3
    assert _fresh(brand)
    assert _report(brand)["volume_label"].total[1] == 3


def test_every_kind_of_write_makes_the_next_report_read_the_rows_again(brand):
    agent = UserFactory(username="camille")
    _report(brand)
    mention = MentionFactory(brand=brand, posted_at=DAY + timedelta(hours=5), label="question")  # an insert
    assert not _fresh(brand)
    assert _report(brand)["volume_label"].total[1:3] == [3, 1]
    mention_label_correct(mention=mention, label="complaint", actor=agent)  # an update of the label
    assert _report(brand)["volume_label"].total[1:3] == [4, 0]
    response_record_sent(mention=mention, text="Bonjour", author=agent, sent_at=DAY + timedelta(hours=6))
    assert _report(brand)["first_response"].total[1:3] == [1, 60.0]  # a stored time
    mention_status_set(mention=mention, status=Status.RESOLVED, actor=agent, at=DAY + timedelta(hours=8))
    assert _report(brand)["resolution"].total[1:3] == [1, 3.0]
    Mention.objects.filter(pk=mention.pk).delete()  # a deletion
    assert _report(brand)["volume_label"].total[1] == 3 and _report(brand)["first_response"].total[1] == 0
    Mention.objects.filter(brand=brand).update(priority=99)  # what doesn't change a figure keeps the packs
    assert _fresh(brand)


def test_rows_written_by_copy_are_seen_too(brand):
    _report(brand)
    from benchmarks.queue import _copy  # COPY with every other column at its default

    _copy(Mention, [{"brand_id": brand.pk, "platform": "twitter", "external_id": "copied-1", "text": "Encore en panne",
                     "posted_at": DAY, "fetched_at": DAY, "label": "complaint"}])
    assert _report(brand)["volume_label"].total[1] == 4


def test_a_pack_rebuilt_while_a_writer_changed_its_day_is_not_stored(brand):
    _report(brand)
    MentionFactory(brand=brand, posted_at=DAY, label="praise")
    day = ReportDay.objects.get(brand_id=brand.pk, day=DAY.date())
    read_version = day.version
    packs = report_days._built([brand.pk], [(brand.pk, DAY.date(), DAY.date())])
    ReportDay.objects.filter(pk=day.pk).update(version=read_version + 1)  # a writer, meanwhile
    report_days._store({(brand.pk, DAY.date()): (read_version, report_days.packed(packs[brand.pk, DAY.date()]))})
    assert ReportDay.objects.get(pk=day.pk).built_version != read_version + 1  # still stale: rebuilt next time


def test_packs_hold_exactly_what_the_rows_say(brand):
    agent = UserFactory(username="sam")
    mention = Mention.objects.filter(brand=brand).first()
    response_record_sent(mention=mention, text="Bonjour", author=agent, sent_at=DAY + timedelta(minutes=45))
    since, until = DAY - timedelta(days=1), DAY + timedelta(days=1)
    built = report_days._built([brand.pk], [(brand.pk, since.date(), until.date())])
    fresh = report_days._material({key: report_days.packed(arrays) for key, arrays in built.items()},
                                  [brand.pk], report_days.epoch_minutes(since), report_days.epoch_minutes(until))
    _report(brand)
    packed = report_days.period_material(brand_ids=[brand.pk], since=since, until=until)
    for name in ("mention_at", "label", "platform", "timing_at", "agent", "first_response_met"):
        assert np.array_equal(getattr(fresh, name), getattr(packed, name)), name
    assert np.allclose(fresh.first_response, packed.first_response, equal_nan=True)
    assert list(packed.agent) == [agent.pk] and packed.first_response[0] == pytest.approx(45)


def test_the_periodic_refresh_rebuilds_what_writes_made_stale(brand):
    from responses.tasks import refresh_report_days

    posted = datetime.now(UTC) - timedelta(hours=1)
    MentionFactory(brand=brand, posted_at=posted)
    assert not _fresh(brand)
    assert refresh_report_days.delay().get() == 1  # the recent day; DAY is older than the 400 days kept warm
    recent = ReportDay.objects.get(brand_id=brand.pk, day=posted.date())
    assert recent.built_version == recent.version and recent.mention_minutes
    assert refresh_report_days.delay().get() == 0


def test_a_truncated_table_leaves_no_pack_fresh(brand):
    from django.db import connection

    agent = UserFactory(username="sam")
    response_record_sent(mention=Mention.objects.filter(brand=brand).first(), text="Bonjour", author=agent,
                         sent_at=DAY + timedelta(minutes=30))
    assert _report(brand)["first_response"].total[1] == 1 and _fresh(brand)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test transaction still holds deferred checks
        cursor.execute("TRUNCATE responses_mentiontiming")
    assert not _fresh(brand)
    assert _report(brand)["first_response"].total[1] == 0


def test_a_pack_written_in_another_format_is_rebuilt(brand):
    _report(brand)
    ReportDay.objects.filter(brand_id=brand.pk).update(pack_format="written-before-a-new-label")
    assert report_days.report_days_refresh(days=100_000) == 1
    assert ReportDay.objects.get(brand_id=brand.pk, day=DAY.date()).pack_format == report_days.PACK_FORMAT
    assert _report(brand)["volume_label"].total[1] == 3
