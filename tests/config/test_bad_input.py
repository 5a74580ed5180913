"""Malformed input a browser, a script or an attacker can send: never a server error, always a
clear 400 (or the bad part skipped) with nothing else in the request lost."""

import pytest
from django.urls import reverse

from accounts import roles

from listening.models import Mention
from tests.factories import MentionFactory, UserFactory


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("name", ["complaints:queue", "complaints:queue-new"])
def test_a_nul_in_the_search_gets_a_clear_400(manager_client, name):
    MentionFactory(text="Box en panne depuis hier")
    page = manager_client.get(reverse(name), {"q": "panne\x00", "since": "0"})
    assert page.status_code == 400 and "contains a NUL character" in page.content.decode()


def test_a_nul_in_a_form_gets_a_clear_400_and_changes_nothing(manager_client):
    mention = MentionFactory()
    for path, field in [(reverse("complaints:mention-note", args=[mention.pk]), "text"),
                        (reverse("responses:handled-elsewhere", args=[mention.pk]), "text")]:
        response = manager_client.post(path, {field: "Rappelé\x00 au téléphone"}, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 400 and "caractère NUL" in response.content.decode()
    assert mention.events.count() == 0


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31"),
                                        ("0001-01-01", "0001-12-31")])
@pytest.mark.parametrize("name", ["responses:report", "responses:report-figures-csv", "responses:report-mentions-csv"])
def test_report_dates_out_of_range_get_a_clear_400(manager_client, name, start, end):
    MentionFactory()
    response = manager_client.get(reverse(name), {"start": start, "end": end})
    assert response.status_code == 400
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "between 2000 and 2100" in body.decode()


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_insight_dates_out_of_range_are_explained(manager_client, start, end):
    page = manager_client.get(reverse("complaints:insights"), {"period": "dates", "from": start, "to": end})
    assert page.status_code == 400
    assert "between 2000 and 2100" in page.content.decode()


@pytest.mark.parametrize("assignee", ["abc", "1.5", "-3", "99999999999999999999999"])
def test_a_malformed_assignee_gets_a_400(manager_client, assignee):
    mention = MentionFactory()
    response = manager_client.post(reverse("complaints:mention-assign", args=[mention.pk]), {"assignee": assignee})
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    mention.refresh_from_db()
    assert mention.assignee is None


def test_assigning_someone_real_still_works(manager_client):
    mention = MentionFactory()
    camille = UserFactory(username="camille", role=roles.COMMUNITY_MANAGER)
    response = manager_client.post(reverse("complaints:mention-assign", args=[mention.pk]),
                                   {"assignee": str(camille.pk)})
    assert response.status_code == 302
    assert Mention.objects.get(pk=mention.pk).assignee == camille


def test_the_explanations_are_in_the_readers_language(manager_client):
    page = manager_client.get(reverse("responses:report"), {"start": "0001-01-01"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 400 and "Choisissez des dates entre 2000 et 2100" in page.content.decode()


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_ids_that_only_look_like_numbers_are_ignored(manager_client, value):
    """str.isdigit() accepts "²", which int() refuses."""
    mention = MentionFactory()
    assert manager_client.get(reverse("complaints:queue"), {"brand": value}).status_code == 200
    assert manager_client.get(reverse("complaints:queue-new"), {"since": value}).status_code == 200
    assert manager_client.post(reverse("complaints:take-next"), {"brand": value}).status_code in (200, 302)
    bulk = manager_client.post(reverse("complaints:bulk"), {"mention": [value, str(mention.pk)], "action": "close"})
    assert bulk.status_code in (200, 302)
