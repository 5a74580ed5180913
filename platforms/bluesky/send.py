"""Replies on Bluesky as the brand's account: a post whose `reply` names the thread's root and
the mention as parent (strong references: uri and cid). Bluesky has no private replies.

Exactly once: the post's record key is a TID made from the response (its creation time and
id), so every attempt writes the same record. A later attempt first reads that record
(com.atproto.repo.getRecord) and, when it exists, the reply was posted."""

import re
from datetime import timezone as tz

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import PRIVATE, Sender
from platforms.bluesky.xrpc import BlueskyClient
from platforms.errors import PlatformError

POST = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


def tid(micros: int, clock_id: int) -> str:
    """A record key in AT Protocol's TID form: 53 bits of microseconds, 10 of clock id, in
    base32-sortable, 13 characters."""
    value = ((micros & ((1 << 53) - 1)) << 10) | (clock_id & 1023)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def reply_key(response) -> str:
    created = response.created_at or timezone.now()
    return tid(int(created.astimezone(tz.utc).timestamp() * 1_000_000), response.pk % 1024)


def link_facets(text: str) -> list[dict]:
    """Links made clickable: Bluesky marks them by UTF-8 byte ranges, not in the text."""
    facets = []
    for match in _URL.finditer(text):
        start = len(text[:match.start()].encode())
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(match.group().encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group()}]})
    return facets


class BlueskySender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        self.client = BlueskyClient(credential)

    def check(self, *, mention, visibility: str) -> None:
        if visibility == PRIVATE:
            raise PlatformError(_("Bluesky has no private replies: answer publicly, or ask the person to write to "
                                  "the brand another way."), permanent=True)

    def send(self, response) -> str:
        mention = response.mention
        parent = self.client.posts([mention.external_id]).get(mention.external_id)
        if parent is None:
            raise PlatformError(_("Bluesky says the post no longer exists: it was deleted."), permanent=True)
        try:
            parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
            root_ref = (parent.get("record") or {}).get("reply", {}).get("root") or parent_ref
            root_ref = {"uri": root_ref["uri"], "cid": root_ref["cid"]}
        except (KeyError, TypeError, AttributeError) as error:
            raise PlatformError(_("Bluesky sent an answer Écoute could not read."), permanent=False) from error
        record = {"$type": POST, "text": response.text, "createdAt": timezone.now().isoformat().replace("+00:00", "Z"),
                  "reply": {"root": root_ref, "parent": parent_ref}}
        if mention.language:
            record["langs"] = [mention.language[:2]]
        facets = link_facets(response.text)
        if facets:
            record["facets"] = facets
        created = self.client.json("POST", "com.atproto.repo.createRecord", sending=True, body={
            "repo": self.client.did, "collection": POST, "rkey": reply_key(response), "record": record})
        if not created.get("uri"):
            raise PlatformError(_("Bluesky sent an answer Écoute could not read."), permanent=False)
        return str(created["uri"])

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        """The reply's record, if an earlier attempt wrote it."""
        try:
            found = self.client.json("GET", "com.atproto.repo.getRecord", sending=True, params={
                "repo": self.client.did, "collection": POST, "rkey": reply_key(response)})
        except PlatformError as error:
            if error.permanent and not error.needs_reauth:  # RecordNotFound: not posted yet
                return None
            raise
        uri = str(found.get("uri") or "")
        return uri if uri and uri not in exclude else None
