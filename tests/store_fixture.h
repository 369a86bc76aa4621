/* store_fixture: what the store's and the workflow's unit tests both start from: stores in memory
 * or in a test's temporary folder, plans and invited plans, counting rows straight from the file,
 * and the audit trail as text. */
#ifndef PLANALOUD_STORE_FIXTURE_H
#define PLANALOUD_STORE_FIXTURE_H

#include "store.h"

#include <stddef.h>

/* A valid Argon2id string (the database refuses anything else as a password hash). */
#define SOME_HASH "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c29tZWhhc2hzb21laGFzaA"

/* casey (user 1, caseworker) and morgan (user 2, manager), as fixture_staff_store makes them. */
extern const store_actor casey_actor, morgan_actor;

/* A code hash that differs for each n. */
void hash_of(int n, unsigned char hash[STORE_HASH_BYTES]);
/* A store in memory; NULL (said on stderr) when it cannot open. */
store *open_memory(void);
/* A store in the file dir/name (its path into path, n bytes); NULL (said) when it cannot open. */
store *fixture_open_file(const char *dir, const char *name, char *path, size_t n);
/* The first column of the first row of sql, read from the file at path on a connection of its
 * own; -1 when it cannot be read. */
long long count_on_file(const char *path, const char *sql);
/* A new plan in status draft with no budget, under hash_of(n); 0 when it could not be made. */
long long new_plan(store *s, int n);
/* A store (in memory, or dir/file when file is not NULL) with casey and morgan and a plan casey
 * invited (*plan) with two needs, one eligible, a budget of £245.50 and two ways of managing. */
store *fixture_staff_store(const char *dir, const char *file, char *path, size_t n,
			   long long *plan);

/* Audit rows as "kind:action" text, comma-separated, in the order they were listed. */
typedef struct audit_seen {
	int n;
	char actions[1024];
} audit_seen;
/* A store_audit_fn adding each row to an audit_seen. */
int note_action(void *ctx, const store_audit_row *row);
/* The plan's audit actions, oldest first, as "staff:plan_invited,person:person_agreed", in a
 * (returned). */
const char *audit_of(store *s, long long plan, audit_seen *a);

#endif
