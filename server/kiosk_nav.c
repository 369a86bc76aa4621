/* kiosk_nav: moving between the pages, the code that opens a plan, and showing a page. */
#include "kiosk_int.h"

#include "code.h"
#include "flow.h"
#include "limiter.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Pages outside the journey that Back leaves for the welcome-back page. */
static int returns_to_welcome_back(const content_page *pg)
{
	return pg->kind == KIND_STATUS || pg->kind == KIND_REVIEW || pg->kind == KIND_COMMENTS ||
	       pg->kind == KIND_AGREE || pg->kind == KIND_AGREED || pg->kind == KIND_NOT_AGREED ||
	       pg->kind == KIND_COPY;
}

/* ---- the plan's state ---- */

static int load_answer(void *ctx, const char *page, long long item, const char *field,
		       const char *value)
{
	return plan_answers_add(ctx, page, item, field, value);
}

/* The answers the flow and the page see: the plan's, or those held before it opened. */
int kiosk_answers_load(kiosk_session *s, plan_answers *pa)
{
	plan_answers_init(pa);
	if (!s->plan) {
		for (size_t i = 0; i < s->held_answers.n; i++)
			if (plan_answers_add(pa, s->held_answers.a[i].page, 0, "",
					     s->held_answers.a[i].value))
				return -1;
		return 0;
	}
	return store_answers_each(s->p->st, s->plan, load_answer, pa);
}

/* The open plan's status, read afresh into s->status: another kiosk with the same code, or
 * staff, may have moved it since this session opened it. */
plan_status kiosk_status_now(kiosk_session *s)
{
	store_plan pl;

	if (s->plan && store_plan_get(s->p->st, s->plan, &pl) == 0)
		s->status = pl.status;
	return s->status;
}

/* 1 when the open plan cannot be changed by the person now. */
int kiosk_read_only(kiosk_session *s)
{
	if (!s->plan)
		return 0;
	return !plan_person_can_edit(kiosk_status_now(s));
}

size_t kiosk_kind_index(const kiosk_session *s, page_kind kind)
{
	size_t i = 0;

	content_page_find(s->c, content_page_of_kind(s->c, kind)->id, &i);
	return i;
}

typedef struct comment_count {
	int all, unseen;
} comment_count;

static void count_comment(void *ctx, const store_comment *c)
{
	comment_count *n = ctx;

	n->all++;
	n->unseen += !c->seen;
}

/* How much the social worker has written on the open plan; -1 when it cannot be read. */
static int comments_of(kiosk_session *s, comment_count *n)
{
	*n = (comment_count){0, 0};
	return store_comments_each(s->p->st, s->plan, count_comment, n) < 0 ? -1 : 0;
}

/* 1 when the social worker wrote something the person has not been shown. */
static int new_comments(kiosk_session *s)
{
	comment_count n;

	return comments_of(s, &n) == 0 && n.unseen > 0;
}

/* 1 while the social worker is asking the person to agree and they have not said yes. */
static int agreement_asked(kiosk_session *s)
{
	int ready = 0, agreed = 0;

	return plan_asks_agreement(s->status) &&
	       store_plan_agreement(s->p->st, s->plan, &ready, &agreed, NULL) == 0 && ready &&
	       !agreed;
}

