from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from complaints import presence, selectors, services
from listening.choices import Label, Platform, Status
from listening.models import Mention
from responses.composing import composer_context
from sla.state import sla_state, sla_states_attach

LANGUAGES = (("fr", "Français"), ("en", "English"))


def _get_mention_for_user(request, pk: int) -> Mention:
    """The one access check for a mention: the user must be at least a community manager."""
    if not roles.has_role(request.user, roles.COMMUNITY_MANAGER):
        raise PermissionDenied
    try:
        return selectors.mention_for_page(pk=pk)
    except Mention.DoesNotExist:
        raise Http404 from None


def _valid_cursor(raw: str, order: str) -> str:
    head, _sep, pk = raw.rpartition(":")
    try:
        int(pk)
        datetime.fromisoformat(head) if order == "age" else int(head)
    except ValueError:
        return ""
    return raw


def _filters_from(query) -> selectors.QueueFilters:
    order = "age" if query.get("order") == "age" else "priority"
    brand = query.get("brand", "")
    return selectors.QueueFilters(
        brand=int(brand) if brand.isdigit() else None,
        platform=query.get("platform") if query.get("platform") in Platform.values else "",
        label=query.get("label") if query.get("label") in Label.values else "",
        status=query.get("status") if query.get("status") in Status.values else "",
        language=query.get("language") if query.get("language") in dict(LANGUAGES) else "",
        assignee=query.get("assignee") if query.get("assignee") in ("me", "none") else "",
        period=query.get("period") if query.get("period") in selectors.PERIODS else "",
        q=query.get("q", "").strip()[:200],
        order=order,
        after=_valid_cursor(query.get("after", ""), order),
    )


def _queue_url(query) -> str:
    """The queue with the same filters, from its first page."""
    query = query.copy()
    for key in ("after", "since"):
        query.pop(key, None)
    return reverse("complaints:queue") + (f"?{query.urlencode()}" if query else "")


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def queue(request):
    filters = _filters_from(request.GET)
    mentions, next_cursor = selectors.queue_mentions(filters=filters, user=request.user)
    sla_states_attach(mentions=mentions)
    next_query = request.GET.copy()
    next_query["after"] = next_cursor
    since_query = request.GET.copy()
    since_query.pop("after", None)
    since_query["since"] = selectors.latest_mention_id()
    context = {
        "mentions": mentions,
        "filters": filters,
        "next_query": next_query.urlencode() if next_cursor else "",
        "since_query": since_query.urlencode(),
        "presence": presence.presence_others(mention_ids=[m.pk for m in mentions], user=request.user),
        "brands": selectors.brands_for_filters(),
        "platforms": Platform.choices,
        "labels": Label.choices,
        "statuses": Status.choices,
        "languages": LANGUAGES,
        "periods": (("24h", _("Last 24 hours")), ("7d", _("Last 7 days")), ("30d", _("Last 30 days"))),
        "bulk_actions": services.BULK_ACTIONS,
    }
    template = "complaints/partials/queue_rows.html" if request.htmx and filters.after else "complaints/queue.html"
    return render(request, template, context)


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def queue_new(request):
    """The "N new mentions" bar, polled by the queue page: rows are never inserted under the
    reader's cursor; the bar offers to show them."""
    since = request.GET.get("since", "")
    count = selectors.queue_new_count(filters=_filters_from(request.GET), user=request.user,
                                      since_id=int(since) if since.isdigit() else 0)
    return render(request, "complaints/partials/new_bar.html", {
        "count": count, "queue_url": _queue_url(request.GET), "poll_query": request.GET.urlencode(),
    })


@require_POST
@roles.role_required(roles.COMMUNITY_MANAGER)
def take_next(request):
    brand = request.POST.get("brand", "")
    mention = services.mention_take_next(user=request.user, brand_id=int(brand) if brand.isdigit() else None)
    if mention is None:
        messages.info(request, _("Nobody is waiting for an answer right now: every open mention is assigned."))
        return redirect("complaints:queue")
    return redirect("complaints:mention", pk=mention.pk)


@require_POST
@roles.role_required(roles.COMMUNITY_MANAGER)
def bulk(request):
    ids = [int(pk) for pk in request.POST.getlist("mention") if pk.isdigit()]
    back = request.POST.get("next", "")
    back = back if back.startswith("/") and not back.startswith("//") else reverse("complaints:queue")
    if not ids:
        messages.error(request, _("Select at least one mention first."))
        return redirect(back)
    try:
        done = services.mentions_bulk_apply(mention_ids=ids, action=request.POST.get("action", ""), actor=request.user,
                                            label=request.POST.get("label", ""))
    except services.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ngettext("%(n)d mention updated.", "%(n)d mentions updated.", done) % {"n": done})
    return redirect(back)


@require_GET
def mention_detail(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    presence.presence_touch(mention_id=mention.pk, user=request.user)
    # One SLA state for the triage panel and the response-times panel.
    mention.sla = sla_state(mention, events=list(mention.events.all()))
    return render(request, "complaints/mention.html", {
        "mention": mention, "statuses": Status.choices, "labels": Label.choices,
        "conversation": selectors.mention_conversation(mention=mention),
        "others": presence.presence_others(mention_ids=[mention.pk], user=request.user).get(mention.pk, []),
        "response_times": mention.sla,
        "composer": composer_context(mention=mention, agent=request.user,
                                     draft=request.session.pop(f"draft-{mention.pk}", "")),
    })


@require_POST
def mention_presence(request, pk: int):
    """Heartbeat from an open mention page: "I am here (viewing / replying)"; answers with
    who else is."""
    mention = _get_mention_for_user(request, pk)
    if request.POST.get("leave"):
        presence.presence_leave(mention_id=mention.pk, user=request.user)
    else:
        presence.presence_touch(mention_id=mention.pk, user=request.user, activity=request.POST.get("activity", ""))
    return render(request, "complaints/partials/presence.html", {
        "mention": mention,
        "others": presence.presence_others(mention_ids=[mention.pk], user=request.user).get(mention.pk, []),
    })


def _done(request, pk: int):
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("complaints:mention", pk=pk)


@require_POST
def mention_status(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    try:
        services.mention_status_set(mention=mention, status=request.POST.get("status", ""), actor=request.user)
    except services.TriageError as error:
        messages.error(request, str(error))
    return _done(request, pk)


@require_POST
def mention_label(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    try:
        services.mention_label_correct(mention=mention, label=request.POST.get("label", ""), actor=request.user)
    except services.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Label saved. The classifier will learn from it at its next training."))
    return _done(request, pk)


@require_POST
def mention_note(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    try:
        services.note_add(mention=mention, author=request.user, text=request.POST.get("text", ""))
    except services.TriageError as error:
        messages.error(request, str(error))
    return _done(request, pk)


@require_POST
def mention_assign_view(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    assignee = None
    if request.POST.get("assignee") == "me":
        assignee = request.user
    elif request.POST.get("assignee"):
        assignee = get_user_model().objects.filter(pk=request.POST["assignee"], is_active=True).first()
        if assignee is None or not roles.has_role(assignee, roles.COMMUNITY_MANAGER):
            raise Http404
    services.mention_assign(mention=mention, assignee=assignee, actor=request.user)
    return _done(request, pk)
