/* recv() is defined here: the fortified inline wrapper of the C library must not be. */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE /* syscall(), RTLD_NEXT */

#include "wsmask.h"

#include <dlfcn.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum { AT_FIRST, AT_LENGTH, AT_EXTENDED, SKIPPING };

typedef struct watch {
	unsigned char on;	/* a connection accepted by the server */
	unsigned char frames;	/* past the handshake */
	unsigned char unmasked; /* a frame came without a mask: nothing more is read */
	unsigned char state;	/* where in a frame header */
	unsigned char need;	/* bytes of the extended length still to come */
	unsigned char crlf;	/* how much of "\r\n\r\n" just came, while in HTTP */
	unsigned char tls;	/* read through SSL_read(): recv() carries only ciphertext */
	uint64_t seen;		/* bytes received */
	uint64_t head_end;	/* where the last HTTP header block ended */
	uint64_t left;		/* mask key and payload bytes still to pass over */
} watch;

static watch *table;
static int table_len;
static pthread_t owner; /* the thread that opened the table: the server's loop */

int wsmask_open(int max_fd)
{
	wsmask_close();
	if (max_fd < 1)
		return -1;
	table = calloc((size_t)max_fd, sizeof(*table));
	if (!table)
		return -1;
	table_len = max_fd;
	owner = pthread_self();
	return 0;
}

void wsmask_close(void)
{
	free(table);
	table = NULL;
	table_len = 0;
}

/* fd's watch, or NULL: not watched, or asked from another thread (a socket of its own that
 * happens to share a number with one the loop watched and closed). */
static watch *watch_of(int fd)
{
	return table && fd >= 0 && fd < table_len && table[fd].on &&
		       pthread_equal(pthread_self(), owner)
		   ? &table[fd]
		   : NULL;
}

void wsmask_watch(int fd)
{
	if (table && fd >= 0 && fd < table_len) {
		memset(&table[fd], 0, sizeof(table[fd]));
		table[fd].on = 1;
	}
}

int wsmask_frames_start(int fd)
{
	watch *w = watch_of(fd);

	if (!w)
		return 0;
	w->frames = 1;
	w->state = AT_FIRST;
	return w->seen == w->head_end ? 0 : -1;
}

int wsmask_unmasked(int fd)
{
	const watch *w = watch_of(fd);

	return w ? w->unmasked : 0;
}

/* HTTP: notes where each header block ends (the request a websocket starts after is the last). */
static void read_http(watch *w, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char want = w->crlf % 2 ? '\n' : '\r';

		if (p[i] == want)
			w->crlf++;
		else
			w->crlf = p[i] == '\r' ? 1 : 0;
		if (w->crlf == 4) {
			w->head_end = w->seen + i + 1;
			w->crlf = 0;
		}
	}
}

/* Frames: the headers' bytes one by one, the payloads passed over whole. */
static void read_frames(watch *w, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && !w->unmasked) {
		if (w->state == SKIPPING) {
			uint64_t step = w->left < n - i ? w->left : n - i;

			i += (size_t)step;
			w->left -= step;
			if (!w->left)
				w->state = AT_FIRST;
			continue;
		}
		if (w->state == AT_FIRST) {
			w->state = AT_LENGTH;
		} else if (w->state == AT_LENGTH) {
			w->unmasked = !(p[i] & 0x80);
			w->left = p[i] & 0x7f;
			w->need = w->left == 126 ? 2 : w->left == 127 ? 8 : 0;
			if (w->need)
				w->left = 0;
			w->state = w->need ? AT_EXTENDED : SKIPPING;
		} else { /* AT_EXTENDED */
			w->left = w->left << 8 | p[i];
			if (--w->need == 0)
				w->state = SKIPPING;
		}
		if (w->state == SKIPPING)
			w->left += 4; /* the mask key */
		i++;
	}
}

/* Notes n bytes the library received on a watched socket, in plain text. */
static void note(watch *w, const void *buf, size_t n)
{
	if (w->frames)
		read_frames(w, buf, n);
	else
		read_http(w, buf, n);
	w->seen += (uint64_t)n;
}

/* The C library's recv(), through the kernel, and noted for a watched socket not under TLS. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n = (ssize_t)syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
	watch *w = n > 0 && !(flags & MSG_PEEK) ? watch_of(fd) : NULL;

	if (w && !w->tls)
		note(w, buf, (size_t)n);
	return n;
}

typedef int (*ssl_read_fn)(SSL *, void *, int);
typedef int (*ssl_get_fd_fn)(const SSL *);

static ssl_read_fn real_read;
static ssl_get_fd_fn real_get_fd;
static pthread_once_t found = PTHREAD_ONCE_INIT;

/* OpenSSL's own SSL_read() and SSL_get_fd(), the next definitions after this program's. */
static void find_openssl(void)
{
	*(void **)&real_read = dlsym(RTLD_NEXT, "SSL_read");
	*(void **)&real_get_fd = dlsym(RTLD_NEXT, "SSL_get_fd");
}

/* OpenSSL's SSL_read(), and for a watched socket its bytes noted: they are the plain text. */
int SSL_read(SSL *ssl, void *buf, int num)
{
	watch *w;
	int n;

	pthread_once(&found, find_openssl);
	if (!real_read)
		return -1;
	n = real_read(ssl, buf, num);
	w = n > 0 && real_get_fd ? watch_of(real_get_fd(ssl)) : NULL;
	if (w) {
		if (!w->tls) { /* the handshake's bytes, if recv() saw them, were no request */
			w->tls = 1;
			w->seen = w->head_end = 0;
			w->crlf = 0;
		}
		note(w, buf, (size_t)n);
	}
	return n;
}
