from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints.classifier import lifecycle
from complaints.models import ClassifierModel
from complaints.classification import priorities_refresh
from complaints.services import mention_label_correct
from tests.factories import MentionFactory


def test_enough_corrections_start_a_retraining(db, mini_corpus, community_manager, settings, django_capture_on_commit_callbacks):
    settings.CLASSIFIER_RETRAIN_AFTER_CORRECTIONS = 2
    lifecycle.model_train(folds=3)
    first = MentionFactory(text="le wifi coupe tout le temps")
    second = MentionFactory(text="the wifi keeps dropping")
    with django_capture_on_commit_callbacks(execute=True):
        mention_label_correct(mention=first, label="complaint", actor=community_manager)
    assert ClassifierModel.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        mention_label_correct(mention=second, label="complaint", actor=community_manager)
    assert ClassifierModel.objects.count() == 2  # retrained (tasks run inline in tests)
    assert ClassifierModel.objects.order_by("-created_at").first().corrections == 2


def test_the_schedules_exist_for_nightly_training_and_priority_refresh(db):
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"complaints.tasks.retrain_classifier", "complaints.tasks.refresh_priorities"} <= names


def test_priorities_grow_with_waiting_time(db):
    mention = MentionFactory(posted_at=timezone.now() - timedelta(hours=6))
    resolved = MentionFactory(status="resolved", priority=999)
    assert priorities_refresh() == 1
    mention.refresh_from_db()
    resolved.refresh_from_db()
    assert {"code": "waiting", "hours": 6} in mention.priority_reasons and mention.priority > 400
    assert resolved.priority == 999  # closed mentions are left alone
    assert priorities_refresh() == 0  # nothing moved since: nothing written


def test_a_priority_refresh_writes_only_the_mentions_whose_priority_moved(db):
    MentionFactory(posted_at=timezone.now() - timedelta(hours=6))
    priorities_refresh()
    fresh = MentionFactory(posted_at=timezone.now() - timedelta(hours=3), priority=0, priority_reasons=[])
    assert priorities_refresh() == 1
    fresh.refresh_from_db()
    assert fresh.priority > 0


def test_admins_see_versions_with_per_class_scores_and_confusion_matrix(client, admin_user, mini_corpus):
    model = lifecycle.model_train(folds=3).model
    client.force_login(admin_user)
    body = client.get(f"/admin/complaints/classifiermodel/{model.pk}/change/").content.decode()
    assert "Cross-validated macro-F1" in body and "Confusion matrix" in body and "complaint" in body
    assert client.get("/admin/complaints/classifiermodel/").status_code == 200
