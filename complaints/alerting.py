"""Crisis alerts: every 5 minutes each brand's last hour is checked (complaints.crisis). A crisis
opens an alert, or updates the brand's open one, and people hear of it once: in the app (the alert
list), by e-mail to the managers in their own language, and through the brand's webhook
subscriptions to `alert.raised` (a Slack-compatible one gets crisis_webhook_payload). Each e-mail
is claimed with a conditional update first, so two runs never send it twice; a failed one is
released for the next run."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from accounts.language import in_language_of
from accounts.links import site_link
from complaints.crisis import CrisisCheck, reason_text
from complaints.crisis_data import brand_crisis_check, crisis_top_mentions
from complaints.models import ACTIVE_ALERT_STATES, CrisisAlert, CrisisAlertState, CrisisSettings
from core import events
from listening.models import Brand, Mention

logger = logging.getLogger(__name__)

TOP_MENTIONS, EXCERPT = 5, 200
RETRY_WINDOW = timedelta(hours=6)  # an e-mail that keeps failing is given up this long after the alert opened


class CrisisAlertError(Exception):
    """A change the alert's state does not allow, said in plain words."""


@dataclass
class CrisisRun:
    checked: int = 0
    opened: int = 0
    updated: int = 0
    emailed: int = 0


def crisis_alerts_check(*, now: datetime | None = None) -> CrisisRun:
    now = now or timezone.now()
    run = CrisisRun()
    disabled = CrisisSettings.objects.filter(enabled=False).values("brand_id")
    for brand in Brand.objects.exclude(pk__in=disabled).order_by("pk"):
        try:
            check = brand_crisis_check(brand=brand, end=now)
        except ValueError:  # a brand with a time zone this server no longer knows: the others still get checked
            logger.exception("Crisis check failed for brand %s", brand.pk)
            continue
        run.checked += 1
        if check.is_crisis:
            outcome = crisis_alert_record(brand=brand, check=check, now=now)
            run.opened += outcome == "opened"
            run.updated += outcome == "updated"
    run.emailed = crisis_alerts_email_pending(now=now)
    return run


def crisis_alert_record(*, brand: Brand, check: CrisisCheck, now: datetime) -> str:
    """Opens the brand's alert, or updates its open or acknowledged one: "opened", "updated" or "skipped"."""
    with transaction.atomic():
        alert = CrisisAlert.objects.select_for_update().filter(brand=brand, state__in=ACTIVE_ALERT_STATES).first()
        if alert is None:
            # Someone resolved the crisis less than an hour ago: the complaints they dealt with are
            # still in this hour's count and must not page everyone again.
            if CrisisAlert.objects.filter(brand=brand, state=CrisisAlertState.RESOLVED,
                                          resolved_at__gt=check.hour_start).exists():
                return "skipped"
            try:
                with transaction.atomic():
                    opened = CrisisAlert.objects.create(
                        brand=brand, opened_at=now, window_start=check.hour_start,
                        **_figures_fields(brand=brand, check=check, now=now, window_start=check.hour_start))
                events.publish([events.Event(type=events.ALERT_RAISED, brand_id=brand.pk, key=f"alert:{opened.pk}",
                                             data={"alert": opened.pk, "figures": opened.figures,
                                                   "reasons": opened.reasons})])
                return "opened"
            except IntegrityError:  # a concurrent run opened it first: update that one
                alert = CrisisAlert.objects.select_for_update().get(brand=brand, state__in=ACTIVE_ALERT_STATES)
        fields = _figures_fields(brand=brand, check=check, now=now, window_start=alert.window_start,
                                 peak=alert.figures.get("peak_complaints", 0))
        CrisisAlert.objects.filter(pk=alert.pk).update(**fields)
        return "updated"


