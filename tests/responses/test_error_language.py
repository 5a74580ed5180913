"""A failed reply's reason reads in the language of whoever looks at it, not of whoever sent it."""

import requests_mock

from listening.choices import Platform, SourceKind
from responses.models import ResponseStatus
from responses.sending import response_send
from tests.factories import AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, ResponseFactory, SourceFactory

TWEETS = "https://api.twitter.com/2/tweets"


def test_a_failed_replys_reason_is_shown_in_the_readers_language(cm_client, community_manager):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts="@LumioFR")
    source = SourceFactory(brand=brand, kind=SourceKind.X_MENTIONS, target="@LumioFR",
                           credential=CredentialFactory(brand=brand, platform=Platform.TWITTER, name="@LumioFR"))
    mention = MentionFactory(brand=brand, source=source, external_id="1800000000000000001",
                             author=AuthorFactory(external_id="100", handle="lea_75"))
    response = ResponseFactory(mention=mention, author=community_manager, text="Bonjour Léa",
                               status=ResponseStatus.QUEUED)
    with requests_mock.Mocker() as http:
        http.post(TWEETS, status_code=403, json={
            "title": "Forbidden", "type": "about:blank", "status": 403,
            "detail": "You attempted to reply to a Tweet that is deleted or not visible to you."})
        response = response_send(response=response)
    assert response.status == ResponseStatus.FAILED and "X refused to publish this reply" in response.error_message
    english = cm_client.get(f"/mentions/{mention.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "X refused to publish this reply (403)" in english
    french = cm_client.get(f"/mentions/{mention.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "X a refusé de publier cette réponse (403)" in french
    assert "deleted or not visible to you" in french  # X's own words are shown as X wrote them
