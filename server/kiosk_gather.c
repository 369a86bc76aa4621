/* kiosk_gather: what a page shows from the store, read before the view draws it (the view reads
 * nothing itself). Only what the page's kind shows is read; a read that fails fails the page. */
#include "kiosk_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points out at a new zeroed element appended to arr (n of them), or sets it NULL when memory
 * runs out (arr is then as it was). */
#define APPEND(arr, n, out)                                                                        \
	do {                                                                                       \
		void *grown_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));                         \
		(out) = NULL;                                                                      \
		if (grown_) {                                                                      \
			(arr) = grown_;                                                            \
			(out) = &(arr)[(n)++];                                                     \
			memset((out), 0, sizeof(*(out)));                                          \
		}                                                                                  \
	} while (0)

/* A copy of s kept with the gathered data (freed by kiosk_gathered_release); NULL when memory
 * runs out. */
static const char *keep(kiosk_gathered *g, const char *s)
{
	char **slot;

	APPEND(g->strings, g->nstrings, slot);
	if (!slot || !(*slot = strdup(s ? s : ""))) {
		g->failed = 1;
		return "";
	}
	return *slot;
}

typedef struct item_ctx {
	kiosk_gathered *g;
	const char *page; /* borrowed from the content */
} item_ctx;

static void gather_item(void *ctx, long long id)
{
	item_ctx *ic = ctx;
	view_item *it;

	APPEND(ic->g->items, ic->g->data.nitems, it);
	if (!it) {
		ic->g->failed = 1;
		return;
	}
	*it = (view_item){ic->page, id};
}

static void gather_visit(void *ctx, long long visit, const char *writer, const char *name,
			 const char *relationship)
{
	kiosk_gathered *g = ctx;
	view_visit *v;

	APPEND(g->visits, g->data.nvisits, v);

	(void)visit;
	if (!v) {
		g->failed = 1;
		return;
	}
	v->writer = keep(g, writer);
	v->name = keep(g, name);
	v->relationship = keep(g, relationship);
}

static void gather_need(void *ctx, const store_need *n)
{
	kiosk_gathered *g = ctx;
	view_need *v;

	APPEND(g->needs, g->data.nneeds, v);

	if (!v) {
		g->failed = 1;
		return;
	}
	v->text = keep(g, n->text);
	v->how = keep(g, n->how);
	v->eligible = n->eligible;
	v->direct_payment = n->direct_payment;
}

static void gather_comment(void *ctx, const store_comment *c)
{
	kiosk_gathered *g = ctx;
	view_comment *v;

	APPEND(g->comments, g->data.ncomments, v);

	if (!v) {
		g->failed = 1;
		return;
	}
	v->id = c->id;
	v->section = keep(g, c->section);
	v->text = keep(g, c->text);
	v->author = keep(g, c->author);
	v->seen = c->seen;
}

static void gather_signed_off(void *ctx, const store_plan_detail *d)
{
	kiosk_gathered *g = ctx;

	snprintf(g->signed_off, sizeof(g->signed_off), "%.10s", d->signed_off_at);
}

/* The earliest review still waiting. */
static void gather_review(void *ctx, const store_review *r)
{
	kiosk_gathered *g = ctx;

	if (strcmp(r->state, "open") == 0 &&
	    (!g->next_review[0] || strcmp(r->due, g->next_review) < 0))
		snprintf(g->next_review, sizeof(g->next_review), "%.10s", r->due);
}

/* The entries of one list page, or of every list page (pg NULL). */
static int gather_items(kiosk_session *s, kiosk_gathered *g, const content_page *pg)
{
	const content *c = s->c;

	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *lp = content_page_at(c, i);
		item_ctx ic = {g, lp->id};

		if (lp->kind != KIND_LIST || (pg && lp != pg))
			continue;
		if (store_items_each(s->p->st, s->plan, lp->id, gather_item, &ic) < 0)
			return -1;
	}
	return 0;
}

/* The person's copy: the council's parts and dates as well as everything on the check page. */
static int gather_copy(kiosk_session *s, kiosk_gathered *g)
{
	store *st = s->p->st;

	if (store_plan_detail_get(st, s->plan, gather_signed_off, g) != 0 ||
	    store_reviews_each(st, s->plan, gather_review, g) < 0 ||
	    store_needs_each_full(st, s->plan, gather_need, g) < 0 || gather_items(s, g, NULL) ||
	    store_visits_each(st, s->plan, gather_visit, g) < 0)
		return -1;
	return 0;
}

void kiosk_gathered_init(kiosk_gathered *g)
{
	memset(g, 0, sizeof(*g));
	g->data.signed_off = g->signed_off;
	g->data.next_review = g->next_review;
}

int kiosk_gather(kiosk_session *s, const content_page *pg, kiosk_gathered *g)
{
	store *st = s->p->st;
	int rc = 0;

	if (!s->plan)
		return 0;
	switch (pg->kind) {
	case KIND_LIST:
		rc = gather_items(s, g, pg);
		break;
	case KIND_CHECK:
		rc =
		    gather_items(s, g, NULL) || store_visits_each(st, s->plan, gather_visit, g) < 0;
		break;
	case KIND_COPY:
		rc = gather_copy(s, g);
		break;
	case KIND_NEEDS:
		rc = store_needs_each_full(st, s->plan, gather_need, g) < 0;
		break;
	case KIND_COMMENTS:
		rc = store_comments_each(st, s->plan, gather_comment, g) < 0;
		break;
	default:
		break;
	}
	g->data.items = g->items;
	g->data.visits = g->visits;
	g->data.needs = g->needs;
	g->data.comments = g->comments;
	return rc || g->failed ? -1 : 0;
}

void kiosk_gathered_release(kiosk_gathered *g)
{
	for (size_t i = 0; i < g->nstrings; i++)
		free(g->strings[i]);
	free(g->strings);
	free(g->items);
	free(g->visits);
	free(g->needs);
	free(g->comments);
	kiosk_gathered_init(g);
}
