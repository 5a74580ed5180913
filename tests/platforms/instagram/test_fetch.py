"""Polling an Instagram account, with the Graph API faked at the HTTP layer: facebook-sdk
runs its real code up to the socket."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import roles
from listening.choices import EventKind, SourceState
from listening.models import Credential, Mention, Source
from listening.polling import source_poll
from responses.models import Response, ResponseChannel
from tests.factories import UserFactory
from tests.platforms.instagram.fakes import (
    ACCOUNT,
    GRAPH,
    JSON,
    MEDIA,
    business_discovery,
    graph_error,
    ig_comment,
    ig_media,
    ig_reply,
    own_reply,
    page,
    tagged_media,
)

MEDIA_URL = f"{GRAPH}/{ACCOUNT}/media"
TAGS_URL = f"{GRAPH}/{ACCOUNT}/tags"
COMMENTS_URL = f"{GRAPH}/{MEDIA}/comments"


@pytest.fixture(autouse=True)
def _personal_accounts(http):
    """Authors are personal accounts (no follower count) unless a test says otherwise."""
    business_discovery(http)


def _account(http, media=(), tags=()):
    http.get(MEDIA_URL, json=page(media), headers=JSON)
    http.get(TAGS_URL, json=page(tags), headers=JSON)


def _recent(hours=1):
    return (timezone.now() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def test_first_poll_stores_comments_replies_and_tags_and_records_the_accounts_own_reply(http, ig_source):
    thread = ig_comment("17800000000000001", timestamp=_recent(3), replies=[
        ig_reply("17800000000000002", "17800000000000001", timestamp=_recent(2)),
        own_reply("17800000000000003", "17800000000000001") | {"timestamp": _recent(1)},
    ])
    _account(http, media=[ig_media(comments_count=3)], tags=[tagged_media(timestamp=_recent(4))])
    http.get(COMMENTS_URL, json=page([thread]), headers=JSON)

    result = source_poll(source_id=ig_source.pk)

    assert (result.new, result.own, result.errors) == (3, 1, [])
    comment = Mention.objects.get(external_id="17800000000000001")
    assert comment.platform == "instagram" and comment.author.handle == "lea_75"
    assert comment.in_reply_to_id == MEDIA and comment.conversation_id == MEDIA
    assert comment.url.startswith("https://www.instagram.com/p/") and comment.raw["ig_kind"] == "comment"
    reply = Mention.objects.get(external_id="17800000000000002")
    assert reply.in_reply_to_id == "17800000000000001" and reply.author.profile_url == "https://www.instagram.com/hugo.p/"
    assert Mention.objects.get(external_id="17900000000000201").raw["ig_kind"] == "tagged_media"
    # The account's own reply is the comment's response, never a mention in the queue.
    assert not Mention.objects.filter(external_id="17800000000000003").exists()
    response = Response.objects.get(mention=comment)
    assert (response.channel, response.platform_reply_id) == (ResponseChannel.PLATFORM, "17800000000000003")
    assert comment.events.filter(kind=EventKind.REPLIED).count() == 1
    first = http.request_history[0]
    assert first.qs["access_token"] == ["eaab-ig-page"] and "comments_count" in first.qs["fields"][0]
    cursor = Source.objects.get(pk=ig_source.pk).cursor
    assert cursor["since"] > 0 and cursor["counts"] == {MEDIA: 3}


def test_an_incremental_poll_reads_only_media_whose_comments_changed(http, ig_source):
    other = "17900000000000102"
    _account(http, media=[ig_media(comments_count=1), ig_media(other, comments_count=4)])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000011", timestamp=_recent(2))]), headers=JSON)
    http.get(f"{GRAPH}/{other}/comments", json=page([]), headers=JSON)
    assert source_poll(source_id=ig_source.pk).new == 1

    http.reset_mock()
    _account(http, media=[ig_media(comments_count=2), ig_media(other, comments_count=4)])
    http.get(COMMENTS_URL, json=page([
        ig_comment("17800000000000011", timestamp=_recent(2)),  # seen already
        ig_comment("17800000000000012", text="Et toujours rien ce soir", timestamp=_recent(0)),
    ]), headers=JSON)
    result = source_poll(source_id=ig_source.pk)

    assert (result.new, result.duplicates) == (1, 1)
    assert [r.url.split("?")[0] for r in http.request_history] == [MEDIA_URL, COMMENTS_URL, TAGS_URL]
    assert Source.objects.get(pk=ig_source.pk).cursor["counts"] == {MEDIA: 2, other: 4}


def test_an_incremental_poll_leaves_out_what_is_older_than_its_cursor(http, ig_source):
    Source.objects.filter(pk=ig_source.pk).update(cursor={"since": int(timezone.now().timestamp())})
    _account(http, media=[ig_media(comments_count=2)], tags=[tagged_media(timestamp=_recent(48))])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000021", timestamp=_recent(0)),
                                      ig_comment("17800000000000022", timestamp=_recent(30))]), headers=JSON)
    assert source_poll(source_id=ig_source.pk).new == 1
    assert Mention.objects.get().external_id == "17800000000000021"


def test_comments_are_read_page_after_page(http, ig_source):
    _account(http, media=[ig_media(comments_count=3)])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000031", timestamp=_recent(1))], after="QVFIUaft1"),
             headers=JSON)
    http.get(f"{COMMENTS_URL}?after=QVFIUaft1", json=page([ig_comment("17800000000000032", timestamp=_recent(1)),
                                                           ig_comment("17800000000000033", timestamp=_recent(1))]),
             headers=JSON)
    assert source_poll(source_id=ig_source.pk).new == 3
    assert [r.qs.get("after") for r in http.request_history if r.url.startswith(COMMENTS_URL)] == [None, ["qvfiuaft1"]]


def test_a_hidden_comment_is_kept_with_its_state_and_a_malformed_one_is_reported(http, ig_source):
    _account(http, media=[ig_media(comments_count=2)])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000041", timestamp=_recent(1), hidden=True),
                                      {"id": "17800000000000042", "text": "no time"}]), headers=JSON)
    result = source_poll(source_id=ig_source.pk)
    assert result.new == 1 and "17800000000000042: malformed" in result.errors[0]
    assert Mention.objects.get(external_id="17800000000000041").raw["hidden"] is True


def test_a_rate_limit_waits_until_instagram_says_access_returns(http, ig_source):
    usage = {ACCOUNT: [{"type": "instagram", "call_count": 100, "total_cputime": 12, "total_time": 20,
                        "estimated_time_to_regain_access": 17}]}
    http.get(MEDIA_URL, status_code=400, json=graph_error(80002, message="Application request limit reached"),
             headers={**JSON, "X-Business-Use-Case-Usage": json.dumps(usage)})
    source_poll(source_id=ig_source.pk)
    source = Source.objects.get(pk=ig_source.pk)
    assert source.state == SourceState.FAILING and "rate limit" in source.last_error
    wait = source.retry_not_before - timezone.now()
    assert timedelta(minutes=16) < wait <= timedelta(minutes=17)
    assert source_poll(source_id=ig_source.pk).skipped == "waiting"


def test_an_expired_token_needs_reauthorization_and_tells_the_admins(http, ig_source):
    UserFactory(username="alex", email="alex@lumio.example", role=roles.ADMIN)
    http.get(MEDIA_URL, status_code=400, json=graph_error(190, 463, message="Session has expired"), headers=JSON)
    source_poll(source_id=ig_source.pk)
    source = Source.objects.get(pk=ig_source.pk)
    assert source.state == SourceState.NEEDS_REAUTH
    assert "error 190/463" in source.last_error and "new Page access token" in source.last_error
    assert not Credential.objects.get(pk=ig_source.credential_id).is_valid
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alex@lumio.example"]
    assert "new Page access token" in mail.outbox[0].body
    source_poll(source_id=ig_source.pk)  # paused: no second request, no second e-mail
    assert len(mail.outbox) == 1


def test_a_missing_permission_pauses_the_source_in_plain_words(http, ig_source):
    http.get(MEDIA_URL, status_code=403, json=graph_error(10, message="Requires instagram_manage_comments"),
             headers=JSON)
    source_poll(source_id=ig_source.pk)
    source = Source.objects.get(pk=ig_source.pk)
    assert source.state == SourceState.PAUSED and "instagram_manage_comments" in source.last_error


def test_hostile_text_is_stored_faithfully_and_shown_escaped(http, ig_source, cm_client):
    nasty = "<script>alert('x')</script> <b>gras</b> مرحبا \u202eevil\u202c 👋🏽🇫🇷 &amp;"
    big = [ig_comment(f"178000000001{i:05d}", text=("Panne à Lille. " * 14_000)[:200_000], timestamp=_recent(1))
           for i in range(50)]
    _account(http, media=[ig_media(comments_count=51)])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000051", text=nasty, timestamp=_recent(1)), *big]),
             headers=JSON)
    assert len(json.dumps(page(big))) > 10_000_000

    assert source_poll(source_id=ig_source.pk).new == 51

    mention = Mention.objects.get(external_id="17800000000000051")
    assert mention.text == nasty
    assert Mention.objects.filter(text__startswith="Panne à Lille.").count() == 50
    body = cm_client.get(f"/mentions/{mention.pk}/").content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_a_poll_without_a_token_asks_for_one(ig_source):
    ig_source.credential.set_secrets({})
    ig_source.credential.save()
    source_poll(source_id=ig_source.pk)
    source = Source.objects.get(pk=ig_source.pk)
    assert source.state == SourceState.NEEDS_REAUTH and "no access token" in source.last_error


def test_reach_comes_from_business_discovery_once_a_day(http, ig_source):
    business_discovery(http, {"ines_b": 48_000})
    _account(http, media=[ig_media(comments_count=1)], tags=[tagged_media(timestamp=_recent(2))])
    http.get(COMMENTS_URL, json=page([ig_comment("17800000000000061", timestamp=_recent(1))]), headers=JSON)
    source_poll(source_id=ig_source.pk)
    tagged = Mention.objects.get(external_id="17900000000000201")
    assert tagged.author.followers_count == 48_000 and {"code": "followers", "n": 48_000} in tagged.priority_reasons
    assert Mention.objects.get(external_id="17800000000000061").author.followers_count == 0  # a personal account
    lookups = [r for r in http.request_history if "business_discovery" in r.url]
    assert len(lookups) == 2

    Source.objects.filter(pk=ig_source.pk).update(cursor={})
    source_poll(source_id=ig_source.pk)
    assert len([r for r in http.request_history if "business_discovery" in r.url]) == 2  # answers are kept a day
