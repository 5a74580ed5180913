"""What real Facebook webhook deliveries and Graph errors showed: comment deliveries carry no
link, a photo comment has no message, a row seen again through polling fills what it lacked,
and two send errors that aren't permission problems."""

import hashlib
import hmac
import json

import pytest
from django.utils import translation

from listening.choices import Platform, SourceKind
from listening.models import Mention
from listening.polling import source_poll
from platforms.errors import PlatformError
from responses.models import Visibility
from responses.senders import sender_for
from tests.factories import BrandFactory, CredentialFactory, MentionFactory, ResponseFactory, SourceFactory
from tests.platforms.fakes import graph_comment, graph_error, graph_post

PAGE = "104857600000001"
POST = f"{PAGE}_1"
GRAPH = "https://graph.facebook.com/v23.0"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
PHOTO = "https://scontent.xx.fbcdn.net/v/t39.1997-6/box-broken.jpg"


def _comment_change(comment_id, *, message=None, photo=None, parent_id=POST, sender=("778", "Hugo Petit"), post=None):
    # A `feed` change for a new comment, as Meta delivers it: ids, the comment's words and
    # photo, its author when the app may see it, and a summary of the post it belongs to.
    value = {"item": "comment", "verb": "add", "comment_id": comment_id, "post_id": POST, "parent_id": parent_id,
             "created_time": 1795420800}
    if message is not None:
        value["message"] = message
    if photo:
        value["photo"] = photo
    if sender:
        value["from"] = {"id": sender[0], "name": sender[1]}
    if post:
        value["post"] = post
    return {"object": "page", "entry": [{"id": PAGE, "time": 1795420800, "changes": [{"field": "feed", "value": value}]}]}


def _deliver(client, payload):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    return client.post("/webhooks/facebook/", data=body, content_type="application/json",
                       HTTP_X_HUB_SIGNATURE_256=signature)


@pytest.mark.django_db(transaction=True)
def test_a_delivered_comment_links_to_itself(client, fb_source):
    assert _deliver(client, _comment_change(f"{POST}_77", message="Toujours pas de réseau")).status_code == 200
    mention = Mention.objects.get(external_id=f"{POST}_77")
    assert mention.url == f"https://www.facebook.com/{PAGE}/posts/1?comment_id=77"


@pytest.mark.django_db(transaction=True)
def test_a_delivered_reply_links_through_its_comment_and_the_posts_own_link(client, fb_source):
    post = {"id": POST, "status_type": "added_photos", "is_published": True,
            "permalink_url": "https://www.facebook.com/lumio/posts/pfbid02abc"}
    _deliver(client, _comment_change(f"{POST}_78", message="Pareil", parent_id=f"{POST}_77", post=post))
    mention = Mention.objects.get(external_id=f"{POST}_78")
    assert mention.url == "https://www.facebook.com/lumio/posts/pfbid02abc?comment_id=77&reply_comment_id=78"


@pytest.mark.django_db(transaction=True)
def test_a_photo_comment_keeps_its_photo_and_says_photo(client, fb_source):
    _deliver(client, _comment_change(f"{POST}_79", photo=PHOTO))
    mention = Mention.objects.get(external_id=f"{POST}_79")
    assert mention.text == "[photo]" and mention.raw["photo"] == PHOTO
    _deliver(client, _comment_change(f"{POST}_80", message="Voilà l'écran", photo=PHOTO))
    assert Mention.objects.get(external_id=f"{POST}_80").text == "Voilà l'écran\n[photo]"


def test_a_polled_photo_comment_says_photo(http, fb_source):
    comment = graph_comment(f"{POST}_81", message="")
    comment["attachment"] = {"type": "photo", "url": "https://www.facebook.com/photo.php?fbid=42",
                             "media": {"image": {"src": PHOTO, "height": 720, "width": 960}}}
    http.get(f"{GRAPH}/{PAGE}/feed", json={"data": [graph_post(comments=[comment])]}, headers=JSON)
    http.get(f"{GRAPH}/{PAGE}/tagged", json={"data": []}, headers=JSON)
    source_poll(source_id=fb_source.pk)
    mention = Mention.objects.get(external_id=f"{POST}_81")
    assert mention.text == "[photo]" and mention.raw["attachment"]["media"]["image"]["src"] == PHOTO
    assert "attachment" in http.request_history[0].qs["fields"][0]


@pytest.mark.django_db(transaction=True)
def test_polling_fills_what_the_delivery_lacked(client, http, fb_source):
    # Without the permission to see visitors, Meta's delivery has no author.
    _deliver(client, _comment_change(f"{POST}_82", message="Plus de TV depuis ce matin", sender=None))
    stored = Mention.objects.get(external_id=f"{POST}_82")
    assert stored.author_id is None
    comment = graph_comment(f"{POST}_82", message="Plus de TV depuis ce matin", sender=("790", "Inès Roux"))
    comment["permalink_url"] = "https://www.facebook.com/lumio/posts/pfbid02abc?comment_id=82"
    http.get(f"{GRAPH}/{PAGE}/feed", json={"data": [graph_post(comments=[comment])]}, headers=JSON)
    http.get(f"{GRAPH}/{PAGE}/tagged", json={"data": []}, headers=JSON)
    source_poll(source_id=fb_source.pk)
    stored.refresh_from_db()
    assert stored.author.display_name == "Inès Roux"
    assert stored.url == f"https://www.facebook.com/{PAGE}/posts/1?comment_id=82"  # what it had stays
    assert Mention.objects.filter(external_id=f"{POST}_82").count() == 1


@pytest.fixture
def fb_mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts=PAGE)
    source = SourceFactory(brand=brand, kind=SourceKind.FACEBOOK_PAGE, target=PAGE,
                           credential=CredentialFactory(brand=brand, platform=Platform.FACEBOOK, name="Page Lumio"))
    return MentionFactory(brand=brand, source=source, platform=Platform.FACEBOOK, external_id=f"{POST}_9",
                          in_reply_to_id=POST, conversation_id=POST)


def _private_send_error(http, fb_mention, body):
    http.post(f"{GRAPH}/{PAGE}/messages", status_code=400, headers=JSON, json=body)
    with pytest.raises(PlatformError) as caught:
        sender_for(fb_mention).send(ResponseFactory(mention=fb_mention, text="Bonjour", visibility=Visibility.PRIVATE))
    return caught.value


def test_a_person_unavailable_is_not_a_permission_problem(http, fb_mention):
    error = _private_send_error(http, fb_mention, graph_error(
        551, 1545041, message="(#551) This person isn't available right now."))
    assert error.permanent and not error.needs_reauth
    assert "deactivated their account" in error.message and "reply publicly" in error.message
    assert "pages_messaging" not in error.message and "Grant" not in error.message
    with translation.override("fr"):
        assert "disponible" in error.shown()


def test_outside_the_allowed_window_is_not_a_permission_problem(http, fb_mention):
    error = _private_send_error(http, fb_mention, graph_error(
        10, 2018278, message="(#10) This message is sent outside of allowed window."))
    assert error.permanent and not error.needs_reauth
    assert "outside the allowed window" in error.message
    assert "pages_messaging" not in error.message and "denied a permission" not in error.message
    with translation.override("fr"):
        assert "fenêtre" in error.shown()
