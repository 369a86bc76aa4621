#include "tts.h"

#include "err.h"
#include "tts_job.h"
#include "words.h"
#include "utf8.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* sched_yield() without _GNU_SOURCE (POSIX has it in <sched.h>). */
#include <sched.h>

_Static_assert(sizeof(short) == sizeof(int16_t), "eSpeak's samples are 16-bit");

#define BUFFER_MS 100 /* audio per callback: also how soon an abandoned job stops */
/* A streamed job this far ahead of its listener (audio made, less the time since it began) can
 * wait: the worker turns to others, or goes on at a gentle pace (see pick). Two seconds of
 * sound in hand is far more than a network hiccup; more only made bigger bursts of work when
 * many people press Listen at once. */
#define LEAD_MS 2000
/* While every listener has LEAD_MS in hand, the rest of their audio is made at a gentle pace:
 * a rest this long after each buffer (70 us of work), so at most about a sixth of a core. */
#define REST_US 400

/* eSpeak NG quirks that shape this file (1.51, Debian 12):
 * - Not thread-safe: all state is global. Only the worker calls espeak_*.
 * - espeak_Initialize(..., espeakINITIALIZE_DONT_EXIT) ignores a failed start (no data) and
 *   returns a sample rate anyway, so the worker uses espeak_ng_Initialize(), which reports it.
 * - Starting sets the process's LC_CTYPE to C.UTF-8 (its wctype calls need it).
 * - Even in synchronous mode it starts an idle thread of its own (fifo.c). espeak_Terminate()
 *   followed by espeak_Initialize() and a second espeak_Terminate() deadlocks: that thread
 *   leaves my_command_is_running set when it exits, and fifo_stop() then waits for an
 *   acknowledgement that never comes. So eSpeak is started once per process, by the first
 *   worker, and never stopped; later workers reuse it, one at a time. Its memory is held by
 *   its own globals until exit.
 * - espeak_SetVoiceByName("en-gb") fails; voices are chosen by properties. gender is 1 for male
 *   and 2 for female; en-gb with gender 2 is "gmw/en+f2", variant n picks the next candidates
 *   ("+f3", "+f4"); an unknown language fails and leaves the previous voice selected.
 * - Word events give text_position 1-based in code points (with espeakCHARS_UTF8) and
 *   audio_position in ms from the start of the message, but their length is eSpeak's view of
 *   the word, and some are not words of the text at all. See words.c. */

/* eSpeak is one per process: whether it has started, and whether a tts owns it now. */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static int engine_open;	   /* a tts owns eSpeak */
static int engine_started; /* espeak_ng_Initialize() has succeeded */
static int engine_rate;	   /* the sample rate once the synchronous output is set up, else 0 */

struct tts {
	pthread_t worker;
	pthread_mutex_t lock; /* guards everything below but the worker's own fields */
	pthread_cond_t cond;  /* the worker waits for jobs or stopping; tts_open() for started */
	job_list waiting;
	job_list done;
	job *speaking;
	atomic_uint arrivals; /* jobs submitted: a new one ends the worker's rests at once */
	size_t held;	      /* waiting, speaking and done */
	size_t max_jobs;
	int stopping;
	int started; /* 1 once eSpeak is ready, -1 when it could not start */
	char start_err[TTS_ERR_LEN];
	int sample_rate;
	void (*wake)(void *ctx);
	void *wake_ctx;
	/* The worker's own: the voice eSpeak has now, to skip selecting it again. */
	int voice_set;
	char voice_language[TTS_LANGUAGE_LEN];
	int voice_gender;
	int voice_variant;
	char voice_id[TTS_VOICE_LEN];
};

size_t tts_byte_offset(const char *utf8, size_t codepoint_offset)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t i = 0, n = 0;

	for (; s[i]; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			if (n == codepoint_offset)
				return i;
			n++;
		}
	}
	return i;
}

/* ---- the worker's side: eSpeak ---- */

