/* The classifier's hot loop in C: mentions → the linear model's decision scores, for the
 * chunks (whitespace-separated pieces of raw text) this process has already analysed.
 *
 * Python still analyses every new chunk (normalization, tokens, n-gram ids: features.py);
 * this module keeps what it found, one row per raw chunk, in a hash table keyed by the
 * chunk's code points. A mention is then scored without a Python string per chunk or a
 * sparse matrix per batch: split on whitespace (str.split()'s test), look up each chunk,
 * and weight its ids as features.py does — sublinear tf × idf, each block L2-normalized,
 * the handles' block scaled — times the model's coefficients.
 *
 * The character and handle n-gram blocks hold hundreds of ids per mention, and reading
 * each one's coefficients was most of the time. So each row also keeps, computed once when
 * it is added, the sum over its n-grams of g(n) × idf × coefficients (g(n) = 1 + ln n, n the
 * count in the chunk) and of (g(n) × idf)². A mention's block is the sum of its rows' sums,
 * corrected only for the n-grams found in more than one of its chunks, whose count is the
 * total: for those, g(total) replaces the rows' g(n). Exact, up to rounding.
 *
 * The numbers are features.py's and model.py's (test_fast_scoring.py checks them against
 * that path), computed in double instead of float32. The GIL is held throughout: calls from
 * two threads run one after the other. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t hash;
    int64_t record; /* offset of the chunk's record in `records`; -1: empty slot */
} Slot;

enum { CHARS, HANDLES, BLOCKS }; /* the n-gram blocks; words are apart (order matters for bigrams) */

/* A chunk's record, laid end to end with the others in `records` (8-byte aligned), so that
 * scoring a chunk reads one stretch of memory: this head, then the n-gram blocks' sums
 * (`columns` floats per block, the handles' only when the chunk has handle n-grams), the
 * chunk's code points, its word ids (-1 unknown) and each block's (id, count) pairs. */
typedef struct {
    int32_t length, words, ngrams[BLOCKS];
    double squares[BLOCKS]; /* the sum of (g(n) × idf)² over the block's n-grams */
} Record;

typedef struct {
    uint64_t hash;
    int32_t start, length, id; /* the n-gram's code points in `points`; id -1: empty slot */
} GramSlot;

typedef struct {
    uint64_t key; /* 0: empty slot */
    int32_t id;
} PackedSlot;

/* An n-gram vocabulary: code points → id, as features.py's dictionaries. A character
 * n-gram vocabulary is also packed, as ngram_index.py does it: each of its characters gets
 * a digit (1…A) and an n-gram is the number its digits spell in base A + 1, exact whatever
 * its length, so a lookup is one probe of a small table, with no characters to compare. */
typedef struct {
    GramSlot *slots;
    Py_ssize_t capacity;
    uint32_t *points;
    Py_ssize_t points_used, points_capacity;
    int low, high;     /* n-gram lengths, as char_wb's ngram_range */
    int prefix_closed; /* every known n-gram longer than `low` has its prefix known */
    PackedSlot *packed; /* NULL when the numbers wouldn't fit in 63 bits */
    Py_ssize_t packed_capacity;
    uint64_t base;
    uint16_t *digits;   /* code point below 0x10000 → digit, 0 when in no n-gram */
    uint32_t *astral;   /* the alphabet's code points from 0x10000 on, sorted; their digits follow */
    Py_ssize_t astral_count, bmp_count;
} Grams;

typedef struct {
    float *idf;
    Py_ssize_t size, offset; /* its vocabulary's size; its first row in coef */
    double weight;
    Grams grams;
} Block;

typedef struct {
    int32_t total, rows; /* in the mention being scored: the id's count, and in how many of its chunks */
} Tally;

typedef struct {
    double g, g2; /* for an id in several chunks: the sum of the chunks' g(n) and g(n)² */
} Repeat;

typedef struct {
    int64_t key; /* -1: empty slot */
    int32_t id;
} BigramSlot;

#define G_TABLE 256
#define LATIN_END 0x250 /* Latin-1 Supplement and Latin Extended-A/B end here */

typedef struct {
    PyObject_HEAD
    Slot *slots;
    Py_ssize_t capacity, filled;
    char *records;
    Py_ssize_t records_used, records_capacity, rows;
    /* the model */
    Py_ssize_t n_words, columns;
    BigramSlot *bigrams; /* open addressing on first word × n_words + second word */
    Py_ssize_t bigram_capacity;
    float *word_idf;
    Block blocks[BLOCKS];
    Grams words, markers; /* unigram → id; lexicon word → 0 (dissatisfaction) or 1 (satisfaction) */
    int32_t marker_ids[2];
    uint32_t latin[LATIN_END]; /* a Latin letter → its normalized form (one letter); 0: left to Python */
    float *coef; /* (words + chars + handles) × columns, row-major */
    double g[G_TABLE];
    /* scratch, reused from mention to mention; tallies are zero between uses */
    Tally *tally;
    Repeat *repeat;
    int32_t *listed, *found, *word_scratch;
    uint32_t *padded, *word_digits;
    Record **chunk_records;
    PyObject *known_texts; /* the texts of the last add_plain(), and each of their chunks' record (-1: left to Python) */
    int64_t *known;
    double *accumulator;
    Py_ssize_t listed_capacity, found_capacity, word_scratch_capacity, padded_capacity, chunk_records_capacity,
        word_digits_capacity, known_capacity;
} Scorer;

