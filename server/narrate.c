#include "narrate.h"

#include "err.h"
#include "buf.h"
#include "cache.h"
#include "tts.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS   256 /* narrations asked for and not yet out of narrator_poll */
#define MAX_WRITES 64  /* narrations waiting to be written to the cache; more are not kept */
/* Narrations the cache's thread keeps in memory, most recently used first: the fixed pages'
 * texts that many kiosks ask for are then copied, not read from a file and decoded each time. */
#define RECENT_BYTES (32u << 20)
#define CACHE_MAGIC  0x314e4150u /* "PAN1" */

/* Heard at about 100, 125, 150, 180 and 220 words a minute when a voice's normal rate is 150
 * (voices_espeak_rate() finds eSpeak's settings for that). */
static const struct {
	const char *name;
	int percent; /* of the voice's normal rate */
} speeds[] = {{"slowest", 67}, {"slower", 83}, {"normal", 100}, {"faster", 120}, {"fastest", 147}};

typedef struct job {
	struct job *next;
	uint64_t id;
	void *owner;
	uint64_t tag;
	speech sp;
	buf key;
	int uncached; /* NARRATE_UNCACHED: not kept in the cache when made */
} job;

/* A finished narration waiting for the cache's thread to put it in the cache. */
typedef struct write_job {
	struct write_job *next;
	narration *r;
} write_job;

/* A narration asked for, waiting for the cache's thread to find it, or else to hand it to the
 * synthesis thread. Everything in it is its own but req's language (the voice profile's). */
typedef struct lookup {
	struct lookup *next;
	tts_request req; /* id: the job's; owner: the asker's; text: spoken */
	char *spoken;
	char *key;
	size_t key_len;
	int uncached; /* NARRATE_UNCACHED: straight to the synthesis thread */
} lookup;

/* What the cache's thread found for job id: the narration from the cache, or a failed one when
 * it could not be asked for. */
typedef struct found {
	struct found *next;
	uint64_t id;
	narration *r;
} found;

struct narrator {
	const voices *v;
	cache *c; /* the cache's thread's own */
	tts *t;
	void (*wake)(void *ctx);
	void *wake_ctx;
	/* the loop's own */
	job *jobs;
	size_t njobs;
	uint64_t next_id;
	/* The cache's thread: it looks up what is asked for (first) and writes what was made, so
	 * the loop never reads or writes a 0.5 MB file. */
	pthread_t worker;
	int worker_started;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t cond;
	lookup *lookups, **lookups_tail;
	found *finds, **finds_tail;
	write_job *writes, **writes_tail;
	size_t nwrites;
	int stopping;
	/* the lookup the cache's thread is on, and whether its owner was forgotten meanwhile */
	const void *taking_owner;
	int taking_forgotten;
	/* the cache's thread's own: narrations with their cache_key, most recently used first */
	struct recent *recent;
	size_t recent_bytes;
};

typedef struct recent {
	struct recent *next;
	narration *r;
	size_t bytes;
} recent;

int narrate_speed_valid(const char *speed)
{
	return narrate_speed_percent(speed) > 0;
}

const char *const narrate_speeds[] = {"slowest", "slower", "normal", "faster", "fastest", NULL};

const voices *narrator_voices(const narrator *n)
{
	return n->v;
}

int narrator_has_voice(const narrator *n, const char *voice)
{
	return voices_find(n->v, voice) != NULL;
}

int narrate_speed_percent(const char *speed)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(*speeds); i++)
		if (strcmp(speeds[i].name, speed) == 0)
			return speeds[i].percent;
	return 0;
}

static void narration_release(narration *r);
static int serialise(const narration *r, buf *out);

static const narration *waiting(narrator *n, const char *key, size_t key_len);
static narration *narration_copy(const narration *r);
static narration *deserialise(const buf *b);

/* 1 when r is kept under key. */
static int keyed(const narration *r, const char *key, size_t key_len)
{
	return r->cache_key_len == key_len && memcmp(r->cache_key, key, key_len) == 0;
}

static size_t narration_bytes(const narration *r)
{
	return r->sample_count * sizeof(*r->samples) + r->word_count * sizeof(*r->words) +
	       r->cache_key_len + sizeof(*r);
}

