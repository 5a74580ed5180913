"""Replies on a Facebook Page through facebook-sdk's GraphAPI, as the Page: a public reply
is a comment under the post or comment, a private one a Messenger private reply
(POST /{page-id}/messages with recipient {comment_id} or {post_id}): one per comment or
visitor post, within 7 days of it."""

import json

from django.utils import timezone

from platforms.base import PRIVATE, Sender
from platforms.facebook.errors import NO_SEND_TOKEN, PRIVATE_REPLY_WINDOW, TOO_LATE_FOR_PRIVATE, send_error
from platforms.facebook.graph import KEY, PAGE_KIND, graph_client
from platforms.quota import quota_take
from platforms.replies import same_text


def reply_target(mention) -> str:
    """Where a public reply goes. Facebook threads are two levels deep: an answer to a reply
    is posted under the comment that reply belongs to."""
    nested = mention.in_reply_to_id and mention.in_reply_to_id != mention.conversation_id
    return mention.in_reply_to_id if nested else mention.external_id


class FacebookSender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        token = credential.secrets.get("page_access_token")
        if not token:
            raise NO_SEND_TOKEN.error(permanent=True, name=credential.name)
        self.graph = graph_client(token)
        self._page_id = None

    def check(self, *, mention, visibility: str) -> None:
        if visibility == PRIVATE and mention.posted_at < timezone.now() - PRIVATE_REPLY_WINDOW:
            raise TOO_LATE_FOR_PRIVATE.error(permanent=True)

    def send(self, response) -> str:
        try:
            quota_take(KEY)
            if response.visibility == PRIVATE:
                return self._send_private(response)
            created = self.graph.put_object(reply_target(response.mention), "comments", message=response.text)
            return str(created["id"])
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise send_error(error, self.credential) from error

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        try:
            if response.visibility == PRIVATE:
                return self._find_private(response, exclude)
            return self._find_comment(response, exclude)
        except Exception as error:  # noqa: BLE001
            raise send_error(error, self.credential) from error

    def page_id(self, mention) -> str:
        if self._page_id is None:
            source = mention.source
            if source is not None and source.kind == PAGE_KIND:
                self._page_id = source.target
            else:  # a Page token's "me" is the Page
                quota_take(KEY)
                self._page_id = str(self.graph.get_object("me", fields="id")["id"])
        return self._page_id

    def _send_private(self, response) -> str:
        mention = response.mention
        # A visitor's post has no parent; everything else is a comment.
        recipient = {"comment_id": mention.external_id} if mention.in_reply_to_id else {"post_id": mention.external_id}
        sent = self.graph.request(
            f"{self.graph.version}/{self.page_id(mention)}/messages",
            post_args={"recipient": json.dumps(recipient), "message": json.dumps({"text": response.text}),
                       "messaging_type": "RESPONSE"},
        )
        return str(sent["message_id"])

    def _find_comment(self, response, exclude: set[str]) -> str | None:
        """The newest comments under the reply target, looking for the Page's with this text."""
        mention = response.mention
        page_id = self.page_id(mention)
        quota_take(KEY)
        comments = self.graph.get_connections(
            reply_target(mention), "comments", fields="id,message,from", filter="stream",
            order="reverse_chronological", limit=100)
        for comment in comments.get("data") or []:
            if (str((comment.get("from") or {}).get("id")) == page_id and str(comment["id"]) not in exclude
                    and same_text(response.text, comment.get("message", ""))):
                return str(comment["id"])
        return None

    def _find_private(self, response, exclude: set[str]) -> str | None:
        """A comment that got its private reply links to the conversation it started."""
        mention = response.mention
        if not mention.in_reply_to_id:
            return None  # visitor posts don't say; a second send gets error 10900 instead of a duplicate
        page_id = self.page_id(mention)
        quota_take(KEY)
        comment = self.graph.get_object(mention.external_id, fields="private_reply_conversation")
        conversation = (comment.get("private_reply_conversation") or {}).get("id")
        if not conversation:
            return None
        quota_take(KEY)
        messages = self.graph.get_connections(conversation, "messages", fields="id,message,from", limit=25)
        for message in messages.get("data") or []:
            if (str((message.get("from") or {}).get("id")) == page_id and str(message["id"]) not in exclude
                    and same_text(response.text, message.get("message", ""))):
                return str(message["id"])
        return None
