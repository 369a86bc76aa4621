/* utf8: checks and counts UTF-8 text. Everything a person types is measured in characters. */
#ifndef PLANALOUD_UTF8_H
#define PLANALOUD_UTF8_H

#include <stddef.h>

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
int utf8_valid(const char *s, size_t len);
/* The number of code points in valid UTF-8 text. */
size_t utf8_chars(const char *s, size_t len);

#endif