static inline Py_ssize_t sum_blocks(const Record *record) { return record->ngrams[HANDLES] ? 2 : 1; }
static inline float *record_sums(Record *record, int block, Py_ssize_t columns)
{
    return (float *)(record + 1) + block * columns;
}
static inline uint32_t *record_points(Record *record, Py_ssize_t columns)
{
    return (uint32_t *)((float *)(record + 1) + sum_blocks(record) * columns);
}
static inline int32_t *record_words(Record *record, Py_ssize_t columns)
{
    return (int32_t *)(record_points(record, columns) + record->length);
}
static inline int32_t *record_pairs(Record *record, int block, Py_ssize_t columns)
{
    int32_t *pairs = record_words(record, columns) + record->words;
    return block == CHARS ? pairs : pairs + 2 * record->ngrams[CHARS];
}
static inline Py_ssize_t record_size(Py_ssize_t columns, Py_ssize_t length, Py_ssize_t words, Py_ssize_t chars,
                                     Py_ssize_t handles)
{
    Py_ssize_t size = (Py_ssize_t)sizeof(Record) + 4 * ((handles ? 2 : 1) * columns + length + words + 2 * (chars + handles));
    return (size + 7) & ~(Py_ssize_t)7;
}

static int grow(void **buffer, Py_ssize_t *capacity, Py_ssize_t needed, size_t item)
{
    if (needed <= *capacity)
        return 0;
    Py_ssize_t size = *capacity ? *capacity : 64;
    while (size < needed)
        size *= 2;
    void *bigger = PyMem_Realloc(*buffer, (size_t)size * item);
    if (bigger == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *buffer = bigger;
    *capacity = size;
    return 0;
}

static inline double g_of(const Scorer *self, int32_t n)
{
    return n < G_TABLE ? self->g[n] : 1.0 + log((double)n);
}

static inline int ascii_alnum(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ---- the chunk table ------------------------------------------------------------------ */

static uint64_t chunk_hash(int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    uint64_t h = 1469598103934665603ULL;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *text = data;
        for (Py_ssize_t i = start; i < end; i++)
            h = (h ^ text[i]) * 1099511628211ULL;
    } else {
        for (Py_ssize_t i = start; i < end; i++)
            h = (h ^ PyUnicode_READ(kind, data, i)) * 1099511628211ULL;
    }
    return h ^ (h >> 31);
}

static uint64_t points_hash(const uint32_t *points, Py_ssize_t length)
{
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < length; i++)
        h = (h ^ points[i]) * 1099511628211ULL;
    return h ^ (h >> 31);
}

/* ---- n-gram vocabularies -------------------------------------------------------------- */

static GramSlot *gram_slot(const Grams *grams, uint64_t h, const uint32_t *points, Py_ssize_t length)
{
    size_t mask = (size_t)grams->capacity - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        GramSlot *slot = &grams->slots[i];
        if (slot->id < 0)
            return slot;
        if (slot->hash != h || slot->length != length)
            continue;
        const uint32_t *known = grams->points + slot->start;
        Py_ssize_t j = 0;
        while (j < length && known[j] == points[j]) /* n-grams are short: no memcmp call */
            j++;
        if (j == length)
            return slot;
    }
}

static int grow(void **buffer, Py_ssize_t *capacity, Py_ssize_t needed, size_t item);

/* Fills the vocabulary from a dict {n-gram: id}; ids must be below `size`. */
static int grams_fill(Grams *grams, PyObject *vocabulary, Py_ssize_t size, int low, int high)
{
    if (!PyDict_Check(vocabulary)) {
        PyErr_SetString(PyExc_TypeError, "an n-gram vocabulary must be a dict");
        return -1;
    }
    if (low < 1 || high < low) {
        PyErr_SetString(PyExc_ValueError, "n-gram range must be 1 <= low <= high");
        return -1;
    }
    grams->low = low;
    grams->high = high;
    grams->capacity = 16;
    while (grams->capacity < 2 * PyDict_GET_SIZE(vocabulary) + 16)
        grams->capacity *= 2;
    grams->slots = PyMem_Malloc((size_t)grams->capacity * sizeof(GramSlot));
    if (grams->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < grams->capacity; i++)
        grams->slots[i].id = -1;
    PyObject *term, *value;
    Py_ssize_t position = 0;
    while (PyDict_Next(vocabulary, &position, &term, &value)) {
        long id = PyLong_Check(value) ? PyLong_AsLong(value) : -1;
        if (!PyUnicode_Check(term) || id < 0 || id >= size || PyUnicode_GET_LENGTH(term) > high) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "n-gram vocabulary: str keys no longer than the range, ids within idf");
            return -1;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(term);
        if (grow((void **)&grams->points, &grams->points_capacity, grams->points_used + length, sizeof(uint32_t)) < 0)
            return -1;
        uint32_t *points = grams->points + grams->points_used;
        int kind = PyUnicode_KIND(term);
        const void *data = PyUnicode_DATA(term);
        for (Py_ssize_t j = 0; j < length; j++)
            points[j] = PyUnicode_READ(kind, data, j);
        uint64_t h = points_hash(points, length);
        GramSlot *slot = gram_slot(grams, h, points, length);
        if (slot->id < 0) {
            slot->hash = h;
            slot->start = (int32_t)grams->points_used;
            slot->length = (int32_t)length;
            grams->points_used += length;
        }
        slot->id = (int32_t)id;
    }
    grams->prefix_closed = 1;
    for (Py_ssize_t i = 0; i < grams->capacity && grams->prefix_closed; i++) {
        const GramSlot *slot = &grams->slots[i];
        if (slot->id >= 0 && slot->length > low) {
            const uint32_t *points = grams->points + slot->start;
            grams->prefix_closed = gram_slot(grams, points_hash(points, slot->length - 1), points, slot->length - 1)->id >= 0;
        }
    }
    return 0;
}

