/* narrate_cache: the audio cache's own thread. It looks up the fixed texts asked for (in memory,
 * among those waiting to be written, then on disk) and writes what was made, so the loop never
 * reads or writes a 0.5 MB file; what is not found goes on to the synthesis thread's queue. */
#include "narrate_int.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAGIC 0x314e4150u /* "PAN1" */

static int serialise(const narration *r, buf *out);
static narration *deserialise(const buf *b);
static const narration *waiting(narrator *n, const char *key, size_t key_len);

/* A fixed text asked for: from memory or the cache, else to the synthesis thread's queue. */
static void look_up(narrator *n, lookup *l, buf *value)
{
	narration *r = keep_copy(n->recent, NULL, l->key, l->key_len);

	if (!r) {
		const narration *w;

		/* Only this thread takes narrations off the writes list, so the one found stays
		 * there while it is copied, without holding the lock the loop also takes. */
		pthread_mutex_lock(&n->lock);
		w = waiting(n, l->key, l->key_len);
		pthread_mutex_unlock(&n->lock);
		r = w ? narration_copy(w) : NULL;
	}
	if (!r) {
		buf_reset(value);
		if (cache_get(n->c, l->key, l->key_len, value) == 0 && (r = deserialise(value))) {
			narration *c = narration_copy(r);

			if (c && (c->cache_key = malloc(l->key_len + 1))) {
				memcpy(c->cache_key, l->key, l->key_len);
				c->cache_key_len = l->key_len;
			}
			keep_put(n->recent, NULL, c);
		}
	}
	pthread_mutex_lock(&n->lock);
	if (n->taking_forgotten) { /* narrator_stop ran meanwhile: nobody wants it */
		narration_release(r);
		lookup_free(l);
	} else if (r || l->cache_only) {
		narrate_found(n, l->job, r ? r : narration_failed(1));
		lookup_free(l);
	} else {
		narrate_enqueue(n, l);
	}
	pthread_mutex_unlock(&n->lock);
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
			n->taking_owner = l->owner;
			n->taking_forgotten = 0;
			pthread_mutex_unlock(&n->lock);
			look_up(n, l, &value);
			pthread_mutex_lock(&n->lock);
			n->taking_owner = NULL;
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
		keep_put(n->recent, NULL, w->r); /* asked for again soon, likely: kept in memory */
		free(w);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	buf_release(&value);
	return NULL;
}

int narrate_cache_start(narrator *n)
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
void narrate_keep(narrator *n, narration *r)
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

/* The narration waiting to be written under key, or NULL. Called with n->lock held. */
static const narration *waiting(narrator *n, const char *key, size_t key_len)
{
	for (write_job *w = n->writes; w; w = w->next) {
		if (w->r->cache_key_len == key_len && memcmp(w->r->cache_key, key, key_len) == 0)
			return w->r;
	}
	return NULL;
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