/* A copy of the narration kept under key (now the most recently used), or NULL. */
static narration *recent_copy(narrator *n, const char *key, size_t key_len)
{
	for (recent **pp = &n->recent; *pp; pp = &(*pp)->next) {
		recent *e = *pp;

		if (!keyed(e->r, key, key_len))
			continue;
		*pp = e->next;
		e->next = n->recent;
		n->recent = e;
		return narration_copy(e->r);
	}
	return NULL;
}

/* Keeps r (with its cache_key; now the cache's thread's) in memory, dropping the least recently
 * used while over RECENT_BYTES; r is freed when it cannot be kept. */
static void recent_keep(narrator *n, narration *r)
{
	recent *e = malloc(sizeof(*e)), **pp;

	if (!e || !r->cache_key || narration_bytes(r) > RECENT_BYTES / 4) {
		free(e);
		narration_release(r);
		return;
	}
	r->keep_in = NULL;
	e->r = r;
	e->bytes = narration_bytes(r);
	e->next = n->recent;
	n->recent = e;
	n->recent_bytes += e->bytes;
	while (n->recent_bytes > RECENT_BYTES && n->recent->next) { /* the last goes; never e */
		for (pp = &n->recent; (*pp)->next;)
			pp = &(*pp)->next;
		n->recent_bytes -= (*pp)->bytes;
		narration_release((*pp)->r);
		free(*pp);
		*pp = NULL;
	}
}

/* Keeps a copy of r, under key, in memory. */
static void recent_keep_copy(narrator *n, const narration *r, const char *key, size_t key_len)
{
	narration *c = narration_copy(r);

	if (c && (c->cache_key = malloc(key_len + 1))) {
		memcpy(c->cache_key, key, key_len);
		c->cache_key[key_len] = '\0';
		c->cache_key_len = key_len;
		recent_keep(n, c);
	} else {
		narration_release(c);
	}
}

static void lookup_free(lookup *l)
{
	if (!l)
		return;
	free(l->spoken);
	free(l->key);
	free(l);
}

/* Hands what was found for job id to narrator_poll, and wakes the loop. */
static void hand_over(narrator *n, uint64_t id, narration *r)
{
	found *f = malloc(sizeof(*f));

	if (!f) { /* the job stays unanswered until its owner goes: it never got its audio */
		narration_free(r);
		return;
	}
	f->next = NULL;
	f->id = id;
	f->r = r;
	pthread_mutex_lock(&n->lock);
	*n->finds_tail = f;
	n->finds_tail = &f->next;
	pthread_mutex_unlock(&n->lock);
	if (n->wake)
		n->wake(n->wake_ctx);
}

/* A narration asked for: from memory or the cache, else to the synthesis thread. */
static void look_up(narrator *n, lookup *l, buf *value)
{
	narration *r = l->uncached ? NULL : recent_copy(n, l->key, l->key_len);
	char err[TTS_ERR_LEN];

	if (!r && !l->uncached) {
		const narration *w;

		/* Only this thread takes narrations off the writes list, so the one found stays
		 * there while it is copied, without holding the lock the loop also takes. */
		pthread_mutex_lock(&n->lock);
		w = waiting(n, l->key, l->key_len);
		pthread_mutex_unlock(&n->lock);
		r = w ? narration_copy(w) : NULL;
	}
	if (!r && !l->uncached) {
		buf_reset(value);
		if (cache_get(n->c, l->key, l->key_len, value) == 0 && (r = deserialise(value)))
			recent_keep_copy(n, r, l->key, l->key_len);
	}
	if (r) {
		hand_over(n, l->req.id, r);
		return;
	}
	if (tts_submit(n->t, &l->req, err, sizeof(err)) == 0)
		return;
	r = calloc(1, sizeof(*r));
	if (r) {
		r->failed = 1;
		hand_over(n, l->req.id, r);
	}
}

/* The cache's thread: looks up what is asked for, oldest first, and between lookups puts
 * finished narrations into the cache, oldest first, until stopped (what is still waiting to be
 * written then is written first: it was synthesised at some cost; lookups are dropped). */
