#include "store_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

const store_actor casey_actor = {STORE_ACTOR_STAFF, 1, "caseworker"};
const store_actor morgan_actor = {STORE_ACTOR_STAFF, 2, "manager"};

void hash_of(int n, unsigned char hash[STORE_HASH_BYTES])
{
	for (int i = 0; i < STORE_HASH_BYTES; i++)
		hash[i] = (unsigned char)(n * 31 + i);
}

store *open_memory(void)
{
	char err[STORE_ERR_LEN] = "";
	store *s = store_open(":memory:", err, sizeof(err));

	if (!s)
		fprintf(stderr, "store_open(:memory:): %s\n", err);
	return s;
}

store *fixture_open_file(const char *dir, const char *name, char *path, size_t n)
{
	char err[STORE_ERR_LEN] = "";
	store *s;

	snprintf(path, n, "%s/%s", dir, name);
	s = store_open(path, err, sizeof(err));
	if (!s)
		fprintf(stderr, "store_open(%s): %s\n", path, err);
	return s;
}

long long count_on_file(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

long long new_plan(store *s, int n)
{
	unsigned char hash[STORE_HASH_BYTES];
	long long id = 0;

	hash_of(n, hash);
	if (store_plan_create(s, hash, "", -1, &id, NULL, 0))
		return 0;
	return id;
}

store *fixture_staff_store(const char *dir, const char *file, char *path, size_t n, long long *plan)
{
	store_invite_need needs[] = {{"Help to wash", 1}, {"Windows cleaned", 0}};
	unsigned char hash[STORE_HASH_BYTES];
	store *s = file ? fixture_open_file(dir, file, path, n) : open_memory();

	if (!s)
		return NULL;
	hash_of(40, hash);
	if (store_user_add(s, "casey", "caseworker", SOME_HASH, 1, NULL, NULL, NULL, 0) ||
	    store_user_add(s, "morgan", "manager", SOME_HASH, 1, NULL, NULL, NULL, 0) ||
	    store_plan_invite(s, hash, "Alex Smith", needs, 2, 24550, "direct,council", NULL,
			      &casey_actor, plan, NULL, 0)) {
		store_close(s);
		return NULL;
	}
	return s;
}

int note_action(void *ctx, const store_audit_row *row)
{
	audit_seen *a = ctx;
	size_t len = strlen(a->actions);

	snprintf(a->actions + len, sizeof(a->actions) - len, "%s%s:%s", a->n ? "," : "",
		 row->actor_kind, row->action);
	a->n++;
	return 0;
}

const char *audit_of(store *s, long long plan, audit_seen *a)
{
	audit_seen newest = {0, ""};
	char *p;

	memset(a, 0, sizeof(*a));
	store_audit_each_for_plan(s, plan, 0, STORE_AUDIT_LIST_MAX, note_action, &newest);
	/* the store lists newest first: reverse the comma-separated list */
	while ((p = strrchr(newest.actions, ',')) || newest.actions[0]) {
		size_t len = strlen(a->actions);

		snprintf(a->actions + len, sizeof(a->actions) - len, "%s%s", len ? "," : "",
			 p ? p + 1 : newest.actions);
		if (!p)
			break;
		*p = '\0';
	}
	a->n = newest.n;
	return a->actions;
}
