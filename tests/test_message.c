/* message: every message from a browser is bounded before anything trusts it. A message that is
 * not valid UTF-8, nests too deep, is not exactly one JSON object as RFC 8259 writes it (a control
 * byte or a NUL in it, raw or as \u0000, included), carries a seq that is not a whole number, or
 * comes in a binary frame is refused with the error
 * code the browser shows the person's words for; one over MESSAGE_MAX_BYTES with "too-big". A
 * message that passes is routed by its type through the protocol's table: admitted or refused
 * before its handler runs, its result settled after, and every failure answered once, with the
 * request's seq. */
#include "check.h"
#include "message.h"

#define DEPTH 8

/* message_parse on a C string; *code is "" when it parsed. */
static cJSON *parse(const char *text, int binary, long long *seq, const char **code)
{
	*code = "";
	return message_parse(text, strlen(text), binary, DEPTH, seq, code);
}

/* The error code parsing text gives, or "" when it parses (the object is freed). */
static const char *refusal(const char *text)
{
	long long seq;
	const char *code;
	cJSON *m = parse(text, 0, &seq, &code);

	cJSON_Delete(m);
	return code;
}

/* "[[[...1...]]]" nested n deep inside {"type":"x","v": ... }: depth n + 1 in all. */
static char *nested(int n)
{
	size_t len = 20 + 2 * (size_t)n, at = 0;
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	at += (size_t)snprintf(s, len + 1, "{\"type\":\"x\",\"v\":");
	for (int i = 0; i < n; i++)
		s[at++] = '[';
	s[at++] = '1';
	for (int i = 0; i < n; i++)
		s[at++] = ']';
	s[at++] = '}';
	s[at] = '\0';
	return s;
}

static void a_plain_message_should_parse_with_its_seq(void)
{
	long long seq = 99;
	const char *code;
	cJSON *m = parse("{\"type\":\"answer\",\"seq\":7,\"value\":\"Caf\xc3\xa9 \xe2\x98\x95\"}",
			 0, &seq, &code);

	CHECK(m != NULL);
	CHECK_STR(code, "");
	CHECK(seq == 7);
	CHECK_STR(message_str(m, "type"), "answer");
	CHECK_STR(message_str(m, "value"), "Caf\xc3\xa9 \xe2\x98\x95");
	cJSON_Delete(m);
}

static void a_message_without_seq_should_have_seq_minus_one(void)
{
	long long seq = 99;
	const char *code;
	cJSON *m = parse(" {\"type\":\"hello\"}\r\n", 0, &seq, &code);

	CHECK(m != NULL);
	CHECK(seq == -1);
	cJSON_Delete(m);
}

static void invalid_utf8_should_be_refused_as_bad_utf8(void)
{
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\xff\"}"), "bad-utf8");
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\xc3\"}"), "bad-utf8"); /* cut short */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\xc0\xaf\"}"),
		  "bad-utf8"); /* overlong */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\xed\xa0\x80\"}"),
		  "bad-utf8"); /* surrogate */
}

static void nesting_past_the_limit_should_be_refused_as_too_deep(void)
{
	char *ok = nested(DEPTH - 1), *deep = nested(DEPTH), *far = nested(10000);

	CHECK(ok && deep && far);
	if (ok && deep && far) {
		CHECK_STR(refusal(ok), "");
		CHECK_STR(refusal(deep), "too-deep");
		CHECK_STR(refusal(far), "too-deep"); /* refused before cJSON recurses into it */
	}
	free(ok);
	free(deep);
	free(far);
	/* brackets inside strings are words, not nesting */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"[[[[[[[[[[[[[[[[{{{{{{{{{{{\"}"), "");
}

static void anything_but_one_json_object_should_be_refused_as_bad_json(void)
{
	CHECK_STR(refusal(""), "bad-json");
	CHECK_STR(refusal("{\"type\":"), "bad-json");
	CHECK_STR(refusal("[\"type\"]"), "bad-json");
	CHECK_STR(refusal("\"hello\""), "bad-json");
	CHECK_STR(refusal("42"), "bad-json");
	CHECK_STR(refusal("null"), "bad-json");
	CHECK_STR(refusal("{\"type\":\"a\"}{\"type\":\"b\"}"), "bad-json"); /* two messages */
	CHECK_STR(refusal("{\"type\":\"a\"} x"), "bad-json");
}

