from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import push_url, replace_url, trigger_client_event

from accounts import roles
from accounts.models import Profile
from complaints import presence, selectors, services
from complaints.rows import queue_rows_prepare
from complaints.templatetags.triage import inbox_open_id
from listening.choices import OPEN_STATUSES, Label, Platform, Status
from listening.models import Mention
from sla.state import sla_state, sla_states_attach

LANGUAGES = (("fr", "Français"), ("en", "English"))


def mention_for_user(request, pk: int) -> Mention:
    """The one access check for a mention: the user must be at least a community manager of
    its brand (someone else's brand answers 404, as if the mention did not exist)."""
    if not roles.has_role(request.user, roles.COMMUNITY_MANAGER):
        raise PermissionDenied
    try:
        mention = selectors.mention_for_page(pk=pk)
    except Mention.DoesNotExist:
        raise Http404 from None
    if not roles.has_brand_role(request.user, mention.brand_id):
        raise Http404
    return mention


def _queue_url(query, *, open_pk: int | None = None) -> str:
    """The queue with the same filters, from its first page; open_pk: with that mention open
    in the reading pane."""
    query = query.copy()
    for key in ("after", "since", "open", "csrfmiddlewaretoken"):
        query.pop(key, None)
    if open_pk is not None:
        query["open"] = str(open_pk)
    return reverse("complaints:queue") + (f"?{query.urlencode()}" if query else "")


def _translated(choices) -> list[tuple[str, str]]:
    return [(value, str(name)) for value, name in choices]


def is_pane_request(request) -> bool:
    """An HTMX request for the reading pane only (a history restore wants the whole page): a
    mention opened from the list, or a form of the pane posted in place."""
    return bool(request.htmx) and request.htmx.target == "pane" and not request.htmx.history_restore_request


def _pane_response(request, context: dict):
    """The reading pane alone; the address follows the selection: a click adds a history entry
    (Back returns to the previous mention), j / k replace it, a refresh leaves it."""
    response = render(request, "complaints/partials/mention_detail.html", context)
    history = request.headers.get("X-Pane-History", "push")
    if history == "push":
        return push_url(response, request.get_full_path())
    if history == "replace":
        return replace_url(response, request.get_full_path())
    return response


def _mention_context(request, mention: Mention, *, back_url: str, in_pane: bool, query=None) -> dict:
    """What the mention partial shows, in its own page or in the queue's reading pane.
    back_url: where its forms come back to (the page, or the queue with this mention open);
    query: the inbox's filters (the request's own by default)."""
    query = request.GET if query is None else query
    presence.presence_touch(mention_id=mention.pk, user=request.user)
    # One SLA state for the triage panel and the response-times panel.
    mention.sla = sla_state(mention, events=list(mention.events.all()))
    undo = request.session.pop("undo", None)
    if undo:
        undo["back"] = (_queue_url(query, open_pk=undo["pk"]) if in_pane
                        else reverse("complaints:mention", args=[undo["pk"]]))
    return {
        "mention": mention, "statuses": Status.choices, "labels": Label.choices,
        "conversation": selectors.mention_conversation(mention=mention),
        "others": presence.presence_others(mention_ids=[mention.pk], user=request.user).get(mention.pk, []),
        "response_times": mention.sla,
        "draft": request.session.pop(f"draft-{mention.pk}", ""),
        "undo": undo, "back_url": back_url, "in_pane": in_pane,
        "list_url": _queue_url(query) if in_pane else reverse("complaints:queue"),
    }


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def queue(request):
    filters = selectors.queue_filters_from(request.GET)
    opened = None
    if request.GET.get("open"):
        pk = selectors.row_id(request.GET["open"])
        if pk is None:
            raise Http404
        opened = mention_for_user(request, pk)
        pane = _mention_context(request, opened, back_url=request.get_full_path(), in_pane=True)
        if is_pane_request(request):
            return _pane_response(request, pane)
    mentions, next_cursor = selectors.queue_mentions(filters=filters, user=request.user)
    queue_rows_prepare(mentions=sla_states_attach(mentions=mentions))
    next_query = request.GET.copy()
    next_query.pop("open", None)  # the next page of the list, not the pane again
    next_query["after"] = next_cursor
    since_query = request.GET.copy()
    since_query.pop("after", None)
    since_query["since"] = selectors.latest_mention_id()
    context = {
        **(pane if opened else {}),
        "mentions": mentions,
        "filters": filters,
        "next_query": next_query.urlencode() if next_cursor else "",
        "since_query": since_query.urlencode(),
        "presence": presence.presence_others(mention_ids=[m.pk for m in mentions], user=request.user),
        "brands": selectors.brands_for_filters(user=request.user),
        # Translated once for the page, not at each of the filters' and bulk bar's options.
        "platforms": _translated(Platform.choices),
        "labels": _translated(Label.choices),
        "statuses": _translated(Status.choices),
        "languages": LANGUAGES,
        "periods": (("24h", _("Last 24 hours")), ("7d", _("Last 7 days")), ("30d", _("Last 30 days"))),
        "bulk_actions": services.BULK_ACTIONS,
        "take_next_scope": take_next_scope(filters, request.user),
        "take_next_filters": [(name, getattr(filters, name)) for name in ("platform", "label", "language")
                              if getattr(filters, name)],
        "tabs": queue_tabs(request.GET, request.user),
        "opened": opened,
        "stay_after_resolving": Profile.objects.filter(user=request.user, after_resolving="stay").exists(),
    }
    template = "complaints/partials/queue_rows.html" if request.htmx and filters.after else "complaints/queue.html"
    return render(request, template, context)


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def queue_new(request):
    """The "N new mentions" bar, polled by the queue page: rows are never inserted under the
    reader's cursor; the bar offers to show them."""
    since = request.GET.get("since", "")
    count = selectors.queue_new_count(filters=selectors.queue_filters_from(request.GET), user=request.user,
                                      since_id=selectors.row_id(since) or 0)
    return render(request, "complaints/partials/new_bar.html", {
        "count": count, "queue_url": _queue_url(request.GET), "poll_query": request.GET.urlencode(),
        "tabs": queue_tabs(request.GET, request.user), "tabs_refresh": True,
    })