static void *worker_main(void *arg)
{
	narrator *n = arg;
	buf value = BUF_INIT;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		lookup *l;
		write_job *w;

		while (!n->writes && !n->stopping && !n->lookups)
			pthread_cond_wait(&n->cond, &n->lock);
		if (!n->stopping && (l = n->lookups)) {
			n->lookups = l->next;
			if (!n->lookups)
				n->lookups_tail = &n->lookups;
			n->taking_owner = l->req.owner;
			n->taking_forgotten = 0;
			pthread_mutex_unlock(&n->lock);
			look_up(n, l, &value);
			pthread_mutex_lock(&n->lock);
			if (n->taking_forgotten) {
				/* narrator_forget ran while this was on its way to tts: nothing the
				 * owner asked for before is wanted, and nothing after has reached
				 * tts yet (this thread hands lookups over in order) */
				pthread_mutex_unlock(&n->lock);
				tts_forget(n->t, l->req.owner);
				pthread_mutex_lock(&n->lock);
			}
			n->taking_owner = NULL;
			lookup_free(l);
			continue;
		}
		if (!n->writes)
			break;
		w = n->writes;
		pthread_mutex_unlock(&n->lock);
		buf_reset(&value);
		if (serialise(w->r, &value) == 0)
			cache_put(n->c, w->r->cache_key, w->r->cache_key_len, value.data,
				  value.len);
		pthread_mutex_lock(&n->lock);
		n->writes = w->next; /* off the list only now: a lookup finds it till written */
		if (!n->writes)
			n->writes_tail = &n->writes;
		n->nwrites--;
		pthread_mutex_unlock(&n->lock);
		recent_keep(n, w->r); /* asked for again soon, likely: kept in memory */
		free(w);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	buf_release(&value);
	return NULL;
}

