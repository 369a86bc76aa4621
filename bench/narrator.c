/* narrator: a narrating session's steps (a fresh answer, the check page showing it, `narrate`)
 * and the checks on every narration that comes back: `narration`, its binary audio frames (a
 * 4-byte little-endian n, then 16-bit PCM), `narration_words` for each sentence finished, then
 * `narration_end` with the sample count and all the word timings. Anything out of order fails
 * the run. */
#include "bench.h"

#include <string.h>

/* The text of the {"id","text"} object with that id anywhere in a page, or NULL. */
static const char *find_text(const cJSON *node, const char *id)
{
	const cJSON *child;
	const char *got = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "id"));

	if (got && !strcmp(got, id))
		return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(node, "text"));
	cJSON_ArrayForEach(child, node)
	{
		const char *t;

		if ((cJSON_IsObject(child) || cJSON_IsArray(child)) && (t = find_text(child, id)))
			return t;
	}
	return NULL;
}

/* The text a session has read aloud: its own answer; with --cached-load (cycle), a fixed text of
 * the check page, in the cache since start-up (a person's own words are kept for their session
 * only, so another session's answer is never "cached" for it). */
#define NAR_CACHED_ID "check/say/1"

static const char *nar_id(const bench *b)
{
	return b->cycle ? NAR_CACHED_ID : "answer/" ANSWER_PAGE;
}

void nar_prepare(sess *s)
{
	bench *b = s->b;

	snprintf(s->text, sizeof(s->text), PARAGRAPH,
		 b->cycle ? 1 + b->text_no++ % b->cycle : ++b->text_no);
	s->ns = NS_ANSWER;
	s->nar_step_at = now_ns();
	s->nar_seq = ++s->seq;
	sess_queue(s, OUT_PLAIN,
		   "{\"type\":\"answer\",\"seq\":%llu,\"page\":\"" ANSWER_PAGE
		   "\",\"value\":\"%s\"}",
		   s->nar_seq, s->text);
}

/* The clock starts as it is written. */
void nar_fire(sess *s, int repeat)
{
	bench *b = s->b;

	if (s->ns == NS_READY && !repeat)
		b->nar_ready--;
	s->ns = NS_AUDIO;
	s->nar_repeat = repeat;
	s->nar_got_json = 0;
	s->nar_n = 0;
	s->nar_bytes = 0;
	s->nar_frames = 0;
	s->nar_first_bytes = 0;
	s->nar_first_at = 0;
	s->nar_sent = 0;
	s->nar_step_at = now_ns();
	s->nar_seq = ++s->seq;
	b->nar_inflight++;
	sess_queue(s, OUT_NARRATE,
		   "{\"type\":\"narrate\",\"seq\":%llu,\"ids\":[\"%s\"],\"voice\":\"%s\","
		   "\"speed\":\"normal\"}",
		   s->nar_seq, nar_id(b), b->voice);
}

static void nar_json(sess *s, const cJSON *m, const char *type, unsigned long long seq);
static void nar_words(sess *s, const cJSON *m, unsigned long long seq);

int nar_message(sess *s, const cJSON *m, const char *type, unsigned long long seq)
{
	bench *b = s->b;

	if (!strcmp(type, "saved") && s->ns == NS_ANSWER && seq == s->nar_seq) {
		s->ns = NS_CHECK;
		s->nar_step_at = now_ns();
		s->nar_seq = ++s->seq;
		sess_queue(s, OUT_PLAIN, "{\"type\":\"go\",\"to\":\"check\",\"seq\":%llu}",
			   s->nar_seq);
		return 1;
	}
	if (!strcmp(type, "page") && s->ns == NS_CHECK) {
		const cJSON *pg = cJSON_GetObjectItemCaseSensitive(m, "page");
		const char *kind =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pg, "kind"));
		const char *shown = find_text(pg, "answer/" ANSWER_PAGE);

		if (!kind || strcmp(kind, "check")) {
			bench_fail(b, "session %u: go check brought a %s page", s->index,
				   kind ? kind : "strange");
			return 1;
		}
		if (!shown || strcmp(shown, s->text)) {
			bench_fail(b,
				   "session %u: the check page does not show the answer just saved",
				   s->index);
			return 1;
		}
		s->ns = NS_READY;
		b->nar_ready++;
		if (b->mode == MODE_NAR_ONE && b->phase == PH_MEASURE)
			nar_fire(s, 0);
		return 1;
	}
	if (!strcmp(type, "narration") || !strcmp(type, "narration_end")) {
		nar_json(s, m, type, seq);
		return 1;
	}
	if (!strcmp(type, "narration_words")) {
		nar_words(s, m, seq);
		return 1;
	}
	return 0;
}

