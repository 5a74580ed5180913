"""Near-breach and breach notifications: who hears, once, in the app and by e-mail."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django_celery_beat.models import PeriodicTask

from accounts import roles
from accounts.models import Profile
from complaints.services import mention_assign, mention_status_set
from listening.choices import Status
from responses.alerts import DIGEST_CAP, sla_alerts_send
from responses.models import Notification, NotificationKind, SLATarget
from responses.sending import response_record_sent
from responses.tasks import send_sla_alerts
from tests.factories import BrandFactory, MentionFactory, SLAPolicyFactory, UserFactory

NOW = datetime(2026, 3, 2, 11, tzinfo=UTC)


@pytest.fixture
def brand(db):
    brand = BrandFactory(name="Lumio")
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60, resolution_minutes=24 * 60,
                     near_breach_percent=80)
    return brand


@pytest.fixture
def camille(db):
    return UserFactory(username="camille", email="camille@example.com", role=roles.COMMUNITY_MANAGER)


@pytest.fixture
def managers(db):
    return [UserFactory(username="nadia", email="nadia@example.com", role=roles.MANAGER),
            UserFactory(username="alex", email="alex@example.com", role=roles.ADMIN)]


def _mention(brand, minutes_ago, assignee=None, **extra):
    mention = MentionFactory(brand=brand, posted_at=NOW - timedelta(minutes=minutes_ago), **extra)
    if assignee:
        mention_assign(mention=mention, assignee=assignee, actor=assignee, at=mention.posted_at)
    return mention


def _told():
    return sorted(Notification.objects.values_list("user__username", "kind", "target"))


def test_nothing_is_sent_before_the_threshold(brand, camille, managers, mailoutbox):
    _mention(brand, 47, assignee=camille)  # 47 of 60 minutes: below 80 %
    _mention(brand, 20)
    assert sla_alerts_send(now=NOW).notified == 0
    assert _told() == [] and mailoutbox == []


def test_the_assignee_hears_of_a_near_breach(brand, camille, managers, mailoutbox):
    _mention(brand, 50, assignee=camille, text="Toujours pas de fibre")
    run = sla_alerts_send(now=NOW)
    assert (run.notified, run.emailed) == (1, 1)
    assert _told() == [("camille", NotificationKind.NEAR_BREACH, SLATarget.FIRST_RESPONSE)]
    [mail] = mailoutbox
    assert mail.to == ["camille@example.com"] and mail.subject == "[Écoute] First response nearly due"
    assert "Lumio" in mail.body and "Toujours pas de fibre" in mail.body and "50 min of 1 h used" in mail.body
    assert "assigned to you" in mail.body
    assert Notification.objects.get().emailed_at is not None


def test_a_breach_is_told_as_a_breach_only(brand, camille, managers, mailoutbox):
    _mention(brand, 75, assignee=camille)
    sla_alerts_send(now=NOW)
    assert _told() == [("camille", NotificationKind.BREACH, SLATarget.FIRST_RESPONSE)]
    assert [m.subject for m in mailoutbox] == ["[Écoute] First response overdue"]


def test_with_nobody_assigned_the_managers_hear(brand, camille, managers, mailoutbox):
    UserFactory(username="gone", email="gone@example.com", role=roles.MANAGER, is_active=False)
    _mention(brand, 75)
    sla_alerts_send(now=NOW)
    assert _told() == [("alex", "breach", "first_response"), ("nadia", "breach", "first_response")]
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@example.com", "nadia@example.com"]
    assert all("nobody is assigned" in m.body for m in mailoutbox)


def test_running_twice_tells_once_then_the_breach_once(brand, camille, mailoutbox):
    _mention(brand, 50, assignee=camille)
    sla_alerts_send(now=NOW)
    sla_alerts_send(now=NOW + timedelta(minutes=1))
    assert Notification.objects.count() == 1 and len(mailoutbox) == 1
    sla_alerts_send(now=NOW + timedelta(minutes=15))
    sla_alerts_send(now=NOW + timedelta(minutes=16))
    assert _told() == [("camille", "breach", "first_response"), ("camille", "near_breach", "first_response")]
    assert len(mailoutbox) == 2


def test_answered_closed_and_waiting_mentions_are_left_alone(brand, camille, mailoutbox):
    answered = _mention(brand, 75, assignee=camille)
    response_record_sent(mention=answered, text="Bonjour", sent_at=answered.posted_at + timedelta(minutes=10))
    ignored = _mention(brand, 75, assignee=camille)
    mention_status_set(mention=ignored, status=Status.IGNORED, actor=camille, at=ignored.posted_at)
    waiting = _mention(brand, 75, assignee=camille)
    mention_status_set(mention=waiting, status=Status.WAITING, actor=camille,
                       at=waiting.posted_at + timedelta(minutes=5))
    sla_alerts_send(now=NOW)
    assert _told() == [] and mailoutbox == []


def test_the_resolution_deadline_is_watched_too(brand, camille, mailoutbox):
    mention = _mention(brand, 20 * 60, assignee=camille)
    response_record_sent(mention=mention, text="Bonjour", sent_at=mention.posted_at + timedelta(minutes=10))
    sla_alerts_send(now=NOW)
    assert _told() == [("camille", "near_breach", "resolution")]
    assert mailoutbox[0].subject == "[Écoute] Resolution nearly due"


def test_the_email_follows_the_recipients_language_and_time_zone(brand, camille, mailoutbox):
    Profile.objects.create(user=camille, language="fr", time_zone="America/Montreal")
    _mention(brand, 50, assignee=camille)
    sla_alerts_send(now=NOW)
    [mail] = mailoutbox
    assert mail.extra_headers["Content-Language"] == "fr"
    # Due at 11:10 UTC: 06:10 in Montreal, written the French way (month in words, 24-hour clock).
    assert "2 mars 2026 06:10" in mail.body and "2 mars 2026 06:10" in Notification.objects.get().message


def test_people_without_an_address_get_the_in_app_notice_only(brand, mailoutbox):
    nomail = UserFactory(username="sam", email="", role=roles.COMMUNITY_MANAGER)
    _mention(brand, 75, assignee=nomail)
    assert sla_alerts_send(now=NOW).emailed == 0
    assert _told() == [("sam", "breach", "first_response")] and mailoutbox == []


def test_an_email_that_failed_is_sent_by_the_next_run(brand, camille, mailoutbox, monkeypatch):
    _mention(brand, 75, assignee=camille)
    send = EmailBackend.send_messages

    def smtp_down(self, messages):
        raise ConnectionRefusedError("mail server unreachable")

    monkeypatch.setattr(EmailBackend, "send_messages", smtp_down)
    assert sla_alerts_send(now=NOW).emailed == 0
    assert Notification.objects.get().emailed_at is None
    monkeypatch.setattr(EmailBackend, "send_messages", send)
    assert sla_alerts_send(now=NOW + timedelta(minutes=1)).emailed == 1
    assert len(mailoutbox) == 1 and Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_tell_once(mailoutbox):
    brand = BrandFactory(name="Lumio")
    SLAPolicyFactory(brand=brand, label="", first_response_minutes=60)
    # No role: a test before this one may have flushed the role groups (transactional tests do).
    camille = UserFactory(username="camille", email="camille@example.com")
    for _ in range(20):
        _mention(brand, 75, assignee=camille)
    start, errors = threading.Barrier(2), []

    def run():
        try:
            start.wait()
            sla_alerts_send(now=NOW)
        except Exception as error:  # surfaced below: a thread's exception would be lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.count() == 20 and 1 <= len(mailoutbox) <= 2  # each run's digest, if it found any
    listed = [line for mail in mailoutbox for line in mail.body.splitlines() if line.startswith("/mentions/")]
    assert len(listed) == len(set(listed)) == 20  # every alert in exactly one e-mail


def test_a_backlog_is_one_digest_per_person_with_a_cap_and_the_queue_link(brand, managers, mailoutbox, settings):
    """A run over a backlog crossing its deadlines at once used to send one e-mail per mention
    and person (56,931 for 20,000 mentions): now one per person, listing at most DIGEST_CAP."""
    settings.SITE_URL = "https://ecoute.example.com/"
    mentions = [_mention(brand, 75, text=f"Panne numéro {n}") for n in range(DIGEST_CAP + 15)]
    run = sla_alerts_send(now=NOW)
    assert run.notified == 2 * len(mentions)  # each still has its in-app notice
    assert run.emailed == 2 and sorted(m.to[0] for m in mailoutbox) == ["alex@example.com", "nadia@example.com"]
    mail = mailoutbox[0]
    assert mail.subject == f"[Écoute] {len(mentions)} SLA alerts"
    links = [line for line in mail.body.splitlines() if line.startswith("https://ecoute.example.com/mentions/")]
    assert links == [f"https://ecoute.example.com/mentions/{m.pk}/" for m in mentions[:DIGEST_CAP]]
    assert "…and 15 more" in mail.body
    assert "https://ecoute.example.com/?assignee=none&order=age" in mail.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert sla_alerts_send(now=NOW + timedelta(minutes=1)).emailed == 0 and len(mailoutbox) == 2


def test_the_digest_speaks_the_recipients_language(brand, camille, mailoutbox):
    Profile.objects.create(user=camille, language="fr")
    for _n in range(3):
        _mention(brand, 75, assignee=camille)
    sla_alerts_send(now=NOW)
    [mail] = mailoutbox
    assert mail.subject == "[Écoute] 3 alertes SLA" and "Mentions qui vous sont attribuées" in mail.body


def test_the_task_runs_every_minute(brand, camille, mailoutbox, beat_schedules):
    row = PeriodicTask.objects.get(task="responses.tasks.send_sla_alerts")
    assert (row.interval.every, row.interval.period, row.enabled) == (1, "minutes", True)
    MentionFactory(brand=brand, assignee=camille)  # posted two hours ago: breached
    assert send_sla_alerts.delay().get()["notified"] == 1
    assert len(mailoutbox) == 1
