/* staff_fixture: what the staff protocol's unit tests share (test_staff.c, test_data.c): reading
 * JSON replies by dotted paths, a workspace with a real SQLite file in a temporary folder, real
 * users (Argon2id, sessions) and the kiosk's own protocol on the same store, and asking it things
 * as casey (caseworker), morgan and mandy (managers) or ada (admin). Dates come from a test clock.
 *
 * A test's main() starts with fixture_begin("name") and ends with fixture_end(). */
#ifndef PLANALOUD_STAFF_FIXTURE_H
#define PLANALOUD_STAFF_FIXTURE_H

#include "code.h"
#include "content.h"
#include "fake_conn.h"
#include "kiosk.h"
#include "staff.h"
#include "users.h"

#include <cjson/cJSON.h>

#define PASSWORD "correct horse battery"

/* 2026-11-22 12:00 UTC: every date in the tests follows from it. */
#define DAY_S	  (24LL * 60 * 60)
#define START_S	  1795348800LL
#define START_DAY "2026-11-22"

extern content *ct;
extern const unsigned char zero_key[CODE_KEY_BYTES];
extern char tmpdir[64];

typedef struct person {
	staff_session *ss;
	fake_conn conn;
	unsigned char token[USERS_TOKEN_BYTES];
} person;

typedef struct fixture {
	char path[128];
	store *st;
	users *u;
	staff *sf;
	kiosk *kiosk;
	long long now;	/* the workspace's clock (what day it is): seconds */
	long long unow; /* the users' clock (sessions): seconds */
	person casey, morgan, mandy, ada;
} fixture;

extern fixture fx;

/* ---- reading JSON (borrowed from o; NULL or -1 when a step is missing) ---- */
const cJSON *at(const cJSON *o, const char *path);
const char *str(const cJSON *o, const char *path);
double num(const cJSON *o, const char *path);
int count(const cJSON *o, const char *path);

/* ---- the fixture ---- */
long long clock_now(void *ctx);
long long users_clock(void *ctx);
int login(person *p, const char *name);
/* Opens the workspace on a new database tmpdir/db_name, logged in as the four staff. 0, or -1. */
int fixture_open(const char *db_name);
void person_close(person *p);
void fixture_close(void);
/* What every staff test's main() does first: standard output a line at a time, the day in UTC,
 * libsodium, tmpdir made (/tmp/planaloud-<name>-XXXXXX), ct loaded from the source tree, and
 * fixture_open("<name>.db"). 0, or -1 having said why on standard error. */
int fixture_begin(const char *name);
/* fixture_close, ct freed, and tmpdir removed with the database. */
void fixture_end(void);

/* ---- talking to the workspace ---- */
/* Sends the message as p and returns the one reply (cJSON_Delete it); NULL, saying why, when
 * there was not exactly one. */
cJSON *ask(person *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int is_error(const cJSON *m, const char *code);
int is_type(const cJSON *m, const char *type);
/* Asks and checks the reply is the error `code`. */
int refused(person *p, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Asks and checks the one reply is of `type`. */
int done(person *p, const char *type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A new plan invited by casey: its id, and its code into code (CODE_MAX, may be NULL). */
long long invite(const char *person_name, char *code);
/* A count from the database file through a second connection, with plan bound to ?1. */
long long db_count(const char *sql, long long plan);

/* ---- the person's side, through the kiosk's own protocol on the same store ---- */
typedef struct kiosk_side {
	kiosk_session *s;
	fake_conn conn;
} kiosk_side;

/* Says the message at the kiosk and commits: 1 when its last reply is no error. */
int kiosk_say(kiosk_side *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Opens the plan on a kiosk as a helper, Sam (sister), and writes two answers. */
int kiosk_open(kiosk_side *k, const char *code);
void kiosk_close(kiosk_side *k);
/* The person sends at the kiosk (which freezes the version they sent). */
int kiosk_send(kiosk_side *k, long long plan);

#endif
