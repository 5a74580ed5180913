"""Character n-gram ids of many words at once, with numpy instead of one dictionary lookup
per n-gram.

A mention stream keeps bringing words the worker has never seen (names, typos, numbers),
and cutting each into its 2–5-grams and looking them up one by one was most of the time
spent on a new mention. Here every character of the vocabulary gets a digit (1…A), an
n-gram becomes the number its digits spell in base A + 1 (exact, no hashing: different
n-grams get different numbers, whatever their length), and all the n-grams of a batch of
words are looked up together in the sorted numbers of the vocabulary.

The n-grams are scikit-learn's char_wb ones (each word padded with a space on both sides,
no n-gram across words), as features.char_ngrams cuts them."""

import numpy as np

_INT64_LIMIT = 2**63 - 1


class NgramIndex:
    def __init__(self, vocabulary: dict[str, int], span: tuple[int, int]):
        self.low, self.high = span
        alphabet = sorted({ord(c) for term in vocabulary for c in term} | {ord(" ")})
        self.base = len(alphabet) + 1
        self.alphabet = np.array(alphabet, dtype=np.uint32)
        digit = {chr(point): number for number, point in enumerate(alphabet, 1)}
        codes = {}
        for term, term_id in vocabulary.items():
            code = 0
            for c in term:
                code = code * self.base + digit[c]
            codes[code] = term_id
        order = sorted(codes)
        self.codes = np.array(order, dtype=np.int64)
        self.ids = np.array([codes[c] for c in order], dtype=np.int32)
        # Cut by document frequency and then by count, a vocabulary keeps the prefix of every
        # n-gram it keeps (the prefix is in at least as many documents, as often, and sorts
        # first on ties), so a window whose n-gram is unknown can stop growing. Checked, not assumed.
        self.prefix_closed = all(term[:-1] in vocabulary for term in vocabulary if len(term) > self.low)

    @classmethod
    def usable(cls, vocabulary: dict[str, int], span: tuple[int, int]) -> bool:
        """Whether the numbers fit in 64 bits and every padded word is at least `low` long
        (char_wb treats a word shorter than `low` apart)."""
        letters = len({c for term in vocabulary for c in term} | {" "})
        return span[0] <= 3 and (letters + 1) ** span[1] <= _INT64_LIMIT

    def ids_of(self, groups: list[list[str]]) -> list[bytes]:
        """For each group of words, the ids of its known n-grams as int32 bytes (in no
        particular order: they are counted, not read in sequence)."""
        padded = [f" {word} " for words in groups for word in words]
        if not padded or not len(self.codes):
            return [b""] * len(groups)
        # One code point per character, a lone surrogate included (str indexing counts it as one).
        points = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        ends = np.repeat(np.cumsum(lengths), lengths)  # where each position's word ends
        group_of_word = np.repeat(np.arange(len(groups)), np.fromiter(map(len, groups), dtype=np.int64, count=len(groups)))
        group_of = np.repeat(group_of_word, lengths)
        found = np.minimum(np.searchsorted(self.alphabet, points), len(self.alphabet) - 1)
        digits = np.where(self.alphabet[found] == points, found + 1, 0).astype(np.int64)
        starts = np.flatnonzero(digits)  # windows not yet ruled out, by their first position
        code = digits[starts]
        hit_ids, hit_groups = [], []
        for n in range(1, self.high + 1):
            if n > 1:  # extend each window by one character, inside its word
                fits = starts + n <= ends[starts]
                starts, code = starts[fits], code[fits]
                following = digits[starts + n - 1]
                code = code * self.base + following
                starts, code = starts[following > 0], code[following > 0]
            if n < self.low:
                continue
            where = np.minimum(np.searchsorted(self.codes, code), len(self.codes) - 1)
            hit = self.codes[where] == code
            hit_ids.append(self.ids[where[hit]])
            hit_groups.append(group_of[starts[hit]])
            if self.prefix_closed:  # an unknown n-gram has no known extension
                starts, code = starts[hit], code[hit]
        ids, owners = np.concatenate(hit_ids), np.concatenate(hit_groups)
        order = np.argsort(owners, kind="stable")
        data = ids[order].tobytes()
        bounds = np.concatenate([[0], np.cumsum(np.bincount(owners, minlength=len(groups)))]) * 4
        return [data[start:end] for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
