"""Payloads shaped like the platforms' own, for HTTP-level fakes."""

SEARCH_URL = "https://api.twitter.com/2/tweets/search/recent"


def tweet(tweet_id, text="Toujours pas de fibre @LumioFR", author_id="100", **extra):
    return {"id": str(tweet_id), "text": text, "author_id": str(author_id), "created_at": "2026-11-23T08:00:00.000Z",
            "conversation_id": str(tweet_id), "lang": "fr",
            "public_metrics": {"retweet_count": 3, "reply_count": 1, "like_count": 9, "quote_count": 0}, **extra}


def user(user_id="100", username="lea_75", followers=1234):
    return {"id": str(user_id), "username": username, "name": username.title(),
            "public_metrics": {"followers_count": followers}}


def search_page(tweets, users=None, next_token=None, newest_id=None):
    meta = {"result_count": len(tweets)}
    if tweets:
        meta["newest_id"] = newest_id or max((t["id"] for t in tweets), key=int)
        meta["oldest_id"] = min((t["id"] for t in tweets), key=int)
    if next_token:
        meta["next_token"] = next_token
    return {"data": tweets, "includes": {"users": users or [user()]}, "meta": meta} if tweets else {"meta": meta}


def graph_post(post_id="104857600000001_1", message="Pas de réseau à Lille depuis hier", comments=(), **extra):
    return {"id": post_id, "message": message, "created_time": "2026-11-23T08:00:00+0000",
            "from": {"id": "777", "name": "Léa Martin"}, "permalink_url": f"https://facebook.com/{post_id}",
            "comments": {"data": list(comments)}, **extra}


def graph_comment(comment_id, message="Pareil ici", sender=("778", "Hugo Petit"), parent=None):
    comment = {"id": comment_id, "message": message, "created_time": "2026-11-23T09:00:00+0000",
               "from": {"id": sender[0], "name": sender[1]}}
    if parent:
        comment["parent"] = {"id": parent}
    return comment


def graph_error(code, subcode=None, message="An error occurred"):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Axyz"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}
