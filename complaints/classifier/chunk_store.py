"""What a worker process remembers of the chunks it has analysed: one row per raw chunk, in
three tables of ids laid end to end (word ids, character n-gram ids, handle n-gram ids), as
a CSR matrix keeps its column indices. A batch of mentions is then a sequence of row
numbers, and its features are gathered from the tables with a few numpy calls, however
many mentions and chunks it holds."""

import numpy as np
import scipy.sparse as sp


class IdTable:
    """Rows of int32 ids stored end to end, growing as rows are added."""

    def __init__(self):
        self.ids = np.empty(1 << 14, dtype=np.int32)
        self.ptr = np.zeros(1 << 12, dtype=np.int32)  # row r holds ids[ptr[r]:ptr[r + 1]]; int32 as scipy wants
        self.ones = np.ones(0, dtype=np.float32)
        self.rows = 0

    def append(self, parts: list[bytes]) -> None:
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) // 4
        new = np.frombuffer(b"".join(parts), dtype=np.int32)
        end = int(self.ptr[self.rows])
        if end + len(new) > len(self.ids):
            self.ids = np.resize(self.ids, max(2 * len(self.ids), end + len(new)))
        if self.rows + len(parts) + 1 > len(self.ptr):
            self.ptr = np.resize(self.ptr, max(2 * len(self.ptr), self.rows + len(parts) + 1))
        self.ids[end:end + len(new)] = new
        self.ptr[self.rows + 1:self.rows + 1 + len(parts)] = end + np.cumsum(lengths)
        self.rows += len(parts)

    def gather(self, sequence: np.ndarray, documents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ids of each row in `sequence`, concatenated in order, with the document each
        occurrence belongs to."""
        starts, counts = self.ptr[sequence], self.ptr[sequence + 1] - self.ptr[sequence]
        total = int(counts.sum())
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return self.ids[offsets + np.arange(total)], np.repeat(documents, counts)

    def counts(self, columns: int) -> sp.csr_matrix:
        """(rows × columns) counts: one per id of each row."""
        used = int(self.ptr[self.rows])
        if len(self.ones) < used:
            self.ones = np.ones(max(2 * len(self.ones), used), dtype=np.float32)
        return sp.csr_matrix((self.ones[:used], self.ids[:used], self.ptr[:self.rows + 1]), shape=(self.rows, columns))


class ChunkStore:
    """Raw chunks → row numbers, the three tables, and the normalized forms' word and
    character n-gram ids (many raw chunks share a form: "Merci" and "merci", every URL,
    every @handle)."""

    def __init__(self):
        self.rows: dict[str, int] = {}
        self.forms: dict[str, bytes] = {}  # normalized form → word ids
        self.form_grams: dict[str, bytes] = {}  # normalized form → character n-gram ids
        self.words, self.chars, self.handles = IdTable(), IdTable(), IdTable()

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, chunks: list[str], parts: list[tuple[bytes, bytes, bytes]]) -> None:
        self.rows.update(zip(chunks, range(len(self.rows), len(self.rows) + len(chunks))))
        for number, table in enumerate((self.words, self.chars, self.handles)):
            table.append([part[number] for part in parts])
