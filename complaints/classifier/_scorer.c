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
 * two threads run one after the other.
 *
 * One translation unit: this file holds the Python type (construction, methods, module);
 * scorer/types.h the types, vocabulary.h the n-gram and word tables, chunks.h the chunk
 * table and records, plain.h the plain chunks' analysis, scoring.h a mention's scores. */

#include "scorer/plain.h"
#include "scorer/scoring.h"

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