static int capture_samples(capture *s, const short *wav, int n)
{
	size_t want = s->count + (size_t)n;

	if (want > s->max) {
		s->too_long = 1;
		return -1;
	}
	if (want > s->cap) {
		size_t cap = s->cap ? s->cap : 22050;
		int16_t *p;

		while (cap < want)
			cap *= 2;
		if (cap > s->max)
			cap = s->max;
		p = realloc(s->pcm, cap * sizeof(*p));
		if (!p) {
			s->no_memory = 1;
			return -1;
		}
		s->pcm = p;
		s->cap = cap;
	}
	memcpy(s->pcm + s->count, wav, (size_t)n * sizeof(*wav));
	s->count = want;
	return 0;
}

static int capture_word(capture *s, int position, int ms)
{
	if (s->raw_count == s->raw_cap) {
		size_t cap = s->raw_cap ? s->raw_cap * 2 : 64;
		words_event *p = realloc(s->raw, cap * sizeof(*p));

		if (!p) {
			s->no_memory = 1;
			return -1;
		}
		s->raw = p;
		s->raw_cap = cap;
	}
	s->raw[s->raw_count].position = position;
	s->raw[s->raw_count].ms = ms;
	s->raw_count++;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Hands the samples made since the last piece, and the words of the sentences finished since,
 * to tts_poll as a piece of the job's audio. Memory running short only delays them to the
 * finished result. */
static void send_piece(capture *s)
{
	tts *t = s->t;
	job *owner = s->job;
	job *j = calloc(1, sizeof(*j));
	tts_result *r = calloc(1, sizeof(*r));
	size_t n = s->count - s->streamed, nw = owner->word_count - owner->words_sent;
	int16_t *pcm = malloc((n ? n : 1) * sizeof(*pcm));
	tts_word *words = nw ? malloc(nw * sizeof(*words)) : NULL;

	if (!j || !r || !pcm || (nw && !words)) {
		free(j);
		free(r);
		free(pcm);
		free(words);
		return;
	}
	memcpy(pcm, s->pcm + s->streamed, n * sizeof(*pcm));
	if (nw)
		memcpy(words, owner->words + owner->words_sent, nw * sizeof(*words));
	r->words = words;
	r->word_count = nw;
	owner->words_sent = owner->word_count;
	r->id = s->job->result->id;
	r->owner = s->job->result->owner;
	r->piece = 1;
	r->first_sample = s->streamed;
	r->samples = pcm;
	r->sample_count = n;
	r->sample_rate = t->sample_rate;
	j->piece = 1;
	j->result = r;
	atomic_init(&j->abandon, 0);
	s->streamed = s->count;
	/* within a long sentence, the next piece at least as long as everything before */
	s->next_piece = s->count;
	pthread_mutex_lock(&t->lock);
	if (atomic_load(&s->job->abandon)) { /* tts_forget has run: nothing more may come out */
		pthread_mutex_unlock(&t->lock);
		tts_result_free(r);
		free(j);
		return;
	}
	job_list_push(&t->done, j);
	pthread_mutex_unlock(&t->lock);
	if (t->wake)
		t->wake(t->wake_ctx);
}

/* eSpeak's synth callback, on the worker thread inside espeak_ng_Synthesize(). Returns 1 to
 * make eSpeak stop. The capture comes as user_data on every event list's terminator. */
static int on_synth(short *wav, int numsamples, espeak_EVENT *events)
{
	espeak_EVENT *e = events;
	capture *s;

	while (e->type != espeakEVENT_LIST_TERMINATED)
		e++;
	s = e->user_data;
	if (!s || atomic_load(&s->job->abandon))
		return 1;
	if (wav && numsamples > 0 && capture_samples(s, wav, numsamples))
		return 1;
	if (s->job->stream && s->count > s->streamed && s->count - s->streamed >= s->next_piece)
		send_piece(s);
	for (e = events; e->type != espeakEVENT_LIST_TERMINATED; e++)
		if (e->type == espeakEVENT_WORD &&
		    capture_word(s, e->text_position, e->audio_position))
			return 1;
	if (s->give_way && atomic_load(&s->t->arrivals) == s->arrivals_seen) {
		if (s->job->stream) {
			const struct timespec rest = {0, REST_US * 1000};

			nanosleep(&rest, NULL);
		} else {
			sched_yield();
		}
	}
	return 0;
}

/* Starts eSpeak the first time; makes it synthesise to on_synth. */
static int engine_start(char *err, size_t errlen, int *rate)
{
	espeak_ng_ERROR_CONTEXT context = NULL;
	espeak_ng_STATUS status;
	char msg[96];
	int rc = -1;

	pthread_mutex_lock(&engine_lock);
	if (!engine_started) {
		espeak_ng_InitializePath(NULL); /* $ESPEAK_DATA_PATH, else the installed data */
		status = espeak_ng_Initialize(&context);
		if (status != ENS_OK) {
			espeak_ng_GetStatusCodeMessage(status, msg, sizeof(msg));
			err_set(err, errlen,
				"eSpeak NG could not start (is espeak-ng-data installed?): %.64s",
				msg);
			goto out;
		}
		engine_started = 1;
	}
	if (!engine_rate) {
		status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, BUFFER_MS, NULL);
		if (status != ENS_OK) {
			espeak_ng_GetStatusCodeMessage(status, msg, sizeof(msg));
			err_set(err, errlen, "eSpeak NG could not start: %.64s", msg);
			goto out;
		}
		engine_rate = espeak_ng_GetSampleRate();
	}
	espeak_SetSynthCallback(on_synth);
	*rate = engine_rate;
	rc = 0;
out:
	espeak_ng_ClearErrorContext(&context);
	pthread_mutex_unlock(&engine_lock);
	return rc;
}

