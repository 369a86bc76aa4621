/* client: the benchmark's websocket sessions, all on one libwebsockets client context (one
 * thread, like the server). Each session connects, opens a plan of its own, and then types
 * (saves answers, each sent when the last is acknowledged) or narrates (narrator.c). The lws
 * callback is a dispatcher: a whole message goes to sess_message(), audio bytes to narrator.c,
 * and a writable callback sends the session's one queued message. */
#include "bench.h"

#include "wsclient.h" /* the tests' readers for the server's JSON replies */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNECTING 32 /* handshakes in flight at once, so the listen queue never overflows */

void bench_fail(bench *b, const char *fmt, ...)
{
	va_list ap;

	if (b->phase == PH_FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(b->fail, sizeof(b->fail), fmt, ap);
	va_end(ap);
	b->phase = PH_FAILED;
	if (b->ctx)
		lws_cancel_service(b->ctx);
}

void sess_queue(sess *s, enum out_kind kind, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)s->out + LWS_PRE, OUT_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= OUT_MAX) {
		bench_fail(s->b, "a message did not fit in the send buffer");
		return;
	}
	if (s->out_pending) {
		bench_fail(s->b, "session %u: a message was queued before the last one went",
			   s->index);
		return;
	}
	s->out_len = (size_t)n;
	s->out_pending = 1;
	s->out_kind = kind;
	lws_callback_on_writable(s->wsi);
}

void sess_save(sess *s)
{
	bench *b = s->b;

	if (b->phase >= PH_DRAIN || s->state != SS_TYPING || now_ns() >= b->t_end)
		return;
	typist_type(&s->t);
	sess_queue(s, OUT_SAVE,
		   "{\"type\":\"answer\",\"seq\":%llu,\"page\":\"" ANSWER_PAGE
		   "\",\"value\":\"%s\"}",
		   ++s->seq, s->t.value);
}

void think_done(lws_sorted_usec_list_t *sul)
{
	sess_save(lws_container_of(sul, sess, think));
}

static void sess_after_ack(sess *s)
{
	if (s->b->think_ms > 0)
		lws_sul_schedule(s->b->ctx, 0, &s->think, think_done,
				 (lws_usec_t)s->b->think_ms * LWS_US_PER_MS);
	else
		sess_save(s);
}

static void connect_more(bench *b)
{
	while (b->phase == PH_SETUP && b->next_connect < b->n && b->connecting < MAX_CONNECTING) {
		sess *s = &b->s[b->next_connect++];
		struct lws_client_connect_info ci;

		memset(&ci, 0, sizeof(ci));
		ci.context = b->ctx;
		ci.address = "127.0.0.1";
		ci.port = b->port;
		ci.path = "/ws";
		ci.host = "127.0.0.1";
		ci.ssl_connection = 0;
		ci.protocol = "planaloud";
		ci.local_protocol_name = "planaloud";
		ci.userdata = s;
		ci.pwsi = &s->wsi;
		s->state = SS_CONNECTING;
		b->connecting++;
		if (!lws_client_connect_via_info(&ci) && s->state == SS_CONNECTING) {
			/* failed before any callback said so */
			s->state = SS_CLOSED;
			b->connecting--;
			bench_fail(b, "cannot connect to 127.0.0.1:%d", b->port);
		}
	}
}

/* `saved` for the save in flight: its latency counts when it was sent in a measured window. */
static void sess_saved(sess *s)
{
	bench *b = s->b;
	uint64_t now = now_ns(), lat = now - s->sent_at;

	s->inflight = 0;
	b->inflight--;
	b->acks_total++;
	if (b->t_split && s->sent_at >= b->t_split && s->sent_at < b->t_end) {
		/* narrate: the second half, beside narration */
		if (samples_add(&b->lat_b, lat)) {
			bench_fail(b, "out of memory for the latency samples");
			return;
		}
	} else if (s->sent_at >= b->t_measure && s->sent_at < b->t_end) {
		if (samples_add(&b->lat, lat)) {
			bench_fail(b, "out of memory for the latency samples");
			return;
		}
		if (lat > b->max_lat) {
			b->max_lat = lat;
			b->max_at = s->sent_at - b->t_measure;
			b->max_session = s->index;
		}
	}
	sess_after_ack(s);
}

