"""Decision scores through the compiled loop of _scorer.c, when it is built (scripts/
build_scorer.py; _venv.sh and the Dockerfile run it).

A chunk (a whitespace-separated piece of a mention) is analysed once per worker process.
Most new chunks are plain words ("retard", "2h,", "(déçu)", "encore?!"), which the
compiled module normalizes and tokenizes itself, as features.chunk_normalize and
text.tokens do; features.py analyses the others (emoji, URLs, handles, hashtags,
elisions, ellipses, other scripts) and hands over their words. The compiled table then
cuts the character n-grams, keeps what it found, and scores mentions (split, look up,
count, weight, multiply by the model's coefficients) without a Python object per chunk.
The scores are those of MentionFeatures.blocks with CalibratedLinear.decision_scores
(test_fast_scoring.py checks it); without the compiled module the classifier runs on that
numpy path, about half as fast."""

import logging
import re
from functools import lru_cache

import numpy as np

from complaints.classifier.features import _STORE_LOCK, CACHE_LIMIT, HANDLE_RANGE, MentionFeatures
from complaints.classifier.lexicon import DISSATISFACTION, SATISFACTION
from complaints.classifier.model import CalibratedLinear
from complaints.classifier.text import normalize

LAYOUT = 1  # of _scorer.c's arguments and methods

logger = logging.getLogger(__name__)
try:
    from complaints.classifier import _scorer
except ImportError:  # not compiled on this machine
    _scorer = None
if _scorer is not None and getattr(_scorer, "LAYOUT", None) != LAYOUT:
    logger.warning("The classifier's compiled scoring loop was built from another version of _scorer.c: "
                   "run `python scripts/build_scorer.py`. Classifying on numpy meanwhile, about half as fast.")
    _scorer = None


def compiled_available() -> bool:
    return _scorer is not None


@lru_cache(maxsize=1)
def latin_letters() -> dict[str, str]:
    """The Latin letters (U+0080 to U+024F) that a plain chunk may hold, each with the one
    word character that text.normalize turns it into (lower case, accent folded): "É" → "e",
    "ø" → "ø". Computed with normalize itself, so the compiled module can't disagree."""
    letters = {}
    for code in range(0x80, 0x250):
        letter = chr(code)
        form = normalize(letter)
        if letter.isalpha() and len(form) == 1 and re.fullmatch(r"\w", form) and (ord(form) > 127 or form.isalnum()):
            letters[letter] = form
    return letters


def lexicon_markers() -> dict[str, int]:
    """Lexicon word → 0 (adds _neg_) or 1 (adds _pos_), as lexicon.word_markers decides."""
    return {word: 1 for word in SATISFACTION} | {word: 0 for word in DISSATISFACTION}


class FastScoring:
    def __init__(self, features: MentionFeatures, model: CalibratedLinear):
        handles = "handles_" in features.__dict__  # absent from models trained before the lexicon
        self.features, self.intercept = features, model.intercept_
        self.columns = model.coef_.shape[1]  # one per class and fold (one per fold for two classes)
        self.forms: dict = {}  # normalized form → its word ids, shared by the raw chunks that give it
        self.table = _scorer.Scorer(
            n_words=features.n_words_,
            bigram_keys=np.ascontiguousarray(features.bigram_keys_, dtype=np.int64),
            bigram_ids=np.ascontiguousarray(features.bigram_ids_, dtype=np.int32),
            word_idf=np.ascontiguousarray(features.word_idf_, dtype=np.float32),
            char_idf=np.ascontiguousarray(features.char_idf_, dtype=np.float32),
            handle_idf=np.ascontiguousarray(features.handle_idf_ if handles else [], dtype=np.float32),
            coef=np.ascontiguousarray(model.coef_, dtype=np.float32),
            columns=self.columns,
            handle_weight=float(features.addressee_weight if handles else 0),
            chars=features.chars_, char_range=tuple(features.char_range),
            handles=features.handles_ if handles else {}, handle_range=HANDLE_RANGE,
            words=features.unigrams_, markers=lexicon_markers() if handles else {},
            marker_ids=(features.unigrams_.get("_neg_", -1), features.unigrams_.get("_pos_", -1)),
            latin=latin_letters(),
        )

    @classmethod
    def for_pipeline(cls, features: MentionFeatures, model: CalibratedLinear) -> "FastScoring | None":
        if _scorer is None:
            logger.warning("The classifier's compiled scoring loop is not built (scripts/build_scorer.py needs a C "
                           "compiler): classifying on numpy, about half as fast.")
            return None
        return cls(features, model)

    def decision_scores(self, texts) -> np.ndarray:
        texts = [text if type(text) is str else str(text) for text in texts]
        with _STORE_LOCK:  # see MentionFeatures.blocks: one batch at a time per process
            if len(self.table) > CACHE_LIMIT:
                self.table.clear()
                self.forms.clear()
            new = self.table.add_plain(texts)  # the plain new chunks are analysed in C
            if new:
                forms, word_ids, names = self.features.chunk_words(new, self.forms)
                self.table.add(new, word_ids, forms, [" ".join(chunk_names) for chunk_names in names])
            scores = self.table.scores(texts)
        return np.frombuffer(scores, dtype=np.float64).reshape(len(texts), self.columns) + self.intercept