QUEUE_TABS = (("me", pgettext_lazy("queue tab", "Mine")), ("none", pgettext_lazy("queue tab", "Unassigned")),
              ("", pgettext_lazy("queue tab", "All")))


def queue_tabs(query, user) -> list[dict]:
    """Mine / Unassigned / All: each tab's link (the other filters kept) and how many open
    mentions it holds for this user's brands and filters."""
    filters = selectors.queue_filters_from(query)
    counts = selectors.queue_tab_counts(filters=filters, user=user)
    tabs = []
    for value, name in QUEUE_TABS:
        link = query.copy()
        for key in ("after", "since", "open", "assignee"):
            link.pop(key, None)
        if value:
            link["assignee"] = value
        tabs.append({"name": name, "count": counts[value], "current": filters.assignee == value,
                     "url": reverse("complaints:queue") + (f"?{link.urlencode()}" if link else "")})
    return tabs


def take_next_scope(filters: selectors.QueueFilters, user) -> str:
    """What "take next" takes, in words: "Facebook · EN · Complaint", or "" without filters."""
    brand = selectors.brands_for_filters(user=user).filter(pk=filters.brand).first() if filters.brand else None
    parts = [brand.name if brand else "", Platform(filters.platform).label if filters.platform else "",
             filters.language.upper(), Label(filters.label).label if filters.label else ""]
    return " · ".join(str(part) for part in parts if part)


@require_POST
@roles.role_required(roles.COMMUNITY_MANAGER)
def take_next(request):
    filters = selectors.queue_filters_from(request.POST)
    mention = services.mention_take_next(user=request.user, brand_id=filters.brand, platform=filters.platform,
                                         label=filters.label, language=filters.language)
    if mention is None:
        scope = take_next_scope(filters, request.user)
        if scope:
            messages.info(request, _("No unassigned %(scope)s mention is waiting right now.") % {"scope": scope})
        else:
            messages.info(request, _("Nobody is waiting for an answer right now: every open mention is assigned."))
        return redirect(_queue_url(request.POST))
    return redirect(_queue_url(request.POST, open_pk=mention.pk))


