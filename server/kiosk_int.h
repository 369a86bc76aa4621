/* kiosk_int: what the kiosk's files share (kiosk.c, kiosk_nav.c, kiosk_answers.c,
 * kiosk_gather.c, kiosk_narration.c), the way the store's files share store_int.h. Nothing outside
 * them includes it. Every function here takes a live session and runs on the service thread. */
#ifndef PLANALOUD_KIOSK_INT_H
#define PLANALOUD_KIOSK_INT_H

#include "kiosk.h"

#include "code.h"
#include "languages.h"
#include "limiter.h"
#include "message.h"
#include "plan.h"
#include "view.h"
#include "vocab.h"

#include <stdint.h>
#include <time.h>

/* A reply held until the batch holding its change commits (a copy, freed when sent or dropped). */
typedef struct held_msg {
	struct held_msg *next;
	size_t len;
	int close_after;
	char data[];
} held_msg;

/* The kiosk's protocol: shared by every kiosk session. */
struct kiosk {
	const content *c;	/* English: the shape every language shares (code_index) */
	const languages *langs; /* the languages a person may choose (borrowed, or own_langs) */
	languages *own_langs;	/* kiosk_new's set of one */
	size_t start_lang;	/* the language a page starts in */
	speech_lang speech[LANGUAGES_MAX]; /* how each language is said (kiosk_narration.c) */
	store *st;
	unsigned char key[CODE_KEY_BYTES];
	kiosk_config cfg;
	message_io io;
	limiter *lim;	     /* wrong codes per address or enrolled kiosk */
	limiter *codes_all;  /* wrong codes from everyone (NULL: no budget) */
	limiter *plans_addr; /* new plans per address, per kiosk, by everyone (NULL: none) */
	limiter *plans_kiosk;
	limiter *plans_all;
	time_t codes_all_said; /* when the overall budget's log line was last written */
	time_t plans_all_said;
	kiosk_session *waiting; /* sessions with replies held for the open batch */
	size_t code_index;
	narrator *nar;	/* NULL: no sound */
	alerts *alerts; /* the duty team's alerts; NULL: none set up */
	vocab
	    *words[LANGUAGES_MAX]; /* each language's words, for word prediction (kiosk_words.c) */
	kiosk_clock_fn clock;	   /* NULL: the real one */
	void *clock_ctx;
	kiosk_news_fn news; /* NULL: nobody is told */
	void *news_ctx;
	struct kiosk_news_item {
		long long plan;
		const char *what;
	} * told;			   /* news of the open batch, told once it commits */
	size_t ntold, told_cap, told_mark; /* told_mark: where the request now running began */
	struct {
		const char **texts; /* every fixed text of every language, sorted (is_fixed) */
		size_t ntexts;
		struct read_ahead_item {
			const char *text; /* borrowed from the content, or from owned */
			size_t lang;
		} * items; /* what to read ahead, a language at a time (kiosk_readahead.c) */
		size_t nitems;
		size_t lang_end[LANGUAGES_MAX]; /* items of language i end here */
		int wanted[LANGUAGES_MAX];	/* read this language ahead */
		/* how many of language i's items, once per voice, went to the narrator */
		size_t lang_next[LANGUAGES_MAX];
		char **owned; /* messages filled in for reading ahead: freed with the kiosk */
		size_t nowned, done, total;
		int outstanding;
	} pre;
	kiosk_stats stats;
};

#define PRERENDER_AT_ONCE 4  /* so a person's own request waits behind at most a few */
#define MAX_NARRATIONS	  64 /* texts one session may have waiting for the voice */
#define TEXT_ID_LEN	  160

/* A text on the page the session was last shown: what narrate may ask for. */
typedef struct page_text {
	char *id;
	char *text;
	int is_private; /* "private": true in the page description */
	int kept; /* not of the page as sent: found for one narrate (kiosk_narration.c, kept_text)
		   */
} page_text;

typedef struct pending_narration {
	uint64_t tag; /* also the `n` in its messages and audio frames (its low 32 bits) */
	long long seq;
	int started; /* the `narration` message has gone */
	size_t sent; /* samples sent */
	char id[TEXT_ID_LEN];
	char voice[32];
	char speed[16];
	char lang[16];	    /* the language it is read in (its easyread/ folder's name) */
	long long asked_ns; /* when narrate asked for it (monotonic), for first_audio_seconds */
} pending_narration;

/* 1 when text is one of the content's fixed texts, in any language (those read ahead into the
 * cache): only these are kept on disk and shared between sessions. Anything else on a page may
 * be a person's own words (answers, names, needs, comments), kept for that session only. */
int kiosk_is_fixed(const kiosk *p, const char *text);
/* Feeds the next texts to read ahead to the synthesis thread, keeping a few in its queue. */
void kiosk_read_ahead_pump(kiosk *p);
/* The content changed (a reload): the fixed texts listed again from the languages served now,
 * and read ahead again (those already in the cache come back at once), the languages chosen
 * since start-up included. */
