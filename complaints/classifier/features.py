"""Word 1–2-grams, character 2–5-grams and the addressee's handle (TF-IDF) computed in one
pass, fast enough for tens of thousands of mentions per second in one process.

Every normalization step works inside a whitespace-separated chunk of the raw text (URLs,
handles, hashtags, elisions, elongations, punctuation runs never span a space), so a
mention's features are the concatenation of its chunks' features. Chunks repeat a lot from
one mention to the next ("la", "livraison", "@Lumio", "!!"), so each chunk is analysed once
and its feature ids are kept (chunk_store.py); a mention then costs a split and a dictionary
lookup per chunk. The chunks a batch brings for the first time are analysed together, their
character n-grams looked up with numpy (ngram_index.py). Workers classify through the
compiled loop of fast_scoring.py, which takes chunk_words() from here and gives the same
scores; transform() and blocks() are the reference, and what training uses.

The features are the ones scikit-learn's TfidfVectorizer would give with a word analyzer
and `analyzer="char_wb"` on the normalized text (sublinear tf, smoothed idf, each block
L2-normalized), so the model sees the same thing, only sooner.

Two additions (models trained before them have neither, and are read as they were trained):
- the word tokens are followed by the markers of lexicon.py (_neg_, _pos_, _support_);
- a third block holds the character 2–5-grams of the mention's @handles, scaled by
  `addressee_weight`. Who a mention is written to says a lot about it: the brand's care
  account gets problems and questions, its main account praise and news, a friend's handle
  chatter. The block is kept apart (and light) so that brand names don't drown the words:
  measured on the project corpus, handles mixed into the word block cost 0.01 macro-F1."""

import re
import threading
from array import array
from collections import Counter
from functools import lru_cache
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

from complaints.classifier.chunk_store import ChunkStore
from complaints.classifier.lexicon import addressees, word_markers
from complaints.classifier.ngram_index import NgramIndex
from complaints.classifier.text import merge_elongations, normalize, tokens

HANDLE_RANGE = (2, 5)  # character n-grams of an @handle
CACHE_LIMIT = 100_000  # raw chunks kept per process; the store starts afresh past it
_KNOWN = (-1).__ne__
_STORE_LOCK = threading.Lock()
_PER_PROCESS = ("_store", "_indexes")  # built from the vocabulary in each process, never pickled


@lru_cache(maxsize=512)
def _spans(size: int, low: int, high: int) -> tuple[slice, ...]:
    """The slices that cut a padded word of this length into its n-grams."""
    if size < low:
        return (slice(0, size),)
    return tuple(slice(i, i + n) for n in range(low, min(high, size) + 1) for i in range(size - n + 1))


def char_ngrams(words: list[str], low: int, high: int) -> list[str]:
    """Character n-grams inside each word padded with spaces, as scikit-learn's char_wb."""
    grams = []
    for word in words:
        padded = f" {word} "
        grams += map(padded.__getitem__, _spans(len(padded), low, high))
    return grams


# A chunk made only of these, with no "..", comes out of normalize() lower-cased with its
# elongations merged and nothing else changed (no URL, handle, hashtag, elision, ! or ?).
_LINK_STARTS = ("http://", "https://", "www.")
_PLAIN = re.compile(r"[A-Za-z0-9,;:()\-]+(?:\.[A-Za-z0-9,;:()\-]+)*\.?")


def chunk_normalize(chunk: str) -> str:
    """normalize() of one chunk, with shortcuts for the common plain ASCII word and for a
    chunk that is a link (a URL runs to the end of its chunk)."""
    if chunk.isascii():
        lowered = chunk.lower()
        if chunk.isalnum() or (_PLAIN.fullmatch(chunk) and "www." not in lowered):
            return merge_elongations(lowered)
    start = chunk[:8].lower()
    if any(start.startswith(prefix) and len(chunk) > len(prefix) for prefix in _LINK_STARTS):
        return " _url_ "
    return normalize(chunk)


def chunk_analysis(normalized: str, low: int, high: int) -> tuple[list[str], list[str]]:
    """(word tokens, character n-grams) of one normalized chunk of raw text."""
    return tokens(normalized), char_ngrams(normalized.split(), low, high)


