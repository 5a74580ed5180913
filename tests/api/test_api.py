"""The REST API: personal tokens, the same brand and role checks as the pages, the same
services (events, exactly-once replies), JSON errors, a valid schema naming every endpoint."""

import re

import pytest
import yaml
from openapi_spec_validator import validate
from django.test import Client
from django.urls import get_resolver

from accounts import roles
from accounts.models import ApiToken
from accounts.tokens import api_token_create
from api.throttling import PerTokenThrottle
from listening.choices import Platform, SourceKind
from responses.models import Response
from tests.factories import (
    AuthorFactory, BrandFactory, CredentialFactory, MentionFactory, SourceFactory, UserFactory,
)

TWEETS = "https://api.twitter.com/2/tweets"


@pytest.fixture
def world(db):
    alpha, bravo = BrandFactory(name="Alpha", slug="alpha"), BrandFactory(name="Bravo", slug="bravo")
    source = SourceFactory(brand=alpha, kind=SourceKind.X_MENTIONS, target="@Alpha",
                           credential=CredentialFactory(brand=alpha, platform=Platform.TWITTER, name="@Alpha"))
    agent = UserFactory(username="camille", teams={alpha: roles.COMMUNITY_MANAGER})
    _token, plain = api_token_create(user=agent, name="helpdesk")
    return {
        "alpha": alpha, "bravo": bravo, "agent": agent, "token": plain,
        "a1": MentionFactory(brand=alpha, source=source, external_id="1800000000000000001", priority=90,
                             author=AuthorFactory(external_id="100", handle="lea_75"), text="Alpha refund late"),
        "a2": MentionFactory(brand=alpha, priority=10, text="Alpha app crash"),
        "b1": MentionFactory(brand=bravo, priority=99, text="Bravo lost luggage"),
    }


def api(world, token=None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token or world['token']}")


