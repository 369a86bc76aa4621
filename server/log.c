#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static log_sink_fn sink;
static void *sink_ctx;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_sink(log_sink_fn fn, void *ctx)
{
	pthread_mutex_lock(&sink_lock);
	sink = fn;
	sink_ctx = ctx;
	pthread_mutex_unlock(&sink_lock);
}

const char *log_value(const char *value, char *out, unsigned long outlen)
{
	int quote = !*value || strpbrk(value, " \"=") != NULL;
	unsigned long n = 0;

	if (outlen < 3) {
		if (outlen)
			out[0] = '\0';
		return out;
	}
	if (quote)
		out[n++] = '"';
	for (const char *p = value; *p && n + 2 < outlen; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\') {
			if (n + 3 >= outlen)
				break;
			out[n++] = '\\';
		}
		out[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	if (quote)
		out[n++] = '"';
	out[n] = '\0';
	return out;
}

void log_event(log_level level, const char *event, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES];
	int n = snprintf(line, sizeof(line), "level=%s event=%s",
			 level_names[level <= LOG_ERROR ? level : LOG_ERROR], event);

	if (fmt && n > 0 && (size_t)n + 1 < sizeof(line)) {
		va_list ap;

		line[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	for (char *p = line; *p; p++) /* one event, one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	pthread_mutex_lock(&sink_lock);
	if (sink)
		sink(sink_ctx, level, line);
	else
		fprintf(stderr, "%s\n", line);
	pthread_mutex_unlock(&sink_lock);
}
