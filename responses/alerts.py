"""SLA alerts: tell people when a mention's first response or resolution is nearly due
(the policy's near-breach threshold) or overdue.

The assignee hears about it; when nobody is assigned, the managers and admins do. Each person
gets each alert once, in the app (a Notification row) and in the e-mail digest of the run that
found it, in their own language, with links that work from a mail client when SITE_URL is set.
Running twice, or twice at the same time, changes nothing: the rows are unique, and an e-mail
is sent only by the run that claims the row (a conditional update).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from accounts.language import in_language_of
from accounts.links import site_link
from core import events
from listening.choices import OPEN_STATUSES
from listening.models import Mention
from responses.models import Notification, NotificationKind, SLATarget
from responses.selectors import mentions_with_events
from sla.durations import duration_text
from sla.selectors import sla_policies_by_brand
from sla.state import sla_state

logger = logging.getLogger(__name__)

CHUNK = 500
# An e-mail that could not be sent is retried by the next runs for this long, then given up.
EMAIL_RETRY_WINDOW = timedelta(hours=6)
# Alerts listed in one person's e-mail of a run; the others are counted and linked.
DIGEST_CAP = 20


@dataclass
class AlertRun:
    checked: int = 0
    notified: int = 0
    emailed: int = 0


def sla_alerts_send(*, now=None) -> AlertRun:
    now = now or timezone.now()
    run = AlertRun()
    managers: dict[int, list] = {}
    for brand_id, policies in sla_policies_by_brand().items():
        ids = _candidate_ids(brand_id=brand_id, policies=policies, now=now)
        for start in range(0, len(ids), CHUNK):
            for mention in mentions_with_events(mention_ids=ids[start:start + CHUNK]):
                run.checked += 1
                times = sla_state(mention, at=now, events=list(mention.events.all()), policies=policies)
                for timing in times.timings:
                    if timing.state not in ("near", "breached"):
                        continue
                    if mention.assignee is not None and mention.assignee.is_active:
                        recipients = [mention.assignee]
                    else:
                        if brand_id not in managers:
                            managers[brand_id] = _managers(brand_id)
                        recipients = managers[brand_id]
                    run.notified += _notify(mention=mention, timing=timing, recipients=recipients)
    run.emailed = notifications_email_pending(now=now)
    return run


def _candidate_ids(*, brand_id: int, policies: dict, now) -> list[int]:
    """Open mentions that may have reached a threshold. Business time never runs faster than
    calendar time and paused time only slows it, so a mention posted less than the threshold
    ago in calendar time can't be near yet: the database skips those."""
    base = Mention.objects.filter(brand_id=brand_id, status__in=[s.value for s in OPEN_STATUSES])
    own_labels = [label for label in policies if label]
    ids: set[int] = set()
    for label, policy in policies.items():
        mentions = base.filter(label=label) if label else base.exclude(label__in=own_labels)
        breach_told = {target: Exists(Notification.objects.filter(
            mention=OuterRef("pk"), kind=NotificationKind.BREACH, target=target)) for target in SLATarget.values}
        wanted = Q(first_response_at__isnull=True, posted_at__lte=now - _near(policy, policy.first_response_minutes)) \
            & Q(breach_told_first=False)
        if policy.resolution_minutes:
            wanted |= Q(posted_at__lte=now - _near(policy, policy.resolution_minutes)) & Q(breach_told_resolution=False)
        ids.update(mentions.alias(breach_told_first=breach_told[SLATarget.FIRST_RESPONSE],
                                  breach_told_resolution=breach_told[SLATarget.RESOLUTION])
                   .filter(wanted).values_list("pk", flat=True))
    return sorted(ids)


def _near(policy, minutes: int) -> timedelta:
    return timedelta(minutes=minutes * policy.near_breach_percent / 100)


def _managers(brand_id: int) -> list:
    users = get_user_model().objects.filter(roles.people_with_brand_role(brand_id, roles.MANAGER))
    return list(users.distinct().order_by("pk"))


def _notify(*, mention: Mention, timing, recipients) -> int:
    """Creates the missing notifications for this alert; returns how many were new."""
    kind = NotificationKind.BREACH if timing.state == "breached" else NotificationKind.NEAR_BREACH
    told = set(Notification.objects.filter(mention=mention, kind=kind, target=timing.target)
               .values_list("user_id", flat=True))
    new = [Notification(user=user, mention=mention, kind=kind, target=timing.target,
                        message=in_language_of(user, lambda u=user: _message(mention, timing, kind, u)))
           for user in recipients if user.pk not in told]
    # A concurrent run may insert the same rows between our read and this write: the unique
    # constraint keeps one of each, and ignore_conflicts makes the other insert a no-op.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    if kind == NotificationKind.BREACH and new:
        events.publish([events.Event(type=events.SLA_BREACHED, brand_id=mention.brand_id, mention_id=mention.pk,
                                     data={"sla": timing.target}, key=f"sla-breach:{mention.pk}:{timing.target}")])
    return len(new)


