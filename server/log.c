#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static log_sink_fn sink;
static void *sink_ctx;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

static _Atomic int min_level = LOG_INFO;
static _Atomic unsigned long long last_request, last_connection;
/* the loop thread's current request (0: none) and its connection */
static _Thread_local unsigned long long current_req, current_conn;

void log_set_level(log_level level)
{
	min_level = (int)level;
}

int log_enabled(log_level level)
{
	return (int)level >= min_level;
}

int log_level_parse(const char *name, log_level *out)
{
	for (int i = LOG_DEBUG; i <= LOG_ERROR; i++)
		if (strcmp(name, level_names[i]) == 0) {
			*out = (log_level)i;
			return 0;
		}
	return -1;
}

unsigned long long log_request_begin(unsigned long long conn)
{
	current_conn = conn;
	current_req = ++last_request;
	return current_req;
}

void log_request_resume(unsigned long long conn, unsigned long long req)
{
	current_conn = conn;
	current_req = req;
}

void log_request_end(void)
{
	current_conn = current_req = 0;
}

unsigned long long log_connection_number(void)
{
	return ++last_connection;
}

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
	int n;

	if (!log_enabled(level))
		return;
	n = snprintf(line, sizeof(line), "level=%s event=%s",
		     level_names[level <= LOG_ERROR ? level : LOG_ERROR], event);

	if (fmt && n > 0 && (size_t)n + 1 < sizeof(line)) {
		va_list ap;

		line[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	n = (int)strlen(line);
	if (current_conn && (size_t)n + 1 < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " conn=%llu", current_conn);
	if (current_req && n > 0 && (size_t)n + 1 < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " req=%llu", current_req);
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
