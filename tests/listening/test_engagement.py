"""Engagement keeps moving after a mention is stored: counts are refreshed and the priority follows."""

from datetime import timedelta

from django.utils import timezone

from listening.choices import Platform
from listening.ingestion import mention_ingest
from listening.models import Mention
from listening.polling import source_poll
from platforms.normalized import NormalizedAuthor, NormalizedMention
from tests.factories import AuthorFactory, BrandFactory, MentionFactory
from tests.platforms.fakes import SEARCH_URL, search_page, tweet, user

LOOKUP_URL = "https://api.twitter.com/2/tweets"


def _item(reposts: int, likes: int = 0) -> NormalizedMention:
    return NormalizedMention(external_id="p1", text="Encore une panne, 3e fois ce mois", posted_at=timezone.now()
                             - timedelta(hours=2), author=NormalizedAuthor(external_id="a1", handle="lea", followers_count=80),
                             reposts_count=reposts, likes_count=likes)


def test_a_mention_seen_again_with_more_shares_climbs_the_queue(db):
    brand = BrandFactory()
    first = mention_ingest(brand=brand, platform=Platform.FACEBOOK, items=[_item(0)])
    before = Mention.objects.get(pk=first.new_ids[0])
    again = mention_ingest(brand=brand, platform=Platform.FACEBOOK, items=[_item(60, likes=200)])
    after = Mention.objects.get(pk=before.pk)
    assert (again.new, again.duplicates, again.engagement_updated) == (0, 1, 1)
    assert (after.reposts_count, after.likes_count) == (60, 200)
    assert after.priority > before.priority
    assert {"code": "reposts", "n": 60, "hours": 2} in after.priority_reasons
    unchanged = mention_ingest(brand=brand, platform=Platform.FACEBOOK, items=[_item(60, likes=200)])
    assert unchanged.engagement_updated == 0
    assert Mention.objects.count() == 1


def _stored_tweet(x_source, **extra):
    return MentionFactory(brand=x_source.brand, source=x_source, platform=Platform.TWITTER, external_id="77",
                          posted_at=timezone.now() - timedelta(hours=1), label="complaint",
                          author=AuthorFactory(external_id="100", followers_count=1234), **extra)


def test_x_polls_look_up_the_counts_of_recent_open_posts_once_in_a_while(http, x_source):
    stored = _stored_tweet(x_source)
    MentionFactory(brand=x_source.brand, source=x_source, platform=Platform.TWITTER, external_id="78",
                   posted_at=timezone.now() - timedelta(hours=1), status="resolved")
    http.get(SEARCH_URL, json=search_page([]))
    viral = tweet(77, public_metrics={"retweet_count": 250, "reply_count": 40, "like_count": 900, "quote_count": 12})
    http.get(LOOKUP_URL, json={"data": [viral], "includes": {"users": [user()]}})
    result = source_poll(source_id=x_source.pk)
    assert (result.engagement_updated, result.errors) == (1, [])
    lookup = [r for r in http.request_history if r.path == "/2/tweets"]
    assert len(lookup) == 1 and lookup[0].qs["ids"] == ["77"]  # open ones only
    after = Mention.objects.get(pk=stored.pk)
    assert (after.reposts_count, after.quotes_count, after.likes_count) == (250, 12, 900)
    assert after.priority > stored.priority
    source_poll(source_id=x_source.pk)  # within ENGAGEMENT_REFRESH_MINUTES: no second lookup
    assert len([r for r in http.request_history if r.path == "/2/tweets"]) == 1


def test_a_failed_lookup_is_reported_and_the_poll_still_stores(http, x_source):
    _stored_tweet(x_source)
    http.get(SEARCH_URL, json=search_page([tweet(90)]))
    http.get(LOOKUP_URL, status_code=429, headers={"x-rate-limit-reset": str(int(timezone.now().timestamp()) + 900)},
             json={"title": "Too Many Requests"})
    result = source_poll(source_id=x_source.pk)
    assert result.new == 1 and Mention.objects.filter(external_id="90").exists()
    assert result.errors == ["engagement refresh: X rate limit reached (429). Polling resumes at X's reset time."]


def test_the_lookup_can_be_turned_off(http, x_source, settings):
    settings.ENGAGEMENT_REFRESH_PER_POLL = 0
    _stored_tweet(x_source)
    http.get(SEARCH_URL, json=search_page([]))
    source_poll(source_id=x_source.pk)
    assert [r.path for r in http.request_history] == ["/2/tweets/search/recent"]
