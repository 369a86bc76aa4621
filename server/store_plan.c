/* store_plan: plans, their needs, visits, answers, list entries and flags the person raises. */

#include "store_int.h"

#include <string.h>

/* ---- plans ---- */

/* A new plan's number: past every plan and every erased one, whose number is never used again
 * (SQLite would otherwise give the highest erased number out again). */
#define NEXT_PLAN_ID                                                                               \
	"(SELECT max(coalesce((SELECT max(id) FROM plans), 0), "                                   \
	"coalesce((SELECT max(plan_id) FROM erasures), 0)) + 1)"

int store_plan_create(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      long long budget_pence, long long *id, char *err, size_t errlen)
{
	if (db_run(s,
		   "INSERT INTO plans (id, code_hash, person_name, budget_pence) "
		   "VALUES (" NEXT_PLAN_ID ", ?, ?, ?)",
		   "BTN", hash, person_name, budget_pence)) {
		db_err(err, errlen, "making a plan", s->db);
		return -1;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_plan_find(store *s, const unsigned char hash[STORE_HASH_BYTES], long long *id)
{
	return db_query_int(s, id, "SELECT id FROM plans WHERE code_hash = ?", "B", hash);
}

static int read_plan(void *ctx, sqlite3_stmt *st)
{
	store_plan *out = ctx;

	out->id = sqlite3_column_int64(st, 0);
	out->status = db_col_status(st, 1);
	db_copy_col(out->person_name, sizeof(out->person_name), st, 2);
	out->budget_pence = sqlite3_column_int64(st, 3);
	db_copy_col(out->last_page, sizeof(out->last_page), st, 4);
	db_copy_col(out->lang, sizeof(out->lang), st, 5);
	return 1;
}

int store_plan_get(store *s, long long id, store_plan *out)
{
	return db_row(s, read_plan, out,
		      "SELECT id, status, person_name, coalesce(budget_pence, -1), last_page, "
		      "coalesce(lang, '') FROM plans WHERE id = ?",
		      "I", id);
}

int store_plan_move(store *s, long long plan, plan_status from, plan_status to, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	if (db_run(s,
		   "UPDATE plans SET status = ?1, updated_at = ?2, submitted_at = CASE WHEN ?1 = "
		   "'submitted' THEN ?2 ELSE submitted_at END WHERE id = ?3 AND status = ?4",
		   "TTIT", plan_status_name(to), now, plan, plan_status_name(from)))
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

int store_plan_touch(store *s, long long plan, long long now_ms)
{
	char now[DB_TIME_LEN];

	db_time_text(now_ms, now);
	return db_run(s, "UPDATE plans SET updated_at = ? WHERE id = ?", "TI", now, plan);
}

int store_plan_set_last_page(store *s, long long id, const char *page)
{
	return db_run(s, "UPDATE plans SET last_page = ? WHERE id = ?", "TI", page, id);
}

int store_plan_set_lang(store *s, long long id, const char *lang)
{
	return db_run(s, "UPDATE plans SET lang = ? WHERE id = ?", "TI", lang, id);
}

/* ---- needs ---- */

int store_need_add(store *s, long long plan, const char *text, int eligible)
{
	return db_run(s, "INSERT INTO needs (plan_id, text, eligible) VALUES (?, ?, ?)", "ITI",
		      plan, text, (long long)(eligible != 0));
}

/* A caller's callback and its context, for the row readers below. */
typedef struct each {
	union {
		store_need_fn need;
		store_visit_fn visit;
		store_answer_fn answer;
		store_item_fn item;
		store_plan_detail_fn detail;
		store_need_full_fn need_full;
		store_answer_visit_fn answer_visit;
	} fn;
	void *ctx;
} each;

static int each_need(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	e->fn.need(e->ctx, db_col_text(st, 0), sqlite3_column_int(st, 1));
	return 0;
}

int store_needs_each(store *s, long long plan, store_need_fn fn, void *ctx)
{
	each e = {.fn.need = fn, .ctx = ctx};

	return db_rows(s, each_need, &e,
		       "SELECT text, eligible FROM needs WHERE plan_id = ? ORDER BY id", "I",
		       plan) < 0
		   ? -1
		   : 0;
}

/* ---- visits ---- */

int store_visit_start(store *s, long long plan, long long *visit)
{
	if (db_run(s, "INSERT INTO visits (plan_id) VALUES (?)", "I", plan))
		return -1;
	*visit = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_visit_set(store *s, long long visit, const char *field, const char *value)
{
	/* Column names cannot be bound: choose from a fixed list. */
	static const char *const sql[] = {
	    "UPDATE visits SET writer = ? WHERE id = ?",
	    "UPDATE visits SET helper_name = ? WHERE id = ?",
	    "UPDATE visits SET helper_relationship = ? WHERE id = ?",
	};
	int which = strcmp(field, "writer") == 0		? 0
		    : strcmp(field, "helper_name") == 0		? 1
		    : strcmp(field, "helper_relationship") == 0 ? 2
								: -1;

	if (which < 0)
		return -1;
	return db_run(s, sql[which], "TI", value, visit);
}

static int each_visit(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	e->fn.visit(e->ctx, sqlite3_column_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		    db_col_text(st, 3));
	return 0;
}

int store_visits_each(store *s, long long plan, store_visit_fn fn, void *ctx)
{
	each e = {.fn.visit = fn, .ctx = ctx};

	return db_rows(s, each_visit, &e,
		       "SELECT id, writer, helper_name, helper_relationship FROM visits "
		       "WHERE plan_id = ? ORDER BY id",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

/* ---- answers ---- */

int store_answer_set(store *s, long long plan, long long visit, const char *page, long long item,
		     const char *field, const char *value, char *err, size_t errlen)
{
	if (db_run(s,
		   "INSERT INTO answers (plan_id, page, item_id, field, value, visit_id) "
		   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (plan_id, page, item_id, field) DO "
		   "UPDATE SET "
		   "value = excluded.value, visit_id = excluded.visit_id, "
		   "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
		   "ITITTN", plan, page, item, field, value, visit > 0 ? visit : -1LL)) {
		db_err(err, errlen, "storing an answer", s->db);
		return -1;
	}
	return 0;
}

static int each_answer(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	return e->fn.answer(e->ctx, db_col_text(st, 0), sqlite3_column_int64(st, 1),
			    db_col_text(st, 2), db_col_text(st, 3))
		   ? -1
		   : 0;
}

int store_answers_each(store *s, long long plan, store_answer_fn fn, void *ctx)
{
	each e = {.fn.answer = fn, .ctx = ctx};

	return db_rows(s, each_answer, &e,
		       "SELECT page, item_id, field, value FROM answers "
		       "WHERE plan_id = ? ORDER BY page, item_id, field",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

/* ---- list entries ---- */

int store_item_add(store *s, long long plan, const char *page, long long *item)
{
	if (db_run(s, "INSERT INTO items (plan_id, page) VALUES (?, ?)", "IT", plan, page))
		return -1;
	*item = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int store_item_exists(store *s, long long plan, const char *page, long long item)
{
	long long one;

	return db_query_int(s, &one,
			    "SELECT 1 FROM items WHERE id = ? AND plan_id = ? AND page = ?", "IIT",
			    item, plan, page);
}

int store_item_remove(store *s, long long plan, const char *page, long long item)
{
	int rc = store_item_exists(s, plan, page, item);

	if (rc)
		return rc;
	if (db_run(s, "DELETE FROM answers WHERE plan_id = ? AND page = ? AND item_id = ?", "ITI",
		   plan, page, item) ||
	    db_run(s, "DELETE FROM items WHERE id = ?", "I", item))
		return -1;
	return 0;
}

static int each_item(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	e->fn.item(e->ctx, sqlite3_column_int64(st, 0));
	return 0;
}

int store_items_each(store *s, long long plan, const char *page, store_item_fn fn, void *ctx)
{
	each e = {.fn.item = fn, .ctx = ctx};

	return db_rows(s, each_item, &e,
		       "SELECT id FROM items WHERE plan_id = ? AND page = ? ORDER BY id", "IT",
		       plan, page) < 0
		   ? -1
		   : 0;
}

int store_item_count(store *s, long long plan, const char *page)
{
	long long n = -1;

	if (db_query_int(s, &n, "SELECT count(*) FROM items WHERE plan_id = ? AND page = ?", "IT",
			 plan, page))
		return -1;
	return (int)n;
}

/* ---- flags ---- */

int store_flag_open_count(store *s, long long plan, const char *kind)
{
	long long n = -1;

	if (db_query_int(
		s, &n,
		"SELECT count(*) FROM flags WHERE plan_id = ? AND kind = ? AND closed_at IS NULL",
		"IT", plan, kind))
		return -1;
	return (int)n;
}

int store_flag_raise(store *s, long long plan, long long visit, const char *kind,
		     const char *detail, int *raised)
{
	int open = store_flag_open_count(s, plan, kind);

	*raised = 0;
	if (open < 0)
		return -1;
	if (open > 0 && strcmp(kind, "review") != 0)
		return 0;
	if (open > 0) /* a newer review request replaces the reason of the open one */
		return db_run(s,
			      "UPDATE flags SET detail = ? WHERE plan_id = ? AND kind = ? AND "
			      "closed_at IS NULL",
			      "TIT", detail, plan, kind);
	if (db_run(s, "INSERT INTO flags (plan_id, kind, detail, visit_id) VALUES (?, ?, ?, ?)",
		   "ITTN", plan, kind, detail, visit > 0 ? visit : -1LL) ||
	    /* who raised it and when, not what they said */
	    db_audit(s, &(store_actor){STORE_ACTOR_PERSON, plan, NULL}, plan, "flag_raised",
		     AUDIT_SQL("json_object('kind', ?, 'visit', ?)"), "TN", kind,
		     visit > 0 ? visit : -1LL))
		return -1;
	*raised = 1;
	return 0;
}

int db_plan_exists(store *s, long long plan)
{
	long long one;

	return db_query_int(s, &one, "SELECT 1 FROM plans WHERE id = ?", "I", plan);
}

int store_plan_invite(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      const store_invite_need *needs, size_t nneeds, long long budget_pence,
		      const char *managing, const char *lang, const store_actor *by, long long *id,
		      char *err, size_t errlen)
{
	db_actor_cols a = db_actor(by);
	long long plan = 0, eligible = 0;
	int ok = 0;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s,
		   "INSERT INTO plans (id, code_hash, person_name, budget_pence, managing, "
		   "invited_by, lang) "
		   "VALUES (" NEXT_PLAN_ID ", ?, ?, ?, ?, ?, ?)",
		   "BTNTNT", hash, person_name, budget_pence, managing, a.id, lang)) {
		db_err(err, errlen, "making a plan", s->db);
		goto out;
	}
	plan = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < nneeds; i++) {
		if (store_need_add(s, plan, needs[i].text, needs[i].eligible)) {
			db_err(err, errlen, "adding a need", s->db);
			goto out;
		}
		eligible += needs[i].eligible != 0;
	}
	if (db_audit(s, by, plan, "plan_invited",
		     AUDIT_SQL("json_object('needs', ?, 'eligible', ?, 'budget_pence', ?)"), "IIN",
		     (long long)nneeds, eligible, budget_pence)) {
		db_err(err, errlen, "auditing an invitation", s->db);
		goto out;
	}
	ok = 1;
out:
	if (store_write_end(s, ok, err, errlen))
		return -1;
	if (id)
		*id = plan;
	return 0;
}

int store_plan_set_code(store *s, long long plan, const unsigned char hash[STORE_HASH_BYTES],
			const store_actor *by, char *err, size_t errlen)
{
	int rc = -1;

	if (store_write_begin(s, err, errlen))
		return -1;
	if (db_run(s, "UPDATE plans SET code_hash = ? WHERE id = ?", "BI", hash, plan)) {
		db_err(err, errlen, "replacing a plan's code", s->db);
		goto out;
	}
	if (sqlite3_changes(s->db) == 0) {
		rc = 1;
		goto out;
	}
	if (db_audit(s, by, plan, "code_replaced", AUDIT_SQL("'{}'"), "")) {
		db_err(err, errlen, "auditing a new code", s->db);
		goto out;
	}
	rc = 0;
out:
	return store_write_finish(s, rc, err, errlen);
}

/* ---- reading a plan as staff see it ---- */

static int read_detail(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_plan_detail d = {
	    .id = sqlite3_column_int64(st, 0),
	    .status = db_col_status(st, 1),
	    .person_name = db_col_text(st, 2),
	    .budget_pence = sqlite3_column_int64(st, 3),
	    .managing = db_col_text(st, 4),
	    .created_at = db_col_text(st, 5),
	    .updated_at = db_col_text(st, 6),
	    .submitted_at = db_col_text(st, 7),
	    .invited_by = db_col_text(st, 8),
	    .ready = sqlite3_column_int(st, 9),
	    .person_agreed_at = db_col_text(st, 10),
	    .person_disagreed_at = db_col_text(st, 11),
	    .person_disagree_reason = db_col_text(st, 12),
	    .caseworker_agreed_at = db_col_text(st, 13),
	    .caseworker_agreed_by = db_col_text(st, 14),
	    .caseworker_agreed_by_id = sqlite3_column_int64(st, 15),
	    .risks = db_col_text(st, 16),
	    .emergency_checked = sqlite3_column_int(st, 17),
	    .not_agreed_at = db_col_text(st, 18),
	    .not_agreed_by = db_col_text(st, 19),
	    .not_agreed_reasons = db_col_text(st, 20),
	    .not_agreed_safety = db_col_text(st, 21),
	    .not_agreed_complaints = sqlite3_column_int(st, 22),
	    .signed_off_at = db_col_text(st, 23),
	    .signed_off_by = db_col_text(st, 24),
	    .panel_decision = db_col_text(st, 25),
	    .panel_date = db_col_text(st, 26),
	    .lang = db_col_text(st, 27),
	};

	e->fn.detail(e->ctx, &d);
	return 1;
}

int store_plan_detail_get(store *s, long long plan, store_plan_detail_fn fn, void *ctx)
{
	each e = {.fn.detail = fn, .ctx = ctx};

	return db_row(
	    s, read_detail, &e,
	    "SELECT p.id, p.status, p.person_name, coalesce(p.budget_pence, -1), p.managing, "
	    "p.created_at, p.updated_at, coalesce(p.submitted_at, ''), coalesce(iu.name, ''), "
	    "p.ready, coalesce(p.person_agreed_at, ''), coalesce(p.person_disagreed_at, ''), "
	    "p.person_disagree_reason, coalesce(p.caseworker_agreed_at, ''), "
	    "coalesce(cu.name, ''), coalesce(p.caseworker_agreed_by, -1), p.risks, "
	    "p.emergency_checked, coalesce(p.not_agreed_at, ''), coalesce(nu.name, ''), "
	    "p.not_agreed_reasons, p.not_agreed_safety, p.not_agreed_complaints, "
	    "coalesce(p.signed_off_at, ''), coalesce(su.name, ''), p.panel_decision, "
	    "p.panel_date, coalesce(p.lang, '') FROM plans p "
	    "LEFT JOIN users iu ON iu.id = p.invited_by "
	    "LEFT JOIN users cu ON cu.id = p.caseworker_agreed_by "
	    "LEFT JOIN users nu ON nu.id = p.not_agreed_by "
	    "LEFT JOIN users su ON su.id = p.signed_off_by WHERE p.id = ?",
	    "I", plan);
}

static int each_need_full(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_need n = {sqlite3_column_int64(st, 0), db_col_text(st, 1), sqlite3_column_int(st, 2),
			db_col_text(st, 3), sqlite3_column_int(st, 4)};

	e->fn.need_full(e->ctx, &n);
	return 0;
}

int store_needs_each_full(store *s, long long plan, store_need_full_fn fn, void *ctx)
{
	each e = {.fn.need_full = fn, .ctx = ctx};

	return db_rows(s, each_need_full, &e,
		       "SELECT id, text, eligible, how, direct_payment FROM needs "
		       "WHERE plan_id = ? ORDER BY id",
		       "I", plan) < 0
		   ? -1
		   : 0;
}

static int each_answer_visit(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;

	return e->fn.answer_visit(e->ctx, db_col_text(st, 0), sqlite3_column_int64(st, 1),
				  db_col_text(st, 2), db_col_text(st, 3),
				  sqlite3_column_int64(st, 4))
		   ? -1
		   : 0;
}

int store_answers_each_with_visit(store *s, long long plan, store_answer_visit_fn fn, void *ctx)
{
	each e = {.fn.answer_visit = fn, .ctx = ctx};

	return db_rows(s, each_answer_visit, &e,
		       "SELECT page, item_id, field, value, coalesce(visit_id, 0) "
		       "FROM answers WHERE plan_id = ? ORDER BY page, item_id, field",
		       "I", plan) < 0
		   ? -1
		   : 0;
}
