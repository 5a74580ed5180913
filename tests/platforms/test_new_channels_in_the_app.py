"""Mastodon and Bluesky mentions in the rest of Écoute, with nothing written for them outside
their packages: the queue's filter and badges, priority from the author's reach, the mention
page's original link and composer, in French too."""

import pytest
from django.urls import reverse

from listening.models import Mention
from listening.polling import source_poll
from tests.factories import (
    AuthorFactory,
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    SourceFactory,
)
from tests.platforms.bluesky_fakes import FakeBluesky, author, notification, post
from tests.platforms.mastodon_fakes import TAG, account, status


@pytest.fixture
def brand(db):
    return BrandFactory(name="Lumio", slug="lumio")


def test_the_queue_filters_by_the_new_channels_and_shows_their_badges(cm_client, brand):
    MentionFactory(brand=brand, platform="mastodon", external_id="1", text="Panne vue sur le fédivers")
    MentionFactory(brand=brand, platform="bluesky", external_id="at://did:plc:x/app.bsky.feed.post/3k",
                   text="Panne vue sur Bluesky")
    MentionFactory(brand=brand, platform="twitter", external_id="2", text="Panne vue sur X")
    body = cm_client.get(reverse("complaints:queue")).content.decode()
    assert '<option value="mastodon"' in body and '<option value="bluesky"' in body
    assert 'class="platform platform-mastodon">Mastodon<' in body and 'class="platform platform-bluesky">Bluesky<' in body
    filtered = cm_client.get(reverse("complaints:queue"), {"platform": "bluesky"}).content.decode()
    assert "Panne vue sur Bluesky" in filtered and "fédivers" not in filtered and "sur X" not in filtered


def test_reach_from_followers_ranks_a_mention_higher(http, brand):
    credential = CredentialFactory(brand=brand, platform="mastodon", name="@Lumio", secrets={
        "mastodon_instance": "mastodon.example", "mastodon_access_token": "t"})
    source = SourceFactory(brand=brand, kind="mastodon_hashtag", target="lumio", credential=credential)
    quiet, famous = account("1", "quiet", followers=3), account("2", "famous", followers=250_000)
    text = "<p>Toujours pas de fibre depuis lundi, aucune réponse du service client #lumio</p>"
    http.get(TAG, json=[status(11, html=text, author=famous), status(10, html=text, author=quiet)])
    source_poll(source_id=source.pk)
    low, high = Mention.objects.get(external_id="10"), Mention.objects.get(external_id="11")
    assert high.priority > low.priority
    assert {"code": "followers", "n": 250_000} in high.priority_reasons


def test_bluesky_reach_comes_from_the_authors_profile(http, brand):
    credential = CredentialFactory(brand=brand, platform="bluesky", name="lumio", secrets={
        "bluesky_handle": "lumio.bsky.social", "bluesky_app_password": "app-pass-word"})
    source = SourceFactory(brand=brand, kind="bluesky_mentions", target="lumio.bsky.social", credential=credential)
    famous = author("did:plc:famous00000000000000000", "famous.bsky.social")
    the_post = post("3kfam", "Toujours pas de fibre depuis lundi", who=famous)
    fake = FakeBluesky(http, posts=[the_post], followers={famous["did"]: 80_000})
    fake.notifications_pages = [{"notifications": [notification(the_post)]}]
    source_poll(source_id=source.pk)
    assert {"code": "followers", "n": 80_000} in Mention.objects.get().priority_reasons


def test_the_mention_page_links_to_the_original_and_says_in_french_why_not_private(cm_client, brand):
    mention = MentionFactory(
        brand=brand, platform="bluesky", external_id="at://did:plc:lea/app.bsky.feed.post/3kabc",
        url="https://bsky.app/profile/lea.bsky.social/post/3kabc",
        author=AuthorFactory(platform="bluesky", external_id="did:plc:lea", handle="lea.bsky.social"),
        source=SourceFactory(brand=brand, kind="bluesky_mentions", target="lumio.bsky.social",
                             credential=CredentialFactory(brand=brand, platform="bluesky", name="lumio", secrets={
                                 "bluesky_handle": "lumio.bsky.social", "bluesky_app_password": "x"})))
    body = cm_client.get(reverse("complaints:mention", args=[mention.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'href="https://bsky.app/profile/lea.bsky.social/post/3kabc"' in body
    assert "Bluesky n’a pas de réponses privées" in body
    assert 'data-limit="300"' in body and 'data-counting="graphemes"' in body
