"""Mentions stored before the first model existed get labelled once one does."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from complaints.tasks import refresh_priorities
from listening.choices import EventKind
from listening.ingestion import mention_ingest
from listening.models import Mention
from platforms.normalized import NormalizedMention
from tests.factories import BrandFactory, SLAPolicyFactory


def _ingest_before_any_model(brand):
    now = timezone.now()
    items = [NormalizedMention(external_id=f"m{n}", text=text, posted_at=now - timedelta(minutes=5))
             for n, text in enumerate(["Toujours pas de connexion depuis trois jours, c'est inadmissible",
                                       "Merci pour votre aide rapide hier soir"])]
    mention_ingest(brand=brand, platform="other", items=items)
    assert set(Mention.objects.values_list("label", "model_version")) == {("", "")}


def test_the_first_training_labels_the_mentions_that_waited(db, mini_corpus, capsys):
    brand = BrandFactory()
    SLAPolicyFactory(brand=brand, label="complaint", first_response_minutes=30)
    _ingest_before_any_model(brand)
    call_command("train_classifier", "--folds", "3")
    assert "2 mentions stored before any model was active are now labelled" in capsys.readouterr().out
    mentions = list(Mention.objects.all())
    assert all(m.label and m.model_version for m in mentions)
    assert all(m.events.filter(kind=EventKind.CLASSIFIED).count() == 1 for m in mentions)
    for m in mentions:  # the SLA of the label the model gave
        assert (m.first_response_due_at is not None) == (m.label == "complaint")
    call_command("train_classifier", "--folds", "3", "--force")
    assert all(m.events.filter(kind=EventKind.CLASSIFIED).count() == 1 for m in mentions)  # labelled once


def test_the_periodic_refresh_labels_them_whichever_way_the_model_came(db, mini_corpus):
    from complaints.classifier import lifecycle

    _ingest_before_any_model(BrandFactory())
    refresh_priorities.delay().get()  # no model yet: they keep waiting
    assert not Mention.objects.exclude(label="").exists()
    lifecycle.model_train(folds=3)  # e.g. load_demo or the admin
    refresh_priorities.delay().get()
    assert not Mention.objects.filter(label="").exists()
