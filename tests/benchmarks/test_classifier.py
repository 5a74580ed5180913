"""`bench classifier` scores a held-out file kept outside the project, and says plainly what
is wrong with one it can't read."""

import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from sklearn.metrics import f1_score

from benchmarks.classifier import HeldoutError, heldout_scores
from complaints.classifier import LABELS
from complaints.classifier.corpus import corpus_examples
from complaints.classifier.pipeline import build_pipeline
from tests.complaints.conftest import MINI

HELDOUT = [
    {"text": "Encore une coupure d'électricité ce matin, inadmissible", "label": "complaint", "lang": "fr"},
    {"text": "Vous livrez le dimanche à Rennes ?", "label": "question", "lang": "fr"},
    {"text": "Merci à la conseillère, problème réglé en 5 min 🙏", "label": "praise", "lang": "fr"},
    {"text": "Jeu concours : gagnez deux places pour le match", "label": "other", "lang": "fr"},
    {"text": "@ParcelGo_Help my parcel is lost AGAIN, useless", "label": "complaint", "lang": "en"},
    {"text": "Do you ship to Ireland?", "label": "question", "lang": "en"},
    {"text": "Loved the new menu, staff were lovely", "label": "praise", "lang": "en"},
    {"text": "We're hiring a store manager in Leeds", "label": "other", "lang": "en"},
]


@pytest.fixture(scope="module")
def pipeline():
    examples = corpus_examples(MINI.parent)
    return build_pipeline().fit([e.text for e in examples], [e.label for e in examples])


def _write(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n",
                    encoding="utf-8")
    return path


def test_a_heldout_file_is_scored_overall_and_per_language(pipeline, tmp_path):
    result = heldout_scores(pipeline, _write(tmp_path / "heldout.jsonl", HELDOUT))
    predicted = pipeline.predict([r["text"] for r in HELDOUT])
    labels = [r["label"] for r in HELDOUT]
    french = slice(0, 4)
    assert result["heldout_mentions"] == 8
    assert result["heldout_macro_f1"] == round(f1_score(labels, predicted, labels=list(LABELS), average="macro",
                                                        zero_division=0), 4)
    assert result["heldout_by_language"]["fr"] == round(f1_score(
        labels[french], np.asarray(predicted)[french], labels=list(LABELS), average="macro", zero_division=0), 4)
    assert result["heldout_fr_minus_en"] == round(result["heldout_by_language"]["fr"]
                                                   - result["heldout_by_language"]["en"], 4)


@pytest.mark.parametrize("bad, message", [
    ("not json", "line 2: not a JSON object with text and label"),
    (json.dumps({"label": "complaint"}), "line 2: not a JSON object"),
    (json.dumps({"text": "hello", "label": "angry"}), "line 2: label 'angry' is not one of complaint"),
])
def test_a_bad_heldout_line_is_named_by_its_number(pipeline, tmp_path, bad, message):
    with pytest.raises(HeldoutError, match=message):
        heldout_scores(pipeline, _write(tmp_path / "heldout.jsonl", [HELDOUT[0], bad]))


def test_the_command_says_when_the_heldout_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="No held-out file at"):
        call_command("bench", "classifier", "--heldout", str(tmp_path / "absent.jsonl"))


def test_throughput_is_measured_on_the_compiled_loop_and_on_numpy_alone(pipeline):
    from benchmarks.classifier import _throughput

    texts = [f"{e.text} #{n}" for n, e in enumerate(corpus_examples(MINI.parent) * 3)]
    result = _throughput(pipeline, texts, warm_up=40, batch=25)
    assert result["scorer"] == "compiled" and result["throughput_mentions"] == len(set(texts)) - 40
    assert result["mentions_per_s"] > 0 and result["mentions_per_s_numpy"] > 0 and result["compiled_over_numpy"] > 0
    assert "_fast" not in pipeline.__dict__  # the measured cache is not left behind
