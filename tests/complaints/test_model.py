"""The stacked linear model gives CalibratedClassifierCV's probabilities."""

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC

from complaints.classifier.features import MentionFeatures
from complaints.classifier.model import CalibratedLinear

TEXTS = ["panne encore, inadmissible", "still no refund, awful", "comment payer ma facture ?", "how do I reset it?",
         "merci, au top", "great support, thanks", "offre d'emploi à Lyon", "contest: win a phone"]


@pytest.mark.parametrize("labels", [
    ["complaint", "complaint", "question", "question", "praise", "praise", "other", "other"],
    ["complaint", "complaint", "other", "other", "other", "other", "other", "other"],
])
def test_probabilities_equal_calibrated_classifier_cv(labels):
    texts, labels = TEXTS * 4, np.array(labels * 4)
    X = MentionFeatures(char_min_df=1).fit_transform(texts)
    np.random.seed(3)
    reference = CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced"), method="sigmoid", cv=3).fit(X, labels)
    np.random.seed(3)
    ours = CalibratedLinear(C=0.5).fit(X, labels)
    assert list(ours.classes_) == list(reference.classes_)
    assert np.allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-5)


def test_scoring_the_feature_blocks_one_by_one_equals_scoring_the_stacked_matrix():
    labels = np.array(["complaint", "complaint", "question", "question", "praise", "praise", "other", "other"] * 4)
    features = MentionFeatures(char_min_df=1).fit(TEXTS * 4)
    model = CalibratedLinear(C=0.5).fit(features.transform(TEXTS * 4), labels)
    unseen = ["@Lumio toujours en panne", "merci @sam_92 !", "how much is it?"]
    blocks = features.blocks(unseen)
    assert len(blocks) == 3 and sum(block.shape[1] for block in blocks) == features.transform(unseen).shape[1]
    assert np.allclose(model.predict_proba(blocks), model.predict_proba(features.transform(unseen)), atol=1e-6)
