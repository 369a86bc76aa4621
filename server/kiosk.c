/* kiosk: sessions, the route table on the shared envelope, batches and the replies held for them,
 * and the kiosk object itself. */
#include "kiosk_int.h"

#include "flow.h"
#include "log.h"
#include "workflow.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- replies ---- */

static void send_raw(kiosk_session *s, const char *data, size_t len, int close_after)
{
	held_msg *h;

	if (!s->in_batch) {
		s->p->io.send(s->conn, data, len, close_after);
		return;
	}
	h = malloc(sizeof(*h) + len);
	if (!h)
		return;
	h->next = NULL;
	h->len = len;
	h->close_after = close_after;
	memcpy(h->data, data, len);
	*s->held_tail = h;
	s->held_tail = &h->next;
}

/* Sends (or holds) msg and deletes it. */
void kiosk_reply(kiosk_session *s, cJSON *msg, int close_after)
{
	char *text;

	if (!msg)
		return;
	text = cJSON_PrintUnformatted(msg);
	if (text)
		send_raw(s, text, strlen(text), close_after);
	free(text);
	cJSON_Delete(msg);
}

void kiosk_reply_error(kiosk_session *s, const char *code, long long seq, const char *const *kv)
{
	kiosk_reply(s, view_error(s->c, code, seq, kv), 0);
}

int kiosk_fail(kiosk_session *s, const char *code)
{
	message_fail(&s->err, code, NULL, 0);
	return -1; /* here, so the compiler sees every failing path return -1 */
}

int kiosk_fail_with(kiosk_session *s, const char *code, const char *name, long long value)
{
	message_fail(&s->err, code, name, value);
	return -1;
}

/* From now until the commit, this session's replies wait for the batch. */
static void join_batch(kiosk_session *s)
{
	if (s->in_batch)
		return;
	s->in_batch = 1;
	s->held = NULL;
	s->held_tail = &s->held;
	s->next_waiting = s->p->waiting;
	s->p->waiting = s;
}

static void drop_held(kiosk_session *s)
{
	while (s->held) {
		held_msg *h = s->held;

		s->held = h->next;
		free(h);
	}
	s->held_tail = &s->held;
}

/* ---- the envelope: the route table and its hooks ---- */

static const message_route routes[] = {
    {"go", kiosk_handle_go, 0},
    {"answer", kiosk_handle_answer, WRITES},
    {"code", kiosk_handle_code, WRITES},
    {"new_plan", kiosk_handle_new_plan, WRITES},
    {"item_add", kiosk_handle_item_add, WRITES | NEEDS_PLAN | EDITS},
    {"item_edit", kiosk_handle_item_edit, NEEDS_PLAN | EDITS},
    {"item_done", kiosk_handle_item_done, NEEDS_PLAN},
    {"item_remove", kiosk_handle_item_remove, WRITES | NEEDS_PLAN | EDITS},
    {"send", kiosk_handle_send, WRITES | NEEDS_PLAN},
    {"review_request", kiosk_handle_review_request, WRITES | NEEDS_PLAN},
    {"yes_my_plan", kiosk_handle_agree, WRITES | NEEDS_PLAN},
    {"not_my_plan", kiosk_handle_disagree, WRITES | NEEDS_PLAN},
    {"finish", kiosk_handle_finish, 0},
    {"narrate", kiosk_handle_narrate, 0},
    {"narrate_stop", kiosk_handle_narrate_stop, 0},
    {"resume_key", kiosk_handle_resume_key, 0},
    {"resume", kiosk_handle_resume, WRITES},
    {"listening", kiosk_handle_listening, 0},
    {"language", kiosk_handle_language, 0},
};

/* The checks the route asks for; a writer's request opens its savepoint in the batch, and its
 * replies wait for the commit. */
static int admit(void *sv, const message_route *r, message_error *e)
{
	kiosk_session *s = sv;

	if ((r->need & NEEDS_PLAN) && !s->plan)
		return message_fail(e, "no-plan", NULL, 0);
	if ((r->need & EDITS) && kiosk_read_only(s))
		return message_fail(e, "already-sent", NULL, 0);
	if (r->need & WRITES) {
		if (store_request_begin(s->p->st, NULL, 0))
			return message_fail(e, "not-saved", NULL, 0);
		join_batch(s);
		s->p->told_mark = s->p->ntold;
	}
	return 0;
}

