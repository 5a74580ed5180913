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
