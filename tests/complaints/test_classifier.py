import io
import json
from datetime import timedelta
from unittest import mock

import numpy as np
from celery.signals import worker_init
from django.core.management import call_command
from django.utils import timezone

from complaints.classifier import lifecycle
from complaints.classifier.corpus import training_examples
from complaints.models import ClassifierModel
from complaints.services import mention_label_correct
from listening.choices import EventKind, Platform
from listening.ingestion import mention_ingest
from listening.models import Mention
from platforms.normalized import NormalizedMention
from tests.factories import BrandFactory, MentionFactory


def test_first_training_activates_with_stored_metrics(db, mini_corpus):
    outcome = lifecycle.model_train(folds=3)
    assert outcome.activated and outcome.model.is_active
    metrics = outcome.model.metrics
    assert set(metrics["per_class"]) == {"complaint", "question", "praise", "other"}
    assert len(metrics["confusion"]["matrix"]) == 4 and set(metrics["by_language"]) == {"en", "fr"}
    assert outcome.model.examples == 80


def test_a_model_worse_on_the_french_corpus_is_refused_unless_forced(db, mini_corpus):
    first = lifecycle.model_train(folds=3).model
    corpus = first.metrics["corpus"]
    worse = {**first.metrics, "corpus": {**corpus, "by_language": {**corpus["by_language"],
                                                                    "fr": corpus["by_language"]["fr"] - 0.02}}}
    with mock.patch("complaints.classifier.evaluation.cross_validate", return_value=(worse, np.zeros((0, 4)))):
        refused = lifecycle.model_train(folds=3)
        assert not refused.activated and "kept inactive" in refused.message and "(fr) would drop" in refused.message
        assert ClassifierModel.objects.get(is_active=True) == first
        forced = lifecycle.model_train(folds=3, force=True)
    assert forced.activated and ClassifierModel.objects.get(is_active=True) == forced.model


def test_a_correction_changes_the_next_training_set(db, mini_corpus, community_manager):
    mention = MentionFactory(text="Est-ce que la carte jeune marche sur les TER ?", label="question")
    before = {e.text: e.label for e in training_examples()}
    assert before["Est-ce que la carte jeune marche sur les TER ?"] == "question"
    mention_label_correct(mention=mention, label="complaint", actor=community_manager)
    after = [e for e in training_examples() if "carte jeune" in e.text]
    assert [(e.label, e.origin) for e in after] == [("complaint", "correction")]
    assert lifecycle.model_train(folds=3).model.corrections == 1


def test_the_active_model_is_loaded_once_per_process(db, mini_corpus):
    lifecycle.model_train(folds=3)
    with mock.patch.object(lifecycle.joblib, "load", wraps=lifecycle.joblib.load) as load:
        for _ in range(3):
            lifecycle.classify_texts(["box en panne"])
    assert load.call_count == 1


def test_a_starting_worker_loads_the_active_model_before_its_pool_forks(db, mini_corpus):
    version = lifecycle.model_train(folds=3).model.version
    lifecycle._loaded.update(version=None, pipeline=None)
    assert any(receiver is lifecycle.worker_preload for _key, receiver in worker_init.receivers)  # weak=False
    with mock.patch.object(lifecycle.connections, "close_all") as close_all:  # the test's own connection stays
        lifecycle.worker_preload(sender=None)
    assert lifecycle._loaded["version"] == version
    assert close_all.called  # no child inherits the parent's database connection
    with mock.patch.object(lifecycle.joblib, "load") as load:  # the first mention finds it loaded
        lifecycle.classify_texts(["box en panne"])
    assert load.call_count == 0


def test_new_mentions_are_classified_on_the_way_in(db, mini_corpus):
    lifecycle.model_train(folds=3)
    item = NormalizedMention(external_id="c1", text="Colis perdu et toujours aucune réponse du SAV, honteux",
                             posted_at=timezone.now() - timedelta(minutes=5))
    mention_ingest(brand=BrandFactory(), platform=Platform.TWITTER, items=[item])
    mention = Mention.objects.get(external_id="c1")
    assert mention.label == mention.predicted_label == "complaint"
    assert 0 < mention.confidence <= 1 and mention.model_version == ClassifierModel.objects.get(is_active=True).version
    classified = mention.events.get(kind=EventKind.CLASSIFIED)
    assert classified.data["label"] == "complaint"
    assert mention.priority_reasons[0] == {"code": "label", "label": "complaint"}


def test_classify_command_trains_on_a_fresh_install_and_answers_per_line(db, mini_corpus, tmp_path, capsys):
    path = tmp_path.parent / "classify-input.jsonl"  # outside the fixture's corpus folder
    path.write_text('{"id": 7, "text": "Thanks for the quick reply, all sorted"}\nnot json\n'
                    '{"text": "How do I turn on roaming?"}\n', encoding="utf-8")
    assert not ClassifierModel.objects.exists()
    call_command("classify", "--jsonl", str(path))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["id"] == 7 and lines[0]["label"] == "praise" and 0 < lines[0]["confidence"] <= 1
    assert lines[1] == {"line": 2, "error": "not a JSON object with a text"}
    assert lines[2]["id"] is None and lines[2]["label"] == "question"
    assert ClassifierModel.objects.filter(is_active=True).count() == 1


def test_classify_reads_standard_input(db, mini_corpus, capsys, monkeypatch):
    lifecycle.model_train(folds=3)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "a", "text": "Giveaway: RT to win a new router"}\n'))
    call_command("classify", "--jsonl", "-")
    assert json.loads(capsys.readouterr().out)["id"] == "a"


def test_training_without_enough_examples_says_what_is_missing(db, mini_corpus):
    import pytest
    from django.core.management import CommandError

    for path in mini_corpus.glob("*.jsonl"):
        path.unlink()
    with pytest.raises(CommandError, match="Too few labelled examples.*complaints/corpus"):
        call_command("train_classifier")
