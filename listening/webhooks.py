"""Facebook Page webhooks (field `feed`): new posts and comments in real time.

GET answers Meta's subscription handshake (hub.challenge). POST must carry a valid
X-Hub-Signature-256, an HMAC-SHA256 of the raw body with the app secret, compared in
constant time; anything else gets 403 and nothing is stored. Deliveries are handed to
a Celery task, so the endpoint answers at once; polls and webhooks store an item once."""

import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from listening.choices import SourceKind
from listening.models import Source

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024


def signature_valid(body: bytes, header: str, secrets: list[str]) -> bool:
    if not header.startswith("sha256="):
        return False
    given = header.removeprefix("sha256=")
    return any(
        hmac.compare_digest(hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), given)
        for secret in secrets if secret
    )


def _sources_for(page_ids: set[str]) -> dict[str, list[Source]]:
    found: dict[str, list[Source]] = {}
    for source in Source.objects.filter(kind=SourceKind.FACEBOOK_PAGE, target__in=page_ids).select_related("credential"):
        found.setdefault(source.target, []).append(source)
    return found


def item_from_change(value: dict) -> dict | None:
    """A `feed` change as the JSON form of a normalized mention, or None to ignore it."""
    if value.get("verb") not in ("add", "edited") or value.get("item") not in ("comment", "post", "status", "photo", "video"):
        return None
    is_comment = value["item"] == "comment"
    external_id = value.get("comment_id") if is_comment else value.get("post_id")
    created = value.get("created_time")
    if not external_id or created is None:
        return None
    posted_at = (datetime.fromtimestamp(created, tz=timezone.utc) if isinstance(created, (int, float))
                 else datetime.strptime(created, "%Y-%m-%dT%H:%M:%S%z"))
    sender = value.get("from") or {}
    return {
        "external_id": str(external_id), "text": value.get("message") or "", "posted_at": posted_at.isoformat(),
        "in_reply_to_id": str(value.get("parent_id") or value.get("post_id") or "") if is_comment else "",
        "conversation_id": str(value.get("post_id") or ""),
        "url": value.get("permalink_url") or value.get("link") or "",
        "author": {"external_id": str(sender["id"]), "display_name": sender.get("name", "")} if sender.get("id") else None,
        "raw": value,
    }


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def facebook_webhook(request):
    from listening.tasks import ingest_items

    if request.method == "GET":
        expected = settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN
        if (request.GET.get("hub.mode") == "subscribe" and expected
                and hmac.compare_digest(request.GET.get("hub.verify_token", ""), expected)):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("Verification token mismatch.")

    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return HttpResponseBadRequest("Body too large.")
    body = request.body
    header = request.headers.get("X-Hub-Signature-256", "")
    if not header:
        return HttpResponseForbidden("Missing signature.")
    try:
        payload = json.loads(body)
        entries = payload["entry"] if payload.get("object") == "page" else []
        page_ids = {str(entry["id"]) for entry in entries}
    except (ValueError, KeyError, TypeError, AttributeError):
        payload, entries, page_ids = None, [], set()
    sources = _sources_for(page_ids)
    secrets = [settings.FACEBOOK_APP_SECRET] + [
        s.credential.secrets.get("app_secret", "") for found in sources.values() for s in found if s.credential]
    if not signature_valid(body, header, secrets):
        logger.warning("Facebook webhook refused: bad signature")
        return HttpResponseForbidden("Bad signature.")
    if payload is None:
        return HttpResponseBadRequest("Not a Page webhook payload.")

    for entry in entries:
        items = []
        for change in entry.get("changes") or []:
            if change.get("field") != "feed" or not isinstance(change.get("value"), dict):
                continue
            try:
                item = item_from_change(change["value"])
            except (KeyError, TypeError, ValueError) as error:
                logger.warning("Facebook webhook: skipped a malformed change (%r)", error)
                continue
            if item:
                items.append(item)
        for source in sources.get(str(entry["id"]), []):
            if items and source.enabled:
                transaction.on_commit(lambda s=source.pk, i=items: ingest_items.delay(s, i))
    return HttpResponse("ok", content_type="text/plain")
