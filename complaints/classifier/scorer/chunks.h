/* The chunk table (a chunk's code points → its record) and how a chunk's record is made
 * from its word ids and character and handle n-grams. */

#ifndef ECOUTE_SCORER_CHUNKS_H
#define ECOUTE_SCORER_CHUNKS_H

#include "vocabulary.h"

/* ---- the chunk table ------------------------------------------------------------------ */

static int same_points(const uint32_t *points, int kind, const void *data, Py_ssize_t start, Py_ssize_t length)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *text = (const Py_UCS1 *)data + start;
        for (Py_ssize_t j = 0; j < length; j++)
            if (points[j] != text[j])
                return 0;
        return 1;
    }
    for (Py_ssize_t j = 0; j < length; j++)
        if (points[j] != PyUnicode_READ(kind, data, start + j))
            return 0;
    return 1;
}

/* The slot holding this chunk, or the empty slot where it would go. */
static Slot *slot_for(Scorer *self, uint64_t h, int kind, const void *data, Py_ssize_t start, Py_ssize_t length)
{
    size_t mask = (size_t)self->capacity - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        Slot *slot = &self->slots[i];
        if (slot->record < 0)
            return slot;
        if (slot->hash != h)
            continue;
        Record *record = (Record *)(self->records + slot->record);
        if (record->length == length && same_points(record_points(record, self->columns), kind, data, start, length))
            return slot;
    }
}

static int table_resize(Scorer *self, Py_ssize_t capacity)
{
    Slot *old = self->slots;
    Py_ssize_t old_capacity = self->capacity;
    Slot *slots = PyMem_Malloc((size_t)capacity * sizeof(Slot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < capacity; i++)
        slots[i].record = -1;
    size_t mask = (size_t)capacity - 1;
    for (Py_ssize_t i = 0; i < old_capacity; i++) {
        if (old[i].record < 0)
            continue;
        size_t j = (size_t)old[i].hash & mask;
        while (slots[j].record >= 0)
            j = (j + 1) & mask;
        slots[j] = old[i];
    }
    PyMem_Free(old);
    self->slots = slots;
    self->capacity = capacity;
    return 0;
}

/* Iterates over the whitespace-separated chunks of `text`, as str.split() cuts them. */
#define FOR_EACH_CHUNK(text, kind, data, start, end)                                      \
    for (Py_ssize_t _n = PyUnicode_GET_LENGTH(text), start = 0, end = 0;; start = end) { \
        while (start < _n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))     \
            start++;                                                                    \
        if (start >= _n)                                                                \
            break;                                                                      \
        end = start;                                                                    \
        while (end < _n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end)))        \
            end++;

#define END_FOR_EACH_CHUNK }

static PyObject *texts_sequence(PyObject *texts)
{
    PyObject *sequence = PySequence_Fast(texts, "texts must be a list of str");
    if (sequence == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(sequence);
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(items[i])) {
            PyErr_Format(PyExc_TypeError, "texts[%zd] is %.50s, not str", i, Py_TYPE(items[i])->tp_name);
            Py_DECREF(sequence);
            return NULL;
        }
        if (PyUnicode_GET_LENGTH(items[i]) > INT32_MAX) {
            PyErr_Format(PyExc_ValueError, "texts[%zd] is too long to score", i);
            Py_DECREF(sequence);
            return NULL;
        }
    }
    return sequence;
}

/* ---- adding analysed chunks ----------------------------------------------------------- */

static int reserve_listed(Scorer *self, Py_ssize_t needed)
{
    return grow((void **)&self->listed, &self->listed_capacity, needed, sizeof(int32_t));
}