/* A writer's request is kept when its handler succeeded, undone when it failed. */
static int done(void *sv, const message_route *r, int rc, message_error *e)
{
	kiosk_session *s = sv;

	if (!(r->need & WRITES))
		return rc;
	if (rc)
		store_request_undo(s->p->st);
	else if (kiosk_resume_touch(s) || store_request_end(s->p->st)) {
		store_request_undo(s->p->st);
		rc = message_fail(e, "not-saved", NULL, 0);
	}
	if (rc == 0) {
		s->p->stats.batch_pending++;
		log_event(LOG_DEBUG, "save", "batch=%llu", s->p->stats.batch);
	} else { /* undone: nothing to tell */
		s->p->ntold = s->p->told_mark;
	}
	return rc;
}

static void reply_failure(void *sv, const message_error *e, long long seq)
{
	kiosk_reply_error(sv, e->code, seq, e->kv[0] ? e->kv : NULL);
}

static const message_protocol kiosk_protocol = {
    routes, sizeof(routes) / sizeof(*routes), admit, done, reply_failure,
};

/* ---- the way in ---- */

void kiosk_handle(kiosk_session *s, const char *msg, size_t len, int binary)
{
	/* after a reload, the same language of the new content */
	s->c = languages_at(s->p->langs, s->lang);
	message_handle(&kiosk_protocol, s, &s->err, msg, len, binary);
}

void kiosk_too_big(kiosk_session *s)
{
	message_too_big(&kiosk_protocol, s, &s->err);
}

/* ---- sessions ---- */

void kiosk_send_hello(kiosk_session *s)
{
	const kiosk *p = s->p;
	const view_kiosk k = {.idle_seconds = p->cfg.idle_seconds,
			      .warn_seconds = p->cfg.warn_seconds,
			      .headphones = p->cfg.headphones,
			      .keyboard = p->cfg.keyboard,
			      .max_message = MESSAGE_MAX_BYTES,
			      .words = p->words[s->lang],
			      .switch_keys = p->cfg.switch_keys};

	kiosk_reply(s, view_hello(s->c, p->langs, p->nar ? narrator_voices(p->nar) : NULL, &k), 0);
}

void kiosk_session_set_lang(kiosk_session *s, size_t lang)
{
	s->lang = lang;
	s->c = languages_at(s->p->langs, lang);
	kiosk_read_ahead_want(s->p, lang);
}

kiosk_session *kiosk_session_open(kiosk *p, void *conn, const char *address)
{
	kiosk_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->p = p;
	s->conn = conn;
	s->lang = p->start_lang;
	s->c = languages_at(p->langs, s->lang);
	snprintf(s->addr, sizeof(s->addr), "%s", address ? address : "");
	s->budget = -1;
	s->held_tail = &s->held;
	plan_answers_init(&s->held_answers);
	s->private_aloud = p->cfg.headphones;
	kiosk_send_hello(s);
	s->page = 0;
	kiosk_show_page(s, -1);
	return s;
}