static void grams_free(Grams *grams)
{
    PyMem_Free(grams->slots);
    PyMem_Free(grams->points);
    PyMem_Free(grams->packed);
    PyMem_Free(grams->digits);
    PyMem_Free(grams->astral);
}

static inline uint64_t mix(uint64_t key)
{
    key *= 0x9E3779B97F4A7C15ULL;
    return key ^ (key >> 29);
}

static inline uint32_t digit_of(const Grams *grams, uint32_t point)
{
    if (point < 0x10000)
        return grams->digits[point];
    Py_ssize_t low = 0, high = grams->astral_count;
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (grams->astral[middle] < point)
            low = middle + 1;
        else
            high = middle;
    }
    return low < grams->astral_count && grams->astral[low] == point ? (uint32_t)(grams->bmp_count + low + 1) : 0;
}

static inline int32_t packed_id(const Grams *grams, uint64_t key)
{
    size_t mask = (size_t)grams->packed_capacity - 1;
    for (size_t i = (size_t)mix(key) & mask;; i = (i + 1) & mask) {
        if (grams->packed[i].key == key)
            return grams->packed[i].id;
        if (grams->packed[i].key == 0)
            return -1;
    }
}

/* Packs a filled vocabulary when its numbers fit; leaves it unpacked otherwise. */
static int grams_pack(Grams *grams)
{
    uint8_t *seen = PyMem_Calloc(0x110000 / 8, 1);
    if (seen == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < grams->points_used; i++)
        seen[grams->points[i] >> 3] |= (uint8_t)(1 << (grams->points[i] & 7));
    Py_ssize_t letters = 0;
    for (uint32_t c = 0; c < 0x110000; c++)
        letters += (seen[c >> 3] >> (c & 7)) & 1;
    uint64_t base = (uint64_t)letters + 1, limit = 1;
    int fits = letters < 0xFFFF;
    for (int n = 0; n < grams->high && fits; n++)
        fits = limit <= (uint64_t)INT64_MAX / base && (limit *= base) > 0;
    if (!fits) {
        PyMem_Free(seen);
        return 0;
    }
    grams->digits = PyMem_Calloc(0x10000, sizeof(uint16_t));
    grams->astral = PyMem_Malloc((size_t)(letters + 1) * sizeof(uint32_t));
    Py_ssize_t capacity = 16, terms = 0;
    for (Py_ssize_t i = 0; i < grams->capacity; i++)
        terms += grams->slots[i].id >= 0;
    while (capacity < terms + terms / 2 + 16)
        capacity *= 2;
    grams->packed = PyMem_Calloc((size_t)capacity, sizeof(PackedSlot));
    if (grams->digits == NULL || grams->astral == NULL || grams->packed == NULL) {
        PyMem_Free(seen);
        PyErr_NoMemory();
        return -1;
    }
    uint32_t digit = 0;
    for (uint32_t c = 0; c < 0x110000; c++) {
        if (!((seen[c >> 3] >> (c & 7)) & 1))
            continue;
        digit++;
        if (c < 0x10000) {
            grams->digits[c] = (uint16_t)digit;
            grams->bmp_count = digit;
        } else {
            grams->astral[grams->astral_count++] = c;
        }
    }
    PyMem_Free(seen);
    grams->base = base;
    grams->packed_capacity = capacity;
    for (Py_ssize_t i = 0; i < grams->capacity; i++) {
        const GramSlot *slot = &grams->slots[i];
        if (slot->id < 0)
            continue;
        uint64_t key = 0;
        for (int32_t j = 0; j < slot->length; j++)
            key = key * base + digit_of(grams, grams->points[slot->start + j]);
        size_t mask = (size_t)capacity - 1, k = (size_t)mix(key) & mask;
        while (grams->packed[k].key != 0)
            k = (k + 1) & mask;
        grams->packed[k].key = key;
        grams->packed[k].id = slot->id;
    }
    return 0;
}

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

/* ---- construction --------------------------------------------------------------------- */

