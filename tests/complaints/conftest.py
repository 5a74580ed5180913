import shutil
from pathlib import Path

import pytest

from complaints.classifier import corpus, lifecycle

MINI = Path(__file__).parent / "data" / "mini_corpus.jsonl"


@pytest.fixture
def mini_corpus(tmp_path, monkeypatch):
    """A small corpus of our own, so lifecycle tests train in seconds."""
    shutil.copy(MINI, tmp_path / "mini.jsonl")
    monkeypatch.setattr(corpus, "CORPUS_DIR", tmp_path)
    monkeypatch.setattr(corpus.corpus_examples, "__defaults__", (tmp_path,))
    lifecycle._loaded.update(version=None, pipeline=None)
    yield tmp_path
    lifecycle._loaded.update(version=None, pipeline=None)
