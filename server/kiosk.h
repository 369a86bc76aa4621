/* kiosk: the person's protocol, the JSON messages of docs/protocol.md, on the shared envelope
 * (message.h): it routes each whole message through its table of handlers and answers; it knows
 * nothing of websockets (ws.c hands it whole messages and gives it a message_io). Its files:
 * kiosk.c (sessions, the route table, batches and held replies), kiosk_nav.c (moving between
 * pages, codes, opening a plan), kiosk_answers.c (answers, lists, sending, agreeing, reviews) and
 * kiosk_narration.c (reading the page aloud, prerendering).
 *
 * Replies that acknowledge a change are held until the batch holding the change has committed:
 * ws.c calls kiosk_flush() once the messages that arrived together have been handled, and
 * the held replies go out only if the commit succeeded. */
#ifndef PLANALOUD_KIOSK_H
#define PLANALOUD_KIOSK_H

#include "alerts.h"
#include "content.h"
#include "languages.h"
#include "metrics.h"
#include "message.h"
#include "narrate.h"
#include "store.h"

#include <stddef.h>

/* The limits a server starts with unless told otherwise (main.c's options). A library kiosk is
 * one address for many people all day: enrolled, it gets its own count and a higher limit. */
#define KIOSK_CODES_WINDOW		600 /* seconds: the overall budget for wrong codes */
#define KIOSK_DEFAULT_CODES_OVERALL	600
#define KIOSK_NEW_PLAN_WINDOW		3600 /* seconds: new plans are counted per hour */
#define KIOSK_DEFAULT_PLANS_PER_ADDRESS 30
#define KIOSK_DEFAULT_PLANS_PER_KIOSK	60
#define KIOSK_DEFAULT_PLANS_PER_HOUR	300

typedef struct kiosk kiosk;
typedef struct kiosk_session kiosk_session;

typedef struct kiosk_config {
	int idle_seconds;     /* kiosk: no input for this long brings the warning */
	int warn_seconds;     /* kiosk: the warning's countdown */
	int address_failures; /* wrong codes allowed from one address (or enrolled kiosk) ... */
	int address_window;   /* ... in this many seconds */
	int codes_overall;    /* wrong codes from everyone together per KIOSK_CODES_WINDOW
				 before each guess waits; 0: no overall budget */
	int new_plans_per_address; /* plans started without a code per address per hour (0: no
				      limit) */
	int new_plans_per_kiosk;   /* ... per enrolled kiosk per hour (0: no limit) */
	int new_plans_per_hour;	   /* ... by everyone together per hour (0: no limit) */
	int headphones;		   /* 1: the kiosk has headphones: private texts are read aloud */
	int keyboard;		   /* 1: a touch-only kiosk: the on-screen keyboard shows for every
				      text box */
	const char *switch_keys;   /* the keys switches send, "Space,Enter" (move, choose); NULL:
				      that default. Borrowed for the kiosk's lifetime */
} kiosk_config;

/* content, st and key are borrowed for the kiosk's lifetime: pages in that one language until
 * kiosk_set_languages. NULL when memory runs out. */
kiosk *kiosk_new(const content *c, store *st, const unsigned char *code_key,
		 const kiosk_config *cfg, message_io io);
void kiosk_free(kiosk *p);
/* Serves the languages of l (borrowed until kiosk_free or the next call) from now on, new pages
 * starting in `start` (NULL: the first), in place of those before (which open sessions may still
 * hold until the next message: keep them until kiosk_free). Every language must have the pages
 * of the ones before, in the same order. 0, or -1 when memory runs out or start is not one of
 * them (nothing changed). */
int kiosk_set_languages(kiosk *p, const languages *l, const char *start);

/* Takes cfg's settings (copied; its switch_keys borrowed until kiosk_free or the next call)
 * from now on (the settings read again on SIGHUP): kiosks opened after it get its timeouts and
 * keys. Limits whose numbers changed count afresh from zero. 0, or -1 when memory runs out
 * (nothing changed). */
int kiosk_set_config(kiosk *p, const kiosk_config *cfg);

/* The clock that stamps the person's changes of status (sending, agreeing): milliseconds since
 * 1970. */
typedef long long (*kiosk_clock_fn)(void *ctx);
/* For tests: a clock other than the real one (fn NULL: the real one again). */
void kiosk_set_clock(kiosk *p, kiosk_clock_fn fn, void *ctx);
/* The time by the kiosk's clock, in milliseconds since 1970. */
long long kiosk_now_ms(const kiosk *p);