/* An `error`: a refused save is counted and typing goes on; anything else fails the run. */
static void sess_error(sess *s, const cJSON *m, unsigned long long seq)
{
	bench *b = s->b;
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "code");

	b->errors++;
	if (!b->first_error[0])
		snprintf(b->first_error, sizeof(b->first_error), "%s (session %u, seq %llu)",
			 cJSON_IsString(code) ? code->valuestring : "?", s->index, seq);
	if (s->narrator) {
		bench_fail(b, "session %u: the server answered a narration step with error %s",
			   s->index, cJSON_IsString(code) ? code->valuestring : "?");
	} else if (s->state == SS_TYPING && s->inflight && seq == s->inflight) {
		/* the save was refused: keep typing, the error is reported */
		s->inflight = 0;
		b->inflight--;
		sess_after_ack(s);
	} else if (s->state != SS_TYPING) {
		bench_fail(b, "session %u: the server answered with error %s while opening a plan",
			   s->index, cJSON_IsString(code) ? code->valuestring : "?");
	}
}

/* `hello`: the first voice and whether "normal" is a speed, for narrating. */
static void sess_hello(sess *s, const cJSON *m)
{
	bench *b = s->b;
	const cJSON *speeds = json_at(m, "speeds"), *sp;
	const char *first = json_str(m, "voices.0.name");

	s->got_hello = 1;
	if (!b->voice[0] && first && strlen(first) < sizeof(b->voice) && !strpbrk(first, "\"\\"))
		snprintf(b->voice, sizeof(b->voice), "%s", first);
	cJSON_ArrayForEach(sp, speeds)
	{
		if (cJSON_IsString(sp) && !strcmp(sp->valuestring, "normal"))
			b->has_normal = 1;
	}
}

/* The new plan's page: the session is ready; a narrator starts its first narration's steps. */
static void sess_plan_opened(sess *s)
{
	bench *b = s->b;

	s->state = SS_READY;
	b->ready++;
	if (!s->narrator)
		return;
	if (!b->voice[0] || !b->has_normal) {
		bench_fail(b, "the server's hello lists no voices or no normal speed: is narration "
			      "off?");
		return;
	}
	s->state = SS_NARRATING;
	nar_prepare(s);
}

/* One whole message from the server. */
static void sess_message(sess *s, const char *text, size_t len)
{
	bench *b = s->b;
	cJSON *m = cJSON_ParseWithLength(text, len);
	const char *type = json_str(m, "type");
	unsigned long long seq = (unsigned long long)json_num(m, "seq", 0);

	if (!type)
		type = "";
	if (!cJSON_IsObject(m)) {
		bench_fail(b, "session %u: the server sent something that is not a JSON object",
			   s->index);
		goto out;
	}
	if (s->narrator && s->state == SS_NARRATING && nar_message(s, m, type, seq))
		goto out;
	if (!strcmp(type, "saved") && s->state == SS_TYPING && s->inflight && seq == s->inflight) {
		sess_saved(s);
	} else if (!strcmp(type, "error")) {
		sess_error(s, m, seq);
	} else if (!strcmp(type, "hello")) {
		sess_hello(s, m);
	} else if (!strcmp(type, "page") && s->state == SS_WELCOME && s->got_hello) {
		/* the welcome page: start a plan of this session's own (after the page's secret, as
		 * the page sends it, when the run holds resume tokens) */
		s->state = SS_PLAN;
		if (b->resume_tokens)
			sess_queue(s, OUT_KEY, "{\"type\":\"resume_key\",\"key\":\"%042uA\"}",
				   s->index);
		else
			sess_queue(s, OUT_PLAIN, "{\"type\":\"new_plan\",\"seq\":%llu}", ++s->seq);
	} else if (!strcmp(type, "resume_token") && b->resume_tokens) {
		b->tokens++; /* kept by the server; every save now moves its expiry on */
	} else if (!strcmp(type, "page") && s->state == SS_PLAN && seq == s->seq) {
		sess_plan_opened(s);
	} else {
		b->unexpected++;
	}
out:
	cJSON_Delete(m);
}

/* Bytes of a message from the server: text is gathered until the message is whole; audio goes
 * to narrator.c as it comes. -1 closes the connection. */
static int sess_receive(sess *s, struct lws *wsi, const unsigned char *in, size_t len)
{
	bench *b = s->b;
	uint64_t at = now_ns();
	int last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);

	if (!s->rx_in_msg) { /* the first bytes of a message */
		s->rx_in_msg = 1;
		s->rx_binary = lws_frame_is_binary(wsi);
		buf_reset(&s->rx);
		s->rx_head_len = 0;
		s->rx_frame_bytes = 0;
		if (s->rx_binary && (s->ns != NS_AUDIO || !s->nar_got_json || !s->nar_sent)) {
			bench_fail(b, "session %u: audio that nothing announced", s->index);
			return -1;
		}
	}
	if (s->rx_binary) {
		nar_audio_bytes(s, in, len, at);
	} else if (buf_append(&s->rx, in, len)) {
		bench_fail(b, "out of memory");
		return -1;
	}
	if (last) {
		s->rx_in_msg = 0;
		if (s->rx_binary) {
			nar_frame_done(s);
		} else {
			sess_message(s, buf_str(&s->rx), s->rx.len);
			buf_reset(&s->rx);
		}
	}
	return 0;
}

