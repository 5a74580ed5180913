"""Facebook Page webhook deliveries as Meta sends them (field `feed`, new comments), signed
with X-Hub-Signature-256 = HMAC-SHA256 of the raw body with the app secret. The load and
webhook benchmarks post them to /webhooks/facebook/; no Django here, so the Locust process
can use it too."""

import hashlib
import hmac
import json

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def feed_delivery(*, page_id: str, post_id: str, comments: list[dict], created_time: int) -> dict:
    """One delivery carrying new comments under one post. comments: {id, text, author_id, author_name}."""
    return {"object": "page", "entry": [{"id": page_id, "time": created_time, "changes": [
        {"field": "feed", "value": {
            "item": "comment", "verb": "add", "post_id": post_id, "parent_id": post_id,
            "comment_id": f"{post_id.split('_')[-1]}_{c['id']}", "message": c["text"], "created_time": created_time,
            "from": {"id": c["author_id"], "name": c["author_name"]}}}
        for c in comments]}]}


def signed(payload: dict, secret: str) -> tuple[bytes, dict[str, str]]:
    """The body to post and its headers."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return body, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, secret)}
