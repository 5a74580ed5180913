"""Instagram's `comments` and `mentions` webhook fields at /webhooks/instagram/, signed with
the Meta app secret; the worker completes what a delivery leaves out through the Graph API
(faked at the HTTP layer)."""

import hashlib
import hmac
import json

import pytest
import requests

from config.celery import app as celery_app
from listening.models import Mention
from responses.models import Response
from tests.platforms.instagram.fakes import (
    ACCOUNT,
    GRAPH,
    JSON,
    MEDIA,
    USERNAME,
    business_discovery,
    graph_error,
)

URL = "/webhooks/instagram/"
COMMENT = "17800000000000501"


@pytest.fixture(autouse=True)
def _personal_accounts(http):
    """Authors are personal accounts (no follower count) unless a test says otherwise."""
    business_discovery(http)


def _delivery(*changes, entry_id=ACCOUNT):
    return {"object": "instagram", "entry": [{"id": entry_id, "time": 1795420800,
                                              "changes": [{"field": f, "value": v} for f, v in changes]}]}


def _comment_change(comment_id=COMMENT, text="Toujours pas de réseau 😡", username="lea_75", parent=None):
    value = {"id": comment_id, "text": text, "from": {"id": "9001", "username": username},
             "media": {"id": MEDIA, "media_product_type": "FEED"}}
    if parent:
        value["parent_id"] = parent
    return "comments", value


def _post(client, body: bytes, signature: str | None, url=URL):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(url, data=body, content_type="application/json", **headers)


def _sign(body: bytes, secret="ig-s3cret"):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _comment_lookup(http, comment_id=COMMENT, text="Toujours pas de réseau 😡", status=200, json_body=None):
    body = json_body or {"id": comment_id, "text": text, "timestamp": "2026-11-23T08:00:00+0000", "username": "lea_75",
                         "from": {"id": "9001", "username": "lea_75"}, "like_count": 0, "hidden": False,
                         "media": {"id": MEDIA, "permalink": "https://www.instagram.com/p/C0ffee/"}}
    http.get(f"{GRAPH}/{comment_id}", status_code=status, json=body, headers=JSON)


@pytest.mark.django_db(transaction=True)
def test_a_signed_comment_is_stored_once_with_its_exact_time_and_link(http, client, ig_source):
    _comment_lookup(http)
    body = json.dumps(_delivery(_comment_change())).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert _post(client, body, _sign(body)).status_code == 200  # Meta retries deliveries
    mention = Mention.objects.get(external_id=COMMENT)
    assert mention.platform == "instagram" and mention.author.handle == "lea_75"
    assert mention.in_reply_to_id == MEDIA and mention.url == "https://www.instagram.com/p/C0ffee/"
    assert mention.posted_at.isoformat().startswith("2026-11-23T08:00:00") and "ig_lookup" not in mention.raw
    assert Mention.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_accounts_own_reply_by_webhook_is_a_response(http, client, ig_source):
    _comment_lookup(http)
    first = json.dumps(_delivery(_comment_change())).encode()
    _post(client, first, _sign(first))
    own = "17800000000000502"
    _comment_lookup(http, own, json_body={"id": own, "text": "Bonjour, on regarde !", "username": USERNAME,
                                          "timestamp": "2026-11-23T08:10:00+0000", "parent_id": COMMENT,
                                          "media": {"id": MEDIA}})
    body = json.dumps(_delivery(_comment_change(own, "Bonjour, on regarde !", USERNAME, parent=COMMENT))).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert not Mention.objects.filter(external_id=own).exists()
    assert Response.objects.get(mention__external_id=COMMENT).platform_reply_id == own


@pytest.mark.django_db(transaction=True)
def test_a_mention_in_a_comment_is_looked_up_before_it_is_stored(http, client, ig_source):
    http.get(f"{GRAPH}/{ACCOUNT}", headers=JSON, json={"id": ACCOUNT, "mentioned_comment": {
        "id": "17800000000000601", "text": "@lumio.fr vous pouvez m'aider ? Plus de box depuis hier",
        "timestamp": "2026-11-23T08:05:00+0000", "username": "Hugo.P", "like_count": 2,
        "media": {"id": "17900000000000700", "permalink": "https://www.instagram.com/p/Xyz/"}}})
    body = json.dumps(_delivery(("mentions", {"media_id": "17900000000000700",
                                              "comment_id": "17800000000000601"}))).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    mention = Mention.objects.get(external_id="17800000000000601")
    assert mention.text.startswith("@lumio.fr vous pouvez") and mention.author.handle == "hugo.p"
    assert mention.raw["ig_kind"] == "mentioned_comment" and mention.raw["media_id"] == "17900000000000700"
    assert "mentioned_comment.comment_id(17800000000000601)" in http.request_history[0].qs["fields"][0]