/* Copies a contiguous buffer of `count` items of `item` bytes (count -1: any) into new memory. */
static void *copy_buffer(PyObject *object, const char *name, size_t item, char kind, Py_ssize_t *count)
{
    Py_buffer view;
    if (PyObject_GetBuffer(object, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    const char *format = view.format ? view.format : "B";
    if (*format == '<' || *format == '=' || *format == '@')
        format++;
    int float_format = *format == 'f' || *format == 'd';
    if ((size_t)view.itemsize != item || (kind == 'f') != float_format) {
        PyErr_Format(PyExc_TypeError, "%s: expected %s of %zu bytes, got format %s", name,
                     kind == 'f' ? "floats" : "integers", item, view.format ? view.format : "B");
        PyBuffer_Release(&view);
        return NULL;
    }
    Py_ssize_t items = view.len / view.itemsize;
    if (*count >= 0 && items != *count) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items, got %zd", name, *count, items);
        PyBuffer_Release(&view);
        return NULL;
    }
    void *copy = PyMem_Malloc(view.len ? (size_t)view.len : 1);
    if (copy == NULL)
        PyErr_NoMemory();
    else
        memcpy(copy, view.buf, (size_t)view.len);
    *count = items;
    PyBuffer_Release(&view);
    return copy;
}

static void scorer_free_memory(Scorer *self)
{
    PyMem_Free(self->slots);
    PyMem_Free(self->records);
    PyMem_Free(self->word_idf);
    for (int b = 0; b < BLOCKS; b++) {
        PyMem_Free(self->blocks[b].idf);
        grams_free(&self->blocks[b].grams);
    }
    PyMem_Free(self->bigrams);
    PyMem_Free(self->coef);
    PyMem_Free(self->tally);
    PyMem_Free(self->repeat);
    PyMem_Free(self->listed);
    PyMem_Free(self->found);
    PyMem_Free(self->word_scratch);
    grams_free(&self->words);
    grams_free(&self->markers);
    PyMem_Free(self->padded);
    PyMem_Free(self->word_digits);
    PyMem_Free(self->chunk_records);
    PyMem_Free(self->known);
    Py_CLEAR(self->known_texts);
    PyMem_Free(self->accumulator);
}

static void scorer_dealloc(Scorer *self)
{
    scorer_free_memory(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int reset(Scorer *self)
{
    Py_CLEAR(self->known_texts);
    self->filled = self->records_used = self->rows = 0;
    PyMem_Free(self->slots);
    self->slots = NULL;
    self->capacity = 0;
    return table_resize(self, 1 << 12);
}

static int fill_bigrams(Scorer *self, const int64_t *keys, const int32_t *ids, Py_ssize_t count, Py_ssize_t n_words)
{
    Py_ssize_t capacity = 16;
    while (capacity < 2 * count + 16)
        capacity *= 2;
    self->bigrams = PyMem_Malloc((size_t)capacity * sizeof(BigramSlot));
    if (self->bigrams == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->bigram_capacity = capacity;
    for (Py_ssize_t i = 0; i < capacity; i++)
        self->bigrams[i].key = -1;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (ids[i] < 0 || ids[i] >= n_words || keys[i] < 0) {
            PyErr_SetString(PyExc_ValueError, "bigram_ids must be word ids, bigram_keys at least 0");
            return -1;
        }
        size_t mask = (size_t)capacity - 1, j = (size_t)((uint64_t)keys[i] * 0x9E3779B97F4A7C15ULL >> 20) & mask;
        while (self->bigrams[j].key >= 0 && self->bigrams[j].key != keys[i])
            j = (j + 1) & mask;
        self->bigrams[j].key = keys[i];
        self->bigrams[j].id = ids[i];
    }
    return 0;
}

/* The Latin letters a plain chunk may hold, each with its one-letter normalized form. */
static int fill_latin(Scorer *self, PyObject *latin)
{
    PyObject *letter, *form;
    Py_ssize_t position = 0;
    while (PyDict_Next(latin, &position, &letter, &form)) {
        if (!PyUnicode_Check(letter) || !PyUnicode_Check(form) || PyUnicode_GET_LENGTH(letter) != 1 ||
            PyUnicode_GET_LENGTH(form) != 1 || PyUnicode_READ_CHAR(letter, 0) < 128 ||
            PyUnicode_READ_CHAR(letter, 0) >= LATIN_END || (PyUnicode_READ_CHAR(form, 0) < 128 && !ascii_alnum(PyUnicode_READ_CHAR(form, 0)))) {
            PyErr_SetString(PyExc_ValueError, "latin: one Latin letter (U+0080 to U+024F) → one letter");
            return -1;
        }
        self->latin[PyUnicode_READ_CHAR(letter, 0)] = PyUnicode_READ_CHAR(form, 0);
    }
    return 0;
}

static int scorer_init(Scorer *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"n_words", "bigram_keys", "bigram_ids", "word_idf", "char_idf", "handle_idf",
                            "coef", "columns", "handle_weight", "chars", "char_range", "handles", "handle_range", "words", "markers",
                            "marker_ids", "latin", NULL};
    Py_ssize_t n_words, columns;
    PyObject *keys, *ids, *word_idf, *idf[BLOCKS], *coef, *vocabulary[BLOCKS], *words, *markers, *latin;
    double handle_weight;
    int low[BLOCKS], high[BLOCKS];
    if (self->coef != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Scorer is already initialized");
        return -1;
    }
    scorer_free_memory(self); /* what a failed earlier call left */
    memset((char *)self + sizeof(PyObject), 0, sizeof(Scorer) - sizeof(PyObject));
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nOOOOOOndO(ii)O(ii)OO(ii)O!", names, &n_words, &keys, &ids, &word_idf,
                                     &idf[CHARS], &idf[HANDLES], &coef, &columns, &handle_weight, &vocabulary[CHARS],
                                     &low[CHARS], &high[CHARS], &vocabulary[HANDLES], &low[HANDLES], &high[HANDLES], &words, &markers,
                                     &self->marker_ids[0], &self->marker_ids[1], &PyDict_Type, &latin))
        return -1;
    if (n_words < 0 || columns <= 0) {
        PyErr_SetString(PyExc_ValueError, "n_words must be at least 0 and columns positive");
        return -1;
    }
    Py_ssize_t word_count = n_words, widest = n_words, offset = n_words, bigrams = -1;
    if ((self->word_idf = copy_buffer(word_idf, "word_idf", sizeof(float), 'f', &word_count)) == NULL)
        return -1;
    if (grams_fill(&self->words, words, n_words, 1, INT32_MAX) < 0 || grams_fill(&self->markers, markers, 2, 1, INT32_MAX) < 0)
        return -1;
    if (fill_latin(self, latin) < 0)
        return -1;
    if (self->marker_ids[0] < -1 || self->marker_ids[0] >= n_words || self->marker_ids[1] < -1 || self->marker_ids[1] >= n_words) {
        PyErr_SetString(PyExc_ValueError, "marker_ids must be word ids or -1");
        return -1;
    }
    for (int b = 0; b < BLOCKS; b++) {
        Block *block = &self->blocks[b];
        block->size = -1;
        if ((block->idf = copy_buffer(idf[b], "idf", sizeof(float), 'f', &block->size)) == NULL)
            return -1;
        if (grams_fill(&block->grams, vocabulary[b], block->size, low[b], high[b]) < 0 || grams_pack(&block->grams) < 0)
            return -1;
        block->offset = offset;
        block->weight = b == HANDLES ? handle_weight : 1.0;
        offset += block->size;
        if (block->size > widest)
            widest = block->size;
    }
    int64_t *bigram_keys = copy_buffer(keys, "bigram_keys", sizeof(int64_t), 'i', &bigrams);
    if (bigram_keys == NULL)
        return -1;
    Py_ssize_t bigram_count = bigrams;
    int32_t *bigram_ids = copy_buffer(ids, "bigram_ids", sizeof(int32_t), 'i', &bigram_count);
    int filled = bigram_ids != NULL && fill_bigrams(self, bigram_keys, bigram_ids, bigrams, n_words) == 0;
    PyMem_Free(bigram_keys);
    PyMem_Free(bigram_ids);
    if (!filled)
        return -1;
    Py_ssize_t weights = offset * columns;
    if ((self->coef = copy_buffer(coef, "coef", sizeof(float), 'f', &weights)) == NULL)
        return -1;
    self->tally = PyMem_Calloc((size_t)widest + 1, sizeof(Tally));
    self->repeat = PyMem_Calloc((size_t)widest + 1, sizeof(Repeat));
    self->accumulator = PyMem_Calloc((size_t)columns, sizeof(double));
    if (self->tally == NULL || self->repeat == NULL || self->accumulator == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int n = 1; n < G_TABLE; n++)
        self->g[n] = 1.0 + log((double)n);
    self->n_words = n_words;
    self->columns = columns;
    return reset(self);
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

/* ---- plain chunks, analysed here ------------------------------------------------------ */

static inline int plain_punctuation(uint32_t c)
{
    return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '-';
}

/* In a plain chunk's normalized form, every character but that punctuation and dots is a
 * word character (\w): ASCII letters and digits, and the Latin letters the table maps to. */
static inline int word_char(uint32_t c)
{
    return ascii_alnum(c) || c >= 128;
}

typedef struct {
    Py_ssize_t core; /* the normalized form's length before the tail, in self->padded + 1 */
    int tail;        /* 0: no ! or ? at the end; 1: one, kept on the word; 2: a run, a word of its own */
    uint32_t marks[2];
} PlainForm;

/* Whether the chunk is plain — letters (ASCII, or Latin ones that `latin` maps), digits,
 * , ; : ( ) - and single dots not first, then maybe a run of ! and ? — and then its form as
 * text.normalize gives it: lower case, accents folded, runs of three or more same letter
 * cut to two, a run of ! and ? made a word of two ("!!", "??" or "?!"). A chunk with "www."
 * (a link), an ellipsis, an apostrophe, @, # or anything else is left to Python. */
static int plain_form(Scorer *self, int kind, const void *data, Py_ssize_t start, Py_ssize_t end, PlainForm *plain)
{
    Py_ssize_t stop = end;
    int bang = 0, question = 0;
    for (uint32_t c; stop > start && ((c = PyUnicode_READ(kind, data, stop - 1)) == '!' || c == '?'); stop--) {
        bang |= c == '!';
        question |= c == '?';
    }
    if (grow((void **)&self->padded, &self->padded_capacity, stop - start + 3, sizeof(uint32_t)) < 0)
        return -1;
    uint32_t *form = self->padded + 1, previous = 0, w[3] = {0, 0, 0}; /* w: the last letters, before merging */
    Py_ssize_t m = 0;
    for (Py_ssize_t i = start; i < stop; previous = PyUnicode_READ(kind, data, i), i++) {
        uint32_t c = PyUnicode_READ(kind, data, i), out;
        if (c == '.') {
            if (i == start || previous == '.' || (w[0] == 'w' && w[1] == 'w' && w[2] == 'w'))
                return 0; /* an ellipsis, or "www." (a link), as normalize sees them before merging */
            out = c;
        } else if (c < 128) {
            if (!ascii_alnum(c) && !plain_punctuation(c))
                return 0;
            out = c >= 'A' && c <= 'Z' ? c + 32 : c;
        } else if (c < LATIN_END && self->latin[c]) {
            out = self->latin[c];
        } else {
            return 0;
        }
        w[0] = w[1], w[1] = w[2], w[2] = out;
        if (!(m >= 2 && word_char(out) && form[m - 1] == out && form[m - 2] == out))
            form[m++] = out;
    }
    plain->core = m;
    plain->tail = end - stop == 0 ? 0 : end - stop == 1 ? 1 : 2;
    if (plain->tail == 1)
        plain->marks[0] = PyUnicode_READ(kind, data, stop);
    else if (plain->tail == 2) {
        plain->marks[0] = bang && question ? '?' : bang ? '!' : '?';
        plain->marks[1] = bang && question ? '!' : plain->marks[0];
    }
    return 1;
}

static inline int32_t word_id(const Grams *table, const uint32_t *points, Py_ssize_t length)
{
    return gram_slot(table, points_hash(points, length), points, length)->id;
}

/* Analyses and stores one plain chunk: its tokens (runs of word characters, then the tail
 * of ! and ?), their lexicon markers after them, its character n-grams. 0 when the chunk
 * isn't plain. */
static int add_plain_chunk(Scorer *self, int kind, const void *data, Py_ssize_t start, Py_ssize_t end)
{
    PlainForm plain;
    int found = plain_form(self, kind, data, start, end, &plain);
    if (found <= 0)
        return found;
    Py_ssize_t length = plain.core, words = 0;
    if (grow((void **)&self->word_scratch, &self->word_scratch_capacity, 2 * length + 3, sizeof(int32_t)) < 0)
        return -1;
    const uint32_t *form = self->padded + 1;
    int32_t *ids = self->word_scratch;
    for (Py_ssize_t i = 0; i < length;) { /* the tokens' ids */
        if (!word_char(form[i])) {
            i++;
            continue;
        }
        Py_ssize_t j = i;
        while (j < length && word_char(form[j]))
            j++;
        ids[words++] = word_id(&self->words, form + i, j - i);
        i = j;
    }
    Py_ssize_t tokens = words;
    if (plain.tail)
        ids[words++] = word_id(&self->words, plain.marks, plain.tail);
    for (Py_ssize_t i = 0, t = 0; t < tokens; t++) { /* then the words' markers, in order */
        while (!word_char(form[i]))
            i++;
        Py_ssize_t j = i;
        while (j < length && word_char(form[j]))
            j++;
        int32_t marker = word_id(&self->markers, form + i, j - i);
        if (marker >= 0)
            ids[words++] = self->marker_ids[marker];
        i = j;
    }
    /* Character n-grams of the form's words: the core, with a lone ! or ? on it, and a run's word apart. */
    Py_ssize_t counts[BLOCKS] = {0, 0}, cut = 0;
    if (plain.tail == 1)
        self->padded[1 + length++] = plain.marks[0];
    self->padded[0] = self->padded[1 + length] = ' ';
    if (length > 0 && (cut = cut_word(self, &self->blocks[CHARS].grams, self->padded, length + 2, 0)) < 0)
        return -1;
    counts[CHARS] = cut;
    if (plain.tail == 2) {
        uint32_t run[4] = {' ', plain.marks[0], plain.marks[1], ' '};
        if ((cut = cut_word(self, &self->blocks[CHARS].grams, run, 4, counts[CHARS])) < 0)
            return -1;
        counts[CHARS] += cut;
    }
    if (store_chunk(self, kind, data, start, end - start, ids, words, counts) < 0)
        return -1;
    return 1;
}

/* ---- adding chunks -------------------------------------------------------------------- */

static PyObject *scorer_add_plain(Scorer *self, PyObject *texts)
{
    PyObject *sequence = texts_sequence(texts);
    if (sequence == NULL)
        return NULL;
    Py_CLEAR(self->known_texts);
    PyObject *others = PyDict_New(), *result = NULL;
    if (others == NULL)
        goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(sequence), occurrence = 0;
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t d = 0; d < n; d++) {
        PyObject *text = items[d];
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        FOR_EACH_CHUNK(text, kind, data, start, end)
            if (grow((void **)&self->known, &self->known_capacity, occurrence + 1, sizeof(int64_t)) < 0)
                goto done;
            int64_t record = slot_for(self, chunk_hash(kind, data, start, end), kind, data, start, end - start)->record;
            if (record < 0) {
                Py_ssize_t offset = self->records_used;
                int plain = add_plain_chunk(self, kind, data, start, end);
                if (plain < 0)
                    goto done;
                if (plain) {
                    record = offset;
                } else {
                    PyObject *chunk = PyUnicode_Substring(text, start, end);
                    if (chunk == NULL || PyDict_SetItem(others, chunk, Py_None) < 0) {
                        Py_XDECREF(chunk);
                        goto done;
                    }
                    Py_DECREF(chunk);
                }
            }
            self->known[occurrence++] = record;
        END_FOR_EACH_CHUNK
    }
    /* scores() of the same texts next reuses these lookups; holding the texts keeps them the same. */
    if ((self->known_texts = PySequence_Tuple(sequence)) != NULL)
        result = PyDict_Keys(others); /* in order of first appearance */
done:
    Py_XDECREF(others);
    Py_DECREF(sequence);
    return result;
}

