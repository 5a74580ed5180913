"""facebook-sdk's GraphAPI client, and the Graph error codes Écoute tells apart."""

import facebook
from django.conf import settings

from platforms.http import HTTP_TIMEOUT

KEY = "facebook"
PAGE_KIND = "facebook_page"
REAUTH_CODES = {190, 102}
PERMISSION_CODES = {10} | set(range(200, 300))
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001}


PHOTO_MARK = "[photo]"


def comment_permalink(post_id: str, comment_id: str, parent_id: str = "", *, post_link: str = "") -> str:
    """A comment's link on facebook.com, from its ids ("{page}_{post}", "{post}_{comment}"): the
    post's page with comment_id (and reply_comment_id for a reply to a comment) in the query."""
    page, _, post = post_id.partition("_")
    local = comment_id.rpartition("_")[2]
    if not (local and (post_link or (page and post))):
        return ""
    base = post_link or f"https://www.facebook.com/{page}/posts/{post}"
    if parent_id and parent_id != post_id:
        query = f"comment_id={parent_id.rpartition('_')[2]}&reply_comment_id={local}"
    else:
        query = f"comment_id={local}"
    return f"{base}{'&' if '?' in base else '?'}{query}"


def with_photo(message: str, photo_url: str | None) -> str:
    """A comment that carries a photo says so, so that a photo alone isn't an empty mention."""
    if not photo_url:
        return message
    return f"{message}\n{PHOTO_MARK}" if message else PHOTO_MARK


def graph_client(token: str) -> facebook.GraphAPI:
    graph = facebook.GraphAPI(access_token=token, timeout=HTTP_TIMEOUT[1])
    # facebook-sdk 3.1.0 only accepts Graph versions 2.8–3.1, all retired by Meta, and its
    # constructor refuses anything newer. Set the current version here, the one place
    # where a client is made, from settings.FACEBOOK_GRAPH_VERSION.
    graph.version = settings.FACEBOOK_GRAPH_VERSION
    return graph
