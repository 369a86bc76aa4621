/* Tests for server/hasher.c: jobs run on worker threads and come back to the loop with their
 * owners; at most `cap` are in the hasher at once; a cancelled job is released, never handed
 * back; freeing the hasher releases what is left. The jobs here wait on a gate the test opens,
 * so that what is queued and what is running is the test's to decide, with no sleeps. */
#include "check.h"

#include "hasher.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

/* A gate the jobs wait at until the test opens it. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;
static atomic_int wakes, released, ran;

typedef struct job {
	int value;
	int result; /* value * 2, set on the worker */
	pthread_t thread;
} job;

static void set_gate(int open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void work(void *p)
{
	job *j = p;

	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	j->result = j->value * 2;
	j->thread = pthread_self();
	atomic_fetch_add(&ran, 1);
}

static void release(void *p)
{
	(void)p;
	atomic_fetch_add(&released, 1);
}

static void wake(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&wakes, 1);
}

typedef struct handed {
	void *owners[16];
	job *jobs[16];
	int n;
} handed;

static void done(void *ctx, void *owner, void *p)
{
	handed *h = ctx;

	if (h->n < 16) {
		h->owners[h->n] = owner;
		h->jobs[h->n] = p;
		h->n++;
	}
}

/* Collects until `want` jobs came back (the workers finish on their own time). */
static void collect_until(hasher *hs, handed *h, int want)
{
	for (long spins = 0; h->n < want && spins < 100000000L; spins++)
		if (!hasher_collect(hs, done, h))
			sched_yield();
}

static void reset(void)
{
	set_gate(0);
	atomic_store(&wakes, 0);
	atomic_store(&released, 0);
	atomic_store(&ran, 0);
}

static void a_job_should_run_off_the_loop_and_come_back_with_its_owner(void)
{
	int owner_a, owner_b;
	job a = {21, 0, 0}, b = {5, 0, 0};
	handed h = {0};
	hasher *hs;

	reset();
	hs = hasher_new(2, 4, work, release, wake, NULL);
	CHECK(hs != NULL);
	if (!hs)
		return;
	CHECK(hasher_submit(hs, &a, &owner_a) == 0);
	CHECK(hasher_submit(hs, &b, &owner_b) == 0);
	CHECK(hasher_in_flight(hs) == 2);
	CHECK(hasher_collect(hs, done, &h) == 0); /* nothing is done while the gate is shut */
	set_gate(1);
	collect_until(hs, &h, 2);
	CHECK(h.n == 2);
	CHECK(a.result == 42 && b.result == 10);
	CHECK(!pthread_equal(a.thread, pthread_self()));
	for (int i = 0; i < h.n; i++)
		CHECK((h.owners[i] == &owner_a && h.jobs[i] == &a) ||
		      (h.owners[i] == &owner_b && h.jobs[i] == &b));
	CHECK(atomic_load(&wakes) == 2);
	CHECK(hasher_in_flight(hs) == 0);
	hasher_free(hs);
	CHECK(atomic_load(&released) == 0);
}

static void more_than_cap_jobs_should_be_refused_at_once_until_one_is_collected(void)
{
	int owners[5];
	job jobs[5] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}, {5, 0, 0}};
	handed h = {0};
	hasher *hs;

	reset();
	hs = hasher_new(1, 4, work, release, wake, NULL);
	if (!hs) {
		CHECK(hs != NULL);
		return;
	}
	for (int i = 0; i < 4; i++)
		CHECK(hasher_submit(hs, &jobs[i], &owners[i]) == 0);
	CHECK(hasher_submit(hs, &jobs[4], &owners[4]) == -1); /* the fifth: at once, not queued */
	CHECK(hasher_in_flight(hs) == 4);
	set_gate(1);
	collect_until(hs, &h, 4);
	CHECK(h.n == 4);
	/* one worker runs them oldest first */
	for (int i = 0; i < h.n && i < 4; i++)
		CHECK(h.jobs[i]->value == i + 1);
	CHECK(hasher_submit(hs, &jobs[4], &owners[4]) == 0);
	collect_until(hs, &h, 5);
	CHECK(h.n == 5 && jobs[4].result == 10);
	hasher_free(hs);
}

static void a_cancelled_job_should_be_released_and_never_handed_back(void)
{
	int owner_a, owner_b;
	job a = {1, 0, 0}, b = {2, 0, 0};
	handed h = {0};
	hasher *hs;

	reset();
	hs = hasher_new(1, 4, work, release, wake, NULL);
	if (!hs) {
		CHECK(hs != NULL);
		return;
	}
	CHECK(hasher_submit(hs, &a, &owner_a) == 0);
	CHECK(hasher_submit(hs, &b, &owner_b) == 0);
	hasher_cancel(hs, &owner_a); /* the browser went away while its check waits or runs */
	set_gate(1);
	collect_until(hs, &h, 1);
	for (long spins = 0; atomic_load(&released) < 1 && spins < 100000000L; spins++)
		if (!hasher_collect(hs, done, &h))
			sched_yield();
	CHECK(h.n == 1 && h.owners[0] == &owner_b);
	CHECK(atomic_load(&released) == 1);
	CHECK(hasher_in_flight(hs) == 0);
	hasher_free(hs);
	CHECK(atomic_load(&released) == 1);
}

static void freeing_the_hasher_should_release_every_job_left(void)
{
	int owners[3];
	job jobs[3] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}};
	hasher *hs;

	reset();
	hs = hasher_new(1, 4, work, release, wake, NULL);
	if (!hs) {
		CHECK(hs != NULL);
		return;
	}
	for (int i = 0; i < 3; i++)
		CHECK(hasher_submit(hs, &jobs[i], &owners[i]) == 0);
	/* The worker finishes the one it runs; the queued ones never run. */
	set_gate(1);
	hasher_free(hs);
	CHECK(atomic_load(&released) == 3);
	CHECK(atomic_load(&ran) <= 3);
	hasher_free(NULL);
}

int main(void)
{
	RUN(a_job_should_run_off_the_loop_and_come_back_with_its_owner);
	RUN(more_than_cap_jobs_should_be_refused_at_once_until_one_is_collected);
	RUN(a_cancelled_job_should_be_released_and_never_handed_back);
	RUN(freeing_the_hasher_should_release_every_job_left);
	return check_report();
}