/* The error code parsing len bytes of text gives (they may hold a NUL), or "" when they parse. */
static const char *refusal_of(const char *text, size_t len)
{
	long long seq;
	const char *code = "";
	cJSON *m = message_parse(text, len, 0, DEPTH, &seq, &code);

	cJSON_Delete(m);
	return code;
}

#define REFUSAL_OF(literal) refusal_of(literal, sizeof(literal) - 1)

static void a_nul_in_a_string_raw_or_escaped_should_be_refused_as_bad_json(void)
{
	/* cJSON would keep "a" and drop the rest: what is saved must be what was sent */
	CHECK_STR(REFUSAL_OF("{\"type\":\"answer\",\"value\":\"a\0b\"}"), "bad-json");
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"a\\u0000b\"}"), "bad-json");
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\\u0000\":\"a\"}"), "bad-json");
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\\u0000\"}"), "bad-json");
	/* an escaped backslash before u0000 is the words \u0000, not a NUL */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"\\\\u0000\"}"), "");
	/* other escapes of small code points are letters JSON allows, kept whole */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"a\\u0001\\u0100b\"}"), "");
}

static void a_raw_control_byte_should_be_refused_as_bad_json(void)
{
	char text[64];

	/* every byte below 0x20 inside a string (escaped, \n and \t are fine) */
	for (int ch = 1; ch < 0x20; ch++) {
		int n =
		    snprintf(text, sizeof(text), "{\"type\":\"answer\",\"value\":\"a%cb\"}", ch);

		CHECK_STR(refusal_of(text, (size_t)n), "bad-json");
	}
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"a\\nb\\tc\"}"), "");
	/* a backslash escaping a control byte */
	CHECK_STR(refusal("{\"type\":\"answer\",\"value\":\"a\\\nb\"}"), "bad-json");
	/* between tokens JSON allows only space, tab, CR and LF; cJSON would skip any of these */
	CHECK_STR(REFUSAL_OF("{\"type\":\0\"answer\"}"), "bad-json");
	CHECK_STR(refusal("{\"type\":\x01\"answer\"}"), "bad-json");
	CHECK_STR(refusal("\x1f{\"type\":\"answer\"}"), "bad-json");
	CHECK_STR(refusal("{\"type\":\"answer\"}\x0b"), "bad-json");
	CHECK_STR(REFUSAL_OF("{\"type\":\"answer\"}\0"), "bad-json");
	CHECK_STR(refusal(" \t{\r\n\"type\" : \"answer\"\n}\r\n"), "");
}

static void a_broken_seq_should_be_refused_as_bad_message(void)
{
	CHECK_STR(refusal("{\"type\":\"answer\",\"seq\":1.5}"), "bad-message");
	CHECK_STR(refusal("{\"type\":\"answer\",\"seq\":-1}"), "bad-message");
	CHECK_STR(refusal("{\"type\":\"answer\",\"seq\":\"3\"}"), "bad-message");
	CHECK_STR(refusal("{\"type\":\"answer\",\"seq\":1e300}"), "bad-message");
	CHECK_STR(refusal("{\"type\":\"answer\",\"seq\":0}"), "");
}

static void a_binary_frame_should_be_refused_whatever_it_holds(void)
{
	long long seq;
	const char *code;
	cJSON *m = parse("{\"type\":\"hello\",\"seq\":1}", 1, &seq, &code);

	CHECK(m == NULL);
	CHECK_STR(code, "bad-message");
	CHECK(seq == -1);
}

