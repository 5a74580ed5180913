"""Training data: the project's own corpus (complaints/corpus/*.jsonl, written for
Écoute) plus every label correction community managers made in the queue."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from complaints.classifier import LABELS
from complaints.classifier.text import normalize
from listening.models import Mention

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    lang: str
    origin: str  # "corpus" or "correction"
    at: datetime | None = None  # when a person last set (or confirmed) a correction's label


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
    force and the time it was last set: correcting it again replaces the earlier label."""
    rows = (Mention.objects.filter(label_corrected_at__isnull=False).exclude(label="")
            .order_by("label_corrected_at", "pk").values_list("title", "text", "label", "language", "label_corrected_at"))
    return [Example(f"{title}\n{text}".strip(), label, language or "", "correction", at)
            for title, text, label, language, at in rows]


def training_examples(corrections: list[Example] | None = None) -> list[Example]:
    """The corpus plus corrections (all of them unless given); a correction replaces a corpus
    example with the same text, and a later correction an earlier one."""
    by_text = {normalize(e.text): e for e in corpus_examples()}
    for correction in correction_examples() if corrections is None else corrections:
        by_text[normalize(correction.text)] = correction
    return list(by_text.values())
