/* tts_job: a request to speak, as the synthesis thread holds it (tts.c's private parts): its
 * copy of the text and voice, the audio and word events captured so far, and the lists jobs wait
 * on. No eSpeak here and no locking: tts.c holds its lock around every list. */
#ifndef PLANALOUD_TTS_JOB_H
#define PLANALOUD_TTS_JOB_H

#include "tts.h"
#include "words.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct job;
struct tts;

/* What the synth callback collects for the job being spoken: all its audio, and the word events
 * of the sentence being spoken now. */
typedef struct capture {
	struct tts *t;
	struct job *job;
	size_t streamed;   /* samples already sent out in pieces */
	size_t next_piece; /* send a piece once this many new samples are in */
	int16_t *pcm;
	size_t count;
	size_t cap;
	size_t max; /* samples in TTS_MAX_SECONDS */
	words_event *raw;
	size_t raw_count;
	size_t raw_cap;
	int too_long;
	int no_memory;
	/* nobody is waiting for this audio yet: rest (a streamed job) or yield (one nobody listens
	 * to) after each buffer, until a new job arrives (arrivals moves on from arrivals_seen) */
	int give_way;
	unsigned arrivals_seen;
} capture;

typedef struct job {
	struct job *next;
	char language[TTS_LANGUAGE_LEN];
	int gender;
	int variant;
	int rate;
	int gap;
	int pitch;
	int volume;
	size_t text_len;
	int stream;	    /* deliver pieces while speaking */
	int piece;	    /* this "job" only carries a piece of another's audio to tts_poll */
	atomic_int abandon; /* set by tts_forget() or tts_close() while the worker speaks it */
	tts_result *result; /* made at submit, so that the worker can always answer */
	uint64_t submitted_ns;
	/* The worker's own, once it has begun the job: it speaks a sentence at a time. */
	int begun;
	uint64_t begun_ns;
	size_t next_byte, next_cp; /* where the next sentence starts */
	capture cap;
	tts_word *words; /* of the sentences spoken, in the whole text's code points and audio */
	size_t word_count, words_sent;
} job;

typedef struct job_list {
	job *head;
	job *tail;
} job_list;

/* A job holding a copy of req (its text: text_len bytes; language checked by the caller), its
 * result made ready for the worker, submitted at now_ns. NULL when memory runs out. */
job *job_new(const tts_request *req, uint64_t now_ns, const char *language, size_t text_len);
/* Frees the job, its result and what it captured. job_free(NULL) is a no-op. */
void job_free(job *j);
/* Adds a sentence's words (code points from its start, ms from its start) to the job's.
 * 0, or -1 when memory runs out. */
int job_add_words(job *j, const tts_word *w, size_t n, size_t cp, unsigned int ms);
/* Marks the result failed, with why. */
void tts_result_fail(tts_result *r, const char *why);

void job_list_push(job_list *l, job *j);
/* The first job, taken off the list; NULL when empty. */
job *job_list_pop(job_list *l);
/* Takes j out of l. */
void job_list_remove(job_list *l, job *j);
/* Frees the owner's jobs in l but `keep` (the one being spoken); returns how many, pieces not
 * counted. */
size_t job_list_drop_owner(job_list *l, const void *owner, const job *keep);
/* Frees every job in l. */
void job_list_free(job_list *l);

#endif
