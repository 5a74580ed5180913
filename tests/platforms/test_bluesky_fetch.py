"""Polling Bluesky (notifications, search), with the AT Protocol server faked at the HTTP layer."""

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone as dj_timezone

from listening.choices import SourceState
from listening.models import Credential, Mention, Source
from listening.polling import source_poll
from responses.models import Response, ResponseChannel
from tests.factories import BrandFactory, CredentialFactory, SourceFactory
from tests.platforms.bluesky_fakes import (
    BRAND_DID,
    LEA_DID,
    XRPC,
    FakeBluesky,
    author,
    calls,
    notification,
    post,
    ref,
)

SECRETS = {"bluesky_handle": "lumio.bsky.social", "bluesky_app_password": "app-pass-word"}
HUGO = author("did:plc:hugopetit000000000000", "hugo.bsky.social", "Hugo")
BRAND = author(BRAND_DID, "lumio.bsky.social", "Lumio")


def _source(kind, target, **secrets):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="lumio.bsky.social")
    credential = CredentialFactory(brand=brand, platform="bluesky", name="lumio.bsky.social", secrets=secrets or SECRETS)
    return SourceFactory(brand=brand, kind=kind, target=target, credential=credential)


@pytest.fixture
def notices(db):
    return _source("bluesky_mentions", "lumio.bsky.social")


@pytest.fixture
def search(db):
    return _source("bluesky_search", "Lumio")


def test_first_poll_stores_mentions_replies_and_quotes_with_reach(http, notices):
    first, second, third = (post("3kaaa", indexed="2026-11-23T08:00:01.000Z"),
                            post("3kaab", "une réponse", who=HUGO, indexed="2026-11-23T08:05:01.000Z"),
                            post("3kaac", "je cite ça", indexed="2026-11-23T08:10:01.000Z"))
    fake = FakeBluesky(http, posts=[first, second, third], followers={LEA_DID: 1234, HUGO["did"]: 12_000})
    fake.notifications_pages = [{"notifications": [notification(third, "quote"), notification(second, "reply"),
                                                   notification(first, "mention")], "cursor": "older-page"}]
    result = source_poll(source_id=notices.pk)
    assert (result.new, result.errors) == (3, [])
    m = Mention.objects.get(external_id=first["uri"])
    assert m.platform == "bluesky" and m.text == "@lumio.bsky.social toujours pas de fibre à Lille"
    assert m.url == "https://bsky.app/profile/lea.bsky.social/post/3kaaa"  # for "Open the original"
    assert (m.author.handle, m.author.external_id, m.author.followers_count) == ("lea.bsky.social", LEA_DID, 1234)
    assert Mention.objects.get(external_id=second["uri"]).author.followers_count == 12_000
    listing = calls(http, "app.bsky.notification.listNotifications")
    assert len(listing) == 1 and listing[0].qs["reasons"] == ["mention", "reply", "quote"]
    assert listing[0].headers["Authorization"] == "Bearer access-1"
    source = Source.objects.get(pk=notices.pk)
    assert source.cursor == {"mark": "2026-11-23T08:10:01.000Z"} and source.state == SourceState.HEALTHY
    assert fake.created_sessions == 1


def test_incremental_polls_page_back_to_the_mark_and_reuse_the_session(http, notices):
    old, new1, new2, new3 = (post("3kaaa", indexed="2026-11-23T08:00:01.000Z"),
                             post("3kaba", indexed="2026-11-23T09:00:01.000Z"),
                             post("3kabb", indexed="2026-11-23T09:05:01.000Z"),
                             post("3kabc", indexed="2026-11-23T09:10:01.000Z"))
    fake = FakeBluesky(http, posts=[old, new1, new2, new3])
    Source.objects.filter(pk=notices.pk).update(cursor={"mark": old["indexedAt"]})
    fake.notifications_pages = [
        {"notifications": [notification(new3), notification(new2)], "cursor": "p2"},
        {"notifications": [notification(new1), notification(old)], "cursor": "p3"},
    ]
    assert source_poll(source_id=notices.pk).new == 3
    listing = calls(http, "app.bsky.notification.listNotifications")
    assert [r.qs.get("cursor") for r in listing] == [None, ["p2"]]  # stopped at the mark, not at p3
    assert Source.objects.get(pk=notices.pk).cursor == {"mark": new3["indexedAt"]}
    source_poll(source_id=notices.pk)
    assert fake.created_sessions == 1  # the session is kept between polls


