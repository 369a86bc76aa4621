/* syscall(SYS_gettid): a thread's own niceness (Linux). */
#define _GNU_SOURCE
#include "hasher.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_QUEUED, SLOT_RUNNING, SLOT_DONE };

#define WORKER_NICENESS 10

typedef struct slot {
	int state;
	unsigned long order; /* queued jobs run oldest first */
	void *job;
	void *owner; /* NULL once cancelled */
} slot;

struct hasher {
	pthread_mutex_t lock;
	pthread_cond_t queued;
	pthread_t *threads;
	int nthreads;
	int stopping;
	hasher_work_fn work;
	hasher_release_fn release;
	void (*wake)(void *ctx);
	void *wake_ctx;
	unsigned long next_order;
	int cap;
	slot *slots;
};

/* The oldest queued slot, or NULL. Under the lock. */
static slot *next_queued(hasher *h)
{
	slot *best = NULL;

	for (int i = 0; i < h->cap; i++)
		if (h->slots[i].state == SLOT_QUEUED && (!best || h->slots[i].order < best->order))
			best = &h->slots[i];
	return best;
}

static void *worker(void *arg)
{
	hasher *h = arg;

	/* The loop's work (every kiosk's) comes first when the cores are busy: on Linux a thread's
	 * niceness is its own. Raising it needs no privilege; if it fails, it only matters less. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICENESS);
	pthread_mutex_lock(&h->lock);
	for (;;) {
		slot *s = NULL;

		while (!h->stopping && !(s = next_queued(h)))
			pthread_cond_wait(&h->queued, &h->lock);
		if (h->stopping)
			break;
		s->state = SLOT_RUNNING;
		pthread_mutex_unlock(&h->lock);
		h->work(s->job); /* the slot's job is this thread's alone while RUNNING */
		pthread_mutex_lock(&h->lock);
		s->state = SLOT_DONE;
		pthread_mutex_unlock(&h->lock);
		if (h->wake)
			h->wake(h->wake_ctx);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

hasher *hasher_new(int threads, int cap, hasher_work_fn work, hasher_release_fn release,
		   void (*wake)(void *ctx), void *wake_ctx)
{
	hasher *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->cap = cap > 0 ? cap : 1;
	h->work = work;
	h->release = release;
	h->wake = wake;
	h->wake_ctx = wake_ctx;
	h->slots = calloc((size_t)h->cap, sizeof(*h->slots));
	h->threads = calloc((size_t)(threads > 0 ? threads : 1), sizeof(*h->threads));
	if (!h->slots || !h->threads || pthread_mutex_init(&h->lock, NULL)) {
		free(h->slots);
		free(h->threads);
		free(h);
		return NULL;
	}
	if (pthread_cond_init(&h->queued, NULL)) {
		pthread_mutex_destroy(&h->lock);
		free(h->slots);
		free(h->threads);
		free(h);
		return NULL;
	}
	for (int i = 0; i < (threads > 0 ? threads : 1); i++) {
		if (pthread_create(&h->threads[i], NULL, worker, h))
			break;
		h->nthreads++;
	}
	if (h->nthreads == 0) {
		hasher_free(h);
		return NULL;
	}
	return h;
}

void hasher_free(hasher *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = 1;
	pthread_cond_broadcast(&h->queued);
	pthread_mutex_unlock(&h->lock);
	for (int i = 0; i < h->nthreads; i++)
		pthread_join(h->threads[i], NULL);
	for (int i = 0; i < h->cap; i++)
		if (h->slots[i].state != SLOT_FREE && h->release)
			h->release(h->slots[i].job);
	pthread_cond_destroy(&h->queued);
	pthread_mutex_destroy(&h->lock);
	free(h->slots);
	free(h->threads);
	free(h);
}

int hasher_submit(hasher *h, void *job, void *owner)
{
	int rc = -1;

	pthread_mutex_lock(&h->lock);
	for (int i = 0; i < h->cap; i++) {
		slot *s = &h->slots[i];

		if (s->state != SLOT_FREE)
			continue;
		*s = (slot){SLOT_QUEUED, h->next_order++, job, owner};
		pthread_cond_signal(&h->queued);
		rc = 0;
		break;
	}
	pthread_mutex_unlock(&h->lock);
	return rc;
}

void hasher_cancel(hasher *h, void *owner)
{
	pthread_mutex_lock(&h->lock);
	for (int i = 0; i < h->cap; i++)
		if (h->slots[i].state != SLOT_FREE && h->slots[i].owner == owner)
			h->slots[i].owner = NULL;
	pthread_mutex_unlock(&h->lock);
}

size_t hasher_collect(hasher *h, hasher_done_fn done, void *ctx)
{
	size_t handed = 0;

	for (int i = 0; i < h->cap; i++) {
		slot s;

		pthread_mutex_lock(&h->lock);
		s = h->slots[i];
		if (s.state == SLOT_DONE)
			h->slots[i].state = SLOT_FREE;
		pthread_mutex_unlock(&h->lock);
		if (s.state != SLOT_DONE)
			continue;
		/* Called without the lock: done may submit again. */
		if (s.owner) {
			done(ctx, s.owner, s.job);
			handed++;
		} else if (h->release) {
			h->release(s.job);
		}
	}
	return handed;
}

int hasher_in_flight(hasher *h)
{
	int n = 0;

	pthread_mutex_lock(&h->lock);
	for (int i = 0; i < h->cap; i++)
		n += h->slots[i].state != SLOT_FREE;
	pthread_mutex_unlock(&h->lock);
	return n;
}
