"""Take next within the person's filters, and bulk actions that don't take others' work by surprise."""

import pytest

from accounts import roles
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix():
    brand = BrandFactory(name="Lumio")
    return {
        "fr_x": MentionFactory(brand=brand, platform="twitter", language="fr", priority=99, text="Panne fibre"),
        "en_fb": MentionFactory(brand=brand, platform="facebook", language="en", priority=10, text="Card declined"),
    }


def test_take_next_hands_the_next_mention_of_the_filters_in_use(cm_client, mix):
    queue = cm_client.get("/", {"platform": "facebook", "language": "en"}).content.decode()
    assert "Take next Facebook · EN mention" in queue
    response = cm_client.post("/queue/take-next/", {"platform": "facebook", "language": "en"})
    # Opened in the reading pane, the filters kept in the address.
    assert response["Location"] == f"/?platform=facebook&language=en&open={mix['en_fb'].pk}"
    mix["fr_x"].refresh_from_db()
    assert mix["fr_x"].assignee is None


def test_take_next_says_what_it_looked_for_when_nothing_matches(cm_client, mix):
    response = cm_client.post("/queue/take-next/", {"platform": "facebook", "language": "fr"}, follow=True)
    page = response.content.decode()
    assert "No unassigned Facebook · FR mention is waiting right now." in page
    assert response.redirect_chain[-1][0] == "/?platform=facebook&language=fr"


def test_take_next_without_filters_takes_the_top_of_the_queue(cm_client, mix):
    assert cm_client.get("/").content.decode().count(">Take next<") == 1
    assert cm_client.post("/queue/take-next/")["Location"] == f"/?open={mix['fr_x'].pk}"


def test_bulk_assign_to_me_leaves_others_mentions_unless_confirmed(client, mix):
    sam = UserFactory(username="sam", role=roles.COMMUNITY_MANAGER)
    camille = UserFactory(username="camille", role=roles.COMMUNITY_MANAGER)
    mix["fr_x"].assignee = sam
    mix["fr_x"].save()
    client.force_login(camille)
    ids = [mix["fr_x"].pk, mix["en_fb"].pk]
    page = client.post("/queue/bulk/", {"action": "assign_me", "mention": ids}, follow=True).content.decode()
    assert "1 mention updated." in page and "someone else" in page
    mix["fr_x"].refresh_from_db()
    assert mix["fr_x"].assignee == sam
    client.post("/queue/bulk/", {"action": "assign_me", "mention": ids, "take_from_others": "1"})
    mix["fr_x"].refresh_from_db()
    assert mix["fr_x"].assignee == camille


def test_a_queue_row_says_whose_mention_it_is(cm_client, mix):
    mix["en_fb"].assignee = UserFactory(username="sam", first_name="Sam", last_name="Okafor",
                                        role=roles.COMMUNITY_MANAGER)
    mix["en_fb"].save()
    assert 'data-assignee="Sam Okafor"' in cm_client.get("/").content.decode()


def test_resolving_from_its_page_opens_the_next_mention_unless_the_person_stays(cm_client, community_manager, mix):
    first = mix["fr_x"]
    response = cm_client.post(f"/mentions/{first.pk}/status/", {"status": "resolved"})
    assert response["Location"] == f"/mentions/{mix['en_fb'].pk}/"
    page = cm_client.get(response["Location"]).content.decode()
    assert 'id="undo"' in page and "Resolved." in page
    cm_client.post(f"/mentions/{first.pk}/status/", {"status": "new", "next": f"/mentions/{first.pk}/"})
    first.refresh_from_db()
    assert first.status == "new"

    cm_client.post("/preferences/", {"language": "", "time_zone": "", "after_resolving": "stay"})
    response = cm_client.post(f"/mentions/{first.pk}/status/", {"status": "resolved"})
    assert response["Location"] == f"/mentions/{first.pk}/"


def test_resolving_from_the_queue_stays_on_the_queue(cm_client, mix):
    response = cm_client.post(f"/mentions/{mix['fr_x'].pk}/status/", {"status": "resolved", "next": "/?label=complaint"})
    assert response["Location"] == "/?label=complaint"


def test_a_bulk_action_from_the_lists_script_is_answered_with_the_rows_as_they_are_now(client, mix):
    lumio = mix["fr_x"].brand
    other = MentionFactory(brand=BrandFactory(name="Vélo Express"), text="Pas son équipe")
    client.force_login(UserFactory(username="camille", teams={lumio: roles.COMMUNITY_MANAGER}))
    ids = [mix["fr_x"].pk, mix["en_fb"].pk, other.pk]
    answer = client.post("/queue/bulk/", {"action": "relabel", "label": "praise", "mention": ids, "rows": "1"}).json()
    assert set(answer["rows"]) == {str(mix["fr_x"].pk), str(mix["en_fb"].pk)}  # never another brand's row
    assert all("label-praise" in html for html in answer["rows"].values())
    assert answer["messages"] == [{"text": "2 mentions updated.", "level": "success"}]

    resolved = client.post("/queue/bulk/", {"action": "resolve", "mention": [mix["fr_x"].pk], "rows": "1"}).json()
    assert resolved["rows"] == {str(mix["fr_x"].pk): ""}  # it left the list
    missing = client.post("/queue/bulk/", {"action": "relabel", "mention": [mix["en_fb"].pk], "rows": "1"}).json()
    assert missing["messages"][0]["level"] == "error" and missing["rows"][str(mix["en_fb"].pk)]