/* A part's ids (int32 bytes), checked against the vocabulary's size. */
static const int32_t *part_ids(PyObject *part, Py_ssize_t size, int unknown_allowed, Py_ssize_t number,
                               Py_ssize_t *count)
{
    char *bytes;
    Py_ssize_t length;
    if (PyBytes_AsStringAndSize(part, &bytes, &length) < 0)
        return NULL;
    if (length % 4) {
        PyErr_Format(PyExc_ValueError, "part %zd is not int32 ids", number);
        return NULL;
    }
    const int32_t *ids = (const int32_t *)bytes;
    *count = length / 4;
    for (Py_ssize_t i = 0; i < *count; i++)
        if (ids[i] >= size || ids[i] < (unknown_allowed ? -1 : 0)) {
            PyErr_Format(PyExc_ValueError, "part %zd holds id %d, outside the vocabulary", number, (int)ids[i]);
            return NULL;
        }
    return ids;
}

static inline void add_weighted(const Scorer *self, Py_ssize_t feature, double value, double *scores)
{
    const float *coef = self->coef + feature * self->columns;
    for (Py_ssize_t k = 0; k < self->columns; k++)
        scores[k] += value * coef[k];
}

/* A block's distinct ids with their counts, as (id, count) pairs, and the block's sums for
 * this chunk alone; returns how many distinct ids. */
static Py_ssize_t write_pairs(Scorer *self, const Block *block, const int32_t *ids, Py_ssize_t count,
                              int32_t *pairs, float *sums, double *squares)
{
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < count; i++)
        if (self->tally[ids[i]].total++ == 0)
            pairs[2 * distinct++] = ids[i];
    double *accumulator = self->accumulator, total = 0;
    memset(accumulator, 0, (size_t)self->columns * sizeof(double));
    for (Py_ssize_t i = 0; i < distinct; i++) {
        int32_t id = pairs[2 * i], n = self->tally[id].total;
        pairs[2 * i + 1] = n;
        self->tally[id].total = 0;
        double value = g_of(self, n) * block->idf[id];
        total += value * value;
        add_weighted(self, block->offset + id, value, accumulator);
    }
    for (Py_ssize_t k = 0; k < self->columns && sums != NULL; k++)
        sums[k] = (float)accumulator[k];
    *squares = total;
    return distinct;
}

/* Appends to self->found (from `used` on) the known n-gram ids of one word already padded
 * with a space on both sides (scikit-learn's char_wb); returns how many, or -1. An unknown
 * n-gram ends the search from its position when the vocabulary keeps every known n-gram's
 * prefix (so no longer n-gram there can be known). */
static Py_ssize_t cut_word(Scorer *self, const Grams *grams, const uint32_t *padded, Py_ssize_t size, Py_ssize_t used)
{
    if (grow((void **)&self->found, &self->found_capacity, used + (Py_ssize_t)grams->high * size + 1, sizeof(int32_t)) < 0)
        return -1;
    if (size < grams->low) { /* char_wb keeps a short padded word whole */
        GramSlot *slot = gram_slot(grams, points_hash(padded, size), padded, size);
        if (slot->id >= 0)
            self->found[used] = slot->id;
        return slot->id >= 0;
    }
    Py_ssize_t found = 0;
    if (grams->packed != NULL) {
        if (grow((void **)&self->word_digits, &self->word_digits_capacity, size, sizeof(uint32_t)) < 0)
            return -1;
        uint32_t *digits = self->word_digits;
        for (Py_ssize_t i = 0; i < size; i++)
            digits[i] = digit_of(grams, padded[i]);
        for (Py_ssize_t i = 0; i + grams->low <= size; i++) {
            uint64_t key = 0;
            for (Py_ssize_t n = 1; n <= grams->high && i + n <= size && digits[i + n - 1]; n++) {
                key = key * grams->base + digits[i + n - 1]; /* a character in no n-gram ends the search */
                if (n < grams->low)
                    continue;
                int32_t id = packed_id(grams, key);
                if (id >= 0)
                    self->found[used + found++] = id;
                else if (grams->prefix_closed)
                    break;
            }
        }
        return found;
    }
    for (Py_ssize_t i = 0; i + grams->low <= size; i++) {
        uint64_t h = 1469598103934665603ULL;
        for (Py_ssize_t n = 1; n <= grams->high && i + n <= size; n++) {
            h = (h ^ padded[i + n - 1]) * 1099511628211ULL; /* points_hash, one code point further */
            if (n < grams->low)
                continue;
            GramSlot *slot = gram_slot(grams, h ^ (h >> 31), padded + i, n);
            if (slot->id >= 0)
                self->found[used + found++] = slot->id;
            else if (grams->prefix_closed)
                break;
        }
    }
    return found;
}

