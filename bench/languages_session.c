/* languages_session: one kiosk session in one language (`languages`), over the tests' blocking
 * websocket client: it chooses the language, then asks for short texts one at a time and times
 * each one's first audio frame. Every narration is checked: `narration` carries the seq asked
 * with, the id and an n, and says cached when it should; every binary frame is that n (4 bytes,
 * little-endian) and a whole number of 16-bit samples; `narration_words` carry the same n;
 * `narration_end` carries it too, and its samples are exactly the PCM that came; nothing failed,
 * no error, nothing else came in between. */
#include "languages_bench.h"
#include "wsclient.h"

#include <stdlib.h>
#include <string.h>

/* One narration as it comes. */
typedef struct heard {
	const char *id;
	unsigned long long seq;
	int want_cached; /* 1, 0, or -1: either */
	long long n;	 /* -1 until `narration` */
	size_t bytes;	 /* PCM bytes of its frames */
	unsigned frames;
	uint64_t first; /* when its first frame came; 0 before */
	int cached;	/* what `narration` said */
	int done;	/* `narration_end` came */
} heard;

static int heard_frame(heard *h, const unsigned char *d, size_t len, uint64_t at, char *err,
		       size_t errlen)
{
	uint32_t n;

	if (h->n < 0) {
		snprintf(err, errlen, "%s: an audio frame before its narration", h->id);
		return -1;
	}
	if (len < 4 || (len - 4) % 2) {
		snprintf(err, errlen, "%s: an audio frame of %zu bytes (an n, then whole samples?)",
			 h->id, len);
		return -1;
	}
	n = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	if (n != (uint32_t)h->n) {
		snprintf(err, errlen, "%s: an audio frame of narration %u in narration %lld", h->id,
			 n, h->n);
		return -1;
	}
	if (!h->first)
		h->first = at;
	h->bytes += len - 4;
	h->frames++;
	return 0;
}

/* The message's n, or -1 when it has none that fits in 32 bits. */
static long long msg_n(const cJSON *m)
{
	double n = json_num(m, "n", -1);

	return n >= 0 && n <= 4294967295.0 && n == (double)(uint32_t)n ? (long long)n : -1;
}

/* `narration`: which text, cached or not; its frames follow. */
static int heard_start(heard *h, const cJSON *m, char *err, size_t errlen)
{
	int cached = json_bool(m, "cached");

	if (h->n >= 0 || msg_n(m) < 0 || json_num(m, "sample_rate", 0) < 1 || cached < 0) {
		snprintf(err, errlen,
			 "%s: a second narration, or one without n, sample_rate or cached", h->id);
		return -1;
	}
	if (h->want_cached >= 0 && cached != h->want_cached) {
		snprintf(err, errlen, "%s came %s", h->id,
			 cached ? "from the cache" : "not from the cache");
		return -1;
	}
	h->n = msg_n(m);
	h->cached = cached;
	return 0;
}

/* `narration_end`: all the audio came, as much as it says. */
static int heard_end(heard *h, const cJSON *m, char *err, size_t errlen)
{
	double count = json_num(m, "samples", -1); /* of 16-bit audio */

	if (h->n < 0 || msg_n(m) != h->n) {
		snprintf(err, errlen, "%s: narration_end without its narration's n", h->id);
		return -1;
	}
	if (count < 1 || !h->frames || (double)h->bytes != count * 2) {
		snprintf(
		    err, errlen,
		    "%s: %zu bytes of audio in %u frames where narration_end said %.0f samples",
		    h->id, h->bytes, h->frames, count);
		return -1;
	}
	h->done = 1;
	return 0;
}

static int heard_json(heard *h, const char *text, char *err, size_t errlen)
{
	cJSON *m = cJSON_Parse(text);
	const char *type = json_str(m, "type"), *id = json_str(m, "id");
	int rc = -1;

	if (!type) {
		snprintf(err, errlen, "%s: a message that is not one: %.80s", h->id, text);
	} else if (!strcmp(type, "error")) {
		snprintf(err, errlen, "%s: the server answered with error %s", h->id,
			 json_str(m, "code") ? json_str(m, "code") : "?");
	} else if (strcmp(type, "narration") && strcmp(type, "narration_words") &&
		   strcmp(type, "narration_end")) {
		snprintf(err, errlen, "%s: a %s message in its narration", h->id, type);
	} else if (json_num(m, "seq", -1) != (double)h->seq) {
		snprintf(err, errlen, "%s: a %s of seq %.0f, not %llu", h->id, type,
			 json_num(m, "seq", -1), h->seq);
	} else if (json_bool(m, "failed") == 1) {
		snprintf(err, errlen, "%s: the narration failed (%s): %s", h->id, type,
			 json_str(m, "message") ? json_str(m, "message") : "no reason given");
	} else if (strcmp(type, "narration_words") && (!id || strcmp(id, h->id))) {
		snprintf(err, errlen, "%s: a %s for %s", h->id, type, id ? id : "no id");
	} else if (!strcmp(type, "narration")) {
		rc = heard_start(h, m, err, errlen);
	} else if (!strcmp(type, "narration_end")) {
		rc = heard_end(h, m, err, errlen);
	} else if (h->n < 0 || msg_n(m) != h->n) {
		snprintf(err, errlen, "%s: narration_words without its narration's n", h->id);
	} else {
		rc = 0;
	}
	cJSON_Delete(m);
	return rc;
}