class MentionFeatures:
    """Raw mention texts → a sparse matrix [word TF-IDF | character TF-IDF | handles TF-IDF × weight]."""

    def __init__(self, char_range=(2, 5), char_min_df=4, max_char_features=150_000, word_min_df=2,
                 addressee_weight=0.3, handle_min_df=2):
        self.char_range = char_range
        self.char_min_df = char_min_df
        self.max_char_features = max_char_features
        self.word_min_df = word_min_df
        self.addressee_weight = addressee_weight
        self.handle_min_df = handle_min_df

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, texts, y=None):
        for private in _PER_PROCESS:  # built for the previous vocabulary
            self.__dict__.pop(private, None)
        low, high = self.char_range
        analysed: dict[str, tuple[list[str], list[str], list[str]]] = {}
        word_df, word_tf, char_df, char_tf, handle_df = Counter(), Counter(), Counter(), Counter(), Counter()
        for text in texts:
            words, grams, addressed = [], [], []
            for chunk in str(text).split():
                entry = analysed.get(chunk)
                if entry is None:
                    found, chunk_grams = chunk_analysis(chunk_normalize(chunk), low, high)
                    support, names = addressees(chunk)
                    entry = analysed[chunk] = (found + word_markers(found) + support, chunk_grams,
                                               char_ngrams(names, *HANDLE_RANGE))
                words += entry[0]
                grams += entry[1]
                addressed += entry[2]
            terms = words + [f"{a} {b}" for a, b in zip(words, words[1:])]
            word_tf.update(terms)
            word_df.update(set(terms))
            char_tf.update(grams)
            char_df.update(set(grams))
            handle_df.update(set(addressed))
        documents = len(texts)
        word_terms = sorted(t for t, df in word_df.items() if df >= self.word_min_df)
        char_terms = sorted((t for t, df in char_df.items() if df >= self.char_min_df), key=lambda t: (-char_tf[t], t))
        char_terms = sorted(char_terms[:self.max_char_features])
        self.unigrams_ = {t: i for i, t in enumerate(word_terms) if " " not in t}
        pairs = [(i, *term.split(" ", 1)) for i, term in enumerate(word_terms) if " " in term]
        keys = np.array([self.unigrams_[a] * len(word_terms) + self.unigrams_[b] for _, a, b in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self.bigram_keys_ = keys[order]
        self.bigram_ids_ = np.array([i for i, _, _ in pairs], dtype=np.int32)[order]
        self.n_words_ = len(word_terms)
        self.chars_ = {t: i for i, t in enumerate(char_terms)}
        smooth = lambda dfs: (np.log((1 + documents) / (1 + np.asarray(dfs, dtype=np.float64))) + 1).astype(np.float32)  # noqa: E731
        self.word_idf_ = smooth([word_df[t] for t in word_terms])
        self.char_idf_ = smooth([char_df[t] for t in char_terms])
        handle_terms = sorted(t for t, df in handle_df.items() if df >= self.handle_min_df)
        self.handles_ = {t: i for i, t in enumerate(handle_terms)}
        self.handle_idf_ = smooth([handle_df[t] for t in handle_terms])
        return self

    def fit_transform(self, texts, y=None):
        return self.fit(texts).transform(texts)

    # -- transforming ----------------------------------------------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        for private in _PER_PROCESS:
            state.pop(private, None)
        return state

    def _ngram_ids(self, vocabulary_name: str, span: tuple[int, int], groups: list[list[str]]) -> list[bytes]:
        """The known n-gram ids of each group of words (see ngram_index.py); the index is
        built once per process, and the one-by-one lookup stays for a vocabulary it can't hold."""
        if not groups:
            return []
        indexes, vocabulary = self.__dict__.setdefault("_indexes", {}), getattr(self, vocabulary_name)
        if vocabulary_name not in indexes:
            indexes[vocabulary_name] = NgramIndex(vocabulary, span) if NgramIndex.usable(vocabulary, span) else None
        index = indexes[vocabulary_name]
        if index is None:
            return [_known_ngrams(words, vocabulary, span) for words in groups]
        return index.ids_of(groups)

    def chunk_words(self, chunks: list[str], forms: dict) -> tuple[list[str], list[bytes], list[list[str]]]:
        """Each new chunk's normalized form, its word ids as int32 bytes (-1 when unknown) and
        the @handles it is addressed to. A form's word ids are kept in `forms` for the other
        raw chunks that share it; the handles depend on the raw chunk."""
        lexicon = "handles_" in self.__dict__  # absent from models trained before the lexicon
        normalized = list(map(chunk_normalize, chunks))
        for form in dict.fromkeys(normalized):
            if form not in forms:
                found = [form] if form.isalnum() else tokens(form)  # a lone word is its own token
                words = found + word_markers(found) if lexicon else found
                forms[form] = array("i", map(self.unigrams_.get, words, repeat(-1))).tobytes()
        word_ids = list(map(forms.__getitem__, normalized))
        names: list[list[str]] = [[] for _ in chunks]
        for number, chunk in enumerate(chunks):
            if lexicon and "@" in chunk:
                support, names[number] = addressees(chunk)
                word_ids[number] += array("i", map(self.unigrams_.get, support, repeat(-1))).tobytes()
        return normalized, word_ids, names

    def _parts(self, chunks: list[str], store: ChunkStore) -> list[tuple[bytes, bytes, bytes]]:
        """Each new chunk's word ids, character n-gram ids and handle n-gram ids, as int32
        bytes. A form's n-grams are kept in the store; new forms are cut all together."""
        normalized, word_ids, names = self.chunk_words(chunks, store.forms)
        fresh = [form for form in dict.fromkeys(normalized) if form not in store.form_grams]
        store.form_grams.update(zip(fresh, self._ngram_ids("chars_", self.char_range, [f.split() for f in fresh])))
        addressed = [number for number, chunk_names in enumerate(names) if chunk_names]
        handle_grams = dict(zip(addressed, self._ngram_ids("handles_", HANDLE_RANGE, [names[n] for n in addressed])))
        return [(word_ids[n], store.form_grams[form], handle_grams.get(n, b"")) for n, form in enumerate(normalized)]

    def transform(self, texts):
        return sp.hstack(self.blocks(texts), format="csr")

    def blocks(self, texts) -> list[sp.csr_matrix]:
        """The feature matrix's column blocks (words, characters, handles), unstacked: a model
        can score each against its share of the weights and skip the copy into one matrix.
        One batch at a time per process: the store hands out row numbers as it grows, so two
        threads (a threaded dev server running tasks inline) must not add chunks at once."""
        with _STORE_LOCK:
            return self._blocks(texts)

    def _blocks(self, texts) -> list[sp.csr_matrix]:
        store = self.__dict__.get("_store")
        if store is None or len(store) > CACHE_LIMIT:
            store = self.__dict__["_store"] = ChunkStore()
        # A batch is the sequence of its chunks' rows in the store; new chunks are added first.
        split = [str(text).split() for text in texts]
        flat = list(chain.from_iterable(split))
        sequence = list(map(store.rows.get, flat))
        if None in sequence:
            missing = [number for number, row in enumerate(sequence) if row is None]
            new = list(dict.fromkeys(map(flat.__getitem__, missing)))
            store.add(new, self._parts(new, store))
            for number in missing:
                sequence[number] = store.rows[flat[number]]
        chunk_ptr = np.concatenate([[0], np.cumsum(np.fromiter(map(len, split), dtype=np.int64, count=len(split)))])
        sequence = np.asarray(sequence, dtype=np.int64)
        documents = np.repeat(np.arange(len(chunk_ptr) - 1), np.diff(chunk_ptr))
        words, word_docs = store.words.gather(sequence, documents)
        # Bigrams: consecutive known words of the same mention, looked up in the sorted keys.
        follows = (word_docs[:-1] == word_docs[1:]) & (words[:-1] >= 0) & (words[1:] >= 0)
        keys = words[:-1][follows].astype(np.int64) * self.n_words_ + words[1:][follows]
        found = np.searchsorted(self.bigram_keys_, keys)
        found[found == len(self.bigram_keys_)] = 0
        hit = self.bigram_keys_[found] == keys if len(self.bigram_keys_) else np.zeros(len(keys), dtype=bool)
        known = words >= 0
        word_columns = np.concatenate([words[known], self.bigram_ids_[found[hit]]])
        word_rows = np.concatenate([word_docs[known], word_docs[:-1][follows][hit]])
        rows = len(chunk_ptr) - 1
        word_counts = sp.csr_matrix((np.ones(len(word_rows), dtype=np.float32), (word_rows, word_columns)),
                                    shape=(rows, self.n_words_))
        # Character n-grams: (mentions × chunks) @ (chunks × n-grams) sums the counts without a sort.
        by_chunk = store.chars.counts(len(self.chars_))
        by_mention = sp.csr_matrix((np.ones(len(sequence), dtype=np.float32), sequence, chunk_ptr),
                                   shape=(rows, len(store)))
        blocks = [_tfidf(word_counts, self.word_idf_), _tfidf(by_mention @ by_chunk, self.char_idf_)]
        if "handles_" in self.__dict__:
            by_chunk = store.handles.counts(len(self.handles_))
            handle_block = _tfidf(by_mention @ by_chunk, self.handle_idf_)
            handle_block.data *= np.float32(self.addressee_weight)
            blocks.append(handle_block)
        return blocks


def _known_ngrams(words: list[str], vocabulary: dict, span: tuple[int, int]) -> bytes:
    """The ids of the known character n-grams of these words (padded as char_wb), as int32
    bytes: n-grams looked up as they are cut, unknown ones dropped."""
    ids, lookup = array("i"), vocabulary.get
    for word in words:
        padded = f" {word} "
        ids.extend(filter(_KNOWN, map(lookup, map(padded.__getitem__, _spans(len(padded), *span)), repeat(-1))))
    return ids.tobytes()


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear term frequency × idf, each row L2-normalized (as TfidfVectorizer)."""
    data = counts.data
    np.log(data, out=data)
    data += 1
    data *= idf[counts.indices]
    per_row = np.diff(counts.indptr)
    # Row sums of squares; reduceat reads one element for an empty row, hence the padding and the mask.
    norms = np.sqrt(np.add.reduceat(np.append(data * data, np.float32(0)), counts.indptr[:-1]))
    norms[(per_row == 0) | (norms == 0)] = 1
    data /= np.repeat(norms, per_row).astype(np.float32)
    return counts