@require_POST
@roles.role_required(roles.COMMUNITY_MANAGER)
def bulk(request):
    ids = [pk for pk in map(selectors.row_id, request.POST.getlist("mention")) if pk is not None]
    back = request.POST.get("next", "")
    back = back if back.startswith("/") and not back.startswith("//") else reverse("complaints:queue")
    if not ids:
        messages.error(request, _("Select at least one mention first."))
        return _bulk_done(request, ids, back)
    try:
        done = services.mentions_bulk_apply(mention_ids=ids, action=request.POST.get("action", ""), actor=request.user,
                                            label=request.POST.get("label", ""),
                                            take_from_others=request.POST.get("take_from_others") == "1")
    except services.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ngettext("%(n)d mention updated.", "%(n)d mentions updated.", done) % {"n": done})
        left = len(ids) - done
        if request.POST.get("action") == "assign_me" and left:
            messages.info(request, ngettext(
                "%(n)d mention was already yours or someone else's: it was left as it was.",
                "%(n)d mentions were already yours or someone else's: they were left as they were.", left)
                % {"n": left})
    return _bulk_done(request, ids, back)


def _messages_for_script(request) -> list[dict]:
    """The request's messages for the page's script to show as toasts (consumed here)."""
    return [{"text": str(m), "level": m.level_tag} for m in messages.get_messages(request)]


def _bulk_done(request, ids: list[int], back: str):
    """Posted from the list's script (rows=1): the selected rows as they are now, answered in
    place, with the messages; otherwise back to the list."""
    if request.POST.get("rows") != "1":
        return redirect(back)
    notes = _messages_for_script(request)
    return JsonResponse({"rows": {str(pk): html for pk, html in _rows_html(request, ids[:500]).items()},
                         "messages": notes})


@require_GET
def mention_detail(request, pk: int):
    mention = mention_for_user(request, pk)
    return render(request, "complaints/mention.html", _mention_context(
        request, mention, back_url=reverse("complaints:mention", args=[pk]), in_pane=False))


@require_POST
def mention_presence(request, pk: int):
    """Heartbeat from an open mention page: "I am here (viewing / replying)"; answers with
    who else is."""
    mention = mention_for_user(request, pk)
    if request.POST.get("leave"):
        presence.presence_leave(mention_id=mention.pk, user=request.user)
    else:
        presence.presence_touch(mention_id=mention.pk, user=request.user, activity=request.POST.get("activity", ""))
    return render(request, "complaints/partials/presence.html", {
        "mention": mention,
        "others": presence.presence_others(mention_ids=[mention.pk], user=request.user).get(mention.pk, []),
    })


# gettext_lazy by its own name: makemessages finds only the names it knows.
UNDONE_STATUSES = {Status.RESOLVED: gettext_lazy("Resolved."), Status.IGNORED: gettext_lazy("Ignored.")}


def _rows_html(request, ids: list[int]) -> dict[int, str]:
    """These mentions' queue rows as they are now ("" for one that left the open queue), for the
    mentions of the person's brands among them."""
    mentions = list(roles.limit_to_brands(Mention.objects.filter(pk__in=ids), request.user)
                    .select_related("author", "brand", "assignee"))
    still_open = [m for m in mentions if m.status in [s.value for s in OPEN_STATUSES]]
    queue_rows_prepare(mentions=sla_states_attach(mentions=still_open))
    here = presence.presence_others(mention_ids=[m.pk for m in still_open], user=request.user)
    rows = {m.pk: "" for m in mentions}
    for mention in still_open:
        rows[mention.pk] = render_to_string("complaints/partials/queue_row.html", {
            "mention": mention, "user": request.user, "presence": here}, request=request)
    return rows


def _row_html(request, pk: int) -> str:
    """The mention's queue row as it is now, or "" when it left the open queue."""
    return _rows_html(request, [pk]).get(pk, "")


def _row_changed(request, pk: int, *, previous_status: str = "") -> JsonResponse:
    """A queue row changed from the keyboard, answered in place: the row as it is now ("" when it
    left the open queue) and, after resolve or ignore, what Undo posts back."""
    row = _row_html(request, pk)
    status = Mention.objects.values_list("status", flat=True).get(pk=pk)
    undo = None
    if previous_status and status in UNDONE_STATUSES and previous_status != status:
        undo = {"url": reverse("complaints:mention-status", args=[pk]), "status": previous_status,
                "message": str(UNDONE_STATUSES[status]), "label": _("Undo")}
    errors = [str(m) for m in messages.get_messages(request) if m.level >= messages.ERROR]
    return JsonResponse({"row": row, "undo": undo, "error": " ".join(errors)})