void kiosk_read_ahead_again(kiosk *p);
/* Language lang is chosen: read it ahead too, if it is not already. */
void kiosk_read_ahead_want(kiosk *p, size_t lang);
/* How many texts (once per voice) have gone to the narrator to be read ahead. */
size_t kiosk_read_ahead_handed(const kiosk *p);

/* The session reads language lang (a place in p->langs) from now on. */
void kiosk_session_set_lang(kiosk_session *s, size_t lang);
/* Sends hello: how the kiosk is set up, and the messages of the session's language. */
void kiosk_send_hello(kiosk_session *s);
int kiosk_handle_language(void *sv, const cJSON *m, long long seq);

/* Nanoseconds on the monotonic clock. */
long long kiosk_monotonic_ns(void);

/* One kiosk connection. */
struct kiosk_session {
	kiosk *p;
	void *conn;
	char addr[64];
	const content *c; /* the language the person reads (one of p->langs) */
	size_t lang;	  /* its place in p->langs */
	int lang_chosen;  /* the person chose it on this visit: it wins over the plan's */

	long long plan; /* 0 until a plan is open */
	long long visit;
	char code[CODE_MAX];
	plan_status status;
	long long budget;
	char managing[64]; /* the ways of managing the council offered ("" when none were named) */

	size_t page;
	long long editing;
	int return_to_check;
	int new_code;
	int review_requested;
	int disagree_sent;
	const char *notice;
	plan_answers held_answers; /* "who is writing" answers, until the plan's opening commits */
	int opened_in_batch;	   /* the plan was opened in the batch not yet committed */

	int wrong_codes; /* wrong codes and resume tokens */
	time_t wait_until;
	int has_device; /* came with a device token: limits per kiosk while it is enrolled */
	unsigned char device_hash[32];

	unsigned char resume_key[32]; /* the page's secret (resume_key), for this connection */
	int has_key;
	unsigned char resume_hash[32]; /* of the token last given (kiosk_resume.c) */
	int has_token;
	long long token_expires_ms; /* when the token stops working, as last written */

	/* set while a handler fails */
	message_error err;

	int private_aloud; /* headphones (the kiosk's or the person's), or the person consented */
	page_text *texts;  /* of the page last shown */
	size_t ntexts;
	pending_narration narrations[MAX_NARRATIONS];
	size_t nnarrations;
	uint64_t next_tag;

	int in_batch;
	held_msg *held;
	held_msg **held_tail;
	kiosk_session *next_waiting;
};

/* What the route table asks of a message's handler before it runs (message_route's need). */
enum {
	WRITES = 1,	/* runs inside a savepoint of the batch; replies wait for the commit */
	NEEDS_PLAN = 2, /* a plan must be open */
	EDITS = 4,	/* the plan's status must let the person change it */
};

/* ---- replies and failures (kiosk.c) ---- */

/* Sends msg, or holds it until the batch commits while the session is in one; deletes msg. */
void kiosk_reply(kiosk_session *s, cJSON *msg, int close_after);
/* Staff should hear of this once the batch commits (kiosk_set_news): what the session's plan
 * had happen. Undone with the request if it fails. */
void kiosk_news(kiosk_session *s, const char *what);
/* The error reply for code, kv filling its blanks (NULL: none). */
void kiosk_reply_error(kiosk_session *s, const char *code, long long seq, const char *const *kv);
/* Set the session's error for the reply; return -1, for handlers to return. */
int kiosk_fail(kiosk_session *s, const char *code);
int kiosk_fail_with(kiosk_session *s, const char *code, const char *name, long long value);

/* ---- the plan's state and the pages (kiosk_nav.c) ---- */

/* The answers the flow and the page see: the plan's, or those held before it opened. pa is
 * initialised here and the caller releases it, also after a failure (-1). */
int kiosk_answers_load(kiosk_session *s, plan_answers *pa);
/* The open plan's status, read afresh into s->status. */
plan_status kiosk_status_now(kiosk_session *s);
/* 1 when the open plan cannot be changed by the person now. */
int kiosk_read_only(kiosk_session *s);
/* The index of the content's page of this kind. */
size_t kiosk_kind_index(const kiosk_session *s, page_kind kind);
/* Shows the session's page (an error reply instead when what it shows cannot be read). */
void kiosk_show_page(kiosk_session *s, long long seq);
/* Moves to a page and shows it; remembers journey pages so "carry on" can return there. */
void kiosk_go_to(kiosk_session *s, size_t index, long long seq);
/* Forgets the open plan (its code wiped, its resume token no longer the session's). */
void kiosk_plan_close(kiosk_session *s);
/* The plan becomes the session's (no visit started); -1 with the session's error set. */
int kiosk_plan_adopt(kiosk_session *s, long long id, const char *code);

/* ---- limits on guessing codes and starting plans (kiosk_limits.c) ---- */