static PyObject *scorer_add(Scorer *self, PyObject *args)
{
    PyObject *chunks, *words, *parts[BLOCKS];
    if (!PyArg_ParseTuple(args, "O!O!O!O!", &PyList_Type, &chunks, &PyList_Type, &words, &PyList_Type, &parts[CHARS],
                          &PyList_Type, &parts[HANDLES]))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(chunks);
    if (PyList_GET_SIZE(words) != n || PyList_GET_SIZE(parts[CHARS]) != n || PyList_GET_SIZE(parts[HANDLES]) != n) {
        PyErr_SetString(PyExc_ValueError, "one part of each kind per chunk");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *chunk = PyList_GET_ITEM(chunks, i);
        if (!PyUnicode_Check(chunk) || PyUnicode_GET_LENGTH(chunk) > INT32_MAX) {
            PyErr_Format(PyExc_TypeError, "chunks[%zd] is not a str", i);
            return NULL;
        }
        Py_ssize_t word_count, counts[BLOCKS], used = 0;
        const int32_t *word_ids = part_ids(PyList_GET_ITEM(words, i), self->n_words, 1, i, &word_count);
        if (word_ids == NULL)
            return NULL;
        for (int b = 0; b < BLOCKS; b++) {
            if ((counts[b] = cut_ngrams(self, &self->blocks[b].grams, PyList_GET_ITEM(parts[b], i), used)) < 0)
                return NULL;
            used += counts[b];
        }
        if (store_chunk(self, PyUnicode_KIND(chunk), PyUnicode_DATA(chunk), 0, PyUnicode_GET_LENGTH(chunk), word_ids,
                        word_count, counts) < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* ---- scoring -------------------------------------------------------------------------- */

static int32_t bigram_id(const Scorer *self, int64_t key)
{
    size_t mask = (size_t)self->bigram_capacity - 1, j = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ULL >> 20) & mask;
    for (;; j = (j + 1) & mask) {
        if (self->bigrams[j].key == key)
            return self->bigrams[j].id;
        if (self->bigrams[j].key < 0)
            return -1;
    }
}

/* Words: unigrams, then bigrams of consecutive known words across the mention's chunks. */
static int score_words(Scorer *self, Py_ssize_t chunks, double *scores)
{
    Py_ssize_t total = 0, distinct = 0, columns = self->columns;
    for (Py_ssize_t c = 0; c < chunks; c++)
        total += self->chunk_records[c]->words;
    if (total == 0)
        return 0;
    if (reserve_listed(self, 2 * total) < 0)
        return -1;
    int32_t previous = -1;
    for (Py_ssize_t c = 0; c < chunks; c++) {
        Record *record = self->chunk_records[c];
        const int32_t *words = record_words(record, columns);
        for (int32_t i = 0; i < record->words; i++) {
            int32_t word = words[i];
            if (word >= 0 && self->tally[word].total++ == 0)
                self->listed[distinct++] = word;
            if (word >= 0 && previous >= 0) {
                int32_t pair = bigram_id(self, (int64_t)previous * self->n_words + word);
                if (pair >= 0 && self->tally[pair].total++ == 0)
                    self->listed[distinct++] = pair;
            }
            previous = word;
        }
    }
    double squares = 0;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        int32_t id = self->listed[i];
        double value = g_of(self, self->tally[id].total) * self->word_idf[id];
        squares += value * value;
    }
    double scale = squares > 0 ? 1.0 / sqrt(squares) : 1.0;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        int32_t id = self->listed[i];
        add_weighted(self, id, g_of(self, self->tally[id].total) * self->word_idf[id] * scale, scores);
        self->tally[id].total = 0;
    }
    return 0;
}