void kiosk_session_close(kiosk_session *s)
{
	kiosk_session **pp;

	if (!s)
		return;
	if (s->in_batch)
		for (pp = &s->p->waiting; *pp; pp = &(*pp)->next_waiting)
			if (*pp == s) {
				*pp = s->next_waiting;
				break;
			}
	if (s->p->nar)
		narrator_forget(s->p->nar, s);
	drop_held(s);
	kiosk_plan_close(s);
	plan_answers_release(&s->held_answers);
	kiosk_texts_forget(s);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

/* ---- batches ---- */

int kiosk_batch_open(const kiosk *p)
{
	return store_batch_open(p->st);
}

/* After a failed commit: forget what the session believed was stored, and show the page again. */
static void recover(kiosk_session *s)
{
	store_plan pl;

	if (s->plan && s->opened_in_batch) {
		/* The plan's opening was rolled back: back to the code, with the visit's answers.
		 */
		kiosk_plan_close(s);
		s->opened_in_batch = 0;
		s->page = s->p->code_index;
	} else if (s->plan && store_plan_get(s->p->st, s->plan, &pl) != 0) {
		kiosk_plan_close(s);
		s->page = 0;
	} else if (s->plan) {
		s->status = pl.status;
		if (s->editing && store_item_exists(s->p->st, s->plan,
						    content_page_at(s->c, s->page)->id, s->editing))
			s->editing = 0;
	}
	s->review_requested = 0;
	s->disagree_sent = 0;
	s->return_to_check = 0;
	kiosk_reply_error(s, "not-saved", -1, NULL);
	kiosk_show_page(s, -1);
}

long long kiosk_monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A batch's commit counted: how long it took, how many changes it made durable or lost. */
static void count_commit(kiosk *p, int ok, long long ns)
{
	kiosk_stats *st = &p->stats;

	metrics_observe(&st->commit_seconds, (double)ns / 1e9);
	metrics_observe(&st->batch_saves, (double)st->batch_pending);
	if (ok) {
		st->commits++;
		st->saves += st->batch_pending;
		log_event(LOG_DEBUG, "batch-committed", "batch=%llu saves=%llu ms=%.3f", st->batch,
			  st->batch_pending, (double)ns / 1e6);
	} else {
		st->commits_failed++;
		log_event(LOG_ERROR, "batch-failed", "batch=%llu saves=%llu", st->batch,
			  st->batch_pending);
	}
	st->batch_pending = 0;
	st->batch++;
}

void kiosk_news(kiosk_session *s, const char *what)
{
	kiosk *p = s->p;

	if (!p->news || !s->plan)
		return;
	if (p->ntold == p->told_cap) {
		size_t cap = p->told_cap ? p->told_cap * 2 : 16;
		struct kiosk_news_item *grown = realloc(p->told, cap * sizeof(*grown));

		if (!grown) /* staff then see it when they next read the caseload */
			return;
		p->told = grown;
		p->told_cap = cap;
	}
	p->told[p->ntold++] = (struct kiosk_news_item){s->plan, what};
}

void kiosk_set_news(kiosk *p, kiosk_news_fn fn, void *ctx)
{
	p->news = fn;
	p->news_ctx = ctx;
}

/* After a commit: staff hear what it kept (ok), or nothing (it was rolled back). */
static void tell_news(kiosk *p, int ok)
{
	size_t n = p->ntold;

	p->ntold = p->told_mark = 0;
	for (size_t i = 0; ok && p->news && i < n; i++)
		p->news(p->news_ctx, p->told[i].plan, p->told[i].what);
}

int kiosk_flush(kiosk *p, char *err, size_t errlen)
{
	int open = store_batch_open(p->st);
	long long t0 = open ? kiosk_monotonic_ns() : 0;
	int ok = store_commit(p->st, err, errlen) == 0;
	kiosk_session *s = p->waiting;

	if (open)
		count_commit(p, ok, kiosk_monotonic_ns() - t0);

	p->waiting = NULL;
	while (s) {
		kiosk_session *next = s->next_waiting;
		held_msg *h = s->held;

		s->in_batch = 0;
		s->next_waiting = NULL;
		s->held = NULL;
		s->held_tail = &s->held;
		if (ok) {
			if (s->opened_in_batch) {
				plan_answers_release(&s->held_answers);
				s->opened_in_batch = 0;
			}
			while (h) {
				held_msg *n = h->next;

				p->io.send(s->conn, h->data, h->len, h->close_after);
				free(h);
				h = n;
			}
		} else {
			while (h) {
				held_msg *n = h->next;

				free(h);
				h = n;
			}
			recover(s);
		}
		s = next;
	}
	tell_news(p, ok);
	return ok ? 0 : -1;
}

/* ---- the kiosk ---- */

/* Buckets: a commit is an fsync (about a millisecond on an SSD); batches grow with load; first
 * audio is a cache read (milliseconds) or a first sentence synthesised (tens of them). */
static const double commit_bounds[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
				       0.05,   0.1,   0.25,  0.5,   1,	  2.5};
static const double batch_bounds[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
static const double audio_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

const kiosk_stats *kiosk_stats_of(const kiosk *p)
{
	return &p->stats;
}

/* How language c says amounts (its speak.pounds* messages) and which voice reads it. */
static speech_lang speech_of(const content *c)
{
	return (speech_lang){.language = content_voice_language(c),
			     .pounds = content_message(c, "speak.pounds"),
			     .pounds_one = content_message(c, "speak.pounds-one"),
			     .pounds_few = content_message(c, "speak.pounds-few"),
			     .pounds_pence = content_message(c, "speak.pounds-pence"),
			     .pounds_pence_one = content_message(c, "speak.pounds-pence-one"),
			     .pounds_pence_few = content_message(c, "speak.pounds-pence-few")};
}

/* Takes l's languages, starting pages in start: 0, or -1 when memory runs out or there is no
 * such language (nothing changed). */
static int take_languages(kiosk *p, const languages *l, const char *start)
{
	vocab *words[LANGUAGES_MAX] = {0};
	int at = start ? languages_index(l, start) : 0;
	size_t n = languages_count(l);

	if (at < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(words[i] = kiosk_words_of_content(languages_at(l, i)))) {
			for (size_t k = 0; k < i; k++)
				vocab_free(words[k]);
			return -1;
		}
	for (size_t i = 0; i < LANGUAGES_MAX; i++) {
		vocab_free(p->words[i]);
		p->words[i] = words[i];
		p->speech[i] = i < n ? speech_of(languages_at(l, i)) : (speech_lang){0};
	}
	p->langs = l;
	p->start_lang = (size_t)at;
	p->c = languages_reference(l);
	p->code_index = flow_code_index(p->c);
	kiosk_read_ahead_again(p); /* its fixed texts are the new content's */
	return 0;
}

kiosk *kiosk_new(const content *c, store *st, const unsigned char *code_key,
		 const kiosk_config *cfg, message_io io)
{
	kiosk *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->st = st;
	memcpy(p->key, code_key, CODE_KEY_BYTES);
	p->cfg = *cfg;
	p->io = io;
	if (kiosk_limits_open(p) || !(p->own_langs = languages_of_one(c)) ||
	    take_languages(p, p->own_langs, NULL)) {
		kiosk_free(p);
		return NULL;
	}
	metrics_histogram_init(&p->stats.commit_seconds, commit_bounds,
			       sizeof(commit_bounds) / sizeof(*commit_bounds));
	metrics_histogram_init(&p->stats.batch_saves, batch_bounds,
			       sizeof(batch_bounds) / sizeof(*batch_bounds));
	metrics_histogram_init(&p->stats.first_audio_seconds, audio_bounds,
			       sizeof(audio_bounds) / sizeof(*audio_bounds));
	p->stats.batch = 1;
	assert(p->code_index < content_page_count(c));
	return p;
}

int kiosk_set_languages(kiosk *p, const languages *l, const char *start)
{
	return take_languages(p, l, start);
}

void kiosk_set_alerts(kiosk *p, alerts *al)
{
	p->alerts = al;
}

void kiosk_set_clock(kiosk *p, kiosk_clock_fn fn, void *ctx)
{
	p->clock = fn;
	p->clock_ctx = ctx;
}

long long kiosk_now_ms(const kiosk *p)
{
	return p->clock ? p->clock(p->clock_ctx) : workflow_now_ms();
}

void kiosk_free(kiosk *p)
{
	if (!p)
		return;
	kiosk_limits_close(p);
	for (size_t i = 0; i < LANGUAGES_MAX; i++)
		vocab_free(p->words[i]);
	languages_free(p->own_langs);
	free(p->told);
	free(p->pre.texts);
	free(p->pre.items);
	for (size_t i = 0; i < p->pre.nowned; i++)
		free(p->pre.owned[i]);
	free(p->pre.owned);
	sodium_memzero(p->key, sizeof(p->key));
	free(p);
}
