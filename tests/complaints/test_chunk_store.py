"""The store of analysed chunks gives back exactly the ids it was given, however far it grew."""

import random

import numpy as np

from complaints.classifier.chunk_store import ChunkStore, IdTable


def _rows(count, seed=0):
    rng = random.Random(seed)
    return [[rng.randrange(50) for _ in range(rng.randrange(0, 12))] for _ in range(count)]


def test_rows_come_back_in_order_after_the_tables_grew():
    table, rows = IdTable(), _rows(6_000)  # past the first capacities (4,096 rows, 16,384 ids)
    for start in range(0, len(rows), 1_000):
        table.append([np.array(row, dtype=np.int32).tobytes() for row in rows[start:start + 1_000]])
    sequence = np.array([5, 5_999, 0, 4_242, 5], dtype=np.int64)
    ids, documents = table.gather(sequence, np.array([0, 0, 1, 2, 2]))
    assert ids.tolist() == rows[5] + rows[5_999] + rows[0] + rows[4_242] + rows[5]
    expected_documents = [0] * (len(rows[5]) + len(rows[5_999])) + [1] * len(rows[0]) + [2] * (len(rows[4_242]) + len(rows[5]))
    assert documents.tolist() == expected_documents


def test_counts_hold_one_per_id_of_each_row():
    table, rows = IdTable(), _rows(300, seed=1)
    table.append([np.array(row, dtype=np.int32).tobytes() for row in rows])
    dense = table.counts(50).toarray()
    assert dense.shape == (300, 50)
    for number, row in enumerate(rows):
        assert dense[number].tolist() == np.bincount(row, minlength=50).tolist()


def test_chunks_get_rows_in_the_order_they_were_added():
    store = ChunkStore()
    store.add(["merci", "@Lumio"], [(b"\x01\x00\x00\x00", b"", b""), (b"", b"\x02\x00\x00\x00", b"\x03\x00\x00\x00")])
    store.add(["retard"], [(b"", b"", b"")])
    assert store.rows == {"merci": 0, "@Lumio": 1, "retard": 2} and len(store) == 3
    assert store.handles.gather(np.array([1]), np.array([0]))[0].tolist() == [3]
