/* staff_lists: what staff read and start outside one plan's council work: who is logged in,
 * the caseload, invitations and new codes, a plan's versions and their differences, and its
 * audit trail. Data are gathered here; staff_view.c builds the rows. */
#include "staff_int.h"

#include "auth.h"
#include "code.h"
#include "staff_words.h"
#include "version.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_TRIES 5

int staff_handle_me(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	cJSON *r = staff_view_message("me", seq), *words;

	(void)m;
	if (!r)
		return staff_fail(ss, "server");
	cJSON_AddStringToObject(r, "name", ss->who.name);
	cJSON_AddStringToObject(r, "role", auth_role_name(ss->who.role));
	cJSON_AddNumberToObject(r, "idle_minutes", (double)(USERS_IDLE_MS / 60000));
	words = staff_words_new(ss->sf->c, ss->who.role);
	/* the languages a person may write in, for the invitation letter's */
	if (!words || !cJSON_AddItemToObject(r, "words", words) ||
	    !cJSON_AddItemToObject(words, "languages",
				   staff_view_languages(ss->sf->c, ss->sf->langs))) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, r, 0);
	return 0;
}

#define CASELOAD_PAGE	 50	    /* plans a page */
#define CASELOAD_URGENT	 50	    /* open flags listed at the top (urgent_total says all) */
#define CASELOAD_REVIEWS 50	    /* reviews due listed (reviews_total says all) */
#define CASELOAD_PAGES	 1000000000 /* no caseload has this many pages */

/* The caseload request's page (absent or null: 1) and status (absent or null: every status).
 * 0, or -1 with the error set: bad-page, or bad-field for a status that is not one. */
static int caseload_args(staff_session *ss, const cJSON *m, long long *page, plan_status *only)
{
	const cJSON *p = cJSON_GetObjectItem(m, "page"), *s = cJSON_GetObjectItem(m, "status");

	*page = 1;
	*only = PLAN_STATUS_COUNT;
	if (p && !cJSON_IsNull(p)) {
		if (!message_whole(p, 1) || p->valuedouble > CASELOAD_PAGES)
			return staff_fail(ss, "bad-page");
		*page = (long long)p->valuedouble;
	}
	if (s && !cJSON_IsNull(s) &&
	    (!cJSON_IsString(s) || plan_status_parse(s->valuestring, only)))
		return staff_fail(ss, "bad-field");
	/* refresh: the page reads it again by itself, after news: not the user's use */
	s = cJSON_GetObjectItem(m, "refresh");
	if (s && !cJSON_IsNull(s) && !cJSON_IsBool(s))
		return staff_fail(ss, "bad-field");
	ss->quiet = cJSON_IsTrue(s);
	return 0;
}

/* The page's plans into cv: the statuses in the caseload's order (only `only`, unless it is
 * PLAN_STATUS_COUNT), each most recently changed first, from plan number `offset` on. */
static int caseload_page(store *st, const long long counts[PLAN_STATUS_COUNT], plan_status only,
			 long long offset, staff_caseload_view *cv)
{
	int left = CASELOAD_PAGE;

	for (size_t i = 0; i < staff_status_count() && left > 0; i++) {
		plan_status s = staff_status_at(i);
		int n;

		if ((only != PLAN_STATUS_COUNT && s != only) || counts[s] == 0)
			continue;
		if (offset >= counts[s]) {
			offset -= counts[s];
			continue;
		}
		n = store_caseload_each(st, s, offset, left, staff_view_caseload_plan, cv);
		if (n < 0)
			return -1;
		left -= n;
		offset = 0;
	}
	return 0;
}

/* What needs attention (the first open flags, and reviews due soon or overdue, each with how
 * many there are in all) into r. */
static int caseload_attention(staff_session *ss, cJSON *r, const char *day)
{
	staff_caseload_view cv = {ss->sf->c, ss->sf->langs, cJSON_AddArrayToObject(r, "urgent"),
				  cJSON_AddArrayToObject(r, "reviews"), day};
	char until[PLAN_DATE_LEN];
	long long urgent = 0, reviews = 0;

	if (plan_date_add_days(day, PLAN_REVIEW_SOON_DAYS, until) ||
	    store_flags_open_each(ss->sf->st, CASELOAD_URGENT, &urgent, staff_view_urgent, &cv) ||
	    store_caseload_reviews_each(ss->sf->st, until, CASELOAD_REVIEWS, &reviews,
					staff_view_caseload_plan, &cv))
		return -1;
	cJSON_AddNumberToObject(r, "urgent_total", (double)urgent);
	cJSON_AddNumberToObject(r, "reviews_total", (double)reviews);
	return 0;
}

