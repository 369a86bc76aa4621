/* direct: the limit the server's saves are compared with. The same saves made through the
 * server's own store (store.h: its schema, statements and settings, WAL and synchronous=FULL)
 * in this process, each in a batch of its own committed before the next: the rate the server
 * would be held to if every answer needed its own disk flush. Calling the store, not SQL of its
 * own, keeps the baseline from drifting from what the server does. */
#include "bench.h"
#include "err.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

typedef struct direct {
	store *st;
	typist *typists; /* one per plan */
	long long *plan, *visit;
	unsigned plans;
} direct;

/* One answer's save in a batch of its own: the k-th, by plan k % plans, as the server saves an
 * answer (a request in the batch, then the batch's commit). */
static int direct_commit(direct *d, unsigned long long k, char *err, size_t errlen)
{
	unsigned who = (unsigned)(k % d->plans);
	typist *t = &d->typists[who];

	typist_type(t);
	if (store_request_begin(d->st, err, errlen))
		return -1;
	if (store_answer_set(d->st, d->plan[who], d->visit[who], ANSWER_PAGE, 0, "", t->value, err,
			     errlen) ||
	    store_request_end(d->st)) {
		if (!err[0])
			err_set(err, errlen, "a direct save failed");
		store_request_undo(d->st);
		return -1;
	}
	return store_commit(d->st, err, errlen);
}

/* The plans exist already, as in the server: each with a visit, made in one batch, not timed. */
static int direct_plans(direct *d, char *err, size_t errlen)
{
	unsigned char hash[STORE_HASH_BYTES];

	if (store_request_begin(d->st, err, errlen))
		return -1;
	for (unsigned i = 0; i < d->plans; i++) {
		memset(hash, 0, sizeof(hash));
		memcpy(hash, &i, sizeof(i)); /* a code hash of its own */
		typist_init(&d->typists[i], i);
		if (store_plan_create(d->st, hash, "", -1, &d->plan[i], err, errlen) ||
		    store_visit_start(d->st, d->plan[i], &d->visit[i])) {
			if (!err[0])
				err_set(err, errlen, "making plans failed");
			store_request_undo(d->st);
			return -1;
		}
	}
	if (store_request_end(d->st)) {
		err_set(err, errlen, "making plans failed");
		store_request_undo(d->st);
		return -1;
	}
	return store_commit(d->st, err, errlen);
}

/* Saves until the deadline (the warm-up) or `commits` are made, counting them in *made. */
static int direct_loop(direct *d, unsigned long long commits, uint64_t deadline,
		       unsigned long long *made, char *err, size_t errlen)
{
	*made = 0;
	for (unsigned long long k = 0; k < commits && !bench_interrupted(); k++) {
		if ((k & 15) == 0 && now_ns() >= deadline)
			break;
		if (direct_commit(d, k, err, errlen))
			return -1;
		(*made)++;
	}
	return 0;
}

int direct_run(const char *dir, unsigned plans, unsigned long long commits, uint64_t max_ns,
	       direct_result *res, char *err, size_t errlen)
{
	char path[4096];
	direct d = {.plans = plans};
	unsigned long long warm;
	uint64_t t0;
	long long counter0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->wal_counter = -1;
	err[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/direct.db", dir) >= (int)sizeof(path)) {
		err_set(err, errlen, "the folder's name is too long");
		goto out;
	}
	d.typists = calloc(plans, sizeof(*d.typists));
	d.plan = calloc(plans, sizeof(*d.plan));
	d.visit = calloc(plans, sizeof(*d.visit));
	if (!d.typists || !d.plan || !d.visit) {
		err_set(err, errlen, "out of memory");
		goto out;
	}
	d.st = store_open(path, err, errlen);
	if (!d.st || direct_plans(&d, err, errlen))
		goto out;
	/* a warm-up, as the server had: the first commits also grow the WAL file, which costs
	 * more than the steady state of a reused WAL */
	if (direct_loop(&d, ~0ULL, now_ns() + WARMUP_NS, &warm, err, errlen))
		goto out;
	counter0 = wal_commit_counter(path);
	t0 = now_ns();
	if (direct_loop(&d, commits, t0 + max_ns, &res->commits, err, errlen))
		goto out;
	res->seconds = (double)(now_ns() - t0) / (double)NS_PER_S;
	if (counter0 >= 0 && wal_commit_counter(path) >= 0)
		res->wal_counter = (long long)(uint32_t)(wal_commit_counter(path) - counter0);
	rc = 0;
out:
	store_close(d.st);
	free(d.visit);
	free(d.plan);
	free(d.typists);
	return rc;
}
