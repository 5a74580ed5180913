"""Polling Mastodon (mention notifications, a hashtag), with the instance faked at the HTTP layer."""

from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from listening.choices import SourceState
from listening.models import Credential, Mention, Source
from listening.polling import source_poll
from responses.models import Response, ResponseChannel
from tests.factories import (
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    SourceFactory,
)
from tests.platforms.mastodon_fakes import (
    BRAND,
    INSTANCE,
    NOTIFICATIONS,
    TAG,
    account,
    link,
    notification,
    status,
)

SECRETS = {"mastodon_instance": "mastodon.example", "mastodon_access_token": "masto-token"}


def _source(kind, target, **secrets):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@Lumio@mastodon.example")
    credential = CredentialFactory(brand=brand, platform="mastodon", name="@Lumio", secrets=secrets or SECRETS)
    return SourceFactory(brand=brand, kind=kind, target=target, credential=credential)


@pytest.fixture
def mentions_source(db):
    return _source("mastodon_mentions", "@Lumio@mastodon.example")


@pytest.fixture
def tag_source(db):
    return _source("mastodon_hashtag", "#lumio")


def test_first_poll_stores_mentions_as_text_with_authors(http, mentions_source):
    http.get(NOTIFICATIONS, json=[
        notification(502, status(302, html='<p><span class="h-card"><a href="https://mastodon.example/@Lumio" '
                                           'class="u-url mention">@<span>Lumio</span></a></span> ma box '
                                           'redémarre &amp; clignote<br>depuis hier</p>')),
        notification(501, status(301, author=account("109000000000000101", "hugo", followers=12_000))),
    ], headers=link(f"{NOTIFICATIONS}?min_id=502", f"{NOTIFICATIONS}?max_id=501"))
    result = source_poll(source_id=mentions_source.pk)
    assert (result.fetched, result.new, result.errors) == (2, 2, [])
    m = Mention.objects.get(external_id="302")
    assert m.text == "@Lumio ma box redémarre & clignote\ndepuis hier"
    assert m.platform == "mastodon" and m.url == "https://mamot.example/@lea/302"
    assert (m.author.handle, m.author.followers_count) == ("lea@mamot.example", 1234)
    assert (m.reposts_count, m.likes_count, m.replies_count, m.language) == (3, 9, 1, "fr")
    assert Mention.objects.get(external_id="301").author.followers_count == 12_000  # reach for priority
    request = http.request_history[0]
    assert request.headers["Authorization"] == "Bearer masto-token"
    assert request.qs["types[]"] == ["mention"] and request.qs["limit"] == ["40"] and "min_id" not in request.qs
    assert len(http.request_history) == 1  # the first poll reads the newest page only
    source = Source.objects.get(pk=mentions_source.pk)
    assert source.cursor == {"min_id": "502"} and source.state == SourceState.HEALTHY


def test_incremental_poll_walks_newer_pages_by_the_link_header(http, mentions_source):
    Source.objects.filter(pk=mentions_source.pk).update(cursor={"min_id": "502"})
    newer = f"{NOTIFICATIONS}?min_id=504&types%5B%5D=mention"
    http.get(NOTIFICATIONS, [
        {"json": [notification(504, status(304)), notification(503, status(303))],
         "headers": link(newer, f"{NOTIFICATIONS}?max_id=503")},
        {"json": [notification(505, status(305))], "headers": link(f"{NOTIFICATIONS}?min_id=505")},
        {"json": []},
    ])
    result = source_poll(source_id=mentions_source.pk)
    assert result.new == 3
    first, second, third = http.request_history
    assert first.qs["min_id"] == ["502"]
    assert second.qs["min_id"] == ["504"]  # the Link header's rel="prev": newer than this page
    assert third.qs["min_id"] == ["505"]
    assert Source.objects.get(pk=mentions_source.pk).cursor == {"min_id": "505"}


def test_a_poll_that_stops_at_the_page_limit_carries_on_next_time(http, mentions_source, monkeypatch):
    from platforms.mastodon import fetch

    monkeypatch.setattr(fetch, "MAX_PAGES", 1)
    Source.objects.filter(pk=mentions_source.pk).update(cursor={"min_id": "502"})
    http.get(NOTIFICATIONS, json=[notification(504, status(304)), notification(503, status(303))],
             headers=link(f"{NOTIFICATIONS}?min_id=504"))
    source_poll(source_id=mentions_source.pk)
    assert Source.objects.get(pk=mentions_source.pk).cursor == {"min_id": "504"}
    http.get(NOTIFICATIONS, json=[])
    source_poll(source_id=mentions_source.pk)
    assert http.request_history[-1].qs["min_id"] == ["504"]


