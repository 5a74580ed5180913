/* The compiled loop's types and small helpers (see ../_scorer.c). Part of one translation unit:
 * these headers hold static functions and are included by _scorer.c alone. */

#ifndef ECOUTE_SCORER_TYPES_H
#define ECOUTE_SCORER_TYPES_H

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

#endif