/* An n-gram block: its chunks' sums, corrected for the n-grams in several of them, whose
 * g(total count) replaces the chunks' g(count). */
static int score_ngrams(Scorer *self, int b, Py_ssize_t chunks, double *scores)
{
    const Block *block = &self->blocks[b];
    Py_ssize_t columns = self->columns, repeated = 0, total = 0;
    for (Py_ssize_t c = 0; c < chunks; c++)
        total += self->chunk_records[c]->ngrams[b];
    if (total == 0)
        return 0;
    if (reserve_listed(self, total) < 0)
        return -1;
    double *sums = self->accumulator, squares = 0;
    memset(sums, 0, (size_t)columns * sizeof(double));
    for (Py_ssize_t c = 0; c < chunks; c++) {
        Record *record = self->chunk_records[c];
        if (record->ngrams[b] == 0)
            continue;
        const float *record_sum = record_sums(record, b, columns);
        for (Py_ssize_t k = 0; k < columns; k++)
            sums[k] += record_sum[k];
        squares += record->squares[b];
        const int32_t *pairs = record_pairs(record, b, columns);
        for (int32_t i = 0; i < record->ngrams[b]; i++) {
            Tally *tally = &self->tally[pairs[2 * i]];
            tally->total += pairs[2 * i + 1];
            if (tally->rows++ == 1)
                self->listed[repeated++] = pairs[2 * i];
        }
    }
    /* Second reading: the repeated n-grams' per-chunk terms; the others are done with. */
    for (Py_ssize_t c = 0; c < chunks; c++) {
        Record *record = self->chunk_records[c];
        const int32_t *pairs = record_pairs(record, b, columns);
        for (int32_t i = 0; i < record->ngrams[b]; i++) {
            int32_t id = pairs[2 * i];
            Tally *tally = &self->tally[id];
            if (tally->rows == 1) {
                tally->rows = tally->total = 0;
            } else if (tally->rows > 1) {
                double g = g_of(self, pairs[2 * i + 1]);
                self->repeat[id].g += g;
                self->repeat[id].g2 += g * g;
            }
        }
    }
    for (Py_ssize_t i = 0; i < repeated; i++) {
        int32_t id = self->listed[i];
        double g = g_of(self, self->tally[id].total), idf = block->idf[id];
        add_weighted(self, block->offset + id, (g - self->repeat[id].g) * idf, sums);
        squares += (g * g - self->repeat[id].g2) * idf * idf;
        self->tally[id].total = self->tally[id].rows = 0;
        self->repeat[id].g = self->repeat[id].g2 = 0;
    }
    double scale = block->weight / (squares > 0 ? sqrt(squares) : 1.0);
    for (Py_ssize_t k = 0; k < columns; k++)
        scores[k] += sums[k] * scale;
    return 0;
}