def test_the_queue_lists_only_the_team_brands_with_filters_and_keyset_pages(world):
    client = api(world)
    first = client.get("/api/v1/mentions/").json()
    assert [m["text"] for m in first["results"]] == ["Alpha refund late", "Alpha app crash"]
    assert first["next"] is None
    assert [m["text"] for m in client.get("/api/v1/mentions/", {"q": "crash"}).json()["results"]] == ["Alpha app crash"]
    assert client.get("/api/v1/mentions/", {"brand": world["bravo"].pk}).json()["results"] == []
    MentionFactory.create_batch(60, brand=world["alpha"], priority=5)
    page = client.get("/api/v1/mentions/").json()
    assert len(page["results"]) < 62 and page["next"]
    rest = client.get(page["next"]).json()
    ids = [m["id"] for m in page["results"]] + [m["id"] for m in rest["results"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("role", [roles.COMMUNITY_MANAGER, roles.MANAGER, roles.ADMIN])
def test_another_brands_objects_are_404_through_the_api(world, role):
    person = UserFactory(teams={world["alpha"]: role})
    client, b1 = api(world, api_token_create(user=person, name="t")[1]), world["b1"]
    assert client.get(f"/api/v1/mentions/{b1.pk}/").status_code == 404
    for url, body in [("label/", {"label": "praise"}), ("status/", {"status": "resolved"}),
                      ("assignment/", {"assignee": "me"}), ("replies/", {"text": "Hello"})]:
        response = client.post(f"/api/v1/mentions/{b1.pk}/{url}", body, content_type="application/json")
        assert response.status_code == 404 and "error" in response.json()
    b1.refresh_from_db()
    assert (b1.label, b1.status, b1.assignee) == ("complaint", "new", None)


def test_label_status_and_assignment_go_through_the_services(world):
    client, a1 = api(world), world["a1"]
    assert client.post(f"/api/v1/mentions/{a1.pk}/label/", {"label": "question"},
                       content_type="application/json").json()["label"] == "question"
    assert client.post(f"/api/v1/mentions/{a1.pk}/assignment/", {"assignee": "me"},
                       content_type="application/json").json()["assignee"] == "camille"
    assert client.post(f"/api/v1/mentions/{a1.pk}/status/", {"status": "resolved"},
                       content_type="application/json").json()["status"] == "resolved"
    detail = client.get(f"/api/v1/mentions/{a1.pk}/").json()
    assert {"label_corrected", "assigned", "status_changed"} <= {e["kind"] for e in detail["events"]}
    bad = client.post(f"/api/v1/mentions/{a1.pk}/status/", {"status": "sleeping"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]


def test_a_reply_with_an_idempotency_key_is_posted_once(world, http, django_capture_on_commit_callbacks):
    http.post(TWEETS, json={"data": {"id": "1900000000000000001", "text": "Hello Léa"}})
    client, a1 = api(world), world["a1"]
    headers = {"HTTP_IDEMPOTENCY_KEY": "ticket-4242"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/api/v1/mentions/{a1.pk}/replies/", {"text": "Hello Léa, we are on it."},
                            content_type="application/json", **headers)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/v1/mentions/{a1.pk}/replies/", {"text": "Hello Léa, we are on it."},
                            content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Response.objects.filter(mention=a1).count() == 1
    assert len([r for r in http.request_history if r.method == "POST" and r.url == TWEETS]) == 1
    reused = client.post(f"/api/v1/mentions/{a1.pk}/replies/", {"text": "Something else"},
                         content_type="application/json", **headers)
    assert reused.status_code == 400 and "Idempotency-Key" in reused.json()["error"]


def test_tokens_are_stored_hashed_shown_once_and_stop_working_when_revoked(world, client):
    stored = ApiToken.objects.get(user=world["agent"])
    assert world["token"] not in (stored.key_hash, stored.prefix) and stored.key_hash != world["token"]
    client.force_login(world["agent"])
    created = client.post("/preferences/api-tokens/new/", {"name": "crm"}).content.decode()
    plain = created.split('id="new-token">')[1].split("<")[0]
    assert plain.startswith("ecoute_")
    assert plain not in client.get("/preferences/api-tokens/").content.decode()
    assert api(world, plain).get("/api/v1/mentions/").status_code == 200
    client.post(f"/preferences/api-tokens/{ApiToken.objects.get(name='crm').pk}/revoke/")
    refused = api(world, plain).get("/api/v1/mentions/")
    assert refused.status_code == 401 and refused.json()["error"]
    assert api(world, "ecoute_not-a-token").get("/api/v1/mentions/").status_code == 401
    assert Client().get("/api/v1/mentions/").status_code in (401, 403)


def test_someone_elses_token_cannot_be_revoked(world, client):
    client.force_login(UserFactory(role=roles.COMMUNITY_MANAGER))
    token = ApiToken.objects.get(user=world["agent"])
    assert client.post(f"/preferences/api-tokens/{token.pk}/revoke/").status_code == 404
    assert api(world).get("/api/v1/mentions/").status_code == 200


def test_managers_read_sources_and_report_figures_agents_do_not(world):
    assert api(world).get("/api/v1/sources/").status_code == 403
    manager = UserFactory(username="nadia", teams={world["alpha"]: roles.MANAGER})
    _token, plain = api_token_create(user=manager, name="bi")
    client = api(world, plain)
    sources = client.get("/api/v1/sources/").json()
    assert [s["brand"] for s in sources] == ["alpha"]
    figures = client.get("/api/v1/reports/")
    assert figures.status_code == 200 and figures.json()["tables"]
    assert client.get("/api/v1/reports/", {"brand": world["bravo"].pk}).status_code == 400


def test_session_writes_need_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["agent"])
    assert browser.get("/api/v1/mentions/").status_code == 200
    response = browser.post(f"/api/v1/mentions/{world['a1'].pk}/status/", {"status": "resolved"},
                            content_type="application/json")
    assert response.status_code == 403


def test_each_token_has_its_own_budget(world, monkeypatch):
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client = api(world)
    codes = [client.get("/api/v1/canned-responses/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    _token, other = api_token_create(user=world["agent"], name="second")
    assert api(world, other).get("/api/v1/canned-responses/").status_code == 200


def test_the_schema_is_valid_and_names_every_endpoint(db, client):
    client.force_login(UserFactory(role=roles.COMMUNITY_MANAGER))
    schema = yaml.safe_load(client.get("/api/schema/").content)
    validate(schema)
    included = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    api_paths = {"/api/" + str(p.pattern) for p in included.url_patterns if str(p.pattern).startswith("v1/")}
    documented = {re.sub(r"\{\w+\}", "<int:pk>", path) for path in schema["paths"]}
    assert api_paths and api_paths <= documented
    assert client.get("/api/docs/").status_code == 200
