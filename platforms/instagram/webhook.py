"""Instagram webhooks (object `instagram`, fields `comments` and `mentions`) at
/webhooks/instagram/.

Meta subscribes each webhook object of an app separately, each with its own callback URL,
and signs Instagram deliveries with the same app secret as the Page's: the handshake and
the X-Hub-Signature-256 check are Facebook's. Instagram has its own URL because its
deliveries name Instagram accounts (the sources' targets here), not Pages: the shared
endpoint finds the sources by the platform the URL names, and the Facebook package never
has to read Instagram's payloads.

`comments` carries the comment (no time: the delivery's is used until the worker looks it
up); `mentions` carries ids only, completed by the connector in the worker (fetch.py)."""

import logging
from datetime import datetime, timezone

from platforms.facebook.webhook import FacebookWebhook
from platforms.instagram.graph import (
    COMMENT,
    MENTIONED_COMMENT,
    MENTIONED_MEDIA,
    author,
)

logger = logging.getLogger(__name__)


def _delivered_at(entry: dict) -> str:
    stamp = entry.get("time") or 0
    stamp = stamp / 1000 if stamp > 10**11 else stamp  # Meta sends seconds, sometimes milliseconds
    return datetime.fromtimestamp(stamp, tz=timezone.utc).isoformat()


def _author_json(username: str | None) -> dict | None:
    found = author(username)
    return found.__dict__.copy() if found else None


def item_from_change(field: str, value: dict, entry: dict) -> dict | None:
    """A change as the JSON form of a normalized mention (to be completed), or None to ignore it."""
    if field == "comments":
        media_id = str((value.get("media") or {}).get("id") or "")
        sender = value.get("from") or {}
        return {
            "external_id": str(value["id"]), "text": value.get("text") or "", "posted_at": _delivered_at(entry),
            "in_reply_to_id": str(value.get("parent_id") or media_id), "conversation_id": media_id,
            "author": _author_json(sender.get("username")),
            "raw": {**value, "ig_kind": COMMENT, "media_id": media_id, "ig_lookup": COMMENT},
        }
    if field == "mentions":
        media_id, comment_id = value.get("media_id"), value.get("comment_id")
        if not media_id:
            return None
        kind = MENTIONED_COMMENT if comment_id else MENTIONED_MEDIA
        return {
            "external_id": str(comment_id or media_id), "text": "", "posted_at": _delivered_at(entry),
            "conversation_id": str(media_id), "in_reply_to_id": str(media_id) if comment_id else "",
            "raw": {"ig_kind": kind, "media_id": str(media_id), "ig_lookup": kind},
        }
    return None


def _changes(entry: dict) -> list[dict]:
    """Facebook Login deliveries list `changes`; Instagram Login ones put field and value on the entry."""
    if entry.get("changes"):
        return entry["changes"]
    return [{"field": entry.get("field"), "value": entry.get("value")}] if entry.get("field") else []


class InstagramWebhook(FacebookWebhook):
    """Facebook's handshake, app secret and signature check; Instagram's payloads."""

    secret_name = "ig_app_secret"

    def targets(self, payload) -> set[str]:
        """The Instagram account ids a delivery is about (sources' targets), or raises ValueError."""
        if not isinstance(payload, dict) or payload.get("object") != "instagram":
            raise ValueError("not an Instagram webhook payload")
        return {str(entry["id"]) for entry in payload["entry"]}

    def items(self, payload) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for entry in payload["entry"]:
            items = found.setdefault(str(entry["id"]), [])
            for change in _changes(entry):
                if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                    continue
                try:
                    item = item_from_change(change.get("field"), change["value"], entry)
                except (KeyError, TypeError, ValueError) as error:
                    logger.warning("Instagram webhook: skipped a malformed change (%r)", error)
                    continue
                if item:
                    items.append(item)
        return found