/* A new connection: sends hello and the welcome page. address is the peer's, for rate limits. */
kiosk_session *kiosk_session_open(kiosk *p, void *conn, const char *address);
/* The connection came with an enrolled kiosk's device token (devices.h; copied, only its hash
 * is kept): while that kiosk stays enrolled, the session's limits are counted per kiosk
 * ("kiosk:<id>"), not per address. A token that is not a live kiosk's changes nothing. */
void kiosk_session_device(kiosk_session *s, const unsigned char *token);
/* The connection has gone (NULL: nothing). Changes already made stay in the batch and are
 * committed. */
void kiosk_session_close(kiosk_session *s);

/* One whole message from the browser. binary: it came in a binary frame. */
void kiosk_handle(kiosk_session *s, const char *msg, size_t len, int binary);
/* The browser sent more than MESSAGE_MAX_BYTES bytes: says so; ws.c then closes (1009). */
void kiosk_too_big(kiosk_session *s);

/* Narration, once the synthesis thread runs (borrowed). Without it, narrate gets no-sound. */
void kiosk_set_narrator(kiosk *p, narrator *n);
/* The duty team's alerts (borrowed; NULL: none set up): a flag that alerts queues its alert in
 * the same transaction, and the person is told the team is being told (docs/narration.md). */
void kiosk_set_alerts(kiosk *p, alerts *al);
/* Starts reading every fixed easy-read text of the language pages start in into the audio cache,
 * for every voice at normal speed, a few at a time in the background. Another language's texts
 * are read ahead the first time someone chooses it, or at once after kiosk_read_ahead_all. */
void kiosk_prerender(kiosk *p);
/* Reads every language ahead, not only those chosen. */
void kiosk_read_ahead_all(kiosk *p);
/* How far that has got: texts done and texts in all, of the languages being read ahead. */
void kiosk_prerender_progress(const kiosk *p, size_t *done, size_t *total);

/* What the kiosk counts (metrics.h reads it at scrape time): the loop's. */
typedef struct kiosk_stats {
	unsigned long long saves;	   /* changes made durable (each acknowledged request) */
	unsigned long long commits;	   /* batches committed */
	unsigned long long commits_failed; /* batches rolled back: their people told "not saved" */
	metrics_histogram commit_seconds;  /* how long each batch's COMMIT took */
	metrics_histogram batch_saves;	   /* changes per batch */
	unsigned long long wrong_codes;	   /* plan codes (and resume tokens) that were wrong */
	unsigned long long limited;	   /* guesses or new plans refused: a limit was reached */
	unsigned long long narrations_cached;  /* said before: from the cache or memory */
	unsigned long long narrations_made;    /* synthesised for this request */
	unsigned long long narrations_busy;    /* refused: too much waits for the voice */
	unsigned long long narrations_failed;  /* no sound for another reason */
	metrics_histogram first_audio_seconds; /* from narrate to the first audio sent */
	unsigned long long batch;	       /* the number of the batch open or next to open */
	unsigned long long batch_pending;      /* changes in the open batch */
} kiosk_stats;

/* Borrowed until kiosk_free. */
const kiosk_stats *kiosk_stats_of(const kiosk *p);
/* The synthesis thread has finished something: sends finished narrations to their sessions. */
void kiosk_narrations_ready(kiosk *p);

/* What a person did that staff should hear of at once: fn(ctx, plan, what) after the commit
 * that keeps it (never for a change undone or not committed), on the loop, outside any
 * transaction. what is "safeguarding" or "advocacy" (a flag raised), "review" (a review asked
 * for) or "submitted" (the plan sent): static, or the content's (borrowed for the call). fn NULL:
 * nobody is told. ctx is borrowed for the kiosk's lifetime. */
typedef void (*kiosk_news_fn)(void *ctx, long long plan, const char *what);
void kiosk_set_news(kiosk *p, kiosk_news_fn fn, void *ctx);

/* 1 when changes wait for kiosk_flush(). */
int kiosk_batch_open(const kiosk *p);
/* Commits the batch and releases the held replies. -1 (reason in err) when the commit failed:
 * then every waiting session is told nothing was saved and shown its page again. */
int kiosk_flush(kiosk *p, char *err, size_t errlen);

#endif
