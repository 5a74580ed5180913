import time

from listening.choices import SourceState
from listening.models import Credential, Mention, Source
from listening.polling import source_poll
from tests.factories import SourceFactory
from tests.platforms.fakes import SEARCH_URL, search_page, tweet, user


def test_first_poll_stores_tweets_with_authors_and_metrics(http, x_source):
    http.get(SEARCH_URL, json=search_page([tweet(12), tweet(11, author_id="101")],
                                          users=[user(), user("101", "hugo", 12000)]))
    result = source_poll(source_id=x_source.pk)
    assert (result.fetched, result.new, result.errors) == (2, 2, [])
    m = Mention.objects.get(external_id="11")
    assert m.author.handle == "hugo" and m.author.followers_count == 12000
    assert (m.reposts_count, m.likes_count, m.replies_count, m.language) == (3, 9, 1, "fr")
    assert m.url == "https://x.com/hugo/status/11"
    request = http.request_history[0]
    assert "Bearer bearer-xyz" == request.headers["Authorization"]
    assert "author_id" in request.url and "public_metrics" in request.url
    x_source.refresh_from_db()
    assert x_source.cursor == {"since_id": "12"} and x_source.state == SourceState.HEALTHY


def test_incremental_poll_sends_since_id(http, x_source):
    x_source.cursor = {"since_id": "12"}
    x_source.save()
    http.get(SEARCH_URL, json=search_page([tweet(13)]))
    source_poll(source_id=x_source.pk)
    assert "since_id=12" in http.request_history[0].url
    assert Source.objects.get(pk=x_source.pk).cursor == {"since_id": "13"}


def test_pagination_follows_next_token(http, x_source):
    first, second = search_page([tweet(20), tweet(19)], next_token="PAGE2"), search_page([tweet(18)], newest_id="18")
    http.get(SEARCH_URL, [{"json": first}, {"json": second}])
    result = source_poll(source_id=x_source.pk)
    assert result.new == 3
    assert "next_token=PAGE2" in http.request_history[1].url
    assert Source.objects.get(pk=x_source.pk).cursor == {"since_id": "20"}


def test_rate_limit_waits_for_the_reset_time(http, x_source):
    reset = int(time.time()) + 900
    http.get(SEARCH_URL, status_code=429, json={"title": "Too Many Requests"}, headers={"x-rate-limit-reset": str(reset)})
    result = source_poll(source_id=x_source.pk)
    assert "rate limit" in result.errors[0]
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.FAILING and int(source.retry_not_before.timestamp()) == reset
    assert source_poll(source_id=x_source.pk).skipped == "waiting"
    assert http.call_count == 1


def test_server_error_then_success(http, x_source):
    http.get(SEARCH_URL, status_code=503, json={"title": "Service Unavailable"})
    assert source_poll(source_id=x_source.pk).errors
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.FAILING and source.consecutive_failures == 1 and source.retry_not_before
    Source.objects.filter(pk=source.pk).update(retry_not_before=None)
    http.get(SEARCH_URL, json=search_page([tweet(30)]))
    assert source_poll(source_id=x_source.pk).new == 1
    source.refresh_from_db()
    assert source.state == SourceState.HEALTHY and source.consecutive_failures == 0


def test_unauthorized_needs_reauthorization_and_says_so(http, x_source, admin_user, mailoutbox):
    admin_user.email = "alex@lumio.example"
    admin_user.save()
    http.get(SEARCH_URL, status_code=401, json={"title": "Unauthorized", "detail": "whatever wording X uses"})
    source_poll(source_id=x_source.pk)
    source = Source.objects.get(pk=x_source.pk)
    assert source.state == SourceState.NEEDS_REAUTH
    assert "invalid, expired or revoked" in source.last_error
    assert not Credential.objects.get(pk=source.credential_id).is_valid
    assert mailoutbox and "alex@lumio.example" in mailoutbox[0].to
    assert source_poll(source_id=x_source.pk).skipped == "paused"


def test_the_same_tweet_from_two_sources_is_stored_once(http, x_source):
    other = SourceFactory(brand=x_source.brand, kind=x_source.kind, target="#Lumio", credential=x_source.credential)
    http.get(SEARCH_URL, json=search_page([tweet(40)]))
    assert source_poll(source_id=x_source.pk).new == 1
    again = source_poll(source_id=other.pk)
    assert (again.new, again.duplicates) == (0, 1)
    assert Mention.objects.filter(external_id="40").count() == 1


def test_the_brands_own_replies_are_responses_not_mentions(http, x_source):
    http.get(SEARCH_URL, json=search_page([tweet(50, text="Ma box est HS @LumioFR")]))
    source_poll(source_id=x_source.pk)
    reply = tweet(51, text="@lea_75 désolés, on regarde en MP", author_id="900",
                  referenced_tweets=[{"type": "replied_to", "id": "50"}])
    http.get(SEARCH_URL, json=search_page([reply], users=[user("900", "LumioFR", 50000)]))
    result = source_poll(source_id=x_source.pk)
    assert (result.new, result.own) == (0, 1)
    assert not Mention.objects.filter(external_id="51").exists()
    mention = Mention.objects.get(external_id="50")
    response = mention.responses.get()
    assert response.channel == "platform" and response.platform_reply_id == "51"
    assert mention.first_response_at is not None
    source_poll(source_id=x_source.pk)  # seen again: still one response
    assert mention.responses.count() == 1


def test_a_malformed_tweet_is_skipped_and_the_rest_stored(http, x_source):
    broken = {"id": "61", "text": "no date"}
    http.get(SEARCH_URL, json=search_page([tweet(62), broken, tweet(60)], newest_id="62"))
    result = source_poll(source_id=x_source.pk)
    assert result.new == 2 and "tweet 61" in result.errors[0]


def test_mentions_of_an_account_look_the_account_up_once(http, x_source):
    x_source.kind, x_source.target = "x_mentions", "@LumioAssist"
    x_source.save()
    http.get("https://api.twitter.com/2/users/by/username/LumioAssist", json={"data": {"id": "555", "username": "LumioAssist"}})
    http.get("https://api.twitter.com/2/users/555/mentions", json=search_page([tweet(70)]))
    source_poll(source_id=x_source.pk)
    assert Source.objects.get(pk=x_source.pk).cursor == {"user_id": "555", "since_id": "70"}
    source_poll(source_id=x_source.pk)
    assert [r.path.rsplit("/", 1)[-1] for r in http.request_history] == ["lumioassist", "mentions", "mentions"]
