/* Vocabularies: n-grams and words by their code points (packed as numbers for
 * character n-grams), and bigrams by their two word ids. */

#ifndef ECOUTE_SCORER_VOCABULARY_H
#define ECOUTE_SCORER_VOCABULARY_H

#include "types.h"

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

#endif
