#include "narrate.h"

#include "buf.h"
#include "cache.h"
#include "tts.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 256
#define MAX_WRITES 64 /* narrations waiting to be written to the cache; more are not kept */
#define CACHE_MAGIC 0x314e4150u /* "PAN1" */

static const struct {
	const char *name;
	int percent; /* of the voice's normal rate */
} speeds[] = { { "slower", 75 }, { "normal", 100 }, { "faster", 130 } };

typedef struct job {
	struct job *next;
	uint64_t id;
	void *owner;
	uint64_t tag;
	speech sp;
	buf key;
} job;

/* A finished narration waiting for the writer thread to put it in the cache. */
typedef struct write_job {
	struct write_job *next;
	narration *r;
} write_job;

struct narrator {
	const voices *v;
	cache *c; /* under cache_lock: the loop reads it, the writer thread writes it */
	pthread_mutex_t cache_lock;
	tts *t;
	job *jobs;
	uint64_t next_id;
	/* the cache's writer thread */
	pthread_t writer;
	int writer_started;
	pthread_mutex_t lock; /* the writes waiting */
	pthread_cond_t cond;
	write_job *writes, **writes_tail;
	size_t nwrites;
	int stopping;
};

int narrate_speed_valid(const char *speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (strcmp(speeds[i].name, speed) == 0)
			return 1;
	return 0;
}

const char *const narrate_speeds[] = { "slower", "normal", "faster", NULL };

const voices *narrator_voices(const narrator *n)
{
	return n->v;
}

int narrator_has_voice(const narrator *n, const char *voice)
{
	return voices_find(n->v, voice) != NULL;
}

static int speed_percent(const char *speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (strcmp(speeds[i].name, speed) == 0)
			return speeds[i].percent;
	return 100;
}

static void narration_release(narration *r);
static int serialise(const narration *r, buf *out);

/* The writer thread: puts finished narrations into the cache, oldest first, until stopped (what
 * is still waiting then is written first: it was synthesised at some cost). */
static void *writer_main(void *arg)
{
	narrator *n = arg;
	buf value = BUF_INIT;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		write_job *w;

		while (!n->writes && !n->stopping)
			pthread_cond_wait(&n->cond, &n->lock);
		if (!n->writes)
			break;
		w = n->writes;
		pthread_mutex_unlock(&n->lock);
		buf_reset(&value);
		if (serialise(w->r, &value) == 0) {
			pthread_mutex_lock(&n->cache_lock);
			cache_put(n->c, w->r->cache_key, w->r->cache_key_len, value.data, value.len);
			pthread_mutex_unlock(&n->cache_lock);
		}
		pthread_mutex_lock(&n->lock);
		n->writes = w->next; /* off the list only now: narrator_say finds it till written */
		if (!n->writes)
			n->writes_tail = &n->writes;
		n->nwrites--;
		pthread_mutex_unlock(&n->lock);
		narration_release(w->r);
		free(w);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	buf_release(&value);
	return NULL;
}

