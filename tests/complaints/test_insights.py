"""Complaint topics of a period, in French and English, from real mentions in Postgres."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.insights import complaint_insights, complaint_topics
from tests.factories import BrandFactory, MentionFactory

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 11, 16, tzinfo=PARIS)
END = START + timedelta(days=7)
STOP_AND_NEGATION = {"de", "le", "la", "the", "my", "a", "is", "pas", "ne", "n'", "no", "not", "yet", "still"}

LATE_DELIVERY = [
    "Encore un retard de livraison, colis bloqué depuis lundi @LumioFR",
    "Retard de livraison inadmissible !",
    "Troisième retard de livraison ce mois-ci 😡",
    "@LumioFR retard de livraison, personne ne répond",
    "Le retard de livraison continue… #Lumio",
    "RETARD DE LIVRAISON encore une fois, c'est n'importe quoi",
]
REFUND = [
    "Still waiting for my refund @LumioUK",
    "Where is my refund? 3 weeks now",
    "No refund yet, not happy with Lumio",
    "I was promised a refund last month https://t.co/xyz",
]
NOT_COMPLAINTS = [
    ("Merci Lumio, livraison rapide !", "praise", "fr"),
    ("Quand arrive ma commande ? Lumio", "question", "fr"),
    ("Love the new Lumio app", "praise", "en"),
    ("Bonjour, livraison possible le samedi ?", "question", "fr"),
    ("Does Lumio ship to Belgium?", "question", "en"),
]


def mention(brand, text, *, day=1, label="complaint", language="fr", start=START, **fields):
    return MentionFactory(
        brand=brand, text=text, label=label, language=language, author=None,
        posted_at=start + timedelta(days=day, hours=10), **fields,
    )


@pytest.fixture
def lumio(db):
    brand = BrandFactory(name="Lumio", own_accounts="@LumioFR\n@LumioUK")
    late = [mention(brand, text, day=i) for i, text in enumerate(LATE_DELIVERY)]
    late[3].reposts_count = 80  # the most shared: the first example
    late[3].save()
    refund = [mention(brand, text, day=i, language="en") for i, text in enumerate(REFUND)]
    mention(brand, "L'appli plante sans arrêt")
    for text, label, language in NOT_COMPLAINTS:
        mention(brand, text, label=label, language=language)
    previous = START - timedelta(days=7)
    for text in LATE_DELIVERY[:2] + REFUND:
        mention(brand, text, start=previous, language="en" if text in REFUND else "fr")
    mention(brand, LATE_DELIVERY[0], start=END)  # the next period's
    other_brand = BrandFactory(name="Volta")
    for i in range(10):
        mention(other_brand, f"Retard de livraison chez Volta, numéro {i}")
    return brand, late, refund


def by_phrase(insights):
    return {topic.phrase: topic for topic in insights.topics}


def test_french_and_english_complaints_give_their_topics_with_counts_and_trend(lumio):
    brand, late, refund = lumio

    insights = complaint_insights(brand=brand, start=START, end=END)

    assert (insights.complaints, insights.previous_complaints) == (11, 6)
    topics = by_phrase(insights)
    late_delivery, refunds = topics["retard de livraison"], topics["refund"]
    assert (late_delivery.count, late_delivery.previous_count, late_delivery.trend) == (6, 2, "rising")
    assert late_delivery.change == 2.0
    assert (refunds.count, refunds.previous_count, refunds.trend) == (4, 4, "steady")
    assert late_delivery.example_ids[0] == late[3].pk
    assert set(late_delivery.example_ids) < {m.pk for m in late} and len(late_delivery.example_ids) == 3
    assert set(refunds.example_ids) < {m.pk for m in refund}
    assert list(topics)[:2] == ["retard de livraison", "refund"]


def test_stop_words_negations_handles_and_the_brand_name_never_become_topics(lumio):
    brand, _late, _refund = lumio

    topics = by_phrase(complaint_insights(brand=brand, start=START, end=END))
    first_and_last = {word for phrase in topics for word in (phrase.split()[0], phrase.split()[-1])}
    every_word = {word for phrase in topics for word in phrase.split()}

    assert not first_and_last & STOP_AND_NEGATION
    assert not every_word & {"pas", "ne", "n'", "no", "not", "lumio", "lumiofr", "lumiouk", "_user_", "_url_", "3"}
    # "retard" and "livraison" alone say no more than "retard de livraison": shown once.
    assert "retard" not in topics and "livraison" not in topics


def test_one_language_at_a_time(lumio):
    brand, _late, _refund = lumio

    english = complaint_insights(brand=brand, start=START, end=END, language="en")

    assert english.complaints == 4
    assert [topic.phrase for topic in english.topics][:1] == ["refund"]
    assert "retard de livraison" not in by_phrase(english)


def test_a_word_said_as_often_outside_complaints_is_not_a_topic():
    complaints = [(i, f"Problème de facture sur ma commande n°{i}") for i in range(6)]
    others = [f"Merci pour ma commande {i}" for i in range(6)]

    topics = complaint_topics(complaints=complaints, previous=[], others=others).topics

    assert [(topic.phrase, topic.count, topic.trend) for topic in topics] == [("problème de facture", 6, "new")]


def test_negations_end_a_phrase_and_accents_are_kept_for_display():
    complaints = list(enumerate([
        "Pas de réseau depuis ce matin", "Toujours pas de réseau !", "Plus de réseau à Lyon",
        "No network since Monday", "Still no network", "no network at all, never again",
        "Délai de réponse trop long", "délai de reponse interminable", "Delai de réponse ?",
        "Problème d’électricité au magasin", "probleme d'électricité", "Problème d'électricité encore",
    ]))

    topics = by_phrase(complaint_topics(complaints=complaints, previous=[], others=["Bonne journée"]))

    assert topics["réseau"].count == 3
    assert topics["network"].count == 3
    assert topics["délai de réponse"].count == 3
    assert topics["problème d'électricité"].count == 3
    assert not any(word in phrase.split() for phrase in topics for word in ("pas", "plus", "no", "never"))


def test_a_longer_wording_replaces_the_word_it_contains_when_it_covers_most_of_it():
    complaints = list(enumerate(
        ["Service client injoignable"] * 4 + ["service client nul", "Le client mystère"]
        + ["Facture erronée"] * 3
    ))

    phrases = [topic.phrase for topic in complaint_topics(complaints=complaints, previous=[], others=[]).topics]

    assert phrases == ["service client injoignable", "facture erronée"]


def test_a_topic_needs_at_least_three_complaints():
    complaints = list(enumerate(["Appli qui plante", "L'appli plante encore", "Facture fausse"]))
    assert complaint_topics(complaints=complaints, previous=[], others=[]).topics == []


def test_falling_topics_and_the_previous_period():
    complaints = list(enumerate(["Facture fausse"] * 3))
    insights = complaint_topics(complaints=complaints, previous=["facture fausse encore"] * 9, others=[])
    facture = by_phrase(insights)["facture fausse"]
    assert (facture.count, facture.previous_count, facture.trend) == (3, 9, "falling")
    assert insights.previous_complaints == 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": END, "end": START}, "start of the period must come before its end"),
        ({"start": datetime(2026, 11, 16), "end": END}, "need a time zone"),
        ({"start": START, "end": END, "limit": 0}, "at least one topic"),
    ],
)
def test_bad_periods_are_refused_in_plain_words(db, kwargs, message):
    with pytest.raises(ValueError, match=message):
        complaint_insights(**kwargs)
