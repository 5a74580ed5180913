"""Crisis alerts end to end on real mentions in Postgres: opened once, e-mailed to the managers,
posted to the brand's Slack-compatible subscription (faked at the HTTP boundary), updated,
acknowledged, resolved."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests_mock
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, transaction
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from accounts import roles
from accounts.models import Profile
from complaints.alerting import (
    CrisisAlertError, crisis_alert_acknowledge, crisis_alert_resolve, crisis_alerts_check,
)
from complaints.models import CrisisAlert, CrisisAlertState
from complaints.tasks import check_crisis_alerts
from core.events import ALERT_RAISED
from integrations.models import Subscription, SubscriptionFormat
from integrations.services import deliveries_due, delivery_send
from listening.models import Mention
from tests.factories import BrandFactory, CrisisAlertFactory, CrisisSettingsFactory, UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 4, 7, 15, 37, tzinfo=PARIS)  # a Tuesday afternoon; the weeks before cross a DST change
HOOK = "https://hooks.slack.example/services/T000/B000/secret"
USUAL = [(5, 18), (6, 17), (7, 19), (6, 18), (5, 20), (7, 16)]  # (complaints, other mentions), 1 to 6 weeks ago


def hour_of_mentions(brand, end, complaints, others, *, texts=(), shares=()):
    """One hour of mentions ending at `end`: complaints first (with the given texts and shares)."""
    total = complaints + others
    rows = [Mention(
        brand=brand, platform="twitter", external_id=f"{brand.pk}-{end.timestamp():.0f}-{i}",
        text=texts[i] if i < len(texts) else f"Plus de réseau depuis ce matin ({i})", language="fr",
        label="complaint" if i < complaints else "praise", reposts_count=shares[i] if i < len(shares) else 0,
        posted_at=end - timedelta(seconds=30 + i * 3500 // total),
    ) for i in range(total)]
    Mention.objects.bulk_create(rows)


def usual_weeks(brand, end):
    for week, (complaints, others) in enumerate(USUAL, start=1):
        hour_of_mentions(brand, end - timedelta(weeks=week), complaints, others)


@pytest.fixture
def people(db):
    nadia = UserFactory(username="nadia", first_name="Nadia", email="nadia@example.com", role=roles.MANAGER)
    Profile.objects.create(user=nadia, language="fr")
    return {
        "nadia": nadia,
        "alex": UserFactory(username="alex", email="alex@example.com", role=roles.ADMIN),
        "camille": UserFactory(username="camille", email="camille@example.com", role=roles.COMMUNITY_MANAGER),
        "no_address": UserFactory(username="sans-adresse", email="", role=roles.MANAGER),
    }


@pytest.fixture
def lumio(db):
    brand = BrandFactory(name="Lumio", time_zone="Europe/Paris")
    CrisisSettingsFactory(brand=brand)
    slack_hook(brand)
    usual_weeks(brand, NOW)
    return brand


def slack_hook(brand):
    """What the crisis Slack hook became: a Slack-compatible subscription to alert.raised."""
    hook = Subscription(brand=brand, name="#care-alerts", url=HOOK, events=[ALERT_RAISED],
                        format=SubscriptionFormat.SLACK, language="en")
    hook.set_secret("unused-for-slack")
    hook.save()


def deliver():
    for delivery_id in deliveries_due():
        delivery_send(delivery_id=delivery_id)


def burst(brand, end=NOW, complaints=30):
    """Five times the usual complaints, the other mentions as usual."""
    hour_of_mentions(brand, end, complaints, 18, texts=["<!channel> Panne générale <b>chez Lumio</b> & rien"],
                     shares=[300, 40])


@pytest.fixture
def webhook():
    with requests_mock.Mocker() as mock:
        mock.post(HOOK, text="ok")
        yield mock


def test_a_five_fold_burst_opens_one_alert_emails_the_managers_and_posts_to_the_webhook(lumio, people, webhook):
    burst(lumio)

    run = crisis_alerts_check(now=NOW)

    assert (run.opened, run.emailed) == (1, 2)
    alert = CrisisAlert.objects.get()
    assert (alert.brand, alert.state) == (lumio, CrisisAlertState.OPEN)
    assert (alert.figures["complaints"], alert.figures["usual_complaints"]) == (30, 6)
    assert alert.window_end == NOW and alert.window_start == NOW - timedelta(hours=1)
    viral = Mention.objects.get(reposts_count=300)
    assert alert.top_mention_ids[0] == viral.pk and len(alert.top_mention_ids) == 5

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"nadia@example.com", "alex@example.com"}  # not the community manager
    english = by_address["alex@example.com"]
    assert english.subject == "[Écoute] Crisis alert: Lumio"
    assert "30 complaints in the last hour; usually 6 at this hour of the week." in english.body
    assert "Panne générale" in english.body and f"/mentions/{viral.pk}/" in english.body
    assert f"/alerts/#alert-{alert.pk}" in english.body
    assert by_address["nadia@example.com"].extra_headers["Content-Language"] == "fr"
    assert english.extra_headers["Content-Language"] == "en"

    deliver()
    [call] = webhook.request_history
    assert call.timeout == (5, 10)
    payload = call.json()
    assert payload["text"].startswith("Crisis alert: Lumio — 30 complaints in the last hour")
    assert [block["type"] for block in payload["blocks"]] == ["header", "section", "section", "context"]
    top = payload["blocks"][2]["text"]["text"]
    # Customers' words can't ping the channel or inject markup in Slack.
    assert "&lt;!channel&gt; Panne générale &lt;b&gt;chez Lumio&lt;/b&gt; &amp; rien" in top
    assert "<!channel>" not in str(payload) and f"/mentions/{viral.pk}/" in top
    assert f"/alerts/#alert-{alert.pk}" in payload["blocks"][3]["elements"][0]["text"]
    alert.refresh_from_db()
    assert alert.notified_at == NOW


def test_a_brand_still_in_crisis_updates_its_alert_instead_of_opening_another(lumio, people, webhook):
    burst(lumio)
    crisis_alerts_check(now=NOW)
    later = NOW + timedelta(minutes=20)
    hour_of_mentions(lumio, later, 25, 5, texts=["Toujours rien"] * 25)  # 20 more minutes, worse

    run = crisis_alerts_check(now=later)

    assert (run.opened, run.updated, run.emailed) == (0, 1, 0)
    deliver()
    alert = CrisisAlert.objects.get()
    assert alert.window_start == NOW - timedelta(hours=1) and alert.window_end == later
    assert alert.figures["complaints"] > 30 and alert.figures["peak_complaints"] == alert.figures["complaints"]
    assert len(mail.outbox) == 2 and len(webhook.request_history) == 1  # each notification once


class RefusesNadia(EmailBackend):
    """The mail server at the boundary: refuses one address, delivers the others."""

    def send_messages(self, messages):
        if any("nadia@example.com" in m.to for m in messages):
            raise ConnectionRefusedError("mail server refused")
        return super().send_messages(messages)


def test_a_failed_e_mail_is_retried_for_that_person_only(lumio, people, webhook, settings):
    burst(lumio)
    settings.EMAIL_BACKEND = f"{__name__}.RefusesNadia"
    assert crisis_alerts_check(now=NOW).emailed == 1
    assert CrisisAlert.objects.get().notified_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert crisis_alerts_check(now=NOW + timedelta(minutes=5)).emailed == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["alex@example.com", "nadia@example.com"]
    assert CrisisAlert.objects.get().notified_at is not None


def test_chosen_recipients_replace_the_managers(lumio, people, webhook):
    settings_row = lumio.crisis_settings
    settings_row.email_recipients.set([people["nadia"], people["camille"]])  # camille is not a manager
    burst(lumio)
    crisis_alerts_check(now=NOW)
    assert [m.to for m in mail.outbox] == [["nadia@example.com"]]


def test_acknowledge_then_resolve_write_who_and_when(lumio, people):
    alert = CrisisAlertFactory(brand=lumio)
    nadia, alex = people["nadia"], people["alex"]

    crisis_alert_acknowledge(alert=alert, user=nadia, now=NOW)
    assert (alert.state, alert.acknowledged_by, alert.acknowledged_at) == ("acknowledged", nadia, NOW)
    with translation.override("en"), pytest.raises(CrisisAlertError, match=r"already acknowledged \(by Nadia\)"):
        crisis_alert_acknowledge(alert=alert, user=alex)

    crisis_alert_resolve(alert=alert, user=alex, now=NOW + timedelta(minutes=3))
    assert (alert.state, alert.resolved_by, alert.resolved_at) == ("resolved", alex, NOW + timedelta(minutes=3))
    assert alert.acknowledged_by == nadia  # the history keeps both steps
    with translation.override("en"), pytest.raises(CrisisAlertError, match="already resolved"):
        crisis_alert_resolve(alert=alert, user=nadia)


def test_a_resolved_crisis_does_not_page_again_but_a_later_burst_does(lumio, people, webhook):
    burst(lumio)
    crisis_alerts_check(now=NOW)
    crisis_alert_resolve(alert=CrisisAlert.objects.get(), user=people["nadia"], now=NOW + timedelta(minutes=2))

    # Five minutes later the resolved complaints are still in the last hour: no new alert.
    assert crisis_alerts_check(now=NOW + timedelta(minutes=5)).opened == 0
    # The next day at the same hour, a new burst is a new crisis.
    next_day = NOW + timedelta(days=1)
    usual_weeks(lumio, next_day)
    burst(lumio, end=next_day)
    assert crisis_alerts_check(now=next_day).opened == 1
    assert list(CrisisAlert.objects.values_list("state", flat=True)) == ["open", "resolved"]
    deliver()
    assert len(mail.outbox) == 4 and len(webhook.request_history) == 2


def test_an_ordinary_monday_morning_peak_raises_no_alert(people, webhook):
    brand = BrandFactory(name="Volta", time_zone="Europe/Paris")
    CrisisSettingsFactory(brand=brand)
    slack_hook(brand)
    monday_10 = datetime(2026, 4, 6, 10, 0, tzinfo=PARIS)
    for week, (complaints, others) in enumerate([(58, 120), (62, 118), (60, 125), (55, 121), (64, 119)], start=1):
        hour_of_mentions(brand, monday_10 - timedelta(weeks=week), complaints, others)
        hour_of_mentions(brand, monday_10 - timedelta(weeks=week, hours=1), 6, 20)
    hour_of_mentions(brand, monday_10 - timedelta(hours=1), 6, 20)  # 8:00–9:00 this Monday
    hour_of_mentions(brand, monday_10, 63, 122)  # ten times the hour before: the usual Monday peak

    run = crisis_alerts_check(now=monday_10)

    assert (run.checked, run.opened) == (1, 0)
    deliver()
    assert not CrisisAlert.objects.exists() and mail.outbox == [] and webhook.request_history == []


def test_a_brand_with_alerts_switched_off_is_not_checked(lumio, people, webhook):
    lumio.crisis_settings.enabled = False
    lumio.crisis_settings.save()
    burst(lumio)
    assert crisis_alerts_check(now=NOW).checked == 0
    assert not CrisisAlert.objects.exists()


def test_one_brand_has_at_most_one_open_or_acknowledged_alert(lumio):
    CrisisAlertFactory(brand=lumio, state="acknowledged")
    CrisisAlertFactory(brand=lumio, state="resolved")
    with pytest.raises(IntegrityError), transaction.atomic():
        CrisisAlertFactory(brand=lumio)


def test_the_task_runs_the_check_every_five_minutes(lumio, people, webhook, beat_schedules):
    schedule = PeriodicTask.objects.get(task="complaints.tasks.check_crisis_alerts")
    assert (schedule.interval.every, schedule.interval.period, schedule.enabled) == (5, "minutes", True)
    burst(lumio, end=datetime.now(PARIS).replace(microsecond=0))
    usual_weeks(lumio, datetime.now(PARIS).replace(microsecond=0))

    outcome = check_crisis_alerts.delay().get()

    assert outcome["opened"] == 1
    deliver()
    assert len(webhook.request_history) == 1