/* cut_word for each whitespace-separated word of `text`. */
static Py_ssize_t cut_ngrams(Scorer *self, const Grams *grams, PyObject *text, Py_ssize_t used)
{
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "n-gram text must be a str");
        return -1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t found = 0;
    FOR_EACH_CHUNK(text, kind, data, start, end)
        Py_ssize_t size = end - start + 2;
        if (grow((void **)&self->padded, &self->padded_capacity, size, sizeof(uint32_t)) < 0)
            return -1;
        self->padded[0] = self->padded[size - 1] = ' ';
        for (Py_ssize_t j = start; j < end; j++)
            self->padded[j - start + 1] = PyUnicode_READ(kind, data, j);
        Py_ssize_t cut = cut_word(self, grams, self->padded, size, used + found);
        if (cut < 0)
            return -1;
        found += cut;
    END_FOR_EACH_CHUNK
    return found;
}

/* Stores a chunk's record — its word ids, and the n-gram ids in self->found (`counts[CHARS]`
 * character ones, then the handles') — and points the chunk table at it. */
static int store_chunk(Scorer *self, int kind, const void *data, Py_ssize_t start, Py_ssize_t length,
                       const int32_t *word_ids, Py_ssize_t words, const Py_ssize_t counts[BLOCKS])
{
    Py_ssize_t columns = self->columns;
    if (self->rows >= INT32_MAX - 1) {
        PyErr_SetString(PyExc_OverflowError, "too many chunks: clear() the scorer");
        return -1;
    }
    /* Room for every id; the record takes only what its distinct ids need. */
    Py_ssize_t bound = record_size(columns, length, words, counts[CHARS], counts[HANDLES]);
    if (grow((void **)&self->records, &self->records_capacity, self->records_used + bound, 1) < 0)
        return -1;
    Py_ssize_t offset = self->records_used;
    Record *record = (Record *)(self->records + offset);
    memset(record, 0, sizeof(Record));
    record->length = (int32_t)length;
    record->words = (int32_t)words;
    record->ngrams[HANDLES] = counts[HANDLES] > 0; /* settles the layout: handle sums or not */
    uint32_t *points = record_points(record, columns);
    for (Py_ssize_t j = 0; j < length; j++)
        points[j] = PyUnicode_READ(kind, data, start + j);
    memcpy(record_words(record, columns), word_ids, (size_t)words * sizeof(int32_t));
    const int32_t *ids[BLOCKS] = {self->found, self->found + counts[CHARS]};
    for (int b = 0; b < BLOCKS; b++) {
        float *sums = b == CHARS || counts[HANDLES] ? record_sums(record, b, columns) : NULL;
        record->ngrams[b] = (int32_t)write_pairs(self, &self->blocks[b], ids[b], counts[b],
                                                 record_pairs(record, b, columns), sums, &record->squares[b]);
    }
    self->records_used += record_size(columns, length, words, record->ngrams[CHARS], record->ngrams[HANDLES]);
    /* A chunk added twice keeps its latest record. */
    uint64_t h = chunk_hash(kind, data, start, start + length);
    Slot *slot = slot_for(self, h, kind, data, start, length);
    if (slot->record < 0)
        self->filled++;
    slot->hash = h;
    slot->record = offset;
    self->rows++;
    if (self->filled * 2 > self->capacity && table_resize(self, self->capacity * 2) < 0)
        return -1;
    return 0;
}

#endif
