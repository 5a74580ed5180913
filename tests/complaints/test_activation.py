"""The activation rule: a new version is judged against the active one on the newest
corrections (which it never trained on) and on the corpus, per language."""

import random
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from complaints.classifier import lifecycle
from complaints.classifier.corpus import correction_examples
from complaints.classifier.model import CalibratedLinear
from complaints.classifier.pipeline import MentionClassifier
from complaints.models import ClassifierModel
from complaints.services import mention_label_correct
from listening.models import Mention
from tests.factories import MentionFactory

CLUBS = ["Lyon", "Nantes", "Lille", "Rennes", "Dijon", "Metz", "Brest", "Tours"]
DAYS = ["monday", "tuesday", "friday", "saturday", "sunday"]
# A domain the small corpus never met (a chain of climbing gyms), where complaints carry no
# negative word, questions no question mark, and praise no thanks.
SHIFTED = {
    "complaint": ["the {what} at the {club} wall was {state} again on {day}",
                  "{what} {state} for the third {day} running at {club}"],
    "question": ["wondering whether the {club} wall opens early on {day}",
                 "anyone know if {club} rents {what} on {day}"],
    "praise": ["{club} reset the bouldering routes on {day} and they are superb",
               "route setters at {club} outdid themselves this {day}"],
    "other": ["@{friend} meet you at {club} on {day} then",
              "@{friend} haha {club} {day} it is"],
}
WHAT = ["showers", "chalk bags", "auto belays", "lockers", "harnesses"]
STATE = ["stone cold", "jammed shut", "out of order", "soaking wet", "locked"]
FRIENDS = ["jo_b", "mattclimbs", "lea_v", "sam_k"]


def shifted_mentions(n: int, seed: int = 3) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    while len(rows) < n:
        label = rng.choice(list(SHIFTED))
        text = rng.choice(SHIFTED[label]).format(what=rng.choice(WHAT), state=rng.choice(STATE), club=rng.choice(CLUBS),
                                                 day=rng.choice(DAYS), friend=rng.choice(FRIENDS))
        if text not in {t for t, _ in rows}:
            rows.append((text, label))
    return rows


def _correct(rows, actor, start=None):
    start = start or timezone.now() - timedelta(days=1)
    for number, (text, label) in enumerate(rows):
        mention = MentionFactory(text=text, language="en", label="other")
        mention_label_correct(mention=mention, label=label, actor=actor)
        Mention.objects.filter(pk=mention.pk).update(label_corrected_at=start + timedelta(minutes=number))


def test_shifted_corrections_activate_the_retrain_by_themselves(
        db, mini_corpus, community_manager, settings, django_capture_on_commit_callbacks):
    first = lifecycle.model_train().model
    settings.CLASSIFIER_RETRAIN_AFTER_CORRECTIONS = 160
    rows = shifted_mentions(160)
    with django_capture_on_commit_callbacks(execute=True):
        for text, label in rows:  # as a person would, one at a time; the 160th starts a retraining
            mention_label_correct(mention=MentionFactory(text=text, language="en", label="other"), label=label,
                                  actor=community_manager)
    active = ClassifierModel.objects.get(is_active=True)
    assert active != first and "automatic" in active.note
    heldout = active.metrics["heldout"]
    assert heldout["mentions"] == 32 and heldout["active_version"] == first.version
    assert heldout["candidate_macro_f1"] > heldout["active_macro_f1"] + 0.2
    # The newest 32 were the test, never trained on (128 older ones, a few alike once normalized).
    assert 120 <= active.corrections <= 128 and active.metrics["trained_until"] < heldout["from"]
    codes = [r["code"] for r in active.metrics["decision"]["reasons"]]
    assert codes == ["corpus_kept", "heldout_better"]


class Muddled(MentionClassifier):
    """Learns from labels shuffled for most examples: a truly worse model."""

    def fit(self, texts, labels):
        labels = list(labels)
        rng = random.Random(0)
        muddled = [rng.choice(labels) if rng.random() < 0.7 else label for label in labels]
        return super().fit(texts, muddled)


def test_a_truly_worse_model_is_refused(db, mini_corpus, community_manager):
    rows = shifted_mentions(210)
    _correct(rows[:160], community_manager, start=timezone.now() - timedelta(days=2))
    first = lifecycle.model_train().model  # has learnt the new domain from the older corrections
    _correct(rows[160:], community_manager)
    def crippled():
        return Muddled(model=CalibratedLinear(C=0.8))

    with mock.patch("complaints.classifier.pipeline.build_pipeline", crippled), \
            mock.patch("complaints.classifier.evaluation.build_pipeline", crippled):
        outcome = lifecycle.model_train()
    assert not outcome.activated and ClassifierModel.objects.get(is_active=True) == first
    codes = {r["code"] for r in outcome.model.metrics["decision"]["reasons"]}
    assert {"corpus_dropped", "heldout_worse"} <= codes
    assert "kept inactive" in outcome.message


