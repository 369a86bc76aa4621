/* languages: every language the person's pages are written in, one content per folder of
 * easyread/ that has a language.txt. English (the reference) comes first: the staff pages use it,
 * and every other language must have its shape (content_same_shape). Read-only once loaded. */
#ifndef PLANALOUD_LANGUAGES_H
#define PLANALOUD_LANGUAGES_H

#include "content.h"

#include <stddef.h>

typedef struct languages languages;

#define LANGUAGES_MAX	    16
#define LANGUAGES_REFERENCE "en-GB"
/* The longest folder name, the language's tag ("en-GB"): the store keeps 16 bytes. */
#define LANGUAGES_TAG_MAX 15

/* Loads easyread_dir/<lang>/ for every folder with a language.txt: the reference first, then
 * the others in name order. only: a comma-separated list of the languages to offer besides the
 * reference ("cy,pl"), or NULL or "all" for every one. NULL with "file:line: reason" in err. */
languages *languages_load(const char *easyread_dir, const char *only, const char *pictures_dir,
			  char *err, size_t errlen);
/* A set of one language, c (borrowed: languages_free leaves it), for a kiosk served from one
 * content. NULL when memory runs out. */
languages *languages_of_one(const content *c);
void languages_free(languages *l);

size_t languages_count(const languages *l);
/* The i-th language (0 is the reference); borrowed for l's life. */
const content *languages_at(const languages *l, size_t i);
/* The language with this tag ("cy"), or NULL. */
const content *languages_find(const languages *l, const char *lang);
/* Its position, or -1. */
int languages_index(const languages *l, const char *lang);
/* English, which the staff pages and the alerts use. */
const content *languages_reference(const languages *l);

#endif
