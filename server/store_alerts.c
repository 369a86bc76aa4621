/* store_alerts: the alerts outbox (store_alerts.h). */
#include "store_alerts.h"

#include "store_int.h"

#include <string.h>

#define ALERT_COLUMNS                                                                              \
	"SELECT id, plan_id, kind, channel, created_ms, tries, next_ms, last_error, "              \
	"coalesce(sent_ms, -1) FROM alerts "

typedef struct each {
	store_alert_fn fn;
	void *ctx;
} each;

static int alert_row(void *ctx, sqlite3_stmt *st)
{
	each *e = ctx;
	store_alert a = {
	    .id = sqlite3_column_int64(st, 0),
	    .plan = sqlite3_column_int64(st, 1),
	    .kind = db_col_text(st, 2),
	    .channel = db_col_text(st, 3),
	    .created_ms = sqlite3_column_int64(st, 4),
	    .tries = sqlite3_column_int(st, 5),
	    .next_ms = sqlite3_column_int64(st, 6),
	    .last_error = db_col_text(st, 7),
	    .sent_ms = sqlite3_column_int64(st, 8),
	};

	e->fn(e->ctx, &a);
	return 0;
}

int store_alert_queue(store *s, long long plan, const char *kind, const char *channel,
		      long long now_ms)
{
	return db_run(s,
		      "INSERT INTO alerts (kind, channel, plan_id, created_ms, next_ms) "
		      "VALUES (?, ?, ?, ?, ?)",
		      "TTIII", kind, channel, plan, now_ms, now_ms);
}

int store_alerts_due(store *s, long long now_ms, int limit, store_alert_fn fn, void *ctx)
{
	each e = {fn, ctx};

	return db_rows(s, alert_row, &e,
		       ALERT_COLUMNS "WHERE sent_ms IS NULL AND next_ms <= ? ORDER BY next_ms, id "
				     "LIMIT ?",
		       "II", now_ms, (long long)limit);
}

int store_alerts_each(store *s, int limit, store_alert_fn fn, void *ctx)
{
	each e = {fn, ctx};

	return db_rows(s, alert_row, &e, ALERT_COLUMNS "ORDER BY id DESC LIMIT ?", "I",
		       (long long)limit);
}

/* One change of one undelivered alert, in a write of its own (or the open batch): 0, 1 when no
 * undelivered alert has that id, -1. */
static int change_one(store *s, int rc)
{
	if (rc)
		return -1;
	return sqlite3_changes(s->db) == 1 ? 0 : 1;
}

int store_alert_sent(store *s, long long id, long long now_ms)
{
	int rc;

	if (store_write_begin(s, NULL, 0))
		return -1;
	rc = change_one(s,
			db_run(s, "UPDATE alerts SET sent_ms = ? WHERE id = ? AND sent_ms IS NULL",
			       "II", now_ms, id));
	return store_write_finish(s, rc, NULL, 0);
}

int store_alert_failed(store *s, long long id, const char *reason, long long next_ms)
{
	char cut[STORE_ALERT_ERROR_MAX + 1];
	size_t n = strlen(reason);
	int rc;

	if (n > STORE_ALERT_ERROR_MAX) {
		n = STORE_ALERT_ERROR_MAX;
		while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80)
			n--; /* never half a UTF-8 character */
	}
	memcpy(cut, reason, n);
	cut[n] = '\0';
	if (store_write_begin(s, NULL, 0))
		return -1;
	rc =
	    change_one(s, db_run(s,
				 "UPDATE alerts SET tries = tries + 1, last_error = ?, next_ms = ? "
				 "WHERE id = ? AND sent_ms IS NULL",
				 "TII", cut, next_ms, id));
	return store_write_finish(s, rc, NULL, 0);
}

int store_alert_retry(store *s, long long id, long long now_ms, const store_actor *by)
{
	int rc;

	if (store_write_begin(s, NULL, 0))
		return -1;
	rc = change_one(s,
			db_run(s, "UPDATE alerts SET next_ms = ? WHERE id = ? AND sent_ms IS NULL",
			       "II", now_ms, id));
	if (rc == 0 &&
	    db_audit(s, by, -1, "alert_retry", AUDIT_SQL("json_object('alert', ?)"), "I", id))
		rc = -1;
	return store_write_finish(s, rc, NULL, 0);
}

int store_alerts_all_due(store *s, long long now_ms)
{
	int rc;

	if (store_write_begin(s, NULL, 0))
		return -1;
	rc = db_run(s, "UPDATE alerts SET next_ms = ? WHERE sent_ms IS NULL AND next_ms > ?", "II",
		    now_ms, now_ms);
	return store_write_finish(s, rc, NULL, 0);
}

int store_alert_counts(store *s, long long *pending, long long *failed)
{
	if (db_query_int(s, pending, "SELECT count(*) FROM alerts WHERE sent_ms IS NULL", "") ||
	    db_query_int(s, failed,
			 "SELECT count(*) FROM alerts WHERE sent_ms IS NULL AND tries > 0", ""))
		return -1;
	return 0;
}
