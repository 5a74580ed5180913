"""Facebook Page webhooks (field `feed`): new posts and comments in real time.

GET answers Meta's subscription handshake (hub.challenge). POST must carry a valid
X-Hub-Signature-256, an HMAC-SHA256 of the raw body with the app secret, compared in
constant time. listening/webhooks.py serves the endpoint and stores what `parse` returns."""

import hashlib
import hmac
import logging
from datetime import datetime, timezone

from django.conf import settings

from platforms.facebook.graph import comment_permalink, with_photo

logger = logging.getLogger(__name__)


def signature_valid(body: bytes, header: str, secrets: list[str]) -> bool:
    if not header.startswith("sha256="):
        return False
    given = header.removeprefix("sha256=")
    return any(
        hmac.compare_digest(hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), given)
        for secret in secrets if secret
    )


EARLIEST_TIME, LATEST_TIME = 946_684_800, 4_133_980_799  # 2000-01-01 to 2100-12-31, UTC


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
    post_id = str(value.get("post_id") or "")
    parent_id = str(value.get("parent_id") or post_id) if is_comment else ""
    if is_comment:  # comment deliveries carry no link of their own: build it from the ids
        post_link = (value.get("post") or {}).get("permalink_url") or ""
        url = comment_permalink(post_id, str(external_id), parent_id, post_link=post_link)
    else:
        url = value.get("permalink_url") or value.get("link") or ""
    return {
        "external_id": str(external_id), "text": with_photo(value.get("message") or "", value.get("photo")),
        "posted_at": posted_at.isoformat(),
        "in_reply_to_id": parent_id,
        "conversation_id": post_id,
        "url": url,
        "author": {"external_id": str(sender["id"]), "display_name": sender.get("name", "")} if sender.get("id") else None,
        "raw": value,
    }


class FacebookWebhook:
    """What the shared webhook endpoint asks of a platform."""

    signature_header = "X-Hub-Signature-256"
    secret_name = "app_secret"  # the credential value that may also sign deliveries

    def handshake(self, query) -> str | None:
        """The challenge to echo when Meta verifies the subscription, else None."""
        expected = settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN
        if (query.get("hub.mode") == "subscribe" and expected
                and hmac.compare_digest(query.get("hub.verify_token", ""), expected)):
            return query.get("hub.challenge", "")
        return None

    def app_secrets(self) -> list[str]:
        return [settings.FACEBOOK_APP_SECRET]

    def signature_valid(self, body: bytes, header: str, secrets: list[str]) -> bool:
        return signature_valid(body, header, secrets)

    def targets(self, payload) -> set[str]:
        """The Page ids a delivery is about (sources' targets), or raises ValueError."""
        if not isinstance(payload, dict) or payload.get("object") != "page":
            raise ValueError("not a Page webhook payload")
        return {str(entry["id"]) for entry in payload["entry"]}

    def items(self, payload) -> dict[str, list[dict]]:
        """Page id -> the JSON form of the mentions its changes carry."""
        found: dict[str, list[dict]] = {}
        for entry in payload["entry"]:
            found.setdefault(str(entry["id"]), []).extend(_entry_items(entry))
        return found


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
