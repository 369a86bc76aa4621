/* code: plan codes. A code is three everyday words and four digits ("apple-river-boat-4827"),
 * easy to say and type: case does not matter, nor spaces or hyphens; the digits are 2 to 9, so
 * nothing can be misread as O, o, I or l. Codes are stored only as a keyed hash. */
#ifndef PLANALOUD_CODE_H
#define PLANALOUD_CODE_H

#include "content.h"

#include <stddef.h>

#define CODE_WORDS	3
#define CODE_DIGITS	4
#define CODE_MAX	64 /* room for a canonical code and its NUL */
#define CODE_HASH_BYTES 32
#define CODE_KEY_BYTES	32

/* Fills out (at least CODE_MAX bytes) with a new random canonical code. */
void code_generate(const content *c, char *out);
/* What a person typed -> the canonical "word-word-word-dddd". 0, or -1 when it cannot be a code. */
int code_normalise(const content *c, const char *typed, size_t len, char *out);
/* The keyed hash under which a canonical code is stored. */
void code_hash(const unsigned char key[CODE_KEY_BYTES], const char *canonical,
	       unsigned char out[CODE_HASH_BYTES]);
/* Reads the server's secret key from path. 0; 1 when there is no such file; -1 (err says why). */
int code_key_read(const char *path, unsigned char key[CODE_KEY_BYTES], char *err, size_t errlen);
/* The key's id: a keyed hash of a fixed text, which tells keys apart and gives nothing of the
 * key (the database keeps it, so a database put beside the wrong key is noticed). */
void code_key_id(const unsigned char key[CODE_KEY_BYTES], unsigned char out[CODE_HASH_BYTES]);
/* Reads the server's secret key from path, making it (mode 0600) on first start. */
int code_key_load(const char *path, unsigned char key[CODE_KEY_BYTES], char *err, size_t errlen);
/* The number of possible codes, for docs and tests. */
double code_space(const content *c);

#endif
