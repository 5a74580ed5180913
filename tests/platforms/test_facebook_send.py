"""Replies on a Facebook Page, with the Graph API faked at the HTTP layer: facebook-sdk
runs its real code."""

import json
from datetime import timedelta

import pytest
import requests
import requests_mock
from django.utils import timezone

from listening.choices import Platform, SourceKind
from platforms.errors import PlatformError
from responses.models import Visibility
from responses.senders import sender_for
from tests.factories import (
    BrandFactory,
    CredentialFactory,
    MentionFactory,
    ResponseFactory,
    SourceFactory,
)

GRAPH = "https://graph.facebook.com/v23.0"
PAGE = "104857600000001"
POST = f"{PAGE}_1"
COMMENT = f"{PAGE}_1_9"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
TEXT = "Bonjour Hugo, le réseau est rétabli à Lille depuis 10h. Merci de votre patience !"


@pytest.fixture
def http():
    with requests_mock.Mocker() as mock:
        yield mock


@pytest.fixture
def source(db):
    brand = BrandFactory(name="Lumio", slug="lumio", own_accounts=PAGE)
    return SourceFactory(brand=brand, kind=SourceKind.FACEBOOK_PAGE, target=PAGE,
                         credential=CredentialFactory(brand=brand, platform=Platform.FACEBOOK, name="Page Lumio"))


def _mention(source, external_id=COMMENT, in_reply_to_id=POST, **extra):
    return MentionFactory(brand=source.brand, source=source, platform=Platform.FACEBOOK, external_id=external_id,
                          in_reply_to_id=in_reply_to_id, conversation_id=POST, **extra)


def _graph_error(code, subcode=None, message="An error occurred"):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Axyz"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def test_a_public_reply_to_a_comment_is_a_comment_under_it(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{COMMENT}/comments", json={"id": f"{COMMENT}_20"}, headers=JSON)
    assert sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT)) == f"{COMMENT}_20"
    sent = http.request_history[0]
    assert sent.method == "POST" and "message=" in sent.text and "access_token=EAAB-page" in sent.text


def test_a_reply_to_a_reply_goes_under_its_comment(http, source):
    # Facebook threads are two levels deep.
    mention = _mention(source, external_id=f"{PAGE}_1_10", in_reply_to_id=COMMENT)
    http.post(f"{GRAPH}/{COMMENT}/comments", json={"id": f"{COMMENT}_21"}, headers=JSON)
    assert sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT)) == f"{COMMENT}_21"


def test_a_public_reply_to_a_visitor_post_is_a_comment_on_the_post(http, source):
    mention = _mention(source, external_id=POST, in_reply_to_id="")
    http.post(f"{GRAPH}/{POST}/comments", json={"id": f"{POST}_30"}, headers=JSON)
    assert sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT)) == f"{POST}_30"


def test_a_private_reply_goes_through_the_pages_messages(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{PAGE}/messages", json={"recipient_id": "778", "message_id": "m_abc"}, headers=JSON)
    reply = ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE)
    assert sender_for(mention).send(reply) == "m_abc"
    form = http.request_history[0]
    fields = dict(pair.split("=", 1) for pair in form.text.split("&"))
    assert json.loads(requests.utils.unquote(fields["recipient"].replace("+", " "))) == {"comment_id": COMMENT}
    assert json.loads(requests.utils.unquote(fields["message"].replace("+", " "))) == {"text": TEXT}


def test_a_private_reply_to_a_visitor_post_names_the_post(http, source):
    mention = _mention(source, external_id=POST, in_reply_to_id="")
    http.post(f"{GRAPH}/{PAGE}/messages", json={"recipient_id": "777", "message_id": "m_def"}, headers=JSON)
    sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE))
    assert "post_id" in requests.utils.unquote(http.request_history[0].text)


def test_a_private_reply_is_refused_after_seven_days(db, source):
    mention = _mention(source, posted_at=timezone.now() - timedelta(days=8))
    with pytest.raises(PlatformError, match="within 7 days"):
        sender_for(mention).check(mention=mention, visibility=Visibility.PRIVATE)
    sender_for(mention).check(mention=mention, visibility=Visibility.PUBLIC)


def test_an_expired_page_token_needs_reauthorization(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{COMMENT}/comments", status_code=400, headers=JSON,
              json=_graph_error(190, 463, message="Le texte de Facebook peut changer"))
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert caught.value.permanent and caught.value.needs_reauth
    assert "“Page Lumio” (error 190/463)" in caught.value.message and "new Page access token" in caught.value.message


def test_a_second_private_reply_is_refused_by_its_code(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{PAGE}/messages", status_code=400, headers=JSON, json=_graph_error(10900))
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE))
    assert caught.value.permanent and "allows only one" in caught.value.message


def test_a_missing_permission_is_named(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{COMMENT}/comments", status_code=403, headers=JSON,
              json=_graph_error(200, message="Requires pages_manage_engagement"))
    with pytest.raises(PlatformError) as caught:
        sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
    assert caught.value.permanent and not caught.value.needs_reauth
    assert "pages_manage_engagement" in caught.value.message


def test_a_graph_rate_limit_and_a_timeout_are_transient(http, source):
    mention = _mention(source)
    http.post(f"{GRAPH}/{COMMENT}/comments", [
        {"status_code": 400, "headers": JSON, "json": _graph_error(32)},
        {"exc": requests.exceptions.ConnectionError},
    ])
    for _ in range(2):
        with pytest.raises(PlatformError) as caught:
            sender_for(mention).send(ResponseFactory(mention=mention, text=TEXT))
        assert not caught.value.permanent


def test_find_existing_finds_the_pages_comment_with_this_text(http, source):
    mention = _mention(source)
    http.get(f"{GRAPH}/{COMMENT}/comments", headers=JSON, json={"data": [
        {"id": f"{COMMENT}_40", "message": TEXT, "from": {"id": "778", "name": "Hugo"}},  # the customer quoting us
        {"id": f"{COMMENT}_41", "message": f"  {TEXT}\n", "from": {"id": PAGE, "name": "Lumio"}},
    ]})
    assert sender_for(mention).find_existing(ResponseFactory(mention=mention, text=TEXT), exclude=set()) == f"{COMMENT}_41"
    assert http.request_history[0].qs["order"] == ["reverse_chronological"]


def test_find_existing_reads_the_conversation_a_private_reply_started(http, source):
    mention = _mention(source)
    http.get(f"{GRAPH}/{COMMENT}", headers=JSON, json={"id": COMMENT, "private_reply_conversation": {"id": "t_99"}})
    http.get(f"{GRAPH}/t_99/messages", headers=JSON, json={"data": [
        {"id": "m_2", "message": "Merci !", "from": {"id": "778"}},
        {"id": "m_1", "message": TEXT, "from": {"id": PAGE}},
    ]})
    reply = ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE)
    assert sender_for(mention).find_existing(reply, exclude=set()) == "m_1"


def test_find_existing_without_a_private_reply_finds_nothing(http, source):
    mention = _mention(source)
    http.get(f"{GRAPH}/{COMMENT}", headers=JSON, json={"id": COMMENT})
    reply = ResponseFactory(mention=mention, text=TEXT, visibility=Visibility.PRIVATE)
    assert sender_for(mention).find_existing(reply, exclude=set()) is None