static PyObject *scorer_scores(Scorer *self, PyObject *texts)
{
    PyObject *sequence = texts_sequence(texts);
    if (sequence == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(sequence), columns = self->columns;
    PyObject **items = PySequence_Fast_ITEMS(sequence);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n * columns * (Py_ssize_t)sizeof(double));
    if (out == NULL)
        goto fail;
    double *scores = (double *)PyBytes_AS_STRING(out);
    memset(scores, 0, (size_t)(n * columns) * sizeof(double));
    /* The same texts as the last add_plain() (the same objects): its lookups stand. */
    int reuse = self->known_texts != NULL && PyTuple_GET_SIZE(self->known_texts) == n;
    for (Py_ssize_t d = 0; d < n && reuse; d++)
        reuse = PyTuple_GET_ITEM(self->known_texts, d) == items[d];
    Py_ssize_t occurrence = 0;
    for (Py_ssize_t d = 0; d < n; d++) {
        PyObject *text = items[d];
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t chunks = 0;
        FOR_EACH_CHUNK(text, kind, data, start, end)
            int64_t record = reuse ? self->known[occurrence++] : -1;
            if (record < 0) /* not looked up yet, or added by Python since */
                record = slot_for(self, chunk_hash(kind, data, start, end), kind, data, start, end - start)->record;
            if (record < 0) {
                PyErr_Format(PyExc_KeyError, "texts[%zd] has a chunk that was never added", d);
                goto fail;
            }
            if (grow((void **)&self->chunk_records, &self->chunk_records_capacity, chunks + 1, sizeof(Record *)) < 0)
                goto fail;
            self->chunk_records[chunks++] = (Record *)(self->records + record);
        END_FOR_EACH_CHUNK
        double *mention = scores + d * columns;
        if (score_words(self, chunks, mention) < 0 || score_ngrams(self, CHARS, chunks, mention) < 0 ||
            score_ngrams(self, HANDLES, chunks, mention) < 0)
            goto fail;
    }
    Py_CLEAR(self->known_texts);
    Py_DECREF(sequence);
    return out;
fail:
    Py_CLEAR(self->known_texts);
    Py_XDECREF(out);
    Py_DECREF(sequence);
    return NULL;
}