def pane_answer(request, pk: int, *, shown: Mention | None = None, undo: dict | None = None):
    """A form of the inbox's reading pane, posted by htmx, answered in place: the pane shows the
    mention as it is now — or, after resolving, `shown`, the next one, with Undo — and carries
    the changed mention's queue row for the list (in a <template>, empty once it left the open
    queue); the `pane-changed` event says which mention changed and the messages to show. The
    row travels in the body, not the event's header: a reverse proxy refuses large headers.
    The address follows what the pane shows."""
    query = QueryDict(urlsplit(request.POST.get("next", "")).query)
    shown = shown or mention_for_user(request, pk)
    context = _mention_context(request, shown, back_url=_queue_url(query, open_pk=shown.pk), in_pane=True,
                               query=query)
    if undo:
        context["undo"] = {**undo, "back": _queue_url(query, open_pk=undo["pk"])}
    context["changed_row"] = {"pk": pk, "html": _row_html(request, pk)}
    notes = _messages_for_script(request)
    response = render(request, "complaints/partials/mention_detail.html", context)
    trigger_client_event(response, "pane-changed", {"pk": pk, "shown": shown.pk, "messages": notes})
    return replace_url(response, _queue_url(query, open_pk=shown.pk))


def _done(request, pk: int, *, previous_status: str = ""):
    if request.POST.get("row") == "1":
        return _row_changed(request, pk, previous_status=previous_status)
    if is_pane_request(request):
        return pane_answer(request, pk)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("complaints:mention", pk=pk)


@require_POST
def mention_status(request, pk: int):
    mention = mention_for_user(request, pk)
    previous = mention.status
    try:
        services.mention_status_set(mention=mention, status=request.POST.get("status", ""), actor=request.user)
    except services.TriageError as error:
        messages.error(request, str(error))
        return _done(request, pk)
    if request.POST.get("row") != "1" and mention.status in UNDONE_STATUSES:
        opened_from = _opened_from(request)
        following = selectors.next_mention_for(
            user=request.user, after=mention, preferred=selectors.row_id(request.POST.get("following", ""))
        ) if opened_from else None
        if following is not None:
            undo = {"pk": mention.pk, "status": previous, "message": str(UNDONE_STATUSES[mention.status])}
            if is_pane_request(request):
                return pane_answer(request, pk, shown=mention_for_user(request, following.pk), undo=undo)
            request.session["undo"] = undo
            if opened_from == "pane":
                return redirect(_queue_url(QueryDict(urlsplit(request.POST["next"]).query), open_pk=following.pk))
            return redirect("complaints:mention", pk=following.pk)
    return _done(request, pk, previous_status=previous)


def _opened_from(request) -> str:
    """Where a resolved mention gives way to the next one: "page" (its own page), "pane" (the
    queue's reading pane), or "" when the person chose to stay or resolved it from the list."""
    pk = request.resolver_match.kwargs["pk"]
    back = request.POST.get("next", request.path)
    if Profile.objects.filter(user=request.user, after_resolving="stay").exists():
        return ""
    if back.startswith(reverse("complaints:mention", args=[pk])):
        return "page"
    if inbox_open_id(back) == str(pk):
        return "pane"
    return ""  # resolved from the list: the list stays


@require_POST
def mention_label(request, pk: int):
    mention = mention_for_user(request, pk)
    try:
        services.mention_label_correct(mention=mention, label=request.POST.get("label", ""), actor=request.user)
    except services.TriageError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Label saved. The classifier will learn from it at its next training."))
    return _done(request, pk)


@require_POST
def mention_note(request, pk: int):
    mention = mention_for_user(request, pk)
    try:
        services.note_add(mention=mention, author=request.user, text=request.POST.get("text", ""))
    except services.TriageError as error:
        messages.error(request, str(error))
    return _done(request, pk)


@require_POST
def mention_assign_view(request, pk: int):
    mention = mention_for_user(request, pk)
    assignee, chosen = None, request.POST.get("assignee", "")
    if chosen == "me":
        assignee = request.user
    elif chosen:
        if selectors.row_id(chosen) is not None:
            assignee = get_user_model().objects.filter(pk=selectors.row_id(chosen), is_active=True).first()
        if assignee is None or not roles.has_brand_role(assignee, mention.brand_id):
            return HttpResponseBadRequest(_("Choose someone from the list: this person cannot take mentions."))
    services.mention_assign(mention=mention, assignee=assignee, actor=request.user)
    return _done(request, pk)
