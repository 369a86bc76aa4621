#include "narrate_int.h"

#include "err.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 4096 /* narrations asked for and not yet out of narrator_poll */
/* A person's own texts kept in memory for their session (said again as they check their plan):
 * at most this much for one session, and for everyone. */
#define OWN_BYTES     (8u << 20)
#define OWN_ALL_BYTES (64u << 20)
/* The cache's generation: files of an earlier one go when the cache opens. Generation 3 holds
 * fixed texts only (before it, a person's answers were written there too). */
#define CACHE_GENERATION "3"

/* How much of the voice one session and one address may have (fair.c). Texts in synthesis at
 * once: in all (the synthesis thread shares itself between them a sentence at a time), of one
 * session, of one address; texts asked for and not yet answered by one address. */
static const fair_limits limits = {.running = 16, .per_owner = 2, .per_group = 4, .held = 512};

/* Heard at about 100, 125, 150, 180 and 220 words a minute when a voice's normal rate is 150
 * (voices_espeak_rate() finds eSpeak's settings for that). */
static const struct {
	const char *name;
	int percent; /* of the voice's normal rate */
} speeds[] = {{"slowest", 67}, {"slower", 83}, {"normal", 100}, {"faster", 120}, {"fastest", 147}};

int narrate_speed_valid(const char *speed)
{
	return narrate_speed_percent(speed) > 0;
}

const char *const narrate_speeds[] = {"slowest", "slower", "normal", "faster", "fastest", NULL};

const voices *narrator_voices(const narrator *n)
{
	return n->v;
}