/* The reply's paging: page, pages, per_page, total, more, and counts (plans in each status). */
static void caseload_paging(cJSON *r, const long long counts[PLAN_STATUS_COUNT], long long page,
			    long long pages, long long total)
{
	cJSON *by = cJSON_AddObjectToObject(r, "counts");

	cJSON_AddNumberToObject(r, "page", (double)page);
	cJSON_AddNumberToObject(r, "pages", (double)pages);
	cJSON_AddNumberToObject(r, "per_page", CASELOAD_PAGE);
	cJSON_AddNumberToObject(r, "total", (double)total);
	cJSON_AddBoolToObject(r, "more", page < pages);
	for (size_t i = 0; i < staff_status_count(); i++)
		cJSON_AddNumberToObject(by, plan_status_name(staff_status_at(i)),
					(double)counts[staff_status_at(i)]);
}

int staff_handle_caseload(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store *st = ss->sf->st;
	char day[PLAN_DATE_LEN], now[STAFF_ISO_LEN];
	long long page, pages, total = 0, counts[PLAN_STATUS_COUNT];
	staff_caseload_view cv;
	plan_status only;
	cJSON *r;
	int moved;

	if (caseload_args(ss, m, &page, &only))
		return -1;
	staff_today(ss->sf, day);
	/* Reviews whose day has come (or that the person asked for) make their plans review_due
	 * as the caseload is read: the system's move, audited as such. */
	if (workflow_reviews_make_due(&(workflow){st, NULL, staff_now(ss->sf) * 1000}, day, &moved,
				      NULL, 0))
		return staff_fail(ss, "not-saved");
	if (store_caseload_counts(st, counts))
		return staff_fail(ss, "server");
	for (size_t i = 0; i < staff_status_count(); i++)
		if (only == PLAN_STATUS_COUNT || staff_status_at(i) == only)
			total += counts[staff_status_at(i)];
	pages = total ? (total + CASELOAD_PAGE - 1) / CASELOAD_PAGE : 1;
	if (page > pages)
		return staff_fail(ss, "bad-page");
	r = staff_view_message("caseload", seq);
	if (!r)
		return staff_fail(ss, "server");
	staff_iso_ms(staff_now(ss->sf) * 1000, now);
	cJSON_AddStringToObject(r, "now", now);
	cJSON_AddStringToObject(r, "today", day);
	if (only != PLAN_STATUS_COUNT)
		cJSON_AddStringToObject(r, "status", plan_status_name(only));
	else
		cJSON_AddNullToObject(r, "status");
	caseload_paging(r, counts, page, pages, total);
	cv = (staff_caseload_view){ss->sf->c, ss->sf->langs, NULL,
				   cJSON_AddArrayToObject(r, "plans"), day};
	if (caseload_attention(ss, r, day) ||
	    caseload_page(st, counts, only, (page - 1) * CASELOAD_PAGE, &cv)) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	ss->live_missed = 0; /* the page is up to date: news may come again */
	staff_reply(ss, r, 0);
	return 0;
}

/* A new code no plan has, and its hash. 0, or -1 (failed). */
static int fresh_code(staff_session *ss, char code[CODE_MAX], unsigned char hash[CODE_HASH_BYTES])
{
	long long other;

	for (int tries = 0; tries < CODE_TRIES; tries++) {
		code_generate(ss->sf->c, code);
		code_hash(ss->sf->code_key, code, hash);
		switch (store_plan_find(ss->sf->st, hash, &other)) {
		case 1:
			return 0;
		case 0:
			continue;
		default:
			return staff_fail(ss, "server");
		}
	}
	return staff_fail(ss, "server");
}

/* lang: the plan's language, that its letter is printed in ("" none kept: English). */
static int send_invited(staff_session *ss, long long plan, const char *code, const char *lang,
			long long seq)
{
	const content *lc = staff_language(ss->sf, lang);
	cJSON *r = staff_view_message("invited", seq);
	char numbers[CODE_NUMBERS_MAX];

	if (!r || code_numbers(ss->sf->c, code, numbers)) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	cJSON_AddNumberToObject(r, "plan", (double)plan);
	cJSON_AddStringToObject(r, "code", code);
	cJSON_AddStringToObject(r, "lang", content_lang(lc ? lc : ss->sf->c));
	cJSON_AddStringToObject(r, "numbers", numbers); /* the same code in digits only (code.h) */
	sodium_memzero(numbers, sizeof(numbers));
	staff_reply(ss, r, 0);
	return 0;
}

