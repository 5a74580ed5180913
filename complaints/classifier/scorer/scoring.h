/* A mention's scores from its chunks' records: words (unigrams and bigrams across
 * chunks), then each n-gram block from the records' sums and the shared n-grams' corrections. */

#ifndef ECOUTE_SCORER_SCORING_H
#define ECOUTE_SCORER_SCORING_H

#include "chunks.h"

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

#endif