/* The narration's n in a message, or -1 when it has none that fits in 32 bits. */
static long long msg_n(const cJSON *m)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(m, "n");

	if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble > 4294967295.0 ||
	    n->valuedouble != (double)(uint32_t)n->valuedouble)
		return -1;
	return (long long)n->valuedouble;
}

/* The failed form of `narration` or `narration_end`: fails the benchmark loudly. */
static int nar_failed(sess *s, const cJSON *m, const char *type)
{
	const char *why;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "failed")))
		return 0;
	why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "message"));
	bench_fail(s->b, "session %u: the narration failed (%s%s): %s", s->index, type,
		   strcmp(type, "narration") ? " after some audio" : ", before any audio",
		   why ? why : "no reason given");
	return 1;
}

/* `words` of narration_end: one [start, length, ms] of numbers per spoken word, at least one. */
static int words_ok(const cJSON *words)
{
	const cJSON *w;

	if (!cJSON_IsArray(words) || cJSON_GetArraySize(words) < 1)
		return 0;
	cJSON_ArrayForEach(w, words)
	{
		const cJSON *x;

		if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != 3)
			return 0;
		cJSON_ArrayForEach(x, w)
		{
			if (!cJSON_IsNumber(x) || x->valuedouble < 0)
				return 0;
		}
	}
	return 1;
}

static void nar_done(sess *s, uint64_t at);

/* `narration_words`, between `narration` and `narration_end`: a finished sentence's words. */
static void nar_words(sess *s, const cJSON *m, unsigned long long seq)
{
	if (s->ns != NS_AUDIO || seq != s->nar_seq || !s->nar_got_json) {
		bench_fail(s->b, "session %u: narration_words outside a narration (seq %llu)",
			   s->index, seq);
		return;
	}
	if (msg_n(m) != (long long)s->nar_n ||
	    !words_ok(cJSON_GetObjectItemCaseSensitive(m, "words"))) {
		bench_fail(s->b,
			   "session %u: narration_words without its n or words ([start, "
			   "length, ms] for each)",
			   s->index);
		return;
	}
}

/* `narration_end` of narration n: how much audio, and the words' timings, checked against what
 * came; then the narration is done. */
static void nar_end(sess *s, const cJSON *m, uint32_t n)
{
	bench *b = s->b;
	uint64_t at = now_ns();
	const cJSON *samples_n = cJSON_GetObjectItemCaseSensitive(m, "samples");
	const cJSON *dur = cJSON_GetObjectItemCaseSensitive(m, "duration_ms");

	if (n != s->nar_n) {
		bench_fail(b, "session %u: narration_end says n %lld, its narration said %u",
			   s->index, (long long)n, s->nar_n);
		return;
	}
	if (!cJSON_IsNumber(samples_n) || samples_n->valuedouble < 1 || !cJSON_IsNumber(dur)) {
		bench_fail(b, "session %u: a narration_end without samples or duration_ms",
			   s->index);
		return;
	}
	if (!words_ok(cJSON_GetObjectItemCaseSensitive(m, "words"))) {
		bench_fail(b,
			   "session %u: a narration_end without words ([start, length, ms] for "
			   "each)",
			   s->index);
		return;
	}
	if (!s->nar_frames || s->nar_bytes != (size_t)samples_n->valuedouble * 2) {
		bench_fail(b,
			   "session %u: %zu bytes of audio in %u frames where narration_end said "
			   "%.0f samples (%.0f bytes)",
			   s->index, s->nar_bytes, s->nar_frames, samples_n->valuedouble,
			   samples_n->valuedouble * 2);
		return;
	}
	b->audio_samples = (size_t)samples_n->valuedouble;
	nar_done(s, at);
}

