/* code: plan codes. A code is three everyday words and four digits ("apple-river-boat-4827"),
 * easy to say and type: case does not matter, nor spaces or hyphens; the digits are 2 to 9, so
 * nothing can be misread as O, o, I or l. Codes are stored only as a keyed hash.
 *
 * Every code also has a form in digits only, for people who cannot easily read or type English
 * words: each word is its place in easyread/codewords.txt written as four digits in base 8 with
 * the digits 2 to 9 (2 = 0 ... 9 = 7), then the code's own four digits, in four groups of four
 * ("2234 3532 2299 4827" is apple-river-boat-4827). The digits 0 to 9 are read by people of
 * every script the kiosk offers, typed on any numbers keyboard, and said by every voice; the
 * scripts' own digits are taken as typed (docs/content-format.md, "Plan codes in every
 * language"). */
#ifndef PLANALOUD_CODE_H
#define PLANALOUD_CODE_H

#include "content.h"

#include <stddef.h>

#define CODE_WORDS	3
#define CODE_DIGITS	4
#define CODE_MAX	64 /* room for a canonical code and its NUL */
#define CODE_HASH_BYTES 32
#define CODE_KEY_BYTES	32
/* the digits of a code's numbers: 4 for each word, then its own 4 */
#define CODE_NUMBERS_DIGITS 16
#define CODE_NUMBERS_MAX    20	 /* room for "dddd dddd dddd dddd" and its NUL */
#define CODE_NUMBERS_WORDS  4096 /* 8^4: the most words four digits from 2 to 9 can number */

/* Fills out (at least CODE_MAX bytes) with a new random canonical code. */
void code_generate(const content *c, char *out);
/* What a person typed -> the canonical "word-word-word-dddd" into out (CODE_MAX bytes). The words
 * with their digits (any case; spaces, hyphens, dots, commas, underscores and slashes anywhere), or
 * the 16 numbers; digits may be typed in Arabic-Indic, Urdu's, Bengali or Gurmukhi script, or
 * full width. 0, or -1 when it cannot be a code. */
int code_normalise(const content *c, const char *typed, size_t len, char *out);
/* A canonical code's numbers, "dddd dddd dddd dddd" (digits 2 to 9), into out (CODE_NUMBERS_MAX
 * bytes): code_normalise reads them back as the same code. 0, or -1 (out "") when canonical is
 * not a canonical code of c's words. */
int code_numbers(const content *c, const char *canonical, char *out);
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