static int select_voice(tts *t, const job *j)
{
	espeak_VOICE v;
	const espeak_VOICE *now;

	if (t->voice_set && strcmp(t->voice_language, j->language) == 0 &&
	    t->voice_gender == j->gender && t->voice_variant == j->variant)
		return 0;
	memset(&v, 0, sizeof(v));
	v.languages = j->language;
	v.gender = (unsigned char)j->gender;
	v.variant = (unsigned char)j->variant;
	if (espeak_ng_SetVoiceByProperties(&v) != ENS_OK) {
		t->voice_set = 0;
		return -1;
	}
	t->voice_set = 1;
	snprintf(t->voice_language, sizeof(t->voice_language), "%s", j->language);
	t->voice_gender = j->gender;
	t->voice_variant = j->variant;
	now = espeak_GetCurrentVoice();
	snprintf(t->voice_id, sizeof(t->voice_id), "%s",
		 now && now->identifier ? now->identifier : "");
	return 0;
}

/* The next sentence of j with something to say in it, from byte *a on: [*a, *b) and its tokens
 * (*tok, replaced; the caller frees the last). 0; 1 when the text is over; -1 when memory runs
 * out. Sentences of nothing but spaces are skipped, counting their code points. */
static int next_sentence(job *j, size_t *a, size_t *b, words_token **tok, size_t *ntok)
{
	const char *text = j->result->text;

	for (;;) {
		if (*a >= j->text_len)
			return 1;
		*b = words_sentence_end(text, j->text_len, *a);
		free(*tok);
		*tok = NULL;
		if (words_tokenise(text + *a, *b - *a, tok, ntok))
			return -1;
		if (*ntok)
			return 0;
		j->next_cp += utf8_chars(text + *a, *b - *a);
		*a = *b;
	}
}

/* The words eSpeak reported for the sentence just spoken (its audio began at sample `before`),
 * timed and added to the job's; words has room for ntok. 0, or -1 when memory runs out. */
static int keep_words(job *j, const words_token *tok, size_t ntok, size_t before, unsigned rate,
		      tts_word *words)
{
	const capture *s = &j->cap;
	size_t n;

	if (!s->raw_count)
		return 0;
	n = words_from_events(tok, ntok, s->raw, s->raw_count,
			      (unsigned int)((unsigned long long)(s->count - before) * 1000 / rate),
			      words);
	return job_add_words(j, words, n, j->next_cp,
			     (unsigned int)((unsigned long long)before * 1000 / rate));
}

