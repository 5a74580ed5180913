"""Training data: the project's own corpus (complaints/corpus/*.jsonl, written for
Écoute) plus every label correction community managers made in the queue."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db.models import OuterRef, Subquery

from complaints.classifier import LABELS
from complaints.classifier.text import normalize
from listening.choices import EventKind
from listening.models import Mention, MentionEvent

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    lang: str
    origin: str  # "corpus" or "correction"
    at: datetime | None = None  # when a person last set (or confirmed) a correction's label
    spot_check: bool = False  # the mention was drawn at random in "Check these", not for being unsure
    unsure: bool = False  # "Check these" showed it for being among the active version's least sure


def corpus_examples(directory: Path = CORPUS_DIR) -> list[Example]:
    examples = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in LABELS or not str(row.get("text", "")).strip():
                raise ValueError(f"{path.name} line {number}: needs a text and one of {', '.join(LABELS)}")
            examples.append(Example(row["text"], row["label"], row.get("lang", ""), "corpus"))
    return examples


def correction_examples() -> list[Example]:
    """Corrections and confirmations, oldest first. A mention counts once, with the label in
    force and the time it was last set: correcting it again replaces the earlier label — and
    how it was asked (a spot check, one of the least sure in "Check these") is that last answer's."""
    answers = MentionEvent.objects.filter(mention=OuterRef("pk"), kind=EventKind.LABEL_CORRECTED).order_by("-at", "-pk")
    rows = (Mention.objects.filter(label_corrected_at__isnull=False).exclude(label="")
            .annotate(spot_check=Subquery(answers.values("data__spot_check")[:1]),
                      unsure=Subquery(answers.values("data__unsure")[:1]))
            .order_by("label_corrected_at", "pk")
            .values_list("title", "text", "label", "language", "label_corrected_at", "spot_check", "unsure"))
    return [Example(f"{title}\n{text}".strip(), label, language or "", "correction", at, spot_check is True,
                    unsure is True)
            for title, text, label, language, at, spot_check, unsure in rows]


def training_examples(corrections: list[Example] | None = None) -> list[Example]:
    """The corpus plus corrections (all of them unless given); a correction replaces a corpus
    example with the same text, and a later correction an earlier one."""
    by_text = {normalize(e.text): e for e in corpus_examples()}
    for correction in correction_examples() if corrections is None else corrections:
        by_text[normalize(correction.text)] = correction
    return list(by_text.values())