def test_a_poll_cut_short_carries_on_from_blueskys_page_cursor(http, notices, monkeypatch):
    from platforms.bluesky import fetch

    monkeypatch.setattr(fetch, "MAX_PAGES", 1)
    old, new1, new2 = (post("3kaaa", indexed="2026-11-23T08:00:01.000Z"),
                       post("3kaba", indexed="2026-11-23T09:00:01.000Z"),
                       post("3kabb", indexed="2026-11-23T09:05:01.000Z"))
    fake = FakeBluesky(http, posts=[old, new1, new2])
    Source.objects.filter(pk=notices.pk).update(cursor={"mark": old["indexedAt"]})
    fake.notifications_pages = [{"notifications": [notification(new2)], "cursor": "p2"},
                                {"notifications": [notification(new1), notification(old)], "cursor": "p3"}]
    source_poll(source_id=notices.pk)
    assert Source.objects.get(pk=notices.pk).cursor == {"mark": old["indexedAt"], "page": "p2",
                                                        "pending_mark": new2["indexedAt"]}
    assert source_poll(source_id=notices.pk).new == 1
    assert calls(http, "app.bsky.notification.listNotifications")[-1].qs["cursor"] == ["p2"]
    assert Source.objects.get(pk=notices.pk).cursor == {"mark": new2["indexedAt"]}


def test_search_asks_since_the_mark_and_follows_the_cursor(http, search):
    a, b, c = (post("3kaca", "Lumio en panne ?", indexed="2026-11-23T10:00:01.000Z"),
               post("3kacb", "Lumio encore", indexed="2026-11-23T10:05:01.000Z"),
               post("3kacc", "Lumio merci", indexed="2026-11-23T10:10:01.000Z"))
    fake = FakeBluesky(http, posts=[a, b, c])
    Source.objects.filter(pk=search.pk).update(cursor={"mark": "2026-11-23T09:00:00.000Z"})
    fake.search_pages = [{"posts": [c, b], "cursor": "s2"}, {"posts": [a]}]
    assert source_poll(source_id=search.pk).new == 3
    first, second = (parse_qs(urlsplit(r.url).query) for r in calls(http, "app.bsky.feed.searchPosts"))
    assert first["q"] == ["Lumio"] and first["sort"] == ["latest"] and first["since"] == ["2026-11-23T09:00:00.000Z"]
    assert second["cursor"] == ["s2"] and second["since"] == first["since"]
    assert Source.objects.get(pk=search.pk).cursor == {"mark": c["indexedAt"]}


def test_the_brands_own_reply_is_recorded_as_a_response(http, search):
    question = post("3kada", "Lumio, une panne à Lyon ?", indexed="2026-11-23T10:00:01.000Z")
    own = post("3kadb", "Oui, réparée à 14h. Lumio", who=BRAND, indexed="2026-11-23T10:30:01.000Z",
               reply={"root": ref(question), "parent": ref(question)})
    fake = FakeBluesky(http, posts=[question, own])
    fake.search_pages = [{"posts": [question]}]
    source_poll(source_id=search.pk)
    fake.search_pages = [{"posts": [own, question]}]
    result = source_poll(source_id=search.pk)
    assert (result.new, result.duplicates, result.own) == (0, 1, 1)
    response = Response.objects.get(mention__external_id=question["uri"])
    assert response.channel == ResponseChannel.PLATFORM and response.platform_reply_id == own["uri"]
    assert not Mention.objects.filter(external_id=own["uri"]).exists()


def test_deleted_and_hidden_posts_are_skipped_and_the_rest_stored(http, notices):
    kept, gone, hidden = (post("3kaea"), post("3kaeb"), post("3kaec", labels=[
        {"src": "did:plc:moderation", "uri": post_uri_of("3kaec"), "val": "!hide", "cts": "2026-11-23T08:00:00Z"}]))
    fake = FakeBluesky(http, posts=[kept, hidden])  # `gone` was deleted before it was read
    fake.notifications_pages = [{"notifications": [notification(kept), notification(gone), notification(hidden),
                                                   {**notification(kept), "reason": "like"}]}]
    result = source_poll(source_id=notices.pk)
    assert result.new == 1 and Mention.objects.get().external_id == kept["uri"]
    assert any("deleted" in e for e in result.errors) and any("hidden" in e for e in result.errors)


def post_uri_of(rkey):
    return f"at://{LEA_DID}/app.bsky.feed.post/{rkey}"


