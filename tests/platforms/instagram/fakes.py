"""Instagram Graph API payloads in the shapes Meta documents (IG Media, IG Comment, the
`comments` / `mentions` webhook fields), written for these tests."""

import re
from urllib.parse import unquote

GRAPH = "https://graph.facebook.com/v23.0"
ACCOUNT = "17841400000000001"  # the brand's professional account
USERNAME = "lumio.fr"
MEDIA = "17900000000000101"
JSON = {"Content-Type": "application/json; charset=UTF-8"}


def ig_media(media_id=MEDIA, comments_count=2, **extra):
    return {"id": media_id, "timestamp": "2026-11-20T10:00:00+0000",
            "permalink": f"https://www.instagram.com/p/{media_id[-6:]}/", "comments_count": comments_count, **extra}


def ig_comment(comment_id, text="Toujours pas de fibre à Lille 😤", username="lea_75", user_id="9001",
               timestamp="2026-11-23T08:00:00+0000", replies=(), **extra):
    comment = {"id": comment_id, "text": text, "timestamp": timestamp, "username": username,
               "from": {"id": user_id, "username": username}, "like_count": 3, "hidden": False, **extra}
    if replies:
        comment["replies"] = {"data": list(replies)}
    return comment


def ig_reply(comment_id, parent_id, text="Pareil ici", username="hugo.p", user_id="9002",
             timestamp="2026-11-23T09:00:00+0000", **extra):
    return ig_comment(comment_id, text=text, username=username, user_id=user_id, timestamp=timestamp,
                      parent_id=parent_id, **extra)


def own_reply(comment_id, parent_id, text="Bonjour, nous regardons votre ligne."):
    return ig_reply(comment_id, parent_id, text=text, username=USERNAME, user_id=ACCOUNT, user={"id": ACCOUNT})


def page(items, after=None):
    body = {"data": list(items)}
    if after:
        body["paging"] = {"cursors": {"before": "QVFIUb", "after": after}, "next": f"{GRAPH}/next?after={after}"}
    return body


def graph_error(code, subcode=None, message="An error occurred"):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AIgx"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def tagged_media(media_id="17900000000000201", caption="Merci @lumio.fr pour l'installation 👌", **extra):
    return {"id": media_id, "caption": caption, "timestamp": "2026-11-23T07:00:00+0000",
            "permalink": f"https://www.instagram.com/p/{media_id[-6:]}/", "username": "ines_b",
            "comments_count": 0, "like_count": 12, **extra}


def business_discovery(http, followers=None):
    """Business discovery: the follower count of the professional accounts in `followers`
    (username -> count); a personal account is refused as Instagram does (error 110)."""
    followers = followers or {}

    def asks_discovery(request):
        return "business_discovery" in unquote(request.url)

    def answer(request, context):
        username = re.search(r"business_discovery\.username\(([^)]+)\)", unquote(request.url)).group(1)
        if username not in followers:
            context.status_code = 400
            return graph_error(110, 2207013, message="Invalid user id")
        return {"business_discovery": {"followers_count": followers[username], "id": "17841400000009999"},
                "id": ACCOUNT}

    http.get(f"{GRAPH}/{ACCOUNT}", json=answer, headers=JSON, additional_matcher=asks_discovery)
