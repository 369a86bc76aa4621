/* fuzz_message: the wire envelope (message.c) on any bytes, as a browser's text frame: bounded,
 * parsed, routed through a small table of handlers that read fields as the real ones do, and
 * answered. A message the envelope accepts must print back to JSON that it accepts again, the
 * same: what was acknowledged is what was sent. */
#include "fuzz.h"
#include "message.h"

#include <stdlib.h>
#include <string.h>

typedef struct session {
	message_error err;
	int replies;
} session;

/* Reads what the real handlers read: strings, ids and whole numbers. */
static int read_fields(void *v, const cJSON *m, long long seq)
{
	const char *page = message_str(m, "page"), *value = message_str(m, "value");
	long long item = message_id(m, "item");
	session *s = v;

	if (seq < -1 || item < -1)
		abort();
	if (!page || !value)
		return message_fail(&s->err, "bad-message", NULL, 0);
	if (strlen(value) > 2000)
		return message_fail(&s->err, "too-long", "limit", 2000);
	return 0;
}

static int admit(void *v, const message_route *r, message_error *e)
{
	(void)v;
	return r->need ? message_fail(e, "no-plan", NULL, 0) : 0;
}

static int done(void *v, const message_route *r, int rc, message_error *e)
{
	(void)v;
	(void)r;
	(void)e;
	return rc;
}

static void reply_error(void *v, const message_error *e, long long seq)
{
	session *s = v;

	if (!e->code || seq < -1)
		abort();
	s->replies++;
}

static const message_route routes[] = {
    {"answer", read_fields, 0},
    {"go", read_fields, 0},
    {"send", read_fields, 1},
};

static const message_protocol protocol = {routes, 3, admit, done, reply_error};

/* A message the envelope accepted, printed and parsed again, must be accepted and print the
 * same. */
static void round_trip(const cJSON *m)
{
	char *once = cJSON_PrintUnformatted(m), *twice = NULL;
	const char *code = NULL;
	long long seq;
	cJSON *again;

	if (!once)
		return; /* out of memory */
	again = message_parse(once, strlen(once), 0, MESSAGE_MAX_DEPTH, &seq, &code);
	if (!again)
		abort(); /* refused what it had accepted */
	twice = cJSON_PrintUnformatted(again);
	if (twice && strcmp(once, twice) != 0)
		abort();
	free(twice);
	cJSON_Delete(again);
	free(once);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exactly sized copy: reading one byte past the message is caught */
	char *msg = malloc(size ? size : 1);
	const char *code = NULL;
	session s = {0};
	long long seq;
	cJSON *m;

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	m = message_parse(msg, size, 0, MESSAGE_MAX_DEPTH, &seq, &code);
	if (m) {
		if (code != NULL && *code)
			abort();
		round_trip(m);
		cJSON_Delete(m);
	} else if (!code) {
		abort(); /* refused without saying why */
	}
	message_handle(&protocol, &s, &s.err, msg, size, 0);
	if (s.replies > 1)
		abort(); /* every message is answered at most once */
	message_handle(&protocol, &s, &s.err, msg, size, 1);
	free(msg);
	return 0;
}