/* The worker takes j up: its capture of audio and word events starts. */
static void job_begin(tts *t, job *j)
{
	capture *s = &j->cap;

	j->begun = 1;
	j->begun_ns = now_ns();
	s->t = t;
	s->job = j;
	s->next_piece = 1; /* the first buffer goes out at once */
	s->max = (size_t)TTS_MAX_SECONDS * (size_t)t->sample_rate;
	j->result->sample_rate = t->sample_rate;
}

/* All of j is spoken: its audio and words go to its result. */
static void job_finish(job *j)
{
	tts_result *r = j->result;

	r->words = j->words;
	r->word_count = j->word_count;
	j->words = NULL;
	j->word_count = 0;
	r->samples = j->cap.pcm;
	r->sample_count = j->cap.count;
	r->streamed = j->cap.streamed;
	j->cap.pcm = NULL;
}

/* Speaks j's next sentence. Returns 1 when the job is over: all of it spoken (into j->result),
 * failed (result marked), or abandoned; 0 when more is to come. Nothing to say gives no samples
 * and no words. */
static int speak_sentence(tts *t, job *j, int give_way)
{
	tts_result *r = j->result;
	capture *s = &j->cap;
	const char *text = r->text;
	size_t a = j->next_byte, b, before = s->count, ntok = 0, ncp;
	words_token *tok = NULL;
	tts_word *words = NULL;
	char *sentence = NULL;
	espeak_ng_STATUS status;
	char msg[96];
	int over = 1;

	if (!j->begun)
		job_begin(t, j);
	switch (next_sentence(j, &a, &b, &tok, &ntok)) {
	case 1:
		goto finished;
	case -1:
		tts_result_fail(r, "out of memory");
		goto out;
	}
	ncp = utf8_chars(text + a, b - a);
	if (select_voice(t, j)) {
		snprintf(msg, sizeof(msg), "no voice for language %s", j->language);
		tts_result_fail(r, msg);
		goto out;
	}
	snprintf(r->voice, sizeof(r->voice), "%s", t->voice_id);
	sentence = malloc(b - a + 1);
	words = malloc(ntok * sizeof(*words));
	if (!sentence || !words) {
		tts_result_fail(r, "out of memory");
		goto out;
	}
	memcpy(sentence, text + a, b - a);
	sentence[b - a] = '\0';
	espeak_ng_SetParameter(espeakRATE, j->rate, 0);
	espeak_ng_SetParameter(espeakWORDGAP, j->gap, 0);
	espeak_ng_SetParameter(espeakPITCH, j->pitch, 0);
	espeak_ng_SetParameter(espeakVOLUME, j->volume, 0);
	s->raw_count = 0;
	s->give_way = give_way;
	s->arrivals_seen = atomic_load(&t->arrivals);
	status = espeak_ng_Synthesize(sentence, b - a + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
				      NULL, s);
	if (atomic_load(&j->abandon))
		goto out; /* nobody will read it */
	if (s->too_long) {
		tts_result_fail(r, "the text is too long to speak");
		goto out;
	}
	if (s->no_memory) {
		tts_result_fail(r, "out of memory");
		goto out;
	}
	if (status != ENS_OK) {
		espeak_ng_GetStatusCodeMessage(status, msg, sizeof(msg));
		tts_result_fail(r, msg);
		goto out;
	}
	if (keep_words(j, tok, ntok, before, (unsigned)t->sample_rate, words)) {
		tts_result_fail(r, "out of memory");
		goto out;
	}
	j->next_byte = b;
	j->next_cp += ncp;
	if (b < j->text_len) {
		over = 0;
		if (j->stream && (s->count > s->streamed || j->word_count > j->words_sent))
			send_piece(s);
		goto out;
	}
finished:
	job_finish(j);
out:
	free(words);
	free(sentence);
	free(tok);
	return over;
}

/* ---- the queue ---- */

