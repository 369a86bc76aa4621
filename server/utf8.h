/* utf8: checks and counts UTF-8 text. Everything a person types is measured in characters. */
#ifndef PLANALOUD_UTF8_H
#define PLANALOUD_UTF8_H

#include <stddef.h>

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
int utf8_valid(const char *s, size_t len);
/* The number of code points in valid UTF-8 text. */
size_t utf8_chars(const char *s, size_t len);
/* 1 if valid UTF-8 text s[0..len) holds a space, a line break or a control character (ASCII's,
 * or any of Unicode's white space): what ends a word. */
int utf8_has_space(const char *s, size_t len);

/* The code point at s (valid UTF-8, at least one byte) and its length in bytes in *len. */
unsigned utf8_decode(const char *s, size_t *len);
/* Writes cp as UTF-8 into out (room for 4 bytes); its length in bytes. */
size_t utf8_encode(unsigned cp, char *out);
/* cp as a small letter, for the letters of the languages Plan Aloud is written in (ASCII,
 * Latin-1, Latin Extended-A: Welsh, Polish; Romanian's s and t with a comma; Latin Extended
 * Additional: Welsh's w and y with a grave or an acute); other code points, and scripts without
 * capitals, as they are. */
unsigned utf8_lower(unsigned cp);
/* 1 if cp belongs in a word: a letter, a digit, or a mark of any script (Arabic vowel marks,
 * Bengali and Gurmukhi vowel signs), or a zero-width joiner or non-joiner; 0 for spaces,
 * punctuation and symbols. */
int utf8_is_word_char(unsigned cp);

#endif
