"""Bluesky payloads in the shapes the AT Protocol lexicons describe (app.bsky.feed.defs#postView,
app.bsky.notification.listNotifications, com.atproto.server.createSession…), written for
Écoute's tests, and a small stateful server (sessions, records) at the HTTP layer."""

import re
from itertools import count
from urllib.parse import parse_qs, urlsplit

import requests

SERVICE = "https://bsky.social"
XRPC = f"{SERVICE}/xrpc"
BRAND_DID = "did:plc:lumiobrand000000000000"
LEA_DID = "did:plc:leamartin0000000000000"


def author(did=LEA_DID, handle="lea.bsky.social", name="Léa Martin"):
    return {"did": did, "handle": handle, "displayName": name, "labels": []}


def post_uri(rkey, did=LEA_DID):
    return f"at://{did}/app.bsky.feed.post/{rkey}"


def post(rkey, text="@lumio.bsky.social toujours pas de fibre à Lille", who=None, reply=None,
         indexed="2026-11-23T08:00:01.000Z", **extra):
    who = who or author()
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": indexed.replace(":01.", ":00."), "langs": ["fr"]}
    if reply:
        record["reply"] = reply
    return {"uri": post_uri(rkey, who["did"]), "cid": f"bafyrei{rkey}cid", "author": who, "record": record,
            "replyCount": 1, "repostCount": 3, "likeCount": 9, "quoteCount": 0, "indexedAt": indexed,
            "labels": [], **extra}


def ref(the_post):
    return {"uri": the_post["uri"], "cid": the_post["cid"]}


def notification(the_post, reason="mention"):
    return {"uri": the_post["uri"], "cid": the_post["cid"], "author": the_post["author"], "reason": reason,
            "record": the_post["record"], "isRead": False, "indexedAt": the_post["indexedAt"], "labels": []}


def profile(did=LEA_DID, handle="lea.bsky.social", followers=1234):
    return {"did": did, "handle": handle, "displayName": handle.split(".")[0].title(), "followersCount": followers,
            "followsCount": 12, "postsCount": 40}


def xrpc_error(name, message="", status=400):
    return {"status_code": status, "json": {"error": name, "message": message or name}}


class FakeBluesky:
    """Sessions and the network's posts. Access tokens expire when told to; createRecord keeps
    records by (repo, rkey) and refuses a key already used; `lose_answers` createRecord calls
    write the record, then the connection drops before the answer."""

    def __init__(self, http, posts=(), followers=None, lose_answers=0):
        self.posts = {p["uri"]: p for p in posts}
        self.followers = followers or {}
        self.records: dict[tuple[str, str], dict] = {}
        self.lose_answers = lose_answers
        self.sessions = count(1)
        self.valid_access: set[str] = set()
        self.valid_refresh: set[str] = set()
        self.password = "app-pass-word"
        self.created_sessions = 0
        self.notifications_pages: list[dict] = []
        self.search_pages: list[dict] = []
        http.post(f"{XRPC}/com.atproto.server.createSession", json=self._create_session)
        http.post(f"{XRPC}/com.atproto.server.refreshSession", json=self._refresh_session)
        http.get(f"{XRPC}/app.bsky.feed.getPosts", json=self._authed(self._get_posts))
        http.get(f"{XRPC}/app.bsky.actor.getProfiles", json=self._authed(self._get_profiles))
        http.get(f"{XRPC}/app.bsky.notification.listNotifications", json=self._authed(self._pages("notifications_pages")))
        http.get(f"{XRPC}/app.bsky.feed.searchPosts", json=self._authed(self._pages("search_pages")))
        http.post(f"{XRPC}/com.atproto.repo.createRecord", json=self._authed(self._create_record))
        http.get(f"{XRPC}/com.atproto.repo.getRecord", json=self._authed(self._get_record))

    # --- sessions
    def _new_session(self):
        n = next(self.sessions)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.valid_access.add(access)
        self.valid_refresh.add(refresh)
        return {"did": BRAND_DID, "handle": "lumio.bsky.social", "accessJwt": access, "refreshJwt": refresh,
                "active": True}

    def _create_session(self, request, context):
        body = request.json()
        if body.get("password") != self.password:
            context.status_code = 401
            return {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        self.created_sessions += 1
        return self._new_session()

    def _refresh_session(self, request, context):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid_refresh:
            context.status_code = 400
            return {"error": "ExpiredToken", "message": "Token has expired"}
        self.valid_refresh.discard(token)
        return self._new_session()

    def expire_access(self):
        self.valid_access.clear()

    def expire_everything(self):
        self.valid_access.clear()
        self.valid_refresh.clear()

    def _authed(self, handler):
        def respond(request, context):
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.valid_access:
                context.status_code = 400
                return {"error": "ExpiredToken", "message": "Token has expired"}
            return handler(request, context)
        return respond

    # --- reads
    @staticmethod
    def _query(request):
        return parse_qs(urlsplit(request.url).query)

    def _get_posts(self, request, context):
        uris = self._query(request).get("uris", [])
        return {"posts": [self.posts[u] for u in uris if u in self.posts]}

    def _get_profiles(self, request, context):
        actors = self._query(request).get("actors", [])
        return {"profiles": [profile(did, followers=self.followers.get(did, 0)) for did in actors]}

    def _pages(self, name):
        def respond(request, context):
            pages = getattr(self, name)
            return pages.pop(0) if pages else {name.split("_")[0] if name != "search_pages" else "posts": []}
        return respond

    # --- writes
    def _create_record(self, request, context):
        body = request.json()
        key = (body["repo"], body.get("rkey") or f"auto{len(self.records)}")
        if key in self.records:
            context.status_code = 400
            return {"error": "InvalidRequest", "message": "Record already exists"}
        uri = f"at://{body['repo']}/{body['collection']}/{key[1]}"
        self.records[key] = {"uri": uri, "cid": f"bafyreply{len(self.records)}", "value": body["record"]}
        if self.lose_answers:
            self.lose_answers -= 1
            raise requests.exceptions.ReadTimeout("the answer never came back")
        return {"uri": uri, "cid": self.records[key]["cid"], "validationStatus": "valid"}

    def _get_record(self, request, context):
        query = self._query(request)
        found = self.records.get((query["repo"][0], query["rkey"][0]))
        if not found:
            context.status_code = 400
            return {"error": "RecordNotFound", "message": "Could not locate record"}
        return found


def calls(http, nsid):
    return [r for r in http.request_history if re.search(rf"/xrpc/{re.escape(nsid)}\b", r.url)]
