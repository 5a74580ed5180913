"""What Écoute asks of Instagram's Graph API (Facebook Login: graph.facebook.com, with the
access token of the Page the professional account is linked to), and how an Instagram
object becomes a normalized mention.

Every item keeps in `raw["ig_kind"]` what it is on Instagram, because that decides how it
is answered: a comment under the account's own media, a comment or a caption elsewhere that
@mentions the account, or media the account is tagged in."""

from datetime import datetime

from platforms.normalized import NormalizedAuthor, NormalizedMention

KEY = "instagram"
ACCOUNT_KIND = "instagram_account"
# Instagram requests go to the same Graph API with the same Meta app as Facebook's, so they
# count against the installation's one Graph quota (FACEBOOK_REQUESTS_PER_15_MIN).
GRAPH_QUOTA = "facebook"

COMMENT = "comment"  # under the account's own media: public reply under it, private reply allowed
MENTIONED_COMMENT = "mentioned_comment"  # someone else's comment that @mentions the account
MENTIONED_MEDIA = "mentioned_media"  # someone else's caption that @mentions the account
TAGGED_MEDIA = "tagged_media"  # media the account is tagged in (Instagram allows no comment through the API)

COMMENT_FIELDS = "id,text,timestamp,username,from,like_count,parent_id,hidden,user"
MEDIA_FIELDS = "id,caption,timestamp,permalink,username,comments_count,like_count"
OWN_MEDIA_FIELDS = "id,timestamp,permalink,comments_count"
MENTIONED_COMMENT_FIELDS = "id,text,timestamp,username,like_count,media{id,permalink}"


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def author(username: str | None, followers: int = 0) -> NormalizedAuthor | None:
    """Instagram names a commenter's id only under the account's own media; elsewhere
    (mentions, tags) only the username. Authors are keyed by username, so one person is
    one author wherever they write."""
    if not username:
        return None
    name = username.lstrip("@").lower()
    return NormalizedAuthor(external_id=name, handle=name, followers_count=followers,
                            profile_url=f"https://www.instagram.com/{name}/")


def normalize_comment(comment: dict, media: dict) -> NormalizedMention:
    """A comment (or a reply to one) under the account's own media."""
    media_id = str(media["id"])
    username = comment.get("username") or (comment.get("from") or {}).get("username")
    replies = (comment.get("replies") or {}).get("data") or []
    return NormalizedMention(
        external_id=str(comment["id"]), text=comment.get("text") or "", posted_at=_time(comment["timestamp"]),
        author=author(username), url=media.get("permalink") or "",
        in_reply_to_id=str(comment.get("parent_id") or media_id), conversation_id=media_id,
        likes_count=int(comment.get("like_count") or 0), replies_count=len(replies),
        raw={**{k: v for k, v in comment.items() if k != "replies"}, "ig_kind": COMMENT, "media_id": media_id},
    )


def normalize_media(media: dict, kind: str) -> NormalizedMention:
    """Someone else's media: a caption that @mentions the account, or a post it is tagged in."""
    return NormalizedMention(
        external_id=str(media["id"]), text=media.get("caption") or "", posted_at=_time(media["timestamp"]),
        author=author(media.get("username")), url=media.get("permalink") or "", conversation_id=str(media["id"]),
        likes_count=int(media.get("like_count") or 0), replies_count=int(media.get("comments_count") or 0),
        raw={k: v for k, v in media.items() if k != "comments"} | {"ig_kind": kind, "media_id": str(media["id"])},
    )


def normalize_mentioned_comment(comment: dict) -> NormalizedMention:
    media = comment.get("media") or {}
    media_id = str(media.get("id") or "")
    return NormalizedMention(
        external_id=str(comment["id"]), text=comment.get("text") or "", posted_at=_time(comment["timestamp"]),
        author=author(comment.get("username")), url=media.get("permalink") or "",
        in_reply_to_id=media_id, conversation_id=media_id, likes_count=int(comment.get("like_count") or 0),
        raw={**comment, "ig_kind": MENTIONED_COMMENT, "media_id": media_id},
    )
