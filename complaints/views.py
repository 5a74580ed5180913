from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from complaints import selectors, services
from listening.choices import Label, Platform, Status
from listening.models import Mention


def _get_mention_for_user(request, pk: int) -> Mention:
    """The one access check for a mention: the user must be at least a community manager."""
    if not roles.has_role(request.user, roles.COMMUNITY_MANAGER):
        raise PermissionDenied
    try:
        return selectors.mention_for_page(pk=pk)
    except Mention.DoesNotExist:
        raise Http404 from None


def _valid_cursor(raw: str, order: str) -> str:
    head, _, pk = raw.rpartition(":")
    try:
        int(pk)
        datetime.fromisoformat(head) if order == "age" else int(head)
    except ValueError:
        return ""
    return raw


def _filters_from(request) -> selectors.QueueFilters:
    q = request.GET
    order = "age" if q.get("order") == "age" else "priority"
    brand = q.get("brand", "")
    return selectors.QueueFilters(
        brand=int(brand) if brand.isdigit() else None,
        platform=q.get("platform") if q.get("platform") in Platform.values else "",
        label=q.get("label") if q.get("label") in Label.values else "",
        status=q.get("status") if q.get("status") in Status.values else "",
        assignee=q.get("assignee") if q.get("assignee") in ("me", "none") else "",
        order=order,
        after=_valid_cursor(q.get("after", ""), order),
    )


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def queue(request):
    filters = _filters_from(request)
    mentions, next_cursor = selectors.queue_mentions(filters=filters, user=request.user)
    next_query = request.GET.copy()
    next_query["after"] = next_cursor
    context = {
        "mentions": mentions,
        "filters": filters,
        "next_query": next_query.urlencode() if next_cursor else "",
        "brands": selectors.brands_for_filters(),
        "platforms": Platform.choices,
        "labels": Label.choices,
        "statuses": Status.choices,
    }
    template = "complaints/partials/queue_rows.html" if request.htmx and filters.after else "complaints/queue.html"
    return render(request, template, context)


@require_GET
def mention_detail(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    return render(request, "complaints/mention.html", {
        "mention": mention, "statuses": Status.choices, "labels": Label.choices,
    })


@require_POST
def mention_status(request, pk: int):
    mention = _get_mention_for_user(request, pk)
    try:
        services.mention_status_set(mention=mention, status=request.POST.get("status", ""), actor=request.user)
    except services.TriageError as error:
        messages.error(request, str(error))
    return redirect("complaints:mention", pk=pk)


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
    return redirect("complaints:mention", pk=pk)