void narrator_set_voices(narrator *n, const voices *v)
{
	n->v = v;
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

void lookup_free(lookup *l)
{
	if (!l)
		return;
	free(l->spoken);
	free(l->key);
	free(l);
}

static void lookup_drop(void *payload)
{
	lookup_free(payload);
}

/* Hands r to narrator_poll as the answer to job id, and wakes the loop. With n->lock held. */
void narrate_found(narrator *n, uint64_t id, narration *r)
{
	found *f = r ? malloc(sizeof(*f)) : NULL;

	if (!f) { /* the job stays unanswered until its owner goes: it never got its audio */
		narration_release(r);
		return;
	}
	f->next = NULL;
	f->id = id;
	f->r = r;
	*n->finds_tail = f;
	n->finds_tail = &f->next;
	if (n->wake)
		n->wake(n->wake_ctx);
}

/* A narration that failed (busy: because too much waits). NULL when memory runs out. */
narration *narration_failed(int busy)
{
	narration *r = calloc(1, sizeof(*r));

	if (r) {
		r->failed = 1;
		r->busy = busy;
	}
	return r;
}

/* Starts whatever may start now on the synthesis thread. With n->lock held. */
static void pump_locked(narrator *n)
{
	void *payload;
	uint64_t number;

	while ((number = fair_next(n->fair, &payload))) {
		lookup *l = payload;
		char err[TTS_ERR_LEN];
		const uint64_t *ids;
		size_t k;

		l->req.id = number;
		if (tts_submit(n->t, &l->req, err, sizeof(err)) == 0) {
			n->syntheses++;
			continue;
		}
		ids = fair_waiters(n->fair, number, &k);
		for (size_t i = 0; i < k; i++)
			narrate_found(n, ids[i], narration_failed(0));
		lookup_free(fair_done(n->fair, number));
	}
}

/* Queues l (taken) for the synthesis thread, joining the same fixed text already on its way.
 * With n->lock held. */
void narrate_enqueue(narrator *n, lookup *l)
{
	int joined = 0;
	uint64_t number =
	    fair_add(n->fair, l->owner, l->job, l->shared ? l->key : NULL, l->key_len, l, &joined);

	if (!number)
		narrate_found(n, l->job, narration_failed(0));
	if (!number || joined)
		lookup_free(l);
	pump_locked(n);
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
	n->out_tail = &n->out;
	n->fair = fair_new(limits, lookup_drop);
	n->own = keep_new(OWN_ALL_BYTES, OWN_BYTES);
	n->recent = keep_new(RECENT_BYTES, RECENT_BYTES);
	if (!n->fair || !n->own || !n->recent) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	n->c = cache_open(cache_dir, cache_bytes, CACHE_GENERATION, err, errlen);
	if (!n->c)
		goto fail;
	/* room for the few a forgotten owner's abandoned texts hold until the worker lets go */
	n->t = tts_open(wake, wake_ctx, limits.running + 4, err, errlen);
	if (!n->t)
		goto fail;
	if (narrate_cache_start(n)) {
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
	fair_free(n->fair);
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
	while (n->out) {
		ready *o = n->out;

		n->out = o->next;
		narration_release(o->r);
		free(o);
	}
	while (n->jobs) {
		job *j = n->jobs;

		n->jobs = j->next;
		job_free(j);
	}
	keep_free(n->own);
	keep_free(n->recent);
	cache_close(n->c);
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

void narration_release(narration *r)
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
		narrate_keep(r->keep_in, r);
	else
		narration_release(r);
}

int narrator_set_group(narrator *n, const void *owner, const char *group)
{
	int rc;

	pthread_mutex_lock(&n->lock);
	rc = fair_set_group(n->fair, owner, group);
	pthread_mutex_unlock(&n->lock);
	return rc;
}

#define REFUSED_LOG_SECONDS 10 /* at most one line this often, however long a flood lasts */

/* One more text past its address's share (or the server's): logged, with the address and how
 * many since the last line, at most every REFUSED_LOG_SECONDS. With n->lock held. */
static void refused(narrator *n, const void *owner)
{
	time_t now = time(NULL);
	char address[80];

	n->refused++;
	if (n->refused_logged && now - n->refused_logged < REFUSED_LOG_SECONDS)
		return;
	log_event(LOG_WARN, "narration-busy", "address=%s refused=%zu waiting=%zu",
		  log_value(fair_group_of(n->fair, owner), address, sizeof(address)), n->refused,
		  n->njobs);
	n->refused = 0;
	n->refused_logged = now;
}

/* Adds j to the loop's jobs. */
static void add_job(narrator *n, job *j)
{
	j->next = n->jobs;
	n->jobs = j;
	n->njobs++;
}

/* The answer for a job comes from the owner's own memory: handed over at once. 1 when it did. */
static int from_own_memory(narrator *n, job *j)
{
	narration *r;

	if (!(j->flags & NARRATE_PERSONAL) || (j->flags & NARRATE_UNCACHED) ||
	    !(r = keep_copy(n->own, j->owner, j->key.data, j->key.len)))
		return 0;
	add_job(n, j);
	pthread_mutex_lock(&n->lock);
	narrate_found(n, j->id, r);
	pthread_mutex_unlock(&n->lock);
	return 1;
}

/* The lookup (the request to the synthesis thread) for job j of profile p. */
static lookup *lookup_of(const job *j, const voice_profile *p, const char *language, int rate,
			 int gap)
{
	lookup *l = calloc(1, sizeof(*l));

	if (!l || !(l->spoken = strdup(j->sp.text)) || !(l->key = malloc(j->key.len + 1))) {
		lookup_free(l);
		return NULL;
	}
	memcpy(l->key, j->key.data, j->key.len + 1);
	l->key_len = j->key.len;
	tts_request_init(&l->req);
	l->req.rate = rate;
	l->req.gap = gap;
	l->req.owner = l;
	l->req.language = language;
	l->req.gender = p->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
	l->req.pitch = p->pitch;
	l->req.text = l->spoken;
	l->req.stream = (j->flags & NARRATE_STREAM) != 0;
	l->job = j->id;
	l->owner = j->owner;
	l->shared = !(j->flags & (NARRATE_PERSONAL | NARRATE_UNCACHED));
	return l;
}

int narrator_say(narrator *n, void *owner, uint64_t tag, const char *voice, const char *speed,
		 const speech_lang *lang, const char *text, int flags, char *err, size_t errlen)
{
	const voice_profile *p = voices_find(n->v, voice);
	const char *language = lang && lang->language ? lang->language : p ? p->language : NULL;
	lookup *l = NULL;
	job *j = NULL;
	int rate, gap, over;

	if (!p || !narrate_speed_valid(speed)) {
		err_set(err, errlen, "unknown voice or speed");
		return -1;
	}
	/* keyed by what eSpeak is asked for: a changed profile or speed table is said afresh */
	voices_espeak_rate(p, narrate_speed_percent(speed), &rate, &gap);
	j = calloc(1, sizeof(*j));
	if (!j || voices_speech(n->v, lang, text, &j->sp) ||
	    buf_printf(&j->key, "v4|%s|%s|%d|%d|%d|%s", p->name, language, rate, gap, p->pitch,
		       j->sp.text)) {
		err_set(err, errlen, "out of memory");
		goto fail;
	}
	j->id = ++n->next_id;
	j->owner = owner;
	j->tag = tag;
	j->flags = flags;
	if (from_own_memory(n, j))
		return 0;
	/* Too much waiting, here or from the owner's address: a fixed text may still come from the
	 * cache (said before is never busy); anything else is busy now. */
	pthread_mutex_lock(&n->lock);
	over = n->njobs >= MAX_JOBS || fair_hold(n->fair, owner);
	if (over)
		refused(n, owner);
	pthread_mutex_unlock(&n->lock);
	j->held = !over;
	if (!(l = lookup_of(j, p, language, rate, gap)) || (over && !l->shared)) {
		err_set(err, errlen, l ? "busy" : "out of memory");
		goto fail;
	}
	l->cache_only = over;
	add_job(n, j);
	pthread_mutex_lock(&n->lock);
	if (l->shared) {
		l->next = NULL;
		*n->lookups_tail = l;
		n->lookups_tail = &l->next;
		pthread_cond_signal(&n->cond);
	} else {
		narrate_enqueue(n, l);
	}
	pthread_mutex_unlock(&n->lock);
	return 0;
fail:
	if (j && j->held) {
		pthread_mutex_lock(&n->lock);
		fair_unhold(n->fair, owner);
		pthread_mutex_unlock(&n->lock);
	}
	lookup_free(l);
	if (j)
		job_free(j);
	return -1;
}

/* The job a result belongs to, or NULL when it was forgotten. */
static job *find_job(narrator *n, uint64_t id)
{
	for (job *j = n->jobs; j; j = j->next)
		if (j->id == id)
			return j;
	return NULL;
}

/* Job j is answered: off the list, its hold on its group given back, freed. */
static void job_done(narrator *n, job *j)
{
	for (job **pp = &n->jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			n->njobs--;
			break;
		}
	if (j->held) {
		pthread_mutex_lock(&n->lock);
		fair_unhold(n->fair, j->owner);
		pthread_mutex_unlock(&n->lock);
	}
	job_free(j);
}

/* The words of tr in characters of j's shown text: r->words, or -1 when memory ran short. */
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

/* j's narration of tr: a piece, or the whole; its samples tr's own when last (they move over),
 * else a copy. NULL when memory ran short. */
static narration *narration_of(const job *j, tts_result *tr, int last)
{
	narration *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->owner = j->owner;
	r->tag = j->tag;
	r->piece = tr->piece;
	r->first_sample = tr->first_sample;
	r->sample_rate = tr->sample_rate;
	r->failed = tr->failed;
	if (tr->failed)
		return r;
	if (last) {
		r->samples = tr->samples;
		tr->samples = NULL;
	} else if ((r->samples = malloc(tr->sample_count * sizeof(*r->samples) + 1))) {
		memcpy(r->samples, tr->samples, tr->sample_count * sizeof(*r->samples));
	}
	r->sample_count = r->samples ? tr->sample_count : 0;
	if (!r->samples || shown_words(j, tr, r)) {
		if (r->piece) { /* the audio comes with the finished narration */
			narration_release(r);
			return NULL;
		}
		r->failed = 1;
	}
	return r;
}

/* A finished narration is kept: a fixed text in the cache once delivered (narration_free hands
 * it to the cache's thread), a person's own in memory for its owner only, never on disk. */
static void keep_made(narrator *n, const job *j, narration *r)
{
	char *key;

	if (r->failed || r->piece || (j->flags & NARRATE_UNCACHED) ||
	    !(key = malloc(j->key.len + 1)))
		return;
	memcpy(key, j->key.data, j->key.len + 1);
	if (j->flags & NARRATE_PERSONAL) {
		narration *c = narration_copy(r);

		if (c) {
			c->cache_key = key;
			c->cache_key_len = j->key.len;
			keep_put(n->own, j->owner, c);
		} else {
			free(key);
		}
		return;
	}
	r->cache_key = key;
	r->cache_key_len = j->key.len;
	r->keep_in = n;
}

static void ready_add(narrator *n, narration *r)
{
	ready *o = malloc(sizeof(*o));

	if (!o) {
		narration_release(r);
		return;
	}
	o->next = NULL;
	o->r = r;
	*n->out_tail = o;
	n->out_tail = &o->next;
}

/* A result of the synthesis thread, for every job waiting for it. */
static void answer_jobs(narrator *n, tts_result *tr)
{
	uint64_t *ids = NULL;
	const uint64_t *w;
	size_t k;
	int kept = 0;

	pthread_mutex_lock(&n->lock);
	w = fair_waiters(n->fair, tr->id, &k);
	if (k && (ids = malloc(k * sizeof(*ids))))
		memcpy(ids, w, k * sizeof(*ids));
	if (!tr->piece) {
		lookup_free(fair_done(n->fair, tr->id));
		pump_locked(n);
	}
	pthread_mutex_unlock(&n->lock);
	for (size_t i = 0; ids && i < k; i++) {
		job *j = find_job(n, ids[i]);
		narration *r = j ? narration_of(j, tr, i + 1 == k) : NULL;

		if (r && (j->flags & NARRATE_PERSONAL)) {
			keep_made(n, j, r);
		} else if (r && !kept && !(j->flags & NARRATE_UNCACHED)) {
			keep_made(n, j, r); /* one copy of a fixed text goes to the cache */
			kept = 1;
		}
		if (r)
			ready_add(n, r);
		if (j && !tr->piece)
			job_done(n, j);
	}
	free(ids);
}

narration *narrator_poll(narrator *n)
{
	tts_result *tr;

	for (;;) {
		ready *o = n->out;
		found *f;
		job *j;

		if (o) {
			narration *r = o->r;

			n->out = o->next;
			if (!n->out)
				n->out_tail = &n->out;
			free(o);
			return r;
		}
		/* What the cache's thread or memory found first: cached audio goes out whole. */
		pthread_mutex_lock(&n->lock);
		f = n->finds;
		if (f) {
			n->finds = f->next;
			if (!n->finds)
				n->finds_tail = &n->finds;
		}
		pthread_mutex_unlock(&n->lock);
		if (f) {
			narration *r = f->r;

			j = find_job(n, f->id);
			free(f);
			if (!j) { /* forgotten */
				narration_release(r);
				continue;
			}
			r->owner = j->owner;
			r->tag = j->tag;
			job_done(n, j);
			return r;
		}
		if (!(tr = tts_poll(n->t)))
			return NULL;
		answer_jobs(n, tr);
		tts_result_free(tr);
	}
}

/* fair_forget's: a synthesis nobody waits for any more. With n->lock held. */
static void synthesis_gone(void *ctx, void *payload, int running)
{
	narrator *n = ctx;

	if (running)
		tts_forget(n->t, payload);
	lookup_free(payload);
}

/* Drops everything the owner asked for and has not had; leave: the owner is gone for good. */
static void drop_owner(narrator *n, void *owner, int leave)
{
	lookup **lp, *gone = NULL;

	/* Its lookups not yet begun are dropped; one the cache's thread has begun is dropped
	 * there (taking_forgotten). */
	pthread_mutex_lock(&n->lock);
	if (n->taking_owner == owner)
		n->taking_forgotten = 1;
	for (lp = &n->lookups; *lp;) {
		lookup *l = *lp;

		if (l->owner == owner) {
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
	for (job *j = n->jobs; j; j = j->next)
		if (j->owner == owner && j->held) {
			fair_unhold(n->fair, owner);
			j->held = 0;
		}
	if (leave)
		fair_leave(n->fair, owner, synthesis_gone, n);
	else
		fair_forget(n->fair, owner, synthesis_gone, n);
	pthread_mutex_unlock(&n->lock);
	while (gone) {
		lookup *l = gone;

		gone = l->next;
		lookup_free(l);
	}
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
	for (ready **pp = &n->out; *pp;) {
		ready *o = *pp;

		if (o->r->owner == owner) {
			*pp = o->next;
			narration_release(o->r);
			free(o);
		} else {
			pp = &o->next;
		}
	}
	n->out_tail = &n->out;
	while (*n->out_tail)
		n->out_tail = &(*n->out_tail)->next;
	if (leave)
		keep_drop_owner(n->own, owner);
}

void narrator_stop(narrator *n, void *owner)
{
	drop_owner(n, owner, 0);
}

void narrator_forget(narrator *n, void *owner)
{
	drop_owner(n, owner, 1);
}

void narrator_queue(narrator *n, size_t *waiting, size_t *running)
{
	pthread_mutex_lock(&n->lock);
	*waiting = fair_waiting(n->fair);
	*running = fair_running(n->fair);
	pthread_mutex_unlock(&n->lock);
}

size_t narrator_syntheses(narrator *n)
{
	size_t k;

	pthread_mutex_lock(&n->lock);
	k = n->syntheses;
	pthread_mutex_unlock(&n->lock);
	return k;
}
