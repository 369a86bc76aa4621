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

#endif