/* The session may write: its one queued message goes, and the clock starts. */
static int sess_writeable(sess *s, struct lws *wsi)
{
	bench *b = s->b;

	if (!s->out_pending)
		return 0;
	s->out_pending = 0;
	if (s->out_kind == OUT_SAVE) {
		s->sent_at = now_ns();
		s->inflight = s->seq;
		b->inflight++;
	} else if (s->out_kind == OUT_NARRATE) {
		s->nar_sent = now_ns();
	}
	if (lws_write(wsi, s->out + LWS_PRE, s->out_len, LWS_WRITE_TEXT) < (int)s->out_len) {
		bench_fail(b, "session %u: sending failed", s->index);
		return -1;
	}
	if (s->out_kind == OUT_KEY) /* no reply comes: the plan is asked for next */
		sess_queue(s, OUT_PLAIN, "{\"type\":\"new_plan\",\"seq\":%llu}", ++s->seq);
	return 0;
}

static int callback_bench(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
			  size_t len)
{
	sess *s = user;
	bench *b;

	if (!s) /* context-wide callbacks: nothing to do */
		return 0;
	b = s->b;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (s->state == SS_CONNECTING)
			b->connecting--;
		s->state = SS_CLOSED;
		s->wsi = NULL;
		bench_fail(b, "session %u could not connect to 127.0.0.1:%d: %s", s->index, b->port,
			   in ? (const char *)in : "no reason given");
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		b->connecting--;
		b->connected++;
		s->state = SS_WELCOME;
		connect_more(b);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return sess_receive(s, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return sess_writeable(s, wsi);
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (s->state != SS_CLOSED && b->phase < PH_DONE)
			bench_fail(b, "the server closed session %u", s->index);
		if (s->inflight) {
			s->inflight = 0;
			b->inflight--;
			b->unanswered++;
		}
		s->state = SS_CLOSED;
		s->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols bench_protocols[] = {
    {"planaloud", callback_bench, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

int bench_run(bench *b)
{
	struct lws_context_creation_info info;
	int rc = -1;

	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = bench_protocols;
	/* No fd_limit_per_thread: below the open-file limit it turns lws's lookup of a connection
	 * by its socket into a walk over every slot, on every event (lws 4.1 wsi_from_fd), and the
	 * clients would spend the CPUs' time the server is measured on. */
	if (b->mode != MODE_SAVE)
		/* lws reads at most this much from a connection per turn of the loop (4 KiB by
		 * default): the audio frames would then crawl in behind 200 typists' replies,
		 * which a browser's socket reads do not do */
		info.pt_serv_buf_size = 65536;
	info.user = b;
	b->ctx = lws_create_context(&info);
	if (!b->ctx) {
		bench_fail(b, "libwebsockets could not start a client context");
		return -1;
	}
	bench_signals_wake(b->ctx);
	b->setup_deadline = now_ns() + SETUP_TIMEOUT_NS;
	if (b->mode == MODE_SAVE)
		b->n_typists = b->n;
	for (unsigned i = 0; i < b->n; i++) {
		b->s[i].b = b;
		b->s[i].index = i;
		b->s[i].narrator = i >= b->n_typists;
		buf_init(&b->s[i].rx);
		typist_init(&b->s[i].t, i);
	}
	connect_more(b);
	lws_sul_schedule(b->ctx, 0, &b->tick, tick, TICK_US);
	while (b->phase < PH_DONE)
		if (lws_service(b->ctx, 0) < 0) {
			bench_fail(b, "the libwebsockets service loop failed");
			break;
		}
	rc = b->phase == PH_DONE ? 0 : -1;
	bench_signals_wake(NULL);
	lws_context_destroy(b->ctx); /* closes every connection */
	b->ctx = NULL;
	for (unsigned i = 0; i < b->n; i++)
		buf_release(&b->s[i].rx);
	return rc;
}

void bench_release(bench *b)
{
	samples *all[] = {&b->lat,
			  &b->lat_b,
			  &b->nar_uncached,
			  &b->nar_cached,
			  &b->nar_uncached_json,
			  &b->nar_cached_json,
			  &b->nar_uncached_all,
			  &b->nar_cached_all,
			  &b->nar_uncached_frames,
			  &b->nar_cached_frames,
			  &b->nar_uncached_first_bytes,
			  &b->nar_load,
			  &b->nar_load_all};

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		free(all[i]->v);
		*all[i] = (samples){0};
	}
	free(b->s);
	b->s = NULL;
}
