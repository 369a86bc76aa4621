/* users: staff accounts. Passwords are hashed with Argon2id (libsodium), wrong logins make the
 * name, the name from an address and the address wait longer each time, and a login makes a
 * session: 32 random bytes given to the browser, of which the database
 * keeps only a BLAKE2b hash. Built on the store (which audits each change in the same transaction);
 * the roles are auth.h's.
 *
 * Hashing a password takes tens of milliseconds and 19 MiB on the calling thread: users_add,
 * users_set_password and users_login_check do it once each (twice when the stored hash is from
 * weaker parameters). A login is split so that its check can run off the event loop.
 *
 * Threads: everything on the caller's (the event loop's) thread, but users_login_check, which
 * touches only its attempt and may run on any thread.
 *
 * Times are milliseconds since 1970 (UTC) from the users' clock: the real one, or the one a test
 * sets. Functions return 0 or -1 (a reason in err when err is not NULL) as the store's do; reasons
 * for refusing a name or password are plain English and may be shown to the person who typed
 * them. */
#ifndef PLANALOUD_USERS_H
#define PLANALOUD_USERS_H

#include "auth.h"
#include "store.h"

#include <stddef.h>

#define USERS_NAME_MAX	   STORE_NAME_MAX /* bytes: names are ASCII */
#define USERS_PASSWORD_MIN 12		  /* characters */
#define USERS_PASSWORD_MAX 256		  /* bytes */
#define USERS_HASH_MAX	   STORE_PWHASH_MAX
/* Argon2id at OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane. Raising these makes
 * each login rehash its user's password to the new setting. */
#define USERS_PWHASH_OPSLIMIT 2ULL
#define USERS_PWHASH_MEMLIMIT ((size_t)19 << 20)

#define USERS_TOKEN_BYTES    32
#define USERS_TOKEN_TEXT     44 /* a token as base64url text (43 characters) and its NUL */
#define USERS_GENERATED_TEXT 24 /* a generated password, "xxxxx-xxxxx-xxxxx-xxxxx", and its NUL */

/* A session ends after USERS_IDLE_MS unused, and USERS_SESSION_MAX_MS after login in any case;
 * its "last seen" time is written at most every USERS_TOUCH_MS. */
#define USERS_IDLE_MS	     (30LL * 60 * 1000)
#define USERS_SESSION_MAX_MS (12LL * 60 * 60 * 1000)
#define USERS_TOUCH_MS	     (60LL * 1000)
/* Wrong logins slow down, they never lock anyone out for long. Failures are counted per name
 * (known or not), per name and address, and per address; past its free allowance each failure
 * doubles the wait that key must keep before its next try, from USERS_WAIT_FIRST_MS up to the
 * key's cap. The cap per name is short, so that an attack on a name from one address keeps the
 * real user at another address waiting USERS_NAME_WAIT_MAX_MS at most; the attacker's own address
 * waits up to USERS_PAIR_WAIT_MAX_MS for that name. A key with no failure for
 * USERS_FAILURES_KEPT_MS is forgotten. The counts are kept in memory: a restart forgets them. */
#define USERS_WAIT_FIRST_MS	  (1LL * 1000)
#define USERS_NAME_FREE		  4 /* failures per name that cost no wait */
#define USERS_NAME_WAIT_MAX_MS	  (30LL * 1000)
#define USERS_PAIR_FREE		  4 /* per name and address */
#define USERS_PAIR_WAIT_MAX_MS	  (15LL * 60 * 1000)
#define USERS_ADDRESS_FREE	  20 /* per address, whatever the names */
#define USERS_ADDRESS_WAIT_MAX_MS (60LL * 1000)
#define USERS_FAILURES_KEPT_MS	  (24LL * 60 * 60 * 1000)
/* More wrong logins than this in a minute, from everywhere together, is an attack worth telling
 * someone about: users_login_finish says so (once a minute), and nobody is locked for it. */
#define USERS_CEILING_PER_MINUTE 60
#define USERS_ADDRESS_MAX	 64 /* an address as text, with its NUL */

typedef struct users users;

/* The clock: milliseconds since 1970. */
typedef long long (*users_clock_fn)(void *ctx);

/* Accounts kept in st, which is borrowed and must outlive the users. NULL when memory runs out.
 * The caller has called sodium_init(). */
users *users_new(store *st);
/* users_free(NULL) is a no-op. */
void users_free(users *u);
/* For tests: a clock other than the real one (fn NULL: the real one again). */
void users_set_clock(users *u, users_clock_fn fn, void *ctx);

/* ---- names and passwords ---- */
/* 1 when name is 1 to 64 characters of A-Z a-z 0-9 . _ - */
int users_name_valid(const char *name);
/* 0 when the password may be used (12 or more characters of valid UTF-8, at most 256 bytes);
 * -1 and the reason otherwise. */
int users_password_acceptable(const char *password, char *err, size_t errlen);
/* The Argon2id string for a password, with this build's parameters. */
int users_password_hash(const char *password, char hash[USERS_HASH_MAX], char *err, size_t errlen);
/* A new random password, easy to read out and type: four groups of five characters from
 * 2-9 and a-z without i, l and o (about 99 bits). */
void users_password_generate(char out[USERS_GENERATED_TEXT]);

