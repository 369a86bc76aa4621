#include "users.h"

#include "err.h"
#include "utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct users {
	store *st;
	users_clock_fn clock;
	void *clock_ctx;
	/* A hash of a random password nobody knows: what an unknown name's password is checked
	 * against, so that an unknown name costs what a known one does. Made on first need. */
	char stand_in[USERS_HASH_MAX];
	int have_stand_in;
};

static long long real_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

users *users_new(store *st)
{
	users *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->st = st;
	u->clock = real_clock;
	return u;
}

void users_free(users *u)
{
	if (!u)
		return;
	sodium_memzero(u->stand_in, sizeof(u->stand_in));
	free(u);
}

void users_set_clock(users *u, users_clock_fn fn, void *ctx)
{
	u->clock = fn ? fn : real_clock;
	u->clock_ctx = fn ? ctx : NULL;
}

static long long now(const users *u)
{
	return u->clock(u->clock_ctx);
}

/* ---- names and passwords ---- */

int users_name_valid(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++) {
		char ch = name[n];

		if (n >= USERS_NAME_MAX ||
		    !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return n > 0;
}

int users_password_acceptable(const char *password, char *err, size_t errlen)
{
	size_t len = strlen(password);
	const char *why = NULL;

	if (len > USERS_PASSWORD_MAX)
		why = "The password is too long: it can be at most 256 bytes.";
	else if (!utf8_valid(password, len))
		why = "The password is not valid text (it must be UTF-8).";
	else if (utf8_chars(password, len) < USERS_PASSWORD_MIN)
		why = "The password is too short: it needs at least 12 characters.";
	return why ? err_set(err, errlen, "%s", why) : 0;
}

int users_password_hash(const char *password, char hash[USERS_HASH_MAX], char *err, size_t errlen)
{
	if (crypto_pwhash_str_alg(hash, password, strlen(password), USERS_PWHASH_OPSLIMIT,
				  USERS_PWHASH_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		return err_set(err, errlen, "there was not enough memory to hash the password");
	}
	return 0;
}

void users_password_generate(char out[USERS_GENERATED_TEXT])
{
	static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
	size_t n = 0;

	for (int group = 0; group < 4; group++) {
		if (group)
			out[n++] = '-';
		for (int k = 0; k < 5; k++)
			out[n++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[n] = '\0';
}

/* ---- accounts ---- */

#define NAME_RULE                                                                                  \
	"A user name is 1 to 64 letters (A to Z), digits, dots, hyphens or underscores, with no "  \
	"spaces."

int users_add(users *u, const char *name, auth_role role, const char *password,
	      const store_actor *by, long long *id, char *err, size_t errlen)
{
	char hash[USERS_HASH_MAX];
	int rc;

	if (!users_name_valid(name)) {
		err_set(err, errlen, "%s", NAME_RULE);
		return -1;
	}
	if (!auth_role_name(role)) {
		err_set(err, errlen, "The role must be caseworker, manager or admin.");
		return -1;
	}
	if (users_password_acceptable(password, err, errlen) ||
	    users_password_hash(password, hash, err, errlen))
		return -1;
	rc = store_user_add(u->st, name, auth_role_name(role), hash, now(u), by, id, err, errlen);
	if (rc == 1)
		err_set(err, errlen, "There is already a user called %s.", name);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* 0 and *out; 1 (and err says so) when there is no such user. */
static int find(users *u, const char *name, store_user *out, char *err, size_t errlen)
{
	int rc = users_name_valid(name) ? store_user_find(u->st, name, out) : 1;

	if (rc == 1)
		err_set(err, errlen, "There is no user called %s.", name);
	else if (rc < 0)
		err_set(err, errlen, "The database could not be read.");
	return rc;
}

int users_set_password(users *u, const char *name, const char *password, const store_actor *by,
		       char *err, size_t errlen)
{
	char hash[USERS_HASH_MAX];
	store_user user;
	int rc = find(u, name, &user, err, errlen);

	if (rc)
		return rc;
	if (users_password_acceptable(password, err, errlen) ||
	    users_password_hash(password, hash, err, errlen))
		return -1;
	rc = store_user_set_password(u->st, user.id, hash, by, err, errlen);
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(&user, sizeof(user));
	return rc;
}

int users_set_disabled(users *u, const char *name, int disabled, const store_actor *by,
		       char *err, size_t errlen)
{
	store_user user;
	int rc = find(u, name, &user, err, errlen);

	if (rc)
		return rc;
	rc = store_user_set_disabled(u->st, user.id, disabled, now(u), by, err, errlen);
	sodium_memzero(&user, sizeof(user));
	return rc;
}

typedef struct each_ctx {
	users_each_fn fn;
	void *ctx;
} each_ctx;

static void each_user(void *ctx, const store_user *user)
{
	each_ctx *e = ctx;
	auth_role role;

	if (auth_role_parse(user->role, &role) == 0) /* the database allows no other */
		e->fn(e->ctx, user->name, role, user->disabled);
}

int users_each(users *u, users_each_fn fn, void *ctx)
{
	each_ctx e = { fn, ctx };

	return store_users_each(u->st, each_user, &e);
}

/* ---- logins and sessions ---- */

static void token_hash(const unsigned char token[USERS_TOKEN_BYTES],
		       unsigned char out[STORE_HASH_BYTES])
{
	/* Tokens are 256 random bits: an unkeyed hash is enough to keep a copy of the database
	 * from being a list of live sessions. */
	crypto_generichash(out, STORE_HASH_BYTES, token, USERS_TOKEN_BYTES, NULL, 0);
}

static int fill_staff(const store_user *user, users_staff *who)
{
	if (auth_role_parse(user->role, &who->role))
		return -1;
	who->id = user->id;
	snprintf(who->name, sizeof(who->name), "%s", user->name);
	return 0;
}

/* The lock after `failures` wrong passwords in a row: none below USERS_MAX_FAILURES, then 30 s,
 * 1, 2, 4, 8 minutes, then 15 minutes for every further failure. */
static long long lock_ms(int failures)
{
	long long ms = USERS_LOCK_FIRST_MS;

	if (failures < USERS_MAX_FAILURES)
		return 0;
	for (int i = USERS_MAX_FAILURES; i < failures && ms < USERS_LOCK_MAX_MS; i++)
		ms *= 2;
	return ms < USERS_LOCK_MAX_MS ? ms : USERS_LOCK_MAX_MS;
}

/* The stand-in hash an unknown name is checked against, made once. 0, or -1. */
static int stand_in_ready(users *u, char *err, size_t errlen)
{
	unsigned char secret[32];
	char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	if (u->have_stand_in)
		return 0;
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2base64(text, sizeof(text), secret, sizeof(secret),
			  sodium_base64_VARIANT_ORIGINAL);
	u->have_stand_in = users_password_hash(text, u->stand_in, err, errlen) == 0;
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(text, sizeof(text));
	return u->have_stand_in ? 0 : -1;
}

int users_login(users *u, const char *name, const char *password, users_login_result *result,
		unsigned char token[USERS_TOKEN_BYTES], users_staff *who, long long *wait_ms,
		char *err, size_t errlen)
{
	/* Failures are counted under the name as typed (case aside); every name that cannot be a
	 * user's shares one count, so odd input cannot grow the table. */
	const char *key = users_name_valid(name) ? name : "";
	unsigned char th[STORE_HASH_BYTES];
	long long t = now(u), locked_until;
	size_t pwlen = strlen(password);
	int failures, found = 1, good, rc = -1;
	store_user user = { 0 };
	char fresh[USERS_HASH_MAX] = "";

	*result = USERS_LOGIN_WRONG;
	*wait_ms = 0;
	if (store_login_state(u->st, key, &failures, &locked_until)) {
		err_set(err, errlen, "The database could not be read.");
		goto out;
	}
	if (failures >= USERS_MAX_FAILURES && t < locked_until) {
		*result = USERS_LOGIN_LOCKED;
		*wait_ms = locked_until - t;
		rc = 0;
		goto out;
	}
	if (stand_in_ready(u, err, errlen))
		goto out;
	if (*key && (found = store_user_find(u->st, key, &user)) < 0) {
		err_set(err, errlen, "The database could not be read.");
		goto out;
	}
	/* One hash check whatever the name: unknown and disabled users take as long as others. */
	good = crypto_pwhash_str_verify(found == 0 ? user.password_hash : u->stand_in, password,
					pwlen) == 0 &&
	       found == 0 && !user.disabled && pwlen <= USERS_PASSWORD_MAX;
	if (!good) {
		if (failures < 1000000)
			failures++;
		locked_until = failures >= USERS_MAX_FAILURES ? t + lock_ms(failures) : 0;
		*wait_ms = locked_until ? locked_until - t : 0;
		rc = store_login_failed(u->st, key, found == 0 ? &user : NULL, *key ? key : NULL,
					failures, locked_until, t, err, errlen);
		goto out;
	}
	/* Hashed under weaker parameters than today's: hash again while the password is here.
	 * A failure leaves the old hash, which still works. */
	if (crypto_pwhash_str_needs_rehash(user.password_hash, USERS_PWHASH_OPSLIMIT,
					   USERS_PWHASH_MEMLIMIT) != 0 &&
	    users_password_hash(password, fresh, NULL, 0) == 0)
		store_user_rehash(u->st, user.id, fresh);
	store_staff_prune(u->st, t - USERS_IDLE_MS, t - USERS_SESSION_MAX_MS,
			  t - USERS_FAILURES_KEPT_MS);
	randombytes_buf(token, USERS_TOKEN_BYTES);
	token_hash(token, th);
	if (store_login_ok(u->st, &user, th, t, err, errlen) || fill_staff(&user, who)) {
		sodium_memzero(token, USERS_TOKEN_BYTES);
		goto out;
	}
	*result = USERS_LOGIN_OK;
	rc = 0;
out:
	sodium_memzero(fresh, sizeof(fresh));
	sodium_memzero(th, sizeof(th));
	sodium_memzero(&user, sizeof(user));
	return rc;
}

int users_session_check(users *u, const unsigned char token[USERS_TOKEN_BYTES], users_staff *who)
{
	unsigned char th[STORE_HASH_BYTES];
	store_session ses;
	long long t = now(u);
	int rc;

	token_hash(token, th);
	rc = store_session_find(u->st, th, &ses);
	if (rc)
		return rc;
	if (ses.user.disabled || t - ses.seen_ms >= USERS_IDLE_MS ||
	    t - ses.created_ms >= USERS_SESSION_MAX_MS || fill_staff(&ses.user, who)) {
		store_session_end(u->st, th, NULL);
		return 1;
	}
	/* Writing "last seen" on every request would cost a sync each time; a minute's slack in
	 * a 30-minute timeout costs nothing. */
	if (t - ses.seen_ms >= USERS_TOUCH_MS && store_session_touch(u->st, th, t))
		return -1;
	return 0;
}

int users_logout(users *u, const unsigned char token[USERS_TOKEN_BYTES])
{
	unsigned char th[STORE_HASH_BYTES];
	store_session ses;
	store_actor by;
	int rc;

	token_hash(token, th);
	rc = store_session_find(u->st, th, &ses);
	if (rc)
		return rc;
	by = (store_actor){ STORE_ACTOR_STAFF, ses.user.id, ses.user.role };
	return store_session_end(u->st, th, &by);
}

void users_token_encode(const unsigned char token[USERS_TOKEN_BYTES], char out[USERS_TOKEN_TEXT])
{
	sodium_bin2base64(out, USERS_TOKEN_TEXT, token, USERS_TOKEN_BYTES,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int users_token_decode(const char *text, unsigned char token[USERS_TOKEN_BYTES])
{
	size_t len = strlen(text), got = 0;
	const char *end = NULL;

	if (len != USERS_TOKEN_TEXT - 1 ||
	    sodium_base642bin(token, USERS_TOKEN_BYTES, text, len, NULL, &got, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got != USERS_TOKEN_BYTES || end != text + len)
		return -1;
	return 0;
}
