/* narrate_int: what narrate.c (the loop's side: jobs, the fair queue, results) and
 * narrate_cache.c (the audio cache's thread: lookups and writes) share. Nothing else includes
 * it. */
#ifndef PLANALOUD_NARRATE_INT_H
#define PLANALOUD_NARRATE_INT_H

#include "narrate.h"

#include "buf.h"
#include "cache.h"
#include "fair.h"
#include "keep.h"
#include "tts.h"

#include <pthread.h>
#include <time.h>

#define MAX_WRITES 64 /* narrations waiting to be written to the cache; more are not kept */
/* Narrations the cache's thread keeps in memory, most recently used first: the fixed pages'
 * texts that many kiosks ask for are then copied, not read from a file and decoded each time. */
#define RECENT_BYTES (32u << 20)

/* A narration asked for: the loop's own. */
typedef struct job {
	struct job *next;
	uint64_t id;
	void *owner;
	uint64_t tag;
	speech sp;
	buf key;
	int flags; /* narrator_say's */
	int held;  /* counted against its group (fair_hold) */
} job;

/* A finished narration waiting for the cache's thread to put it in the cache. */
typedef struct write_job {
	struct write_job *next;
	narration *r;
} write_job;

/* Something to synthesise: first (a fixed text) to the cache's thread to look it up, then, when
 * not there, to fair.c's queue, and from there to the synthesis thread, which knows it as its
 * owner (req.owner is the lookup itself: one synthesis may serve several jobs). Everything in it
 * is its own but req's language (the voice profile's). */
typedef struct lookup {
	struct lookup *next;
	tts_request req; /* id: fair's number once queued; text: spoken */
	char *spoken;
	char *key;
	size_t key_len;
	uint64_t job;	/* the job that asked */
	void *owner;	/* its owner */
	int shared;	/* a fixed text: looked up in the cache, shared with others asking */
	int cache_only; /* too much waits: from the cache, else busy */
} lookup;

/* What came for job id: the narration from the cache or memory, or a failed one. */
typedef struct found {
	struct found *next;
	uint64_t id;
	narration *r;
} found;

/* Narrations ready for narrator_poll (one synthesis may answer several jobs). */
typedef struct ready {
	struct ready *next;
	narration *r;
} ready;

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
	keep *own; /* persons' own texts, each for its owner only */
	ready *out, **out_tail;
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
	fair *fair; /* what waits for the synthesis thread, and what it is making */
	size_t syntheses;
	/* refused for their address's share since the last log line, and when that was */
	size_t refused;
	time_t refused_logged;
	/* the lookup the cache's thread is on, and whether its owner was forgotten meanwhile */
	const void *taking_owner;
	int taking_forgotten;
	/* the cache's thread's own: fixed texts said recently */
	keep *recent;
};

/* ---- narrate.c ---- */
void lookup_free(lookup *l);
void narration_release(narration *r);
/* Hands r to narrator_poll as the answer to job id, and wakes the loop. With n->lock held. */
void narrate_found(narrator *n, uint64_t id, narration *r);
/* A narration that failed (busy: because too much waits). NULL when memory runs out. */
narration *narration_failed(int busy);
/* Queues l (taken) for the synthesis thread, joining the same fixed text already on its way.
 * With n->lock held. */
void narrate_enqueue(narrator *n, lookup *l);

/* ---- narrate_cache.c ---- */
/* Starts the cache's thread. 0, or -1. */
int narrate_cache_start(narrator *n);
/* Hands a finished narration (with its cache_key) to the cache's thread, which writes it and
 * then frees it. */
void narrate_keep(narrator *n, narration *r);

#endif