/* The limiters the kiosk's configuration asks for: 0, or -1 when memory runs out. */
int kiosk_limits_open(kiosk *p);
void kiosk_limits_close(kiosk *p);
/* Seconds before the session may guess a resume token again (0: now). */
int kiosk_guess_wait(kiosk_session *s);
/* A wrong resume token: counted for the connection and its address or kiosk. */
void kiosk_guess_wrong(kiosk_session *s);
/* The same for plan codes, which also count toward everyone's overall budget: tokens are too
 * long to guess, and a returning person's old token must not spend it. */
int kiosk_code_wait(kiosk_session *s);
void kiosk_code_wrong(kiosk_session *s);
/* 0 when the session may start a plan without a code now; -1 when a limit says not yet. */
int kiosk_new_plan_allowed(kiosk_session *s);
/* A plan has been started without a code: counted for its address or kiosk, and everyone. */
void kiosk_new_plan_counted(kiosk_session *s);

/* ---- coming back without the code (kiosk_resume.c) ---- */

/* Inside a request: a new token for the open plan (when the page gave its secret), the session's
 * earlier one revoked; the token goes to the page when the request commits. */
int kiosk_resume_issue(kiosk_session *s);
/* Inside a request: the person is still here (their page, and a new expiry for the token). */
int kiosk_resume_touch(kiosk_session *s);
/* Inside a request: the session's token stops working. */
void kiosk_resume_revoke(kiosk_session *s);
/* The person did something that changes nothing (asked for a text to be read): the token is
 * moved on within the batch now open or opened for it, at most every 30 s. */
void kiosk_resume_seen(kiosk_session *s);

/* ---- what a page shows from the store (kiosk_gather.c) ---- */

/* The view's data for one page, and the memory it points into. */
typedef struct kiosk_gathered {
	view_data data; /* points into the rest */
	view_item *items;
	view_visit *visits;
	view_need *needs;
	view_comment *comments;
	char **strings;
	size_t nstrings;
	char signed_off[PLAN_DATE_LEN];
	char next_review[PLAN_DATE_LEN];
	int failed; /* memory ran out */
} kiosk_gathered;

void kiosk_gathered_init(kiosk_gathered *g);
/* Reads what page pg shows of the open plan (nothing when none is open) into g, which the caller
 * has initialised and releases, also after a failure. -1 when a read fails. */
int kiosk_gather(kiosk_session *s, const content_page *pg, kiosk_gathered *g);
void kiosk_gathered_release(kiosk_gathered *g);

/* ---- answers (kiosk_answers.c) ---- */

/* The visit's field recorded for an answer on this page, or NULL. */
const char *kiosk_visit_field(const char *page);
/* Stores an answer (and the visit's field for it); -1 with the session's error set. */
int kiosk_answer_store(kiosk_session *s, const char *page, long long item, const char *field,
		       const char *value);

/* ---- the words word prediction offers (kiosk_words.c) ---- */

/* Every word of the content's pages, the most used first: a new list (vocab_free it), or NULL
 * when memory runs out. */
vocab *kiosk_words_of_content(const content *c);
/* On a page where the person types words (pg; editing: the list entry being edited, or 0), adds
 * "words" to the page description msg: the words of the person's answers in pa (borrowed), none
 * from a private page, each a text object "word/<word>" so it can be read aloud. 0, or -1 when
 * memory runs out (the page is whole without them). */
int kiosk_words_add_own(const kiosk_session *s, const content_page *pg, const plan_answers *pa,
			long long editing, cJSON *msg);

/* ---- the texts narration may read (kiosk_narration.c) ---- */

void kiosk_texts_forget(kiosk_session *s);
/* Every {"id","text"} object in the page description node (borrowed), remembered. */
void kiosk_texts_remember(kiosk_session *s, const cJSON *node);

/* ---- the handlers of the route table: a kiosk_session, the message and its seq ---- */

int kiosk_handle_go(void *sv, const cJSON *m, long long seq);
int kiosk_handle_code(void *sv, const cJSON *m, long long seq);
int kiosk_handle_new_plan(void *sv, const cJSON *m, long long seq);
int kiosk_handle_answer(void *sv, const cJSON *m, long long seq);
int kiosk_handle_item_add(void *sv, const cJSON *m, long long seq);
int kiosk_handle_item_edit(void *sv, const cJSON *m, long long seq);
int kiosk_handle_item_done(void *sv, const cJSON *m, long long seq);
int kiosk_handle_item_remove(void *sv, const cJSON *m, long long seq);
int kiosk_handle_send(void *sv, const cJSON *m, long long seq);
int kiosk_handle_review_request(void *sv, const cJSON *m, long long seq);
int kiosk_handle_agree(void *sv, const cJSON *m, long long seq);
int kiosk_handle_disagree(void *sv, const cJSON *m, long long seq);
int kiosk_handle_finish(void *sv, const cJSON *m, long long seq);
int kiosk_handle_narrate(void *sv, const cJSON *m, long long seq);
int kiosk_handle_narrate_stop(void *sv, const cJSON *m, long long seq);
int kiosk_handle_resume_key(void *sv, const cJSON *m, long long seq);
int kiosk_handle_resume(void *sv, const cJSON *m, long long seq);
int kiosk_handle_listening(void *sv, const cJSON *m, long long seq);

#endif
