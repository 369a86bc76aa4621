/* content_words: the easy-read rules for words, from the content's hard-words list
 * (easyread/<lang>/hard-words.txt, docs/content-format.md). At start-up they check the pages
 * (content_load: every hard word a page uses is explained on it); here they check any text
 * someone types for a person to read, such as the needs staff write in an invitation, and say
 * what is hard in it. Pure: the content and the text in, findings out; any thread. */
#ifndef PLANALOUD_CONTENT_WORDS_H
#define PLANALOUD_CONTENT_WORDS_H

#include "content.h"

#include <stddef.h>

typedef enum content_finding_kind {
	FINDING_LONG_SENTENCE, /* more than CONTENT_SENTENCE_MAX words */
	FINDING_HARD_WORD,     /* a word from the list, not explained in brackets after it */
	FINDING_ABBREVIATION   /* capitals such as "OT", not everyday, not explained in brackets */
} content_finding_kind;

/* One thing that is hard to read, at [at, at + len) of the text (bytes). */
typedef struct content_finding {
	content_finding_kind kind;
	size_t at;
	size_t len;
	int words;		       /* FINDING_LONG_SENTENCE: how many */
	const content_hard_word *hard; /* FINDING_HARD_WORD: the list's entry (borrowed from c) */
} content_finding;

/* Checks text (NUL-terminated UTF-8) against the rules with c's list (borrowed; only read):
 * each long sentence, then the first use of each hard word, then each abbreviation once, in
 * the order they come in the text. Writes at most max findings into out and returns how many
 * there are in all (which may be more than max). */
size_t content_words_check(const content *c, const char *text, content_finding *out, size_t max);

/* The first use of the hard word h in text as a whole word or phrase, case aside: 1 with its
 * place in *at and *len, or 0. */
int content_hard_word_find(const content_hard_word *h, const char *text, size_t *at, size_t *len);

/* The first abbreviation in text (two to twelve capitals, such as "OT") that is not an everyday
 * one of c's list and not explained in brackets: 1 with its place in *at and *len, or 0. */
int content_abbreviation_find(const content *c, const char *text, size_t *at, size_t *len);

#endif