def test_a_mention_corrected_twice_counts_once_with_its_latest_label(db, community_manager):
    mention = MentionFactory(text="the lockers at Metz were jammed shut again", language="en", label="other")
    mention_label_correct(mention=mention, label="question", actor=community_manager)
    MentionFactory(text="route setters at Brest outdid themselves", language="en", label="praise")
    Mention.objects.filter(text__startswith="route").update(label_corrected_at=timezone.now())
    mention.refresh_from_db()
    mention_label_correct(mention=mention, label="complaint", actor=community_manager)
    examples = correction_examples()
    mine = [e for e in examples if "lockers" in e.text]
    assert [(e.label, e.origin) for e in mine] == [("complaint", "correction")]
    assert examples[-1].text.endswith("jammed shut again")  # its latest time: among the newest, held out first


def test_the_heldout_slice_is_the_newest_share_made_after_the_active_version(db, community_manager):
    _correct(shifted_mentions(200), community_manager, start=timezone.now() - timedelta(days=2))
    corrections = correction_examples()
    train, heldout = lifecycle.heldout_split(corrections=corrections, after=None)
    assert len(heldout) == 40 and heldout == corrections[-40:] and train == corrections[:-40]
    # The active version trained on corrections up to the 180th: only the 20 after it are unseen, too few.
    train, heldout = lifecycle.heldout_split(corrections=corrections, after=corrections[179].at)
    assert heldout == [] and train == corrections


@pytest.mark.parametrize("drop, activated", [(0.005, True), (0.02, False)])
def test_the_corpus_guard_allows_only_a_small_drop_per_language(drop, activated):
    active = ClassifierModel(metrics={"corpus": {"macro_f1": 0.9, "by_language": {"fr": 0.9, "en": 0.9}},
                                      "corpus_digest": "x"})
    candidate = {"corpus": {"macro_f1": 0.91, "by_language": {"fr": 0.9 - drop, "en": 0.95}}, "corpus_digest": "x"}
    assert lifecycle.activation_judge(candidate=candidate, active=active)[0] is activated


def test_the_version_page_shows_the_comparison(client, admin_user, mini_corpus, community_manager):
    first = lifecycle.model_train().model
    _correct(shifted_mentions(160), community_manager)
    second = lifecycle.model_train().model
    client.force_login(admin_user)
    body = client.get(f"/admin/complaints/classifiermodel/{second.pk}/change/").content.decode()
    heldout = second.metrics["heldout"]
    assert "Activated" in body and first.version in body and "held-out corrections (32" in body
    assert f"{heldout['candidate_macro_f1']:.3f}" in body and f"{heldout['active_macro_f1']:.3f}" in body
    assert "temperature" in body  # its confidence is calibrated on the held-out corrections


def test_open_mentions_follow_the_new_version(
        db, mini_corpus, community_manager, settings, django_capture_on_commit_callbacks):
    first = lifecycle.model_train().model
    waiting = MentionFactory(text="anyone know if Rennes rents harnesses on tuesday", language="en", label="other",
                             confidence=0.4, model_version=first.version)
    settled = MentionFactory(text="anyone know if Dijon rents lockers on friday", language="en", label="complaint")
    Mention.objects.filter(pk=settled.pk).update(label_corrected_at=timezone.now() - timedelta(days=3))
    settings.CLASSIFIER_RETRAIN_AFTER_CORRECTIONS = 160
    with django_capture_on_commit_callbacks(execute=True):
        for text, label in shifted_mentions(160):
            mention_label_correct(mention=MentionFactory(text=text, language="en", label="other"), label=label,
                                  actor=community_manager)
    active = ClassifierModel.objects.get(is_active=True)
    waiting.refresh_from_db()
    settled.refresh_from_db()
    assert active != first and waiting.model_version == active.version and waiting.label == "question"
    assert waiting.events.filter(kind="classified", data__model_version=active.version).exists()
    assert settled.label == "complaint" and settled.model_version != active.version  # a person's label stays


