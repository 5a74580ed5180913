"""The reply composer on the mention page: where a reply can go, length as each platform
counts it, canned responses with their variables, retry, handled elsewhere."""

import pytest
import requests_mock

from listening.choices import Platform, SourceKind
from platforms.x.rules import x_length
from responses.composing import canned_fill, length_problem
from responses.models import CannedResponse, Response, ResponseChannel, ResponseStatus
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, ResponseFactory, SourceFactory,
)

TWEETS = "https://api.twitter.com/2/tweets"


@pytest.fixture
def x_mention(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    return MentionFactory(brand=brand, source=source, external_id="1800000000000000001",
                          author=AuthorFactory(external_id="100", handle="lea_75"))


def test_x_counts_links_as_23_and_wide_characters_as_2():
    assert x_length("abc") == 3
    assert x_length("voir https://example.org/un/tres/long/chemin/de/page") == 5 + 23
    assert x_length("merci 👏") == 6 + 2
    assert x_length("日本") == 4


def test_too_long_for_x_is_said_in_plain_words(x_mention):
    assert length_problem(mention=x_mention, text="a" * 280, visibility="public") == ""
    message = length_problem(mention=x_mention, text="a" * 281, visibility="public")
    assert "281" in message and "280" in message
    assert length_problem(mention=x_mention, text="a" * 281, visibility="private") == ""  # a DM may be longer


def test_canned_variables_are_filled_and_nothing_else_is_interpreted(x_mention, community_manager):
    text = canned_fill("Bonjour {author}, ici {agent_first_name} de {brand}. {0} {author.__class__}",
                       mention=x_mention, agent=community_manager)
    assert text == "Bonjour lea_75, ici Camille de Lumio. {0} {author.__class__}"


def test_composer_offers_canned_responses_in_the_mentions_language_first(cm_client, x_mention):
    CannedResponse.objects.create(title="Excuses retard", language="fr", label="complaint",
                                  text="Bonjour {author}, toutes nos excuses.")
    CannedResponse.objects.create(title="Sorry", language="en", text="Hi {author}, sorry <b>about</b> that.")
    CannedResponse.objects.create(title="Merci", language="fr", label="praise", text="Merci !")  # other label
    body = cm_client.get(f"/mentions/{x_mention.pk}/").content.decode()
    assert body.index("Excuses retard") < body.index("Sorry")
    assert "Merci !" not in body
    assert 'data-canned-text="Bonjour lea_75, toutes nos excuses."' in body
    assert "sorry &lt;b&gt;about&lt;/b&gt; that" in body


def test_private_is_suggested_when_personal_data_is_exposed(cm_client, x_mention):
    x_mention.exposes_personal_data = True
    x_mention.save()
    body = cm_client.get(f"/mentions/{x_mention.pk}/").content.decode()
    assert "a private reply is suggested" in body
    assert 'value="private" checked' in body


def test_blog_mentions_explain_why_no_reply_can_be_sent(cm_client):
    blog = MentionFactory(platform=Platform.BLOG)
    body = cm_client.get(f"/mentions/{blog.pk}/").content.decode()
    assert "can&#x27;t be answered from Écoute" in body
    assert 'id="send-reply" disabled' in body


def test_sending_a_reply_from_the_page(cm_client, x_mention, django_capture_on_commit_callbacks):
    with requests_mock.Mocker() as http:
        http.post(TWEETS, status_code=201, json={"data": {"id": "1900000000000000001", "text": "@lea_75 Bonjour"}})
        with django_capture_on_commit_callbacks(execute=True):
            response = cm_client.post(f"/mentions/{x_mention.pk}/reply/", {"text": "Bonjour Léa", "visibility": "public"})
    assert response.status_code == 302 and response["Location"].endswith("#reply")
    reply = Response.objects.get()
    assert (reply.status, reply.platform_reply_id) == (ResponseStatus.SENT, "1900000000000000001")
    x_mention.refresh_from_db()
    assert x_mention.first_response_at is not None


def test_a_refused_reply_keeps_the_draft(cm_client, x_mention):
    cm_client.post(f"/mentions/{x_mention.pk}/reply/", {"text": "a" * 300, "visibility": "public"})
    body = cm_client.get(f"/mentions/{x_mention.pk}/").content.decode()
    assert "the limit is 280" in body and ">" + "a" * 300 + "</textarea>" in body
    assert not Response.objects.exists()


def test_retry_button_sends_a_failed_reply_again(cm_client, x_mention, django_capture_on_commit_callbacks):
    failed = ResponseFactory(mention=x_mention, status=ResponseStatus.FAILED, error_message="X said no", attempts=1)
    assert "Retry" in cm_client.get(f"/mentions/{x_mention.pk}/").content.decode()
    with requests_mock.Mocker() as http:
        http.get(requests_mock.ANY, json={"data": [], "meta": {"result_count": 0}})
        http.post(TWEETS, status_code=201, json={"data": {"id": "1900000000000000002", "text": failed.text}})
        with django_capture_on_commit_callbacks(execute=True):
            cm_client.post(f"/responses/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.status == ResponseStatus.SENT


def test_handled_elsewhere_counts_as_the_response(cm_client, x_mention):
    cm_client.post(f"/mentions/{x_mention.pk}/handled-elsewhere/", {"text": "Rappelée à 14h10, remboursement confirmé"})
    reply = Response.objects.get()
    assert reply.channel == ResponseChannel.ELSEWHERE and reply.status == ResponseStatus.SENT
    x_mention.refresh_from_db()
    assert x_mention.first_response_at is not None
    response = cm_client.post(f"/mentions/{x_mention.pk}/handled-elsewhere/", {"text": " "}, follow=True)
    assert "Say briefly how" in response.content.decode()


def test_notifications_page_lists_and_marks_read(cm_client, community_manager, x_mention):
    from responses.models import Notification

    Notification.objects.create(user=community_manager, mention=x_mention, kind="breach", target="first_response",
                                message="Première réponse en retard sur une plainte")
    body = cm_client.get("/").content.decode()
    assert 'class="badge"' in body
    assert "Première réponse en retard" in cm_client.get("/notifications/").content.decode()
    cm_client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