def test_a_hashtag_is_polled_and_the_brands_own_reply_is_a_response(http, tag_source):
    question = status(310, html="<p>Une panne à Lyon ? #lumio</p>")
    http.get(TAG, json=[question])
    source_poll(source_id=tag_source.pk)
    mention = Mention.objects.get(external_id="310")
    own = status(311, html='<p><span class="h-card"><a href="https://mamot.example/@lea" class="u-url mention">'
                          '@<span>lea</span></a></span> Oui, réparée à 14h. #lumio</p>',
                 author=BRAND, in_reply_to_id="310")
    http.get(TAG, json=[own])
    result = source_poll(source_id=tag_source.pk)
    assert (result.new, result.own) == (0, 1)
    assert http.request_history[-1].qs["min_id"] == ["310"]
    response = Response.objects.get(mention=mention)
    assert response.channel == ResponseChannel.PLATFORM and response.platform_reply_id == "311"
    assert not Mention.objects.filter(external_id="311").exists()


def test_deleted_hidden_and_boosted_items_are_skipped_and_the_rest_stored(http, mentions_source, tag_source):
    http.get(NOTIFICATIONS, json=[
        notification(520, None),  # its status was deleted
        notification(519, status(319), kind="favourite"),  # not a mention: never asked for, ignored
        notification(518, status(318, filtered=[{"filter": {"id": "1", "title": "spam", "filter_action": "hide"},
                                                  "keyword_matches": ["casino"]}])),
        notification(517, status(317)),
    ])
    result = source_poll(source_id=mentions_source.pk)
    assert result.new == 1 and Mention.objects.get().external_id == "317"
    assert any("deleted" in e for e in result.errors) and any("hidden by a filter" in e for e in result.errors)
    assert Source.objects.get(pk=mentions_source.pk).cursor == {"min_id": "520"}
    http.get(TAG, json=[status(330, reblog=status(329)), status(331, html="<p>bonjour</p>")])
    assert source_poll(source_id=tag_source.pk).new == 1


def test_rate_limit_waits_for_the_instances_reset_time(http, mentions_source):
    http.get(NOTIFICATIONS, status_code=429, json={"error": "Too many requests"},
             headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                      "X-RateLimit-Reset": "2030-01-01T10:05:00.000Z"})
    result = source_poll(source_id=mentions_source.pk)
    assert "rate limit" in result.errors[0]
    source = Source.objects.get(pk=mentions_source.pk)
    assert source.state == SourceState.FAILING
    assert source.retry_not_before == datetime.fromisoformat("2030-01-01T10:05:00+00:00")
    assert source_poll(source_id=mentions_source.pk).skipped == "waiting"
    assert http.call_count == 1


def test_a_revoked_token_needs_reauthorization_and_admins_are_emailed(http, mentions_source, admin_user, mailoutbox):
    admin_user.email = "alex@lumio.example"
    admin_user.save()
    http.get(NOTIFICATIONS, status_code=401, json={"error": "The access token is invalid"})
    source_poll(source_id=mentions_source.pk)
    source = Source.objects.get(pk=mentions_source.pk)
    assert source.state == SourceState.NEEDS_REAUTH
    assert "invalid or was revoked" in source.last_error and "new access token" in source.last_error
    assert not Credential.objects.get(pk=source.credential_id).is_valid
    assert mailoutbox and "alex@lumio.example" in mailoutbox[0].to and "new access token" in mailoutbox[0].body
    assert source_poll(source_id=mentions_source.pk).skipped == "paused"


@pytest.mark.parametrize("status_code, state, words", [
    (403, SourceState.PAUSED, "suspended"),
    (404, SourceState.PAUSED, "no such account, hashtag"),
    (410, SourceState.PAUSED, "deleted or suspended"),
    (503, SourceState.FAILING, "server error"),
])
def test_instance_answers_become_health_states_in_plain_words(http, tag_source, status_code, state, words):
    http.get(TAG, status_code=status_code, json={"error": "Your login is currently disabled"})
    source_poll(source_id=tag_source.pk)
    source = Source.objects.get(pk=tag_source.pk)
    assert source.state == state and words in source.last_error


