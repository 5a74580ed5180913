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
EARLIEST_TIME, LATEST_TIME = 946_684_800, 4_133_980_799  # 2000-01-01 to 2100-12-31, UTC


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


def _created_at(created) -> datetime:
    """Meta sends a Unix time (or an ISO date in older versions); anything else, or a moment
    outside 2000-2100, is refused with ValueError."""
    if isinstance(created, bool) or not isinstance(created, (int, float, str)):
        raise ValueError(f"created_time {created!r} is not a time")
    if isinstance(created, str):
        posted_at = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S%z")
    elif not EARLIEST_TIME <= created <= LATEST_TIME:
        raise ValueError(f"created_time {created!r} is out of range")
    else:
        posted_at = datetime.fromtimestamp(created, tz=timezone.utc)
    if not EARLIEST_TIME <= posted_at.timestamp() <= LATEST_TIME:
        raise ValueError(f"created_time {created!r} is out of range")
    return posted_at


def item_from_change(value: dict) -> dict | None:
    """A `feed` change as the JSON form of a normalized mention, or None to ignore it."""
    if value.get("verb") not in ("add", "edited") or value.get("item") not in ("comment", "post", "status", "photo", "video"):
        return None
    is_comment = value["item"] == "comment"
    external_id = value.get("comment_id") if is_comment else value.get("post_id")
    created = value.get("created_time")
    if not external_id or created is None:
        return None
    posted_at = _created_at(created)
    sender = value.get("from") or {}
    if not isinstance(sender, dict):
        raise ValueError(f"`from` is {type(sender).__name__}, not an object")
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

    body = _body_within_limit(request)
    if body is None:
        return HttpResponse(f"Body larger than the {MAX_BODY_BYTES // 2**20} MB a webhook delivery may have.",
                            status=413, content_type="text/plain")
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
        items = _entry_items(entry)
        for source in sources.get(str(entry["id"]), []):
            if items and source.enabled:
                transaction.on_commit(lambda s=source.pk, i=items: ingest_items.delay(s, i))
    return HttpResponse("ok", content_type="text/plain")


def _body_within_limit(request) -> bytes | None:
    """The raw body, read here rather than through request.body so that the webhook's own
    limit applies (Django's DATA_UPLOAD_MAX_MEMORY_SIZE would answer with its generic page)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    body = request.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


def _entry_items(entry: dict) -> list[dict]:
    """The entry's feed changes as items; a malformed change is skipped and logged, never
    costing the others."""
    changes = entry.get("changes") or []
    if not isinstance(changes, list):
        logger.warning("Facebook webhook: skipped an entry whose changes are %s, not a list", type(changes).__name__)
        return []
    items = []
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
            logger.warning("Facebook webhook: skipped a change that is not an object with a value")
            continue
        if change.get("field") != "feed":
            continue
        try:
            item = item_from_change(change["value"])
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as error:
            logger.warning("Facebook webhook: skipped a malformed change (%s)", error)
            continue
        if item:
            items.append(item)
    return items