/* Asks for id and reads the narration to its end: the time to its first audio frame in *ns,
 * whether it came from the cache in *cached. want_cached: 1 or 0 (else it fails), -1: either.
 * 0, or -1 with err. */
static int narrate_one(wsclient *c, const char *voice, const char *id, unsigned long long seq,
		       int want_cached, uint64_t *ns, int *cached, char *err, size_t errlen)
{
	char ask[512];
	heard h = {.id = id, .seq = seq, .want_cached = want_cached, .n = -1};
	uint64_t t0;

	snprintf(ask, sizeof(ask),
		 "{\"type\":\"narrate\",\"seq\":%llu,\"ids\":[\"%s\"],\"voice\":\"%s\","
		 "\"speed\":\"normal\"}",
		 seq, id, voice);
	t0 = now_ns();
	if (wsclient_send_text(c, ask)) {
		snprintf(err, errlen, "the server closed the connection");
		return -1;
	}
	while (!h.done) {
		char *data = NULL;
		size_t len = 0;
		int binary = 0, got = wsclient_recv(c, LANG_WAIT_MS, &data, &len, &binary), rc;
		uint64_t at = now_ns();

		if (got != 1) {
			snprintf(err, errlen, "%s: %s within %d s", id,
				 h.n < 0 ? "no narration" : "no narration_end",
				 LANG_WAIT_MS / 1000);
			return -1;
		}
		rc = binary ? heard_frame(&h, (const unsigned char *)data, len, at, err, errlen)
			    : heard_json(&h, data, err, errlen);
		free(data);
		if (rc)
			return -1;
	}
	*ns = h.first - t0;
	*cached = h.cached;
	return 0;
}

/* The language message: a hello in that language, then the page again. The voice to ask for
 * (the first of hello.voices) into voice. */
static int choose_language(wsclient *c, const char *tag, char *voice, size_t vlen, char *err,
			   size_t errlen)
{
	char ask[128];
	cJSON *hello, *page;
	int rc = -1;

	snprintf(ask, sizeof(ask), "{\"type\":\"language\",\"seq\":1,\"lang\":\"%s\"}", tag);
	hello = wsclient_ask(c, ask, LANG_WAIT_MS);
	page = hello ? wsclient_recv_json(c, LANG_WAIT_MS) : NULL;
	if (!json_str(hello, "type") || strcmp(json_str(hello, "type"), "hello") ||
	    !json_str(hello, "lang") || strcmp(json_str(hello, "lang"), tag) ||
	    !json_str(hello, "voices.0.name")) {
		snprintf(err, errlen, "%s: no hello in it after choosing it", tag);
		goto out;
	}
	if (!json_str(page, "type") || strcmp(json_str(page, "type"), "page")) {
		snprintf(err, errlen, "%s: no page after its hello", tag);
		goto out;
	}
	snprintf(voice, vlen, "%s", json_str(hello, "voices.0.name"));
	rc = 0;
out:
	cJSON_Delete(hello);
	cJSON_Delete(page);
	return rc;
}

int lang_session(int port, lang_row *row, int runs, char *err, size_t errlen)
{
	char voice[64] = "", id[64], why[ERR_LEN];
	wsclient *c = wsclient_connect("127.0.0.1", port, NULL);
	cJSON *hello = c ? wsclient_recv_json(c, LANG_WAIT_MS) : NULL;
	cJSON *page = hello ? wsclient_recv_json(c, LANG_WAIT_MS) : NULL;
	unsigned long long seq = 1;
	int rc = -1;

	if (!page) {
		snprintf(err, errlen, "%s: no hello and page from the server", row->tag);
		goto out;
	}
	if (choose_language(c, row->tag, voice, sizeof(voice), err, errlen))
		goto out;
	for (int i = 0; i <= runs && !bench_interrupted(); i++) {
		uint64_t a, b;
		int kept, cached;

		/* the warm-up tells whether the text read ahead is still in the cache; after it,
		 * the text is there */
		snprintf(id, sizeof(id), LANG_UNCACHED, LANG_UNCACHED_N0 + i);
		if (narrate_one(c, voice, LANG_CACHED, ++seq, i ? 1 : -1, &a, &kept, why,
				sizeof(why)) ||
		    narrate_one(c, voice, id, ++seq, 0, &b, &cached, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s", row->tag, why);
			goto out;
		}
		if (!i) {
			row->kept = kept;
			row->first_ask = a;
		} else if (samples_add(&row->hot, a) || samples_add(&row->cold, b)) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (bench_interrupted()) {
		snprintf(err, errlen, "interrupted");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(hello);
	cJSON_Delete(page);
	wsclient_free(c);
	return rc;
}
