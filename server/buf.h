/* buf: a small growable byte buffer, always NUL-terminated (git's strbuf, in miniature). */
#ifndef PLANALOUD_BUF_H
#define PLANALOUD_BUF_H

#include <stddef.h>

typedef struct buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
} buf;

#define BUF_INIT                                                                                   \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void buf_init(buf *b);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void buf_release(buf *b);
void buf_reset(buf *b);
/* Return 0, or -1 when memory runs out (the buffer is unchanged then). */
int buf_append(buf *b, const void *data, size_t len);
int buf_puts(buf *b, const char *s);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the memory to the caller (free() it); the buffer is empty afterwards. */
char *buf_detach(buf *b, size_t *len);
/* The contents as a string: "" when empty. Borrowed until the next change. */
const char *buf_str(const buf *b);

#endif