/* `narration` (which text, how it sounds; the audio frames follow) or `narration_end` (all the
 * audio has come: how much, and the words' timings). Anything out of order fails the run. */
static void nar_json(sess *s, const cJSON *m, const char *type, unsigned long long seq)
{
	bench *b = s->b;
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "id"));
	long long n = msg_n(m);
	int end = !strcmp(type, "narration_end");

	if (s->ns != NS_AUDIO || seq != s->nar_seq) {
		bench_fail(b, "session %u: a %s nothing asked for (seq %llu)", s->index, type, seq);
		return;
	}
	if (end != s->nar_got_json) {
		bench_fail(b, "session %u: %s", s->index,
			   end ? "narration_end before its narration" : "a second narration");
		return;
	}
	if (nar_failed(s, m, type))
		return;
	if (!id || strcmp(id, nar_id(b))) {
		bench_fail(b, "session %u: a %s for %s, not %s", s->index, type, id ? id : "no id",
			   nar_id(b));
		return;
	}
	if (n < 0) {
		bench_fail(b, "session %u: a %s without its n", s->index, type);
		return;
	}
	if (!end) {
		const cJSON *rate = cJSON_GetObjectItemCaseSensitive(m, "sample_rate");
		const cJSON *cached = cJSON_GetObjectItemCaseSensitive(m, "cached");

		if (!cJSON_IsNumber(rate) || rate->valuedouble < 1 || !cJSON_IsBool(cached)) {
			bench_fail(b, "session %u: a narration without sample_rate or cached",
				   s->index);
			return;
		}
		s->nar_json_at = now_ns();
		s->nar_got_json = 1;
		s->nar_n = (uint32_t)n;
		b->sample_rate = (int)rate->valuedouble;
		if (cJSON_IsTrue(cached) != (s->nar_repeat || b->cycle))
			b->nar_wrong_cache++;
	} else {
		nar_end(s, m, (uint32_t)n);
	}
}

/* The first audio byte of the narration: its first binary frame's first PCM. */
static void nar_audio_start(sess *s, uint64_t at)
{
	bench *b = s->b;
	uint64_t first = at - s->nar_sent;

	s->nar_first_at = at;
	if (b->mode == MODE_NAR_ONE) {
		if (b->runs_done == 0) /* the warm-up */
			return;
		if (samples_add(s->nar_repeat ? &b->nar_cached : &b->nar_uncached, first) ||
		    samples_add(s->nar_repeat ? &b->nar_cached_json : &b->nar_uncached_json,
				s->nar_json_at - s->nar_sent))
			bench_fail(b, "out of memory for the samples");
	} else if (samples_add(&b->nar_load, first)) {
		bench_fail(b, "out of memory for the samples");
	}
}

void nar_audio_bytes(sess *s, const unsigned char *in, size_t len, uint64_t at)
{
	bench *b = s->b;

	while (len && s->rx_head_len < sizeof(s->rx_head)) {
		s->rx_head[s->rx_head_len++] = *in++;
		len--;
		if (s->rx_head_len == sizeof(s->rx_head)) {
			uint32_t n = (uint32_t)s->rx_head[0] | (uint32_t)s->rx_head[1] << 8 |
				     (uint32_t)s->rx_head[2] << 16 | (uint32_t)s->rx_head[3] << 24;

			if (n != s->nar_n) {
				bench_fail(b,
					   "session %u: an audio frame with n %u in narration %u",
					   s->index, n, s->nar_n);
				return;
			}
		}
	}
	if (!len)
		return;
	if (!s->nar_first_at)
		nar_audio_start(s, at);
	s->rx_frame_bytes += len;
	s->nar_bytes += len; /* audio is counted, not kept */
}