/* The job to speak a sentence of next, with t->lock held. Someone waiting for audio comes
 * first: a streamed job less than LEAD_MS ahead of its listener (audio made, less the time since
 * it began), the one with the least lead first, where a job not yet begun has a lead of minus the
 * time it has waited. So twenty people who press Listen at once each hear their first sentence
 * after twenty sentences are made, not after twenty whole texts. When nobody is waiting, the
 * oldest job goes on, giving way (*give_way): the rest of a text is made at a gentle pace
 * (REST_US after each buffer), and a text nobody listens to yet (the fixed texts made at
 * start-up) yields to every other thread after each buffer. So a busy server's saves are not
 * held up by audio nobody needs yet; once a listener's lead runs short their job is first
 * again, and a new job ends the rests at once. */
static job *pick(tts *t, uint64_t now, int *give_way)
{
	job *best = NULL;
	long long best_lead = 0;

	for (job *j = t->waiting.head; j; j = j->next) {
		long long lead;

		if (!j->stream)
			continue;
		if (!j->begun)
			lead = -(long long)((now - j->submitted_ns) / 1000000u);
		else
			lead = (long long)(j->cap.count * 1000u / (unsigned)t->sample_rate) -
			       (long long)((now - j->begun_ns) / 1000000u);
		if (lead >= LEAD_MS)
			continue;
		if (!best || lead < best_lead) {
			best = j;
			best_lead = lead;
		}
	}
	*give_way = best == NULL;
	return best ? best : t->waiting.head;
}

