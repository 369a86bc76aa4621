/* narrate: a piece of page text -> audio and word timings. It turns the written text into what the
 * voice should say (voices.c), serves it from the audio cache when it was said before, and
 * otherwise queues it to the synthesis thread (tts.c), fairly: requests wait in turn by owner
 * (a session) and group (its address), at most a few of each in synthesis at once (fair.c), and
 * two owners asking for the same fixed text share one synthesis. Word timings come back in
 * characters of the text as the page shows it, so the page highlights the written word. Used
 * from the server's loop thread only; tts.c's worker calls `wake` when a result is ready for
 * narrator_poll().
 *
 * Only fixed texts (flags without NARRATE_PERSONAL) go into the cache on disk and are shared
 * between owners. A person's own words (NARRATE_PERSONAL) are kept in memory for their owner
 * only, until narrator_forget; NARRATE_UNCACHED words are kept nowhere. */
#ifndef PLANALOUD_NARRATE_H
#define PLANALOUD_NARRATE_H

#include "voices.h"

#include <stddef.h>
#include <stdint.h>

typedef struct narrator narrator;

typedef struct narration_word {
	uint32_t start, length; /* characters of the shown text */
	uint32_t ms;		/* when it is spoken */
} narration_word;

/* A finished narration, or a piece of one's audio still being made (piece set: samples from
 * first_sample of the whole, and the words of the sentences finished since the piece before,
 * often none). Pieces of one narration come out of narrator_poll in order, before the finished
 * narration; that one holds the whole audio and all the words again (what the page has not had
 * yet is for the caller to know: kiosk_narration.c counts what it sent). */
typedef struct narration {
	void *owner;  /* as given to narrator_say */
	uint64_t tag; /* as given to narrator_say */
	int piece;
	size_t first_sample;
	int failed; /* no audio: the page stays usable without sound */
	int busy;   /* failed because too much waits for the voice: ask again later */
	int cached; /* said before: from the cache (a fixed text) or the owner's own memory */
	int sample_rate;
	int16_t *samples;
	size_t sample_count;
	narration_word *words;
	size_t word_count;
	/* narrate.c's own: a finished narration still to be put in the cache, which
	 * narration_free hands to the cache's writer thread instead of freeing; cache_key is also
	 * the key it is kept under in memory (keep.c) */
	struct narrator *keep_in;
	char *cache_key;
	size_t cache_key_len;
} narration;

/* speeds a person can choose, "slowest" to "fastest", as shares of a voice's normal rate */
int narrate_speed_valid(const char *speed);
/* A speed's share of the voice's normal rate in percent (heard words a minute), 0 if none. */
int narrate_speed_percent(const char *speed);
/* The speeds, NULL-terminated, slowest first. */
extern const char *const narrate_speeds[];
/* The voice profiles (borrowed from narrator_open's caller). */
const voices *narrator_voices(const narrator *n);
/* 1 when the narrator has a voice profile of that name. */
int narrator_has_voice(const narrator *n, const char *voice);

/* v is borrowed. The cache lives in cache_dir, at most cache_bytes. */
narrator *narrator_open(const voices *v, const char *cache_dir, size_t cache_bytes,
			void (*wake)(void *ctx), void *wake_ctx, char *err, size_t errlen);
void narrator_close(narrator *n);
/* Says texts with v (borrowed, as narrator_open's) from now on; narrations already asked for
 * keep what they were made with. Call on the thread that calls narrator_say. */
void narrator_set_voices(narrator *n, const voices *v);

/* narrator_say's flags */
enum {
	NARRATE_STREAM = 1,   /* pieces come out of narrator_poll as they are made */
	NARRATE_UNCACHED = 2, /* a person's own typed word: never looked up nor kept in the cache,
				 on disk or in memory; made each time */
	NARRATE_PERSONAL = 4, /* a person's own words (an answer, a name, a comment): never on
				 disk nor shared; kept in memory for this owner only */
};

/* The owner's group (its address) from now on: how much of the voice one group may have at once
 * is bounded (group copied). 0, or -1 when memory runs out. */
int narrator_set_group(narrator *n, const void *owner, const char *group);

/* Asks for `text` said by `voice` at `speed`; returns at once. The narration comes out of
 * narrator_poll: whole when it was said before (the narrator's own thread reads the cache, not
 * the caller; the owner's own memory for NARRATE_PERSONAL), else in pieces first with
 * NARRATE_STREAM in flags. When the owner's group or everyone has too much waiting, a fixed text
 * is still served from the cache, and otherwise comes back failed with busy set; a personal text
 * is refused at once. -1 with a reason ("busy"; "unknown voice or speed"; "out of memory"). */
int narrator_say(narrator *n, void *owner, uint64_t tag, const char *voice, const char *speed,
		 const speech_lang *lang, const char *text, int flags, char *err, size_t errlen);
/* One finished narration or piece, or NULL. A finished narration goes into the cache when it is
 * freed, on the narrator's own thread (the loop neither reads nor writes 0.5 MB files). */
narration *narrator_poll(narrator *n);
/* Nothing more that this owner asked for comes out of narrator_poll (what it said before stays in
 * its memory). */
void narrator_stop(narrator *n, void *owner);
/* The owner is gone: narrator_stop, and its own texts kept in memory are freed. */
void narrator_forget(narrator *n, void *owner);
void narration_free(narration *r);
/* How many texts the synthesis thread has been given so far (one for each synthesis, however
 * many asked for it). */
size_t narrator_syntheses(narrator *n);
/* How many texts wait for the synthesis thread now, and how many it is making. */
void narrator_queue(narrator *n, size_t *waiting, size_t *running);

#endif