static void ids_should_be_whole_numbers_from_one(void)
{
	cJSON *m = cJSON_Parse("{\"a\":3,\"b\":0,\"c\":2.5,\"d\":\"4\",\"e\":9007199254740991,"
			       "\"f\":9007199254740992}");

	CHECK(message_id(m, "a") == 3);
	CHECK(message_id(m, "b") == -1);
	CHECK(message_id(m, "c") == -1);
	CHECK(message_id(m, "d") == -1);
	CHECK(message_id(m, "e") == 9007199254740991LL);
	CHECK(message_id(m, "f") == -1); /* past what a double holds exactly */
	CHECK(message_id(m, "missing") == 0);
	CHECK(message_str(m, "a") == NULL);
	cJSON_Delete(m);
}

static void a_failure_should_carry_its_code_and_one_filled_blank(void)
{
	message_error e;

	CHECK(message_fail(&e, "too-long", "limit", 500) == -1);
	CHECK_STR(e.code, "too-long");
	CHECK_STR(e.kv[0], "limit");
	CHECK_STR(e.kv[1], "500");
	CHECK(e.kv[2] == NULL);
	CHECK(message_fail(&e, "not-found", NULL, 0) == -1);
	CHECK_STR(e.code, "not-found");
	CHECK(e.kv[0] == NULL);
}

/* ---- routing: a pretend protocol that records what happened ---- */

typedef struct fake_session {
	message_error err;
	int ran;	    /* the handler ran */
	int admit_refuses;  /* admit says no with this code */
	int handler_fails;  /* the handler returns -1 (with a code, when 2) */
	int done_fails;	    /* done turns success into failure ("not-saved") */
	unsigned need_seen; /* what admit was asked to check */
	char replied[64];   /* the error code replied, or "" */
	long long replied_seq;
	int replies;
	char value[32]; /* the first {name}'s value, when one was filled */
} fake_session;

static int fake_handler(void *v, const cJSON *m, long long seq)
{
	fake_session *s = v;

	(void)m;
	(void)seq;
	s->ran++;
	if (s->handler_fails == 2)
		return message_fail(&s->err, "bad-field", NULL, 0);
	return s->handler_fails ? -1 : 0;
}

static int fake_admit(void *v, const message_route *r, message_error *e)
{
	fake_session *s = v;

	s->need_seen = r->need;
	return s->admit_refuses ? message_fail(e, "no-plan", NULL, 0) : 0;
}

static int fake_done(void *v, const message_route *r, int rc, message_error *e)
{
	fake_session *s = v;

	(void)r;
	if (!rc && s->done_fails)
		return message_fail(e, "not-saved", NULL, 0);
	return rc;
}

static void fake_reply_error(void *v, const message_error *e, long long seq)
{
	fake_session *s = v;

	snprintf(s->replied, sizeof(s->replied), "%s", e->code ? e->code : "(none)");
	snprintf(s->value, sizeof(s->value), "%s", e->kv[0] ? e->kv[1] : "");
	s->replied_seq = seq;
	s->replies++;
}

static const message_route fake_routes[] = {
    {"answer", fake_handler, 7},
    {"go", fake_handler, 0},
};

static const message_protocol fake_protocol = {fake_routes, 2, fake_admit, fake_done,
					       fake_reply_error};

static void handle(fake_session *s, const char *text)
{
	message_handle(&fake_protocol, s, &s->err, text, strlen(text), 0);
}

static void a_known_type_should_reach_its_handler_after_admit_with_no_reply(void)
{
	fake_session s = {0};

	handle(&s, "{\"type\":\"answer\",\"seq\":4}");
	CHECK(s.ran == 1);
	CHECK(s.need_seen == 7);
	CHECK(s.replies == 0);
	CHECK(message_route_find(&fake_protocol, "go") == &fake_routes[1]);
	CHECK(message_route_find(&fake_protocol, "gone") == NULL);
	CHECK(message_route_find(&fake_protocol, NULL) == NULL);
}

static void an_unknown_or_missing_type_should_be_refused_with_its_seq(void)
{
	fake_session s = {0};

	handle(&s, "{\"type\":\"delete-everything\",\"seq\":9}");
	CHECK(s.ran == 0);
	CHECK_STR(s.replied, "unknown-type");
	CHECK(s.replied_seq == 9);
	s = (fake_session){0};
	handle(&s, "{\"seq\":3}");
	CHECK_STR(s.replied, "unknown-type");
	CHECK(s.replied_seq == 3);
}

