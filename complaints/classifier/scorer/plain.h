/* Plain chunks (letters, digits, light punctuation, a tail of ! and ?), normalized,
 * tokenized and stored here rather than in Python. */

#ifndef ECOUTE_SCORER_PLAIN_H
#define ECOUTE_SCORER_PLAIN_H

#include "chunks.h"

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

#endif