def _figures_fields(*, brand: Brand, check: CrisisCheck, now: datetime, window_start: datetime, peak: int = 0) -> dict:
    figures = {
        "complaints": check.complaints, "mentions": check.mentions, "share": round(check.share, 4),
        "usual_complaints": check.usual_complaints, "usual_share": round(check.usual_share or 0.0, 4),
        "count_score": round(check.count_score or 0.0, 1), "share_score": round(check.share_score or 0.0, 1),
        "peak_complaints": max(peak, check.complaints),
    }
    # The whole crisis so far, not just its last hour: the first posts are often the ones that spread.
    top = crisis_top_mentions(brand_id=brand.pk, start=window_start, end=check.hour_end, limit=TOP_MENTIONS)
    return {"window_end": check.hour_end, "last_seen_at": now, "figures": figures,
            "reasons": list(check.reasons), "top_mention_ids": [m.pk for m in top]}


def crisis_alert_acknowledge(*, alert: CrisisAlert, user, now: datetime | None = None) -> CrisisAlert:
    """Someone is on it: the alert stays in the list, and the brand still gets no second alert."""
    return _alert_move(alert, [CrisisAlertState.OPEN], state=CrisisAlertState.ACKNOWLEDGED,
                       acknowledged_at=now or timezone.now(), acknowledged_by=user)


def crisis_alert_resolve(*, alert: CrisisAlert, user, now: datetime | None = None) -> CrisisAlert:
    """The crisis is over: the alert moves to the history; a later burst opens a new alert."""
    return _alert_move(alert, ACTIVE_ALERT_STATES, state=CrisisAlertState.RESOLVED,
                       resolved_at=now or timezone.now(), resolved_by=user)


def _alert_move(alert: CrisisAlert, states, **fields) -> CrisisAlert:
    # Conditional update: of two people pressing the same button, the second is told who was first.
    changed = CrisisAlert.objects.filter(pk=alert.pk, state__in=states).update(**fields)
    alert.refresh_from_db()
    if not changed:
        raise CrisisAlertError(_already_done(alert))
    return alert


def _already_done(alert: CrisisAlert) -> str:
    if alert.state == CrisisAlertState.RESOLVED:
        return _("This alert is already resolved (by %(who)s).") % {"who": _name(alert.resolved_by)}
    return _("This alert is already acknowledged (by %(who)s).") % {"who": _name(alert.acknowledged_by)}


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else _("someone")


def alert_reason_texts(alert: CrisisAlert) -> list[str]:  # in the active language
    return [text for text in (reason_text(r) for r in alert.reasons) if text]


def alerts_with_details(alerts: list[CrisisAlert]) -> list[CrisisAlert]:
    """Sets each alert's reason_texts (active language), top_mentions (one query) and who handled it."""
    found = Mention.objects.select_related("author").in_bulk({pk for a in alerts for pk in a.top_mention_ids})
    for alert in alerts:
        alert.reason_texts = alert_reason_texts(alert)
        alert.top_mentions = [found[pk] for pk in alert.top_mention_ids if pk in found]
        alert.acknowledged_name, alert.resolved_name = _name(alert.acknowledged_by), _name(alert.resolved_by)
    return alerts


def crisis_recipients(*, brand_id: int) -> list:
    """The people e-mailed about a brand's crisis: the ones chosen in its settings, else every
    manager and admin of the brand. Only active managers and admins with an address, whoever was chosen."""
    users = get_user_model().objects.filter(roles.people_with_brand_role(brand_id, roles.MANAGER)).exclude(email="")
    chosen = CrisisSettings.email_recipients.through.objects.filter(crisissettings__brand_id=brand_id)
    if chosen.exists():
        users = users.filter(pk__in=chosen.values("user_id"))
    return list(users.distinct().order_by("pk"))