static void a_message_admit_refuses_should_not_reach_its_handler(void)
{
	fake_session s = {.admit_refuses = 1};

	handle(&s, "{\"type\":\"answer\",\"seq\":5}");
	CHECK(s.ran == 0);
	CHECK_STR(s.replied, "no-plan");
	CHECK(s.replied_seq == 5);
	CHECK(s.replies == 1);
}

static void a_failed_handler_should_be_answered_once_with_its_code_or_server(void)
{
	fake_session s = {.handler_fails = 2};

	handle(&s, "{\"type\":\"go\",\"seq\":1}");
	CHECK_STR(s.replied, "bad-field");
	CHECK(s.replies == 1);
	s = (fake_session){.handler_fails = 1};
	handle(&s, "{\"type\":\"go\",\"seq\":2}");
	CHECK_STR(s.replied, "server"); /* a failure nobody named is still answered */
	CHECK(s.replied_seq == 2);
}

static void done_should_settle_the_result_a_write_that_was_not_kept_fails(void)
{
	fake_session s = {.done_fails = 1};

	handle(&s, "{\"type\":\"answer\",\"seq\":6}");
	CHECK(s.ran == 1);
	CHECK_STR(s.replied, "not-saved");
	CHECK(s.replied_seq == 6);
}

static void a_bad_message_should_be_answered_without_a_seq(void)
{
	fake_session s = {0};

	handle(&s, "{\"type\":\"go\",\"seq\":1");
	CHECK_STR(s.replied, "bad-json");
	CHECK(s.replied_seq == -1);
	CHECK(s.ran == 0);
}

static void a_message_over_the_limit_should_be_refused_as_too_big_naming_the_limit(void)
{
	fake_session s = {0};
	size_t n = MESSAGE_MAX_BYTES + 1;
	char *big = malloc(n + 1);
	char limit[32];

	memset(big, ' ', n);
	memcpy(big, "{\"type\":\"go\"}", 13);
	big[n] = '\0';
	message_handle(&fake_protocol, &s, &s.err, big, n, 0);
	snprintf(limit, sizeof(limit), "%d", MESSAGE_MAX_BYTES);
	CHECK_STR(s.replied, "too-big");
	CHECK_STR(s.value, limit);
	CHECK(s.ran == 0);
	/* exactly at the limit it is read (white space after one object is allowed) */
	s = (fake_session){0};
	message_handle(&fake_protocol, &s, &s.err, big, n - 1, 0);
	CHECK(s.ran == 1);
	CHECK(s.replies == 0);
	free(big);
}

int main(void)
{
	RUN(a_plain_message_should_parse_with_its_seq);
	RUN(a_message_without_seq_should_have_seq_minus_one);
	RUN(invalid_utf8_should_be_refused_as_bad_utf8);
	RUN(nesting_past_the_limit_should_be_refused_as_too_deep);
	RUN(anything_but_one_json_object_should_be_refused_as_bad_json);
	RUN(a_nul_in_a_string_raw_or_escaped_should_be_refused_as_bad_json);
	RUN(a_raw_control_byte_should_be_refused_as_bad_json);
	RUN(a_broken_seq_should_be_refused_as_bad_message);
	RUN(a_binary_frame_should_be_refused_whatever_it_holds);
	RUN(ids_should_be_whole_numbers_from_one);
	RUN(a_failure_should_carry_its_code_and_one_filled_blank);
	RUN(a_known_type_should_reach_its_handler_after_admit_with_no_reply);
	RUN(an_unknown_or_missing_type_should_be_refused_with_its_seq);
	RUN(a_message_admit_refuses_should_not_reach_its_handler);
	RUN(a_failed_handler_should_be_answered_once_with_its_code_or_server);
	RUN(done_should_settle_the_result_a_write_that_was_not_kept_fails);
	RUN(a_bad_message_should_be_answered_without_a_seq);
	RUN(a_message_over_the_limit_should_be_refused_as_too_big_naming_the_limit);
	return check_report();
}