int staff_handle_invite(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_invite_need needs[STAFF_NEEDS_MAX];
	const cJSON *list = cJSON_GetObjectItem(m, "needs"), *v;
	const cJSON *ways = cJSON_GetObjectItem(m, "managing");
	const char *person, *lang;
	const content *letter;
	char code[CODE_MAX], managing[64] = "";
	unsigned char hash[CODE_HASH_BYTES];
	store_actor by = staff_actor(ss);
	long long budget = -1, plan;
	size_t n = 0;
	int rc;

	if (staff_text_arg(ss, m, "person", 1, STAFF_PERSON_MAX, &person) ||
	    staff_lang_arg(ss, m, 0, &letter))
		return -1;
	lang = letter ? content_lang(letter) : NULL;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) < 1)
		return staff_fail(ss, "bad-field");
	if (cJSON_GetArraySize(list) > STAFF_NEEDS_MAX)
		return staff_fail_with(ss, "list-full", "limit", STAFF_NEEDS_MAX);
	cJSON_ArrayForEach(v, list)
	{
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(v, "text"));
		int eligible;

		if (!cJSON_IsObject(v) || !text)
			return staff_fail(ss, "bad-message");
		if (staff_text_ok(ss, text, 1, STAFF_NEED_MAX) ||
		    staff_bool_arg(ss, cJSON_GetObjectItem(v, "eligible"), &eligible))
			return -1;
		needs[n++] = (store_invite_need){text, eligible};
	}
	v = cJSON_GetObjectItem(m, "budget");
	if (v && !cJSON_IsNull(v) && staff_money_arg(ss, v, &budget))
		return -1;
	/* The ways of managing support the council offers this person: all four unless said. */
	if (ways && !cJSON_IsNull(ways)) {
		int seen[8] = {0};
		size_t nways = staff_managing_way_count();

		assert(nways <= sizeof(seen) / sizeof(*seen));
		if (!cJSON_IsArray(ways))
			return staff_fail(ss, "bad-field");
		cJSON_ArrayForEach(v, ways)
		{
			size_t w = 0;

			while (w < nways && !(cJSON_IsString(v) &&
					      strcmp(v->valuestring, staff_managing_way(w)) == 0))
				w++;
			if (w == nways || seen[w]++)
				return staff_fail(ss, "bad-field");
		}
		for (size_t w = 0; w < nways; w++)
			if (seen[w])
				snprintf(managing + strlen(managing),
					 sizeof(managing) - strlen(managing), "%s%s",
					 *managing ? "," : "", staff_managing_way(w));
	} else {
		snprintf(managing, sizeof(managing), "direct,council,provider,mix");
	}
	if (fresh_code(ss, code, hash))
		return -1;
	rc = store_plan_invite(ss->sf->st, hash, person, needs, n, budget, managing, lang, &by,
			       &plan, NULL, 0);
	if (rc) {
		sodium_memzero(code, sizeof(code));
		return staff_fail(ss, "not-saved");
	}
	rc = send_invited(ss, plan, code, lang ? lang : "", seq);
	sodium_memzero(code, sizeof(code));
	return rc;
}

int staff_handle_new_code(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_plan pl;
	store_actor by = staff_actor(ss);
	char code[CODE_MAX];
	unsigned char hash[CODE_HASH_BYTES];
	int rc;

	if (staff_plan_arg(ss, m, &pl) || fresh_code(ss, code, hash))
		return -1;
	rc = store_plan_set_code(ss->sf->st, pl.id, hash, &by, NULL, 0);
	if (rc)
		rc = rc == 1 ? staff_fail(ss, "no-plan") : staff_fail(ss, "not-saved");
	else
		rc = send_invited(ss, pl.id, code, pl.lang, seq);
	sodium_memzero(code, sizeof(code));
	return rc;
}

int staff_handle_versions(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	store_plan pl;
	cJSON *r;

	if (staff_plan_arg(ss, m, &pl) || staff_audit_read(ss, pl.id, "versions"))
		return -1;
	r = staff_view_message("versions", seq);
	if (!r)
		return staff_fail(ss, "server");
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	staff_view_language(r, ss->sf->c, ss->sf->langs, pl.lang);
	if (store_versions_each(ss->sf->st, pl.id, staff_view_version,
				cJSON_AddArrayToObject(r, "versions"))) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	staff_reply(ss, r, 0);
	return 0;
}

static int keep_snapshot(void *ctx, const char *json)
{
	char **out = ctx;

	*out = strdup(json);
	return *out ? 0 : -1;
}