static void *worker_main(void *arg)
{
	tts *t = arg;
	char err[TTS_ERR_LEN] = "";
	int rate = 0;
	int rc = engine_start(err, sizeof(err), &rate);

	pthread_mutex_lock(&t->lock);
	t->started = rc ? -1 : 1;
	t->sample_rate = rate;
	snprintf(t->start_err, sizeof(t->start_err), "%s", err);
	pthread_cond_broadcast(&t->cond);
	while (rc == 0) {
		job *j;
		int give_way, over;

		while (!t->stopping && !t->waiting.head)
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->stopping)
			break;
		j = pick(t, now_ns(), &give_way);
		t->speaking = j;
		pthread_mutex_unlock(&t->lock);

		over = speak_sentence(t, j, give_way);

		pthread_mutex_lock(&t->lock);
		t->speaking = NULL;
		if (atomic_load(&j->abandon)) {
			job_list_remove(&t->waiting, j);
			job_free(j);
			t->held--;
		} else if (over) {
			job_list_remove(&t->waiting, j);
			job_list_push(&t->done, j);
			pthread_mutex_unlock(&t->lock);
			if (t->wake)
				t->wake(t->wake_ctx);
			pthread_mutex_lock(&t->lock);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* ---- the server's side ---- */

void tts_request_init(tts_request *req)
{
	memset(req, 0, sizeof(*req));
	req->language = "en-gb";
	req->gender = TTS_GENDER_ANY;
	req->variant = 0;
	req->rate = TTS_RATE_DEFAULT;
	req->pitch = 50;
	req->volume = 100;
}

tts *tts_open(void (*wake)(void *ctx), void *wake_ctx, size_t max_jobs, char *err, size_t errlen)
{
	tts *t = NULL, *ok = NULL;
	sigset_t all, old;
	int claimed = 0, lock = 0, cond = 0, thread = 0;

	if (max_jobs < 1) {
		err_set(err, errlen, "max_jobs must be at least 1");
		goto out;
	}
	pthread_mutex_lock(&engine_lock);
	if (!engine_open)
		engine_open = claimed = 1;
	pthread_mutex_unlock(&engine_lock);
	if (!claimed) {
		err_set(err, errlen, "eSpeak is already in use by another tts");
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	atomic_init(&t->arrivals, 0);
	t->max_jobs = max_jobs;
	t->wake = wake;
	t->wake_ctx = wake_ctx;
	lock = pthread_mutex_init(&t->lock, NULL) == 0;
	cond = lock && pthread_cond_init(&t->cond, NULL) == 0;
	if (!cond) {
		err_set(err, errlen, "could not make the tts lock");
		goto out;
	}
	/* The worker (and the thread eSpeak starts from it) takes no signals: they belong to the
	 * server's loop, which a signal must interrupt. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	thread = pthread_create(&t->worker, NULL, worker_main, t) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!thread) {
		err_set(err, errlen, "could not start the tts worker");
		goto out;
	}
	pthread_mutex_lock(&t->lock);
	while (!t->started)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	if (t->started < 0) {
		err_set(err, errlen, "%s", t->start_err);
		goto out;
	}
	ok = t;
out:
	if (!ok) {
		if (thread)
			pthread_join(t->worker, NULL); /* it has returned: eSpeak did not start */
		if (cond)
			pthread_cond_destroy(&t->cond);
		if (lock)
			pthread_mutex_destroy(&t->lock);
		free(t);
		if (claimed) {
			pthread_mutex_lock(&engine_lock);
			engine_open = 0;
			pthread_mutex_unlock(&engine_lock);
		}
	}
	return ok;
}

void tts_close(tts *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = 1;
	if (t->speaking)
		atomic_store(&t->speaking->abandon, 1);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->worker, NULL);
	job_list_free(&t->waiting);
	job_list_free(&t->done);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	free(t);
	pthread_mutex_lock(&engine_lock);
	engine_open = 0;
	pthread_mutex_unlock(&engine_lock);
}

int tts_sample_rate(const tts *t)
{
	return t->sample_rate; /* set before tts_open() returned, never changed */
}

/* eSpeak language names: "en-gb", "cy", "en-gb-x-rp". */
static int language_ok(const char *s)
{
	size_t n = strnlen(s, TTS_LANGUAGE_LEN);

	if (n == 0 || n == TTS_LANGUAGE_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int tts_submit(tts *t, const tts_request *req, char *err, size_t errlen)
{
	const char *language = req->language && req->language[0] ? req->language : "en-gb";
	job *j = NULL;
	size_t len;
	int rc = -1;

	if (!req->text) {
		err_set(err, errlen, "there is no text");
		goto out;
	}
	len = strnlen(req->text, (size_t)TTS_MAX_TEXT + 1);
	if (len > TTS_MAX_TEXT) {
		err_set(err, errlen, "the text is too long to speak");
		goto out;
	}
	if (!utf8_valid(req->text, len)) {
		err_set(err, errlen, "the text is not UTF-8");
		goto out;
	}
	if (!language_ok(language)) {
		err_set(err, errlen, "the language name is not one eSpeak could have");
		goto out;
	}
	if ((int)req->gender < TTS_GENDER_ANY || (int)req->gender > TTS_GENDER_FEMALE ||
	    req->variant < 0 || req->variant > TTS_VARIANT_MAX) {
		err_set(err, errlen, "no such voice");
		goto out;
	}
	if (req->rate < TTS_RATE_MIN || req->rate > TTS_RATE_MAX || req->gap < 0 ||
	    req->gap > TTS_GAP_MAX || req->pitch < 0 || req->pitch > 100 || req->volume < 0 ||
	    req->volume > 200) {
		err_set(err, errlen, "the rate, gap, pitch or volume is out of range");
		goto out;
	}
	j = job_new(req, now_ns(), language, len);
	if (!j) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	pthread_mutex_lock(&t->lock);
	if (t->held >= t->max_jobs) {
		err_set(err, errlen, "%s", TTS_ERR_BUSY);
	} else {
		job_list_push(&t->waiting, j);
		t->held++;
		atomic_fetch_add(&t->arrivals, 1);
		pthread_cond_signal(&t->cond);
		j = NULL;
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
out:
	job_free(j);
	return rc;
}

tts_result *tts_poll(tts *t)
{
	tts_result *r = NULL;
	job *j;

	pthread_mutex_lock(&t->lock);
	j = job_list_pop(&t->done);
	if (j && !j->piece)
		t->held--;
	pthread_mutex_unlock(&t->lock);
	if (j) {
		r = j->result;
		j->result = NULL;
		job_free(j);
	}
	return r;
}

void tts_forget(tts *t, const void *owner)
{
	pthread_mutex_lock(&t->lock);
	t->held -= job_list_drop_owner(&t->waiting, owner, t->speaking);
	t->held -= job_list_drop_owner(&t->done, owner, NULL);
	if (t->speaking && t->speaking->result->owner == owner)
		atomic_store(&t->speaking->abandon, 1);
	pthread_mutex_unlock(&t->lock);
}