/* ---- accounts; `by` is who did it, for the audit log (NULL: the system) ---- */
/* Adds a user. 0 and *id (may be NULL); 1 when the name is taken (whatever its case); -1 when the
 * name or password is refused or the store fails. err says which. */
int users_add(users *u, const char *name, auth_role role, const char *password,
	      const store_actor *by, long long *id, char *err, size_t errlen);
/* A new password for a user. 0; 1 when there is no such user; -1 as above. */
int users_set_password(users *u, const char *name, const char *password, const store_actor *by,
		       char *err, size_t errlen);
/* Disables (ending the user's sessions) or enables a user. 0; 1 when there is no such user. */
int users_set_disabled(users *u, const char *name, int disabled, const store_actor *by, char *err,
		       size_t errlen);
/* Every user, by name. name is borrowed for the callback. */
typedef void (*users_each_fn)(void *ctx, const char *name, auth_role role, int disabled);
int users_each(users *u, users_each_fn fn, void *ctx);

/* ---- logins and sessions ---- */
/* Who is logged in. */
typedef struct users_staff {
	long long id;
	char name[USERS_NAME_MAX + 1];
	auth_role role;
} users_staff;

typedef enum users_login_result {
	USERS_LOGIN_OK,	   /* token and *who are filled in */
	USERS_LOGIN_WRONG, /* no such user, wrong password or a disabled user: one answer for all */
	USERS_LOGIN_WAIT   /* too many failures lately: refused without looking at the password */
} users_login_result;

/* One login on its way: users_login_begin fills it on the loop, users_login_check (on any
 * thread, touching nothing else) checks the password against it, users_login_finish records
 * the answer on the loop. The caller owns it and wipes it with users_attempt_wipe. */
typedef struct users_attempt {
	char name[USERS_NAME_MAX + 1];	 /* as typed, when it can be a name; else "" */
	char address[USERS_ADDRESS_MAX]; /* where it came from; "" when not known */
	long long user_id;		 /* -1: no such user */
	char hash[USERS_HASH_MAX];	 /* the user's password hash, or the stand-in's */
	int password_ok;		 /* users_login_check's answer */
	char fresh[USERS_HASH_MAX];	 /* the password under today's parameters, or "" */
	int ceiling;			 /* users_login_finish: this failure crossed the ceiling */
	int failures;			 /* users_login_finish: the name's failures so far */
} users_attempt;

/* The first step of a login, on the loop: looks at the waits and finds the user. address may be
 * NULL or "" (the command line, a test). 1 when the password must now be checked; 0 when the
 * answer is already *result (USERS_LOGIN_WAIT, with *wait_ms); -1 when the store fails. */
int users_login_begin(users *u, const char *name, const char *address, users_attempt *a,
		      users_login_result *result, long long *wait_ms, char *err, size_t errlen);
/* The Argon2id check, on any thread: a->password_ok, and a->fresh when the stored hash is from
 * weaker parameters. One check whatever the name, so unknown names cost what known ones do.
 * Touches nothing but a and password (borrowed). */
void users_login_check(users_attempt *a, const char *password);
/* The last step, on the loop: counts a failure (and *wait_ms: how long the name must now wait
 * from this address) or makes the session (token: the caller's to send as a cookie and then
 * wipe; *who). A user disabled or given a new password meanwhile gets USERS_LOGIN_WRONG. 0 with
 * *result, or -1 when the store fails. */
int users_login_finish(users *u, users_attempt *a, users_login_result *result,
		       unsigned char token[USERS_TOKEN_BYTES], users_staff *who, long long *wait_ms,
		       char *err, size_t errlen);
void users_attempt_wipe(users_attempt *a);

/* The three steps at once, on the calling thread (the command line, tests): address unknown. */
int users_login(users *u, const char *name, const char *password, users_login_result *result,
		unsigned char token[USERS_TOKEN_BYTES], users_staff *who, long long *wait_ms,
		char *err, size_t errlen);
/* 0 and *who when the token's session is alive, marking it seen; 1 when it is not (never was,
 * logged out, idle for USERS_IDLE_MS, older than USERS_SESSION_MAX_MS, or its user is disabled:
 * a dead session is forgotten); -1 when the store fails. */
int users_session_check(users *u, const unsigned char token[USERS_TOKEN_BYTES], users_staff *who);
/* Ends the token's session (audited as "logout"). 0, or 1 when there was no such session. */
int users_logout(users *u, const unsigned char token[USERS_TOKEN_BYTES]);

/* A token as cookie-safe text (base64url, no padding), and back: 0, or -1 for text that is not
 * exactly one token. */
void users_token_encode(const unsigned char token[USERS_TOKEN_BYTES], char out[USERS_TOKEN_TEXT]);
int users_token_decode(const char *text, unsigned char token[USERS_TOKEN_BYTES]);

/* users_session_check in two halves, for what the page does by itself (a caseload read again
 * after news, docs/staff.md) and must not count as the user's activity. users_session_alive:
 * 0 and *who when the session is alive, writing nothing (not even ending a dead one); 1 when it
 * is not; -1 when the store fails. users_session_touch: marks an alive session seen now (written
 * at most every USERS_TOUCH_MS). 0; 1 when there is no such session; -1 when the store fails. */
int users_session_alive(users *u, const unsigned char token[USERS_TOKEN_BYTES], users_staff *who);
int users_session_touch(users *u, const unsigned char token[USERS_TOKEN_BYTES]);

#endif