def crisis_alerts_email_pending(*, now: datetime | None = None) -> int:
    """E-mails each active alert not e-mailed yet to each recipient not e-mailed yet."""
    now = now or timezone.now()
    pending = CrisisAlert.objects.filter(state__in=ACTIVE_ALERT_STATES, notified_at__isnull=True,
                                         opened_at__gte=now - RETRY_WINDOW).select_related("brand")
    sent = 0
    for alert in pending:
        if not CrisisAlert.objects.filter(pk=alert.pk, notified_at__isnull=True).update(notified_at=now):
            continue  # another run has it
        alert.refresh_from_db()  # who was e-mailed by the run before
        done, failed, mentions = set(alert.emailed_user_ids), False, alerts_with_details([alert])[0].top_mentions
        for user in crisis_recipients(brand_id=alert.brand_id):
            if user.pk in done:
                continue
            try:
                in_language_of(user, lambda u=user: _email(alert, mentions, u).send())
            except Exception:
                logger.exception("Could not e-mail crisis alert %s to user %s", alert.pk, user.pk)
                failed = True
            else:
                done.add(user.pk)
                sent += 1
        # The people already e-mailed are remembered; the rest are retried by the next run.
        CrisisAlert.objects.filter(pk=alert.pk).update(
            emailed_user_ids=sorted(done), **({"notified_at": None} if failed else {}))
    return sent


def _email(alert: CrisisAlert, mentions: list[Mention], user) -> EmailMessage:
    since = date_format(timezone.localtime(alert.window_start), "SHORT_DATETIME_FORMAT")
    lines = [_("Complaints about %(brand)s are far above their usual level for this hour of the week, "
               "since %(since)s.") % {"brand": alert.brand.name, "since": since}, ""]
    lines += [f"- {text}" for text in alert_reason_texts(alert)]
    if mentions:
        lines += ["", _("Most shared complaints:")]
        lines += [f"- {_mention_line(m)} {_link(reverse('complaints:mention', args=[m.pk]))}" for m in mentions]
    link = _link(reverse("complaints:alerts") + f"#alert-{alert.pk}")
    lines += ["", _("Acknowledge or resolve the alert in Écoute: %(link)s") % {"link": link}, "",
              _("You get this because you are a manager in Écoute, or on this brand's list of people to alert.")]
    subject = "[Écoute] %s" % _("Crisis alert: %(brand)s") % {"brand": alert.brand.name}
    return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email],
                        headers={"Content-Language": translation.get_language()})


def crisis_webhook_payload(*, alert: CrisisAlert, mentions: list[Mention]) -> dict:
    """Slack-compatible JSON: "text" for notifications and older clients, "blocks" for the message."""
    title = _("Crisis alert: %(brand)s") % {"brand": alert.brand.name}
    reasons = alert_reason_texts(alert)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(f"• {_slack(r)}" for r in reasons)}},
    ]
    if mentions:
        lines = [f"*{_slack(_('Most shared complaints'))}*"] + [
            f"• {_slack(_mention_line(m))} {_slack_link(reverse('complaints:mention', args=[m.pk]), _('open'))}"
            for m in mentions]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _fit("\n".join(lines), 3000)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_link(
        reverse("complaints:alerts") + f"#alert-{alert.pk}", _("Acknowledge or resolve it in Écoute"))}]})
    return {"text": f"{title} — {' '.join(reasons)}", "blocks": blocks}


def _mention_line(mention: Mention) -> str:
    shares = mention.reposts_count + mention.quotes_count
    text = _fit(re.sub(r"\s+", " ", f"{mention.title} — {mention.text}" if mention.title else mention.text), EXCERPT)
    return _("%(author)s: “%(text)s” (%(shares)s)") % {
        "author": mention.author or _("an unknown author"), "text": text,
        "shares": ngettext("%(n)d share", "%(n)d shares", shares) % {"n": shares}}


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _link(path: str) -> str:
    return site_link(path)


def _slack(text: str) -> str:
    """Slack reads &, < and > as markup (<!channel> pings everyone): customers' words are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(path: str, label: str) -> str:
    url = _link(path)  # Slack only links absolute URLs: a bare path is shown as text
    return f"<{_slack(url)}|{_slack(label)}>" if url.startswith("http") else f"{_slack(label)}: {_slack(url)}"
