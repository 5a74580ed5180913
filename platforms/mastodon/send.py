"""Replies on Mastodon as the brand's account: a status with in_reply_to_id, public, or
visibility=direct for a private reply (a direct status reaches only the accounts it
mentions, so every reply starts with the author's @user@instance).

Each send carries an Idempotency-Key made from the response's id: an instance that already
created the status for that key returns it instead of posting it again. A later attempt
first looks for the reply among the mention's replies (GET /api/v1/statuses/:id/context)."""

import re

from django.utils.translation import gettext as _

from core.text import html_to_text
from platforms.base import PRIVATE, PUBLIC, Sender
from platforms.errors import PlatformError
from platforms.mastodon.api import MastodonClient
from platforms.replies import same_text

_LEADING_ACCTS = re.compile(r"^(?:@[\w.-]+(?:@[\w.-]+)?\s+)+")


def idempotency_key(response) -> str:
    return f"ecoute-response-{response.pk}"


def author_acct(mention) -> str:
    author = mention.author if mention.author_id else None
    return (author.handle or "").lstrip("@") if author else ""


def with_mention(text: str, acct: str) -> str:
    """The reply's text with the author's @user@instance in front, unless it already names them."""
    if not acct or f"@{acct}".casefold() in text.casefold():
        return text
    return f"@{acct} {text}"


class MastodonSender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        self.client = MastodonClient(credential)

    def check(self, *, mention, visibility: str) -> None:
        written_as = ((mention.raw or {}).get("status") or {}).get("visibility") if isinstance(mention.raw, dict) else None
        if visibility == PUBLIC and written_as in ("direct", "private"):
            raise PlatformError(_("This post was written to the brand privately on Mastodon: a public reply would "
                                  "expose it. Answer privately."), permanent=True)
        if visibility == PRIVATE and not author_acct(mention):
            raise PlatformError(_("Mastodon does not say who wrote this post, so no private message can be sent."),
                                permanent=True)

    def send(self, response) -> str:
        mention = response.mention
        body = {
            "status": with_mention(response.text, author_acct(mention)),
            "in_reply_to_id": mention.external_id,
            "visibility": "direct" if response.visibility == PRIVATE else "public",
        }
        if mention.language:
            body["language"] = mention.language[:2]
        status = self.client.json("POST", "/api/v1/statuses", json=body, sending=True,
                                  headers={"Idempotency-Key": idempotency_key(response)})
        try:
            return str(status["id"])
        except (KeyError, TypeError) as error:
            raise PlatformError(_("Mastodon sent an answer Écoute could not read."), permanent=False) from error

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        """The brand's status replying to the mention with this text, among the mention's replies."""
        mention = response.mention
        brand_id = str(self.client.me().get("id"))
        context = self.client.json("GET", f"/api/v1/statuses/{mention.external_id}/context", sending=True)
        for status in (context or {}).get("descendants") or []:
            if (str((status.get("account") or {}).get("id")) == brand_id
                    and str(status.get("in_reply_to_id")) == mention.external_id
                    and str(status.get("id")) not in exclude
                    and same_text(response.text, _LEADING_ACCTS.sub("", html_to_text(status.get("content") or "").strip()))):
                return str(status["id"])
        return None
