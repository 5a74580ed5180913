""""Check these": least sure first, across the person's brands, re-ranked by each new version;
answers are corrections (confirmations included)."""

from django.test import Client

from complaints import selectors
from complaints.classifier import lifecycle
from complaints.classifier.corpus import correction_examples
from listening.choices import EventKind
from tests.complaints.test_activation import _correct, shifted_mentions
from tests.factories import BrandFactory, MentionFactory, UserFactory

TEXTS = ["Toujours pas de fibre depuis lundi, c'est une honte", "Comment activer la 5G sur mon forfait ?",
         "Merci à l'équipe de Lyon, super accueil", "the lockers at Metz were jammed shut again on friday",
         "@jo_b haha Lille sunday it is", "anyone know if Brest rents harnesses on monday"]


def _stored(texts, brand=None, confidence=0.5):
    return [MentionFactory(text=text, language="", brand=brand or BrandFactory(), confidence=confidence, label="other")
            for text in texts]


def test_the_least_sure_come_first_with_their_top_two_labels(db, mini_corpus, community_manager):
    lifecycle.model_train()
    mentions = _stored(TEXTS)
    MentionFactory(text="anyone know if Metz rents chalk bags", confidence=0.3, label_corrected_at="2026-01-01T00:00Z")
    items = selectors.review_items(user=community_manager)
    assert {item.mention.pk for item in items} == {m.pk for m in mentions}  # the corrected one is not asked again
    margins = [item.margin for item in items]
    assert margins == sorted(margins) and all(item.first != item.second for item in items)
    assert all(1 >= item.first_confidence >= item.second_confidence >= 0 for item in items)


def test_a_person_sees_the_brands_they_work_on(db, mini_corpus, community_manager):
    lifecycle.model_train()
    lumio, other = BrandFactory(name="Lumio"), BrandFactory(name="Other")
    mine, theirs = _stored(TEXTS[:2], brand=lumio), _stored(TEXTS[2:4], brand=other)
    everyone = {item.mention.pk for item in selectors.review_items(user=community_manager)}
    assert everyone == {m.pk for m in mine + theirs}  # a site-wide role: every brand
    on_the_team = UserFactory(username="sam", teams={lumio: "Community manager"})
    assert {item.mention.pk for item in selectors.review_items(user=on_the_team)} == {m.pk for m in mine}


def test_the_order_follows_the_newest_version(db, mini_corpus, community_manager):
    lifecycle.model_train()
    rows = shifted_mentions(200)
    waiting = _stored([text for text, _ in rows[160:180]]) + _stored(TEXTS[:3])
    before = [item.mention.pk for item in selectors.review_items(user=community_manager, limit=23)]
    _correct(rows[:160], community_manager)
    assert lifecycle.model_train().activated
    after = [item.mention.pk for item in selectors.review_items(user=community_manager, limit=23)]
    climbing = {m.pk for m in waiting[:20]}
    # The gym mentions the first version could not tell apart were mostly first; now it knows them.
    assert sum(pk in climbing for pk in before[:10]) > sum(pk in climbing for pk in after[:10])


def test_keys_post_a_confirmation_or_a_correction_that_feeds_training(db, mini_corpus, community_manager):
    lifecycle.model_train()
    confirmed, corrected = _stored(TEXTS[:2])
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)
    page = client.get("/check/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-key="y"' in body and 'data-key="4"' in body and " %" in body
    assert client.post(f"/check/{confirmed.pk}/", {"label": "complaint"}).status_code == 403  # no CSRF token
    assert client.get(f"/check/{confirmed.pk}/").status_code == 405
    token = page.cookies["csrftoken"].value
    answer = client.post(f"/check/{confirmed.pk}/", {"label": "complaint", "proposed": "complaint"},
                         HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Confirmed: Complaint" in answer.content.decode()
    answer = client.post(f"/check/{corrected.pk}/", {"label": "praise", "proposed": "question"},
                         HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 302 and answer["Location"] == "/check/"
    confirmed.refresh_from_db()
    assert confirmed.label == "complaint" and confirmed.label_corrected_by == community_manager
    event = confirmed.events.get(kind=EventKind.LABEL_CORRECTED)
    assert event.data["to"] == "complaint"
    assert {(e.text, e.label) for e in correction_examples()} == {(TEXTS[0], "complaint"), (TEXTS[1], "praise")}
    assert not {i.mention.pk for i in selectors.review_items(user=community_manager)} & {confirmed.pk, corrected.pk}


def test_a_confirmation_of_the_stored_label_is_logged_as_one(db, community_manager):
    from complaints.services import mention_label_correct

    mention = MentionFactory(label="question")
    mention_label_correct(mention=mention, label="question", actor=community_manager)
    assert mention.events.get(kind=EventKind.LABEL_CORRECTED).data == {"from": "question", "to": "question",
                                                                       "confirmed": True}


def test_the_page_says_so_when_no_version_is_active(cm_client):
    assert "No classifier version is active yet" in cm_client.get("/check/").content.decode()


def test_the_page_is_in_french(cm_client):
    body = cm_client.get("/check/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>À vérifier</h1>" in body and "Aucune version du classifieur" in body


def test_every_fifth_row_is_a_spot_check_drawn_from_the_whole_stream(db, mini_corpus, community_manager):
    import random

    lifecycle.model_train()
    stream = _stored([f"{text} #{n}" for n in range(6) for text in TEXTS])  # 36 waiting, a page of 10
    items = selectors.review_items(user=community_manager, limit=10, rng=random.Random(4))
    assert len(items) == 10 and [item.spot_check for item in items] == [False] * 4 + [True] + [False] * 4 + [True]
    unsure = [item for item in items if not item.spot_check]
    everyone = sorted(selectors._review_scored(stream, spot_check=False), key=lambda i: (i.margin, -i.mention.pk))
    assert [i.mention.pk for i in unsure] == [i.mention.pk for i in everyone[:8]]  # the least sure, in order
    spots = {item.mention.pk for item in items if item.spot_check}
    assert not spots & {i.mention.pk for i in everyone[:8]}
    # Drawn at random: another draw picks other mentions from the same stream.
    draws = {frozenset(i.mention.pk for i in selectors.review_items(user=community_manager, limit=10,
                                                                     rng=random.Random(seed)) if i.spot_check)
             for seed in range(5)}
    assert len(draws) > 1


def test_how_an_answer_was_asked_is_marked_and_the_latest_answer_decides(db, mini_corpus, community_manager):
    lifecycle.model_train()
    mention = _stored(TEXTS[:1])[0]
    client = Client()
    client.force_login(community_manager)
    client.post(f"/check/{mention.pk}/", {"label": "complaint", "proposed": "complaint", "spot_check": "1"})
    assert mention.events.get(kind=EventKind.LABEL_CORRECTED).data["spot_check"] is True
    assert [(e.label, e.spot_check, e.unsure) for e in correction_examples()] == [("complaint", True, False)]
    client.post(f"/check/{mention.pk}/", {"label": "question", "proposed": "complaint"})  # shown for being unsure
    assert [(e.label, e.spot_check, e.unsure) for e in correction_examples()] == [("question", False, True)]
