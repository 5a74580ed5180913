"""Replies on Instagram as the professional account, through facebook-sdk's GraphAPI.

Public: a comment under the account's media is answered under its top-level comment
(POST /{comment-id}/replies; Instagram threads are one level deep); a comment or caption
elsewhere that @mentions the account is answered through POST /{ig-user-id}/mentions.
Private: one message per comment under the account's own media, within 7 days of it
(POST /me/messages with recipient {comment_id}, as the linked Page). Media the account is
only tagged in can't be commented on through the API."""

import json
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from platforms.base import PRIVATE, Sender
from platforms.errors import PlatformError
from platforms.instagram.errors import instagram_client, send_error
from platforms.instagram.graph import (
    ACCOUNT_KIND,
    COMMENT,
    GRAPH_QUOTA,
    MENTIONED_COMMENT,
    MENTIONED_MEDIA,
    TAGGED_MEDIA,
)
from platforms.quota import quota_take
from platforms.replies import same_text

PRIVATE_REPLY_WINDOW = timedelta(days=7)


def kind_of(mention) -> str:
    return (mention.raw or {}).get("ig_kind") or COMMENT


def reply_target(mention) -> str:
    """The top-level comment a public reply goes under: the comment itself, or the one a reply belongs to."""
    nested = mention.in_reply_to_id and mention.in_reply_to_id != mention.conversation_id
    return mention.in_reply_to_id if nested else mention.external_id


class InstagramSender(Sender):
    def __init__(self, credential):
        super().__init__(credential)
        token = credential.secrets.get("ig_access_token")
        if not token:
            raise PlatformError(_("The credential “%(name)s” has no Instagram access token: an admin must add one.")
                                % {"name": credential.name}, permanent=True)
        self.graph = instagram_client(token)
        self._account = None
        self._username = None

    def check(self, *, mention, visibility: str) -> None:
        kind = kind_of(mention)
        if visibility == PRIVATE:
            if kind != COMMENT:
                raise PlatformError(_("Instagram allows a private reply only to a comment under the account's own "
                                      "posts. Reply publicly instead."), permanent=True)
            if mention.posted_at < timezone.now() - PRIVATE_REPLY_WINDOW:
                raise PlatformError(_("Instagram allows a private reply only within 7 days of the comment; this one "
                                      "is older. Reply publicly instead."), permanent=True)
            return
        if kind == TAGGED_MEDIA:
            raise PlatformError(_("Instagram doesn't let apps comment on a post the account is only tagged in: "
                                  "answer on Instagram itself, then record the reply as handled elsewhere."),
                                permanent=True)
        if kind == COMMENT and (mention.raw or {}).get("hidden"):
            raise PlatformError(_("This comment is hidden on Instagram, which accepts no public reply to it: "
                                  "reply privately, or unhide it on Instagram first."), permanent=True)

    def send(self, response) -> str:
        try:
            quota_take(GRAPH_QUOTA)
            if response.visibility == PRIVATE:
                return self._send_private(response)
            return self._send_public(response)
        except Exception as error:  # noqa: BLE001 - translated, or re-raised when unknown
            raise send_error(error, self.credential, self.graph.session.last_response) from error

    def find_existing(self, response, *, exclude: set[str]) -> str | None:
        try:
            if response.visibility == PRIVATE:
                return self._find_private(response, exclude)
            return self._find_public(response, exclude)
        except Exception as error:  # noqa: BLE001
            raise send_error(error, self.credential, self.graph.session.last_response) from error

    def account_id(self, mention) -> str:
        """The professional account's id: its source's target, else the one linked to the token's Page."""
        if self._account is None:
            source = mention.source
            if source is not None and source.kind == ACCOUNT_KIND:
                self._account = str(source.target)
            else:
                quota_take(GRAPH_QUOTA)
                page = self.graph.get_object("me", fields="instagram_business_account")
                self._account = str(page["instagram_business_account"]["id"])
        return self._account

    def _send_public(self, response) -> str:
        mention, kind = response.mention, kind_of(response.mention)
        if kind == COMMENT:
            created = self.graph.put_object(reply_target(mention), "replies", message=response.text)
        else:
            args = {"media_id": mention.raw.get("media_id") or mention.conversation_id, "message": response.text}
            if kind == MENTIONED_COMMENT:
                args["comment_id"] = mention.external_id
            created = self.graph.put_object(self.account_id(mention), "mentions", **args)
        return str(created["id"])

    def _send_private(self, response) -> str:
        sent = self.graph.request(
            f"{self.graph.version}/me/messages",
            post_args={"recipient": json.dumps({"comment_id": response.mention.external_id}),
                       "message": json.dumps({"text": response.text})},
        )
        return str(sent["message_id"])

    def _ours(self, comment: dict, account: str) -> bool:
        """Instagram names the `user` of a comment only when the account wrote it."""
        ids = {str((comment.get(key) or {}).get("id") or "") for key in ("user", "from")} - {""}
        if ids:
            return account in ids
        username = (comment.get("username") or (comment.get("from") or {}).get("username") or "").lower()
        if not username:
            return False
        if self._username is None:
            quota_take(GRAPH_QUOTA)
            self._username = str(self.graph.get_object(account, fields="username").get("username") or "").lower()
        return username == self._username

    def _find_public(self, response, exclude: set[str]) -> str | None:
        mention, kind = response.mention, kind_of(response.mention)
        account = self.account_id(mention)
        fields = "id,text,username,from,user"
        quota_take(GRAPH_QUOTA)
        if kind == COMMENT:
            comments = self.graph.get_connections(reply_target(mention), "replies", fields=fields, limit=100)
        elif kind == MENTIONED_COMMENT:
            found = self.graph.get_object(
                account, fields=f"mentioned_comment.comment_id({mention.external_id}){{replies.limit(100){{{fields}}}}}")
            comments = (found.get("mentioned_comment") or {}).get("replies") or {}
        elif kind == MENTIONED_MEDIA:
            found = self.graph.get_object(
                account, fields=f"mentioned_media.media_id({mention.external_id}){{comments.limit(100){{{fields}}}}}")
            comments = (found.get("mentioned_media") or {}).get("comments") or {}
        else:
            return None
        for comment in comments.get("data") or []:
            if (str(comment.get("id")) not in exclude and same_text(response.text, comment.get("text", ""))
                    and self._ours(comment, account)):
                return str(comment["id"])
        return None

    def _find_private(self, response, exclude: set[str]) -> str | None:
        """The conversation with the commenter holds the private reply, if it was sent."""
        mention = response.mention
        commenter = ((mention.raw or {}).get("from") or {}).get("id")
        if not commenter:
            return None  # a second send gets "already replied" (error 10900) instead of a duplicate
        account = self.account_id(mention)
        quota_take(GRAPH_QUOTA)
        conversations = self.graph.get_connections("me", "conversations", platform="instagram", user_id=commenter)
        for conversation in conversations.get("data") or []:
            quota_take(GRAPH_QUOTA)
            messages = self.graph.get_connections(conversation["id"], "messages", fields="id,message,from", limit=25)
            for message in messages.get("data") or []:
                if (str((message.get("from") or {}).get("id")) == account and str(message["id"]) not in exclude
                        and same_text(response.text, message.get("message", ""))):
                    return str(message["id"])
        return None