void kiosk_show_page(kiosk_session *s, long long seq)
{
	const content *c = s->c;
	const content_page *pg = content_page_at(c, s->page);
	plan_answers pa;
	kiosk_gathered g;
	comment_count cc = {0, 0};
	view_params vp = {0};
	cJSON *msg;

	kiosk_gathered_init(&g);
	/* the pages for coming back offer what applies now */
	if (kiosk_answers_load(s, &pa) || kiosk_gather(s, pg, &g) ||
	    (s->plan && pg->part < 0 && comments_of(s, &cc))) {
		kiosk_reply_error(s, "server", seq,
				  NULL); /* no page drawn from what was not read */
		goto out;
	}
	vp.c = c;
	vp.data = &g.data;
	vp.plan = s->plan;
	vp.answers = &pa;
	vp.status = s->plan ? s->status : PLAN_DRAFT;
	vp.budget_pence = s->plan ? s->budget : -1;
	vp.managing = s->plan ? s->managing : NULL;
	vp.code = s->plan ? s->code : NULL;
	vp.new_code = s->new_code;
	vp.editing = pg->kind == KIND_LIST ? s->editing : 0;
	if (s->plan && pg->part < 0) {
		vp.has_comments = cc.all > 0;
		vp.agreement_asked = agreement_asked(s);
	}
	vp.review_requested = s->review_requested;
	vp.alerts_safeguarding = alerts_tells(s->p->alerts, "safeguarding");
	vp.disagree_sent = s->disagree_sent;
	vp.notice = s->notice;
	vp.read_only = kiosk_read_only(s);
	if (pg->part >= 0) {
		vp.back = flow_prev(c, &pa, s->page) >= 0;
		vp.next = pg->kind != KIND_SEND &&
			  (s->return_to_check || flow_next(c, &pa, s->page) >= 0);
		if (pg->kind == KIND_CODE && !s->plan)
			vp.next = 0;
	} else {
		vp.back = s->plan && returns_to_welcome_back(pg);
		vp.next = 0;
	}
	msg = view_page(&vp, s->page);
	if (msg)
		(void)kiosk_words_add_own(s, pg, &pa, vp.editing, msg); /* without: still a page */
	kiosk_texts_forget(s);
	kiosk_texts_remember(s, msg);
	message_add_seq(msg, seq);
	kiosk_reply(s, msg, 0);
	s->notice = NULL;
out:
	kiosk_gathered_release(&g);
	plan_answers_release(&pa);
}

/* A change to the open plan that nobody is told of (the last page, the language, a resume
 * token's time): it commits with the current batch, or opens one; one that fails is undone, and
 * the person carries on (the next change tries again). */
static void save_quietly(kiosk_session *s, int (*change)(kiosk_session *s))
{
	if (store_request_begin(s->p->st, NULL, 0) != 0)
		return;
	if (change(s))
		store_request_undo(s->p->st);
	else
		store_request_end(s->p->st);
}

static int keep_last_page(kiosk_session *s)
{
	return store_plan_set_last_page(s->p->st, s->plan, content_page_at(s->c, s->page)->id);
}

static int keep_language(kiosk_session *s)
{
	return store_plan_set_lang(s->p->st, s->plan, content_lang(s->c));
}

/* Moves to a page and shows it; remembers journey pages so "carry on" can return there. */
void kiosk_go_to(kiosk_session *s, size_t index, long long seq)
{
	const content_page *pg = content_page_at(s->c, index);

	if (index != s->page)
		s->editing = 0;
	s->page = index;
	/* Not acknowledged to anyone: the page goes out now, unheld, and the change commits with
	 * the current batch (or opens one). */
	if (s->plan && pg->part >= 0 && !kiosk_read_only(s))
		save_quietly(s, keep_last_page);
	if (s->has_token)
		save_quietly(s, kiosk_resume_touch);
	kiosk_show_page(s, seq);
}

void kiosk_plan_close(kiosk_session *s)
{
	s->has_token = 0; /* its row went with the request that made it, or is revoked */
	sodium_memzero(s->resume_hash, sizeof(s->resume_hash));
	s->plan = 0;
	s->visit = 0;
	sodium_memzero(s->code, sizeof(s->code));
	s->status = PLAN_DRAFT;
	s->editing = 0;
	s->new_code = 0;
}

static void keep_managing(void *ctx, const store_plan_detail *d)
{
	kiosk_session *s = ctx;

	snprintf(s->managing, sizeof(s->managing), "%s", d->managing);
}