int staff_handle_diff(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *from = cJSON_GetObjectItem(m, "from"), *to = cJSON_GetObjectItem(m, "to");
	char *s0 = NULL, *s1 = NULL;
	cJSON *r = NULL, *changes;
	store_plan pl;
	int rc = -1, g0, g1;

	if (staff_plan_arg(ss, m, &pl))
		return -1;
	if (!message_whole(from, 1) || !message_whole(to, 1) || from->valuedouble > 1e9 ||
	    to->valuedouble > 1e9)
		return staff_fail(ss, "bad-message");
	if (staff_audit_read(ss, pl.id, "diff"))
		return -1;
	g0 = store_version_snapshot(ss->sf->st, pl.id, from->valueint, keep_snapshot, &s0);
	g1 = g0 ? g0 : store_version_snapshot(ss->sf->st, pl.id, to->valueint, keep_snapshot, &s1);
	if (g0 == 1 || g1 == 1) {
		rc = staff_fail(ss, "no-version");
		goto out;
	}
	if (g0 || g1 || !(changes = version_diff(ss->sf->c, s0, s1))) {
		rc = staff_fail(ss, "server");
		goto out;
	}
	staff_view_mark_verbatim(ss->sf->c, changes);
	r = staff_view_message("diff", seq);
	cJSON_AddNumberToObject(r, "plan", (double)pl.id);
	staff_view_language(r, ss->sf->c, ss->sf->langs, pl.lang);
	cJSON_AddNumberToObject(r, "from", from->valueint);
	cJSON_AddNumberToObject(r, "to", to->valueint);
	cJSON_AddItemToObject(r, "changes", changes);
	staff_reply(ss, r, 0);
	rc = 0;
out:
	free(s0);
	free(s1);
	return rc;
}

typedef struct audit_ctx {
	staff_session *ss;
	cJSON *rows;
	long long last_id;
	int n;
	int failed;	   /* a staff user's name could not be read */
	long long name_id; /* the last staff user looked up, to look up each only once a run */
	char name[USERS_NAME_MAX + 1];
} audit_ctx;

/* Gathers who made each row (a staff user's name, looked up once a run; else the kind of
 * actor) and has the view add it. A user that cannot be read fails the page. */
static int add_audit_row(void *ctx, const store_audit_row *row)
{
	audit_ctx *ac = ctx;
	const char *who = row->actor_kind;

	if (strcmp(row->actor_kind, "staff") == 0 && row->actor_id > 0) {
		store_user u;

		if (ac->name_id != row->actor_id) {
			int rc = store_user_get(ac->ss->sf->st, row->actor_id, &u);

			if (rc < 0) {
				ac->failed = 1;
				return 1; /* stops the rows */
			}
			ac->name_id = row->actor_id;
			snprintf(ac->name, sizeof(ac->name), "%s", rc == 0 ? u.name : "?");
		}
		who = ac->name;
	}
	staff_view_audit_row(ac->rows, row, who);
	ac->last_id = row->id;
	ac->n++;
	return 0;
}

int staff_audit_rows(staff_session *ss, long long plan, long long before, cJSON *rows,
		     long long *last_id)
{
	audit_ctx ac = {.ss = ss, .name_id = -1, .rows = rows};

	if (store_audit_each_for_plan(ss->sf->st, plan, before, STAFF_AUDIT_PAGE, add_audit_row,
				      &ac) ||
	    ac.failed)
		return -1;
	*last_id = ac.last_id;
	return ac.n;
}

int staff_handle_audit(void *session, const cJSON *m, long long seq)
{
	staff_session *ss = session;
	const cJSON *before = cJSON_GetObjectItem(m, "before");
	long long plan, last_id = 0;
	store_erasure gone;
	cJSON *r;
	int n;

	/* An erased plan's audit trail stays readable: it holds no person's words. */
	if (staff_plan_or_erased_arg(ss, m, &plan))
		return -1;
	if (before && !message_whole(before, 1))
		return staff_fail(ss, "bad-message");
	r = staff_view_message("audit", seq);
	if (!r)
		return staff_fail(ss, "server");
	cJSON_AddNumberToObject(r, "plan", (double)plan);
	if (store_plan_erased(ss->sf->st, plan, &gone) == 0) {
		cJSON *e = cJSON_AddObjectToObject(r, "erased");
		char at[STAFF_ISO_LEN];

		staff_iso_ms(gone.at_ms, at);
		cJSON_AddStringToObject(e, "at", at);
		cJSON_AddStringToObject(e, "reason", gone.reason);
	}
	n = staff_audit_rows(ss, plan, before ? (long long)before->valuedouble : 0,
			     cJSON_AddArrayToObject(r, "rows"), &last_id);
	if (n < 0) {
		cJSON_Delete(r);
		return staff_fail(ss, "server");
	}
	/* A full page may have more behind it: ask again with "before" set to this. */
	if (n == STAFF_AUDIT_PAGE)
		cJSON_AddNumberToObject(r, "before", (double)last_id);
	else
		cJSON_AddNullToObject(r, "before");
	staff_reply(ss, r, 0);
	return 0;
}