static int start_worker(narrator *n)
{
	sigset_t all, old;
	int rc;

	/* Signals stay with the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&n->worker, NULL, worker_main, n);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	n->worker_started = rc == 0;
	return rc ? -1 : 0;
}

/* Hands a finished narration to the cache's thread; it is freed there once written. */
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

/* A cached copy of r: its audio and words, nothing else. NULL when memory runs out. */
static narration *narration_copy(const narration *r)
{
	narration *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = (narration){.sample_rate = r->sample_rate,
			 .cached = 1,
			 .sample_count = r->sample_count,
			 .word_count = r->word_count};
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

/* The narration waiting to be written under key, or NULL. Called with n->lock held. */
static const narration *waiting(narrator *n, const char *key, size_t key_len)
{
	for (write_job *w = n->writes; w; w = w->next) {
		if (keyed(w->r, key, key_len))
			return w->r;
	}
	return NULL;
}

narrator *narrator_open(const voices *v, const char *cache_dir, size_t cache_bytes,
			void (*wake)(void *ctx), void *wake_ctx, char *err, size_t errlen)
{
	narrator *n = calloc(1, sizeof(*n));

	if (!n) {
		err_set(err, errlen, "out of memory");
		return NULL;
	}
	n->v = v;
	n->wake = wake;
	n->wake_ctx = wake_ctx;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->cond, NULL);
	n->writes_tail = &n->writes;
	n->lookups_tail = &n->lookups;
	n->finds_tail = &n->finds;
	n->c = cache_open(cache_dir, cache_bytes, err, errlen);
	if (!n->c)
		goto fail;
	n->t = tts_open(wake, wake_ctx, MAX_JOBS, err, errlen);
	if (!n->t)
		goto fail;
	if (start_worker(n)) {
		err_set(err, errlen, "cannot start the audio cache's thread");
		goto fail;
	}
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
	if (n->worker_started) { /* first: it may be handing a lookup to tts */
		pthread_mutex_lock(&n->lock);
		n->stopping = 1;
		pthread_cond_signal(&n->cond);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->worker, NULL);
	}
	tts_close(n->t);
	while (n->lookups) {
		lookup *l = n->lookups;

		n->lookups = l->next;
		lookup_free(l);
	}
	while (n->finds) {
		found *f = n->finds;

		n->finds = f->next;
		narration_release(f->r);
		free(f);
	}
	while (n->jobs) {
		job *j = n->jobs;

		n->jobs = j->next;
		job_free(j);
	}
	while (n->recent) {
		recent *e = n->recent;

		n->recent = e->next;
		narration_release(e->r);
		free(e);
	}
	cache_close(n->c);
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
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
	cached_header h = {CACHE_MAGIC, (uint32_t)r->sample_rate, (uint32_t)r->word_count,
			   (uint32_t)r->sample_count};

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
		 const char *text, int flags, char *err, size_t errlen)
{
	const voice_profile *p = voices_find(n->v, voice);
	lookup *l = NULL;
	job *j = NULL;
	int rate, gap;

	if (!p || !narrate_speed_valid(speed)) {
		err_set(err, errlen, "unknown voice or speed");
		return -1;
	}
	if (n->njobs >= MAX_JOBS) {
		err_set(err, errlen, "busy");
		return -1;
	}
	/* keyed by what eSpeak is asked for: a changed profile or speed table is said afresh */
	voices_espeak_rate(p, narrate_speed_percent(speed), &rate, &gap);
	j = calloc(1, sizeof(*j));
	l = calloc(1, sizeof(*l));
	if (!j || !l || voices_speech(n->v, text, &j->sp) ||
	    buf_printf(&j->key, "v2|%s|%d|%d|%d|%s", p->name, rate, gap, p->pitch, j->sp.text) ||
	    !(l->spoken = strdup(j->sp.text)) || !(l->key = malloc(j->key.len + 1))) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(l->key, j->key.data, j->key.len + 1);
	l->key_len = j->key.len;
	tts_request_init(&l->req);
	l->req.rate = rate;
	l->req.gap = gap;
	l->req.id = j->id = ++n->next_id;
	l->req.owner = owner;
	l->req.language = p->language;
	l->req.gender = p->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	l->req.pitch = p->pitch;
	l->req.text = l->spoken;
	l->req.stream = (flags & NARRATE_STREAM) != 0;
	l->uncached = j->uncached = (flags & NARRATE_UNCACHED) != 0;
	j->owner = owner;
	j->tag = tag;
	j->next = n->jobs;
	n->jobs = j;
	n->njobs++;
	pthread_mutex_lock(&n->lock);
	*n->lookups_tail = l;
	n->lookups_tail = &l->next;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	return 0;
fail:
	lookup_free(l);
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

			if (take) {
				*pp = j->next;
				n->njobs--;
			}
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
		r->words[i] = (narration_word){(uint32_t)w, (uint32_t)wl, tr->words[i].audio_ms};
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
	found *f;

	/* What the cache's thread found first: cached audio goes out whole. */
	for (;;) {
		job *j;
		narration *r;

		pthread_mutex_lock(&n->lock);
		f = n->finds;
		if (f) {
			n->finds = f->next;
			if (!n->finds)
				n->finds_tail = &n->finds;
		}
		pthread_mutex_unlock(&n->lock);
		if (!f)
			break;
		j = find_job(n, f->id, 1);
		r = f->r;
		free(f);
		if (!j) { /* forgotten */
			narration_release(r);
			continue;
		}
		r->owner = j->owner;
		r->tag = j->tag;
		job_free(j);
		return r;
	}

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
			} else if (!j->uncached) {
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
	lookup **lp, *gone = NULL;

	/* Its lookups not yet begun are dropped; one the cache's thread has begun may still reach
	 * tts, and what comes of it is dropped in narrator_poll (its job is gone). */
	pthread_mutex_lock(&n->lock);
	if (n->taking_owner == owner)
		n->taking_forgotten = 1;
	for (lp = &n->lookups; *lp;) {
		lookup *l = *lp;

		if (l->req.owner == owner) {
			*lp = l->next;
			l->next = gone;
			gone = l;
		} else {
			lp = &l->next;
		}
	}
	n->lookups_tail = &n->lookups;
	while (*n->lookups_tail)
		n->lookups_tail = &(*n->lookups_tail)->next;
	pthread_mutex_unlock(&n->lock);
	while (gone) {
		lookup *l = gone;

		gone = l->next;
		lookup_free(l);
	}
	tts_forget(n->t, owner);
	for (job **pp = &n->jobs; *pp;) {
		job *j = *pp;

		if (j->owner == owner) {
			*pp = j->next;
			n->njobs--;
			job_free(j);
		} else {
			pp = &j->next;
		}
	}
}