def test_a_credential_without_instance_or_token_says_what_is_missing(http, db):
    source = _source("mastodon_mentions", "@Lumio", mastodon_instance="mastodon.example")
    source_poll(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.NEEDS_REAUTH and "instance address and an access token" in source.last_error
    assert http.call_count == 0


def test_hostile_text_is_stored_as_safe_text(http, tag_source):
    huge = "é" * (5 * 1024 * 1024)  # 10 MB of UTF-8
    http.get(TAG, json=[
        status(340, html='<p>عطل في الشبكة منذ الصباح 😡 <script>alert("x")</script><b>Lumio</b> 👨‍👩‍👧</p>'),
        status(341, html=f"<p>{huge}</p>", spoiler_text="long"),
        status(342, html="<p>\x00nul &lt;b&gt;pas du html&lt;/b&gt;</p>"),
    ])
    result = source_poll(source_id=tag_source.pk)
    assert result.new == 3
    assert Mention.objects.get(external_id="340").text == "عطل في الشبكة منذ الصباح 😡 Lumio 👨‍👩‍👧"
    assert Mention.objects.get(external_id="341").text == f"long\n{huge}"
    assert Mention.objects.get(external_id="342").text == "\ufffdnul <b>pas du html</b>"


def test_the_instance_address_may_be_written_several_ways(http, db):
    for written in ("https://mastodon.example/", "@Lumio@mastodon.example", "mastodon.example"):
        Mention.objects.all().delete()
        source = _source("mastodon_hashtag", "lumio", mastodon_instance=written, mastodon_access_token="t")
        http.get(TAG, json=[status(350)])
        assert source_poll(source_id=source.pk).new == 1
        assert http.request_history[-1].url.startswith(f"{INSTANCE}/api/v1/timelines/tag/lumio")
        source.brand.delete()


def test_a_mention_already_stored_by_another_source_is_not_stored_twice(http, mentions_source):
    MentionFactory(brand=mentions_source.brand, platform="mastodon", external_id="360")
    http.get(NOTIFICATIONS, json=[notification(560, status(360))])
    assert source_poll(source_id=mentions_source.pk).duplicates == 1


def test_an_unreadable_page_is_tried_again_later(http, tag_source):
    http.get(TAG, text="<html>Maintenance</html>")
    source_poll(source_id=tag_source.pk)
    source = Source.objects.get(pk=tag_source.pk)
    assert source.state == SourceState.FAILING and "could not read" in source.last_error


def test_a_hashtag_source_without_a_hashtag_says_so(http, db):
    source = _source("mastodon_hashtag", " # ")
    source_poll(source_id=source.pk)
    source.refresh_from_db()
    assert source.state == SourceState.PAUSED and "no hashtag" in source.last_error and http.call_count == 0


def test_engagement_of_open_mentions_is_read_again(http, tag_source, settings):
    settings.ENGAGEMENT_REFRESH_PER_POLL = 20
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")  # recent: still refreshed
    http.get(TAG, json=[status(370, created_at=now)])
    http.get(f"{INSTANCE}/api/v1/statuses", json=[])
    source_poll(source_id=tag_source.pk)
    cache.delete(f"engagement:{tag_source.pk}")
    http.get(TAG, json=[])
    http.get(f"{INSTANCE}/api/v1/statuses", json=[status(370, created_at=now, favourites_count=75, reblogs_count=20)])
    assert source_poll(source_id=tag_source.pk).engagement_updated == 1
    assert (Mention.objects.get().likes_count, Mention.objects.get().reposts_count) == (75, 20)
    assert http.request_history[-1].qs["id[]"] == ["370"]


def test_an_instance_too_old_to_look_statuses_up_leaves_counts_alone(http, tag_source, settings):
    settings.ENGAGEMENT_REFRESH_PER_POLL = 20
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    http.get(TAG, [{"json": [status(371, created_at=now)]}, {"json": []}])
    http.get(f"{INSTANCE}/api/v1/statuses", status_code=404, json={"error": "Record not found"})
    source_poll(source_id=tag_source.pk)
    cache.delete(f"engagement:{tag_source.pk}")
    result = source_poll(source_id=tag_source.pk)
    assert result.errors == [] and Source.objects.get(pk=tag_source.pk).state == SourceState.HEALTHY