def notifications_email_pending(*, now=None) -> int:
    """E-mails each person one digest of their notifications not e-mailed yet: at most
    DIGEST_CAP listed, the rest counted, with a link to the queue that shows them all. A
    backlog crossing its deadlines at once is then one e-mail per person, not one per
    mention. Each notification is claimed first (locked rows are skipped), so two runs never
    mail the same one; returns how many e-mails were sent."""
    now = now or timezone.now()
    pending = Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - EMAIL_RETRY_WINDOW,
                                          user__is_active=True).exclude(user__email="")
    sent = 0
    for user_id in pending.values_list("user_id", flat=True).distinct().order_by("user_id"):
        with transaction.atomic():
            claimed = list(pending.filter(user_id=user_id).select_for_update(skip_locked=True, of=("self",))
                           .select_related("user", "mention").order_by("pk"))
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=now)
        if not claimed:
            continue  # another run has them
        try:
            in_language_of(claimed[0].user, lambda c=claimed: _digest(c).send())
        except Exception:
            # Released for the next run to retry; the in-app notifications are there already.
            logger.exception("Could not e-mail %d SLA notifications to user %s", len(claimed), user_id)
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=None)
        else:
            sent += 1
    return sent


TITLES = {
    (NotificationKind.NEAR_BREACH, SLATarget.FIRST_RESPONSE): lambda: _("First response nearly due"),
    (NotificationKind.BREACH, SLATarget.FIRST_RESPONSE): lambda: _("First response overdue"),
    (NotificationKind.NEAR_BREACH, SLATarget.RESOLUTION): lambda: _("Resolution nearly due"),
    (NotificationKind.BREACH, SLATarget.RESOLUTION): lambda: _("Resolution overdue"),
}


def _message(mention: Mention, timing, kind: str, user) -> str:
    due = date_format(timezone.localtime(timing.due_at), "SHORT_DATETIME_FORMAT") if timing.due_at else "—"
    if kind == NotificationKind.BREACH:
        detail = _("It was due %(due)s (%(allowed)s allowed).") % {"due": due, "allowed": timing.allowed_text}
    else:
        detail = _("%(used)s of %(allowed)s used; due %(due)s.") % {
            "used": duration_text(timing.elapsed_minutes), "allowed": timing.allowed_text, "due": due}
    excerpt = mention.text if len(mention.text) <= 120 else mention.text[:119] + "…"
    return _("%(title)s — %(brand)s, %(author)s: “%(text)s” %(detail)s") % {
        "title": TITLES[(kind, timing.target)](), "brand": mention.brand,
        "author": mention.author or _("an unknown author"),
        "text": excerpt, "detail": detail,
    }


def _digest(notifications: list[Notification]) -> EmailMessage:
    user, count = notifications[0].user, len(notifications)
    queue = reverse("complaints:queue")
    mine = any(n.mention.assignee_id == user.pk for n in notifications)
    nobodys = any(n.mention.assignee_id is None for n in notifications)
    lines = [ngettext("%(count)d SLA alert for you:", "%(count)d SLA alerts for you:", count) % {"count": count}]
    lines += [f"{n.message}\n{site_link(reverse('complaints:mention', args=[n.mention_id]))}"
              for n in notifications[:DIGEST_CAP]]
    if count > DIGEST_CAP:
        lines.append(_("…and %(more)d more: they are all in the queue.") % {"more": count - DIGEST_CAP})
    if mine:
        lines.append(_("Mentions assigned to you: %(link)s") % {"link": site_link(f"{queue}?assignee=me&order=age")})
    if nobodys:
        lines.append(_("Mentions nobody is assigned to, which you hear about as a manager: %(link)s") % {
            "link": site_link(f"{queue}?assignee=none&order=age")})
    if count == 1:
        subject = TITLES[(notifications[0].kind, notifications[0].target)]()
    else:
        subject = ngettext("%(count)d SLA alert", "%(count)d SLA alerts", count) % {"count": count}
    language = translation.get_language()
    return EmailMessage(subject=f"[Écoute] {subject}", body="\n\n".join(lines), to=[user.email],
                        headers={"Content-Language": language})