@pytest.mark.django_db(transaction=True)
def test_a_mention_in_a_caption_is_looked_up_too(http, client, ig_source):
    http.get(f"{GRAPH}/{ACCOUNT}", headers=JSON, json={"id": ACCOUNT, "mentioned_media": {
        "id": "17900000000000800", "caption": "Installation express par @lumio.fr 👌", "username": "ines_b",
        "timestamp": "2026-11-23T07:00:00+0000", "permalink": "https://www.instagram.com/p/Abc/", "like_count": 40,
        "comments_count": 3}})
    body = json.dumps(_delivery(("mentions", {"media_id": "17900000000000800"}))).encode()
    _post(client, body, _sign(body))
    mention = Mention.objects.get(external_id="17900000000000800")
    assert mention.raw["ig_kind"] == "mentioned_media" and mention.likes_count == 40


@pytest.mark.django_db(transaction=True)
def test_a_mention_deleted_before_the_lookup_is_left_out(http, client, ig_source):
    http.get(f"{GRAPH}/{ACCOUNT}", status_code=400, headers=JSON,
             json=graph_error(100, 33, message="Object does not exist"))
    body = json.dumps(_delivery(("mentions", {"media_id": "17900000000000700",
                                              "comment_id": "17800000000000601"}))).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert not Mention.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_comment_whose_lookup_is_refused_keeps_what_the_delivery_said(http, client, ig_source):
    _comment_lookup(http, status=400, json_body=graph_error(100, message="Unsupported get request"))
    body = json.dumps(_delivery(_comment_change())).encode()
    _post(client, body, _sign(body))
    assert Mention.objects.get(external_id=COMMENT).text == "Toujours pas de réseau 😡"


@pytest.mark.django_db(transaction=True)
def test_the_app_secret_of_the_settings_signs_too(http, client, ig_source, settings):
    settings.FACEBOOK_APP_SECRET = "meta-app-secret"
    _comment_lookup(http)
    body = json.dumps(_delivery(_comment_change())).encode()
    assert _post(client, body, _sign(body, "meta-app-secret")).status_code == 200
    assert Mention.objects.filter(external_id=COMMENT).exists()


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc", _sign(b"other body"),
                                       _sign(b"x", "s3cret")])
def test_a_bad_or_missing_signature_gets_403_and_stores_nothing(http, client, ig_source, signature):
    body = json.dumps(_delivery(_comment_change())).encode()
    assert _post(client, body, signature).status_code == 403
    assert not Mention.objects.exists() and http.call_count == 0


def test_an_instagram_delivery_at_facebooks_url_is_not_read(client, ig_source, settings):
    settings.FACEBOOK_APP_SECRET = "meta-app-secret"
    body = json.dumps(_delivery(_comment_change())).encode()
    assert _post(client, body, _sign(body, "meta-app-secret"), url="/webhooks/facebook/").status_code == 400
    assert not Mention.objects.exists()


def test_the_subscription_handshake(client, settings, db):
    settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN = "verify-me"
    ok = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    assert client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "1"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_lookup_instagram_cant_answer_now_is_retried_not_lost(http, client, ig_source, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)  # as in a worker: the retry runs again
    found = {"id": ACCOUNT, "mentioned_comment": {
        "id": "17800000000000601", "text": "@lumio.fr toujours en panne", "timestamp": "2026-11-23T08:05:00+0000",
        "username": "hugo.p", "media": {"id": "17900000000000700"}}}
    http.get(f"{GRAPH}/{ACCOUNT}", [{"exc": requests.exceptions.ConnectTimeout}, {"json": found, "headers": JSON}])
    body = json.dumps(_delivery(("mentions", {"media_id": "17900000000000700",
                                              "comment_id": "17800000000000601"}))).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert Mention.objects.get(external_id="17800000000000601").text == "@lumio.fr toujours en panne"
