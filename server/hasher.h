/* hasher: password checks (Argon2id: tens of milliseconds and 19 MiB each) on worker threads,
 * so that the event loop, which every kiosk shares, never waits for one.
 *
 * The loop submits a job (caller-allocated) with an owner (whatever the answer is for, e.g. an
 * HTTP request); a worker runs the job's work function; the worker then calls wake, and the
 * loop calls hasher_collect, which hands each finished job back with its owner. An owner that
 * goes away first calls hasher_cancel: its job is finished (a worker may be running it) but
 * never handed back; the hasher releases it with its release function instead. At most `cap`
 * jobs are in the hasher at once (queued, running or waiting to be collected): more are refused
 * at once, so that a flood of logins costs a bounded amount of memory and time.
 *
 * The workers run at a lower priority (niceness 10) than the loop: when the cores are busy, the
 * kiosks' replies come before a login's check.
 *
 * Threads: hasher_new, _submit, _cancel, _collect, _free and _in_flight on the loop's thread only;
 * work functions on a worker thread; wake on a worker thread (it must be thread-safe, e.g.
 * lws_cancel_service). */
#ifndef PLANALOUD_HASHER_H
#define PLANALOUD_HASHER_H

#include <stddef.h>

typedef struct hasher hasher;

/* Runs on a worker thread: job is the job submitted, and nothing else may touch it meanwhile. */
typedef void (*hasher_work_fn)(void *job);
/* Releases a job that nobody will collect (its owner cancelled, or the hasher is freed). */
typedef void (*hasher_release_fn)(void *job);
/* A finished job and its owner, on the loop: the job is the callee's from then on. */
typedef void (*hasher_done_fn)(void *ctx, void *owner, void *job);

/* `threads` workers (at least 1), at most `cap` jobs at once (at least 1). NULL when threads or
 * memory cannot be had. wake (with wake_ctx) is called from a worker after each job. */
hasher *hasher_new(int threads, int cap, hasher_work_fn work, hasher_release_fn release,
		   void (*wake)(void *ctx), void *wake_ctx);
/* Stops the workers (each finishes the job it is running), then releases every job left.
 * hasher_free(NULL) is a no-op. */
void hasher_free(hasher *h);

/* Queues job for owner (not NULL; one job per owner at a time). 0, or -1 when cap jobs are
 * already in the hasher (the job stays the caller's). */
int hasher_submit(hasher *h, void *job, void *owner);
/* Owner has gone: its job, if any, will never be handed back. */
void hasher_cancel(hasher *h, void *owner);
/* Hands each finished job to done (with ctx); returns how many were handed back. */
size_t hasher_collect(hasher *h, hasher_done_fn done, void *ctx);
/* Jobs in the hasher now (queued, running, or finished and not yet collected). */
int hasher_in_flight(hasher *h);

#endif
