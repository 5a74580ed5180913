from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from complaints.views import mention_for_user, is_pane_request, pane_answer
from responses import services
from responses.models import Notification, Response, ResponseChannel, Visibility
from responses.sending import response_record_sent


def _back_to_reply(request, pk: int):
    """Back to where the reply was written: the mention's page, or the queue with the mention
    open in its pane (a `next` inside Écoute), at the reply; posted from the pane by htmx, the
    pane answered in place."""
    if is_pane_request(request):
        return pane_answer(request, pk)
    back = request.POST.get("next", "")
    if not (back.startswith("/") and not back.startswith("//")):
        back = reverse("complaints:mention", args=[pk])
    return redirect(back.split("#")[0] + "#reply")


@require_POST
def reply(request, pk: int):
    mention = mention_for_user(request, pk)
    try:
        response = services.response_create(mention=mention, author=request.user, text=request.POST.get("text", ""),
                                            visibility=request.POST.get("visibility", Visibility.PUBLIC))
    except services.ResponseError as error:
        messages.error(request, str(error))
        request.session[f"draft-{pk}"] = request.POST.get("text", "")[:20_000]  # nothing typed is lost
    else:
        request.session.pop(f"draft-{pk}", None)
        _queued_message(request, response)
    return _back_to_reply(request, pk)


def _queued_message(request, response) -> None:
    if response.queue_down:
        messages.warning(request, _("Reply queued, will be sent when the queue is back: Écoute's task queue "
                                    "can't be reached right now. Nothing more to do."))
    else:
        messages.success(request, _("Reply queued: it is being sent."))


@require_POST
def handled_elsewhere(request, pk: int):
    """The customer was answered outside Écoute (phone, e-mail): counted as the response."""
    mention = mention_for_user(request, pk)
    how = request.POST.get("text", "").strip()
    if not how:
        messages.error(request, _("Say briefly how the customer was answered (for example: called back at 14:10)."))
        return _back_to_reply(request, pk)
    response_record_sent(mention=mention, text=how[:5000], author=request.user,
                                  visibility=Visibility.PRIVATE, channel=ResponseChannel.ELSEWHERE)
    messages.success(request, _("Recorded as handled elsewhere."))
    return _back_to_reply(request, pk)


@require_POST
def retry(request, pk: int):
    response = get_object_or_404(Response.objects.select_related("mention"), pk=pk)
    mention_for_user(request, response.mention_id)  # the same access check as the mention
    try:
        response = services.response_retry(response=response, actor=request.user)
    except services.ResponseError as error:
        messages.error(request, str(error))
    else:
        if response.queue_down:
            _queued_message(request, response)
        else:
            messages.success(request, _("Sending the reply again."))
    return _back_to_reply(request, response.mention_id)


@require_GET
def response_state(request, pk: int):
    """One reply's state, polled by its partial while it is queued or sending."""
    response = get_object_or_404(Response.objects.select_related("mention", "author"), pk=pk)
    mention_for_user(request, response.mention_id)  # the same access check as the mention
    back = request.GET.get("next", "")
    if not (back.startswith("/") and not back.startswith("//")):
        back = reverse("complaints:mention", args=[response.mention_id])
    return render(request, "responses/partials/response_item.html", {"r": response, "back_url": back})


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def notifications(request):
    items = roles.limit_to_brands(Notification.objects.filter(user=request.user), request.user,
                                  field="mention__brand_id").select_related("mention")[:100]
    return render(request, "responses/notifications.html", {"notifications": items})


@require_POST
@roles.role_required(roles.COMMUNITY_MANAGER)
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("responses:notifications")