static int start_writer(narrator *n)
{
	sigset_t all, old;
	int rc;

	/* Signals stay with the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&n->writer, NULL, writer_main, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n->writer_started = rc == 0;
	return rc ? -1 : 0;
}

/* Hands a finished narration to the writer thread; it is freed there once written. */
static void keep(narrator *n, narration *r)
{
	write_job *w = malloc(sizeof(*w));

	pthread_mutex_lock(&n->lock);
	if (!w || n->nwrites >= MAX_WRITES || n->stopping) {
		pthread_mutex_unlock(&n->lock);
		free(w);
		narration_release(r); /* not kept: it will be synthesised again if asked for */
		return;
	}
	w->next = NULL;
	w->r = r;
	*n->writes_tail = w;
	n->writes_tail = &w->next;
	n->nwrites++;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

/* A copy of a narration waiting to be written under key, or NULL. Called with n->lock held. */
static narration *waiting_copy(narrator *n, const buf *key)
{
	for (write_job *w = n->writes; w; w = w->next) {
		narration *r = w->r, *c;

		if (r->cache_key_len != key->len || memcmp(r->cache_key, key->data, key->len) != 0)
			continue;
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		*c = (narration){ .sample_rate = r->sample_rate, .cached = 1,
				  .sample_count = r->sample_count, .word_count = r->word_count };
		c->samples = malloc(r->sample_count * sizeof(*c->samples) + 1);
		c->words = malloc(r->word_count * sizeof(*c->words) + 1);
		if (!c->samples || !c->words) {
			narration_release(c);
			return NULL;
		}
		memcpy(c->samples, r->samples, r->sample_count * sizeof(*c->samples));
		memcpy(c->words, r->words, r->word_count * sizeof(*c->words));
		return c;
	}
	return NULL;
}

narrator *narrator_open(const voices *v, const char *cache_dir, size_t cache_bytes,
			void (*wake)(void *ctx), void *wake_ctx, char *err, size_t errlen)
{
	narrator *n = calloc(1, sizeof(*n));

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n->v = v;
	pthread_mutex_init(&n->lock, NULL);
	pthread_mutex_init(&n->cache_lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	n->writes_tail = &n->writes;
	n->c = cache_open(cache_dir, cache_bytes, err, errlen);
	if (!n->c)
		goto fail;
	if (start_writer(n)) {
		snprintf(err, errlen, "cannot start the cache's writer thread");
		goto fail;
	}
	n->t = tts_open(wake, wake_ctx, MAX_JOBS, err, errlen);
	if (!n->t)
		goto fail;
	return n;
fail:
	narrator_close(n);
	return NULL;
}

static void job_free(job *j)
{
	speech_release(&j->sp);
	buf_release(&j->key);
	free(j);
}

void narrator_close(narrator *n)
{
	if (!n)
		return;
	tts_close(n->t);
	if (n->writer_started) {
		pthread_mutex_lock(&n->lock);
		n->stopping = 1;
		pthread_cond_signal(&n->cond);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->writer, NULL);
	}
	while (n->jobs) {
		job *j = n->jobs;

		n->jobs = j->next;
		job_free(j);
	}
	cache_close(n->c);
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	pthread_mutex_destroy(&n->cache_lock);
	free(n);
}

static void narration_release(narration *r)
{
	if (!r)
		return;
	free(r->samples);
	free(r->words);
	free(r->cache_key);
	free(r);
}

void narration_free(narration *r)
{
	if (r && r->keep_in)
		keep(r->keep_in, r);
	else
		narration_release(r);
}

/* ---- the cache's value: a header, the words, the samples (this machine's byte order) ---- */

typedef struct cached_header {
	uint32_t magic, sample_rate, word_count, sample_count;
} cached_header;

static int serialise(const narration *r, buf *out)
{
	cached_header h = { CACHE_MAGIC, (uint32_t)r->sample_rate, (uint32_t)r->word_count,
			    (uint32_t)r->sample_count };

	return buf_append(out, &h, sizeof(h)) ||
	       buf_append(out, r->words, r->word_count * sizeof(*r->words)) ||
	       buf_append(out, r->samples, r->sample_count * sizeof(*r->samples));
}

static narration *deserialise(const buf *b)
{
	cached_header h;
	narration *r;
	size_t words_bytes, samples_bytes;

	if (b->len < sizeof(h))
		return NULL;
	memcpy(&h, b->data, sizeof(h));
	words_bytes = (size_t)h.word_count * sizeof(narration_word);
	samples_bytes = (size_t)h.sample_count * sizeof(int16_t);
	if (h.magic != CACHE_MAGIC || b->len != sizeof(h) + words_bytes + samples_bytes)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->sample_rate = (int)h.sample_rate;
	r->word_count = h.word_count;
	r->sample_count = h.sample_count;
	r->words = malloc(words_bytes ? words_bytes : 1);
	r->samples = malloc(samples_bytes ? samples_bytes : 1);
	if (!r->words || !r->samples) {
		narration_free(r);
		return NULL;
	}
	memcpy(r->words, b->data + sizeof(h), words_bytes);
	memcpy(r->samples, b->data + sizeof(h) + words_bytes, samples_bytes);
	r->cached = 1;
	return r;
}

int narrator_say(narrator *n, void *owner, uint64_t tag, const char *voice, const char *speed,
		 const char *text, int stream, narration **done, char *err, size_t errlen)
{
	const voice_profile *p = voices_find(n->v, voice);
	tts_request req;
	buf value = BUF_INIT;
	job *j;

	*done = NULL;
	if (!p || !narrate_speed_valid(speed)) {
		snprintf(err, errlen, "unknown voice or speed");
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (!j || voices_speech(n->v, text, &j->sp) ||
	    buf_printf(&j->key, "v1|%s|%s|%s", p->name, speed, j->sp.text)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pthread_mutex_lock(&n->lock);
	*done = waiting_copy(n, &j->key);
	pthread_mutex_unlock(&n->lock);
	if (!*done) {
		pthread_mutex_lock(&n->cache_lock);
		if (cache_get(n->c, j->key.data, j->key.len, &value) == 0)
			*done = deserialise(&value);
		pthread_mutex_unlock(&n->cache_lock);
	}
	if (*done) {
		(*done)->owner = owner;
		(*done)->tag = tag;
		buf_release(&value);
		job_free(j);
		return 0;
	}
	buf_release(&value);
	tts_request_init(&req);
	req.id = j->id = ++n->next_id;
	req.owner = owner;
	req.language = p->language;
	req.gender = p->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	req.rate = p->rate * speed_percent(speed) / 100;
	req.pitch = p->pitch;
	req.text = j->sp.text;
	req.stream = stream;
	if (tts_submit(n->t, &req, err, errlen))
		goto fail;
	j->owner = owner;
	j->tag = tag;
	j->next = n->jobs;
	n->jobs = j;
	return 0;
fail:
	if (j)
		job_free(j);
	return -1;
}

/* The job a result belongs to, taken off the list when take is 1; NULL when it was forgotten. */
static job *find_job(narrator *n, uint64_t id, int take)
{
	for (job **pp = &n->jobs; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id) {
			job *j = *pp;

			if (take)
				*pp = j->next;
			return j;
		}
	return NULL;
}

/* The words of tr in characters of the shown text: r->words, or -1 when memory ran short. */
static int shown_words(const job *j, const tts_result *tr, narration *r)
{
	r->words = calloc(tr->word_count ? tr->word_count : 1, sizeof(*r->words));
	if (!r->words)
		return -1;
	for (size_t i = 0; i < tr->word_count; i++) {
		size_t w, wl;

		speech_to_written(&j->sp, tr->words[i].start, tr->words[i].length, &w, &wl);
		r->words[i] = (narration_word){ (uint32_t)w, (uint32_t)wl, tr->words[i].audio_ms };
	}
	r->word_count = tr->word_count;
	return 0;
}

/* A piece of audio still being made, with the words of the sentences finished since the last:
 * the samples move over. */
static narration *piece_of(const job *j, tts_result *tr)
{
	narration *r = calloc(1, sizeof(*r));

	if (!r || shown_words(j, tr, r)) {
		free(r);
		return NULL;
	}
	r->owner = j->owner;
	r->tag = j->tag;
	r->piece = 1;
	r->first_sample = tr->first_sample;
	r->sample_rate = tr->sample_rate;
	r->samples = tr->samples;
	r->sample_count = tr->sample_count;
	tr->samples = NULL;
	return r;
}

narration *narrator_poll(narrator *n)
{
	tts_result *tr;

	while ((tr = tts_poll(n->t))) {
		job *j = find_job(n, tr->id, !tr->piece);
		narration *r;

		if (!j) {
			tts_result_free(tr);
			continue;
		}
		if (tr->piece) {
			r = piece_of(j, tr);
			tts_result_free(tr);
			if (r)
				return r;
			continue; /* out of memory: the audio comes with the finished narration */
		}
		r = calloc(1, sizeof(*r));
		if (!r) {
			tts_result_free(tr);
			job_free(j);
			continue;
		}
		r->owner = j->owner;
		r->tag = j->tag;
		r->failed = tr->failed;
		r->sample_rate = tr->sample_rate;
		if (!tr->failed) {
			/* The samples move over; word places go from spoken to shown characters. */
			r->samples = tr->samples;
			r->sample_count = tr->sample_count;
			tr->samples = NULL;
			if (shown_words(j, tr, r)) {
				r->failed = 1;
			} else {
				/* into the cache once delivered (narration_free) */
				r->cache_key = malloc(j->key.len + 1);
				if (r->cache_key) {
					memcpy(r->cache_key, j->key.data, j->key.len);
					r->cache_key_len = j->key.len;
					r->keep_in = n;
				}
			}
		}
		tts_result_free(tr);
		job_free(j);
		return r;
	}
	return NULL;
}

void narrator_forget(narrator *n, void *owner)
{
	tts_forget(n->t, owner);
	for (job **pp = &n->jobs; *pp;) {
		job *j = *pp;

		if (j->owner == owner) {
			*pp = j->next;
			job_free(j);
		} else {
			pp = &j->next;
		}
	}
}