void nar_frame_done(sess *s)
{
	bench *b = s->b;

	if (s->rx_head_len < sizeof(s->rx_head) || !s->rx_frame_bytes || (s->rx_frame_bytes & 1)) {
		bench_fail(b,
			   "session %u: an audio frame of %zu bytes: not a 4-byte n and 16-bit "
			   "samples",
			   s->index, s->rx_head_len + s->rx_frame_bytes);
		return;
	}
	if (!s->nar_frames++)
		s->nar_first_bytes = s->rx_frame_bytes;
	b->nar_frames_total++;
	if (s->rx_frame_bytes > b->nar_frame_max)
		b->nar_frame_max = s->rx_frame_bytes;
}

/* `narration_end` has come: the narration is whole. */
static void nar_done(sess *s, uint64_t at)
{
	bench *b = s->b;
	uint64_t all = at - s->nar_sent;
	int bad = 0;

	b->nar_inflight--;
	b->nar_done++;
	if (b->mode == MODE_NAR_ONE && b->runs_done > 0) {
		bad = samples_add(s->nar_repeat ? &b->nar_cached_all : &b->nar_uncached_all, all) ||
		      samples_add(s->nar_repeat ? &b->nar_cached_frames : &b->nar_uncached_frames,
				  s->nar_frames) ||
		      (!s->nar_repeat &&
		       samples_add(&b->nar_uncached_first_bytes, s->nar_first_bytes));
	} else if (b->mode == MODE_NAR_LOAD) {
		bad = samples_add(&b->nar_load_all, all);
	}
	if (bad) {
		bench_fail(b, "out of memory for the samples");
		return;
	}
	if (b->mode == MODE_NAR_ONE) {
		if (!s->nar_repeat) {
			nar_fire(s, 1); /* the same text again: now from the cache */
			return;
		}
		if (++b->runs_done > b->runs) {
			s->ns = NS_IDLE;
			bench_finish(b);
			return;
		}
		nar_prepare(s);
	} else if (b->phase < PH_DRAIN) {
		nar_prepare(s); /* ready for the next burst */
	} else {
		s->ns = NS_IDLE;
	}
}

/* 20 narrations at once: the next 20 narrating sessions that are ready ask for their texts
 * now. There are more narrating sessions than that, taken in turn, so that a burst does not
 * wait for the last one's audio (people press Listen whether or not others are listening). */
void nar_burst(bench *b)
{
	unsigned pool = b->n - b->n_typists, fired = 0;

	b->bursts_fired++;
	for (unsigned k = 0; k < pool && fired < b->burst_size; k++) {
		sess *s = &b->s[b->n_typists + (b->next_narrator + k) % pool];

		if (s->ns == NS_READY) {
			nar_fire(s, 0);
			fired++;
		}
	}
	b->next_narrator = (b->next_narrator + fired) % pool;
	b->nar_fired += fired;
	b->nar_skipped += b->burst_size - fired; /* every session still busy */
}

void nar_check_stuck(bench *b, uint64_t now)
{
	for (unsigned i = b->n_typists; i < b->n; i++) {
		const sess *s = &b->s[i];

		if (s->ns != NS_OFF && s->ns != NS_READY && s->ns != NS_IDLE &&
		    now - s->nar_step_at > NARRATE_STEP_TIMEOUT_NS) {
			bench_fail(b, "session %u: no answer from the server in %llu s (%s)",
				   s->index,
				   (unsigned long long)(NARRATE_STEP_TIMEOUT_NS / NS_PER_S),
				   s->ns == NS_ANSWER  ? "saving the answer"
				   : s->ns == NS_CHECK ? "going to the check page"
				   : s->nar_got_json   ? "the audio and narration_end"
						       : "the narration");
			return;
		}
	}
}
