"""Pages for managers and admins: crisis alerts (acknowledge, resolve, history) and the
complaint topics of a period."""

from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.dates import validate_period_day
from complaints import alerting
from complaints.insights import TREND_LABELS, complaint_insights
from complaints.models import ACTIVE_ALERT_STATES, CrisisAlert, CrisisAlertState
from complaints.views import LANGUAGES
from listening.models import Brand, Mention

PERIODS = (("7", 7), ("30", 30), ("90", 90))
MAX_DAYS = 366  # a year of topics is read in seconds; more is a report to export, not a page
TREND_ARROWS = {"new": "★", "rising": "↑", "falling": "↓", "steady": "→"}


def _get_alert_for_user(request, pk: int) -> CrisisAlert:
    """The one access check for an alert: managers and admins of its brand only."""
    if not roles.has_role(request.user, roles.MANAGER):
        raise PermissionDenied
    alerts = roles.limit_to_brands(CrisisAlert.objects.all(), request.user, roles.MANAGER)
    try:
        return alerts.select_related("brand", "acknowledged_by", "resolved_by").get(pk=pk)
    except CrisisAlert.DoesNotExist:
        raise Http404 from None


def crisis_alerts_list(*, user, history: int = 50) -> tuple[list[CrisisAlert], list[CrisisAlert]]:
    """The page's read (a selector): open and acknowledged alerts of the reader's brands, newest
    first, then the latest resolved."""
    base = roles.limit_to_brands(CrisisAlert.objects.all(), user, roles.MANAGER) \
        .select_related("brand", "acknowledged_by", "resolved_by")
    active = list(base.filter(state__in=ACTIVE_ALERT_STATES).order_by("-opened_at", "-id"))
    past = list(base.filter(state=CrisisAlertState.RESOLVED).order_by("-resolved_at", "-id")[:history])
    alerting.alerts_with_details(active + past)
    return active, past


@require_GET
@roles.role_required(roles.MANAGER)
def alerts(request):
    active, history = crisis_alerts_list(user=request.user)
    return render(request, "complaints/alerts.html", {"active": active, "history": history})


@require_POST
def alert_acknowledge(request, pk: int):
    return _change(request, pk, alerting.crisis_alert_acknowledge,
                   _("Alert acknowledged: the team knows someone is on it."))


@require_POST
def alert_resolve(request, pk: int):
    return _change(request, pk, alerting.crisis_alert_resolve, _("Alert resolved and moved to the history."))


def _change(request, pk: int, service, done: str):
    alert = _get_alert_for_user(request, pk)
    error = ""
    try:
        alert = service(alert=alert, user=request.user)
    except alerting.CrisisAlertError as problem:
        error = str(problem)
    if request.htmx:  # the same partial as the page, swapped in place
        alerting.alerts_with_details([alert])
        return render(request, "complaints/partials/alert_item.html", {"alert": alert, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(reverse("complaints:alerts") + f"#alert-{alert.pk}")


@require_GET
@roles.role_required(roles.MANAGER)
def insights(request):
    query = request.GET
    brands = list(roles.limit_to_brands(Brand.objects.only("id", "name"), request.user, roles.MANAGER, field="pk"))
    brand = next((b for b in brands if str(b.pk) == query.get("brand")), None)
    language = query.get("language") if query.get("language") in dict(LANGUAGES) else ""
    start_text, end_text = query.get("from", "").strip(), query.get("to", "").strip()
    period = query.get("period", "")
    if period not in dict(PERIODS) and period != "dates":
        period = "dates" if start_text or end_text else "7"
    context = {
        "brands": brands, "languages": LANGUAGES, "periods": PERIODS, "brand": brand, "language": language,
        "period": period, "start_text": start_text, "end_text": end_text, "topics": [], "error": "",
    }
    try:
        start, end = _period(period=period, start_text=start_text, end_text=end_text)
        found = complaint_insights(start=start, end=end, brand=brand, language=language,
                                   brand_ids=roles.brand_ids_for(request.user, roles.MANAGER))
    except ValueError as problem:
        context["error"] = str(problem)
    else:
        context.update(start=start, last_day=end - timedelta(microseconds=1), found=found,
                       topics=_topic_rows(found.topics))
    return render(request, "complaints/insights.html", context, status=400 if context["error"] else 200)


def _period(*, period: str, start_text: str, end_text: str) -> tuple[datetime, datetime]:
    """The last 7, 30 or 90 days end now, so they are compared with as many full days before them;
    or from one date to another, both days included, in the reader's time zone."""
    now = timezone.localtime()
    if period != "dates":
        return now - timedelta(days=int(period)), now
    if not start_text:
        raise ValueError(_("Give the first day of the period too."))
    first = _day(start_text)
    last = _day(end_text) if end_text else now.date()
    if first > last:
        raise ValueError(_("The first day of the period must come before its last day."))
    if (last - first).days >= MAX_DAYS:
        raise ValueError(_("Choose a period of at most a year."))
    zone = timezone.get_current_timezone()
    return (datetime.combine(first, time.min, tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone))


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("“%(text)s” is not a date: write it as YYYY-MM-DD, for example 2026-04-07.")
                         % {"text": text[:20]}) from None
    try:
        validate_period_day(day)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return day


def _topic_rows(topics) -> list[dict]:
    examples = Mention.objects.in_bulk({pk for topic in topics for pk in topic.example_ids})
    return [{
        "topic": topic, "arrow": TREND_ARROWS[topic.trend], "trend": TREND_LABELS[topic.trend],
        "change": _("%(change)+d%%") % {"change": round(topic.change * 100)} if topic.change is not None else "",
        "examples": [examples[pk] for pk in topic.example_ids if pk in examples],
    } for topic in topics]
