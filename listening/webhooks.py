"""The webhook endpoint, one URL per platform that has webhooks (/webhooks/<platform>/).

GET answers the platform's subscription handshake. POST must carry a valid signature
(checked by the platform's package against its app secret and its sources' credentials);
anything else gets 403 and nothing is stored. Deliveries are handed to a Celery task, so
the endpoint answers at once; polls and webhooks store an item once."""

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from listening.models import Source
from listening.tasks import ingest_items
from platforms.registry import platform

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024


def _sources_for(platform_key: str, targets: set[str]) -> dict[str, list[Source]]:
    kinds = [kind.value for kind in platform(platform_key).source_kinds]
    found: dict[str, list[Source]] = {}
    for source in Source.objects.filter(kind__in=kinds, target__in=targets).select_related("credential"):
        found.setdefault(source.target, []).append(source)
    return found


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def platform_webhook(request, platform_key: str):
    try:
        webhook = platform(platform_key).webhook
    except KeyError:
        webhook = None
    if webhook is None:
        raise Http404

    if request.method == "GET":
        challenge = webhook.handshake(request.GET)
        if challenge is None:
            return HttpResponseForbidden("Verification token mismatch.")
        return HttpResponse(challenge, content_type="text/plain")

    body = _body_within_limit(request)
    if body is None:
        return HttpResponse(f"Body larger than the {MAX_BODY_BYTES // 2**20} MB a webhook delivery may have.",
                            status=413, content_type="text/plain")
    header = request.headers.get(webhook.signature_header, "")
    if not header:
        return HttpResponseForbidden("Missing signature.")
    try:
        payload = json.loads(body)
        targets = webhook.targets(payload)
    except (ValueError, KeyError, TypeError, AttributeError):
        payload, targets = None, set()
    sources = _sources_for(platform_key, targets)
    secrets = webhook.app_secrets() + [
        s.credential.secrets.get(webhook.secret_name, "") for found in sources.values() for s in found if s.credential]
    if not webhook.signature_valid(body, header, secrets):
        logger.warning("%s webhook refused: bad signature", platform_key)
        return HttpResponseForbidden("Bad signature.")
    if payload is None:
        return HttpResponseBadRequest("Not a webhook payload Écoute reads.")

    for target, items in webhook.items(payload).items():
        for source in sources.get(target, []):
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
