/* store: the SQLite database, and the only file that includes sqlite3.h.
 *
 * One connection, used only from the server's event loop thread. Changes are grouped into
 * batches: the first change opens a transaction, each request's changes sit inside a savepoint
 * (so a request that fails halfway leaves nothing behind), and store_commit() makes the whole
 * batch durable (WAL, synchronous=FULL) at once. Nothing may be acknowledged to a person before
 * the store_commit() that holds it has returned 0.
 *
 * Functions return 0 on success and -1 on error (with a reason in err when err is not NULL);
 * lookups return 1 for "not found". Strings passed in are copied; strings handed to callbacks
 * are borrowed for the duration of the callback. */
#ifndef PLANALOUD_STORE_H
#define PLANALOUD_STORE_H

#include <stddef.h>

typedef struct store store;

#define STORE_HASH_BYTES 32
#define STORE_ERR_LEN 256

/* Opens (creating and migrating) the database at path; ":memory:" for tests. */
store *store_open(const char *path, char *err, size_t errlen);
void store_close(store *s);
/* 0 when the database answers a query. */
int store_ping(store *s);
int store_schema_version(store *s);

/* ---- batches ---- */
/* Opens the batch if none is open, then a savepoint for one request's changes. */
int store_request_begin(store *s, char *err, size_t errlen);
/* Keeps the request's changes in the batch. */
int store_request_end(store *s);
/* Undoes the request's changes; the rest of the batch stays. */
void store_request_undo(store *s);
int store_batch_open(const store *s);
/* Commits the batch. On failure everything in it is rolled back and -1 returned. */
int store_commit(store *s, char *err, size_t errlen);
/* How many batches have committed, for tests and the benchmark. */
unsigned long store_commits(const store *s);

/* ---- plans ---- */
typedef struct store_plan {
	long long id;
	char status[24];
	char person_name[128];
	long long budget_pence; /* -1 when no budget was given */
	char last_page[64];
} store_plan;

/* Makes a plan in status draft; *id gets its id. */
int store_plan_create(store *s, const unsigned char hash[STORE_HASH_BYTES], const char *person_name,
		      long long budget_pence, long long *id, char *err, size_t errlen);
/* 0 and *id, 1 when no plan has that code hash. */
int store_plan_find(store *s, const unsigned char hash[STORE_HASH_BYTES], long long *id);
/* 0, or 1 when there is no such plan. */
int store_plan_get(store *s, long long id, store_plan *out);
/* Moves the plan from status `from` to `to`; 1 (and no change) when it is not in `from`. */
int store_plan_set_status(store *s, long long id, const char *from, const char *to, char *err,
			  size_t errlen);
int store_plan_set_last_page(store *s, long long id, const char *page);

/* ---- assessed needs (from the caseworker's invitation) ---- */
int store_need_add(store *s, long long plan, const char *text, int eligible);
typedef void (*store_need_fn)(void *ctx, const char *text, int eligible);
int store_needs_each(store *s, long long plan, store_need_fn fn, void *ctx);

/* ---- visits: who wrote, each time the plan was opened ---- */
int store_visit_start(store *s, long long plan, long long *visit);
/* field: "writer", "helper_name" or "helper_relationship". */
int store_visit_set(store *s, long long visit, const char *field, const char *value);
typedef void (*store_visit_fn)(void *ctx, long long visit, const char *writer,
			       const char *helper_name, const char *relationship);
int store_visits_each(store *s, long long plan, store_visit_fn fn, void *ctx);

/* ---- answers ---- */
/* Stores a page's answer (item 0, field "") or a list entry's field. */
int store_answer_set(store *s, long long plan, long long visit, const char *page, long long item,
		     const char *field, const char *value, char *err, size_t errlen);
typedef int (*store_answer_fn)(void *ctx, const char *page, long long item, const char *field,
			       const char *value);
int store_answers_each(store *s, long long plan, store_answer_fn fn, void *ctx);

/* ---- list entries ---- */
int store_item_add(store *s, long long plan, const char *page, long long *item);
/* 0, or 1 when the plan has no such entry on that page. */
int store_item_remove(store *s, long long plan, const char *page, long long item);
int store_item_exists(store *s, long long plan, const char *page, long long item);
typedef void (*store_item_fn)(void *ctx, long long item);
int store_items_each(store *s, long long plan, const char *page, store_item_fn fn, void *ctx);
int store_item_count(store *s, long long plan, const char *page);

/* ---- flags for staff: "safeguarding", "advocacy", "review" ---- */
/* Raises a flag unless one of that kind is already open for the plan; *raised says which. */
int store_flag_raise(store *s, long long plan, long long visit, const char *kind,
		     const char *detail, int *raised);
int store_flag_open_count(store *s, long long plan, const char *kind);

#endif
