"""Brand teams: someone on brand A's team sees brand A only — pages, counts, exports, alerts,
notifications — and gets 404 on brand B's objects. A site-wide role still covers every brand."""

import pytest

from accounts import roles
from responses.models import Notification
from tests.factories import (
    BrandFactory, CrisisAlertFactory, MentionFactory, ResponseFactory, UserFactory,
)

TEAM_ROLES = [roles.COMMUNITY_MANAGER, roles.MANAGER, roles.ADMIN]


@pytest.fixture
def two_brands(db):
    a, b = BrandFactory(name="Alpha", slug="alpha"), BrandFactory(name="Bravo", slug="bravo")
    return {
        "a": a, "b": b,
        "mention_a": MentionFactory(brand=a, text="Alpha customer waiting for a refund"),
        "mention_b": MentionFactory(brand=b, text="Bravo customer stuck at the airport"),
        "alert_b": CrisisAlertFactory(brand=b),
    }


def _member(brands, role):
    return UserFactory(teams={brands["a"]: role})


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_brand_b_objects_answer_404_to_brand_a_people(client, two_brands, role):
    client.force_login(_member(two_brands, role))
    b = two_brands["mention_b"]
    assert client.get(f"/mentions/{b.pk}/").status_code == 404
    for url, data in [(f"/mentions/{b.pk}/status/", {"status": "resolved"}),
                      (f"/mentions/{b.pk}/assign/", {"assignee": "me"}),
                      (f"/mentions/{b.pk}/label/", {"label": "praise"}),
                      (f"/mentions/{b.pk}/note/", {"text": "hello"}),
                      (f"/mentions/{b.pk}/reply/", {"text": "Hello", "visibility": "public"}),
                      (f"/mentions/{b.pk}/handled-elsewhere/", {"text": "Phoned them"}),
                      (f"/mentions/{b.pk}/presence/", {})]:
        assert client.post(url, data).status_code == 404, url
    b.refresh_from_db()
    assert b.status == "new" and b.assignee is None and b.label == "complaint"
    reply = ResponseFactory(mention=b, status="failed")
    assert client.post(f"/responses/{reply.pk}/retry/").status_code == 404
    a = two_brands["mention_a"]
    assert client.get(f"/mentions/{a.pk}/").status_code == 200


@pytest.mark.parametrize("role", TEAM_ROLES)
def test_the_queue_counts_and_search_show_only_the_team_brands(client, two_brands, role):
    client.force_login(_member(two_brands, role))
    page = client.get("/").content.decode()
    assert "Alpha customer" in page and "Bravo customer" not in page
    assert "Bravo" not in client.get("/", {"q": "airport"}).content.decode()
    # Asking for brand B's filter shows nothing of it either.
    assert "Bravo customer" not in client.get("/", {"brand": two_brands["b"].pk}).content.decode()
    assert '>Bravo<' not in page  # not offered in the brand filter
    new_bar = client.get("/queue/new/", {"since": 0}).content.decode()
    assert "1" in new_bar and "2" not in new_bar


def test_take_next_and_bulk_never_reach_another_brand(client, two_brands):
    user = _member(two_brands, roles.COMMUNITY_MANAGER)
    client.force_login(user)
    two_brands["mention_a"].assignee = UserFactory()
    two_brands["mention_a"].save()
    response = client.post("/queue/take-next/")
    assert response.status_code == 302 and f"/mentions/{two_brands['mention_b'].pk}/" not in response["Location"]
    client.post("/queue/bulk/", {"action": "resolve", "mention": [two_brands["mention_b"].pk]})
    two_brands["mention_b"].refresh_from_db()
    assert two_brands["mention_b"].status == "new" and two_brands["mention_b"].assignee is None


def test_people_of_another_brand_cannot_be_given_its_mentions(client, two_brands):
    client.force_login(UserFactory(role=roles.ADMIN))
    outsider = UserFactory(teams={two_brands["b"]: roles.COMMUNITY_MANAGER})
    a = two_brands["mention_a"]
    assert client.post(f"/mentions/{a.pk}/assign/", {"assignee": outsider.pk}).status_code == 400
    a.refresh_from_db()
    assert a.assignee is None


@pytest.mark.parametrize("role", [roles.MANAGER, roles.ADMIN])
def test_reports_exports_alerts_and_insights_stay_within_the_team(client, two_brands, role):
    client.force_login(_member(two_brands, role))
    b = two_brands["b"]
    report = client.get("/reports/")
    assert report.status_code == 200 and "Bravo" not in report.content.decode()
    assert client.get("/reports/", {"brand": b.pk}).status_code == 400  # not a brand they may choose
    csv = client.get("/reports/mentions.csv")
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert b"Bravo" not in body and b"Alpha" in body
    assert client.get("/reports/mentions.csv", {"brand": b.pk}).status_code == 400
    assert client.get("/reports/figures.csv", {"brand": b.pk}).status_code == 400
    alerts = client.get("/alerts/").content.decode()
    assert "Bravo" not in alerts
    assert client.post(f"/alerts/{two_brands['alert_b'].pk}/acknowledge/").status_code == 404
    insights = client.get("/insights/", {"brand": b.pk}).content.decode()
    assert "Bravo" not in insights


def test_a_community_manager_of_brand_a_gets_no_reports(client, two_brands):
    client.force_login(_member(two_brands, roles.COMMUNITY_MANAGER))
    assert client.get("/reports/").status_code == 403
    assert client.get("/alerts/").status_code == 403


def test_notifications_and_the_crisis_banner_only_speak_of_the_team_brands(client, two_brands):
    user = _member(two_brands, roles.COMMUNITY_MANAGER)
    Notification.objects.create(user=user, mention=two_brands["mention_b"], kind="breach", target="first_response",
                                message="Bravo mention breached")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "Bravo mention breached" not in page
    assert "Bravo" not in client.get("/").content.decode()  # no banner for brand B's crisis


def test_a_site_wide_role_sees_every_brand(client, two_brands):
    client.force_login(UserFactory(role=roles.COMMUNITY_MANAGER))
    page = client.get("/").content.decode()
    assert "Alpha customer" in page and "Bravo customer" in page
    assert client.get(f"/mentions/{two_brands['mention_b'].pk}/").status_code == 200


def test_roles_on_two_teams_are_kept_apart(two_brands):
    user = UserFactory(teams={two_brands["a"]: roles.MANAGER, two_brands["b"]: roles.COMMUNITY_MANAGER})
    assert roles.brand_ids_for(user, roles.MANAGER) == {two_brands["a"].pk}
    assert roles.brand_ids_for(user, roles.COMMUNITY_MANAGER) == {two_brands["a"].pk, two_brands["b"].pk}
    assert roles.has_brand_role(user, two_brands["a"].pk, roles.MANAGER)
    assert not roles.has_brand_role(user, two_brands["b"].pk, roles.MANAGER)