def test_an_expired_session_refreshes_by_itself(http, notices):
    fake = FakeBluesky(http, posts=[post("3kafa")])
    fake.notifications_pages = [{"notifications": []}]
    source_poll(source_id=notices.pk)
    fake.expire_access()
    fake.notifications_pages = [{"notifications": [notification(post("3kafa"))]}]
    assert source_poll(source_id=notices.pk).new == 1
    assert len(calls(http, "com.atproto.server.refreshSession")) == 1 and fake.created_sessions == 1
    fake.expire_everything()  # the refresh token is spent too: sign in again
    fake.notifications_pages = [{"notifications": []}]
    assert not source_poll(source_id=notices.pk).errors
    assert fake.created_sessions == 2
    assert Source.objects.get(pk=notices.pk).state == SourceState.HEALTHY


def test_a_revoked_app_password_needs_reauthorization_and_admins_are_emailed(http, notices, admin_user, mailoutbox):
    admin_user.email = "alex@lumio.example"
    admin_user.save()
    fake = FakeBluesky(http)
    fake.password = "another-one"  # the app password was revoked
    source_poll(source_id=notices.pk)
    source = Source.objects.get(pk=notices.pk)
    assert source.state == SourceState.NEEDS_REAUTH and "app password" in source.last_error
    assert not Credential.objects.get(pk=source.credential_id).is_valid
    assert mailoutbox and "alex@lumio.example" in mailoutbox[0].to and "App passwords" in mailoutbox[0].body
    assert source_poll(source_id=notices.pk).skipped == "paused"


def test_rate_limit_waits_for_the_reset_time(http, notices):
    FakeBluesky(http)
    reset = 1_900_000_000
    http.get(f"{XRPC}/app.bsky.notification.listNotifications", status_code=429,
             json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
             headers={"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset),
                      "RateLimit-Policy": "3000;w=300"})
    result = source_poll(source_id=notices.pk)
    assert "rate limit" in result.errors[0]
    source = Source.objects.get(pk=notices.pk)
    assert source.state == SourceState.FAILING
    assert source.retry_not_before == datetime.fromtimestamp(reset, tz=timezone.utc)
    assert source_poll(source_id=notices.pk).skipped == "waiting"


def test_a_bad_search_query_pauses_the_source_and_says_why(http, search):
    FakeBluesky(http)
    http.get(f"{XRPC}/app.bsky.feed.searchPosts", status_code=400,
             json={"error": "BadQueryString", "message": "could not parse query"})
    source_poll(source_id=search.pk)
    source = Source.objects.get(pk=search.pk)
    assert source.state == SourceState.PAUSED and "could not parse query" in source.last_error


def test_hostile_text_is_stored_faithfully(http, search):
    huge = "é" * (5 * 1024 * 1024)  # 10 MB of UTF-8
    rtl = post("3kaga", "عطل في الشبكة منذ الصباح 😡 <script>alert(1)</script> 👨‍👩‍👧 Lumio")
    big = post("3kagb", huge)
    nul = post("3kagc", "nul\x00 Lumio")
    fake = FakeBluesky(http, posts=[rtl, big, nul])
    fake.search_pages = [{"posts": [rtl, big, nul]}]
    assert source_poll(source_id=search.pk).new == 3
    assert Mention.objects.get(external_id=rtl["uri"]).text == rtl["record"]["text"]  # plain text, shown escaped
    assert Mention.objects.get(external_id=big["uri"]).text == huge
    assert Mention.objects.get(external_id=nul["uri"]).text == "nul\ufffd Lumio"


def test_engagement_of_open_mentions_is_read_again(http, notices, settings):
    settings.ENGAGEMENT_REFRESH_PER_POLL = 20
    first = post("3kaha", indexed=dj_timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"))  # recent: still refreshed
    fake = FakeBluesky(http, posts=[first])
    fake.notifications_pages = [{"notifications": [notification(first)]}]
    source_poll(source_id=notices.pk)  # stored; its counts are read at the next refresh
    fake.posts[first["uri"]] = {**first, "likeCount": 120, "repostCount": 40}
    cache.delete(f"engagement:{notices.pk}")
    fake.notifications_pages = [{"notifications": []}]
    result = source_poll(source_id=notices.pk)
    assert result.engagement_updated == 1
    m = Mention.objects.get()
    assert (m.likes_count, m.reposts_count) == (120, 40)
