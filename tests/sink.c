/* sink: SMTP and HTTP servers that keep what they are sent (sink.h). */
#include "sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MESSAGES 16
#define MAX_BYTES    (256 * 1024)

struct sink {
	sink_kind kind;
	int fd, port;
	pthread_t thread;
	atomic_int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *messages[MAX_MESSAGES];
	int n;
};

/* One connection's bytes, read a line (or a body) at a time. */
typedef struct conn {
	int fd;
	char buf[MAX_BYTES];
	size_t len;
	char line[8192];
} conn;

static int fill(sink *k, conn *c)
{
	struct pollfd p = {c->fd, POLLIN, 0};
	ssize_t n;

	while (!atomic_load(&k->stop)) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		if (c->len >= sizeof(c->buf))
			return -1;
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
		return 0;
	}
	return -1;
}

/* The next line without its CRLF into out. 0, or -1 when the connection ended. */
static int read_line(sink *k, conn *c, char *out, size_t outlen)
{
	char *nl;

	while (!(nl = memchr(c->buf, '\n', c->len)))
		if (fill(k, c))
			return -1;
	{
		size_t n = (size_t)(nl - c->buf) + 1, keep = n - 1;

		if (keep && c->buf[keep - 1] == '\r')
			keep--;
		snprintf(out, outlen, "%.*s", (int)keep, c->buf);
		memmove(c->buf, c->buf + n, c->len - n);
		c->len -= n;
	}
	return 0;
}

static void say(conn *c, const char *text)
{
	ssize_t n = write(c->fd, text, strlen(text));

	(void)n;
}

static void keep(sink *k, char *text)
{
	pthread_mutex_lock(&k->mu);
	if (k->n < MAX_MESSAGES)
		k->messages[k->n++] = text;
	else
		free(text);
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

static void append(char **text, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *grown = realloc(*text, *len + n + 2);

	if (!grown)
		return;
	*text = grown;
	memcpy(*text + *len, line, n);
	*len += n;
	(*text)[(*len)++] = '\n';
	(*text)[*len] = '\0';
}

static void smtp(sink *k, conn *c)
{
	char *line = c->line, *text = NULL;
	size_t len = 0;

	say(c, "220 sink.test ESMTP\r\n");
	while (read_line(k, c, line, sizeof(c->line)) == 0) {
		if (!strncasecmp(line, "EHLO", 4) || !strncasecmp(line, "HELO", 4)) {
			say(c, "250-sink.test\r\n250 8BITMIME\r\n");
		} else if (!strncasecmp(line, "MAIL FROM:", 10) ||
			   !strncasecmp(line, "RCPT TO:", 8)) {
			append(&text, &len, line);
			say(c, "250 OK\r\n");
		} else if (!strcasecmp(line, "DATA")) {
			say(c, "354 Go ahead\r\n");
			append(&text, &len, "");
			while (read_line(k, c, line, sizeof(c->line)) == 0 &&
			       strcmp(line, ".") != 0)
				append(&text, &len, line[0] == '.' ? line + 1 : line);
			keep(k, text);
			text = NULL;
			len = 0;
			say(c, "250 OK queued\r\n");
		} else if (!strcasecmp(line, "QUIT")) {
			say(c, "221 Bye\r\n");
			break;
		} else if (!strcasecmp(line, "RSET") || !strcasecmp(line, "NOOP")) {
			say(c, "250 OK\r\n");
		} else {
			say(c, "502 Not here\r\n");
		}
	}
	free(text);
}

static void http(sink *k, conn *c)
{
	char *line = c->line, *text = NULL, *body;
	size_t len = 0, want = 0;

	while (read_line(k, c, line, sizeof(c->line)) == 0 && line[0]) {
		if (!strncasecmp(line, "Content-Length:", 15))
			want = strtoul(line + 15, NULL, 10);
		append(&text, &len, line);
	}
	append(&text, &len, "");
	while (c->len < want && want < sizeof(c->buf))
		if (fill(k, c))
			break;
	body = malloc(want + 1);
	if (body && c->len >= want) {
		memcpy(body, c->buf, want);
		body[want] = '\0';
		append(&text, &len, body);
		keep(k, text);
		text = NULL;
	}
	free(body);
	free(text);
	say(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

static void *serve(void *p)
{
	sink *k = p;
	conn *mine = malloc(sizeof(*mine)); /* one connection at a time */

	while (mine && !atomic_load(&k->stop)) {
		struct pollfd pf = {k->fd, POLLIN, 0};
		int fd;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		fd = accept(k->fd, NULL, NULL);
		if (fd < 0)
			continue;
		mine->fd = fd;
		mine->len = 0;
		if (k->kind == SINK_SMTP)
			smtp(k, mine);
		else
			http(k, mine);
		close(fd);
	}
	free(mine);
	return NULL;
}

sink *sink_open(sink_kind kind, int port)
{
	sink *k = calloc(1, sizeof(*k));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	socklen_t alen = sizeof(a);
	int one = 1;

	if (!k)
		return NULL;
	k->kind = kind;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	k->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (k->fd < 0 || setsockopt(k->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(k->fd, (struct sockaddr *)&a, sizeof(a)) || listen(k->fd, 8) ||
	    getsockname(k->fd, (struct sockaddr *)&a, &alen)) {
		fprintf(stderr, "sink: cannot listen on port %d: %s\n", port, strerror(errno));
		if (k->fd >= 0)
			close(k->fd);
		free(k);
		return NULL;
	}
	k->port = ntohs(a.sin_port);
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	if (pthread_create(&k->thread, NULL, serve, k)) {
		close(k->fd);
		free(k);
		return NULL;
	}
	return k;
}

int sink_port(const sink *k)
{
	return k->port;
}

int sink_wait(sink *k, int n, int timeout_ms)
{
	struct timespec until;
	int ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&k->mu);
	while (k->n < n && pthread_cond_timedwait(&k->cv, &k->mu, &until) == 0)
		;
	ok = k->n >= n;
	pthread_mutex_unlock(&k->mu);
	return ok;
}

int sink_count(sink *k)
{
	int n;

	pthread_mutex_lock(&k->mu);
	n = k->n;
	pthread_mutex_unlock(&k->mu);
	return n;
}

char *sink_message(sink *k, int i)
{
	char *copy = NULL;

	pthread_mutex_lock(&k->mu);
	if (i >= 0 && i < k->n)
		copy = strdup(k->messages[i]);
	pthread_mutex_unlock(&k->mu);
	return copy;
}

void sink_close(sink *k)
{
	if (!k)
		return;
	atomic_store(&k->stop, 1);
	pthread_join(k->thread, NULL);
	close(k->fd);
	for (int i = 0; i < k->n; i++)
		free(k->messages[i]);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	free(k);
}
