"""The community manager's workspace: filters and search, the new-mentions bar, take next
without collisions, bulk actions, notes, label correction and presence."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints import presence, selectors, services
from listening.choices import EventKind
from listening.models import Mention
from tests.factories import AuthorFactory, BrandFactory, MentionFactory, UserFactory


def _texts(response) -> str:
    return response.content.decode()


def test_search_uses_french_and_english_stemming(cm_client):
    MentionFactory(text="Encore des retards sur la ligne, inadmissible", language="fr")
    MentionFactory(text="My parcel was delayed again", language="en")
    MentionFactory(text="Merci pour l'accueil en boutique", language="fr")
    body = _texts(cm_client.get("/", {"q": "retard"}))
    assert "Encore des retards" in body and "Merci pour" not in body
    body = _texts(cm_client.get("/", {"q": "delay"}))
    assert "parcel was delayed" in body and "Encore des retards" not in body


@pytest.mark.parametrize("order", ["priority", "age"])
def test_a_search_finds_a_rare_word_at_the_bottom_of_the_queue_in_queue_order(community_manager, monkeypatch, order):
    """The search reads the queue's top rows first and falls back on the full-text index when
    they hold less than a page of matches: both ways give the same rows in the same order."""
    monkeypatch.setattr(selectors, "SEARCH_WALK", 5)
    brand, now = BrandFactory(), timezone.now()
    for i in range(12):  # the top of the queue: no match
        MentionFactory(brand=brand, text=f"panne de réseau numéro {i}", priority=900 - i)
    rare = [MentionFactory(brand=brand, text=f"le technicien était parfait {i}", priority=10 + i,
                           posted_at=now - timedelta(minutes=i)) for i in range(7)]
    MentionFactory(brand=brand, text="le technicien, déjà résolu", priority=5, status="resolved")
    expected = sorted(rare, key=(lambda m: (-m.priority, -m.pk)) if order == "priority" else (lambda m: (m.posted_at, m.pk)))
    seen, after = [], ""
    while True:
        rows, after = selectors.queue_mentions(filters=selectors.QueueFilters(q="technicien", order=order, after=after),
                                               user=community_manager, limit=3)
        seen += rows
        if not after:
            break
    assert [m.pk for m in seen] == [m.pk for m in expected]
    # Frequent words are found in the top rows alone, still in order.
    rows, _after = selectors.queue_mentions(filters=selectors.QueueFilters(q="panne"), user=community_manager, limit=3)
    assert [m.priority for m in rows] == [900, 899, 898]


def test_search_ignores_hostile_queries(cm_client):
    MentionFactory(text="Panne de fibre")
    for query in ["'; drop table listening_mention; --", "!!! & | :*", "<script>alert(1)</script>", "x" * 5000]:
        response = cm_client.get("/", {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in _texts(response)


def test_language_period_and_assignee_filters(cm_client, community_manager):
    old = MentionFactory(text="vieux message", posted_at=timezone.now() - timedelta(days=10))
    english = MentionFactory(text="english message", language="en")
    mine = MentionFactory(text="le mien", assignee=community_manager)
    assert "english message" in _texts(cm_client.get("/", {"language": "en"}))
    assert "le mien" not in _texts(cm_client.get("/", {"language": "en"}))
    body = _texts(cm_client.get("/", {"period": "7d"}))
    assert "vieux message" not in body and "english message" in body
    body = _texts(cm_client.get("/", {"assignee": "me"}))
    assert "le mien" in body and "english message" not in body
    body = _texts(cm_client.get("/", {"assignee": "none"}))
    assert "le mien" not in body and "vieux message" in body
    assert old and english and mine


def test_new_mentions_bar_counts_only_what_arrived_after_the_page(cm_client):
    MentionFactory(text="déjà là", label="complaint")
    since = selectors.latest_mention_id()
    assert "new mention" not in _texts(cm_client.get("/queue/new/", {"since": since}))
    MentionFactory(text="arrivée 1", label="complaint")
    MentionFactory(text="arrivée 2", label="praise")
    body = _texts(cm_client.get("/queue/new/", {"since": since}))
    assert "2 new mentions" in body
    body = _texts(cm_client.get("/queue/new/", {"since": since, "label": "praise"}))
    assert "1 new mention" in body and "label=praise" in body  # the bar keeps the filters


def test_take_next_claims_the_highest_priority_unassigned_mention(cm_client, community_manager):
    MentionFactory(text="basse", priority=10)
    top = MentionFactory(text="haute", priority=90)
    MentionFactory(text="déjà prise", priority=99, assignee=UserFactory(role="Community manager"))
    response = cm_client.post("/queue/take-next/")
    assert response.status_code == 302 and response["Location"] == f"/?open={top.pk}"  # opened in the reading pane
    top.refresh_from_db()
    assert top.assignee == community_manager and top.status == "open"
    assert top.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_take_next_with_nothing_left_says_so(cm_client):
    response = cm_client.post("/queue/take-next/", follow=True)
    assert "every open mention is assigned" in _texts(response)


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_next_at_once_get_different_mentions():
    first, second = MentionFactory(priority=90), MentionFactory(priority=80)
    people = [UserFactory(role="Community manager") for _ in range(2)]
    barrier, taken = threading.Barrier(2), {}

    def take(user):
        try:
            barrier.wait()
            taken[user.pk] = services.mention_take_next(user=user).pk
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in people]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(taken.values()) == sorted([first.pk, second.pk])
    assert {m.assignee_id for m in Mention.objects.all()} == {p.pk for p in people}


def test_bulk_actions(cm_client, community_manager):
    a, b, c = MentionFactory(label="complaint"), MentionFactory(label="complaint"), MentionFactory()
    cm_client.post("/queue/bulk/", {"mention": [a.pk, b.pk], "action": "assign_me"})
    assert set(Mention.objects.filter(assignee=community_manager).values_list("pk", flat=True)) == {a.pk, b.pk}
    cm_client.post("/queue/bulk/", {"mention": [a.pk, b.pk], "action": "relabel", "label": "question"})
    a.refresh_from_db()
    assert a.label == "question" and a.label_corrected_by == community_manager
    cm_client.post("/queue/bulk/", {"mention": [a.pk], "action": "resolve"})
    cm_client.post("/queue/bulk/", {"mention": [b.pk], "action": "ignore"})
    assert dict(Mention.objects.values_list("pk", "status")) == {a.pk: "resolved", b.pk: "ignored", c.pk: "new"}
    response = cm_client.post("/queue/bulk/", {"mention": [c.pk], "action": "relabel"}, follow=True)
    assert "Choose the label" in _texts(response)
    response = cm_client.post("/queue/bulk/", {"action": "resolve", "next": "//evil.example"})
    assert response["Location"] == "/"  # never redirected off-site


def test_notes_and_label_correction_from_the_mention_page(cm_client, community_manager):
    mention = MentionFactory(label="complaint")
    cm_client.post(f"/mentions/{mention.pk}/note/", {"text": "Client VIP, voir <b>ticket</b> 42"})
    cm_client.post(f"/mentions/{mention.pk}/label/", {"label": "question"})
    mention.refresh_from_db()
    assert mention.label == "question" and mention.label_corrected_by == community_manager
    body = _texts(cm_client.get(f"/mentions/{mention.pk}/"))
    assert "Client VIP, voir &lt;b&gt;ticket&lt;/b&gt; 42" in body
    assert set(mention.events.values_list("kind", flat=True)) >= {EventKind.NOTE_ADDED, EventKind.LABEL_CORRECTED}
    response = cm_client.post(f"/mentions/{mention.pk}/note/", {"text": "   "}, follow=True)
    assert "The note is empty" in _texts(response)


def test_mention_page_shows_the_conversation(cm_client):
    brand, author = BrandFactory(), AuthorFactory(handle="@claire")
    before = MentionFactory(brand=brand, author=author, text="Premier message de Claire",
                            posted_at=timezone.now() - timedelta(days=3))
    MentionFactory(brand=brand, author=author, text="Dans le fil", conversation_id="c1")
    mention = MentionFactory(brand=brand, author=author, text="Suite", conversation_id="c1")
    MentionFactory(text="Quelqu'un d'autre")
    from tests.factories import ResponseFactory

    ResponseFactory(mention=before, text="Bonjour Claire, c'est réglé <b>ce soir</b>.")
    body = _texts(cm_client.get(f"/mentions/{mention.pk}/"))
    assert "Dans le fil" in body and "Premier message de Claire" in body and "Quelqu&#x27;un d&#x27;autre" not in body
    assert "Our reply" in body and "c&#x27;est réglé &lt;b&gt;ce soir&lt;/b&gt;." in body  # our answer, escaped


def test_presence_shows_who_else_is_on_a_mention(client, community_manager):
    mention = MentionFactory()
    other = UserFactory(role="Community manager", first_name="Sam", last_name="Roux")
    presence.presence_touch(mention_id=mention.pk, user=other, activity="replying")
    client.force_login(community_manager)
    assert "Sam Roux is writing a reply" in _texts(client.get(f"/mentions/{mention.pk}/"))
    assert "Sam Roux is replying" in _texts(client.get("/"))
    presence.presence_leave(mention_id=mention.pk, user=other)
    assert "Sam Roux" not in _texts(client.post(f"/mentions/{mention.pk}/presence/", {"activity": "viewing"}))
