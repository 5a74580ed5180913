"""The benchmarks' webhook deliveries are ones Écoute accepts, and what the simulated people read
from pages is found in the real templates."""

import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from benchmarks import deliveries, pages
from listening.choices import SourceKind
from listening.models import Mention
from platforms.facebook.webhook import FacebookWebhook, signature_valid
from tests.factories import BrandFactory, MentionFactory, SourceFactory


def _delivery(page="1048576000bench"):
    return deliveries.feed_delivery(page_id=page, post_id=f"{page}_run1", created_time=1_780_000_000, comments=[
        {"id": "a1", "text": "Colis perdu ref tok1", "author_id": "fan-1", "author_name": "Fan"},
        {"id": "a2", "text": "Merci ref tok1", "author_id": "fan-2", "author_name": "Fan 2"}])


def test_the_signature_is_the_one_facebook_sends():
    body, headers = deliveries.signed(_delivery(), "s3cret")
    header = headers[deliveries.SIGNATURE_HEADER]
    assert signature_valid(body, header, ["s3cret"])
    assert not signature_valid(body, header, ["another"])
    assert not signature_valid(body.replace(b"Colis", b"Colie"), header, ["s3cret"])
    assert header == deliveries.sign(body, "s3cret") and header.startswith("sha256=")


def test_facebook_reads_every_comment_of_a_delivery():
    payload = json.loads(deliveries.signed(_delivery(), "x")[0])
    webhook = FacebookWebhook()
    assert webhook.targets(payload) == {"1048576000bench"}
    items = webhook.items(payload)["1048576000bench"]
    assert [i["external_id"] for i in items] == ["run1_a1", "run1_a2"]
    assert [i["text"] for i in items] == ["Colis perdu ref tok1", "Merci ref tok1"]
    assert items[0]["author"] == {"external_id": "fan-1", "display_name": "Fan"}


@pytest.mark.django_db
def test_a_signed_delivery_reaches_the_queue_and_its_live_bar(client, settings, community_manager,
                                                               django_capture_on_commit_callbacks):
    settings.FACEBOOK_APP_SECRET = "s3cret"
    brand = BrandFactory()
    SourceFactory(brand=brand, kind=SourceKind.FACEBOOK_PAGE, target="1048576000bench")
    body, headers = deliveries.signed(_delivery(), "s3cret")
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/webhooks/facebook/", data=body, content_type="application/json", secure=True,
                             headers={deliveries.SIGNATURE_HEADER: headers[deliveries.SIGNATURE_HEADER]})
    assert answer.status_code == 200
    client.force_login(community_manager)
    bar = client.get(reverse("complaints:queue-new"), {"q": "tok1", "since": 0, "brand": brand.pk}, secure=True)
    assert pages.live_bar_count(bar.content.decode()) == Mention.objects.filter(brand=brand).count() == 2


def test_the_live_bar_count_is_read_from_its_template():
    html = render_to_string("complaints/partials/new_bar.html", {"count": 3, "queue_url": "/", "poll_query": "a=1"})
    assert pages.live_bar_count(html) == 3
    assert pages.live_bar_count(render_to_string("complaints/partials/new_bar.html", {"count": 0})) == 0


@pytest.mark.django_db
def test_the_queue_page_gives_its_mentions_and_the_live_bar_its_since(cm_client):
    mentions = MentionFactory.create_batch(3)
    html = cm_client.get(reverse("complaints:queue"), secure=True).content.decode()
    assert sorted(pages.mention_ids(html)) == sorted(str(m.pk) for m in mentions)
    assert pages.live_bar_since(html) == str(max(m.pk for m in mentions))


def test_take_next_redirects_are_read_as_the_taken_mention():
    assert pages.taken_mention("/mentions/42/") == "42"
    assert pages.taken_mention("/?platform=twitter&open=42") == "42"
    assert pages.taken_mention("/?open=42&platform=twitter") == "42"
    assert pages.taken_mention("/?platform=twitter") is None


@pytest.mark.django_db
def test_the_real_take_next_redirect_names_the_mention_it_gave(cm_client):
    mention = MentionFactory(platform="twitter")
    response = cm_client.post(reverse("complaints:take-next"), {"platform": "twitter"}, secure=True)
    assert pages.taken_mention(response["Location"]) == str(mention.pk)
