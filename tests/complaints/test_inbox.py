"""The inbox's reading pane and tabs on the server side: the pane alone for HTMX with the
address to show, the whole page for a link or a history restore, the same access check as the
mention's page, and tab counts within the person's brands and filters."""

import json
import re

import pytest

from listening.models import Mention
from responses.composing import composer_context
from responses.models import Response
from tests.factories import BrandFactory, MentionFactory, UserFactory

pytestmark = pytest.mark.django_db

PANE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "pane"}


@pytest.fixture
def two():
    brand = BrandFactory(name="Lumio")
    return (MentionFactory(brand=brand, priority=90, text="Fibre coupée depuis lundi"),
            MentionFactory(brand=brand, priority=40, text="Comment changer d'offre ?"))


def test_the_pane_alone_for_htmx_with_the_address_to_push(cm_client, two):
    first, _second = two
    response = cm_client.get("/", {"label": "complaint", "open": first.pk}, **PANE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fibre coupée depuis lundi" in body and "<html" not in body and "queue-table" not in body
    assert response["HX-Push-Url"] == f"/?label=complaint&open={first.pk}"
    # Its forms come back to the inbox with the mention open.
    assert f'name="next" value="/?label=complaint&amp;open={first.pk}"' in body

    moved = cm_client.get("/", {"open": first.pk}, HTTP_X_PANE_HISTORY="replace", **PANE)
    assert moved["HX-Replace-Url"] == f"/?open={first.pk}" and "HX-Push-Url" not in moved


def test_a_link_or_a_history_restore_gets_the_whole_inbox_with_the_mention_open(cm_client, two):
    first, second = two
    for extra in ({}, {**PANE, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}):
        body = cm_client.get("/", {"open": second.pk}, **extra).content.decode()
        assert "queue-table" in body and 'id="pane"' in body and "has-open" in body
        assert body.index('id="pane"') < body.index("Comment changer d&#x27;offre ?", body.index('id="pane"'))
    assert "has-open" not in cm_client.get("/").content.decode()


def test_the_pane_checks_access_like_the_mention_page(client, two):
    other_brand = MentionFactory(brand=BrandFactory(name="Vélo Express"), text="Vélo volé")
    lumio = two[0].brand
    on_the_team = UserFactory(username="sam", teams={lumio: "Community manager"})
    client.force_login(on_the_team)
    assert client.get("/", {"open": two[0].pk}, **PANE).status_code == 200
    assert client.get("/", {"open": other_brand.pk}, **PANE).status_code == 404
    assert client.get("/", {"open": other_brand.pk}).status_code == 404
    assert client.get("/", {"open": "²"}).status_code == 404
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/", {"open": two[0].pk}, **PANE).status_code == 403


def test_tab_counts_follow_brand_teams_and_filters(client, two):
    lumio = two[0].brand
    sam = UserFactory(username="sam", teams={lumio: "Community manager"})
    Mention.objects.filter(pk=two[0].pk).update(assignee=sam)
    MentionFactory(brand=lumio, priority=10, label="praise", text="Merci !")
    MentionFactory(brand=lumio, status="resolved", text="Réglé")  # not open: never counted
    MentionFactory(brand=BrandFactory(name="Vélo Express"), text="Pas son équipe")  # another brand's
    client.force_login(sam)

    def counts(**query):
        tabs = client.get("/", query).context["tabs"]
        return {str(tab["name"]): tab["count"] for tab in tabs}

    assert counts() == {"Mine": 1, "Unassigned": 2, "All": 3}
    assert counts(label="praise") == {"Mine": 0, "Unassigned": 1, "All": 1}
    assert counts(assignee="me") == {"Mine": 1, "Unassigned": 2, "All": 3}  # whichever tab shows
    tabs = client.get("/", {"assignee": "none", "label": "praise"}).context["tabs"]
    assert [t["current"] for t in tabs] == [False, True, False]
    assert tabs[0]["url"] == "/?label=praise&assignee=me" and tabs[2]["url"] == "/?label=praise"
    # The live bar's poll brings the counts too, out of band.
    bar = client.get("/queue/new/", {"since": "0"}).content.decode()
    assert 'id="queue-tabs"' in bar and 'hx-swap-oob="true"' in bar


def test_resolving_in_the_pane_opens_the_next_mention_there(cm_client, two):
    first, second = two
    back = f"/?label=complaint&open={first.pk}"
    response = cm_client.post(f"/mentions/{first.pk}/status/", {"status": "resolved", "next": back})
    assert response["Location"] == f"/?label=complaint&open={second.pk}"
    body = cm_client.get(response["Location"]).content.decode()
    assert 'id="undo"' in body and f'value="/?label=complaint&amp;open={first.pk}"' in body


def test_a_reply_state_polls_while_on_its_way_and_stops_when_done(cm_client, two):
    reply = Response.objects.create(mention=two[0], text="Bonjour", status="queued")
    body = cm_client.get(f"/responses/{reply.pk}/state/", {"next": f"/?open={two[0].pk}"}).content.decode()
    assert 'hx-trigger="every 2s"' in body and "Queued" in body
    Response.objects.filter(pk=reply.pk).update(status="failed", error_message="X refused the reply.")
    body = cm_client.get(f"/responses/{reply.pk}/state/", {"next": "//elsewhere.example"}).content.decode()
    assert "hx-trigger" not in body and "X refused the reply." in body and "Retry" in body
    assert f'name="next" value="/mentions/{two[0].pk}/"' in body  # only a way back inside Écoute


def test_a_reply_state_checks_access(client, two):
    other = Response.objects.create(mention=MentionFactory(brand=BrandFactory(name="Vélo Express")), text="Bonjour")
    client.force_login(UserFactory(username="sam", teams={two[0].brand: "Community manager"}))
    assert client.get(f"/responses/{other.pk}/state/").status_code == 404
    client.force_login(UserFactory(username="nobody"))
    assert client.get(f"/responses/{other.pk}/state/").status_code == 403


def test_a_reply_that_cannot_be_sent_says_why_once(cm_client, two):
    context = composer_context(mention=two[0], agent=UserFactory())  # no credential for the brand
    assert context["default"] == ""
    assert len(context["send_blocked"]) == 1 and "need the brand's account keys" in context["send_blocked"][0]
    body = cm_client.get(f"/mentions/{two[0].pk}/").content.decode()
    assert body.count("account keys") == 1
    assert 'disabled aria-describedby="send-blocked"' in body


def _pane_changed(response) -> dict:
    """The event's detail, with the changed row the pane carries for the list (in its body)."""
    change = json.loads(response["HX-Trigger"])["pane-changed"]
    found = re.search(r'<template id="pane-changed-row" data-pk="(\d+)">(.*?)</template>', response.content.decode(), re.S)
    assert found and int(found.group(1)) == change["pk"]
    return {**change, "row": found.group(2)}


def test_a_pane_form_posted_by_htmx_is_answered_in_place_with_the_row_for_the_list(cm_client, two):
    first, _second = two
    back = f"/?label=complaint&open={first.pk}"
    response = cm_client.post(f"/mentions/{first.pk}/label/", {"label": "question", "next": back}, **PANE)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and "Fibre coupée depuis lundi" in body
    assert response["HX-Replace-Url"] == back
    assert len(response["HX-Trigger"]) < 1000  # the row is in the body: proxies refuse large headers
    change = _pane_changed(response)
    assert change["pk"] == change["shown"] == first.pk
    assert f'id="mention-{first.pk}"' in change["row"] and "label-question" in change["row"]
    assert [m["text"] for m in change["messages"]] == [
        "Label saved. The classifier will learn from it at its next training."]
    # The pane's forms keep answering in place and keep the inbox's filters.
    assert body.count("data-pane-form") >= 5 and f'name="next" value="/?label=complaint&amp;open={first.pk}"' in body

    note = cm_client.post(f"/mentions/{first.pk}/note/", {"text": "Rappeler demain", "next": back}, **PANE)
    assert "Rappeler demain" in note.content.decode() and _pane_changed(note)["messages"] == []
    empty = cm_client.post(f"/mentions/{first.pk}/note/", {"text": " ", "next": back}, **PANE)
    assert _pane_changed(empty)["messages"] == [{"text": "The note is empty.", "level": "error"}]


def test_resolving_in_the_pane_by_htmx_shows_the_next_row_of_the_list_with_undo(cm_client, two):
    first, second = two
    third = MentionFactory(brand=first.brand, priority=10, text="Un troisième")
    back = f"/?open={first.pk}"
    response = cm_client.post(f"/mentions/{first.pk}/status/",
                              {"status": "resolved", "next": back, "following": third.pk}, **PANE)
    body = response.content.decode()
    assert "Un troisième" in body and 'id="undo"' in body and f'value="/?open={first.pk}"' in body
    assert response["HX-Replace-Url"] == f"/?open={third.pk}"
    change = _pane_changed(response)
    assert (change["pk"], change["shown"], change["row"]) == (first.pk, third.pk, "")  # it left the list
    # Without a usable hint from the list (here a mention no longer open): the top of the queue.
    response = cm_client.post(f"/mentions/{third.pk}/status/",
                              {"status": "resolved", "next": f"/?open={third.pk}", "following": first.pk}, **PANE)
    assert _pane_changed(response)["shown"] == second.pk

    # Undo, from the pane: the mention is back with its row.
    undone = cm_client.post(f"/mentions/{first.pk}/status/", {"status": "new", "next": back}, **PANE)
    change = _pane_changed(undone)
    assert change["shown"] == first.pk and f'id="mention-{first.pk}"' in change["row"]
    assert Mention.objects.get(pk=first.pk).status == "new"


def test_a_reply_posted_from_the_pane_comes_back_in_place_and_a_failed_one_keeps_the_text(cm_client, two):
    first, _second = two
    back = f"/?open={first.pk}"
    response = cm_client.post(f"/mentions/{first.pk}/reply/", {"text": "Bonjour, nous regardons.", "next": back},
                              **PANE)
    change = _pane_changed(response)
    assert change["shown"] == first.pk and change["messages"][0]["level"] == "error"  # no account keys
    assert "Bonjour, nous regardons." in response.content.decode()  # the draft is still in the composer
    handled = cm_client.post(f"/mentions/{first.pk}/handled-elsewhere/", {"text": "Rappelé à 14 h", "next": back},
                             **PANE)
    assert _pane_changed(handled)["messages"][0]["text"] == "Recorded as handled elsewhere."
    assert "Rappelé à 14 h" in handled.content.decode()


def test_forms_of_the_mention_page_still_post_and_come_back(cm_client, two):
    first, _second = two
    body = cm_client.get(f"/mentions/{first.pk}/").content.decode()
    assert "data-pane-form" not in body
    response = cm_client.post(f"/mentions/{first.pk}/label/", {"label": "question",
                                                                "next": f"/mentions/{first.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/mentions/{first.pk}/"


def test_the_next_mention_hint_is_kept_within_the_persons_brands(client, two):
    first, second = two
    other = MentionFactory(brand=BrandFactory(name="Vélo Express"), priority=99, text="Pas son équipe")
    client.force_login(UserFactory(username="sam", teams={first.brand: "Community manager"}))
    response = client.post(f"/mentions/{first.pk}/status/",
                           {"status": "resolved", "next": f"/?open={first.pk}", "following": other.pk}, **PANE)
    assert _pane_changed(response)["shown"] == second.pk and "Pas son équipe" not in response.content.decode()