static PyObject *scorer_clear(Scorer *self, PyObject *Py_UNUSED(ignored))
{
    if (reset(self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static Py_ssize_t scorer_len(Scorer *self)
{
    return self->rows;
}

static PyMethodDef scorer_methods[] = {
    {"add_plain", (PyCFunction)scorer_add_plain, METH_O,
     "add_plain(texts) -> adds the texts' new plain chunks, and returns the other new ones for Python to\n"
     "analyse: distinct, in order of first appearance"},
    {"add", (PyCFunction)scorer_add, METH_VARARGS,
     "add(chunks, word_ids, forms, handles): per chunk, its word ids as int32 bytes (-1 when unknown), its\n"
     "normalized form (cut into character n-grams) and the names it is addressed to, space-separated"},
    {"scores", (PyCFunction)scorer_scores, METH_O,
     "scores(texts) -> bytes: float64 decision scores, len(texts) × columns, without the intercept"},
    {"clear", (PyCFunction)scorer_clear, METH_NOARGS, "forget every chunk"},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods scorer_as_sequence = {.sq_length = (lenfunc)scorer_len};

static PyTypeObject ScorerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "complaints.classifier._scorer.Scorer",
    .tp_basicsize = sizeof(Scorer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Decision scores of mentions from the analysed chunks they are made of.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)scorer_init,
    .tp_dealloc = (destructor)scorer_dealloc,
    .tp_methods = scorer_methods,
    .tp_as_sequence = &scorer_as_sequence,
};

static struct PyModuleDef scorer_module = {
    PyModuleDef_HEAD_INIT, "_scorer", "The classifier's compiled scoring loop (see _scorer.c).", -1, NULL,
};

PyMODINIT_FUNC PyInit__scorer(void)
{
    if (PyType_Ready(&ScorerType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&scorer_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&ScorerType);
    /* LAYOUT: the Scorer's arguments and methods; fast_scoring.py ignores a module built from another. */
    if (PyModule_AddIntConstant(module, "LAYOUT", 1) < 0 || PyModule_AddObject(module, "Scorer", (PyObject *)&ScorerType) < 0) {
        Py_DECREF(&ScorerType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