/* The plan's language: the one the person chose on this visit wins, and is kept with the plan;
 * otherwise the page turns to the language the plan was written in (a new hello, before the
 * page), and a plan kept in a language this server does not offer keeps it (nobody chose
 * another). A plan with none kept takes the page's. Unacknowledged, like the last page. */
static int adopt_language(kiosk_session *s, const store_plan *pl)
{
	int kept = pl->lang[0] ? languages_index(s->p->langs, pl->lang) : -1;

	if (!s->lang_chosen && kept >= 0) {
		if ((size_t)kept != s->lang) {
			kiosk_session_set_lang(s, (size_t)kept);
			kiosk_send_hello(s);
		}
		return 0;
	}
	if (!s->lang_chosen && pl->lang[0])
		return 0;
	if (strcmp(pl->lang, content_lang(s->c)) != 0 &&
	    store_plan_set_lang(s->p->st, s->plan, content_lang(s->c)))
		return kiosk_fail(s, "server");
	return 0;
}

/* The plan becomes the session's: its code, status, budget, ways of managing and language (no
 * visit). */
int kiosk_plan_adopt(kiosk_session *s, long long id, const char *code)
{
	store_plan pl;

	s->managing[0] = '\0';
	if (store_plan_get(s->p->st, id, &pl) ||
	    store_plan_detail_get(s->p->st, id, keep_managing, s))
		return kiosk_fail(s, "server");
	s->plan = id;
	snprintf(s->code, sizeof(s->code), "%s", code);
	s->status = pl.status;
	s->budget = pl.budget_pence;
	return adopt_language(s, &pl);
}

/* Opens the plan for this session: a new visit, with the answers held so far. */
static int open_plan(kiosk_session *s, long long id, const char *code)
{
	long long visit = 0;

	if (store_visit_start(s->p->st, id, &visit))
		return kiosk_fail(s, "not-saved");
	if (kiosk_plan_adopt(s, id, code))
		return -1;
	s->visit = visit;
	for (size_t i = 0; i < s->held_answers.n; i++) {
		const plan_answer *a = &s->held_answers.a[i];
		const char *vf = kiosk_visit_field(a->page);

		/* A sent plan keeps its answers; who helped on this visit is still recorded. */
		if (!kiosk_read_only(s)
			? kiosk_answer_store(s, a->page, 0, "", a->value) != 0
			: vf && store_visit_set(s->p->st, s->visit, vf, a->value) != 0) {
			kiosk_plan_close(s); /* the request is undone: so is the opening */
			return kiosk_fail(s, "not-saved");
		}
	}
	/* The held answers are dropped only once this commits (kiosk_flush). */
	s->opened_in_batch = 1;
	return 0;
}

/* ---- handlers ---- */

#define NOT_NAMED -2 /* target_named: `to` names a page, not a place */

/* Where "go" to a named place of an open plan leads: its page's index, -1 with the session's
 * error set when it is not open to the person now, or NOT_NAMED. */
