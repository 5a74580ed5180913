import hashlib
import hmac
import json

import pytest

from listening.models import Mention

URL = "/webhooks/facebook/"


def _payload(comment_id="104857600000001_1_77", message="Toujours pas de réseau 😡"):
    return {"object": "page", "entry": [{"id": "104857600000001", "time": 1795420800, "changes": [{
        "field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": comment_id,
                                   "post_id": "104857600000001_1", "parent_id": "104857600000001_1",
                                   "message": message, "created_time": 1795420800,
                                   "from": {"id": "778", "name": "Hugo Petit"}}}]}]}


def _post(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_HUB_SIGNATURE_256": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", **headers)


def _sign(body: bytes, secret="s3cret"):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_signed_delivery_is_stored_once(client, fb_source):
    body = json.dumps(_payload()).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert _post(client, body, _sign(body)).status_code == 200  # Meta retries deliveries
    mention = Mention.objects.get(external_id="104857600000001_1_77")
    assert mention.in_reply_to_id == "104857600000001_1" and mention.author.display_name == "Hugo Petit"
    assert Mention.objects.count() == 1


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc", _sign(b"other body")])
def test_a_bad_or_missing_signature_gets_403_and_stores_nothing(client, fb_source, signature):
    body = json.dumps(_payload()).encode()
    assert _post(client, body, signature).status_code == 403
    assert not Mention.objects.exists()


def test_garbage_with_a_valid_signature_is_refused_cleanly(client, fb_source, settings):
    settings.FACEBOOK_APP_SECRET = "global-secret"
    body = b"\xff\xfe not json"
    assert _post(client, body, _sign(body, "global-secret")).status_code == 400


def test_the_subscription_handshake(client, settings, db):
    settings.FACEBOOK_WEBHOOK_VERIFY_TOKEN = "verify-me"
    ok = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    wrong = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"})
    assert wrong.status_code == 403


def _change(**value):
    base = {"item": "comment", "verb": "add", "comment_id": "104857600000001_1_90", "post_id": "104857600000001_1",
            "message": "Encore une coupure", "created_time": 1795420800, "from": {"id": "779", "name": "Inès"}}
    return {"field": "feed", "value": {**base, **value}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("bad_entry", [
    {"id": "104857600000001", "changes": "feed"},
    {"id": "104857600000001", "changes": [_change(comment_id="bad-from", **{"from": "Inès"})]},
    {"id": "104857600000001", "changes": [_change(comment_id="bad-time", created_time=1e20)]},
    {"id": "104857600000001", "changes": [_change(comment_id="bad-time-2", created_time="demain")]},
    {"id": "104857600000001", "changes": ["not a change"]},
])
def test_malformed_changes_are_skipped_and_the_rest_of_the_delivery_stored(client, fb_source, bad_entry, caplog):
    payload = _payload()
    payload["entry"].insert(0, bad_entry)
    body = json.dumps(payload).encode()
    assert _post(client, body, _sign(body)).status_code == 200
    assert list(Mention.objects.values_list("external_id", flat=True)) == ["104857600000001_1_77"]
    assert "skipped" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_large_signed_delivery_under_the_webhook_limit_is_read(client, fb_source):
    """Django's own 2.5 MB limit must not answer before the webhook's own limit does."""
    body = json.dumps(_payload(message="panne " * 520_000)).encode()
    assert len(body) > 3_000_000
    assert _post(client, body, _sign(body)).status_code == 200
    assert Mention.objects.count() == 1


def test_a_body_over_the_webhook_limit_gets_its_own_answer(client, fb_source):
    body = b'{"object": "page", "entry": []}' + b" " * (6 * 1024 * 1024)
    response = _post(client, body, _sign(body))
    assert response.status_code == 413
    assert b"larger than the 5 MB" in response.content
    assert not Mention.objects.exists()