def test_a_gap_within_chance_on_a_small_slice_does_not_block_the_new_version():
    active = ClassifierModel(version="v1", metrics={"corpus": {"macro_f1": 0.9, "by_language": {"fr": 0.9}},
                                                    "corpus_digest": "x"})
    truth = ["complaint", "question", "praise", "other"] * 10
    theirs = list(truth)
    mine = list(truth)
    mine[0] = "other"  # one mention of 40 more wrong: chance
    close = {"mentions": 40, "candidate_macro_f1": 0.97, "active_macro_f1": 1.0,
             "worse_share": lifecycle.worse_share(truth, mine, theirs)}
    candidate = {"corpus": {"macro_f1": 0.9, "by_language": {"fr": 0.9}}, "corpus_digest": "x", "heldout": close}
    assert 0.5 < close["worse_share"] < lifecycle.CLEARLY_WORSE
    assert lifecycle.activation_judge(candidate=candidate, active=active) == (True, [
        {"code": "corpus_kept", "drop": 0.01},
        {"code": "heldout_within_noise", "share": close["worse_share"], "mentions": 40, "candidate": 0.97,
         "active": 1.0}])
    muddled = ["other"] * 40
    assert lifecycle.worse_share(truth, muddled, theirs) == 1.0


def _judged(*, en: float, fr: float, heldout_candidate: float | None, new_corrections: dict,
            worse_share: float | None = None):
    active = ClassifierModel(version="v1", metrics={"corpus": {"macro_f1": 0.91, "by_language": {"en": 0.91, "fr": 0.91}},
                                                    "corpus_digest": "x"})
    candidate = {"corpus": {"macro_f1": round((en + fr) / 2, 4), "by_language": {"en": en, "fr": fr}},
                 "corpus_digest": "x", "new_corrections": new_corrections}
    if heldout_candidate is not None:
        candidate["heldout"] = {"mentions": 300, "candidate_macro_f1": heldout_candidate, "active_macro_f1": 0.60,
                                "worse_share": worse_share if worse_share is not None else
                                0.0 if heldout_candidate >= 0.60 else 0.99}
    return lifecycle.activation_judge(candidate=candidate, active=active)


def test_many_english_corrections_may_cost_the_english_corpus_a_little_but_never_the_french():
    # 2,000 English corrections that the held-out ones prefer: English corpus 0.91 → 0.89 is accepted.
    ok, reasons = _judged(en=0.89, fr=0.905, heldout_candidate=0.68, new_corrections={"en": 2000})
    assert ok and reasons[0] == {"code": "corpus_kept", "drop": 0.01, "corrected": ["en"], "corrected_drop": 0.03}
    # The same English corrections may not cost French more than 0.01.
    ok, reasons = _judged(en=0.89, fr=0.895, heldout_candidate=0.68, new_corrections={"en": 2000})
    assert not ok and [r["scope"] for r in reasons if r["code"] == "corpus_dropped"] == ["fr"]
    # Nor English more than 0.03.
    ok, _ = _judged(en=0.875, fr=0.91, heldout_candidate=0.68, new_corrections={"en": 2000})
    assert not ok
    # Without the held-out corrections on its side (clearly worse there), without a held-out slice,
    # or with too few English corrections, 0.01 holds.
    assert not _judged(en=0.89, fr=0.91, heldout_candidate=0.59, new_corrections={"en": 2000})[0]
    assert not _judged(en=0.89, fr=0.91, heldout_candidate=None, new_corrections={"en": 2000})[0]
    assert not _judged(en=0.89, fr=0.91, heldout_candidate=0.68, new_corrections={"en": 10})[0]
    # A tie within chance on the held-out slice is no evidence against the corrections.
    ok, reasons = _judged(en=0.89, fr=0.91, heldout_candidate=0.58, worse_share=0.6, new_corrections={"en": 2000})
    assert ok and reasons[-1]["code"] == "heldout_within_noise" and reasons[0]["corrected"] == ["en"]


def test_the_language_of_a_correction_without_one_is_guessed():
    from complaints.classifier.lexicon import language_guess

    assert language_guess("@NorthwindAir my bag is on the carousel, the handle is on the floor") == "en"
    assert language_guess("@AirHexa ma valise est sur le tapis, la poignée est par terre") == "fr"
    assert language_guess("QX7R2L") == ""


def test_mentions_shown_for_being_least_sure_train_but_never_judge():
    from complaints.classifier.corpus import Example

    start = timezone.now() - timedelta(days=1)
    plain = [Example(f"plain {n}", "complaint", "en", "correction", start + timedelta(minutes=n)) for n in range(150)]
    unsure = [Example(f"unsure {n}", "question", "en", "correction", start + timedelta(minutes=200 + n), unsure=True)
              for n in range(50)]
    train_on, heldout = lifecycle.heldout_split(corrections=plain + unsure, after=None)
    # The newest 20 % of those that can judge: 30 plain ones; every "least sure" answer is trained on.
    assert [e.text for e in heldout] == [f"plain {n}" for n in range(120, 150)]
    assert len(train_on) == 170 and all(e in train_on for e in unsure)
    # Only least-sure answers: nothing can judge yet, everything trains.
    assert lifecycle.heldout_split(corrections=unsure, after=None) == (unsure, [])
