#include "message.h"

#include "log.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* What a scan of the raw JSON text finds before cJSON parses it. */
typedef struct json_scan {
	int depth; /* deepest nesting, counting brackets outside strings (stops past the limit) */
	int bad;   /* a byte RFC 8259 does not allow where it is, which cJSON would let through */
} json_scan;

/* 1 when the escape at s[i] (a backslash inside a string) is \u0000, which cJSON would turn
 * into a NUL ending the C string, or escapes a control byte. */
static int bad_escape(const char *s, size_t len, size_t i)
{
	return (len - i > 1 && (unsigned char)s[i + 1] < 0x20) ||
	       (len - i > 5 && s[i + 1] == 'u' && memcmp(s + i + 2, "0000", 4) == 0);
}

/* cJSON takes every byte below 0x21 for white space between tokens, and copies control bytes
 * (a NUL too, cutting the C string short) into strings; JSON allows neither. The scan refuses
 * them, and \u0000, so that what is acknowledged is exactly what was sent. */
static json_scan scan_json(const char *s, size_t len, int limit)
{
	json_scan r = {0, 0};
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 && (in_str || (ch != '\t' && ch != '\n' && ch != '\r'))) {
			r.bad = 1;
			return r;
		}
		if (in_str) {
			if (ch == '\\') {
				if (bad_escape(s, len, i)) {
					r.bad = 1;
					return r;
				}
				i++;
			} else if (ch == '"') {
				in_str = 0;
			}
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '[' || ch == '{') {
			if (++depth > r.depth && (r.depth = depth) > limit)
				return r;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return r;
}

/* Parses exactly one JSON value filling the whole message (white space aside). */
static cJSON *parse_whole(const char *msg, size_t len)
{
	const char *end = NULL;
	cJSON *m = cJSON_ParseWithLengthOpts(msg, len, &end, 0);

	if (!m)
		return NULL;
	while (end < msg + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end != msg + len) {
		cJSON_Delete(m);
		return NULL;
	}
	return m;
}

cJSON *message_parse(const char *msg, size_t len, int binary, int max_depth, long long *seq,
		     const char **code)
{
	json_scan scan;
	const cJSON *seqv;
	cJSON *m;

	*seq = -1;
	if (binary) {
		*code = "bad-message";
		return NULL;
	}
	if (!utf8_valid(msg, len)) {
		*code = "bad-utf8";
		return NULL;
	}
	scan = scan_json(msg, len, max_depth);
	if (scan.depth > max_depth) {
		*code = "too-deep";
		return NULL;
	}
	m = scan.bad ? NULL : parse_whole(msg, len);
	if (!cJSON_IsObject(m)) {
		*code = "bad-json";
		cJSON_Delete(m);
		return NULL;
	}
	seqv = cJSON_GetObjectItemCaseSensitive(m, "seq");
	if (seqv && !message_whole(seqv, 0)) {
		*code = "bad-message";
		cJSON_Delete(m);
		return NULL;
	}
	if (seqv)
		*seq = (long long)seqv->valuedouble;
	return m;
}

const char *message_str(const cJSON *m, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int message_whole(const cJSON *v, double min)
{
	return cJSON_IsNumber(v) && v->valuedouble >= min && v->valuedouble <= 9007199254740991.0 &&
	       floor(v->valuedouble) == v->valuedouble;
}

long long message_id(const cJSON *m, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name);

	if (!v)
		return 0;
	return message_whole(v, 1) ? (long long)v->valuedouble : -1;
}

int message_fail(message_error *e, const char *code, const char *name, long long value)
{
	e->code = code;
	e->kv[0] = NULL;
	if (name) {
		snprintf(e->value, sizeof(e->value), "%lld", value);
		e->kv[0] = name;
		e->kv[1] = e->value;
		e->kv[2] = NULL;
	}
	return -1;
}

const message_route *message_route_find(const message_protocol *mp, const char *type)
{
	for (size_t i = 0; type && i < mp->nroutes; i++)
		if (strcmp(mp->routes[i].type, type) == 0)
			return &mp->routes[i];
	return NULL;
}

void message_handle(const message_protocol *mp, void *session, message_error *e, const char *msg,
		    size_t len, int binary)
{
	const message_route *r;
	const char *code = NULL;
	long long seq = -1;
	cJSON *m;
	int rc;

	*e = (message_error){0};
	if (len > MESSAGE_MAX_BYTES) {
		message_too_big(mp, session, e);
		return;
	}
	m = message_parse(msg, len, binary, MESSAGE_MAX_DEPTH, &seq, &code);
	if (!m) {
		message_fail(e, code, NULL, 0);
		mp->reply_error(session, e, -1);
		return;
	}
	r = message_route_find(mp, message_str(m, "type"));
	if (!r)
		rc = message_fail(e, "unknown-type", NULL, 0);
	else if (mp->admit && mp->admit(session, r, e))
		rc = -1;
	else {
		rc = r->fn(session, m, seq);
		if (mp->done)
			rc = mp->done(session, r, rc, e);
	}
	if (rc) {
		if (!e->code)
			message_fail(e, "server", NULL, 0);
		mp->reply_error(session, e, seq);
	}
	/* the type from our own table, never the message's text */
	log_event(LOG_DEBUG, "message", "type=%s result=%s", r ? r->type : "unknown",
		  rc ? e->code : "ok");
	cJSON_Delete(m);
}

void message_too_big(const message_protocol *mp, void *session, message_error *e)
{
	message_fail(e, "too-big", "limit", MESSAGE_MAX_BYTES);
	mp->reply_error(session, e, -1);
}

void message_add_seq(cJSON *msg, long long seq)
{
	if (seq >= 0)
		cJSON_AddNumberToObject(msg, "seq", (double)seq);
}
