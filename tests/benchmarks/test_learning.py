"""The learning curve runs through the product's path: corrections stored by the review
queue's service, `model_train` with its activation rule, scored on a fixed test half."""

from benchmarks.learning import bench_learning, learning_curve
from complaints.models import ClassifierModel
from listening.models import Mention
from tests.complaints.test_activation import shifted_mentions


def test_without_the_datasets_the_curve_is_skipped(tmp_path):
    assert bench_learning(root=tmp_path)["learning_curve"].startswith("skipped: no airline dataset")


def test_the_curve_learns_a_new_domain_in_review_and_random_order(db, mini_corpus):
    rows = shifted_mentions(240, seed=5)
    result = learning_curve(texts=[t for t, _ in rows], labels=[lab for _, lab in rows], ks=(0, 100), log=lambda _: None)
    for order in ("review", "random"):
        curve = result[f"curve_{order}"]
        assert curve[100]["activated"] and curve[100]["macro_f1"] > curve[0]["macro_f1"] + 0.2
        assert 0 <= curve[100]["ece"] <= 1 and result[f"retrain_s_{order}_k100"] > 0
    assert result["curve_split"] == {"train": 120, "test": 120, "seed": 0}
    corrected = Mention.objects.filter(label_corrected_at__isnull=False)
    assert corrected.count() == 100 and corrected.filter(label_corrected_by__username="bench-reviewer").count() == 100
    assert ClassifierModel.objects.filter(note__startswith="bench: random order").count() == 1