static long long target_named(kiosk_session *s, const char *to, const plan_answers *pa)
{
	const content *c = s->c;
	const content_page *pg;
	size_t index;

	if (strcmp(to, "continue") == 0) {
		if (kiosk_read_only(s))
			return (long long)kiosk_kind_index(s, KIND_STATUS);
		else {
			store_plan pl;

			if (store_plan_get(s->p->st, s->plan, &pl) == 0 &&
			    (pg = content_page_find(c, pl.last_page, &index)) &&
			    index > s->p->code_index && flow_visible(c, pa, pg))
				return (long long)index;
			else
				return flow_next(c, pa, s->p->code_index);
		}
	} else if (strcmp(to, "check") == 0) {
		return (long long)kiosk_kind_index(s, KIND_CHECK);
	} else if (strcmp(to, "status") == 0) {
		return (long long)kiosk_kind_index(s, KIND_STATUS);
	} else if (strcmp(to, "review") == 0) {
		return (long long)kiosk_kind_index(s, KIND_REVIEW);
	} else if (strcmp(to, "comments") == 0) {
		return (long long)kiosk_kind_index(s, KIND_COMMENTS);
	} else if (strcmp(to, "agree") == 0 || strcmp(to, "not-agreed") == 0) {
		int ready = 0, agreed = 0;

		/* Only while the social worker is asking: otherwise there is nothing to answer. */
		if (!plan_asks_agreement(kiosk_status_now(s)) ||
		    store_plan_agreement(s->p->st, s->plan, &ready, &agreed, NULL) != 0 || !ready)
			return kiosk_fail(s, "not-allowed");
		else
			return (long long)kiosk_kind_index(s, to[0] == 'a' ? KIND_AGREE
									   : KIND_NOT_AGREED);
	} else if (strcmp(to, "copy") == 0) {
		/* The person's copy: only of a plan the council has agreed. */
		if (!plan_council_agreed(kiosk_status_now(s)))
			return kiosk_fail(s, "not-allowed");
		else
			return (long long)kiosk_kind_index(s, KIND_COPY);
	} else if (strcmp(to, "save-later") == 0) {
		return (long long)kiosk_kind_index(s, KIND_SAVED_CODE);
	} else if (strcmp(to, "welcome-back") == 0) {
		return (long long)kiosk_kind_index(s, KIND_WELCOME_BACK);
	}
	return NOT_NAMED;
}

int kiosk_handle_go(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const content *c = s->c;
	const char *to = message_str(m, "to");
	const content_page *cur = content_page_at(c, s->page), *pg;
	plan_answers pa;
	long long target = -1;
	size_t index;
	int was_check = cur->kind == KIND_CHECK;

	if (!to)
		return kiosk_fail(s, "bad-message");
	if (kiosk_answers_load(s, &pa)) {
		plan_answers_release(&pa);
		return kiosk_fail(s, "server");
	}
	if (strcmp(to, "next") == 0) {
		if (cur->kind == KIND_CODE && !s->plan)
			kiosk_fail(s, "no-plan");
		else if (cur->part < 0 || cur->kind == KIND_SEND)
			kiosk_fail(s, "not-allowed");
		else if (s->return_to_check)
			target = (long long)kiosk_kind_index(s, KIND_CHECK);
		else if (cur->kind == KIND_CHECK &&
			 kiosk_read_only(s)) /* read back: nothing to send */
			target = (long long)kiosk_kind_index(s, KIND_WELCOME_BACK);
		else if ((target = flow_next(c, &pa, s->page)) < 0)
			kiosk_fail(s, "not-allowed");
		if (target >= 0)
			s->return_to_check = 0;
	} else if (strcmp(to, "back") == 0) {
		if (cur->part >= 0)
			target = flow_prev(c, &pa, s->page);
		else if (s->plan && returns_to_welcome_back(cur))
			target = (long long)kiosk_kind_index(s, KIND_WELCOME_BACK);
		if (target < 0)
			kiosk_fail(s, "not-allowed");
	} else if (!s->plan) {
		kiosk_fail(s, "no-plan");
	} else if ((target = target_named(s, to, &pa)) == NOT_NAMED) {
		target = -1; /* a page of the journey, by its id */
		if ((pg = content_page_find(c, to, &index)) && flow_visible(c, &pa, pg) &&
		    pg->kind != KIND_CODE) {
			target = (long long)index;
			s->return_to_check = was_check;
		} else {
			kiosk_fail(s, "bad-field");
		}
	}
	plan_answers_release(&pa);
	if (target < 0)
		return -1;
	s->new_code = 0;
	kiosk_go_to(s, (size_t)target, seq);
	return 0;
}

