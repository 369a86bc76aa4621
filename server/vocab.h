/* vocab: a list of words for the on-screen keyboard's word prediction, gathered from texts (the
 * easy-read content, a person's own answers), each once, the most used first. Pure: no I/O, no
 * JSON; any one thread at a time. */
#ifndef PLANALOUD_VOCAB_H
#define PLANALOUD_VOCAB_H

#include <stddef.h>

typedef struct vocab vocab;

#define VOCAB_WORD_MIN 3 /* shorter words are quicker typed than chosen */
#define VOCAB_WORD_MAX                                                                             \
	64 /* bytes (a Bengali letter takes 3); longer runs are not words to offer                 \
	    */

/* An empty list that keeps at most max words (more are counted no more). NULL when memory runs
 * out. */
vocab *vocab_new(size_t max);
/* NULL: nothing. */
void vocab_free(vocab *v);
/* Adds each word of text (NUL-terminated UTF-8; borrowed, copied): a run of letters (ASCII
 * letters, any non-ASCII character that belongs in a word, an apostrophe between letters) of
 * VOCAB_WORD_MIN to
 * VOCAB_WORD_MAX bytes, ASCII letters made small. A word already there counts once more.
 * 0, or -1 when memory runs out (the words before stay). */
int vocab_add_text(vocab *v, const char *text);
/* Puts the most used words first (alphabetical among the equally used), as vocab_at lists them. */
void vocab_sort(vocab *v);
size_t vocab_count(const vocab *v);
/* The i-th word (borrowed until the list changes or is freed). */
const char *vocab_at(const vocab *v, size_t i);
/* The list's own copy of word (exactly as listed), or NULL when it is not a word of the list. */
const char *vocab_find(const vocab *v, const char *word);

#endif