/* Where someone arriving with a code goes: back to their plan's menu, or on to start it. */
static void arrive(kiosk_session *s, long long seq)
{
	const content *c = s->c;
	plan_answers pa;
	int started = kiosk_read_only(s);
	long long next;

	if (kiosk_answers_load(s, &pa) == 0)
		for (size_t i = 0; i < pa.n && !started; i++) {
			size_t index;

			if (content_page_find(c, pa.a[i].page, &index) && index > s->p->code_index)
				started = 1;
		}
	next = flow_next(c, &pa, s->p->code_index);
	plan_answers_release(&pa);
	if (started && new_comments(s)) {
		/* What the social worker wrote, first, the new comments marked new; shown, they
		 * count as seen from now (in the request that opens the plan, so it is undone with
		 * it). */
		kiosk_go_to(s, kiosk_kind_index(s, KIND_COMMENTS), seq);
		store_comments_mark_seen(s->p->st, s->plan);
	} else if (started && agreement_asked(s))
		kiosk_go_to(s, kiosk_kind_index(s, KIND_AGREE), seq);
	else if (started || next < 0)
		kiosk_go_to(s, kiosk_kind_index(s, KIND_WELCOME_BACK), seq);
	else
		kiosk_go_to(s, (size_t)next, seq);
}

int kiosk_handle_code(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	kiosk *p = s->p;
	const char *typed = message_str(m, "code");
	char canonical[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long id;
	int wait, found;

	if (!typed)
		return kiosk_fail(s, "bad-message");
	if (s->plan)
		return kiosk_fail(s, "not-allowed");
	if ((wait = kiosk_code_wait(s)) > 0)
		return kiosk_fail_with(s, "slow-down", "seconds", wait);
	found = code_normalise(p->c, typed, strlen(typed), canonical) == 0;
	if (found) {
		code_hash(p->key, canonical, hash);
		found = store_plan_find(p->st, hash, &id) == 0;
	}
	if (!found) {
		kiosk_code_wrong(s);
		sodium_memzero(canonical, sizeof(canonical));
		return kiosk_fail(s, "wrong-code");
	}
	if (open_plan(s, id, canonical)) {
		sodium_memzero(canonical, sizeof(canonical));
		return -1;
	}
	sodium_memzero(canonical, sizeof(canonical));
	s->wrong_codes = 0;
	arrive(s, seq);
	kiosk_resume_issue(s);
	return 0;
}

int kiosk_handle_new_plan(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	kiosk *p = s->p;
	char code[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	long long id;
	int tries = 0;

	(void)m;
	if (s->plan)
		return kiosk_fail(s, "not-allowed");
	/* Too many plans started from here, or by everyone, this hour: kind words, nothing made. */
	if (kiosk_new_plan_allowed(s))
		return kiosk_fail(s, "too-many-plans");
	do {
		if (++tries > 5)
			return kiosk_fail(s, "server");
		code_generate(p->c, code);
		code_hash(p->key, code, hash);
	} while (store_plan_find(p->st, hash, &id) != 1);
	if (store_plan_create(p->st, hash, "", -1, &id, NULL, 0))
		return kiosk_fail(s, "not-saved");
	if (open_plan(s, id, code))
		return -1;
	sodium_memzero(code, sizeof(code));
	kiosk_new_plan_counted(s);
	s->new_code = 1;
	kiosk_go_to(s, p->code_index, seq);
	kiosk_resume_issue(s);
	return 0;
}

int kiosk_handle_language(void *sv, const cJSON *m, long long seq)
{
	kiosk_session *s = sv;
	const char *lang = message_str(m, "lang");
	int at = lang ? languages_index(s->p->langs, lang) : -1;

	if (at < 0)
		return kiosk_fail(s, "bad-message");
	s->lang_chosen = 1;
	kiosk_session_set_lang(s, (size_t)at);
	if (s->plan)
		save_quietly(s, keep_language);
	kiosk_send_hello(s);
	kiosk_show_page(s, seq);
	return 0;
}
