#include "users.h"

#include "err.h"
#include "throttle.h"
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
	char stand_in[USERS_HASH_MAX]; /* see STAND_IN */
	throttle *waits;	/* wrong logins per name, per name and address, per address */
	long long minute_start; /* wrong logins from everywhere in the minute from here */
	int minute_failures;
};

/* What an unknown name's password is checked against, so that an unknown name costs what a
 * known one does: the hash, at this build's parameters, of 32 random bytes that were thrown away.
 * Nobody knows a password that matches it. If the parameters are raised, users_new makes one at
 * the new ones (a hash's time, once). */
#define STAND_IN                                                                                   \
	"$argon2id$v=19$m=19456,t=2,p=1$qz7xC9FvHHJrtLDVraww1g$"                                   \
	"Aooj+SyIJk4+1BToZqx6q687zE/0W09H5FjozDZXOMA"

/* Wrong logins per name, per name and address, and per address: see users.h. */
static const throttle_rule name_rule = {USERS_NAME_FREE, USERS_WAIT_FIRST_MS,
					USERS_NAME_WAIT_MAX_MS, USERS_FAILURES_KEPT_MS};
static const throttle_rule pair_rule = {USERS_PAIR_FREE, USERS_WAIT_FIRST_MS,
					USERS_PAIR_WAIT_MAX_MS, USERS_FAILURES_KEPT_MS};
static const throttle_rule address_rule = {USERS_ADDRESS_FREE, USERS_WAIT_FIRST_MS,
					   USERS_ADDRESS_WAIT_MAX_MS, USERS_FAILURES_KEPT_MS};
#define WAIT_KEYS 8192 /* keys remembered at once: about 400 KiB */

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
	snprintf(u->stand_in, sizeof(u->stand_in), "%s", STAND_IN);
	if (crypto_pwhash_str_needs_rehash(u->stand_in, USERS_PWHASH_OPSLIMIT,
					   USERS_PWHASH_MEMLIMIT) != 0) {
		unsigned char secret[32];
		char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

		randombytes_buf(secret, sizeof(secret));
		sodium_bin2base64(text, sizeof(text), secret, sizeof(secret),
				  sodium_base64_VARIANT_ORIGINAL);
		if (users_password_hash(text, u->stand_in, NULL, 0))
			u->stand_in[0] = '\0';
		sodium_memzero(secret, sizeof(secret));
		sodium_memzero(text, sizeof(text));
	}
	u->waits = u->stand_in[0] ? throttle_new(WAIT_KEYS) : NULL;
	if (!u->waits) {
		free(u);
		return NULL;
	}
	return u;
}

void users_free(users *u)
{
	if (!u)
		return;
	throttle_free(u->waits);
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

int users_set_disabled(users *u, const char *name, int disabled, const store_actor *by, char *err,
		       size_t errlen)
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
	each_ctx e = {fn, ctx};

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

/* The keys a login is counted under: "n" and the name (lower case: names are one whatever their
 * case), "p" with the name and address, "a" and the address. *len is the key's length. */
static void wait_key(char out[8 + USERS_NAME_MAX + USERS_ADDRESS_MAX], size_t *len, char kind,
		     const users_attempt *a)
{
	size_t n = 0;

	out[n++] = kind;
	if (kind != 'a')
		for (const char *p = a->name; *p; p++)
			out[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	out[n++] = '\0'; /* names hold no NUL: "n"+name and "p"+name+address cannot meet */
	if (kind != 'n') {
		size_t al = strlen(a->address);

		memcpy(out + n, a->address, al);
		n += al;
	}
	*len = n;
}

/* The longest wait among the attempt's keys at t. */
static long long wait_for(users *u, const users_attempt *a, long long t)
{
	char key[8 + USERS_NAME_MAX + USERS_ADDRESS_MAX];
	long long longest = 0, w;
	size_t len;

	wait_key(key, &len, 'n', a);
	longest = throttle_wait(u->waits, key, len, t);
	if (*a->address) {
		wait_key(key, &len, 'p', a);
		if ((w = throttle_wait(u->waits, key, len, t)) > longest)
			longest = w;
		wait_key(key, &len, 'a', a);
		if ((w = throttle_wait(u->waits, key, len, t)) > longest)
			longest = w;
	}
	return longest;
}

/* Counts a failure under each of the attempt's keys: a->failures gets the name's count, and the
 * return is the wait the name must now keep from this address. */
static long long count_failure(users *u, users_attempt *a, long long t)
{
	char key[8 + USERS_NAME_MAX + USERS_ADDRESS_MAX];
	long long wait = 0, w = 0;
	size_t len;

	wait_key(key, &len, 'n', a);
	a->failures = throttle_fail(u->waits, key, len, &name_rule, t, &wait);
	if (*a->address) {
		wait_key(key, &len, 'p', a);
		throttle_fail(u->waits, key, len, &pair_rule, t, &w);
		if (w > wait)
			wait = w;
		wait_key(key, &len, 'a', a);
		throttle_fail(u->waits, key, len, &address_rule, t, &w);
		if (w > wait)
			wait = w;
	}
	if (t - u->minute_start >= 60 * 1000) {
		u->minute_start = t;
		u->minute_failures = 0;
	}
	a->ceiling = ++u->minute_failures == USERS_CEILING_PER_MINUTE + 1;
	return wait;
}

int users_login_begin(users *u, const char *name, const char *address, users_attempt *a,
		      users_login_result *result, long long *wait_ms, char *err, size_t errlen)
{
	store_user user = {0};
	int found = 1;

	memset(a, 0, sizeof(*a));
	a->user_id = -1;
	*result = USERS_LOGIN_WRONG;
	*wait_ms = 0;
	/* Every name that cannot be a user's shares one count, so odd input cannot grow it. */
	if (users_name_valid(name))
		snprintf(a->name, sizeof(a->name), "%s", name);
	if (address)
		snprintf(a->address, sizeof(a->address), "%s", address);
	*wait_ms = wait_for(u, a, now(u));
	if (*wait_ms > 0) {
		*result = USERS_LOGIN_WAIT;
		return 0;
	}
	if (*a->name && (found = store_user_find(u->st, a->name, &user)) < 0) {
		err_set(err, errlen, "The database could not be read.");
		return -1;
	}
	if (found == 0)
		a->user_id = user.id;
	/* Unknown and disabled users are checked as long as others, against a hash nobody can
	 * match. */
	snprintf(a->hash, sizeof(a->hash), "%s",
		 found == 0 && !user.disabled ? user.password_hash : u->stand_in);
	sodium_memzero(&user, sizeof(user));
	return 1;
}

void users_login_check(users_attempt *a, const char *password)
{
	size_t pwlen = strlen(password);

	a->fresh[0] = '\0';
	a->password_ok = crypto_pwhash_str_verify(a->hash, password, pwlen) == 0 &&
			 a->user_id >= 0 && pwlen <= USERS_PASSWORD_MAX;
	/* Hashed under weaker parameters than today's: hash again while the password is here. A
	 * failure leaves the old hash, which still works. */
	if (a->password_ok &&
	    crypto_pwhash_str_needs_rehash(a->hash, USERS_PWHASH_OPSLIMIT, USERS_PWHASH_MEMLIMIT) !=
		0 &&
	    users_password_hash(password, a->fresh, NULL, 0) != 0)
		a->fresh[0] = '\0';
}

int users_login_finish(users *u, users_attempt *a, users_login_result *result,
		       unsigned char token[USERS_TOKEN_BYTES], users_staff *who, long long *wait_ms,
		       char *err, size_t errlen)
{
	unsigned char th[STORE_HASH_BYTES];
	char key[8 + USERS_NAME_MAX + USERS_ADDRESS_MAX];
	long long t = now(u);
	store_user user = {0};
	int found = 1, rc = -1;
	size_t len;

	*result = USERS_LOGIN_WRONG;
	*wait_ms = 0;
	if (a->user_id >= 0 && (found = store_user_get(u->st, a->user_id, &user)) < 0) {
		err_set(err, errlen, "The database could not be read.");
		goto out;
	}
	/* Checked against the hash of a moment ago: the user must still be as they were. */
	if (!a->password_ok || found != 0 || user.disabled ||
	    strcmp(user.password_hash, a->hash) != 0) {
		*wait_ms = count_failure(u, a, t);
		rc = store_login_failed(u->st, found == 0 ? &user : NULL, a->failures, *wait_ms,
					err, errlen);
		goto out;
	}
	if (a->fresh[0])
		store_user_rehash(u->st, user.id, a->fresh);
	store_staff_prune(u->st, t - USERS_IDLE_MS, t - USERS_SESSION_MAX_MS,
			  t - USERS_FAILURES_KEPT_MS);
	randombytes_buf(token, USERS_TOKEN_BYTES);
	token_hash(token, th);
	if (store_login_ok(u->st, &user, th, t, err, errlen) || fill_staff(&user, who)) {
		sodium_memzero(token, USERS_TOKEN_BYTES);
		goto out;
	}
	/* A good password forgets the name's failures, and this address's for it; the address's
	 * own count stays (it may be trying many names). */
	wait_key(key, &len, 'n', a);
	throttle_forget(u->waits, key, len);
	wait_key(key, &len, 'p', a);
	throttle_forget(u->waits, key, len);
	*result = USERS_LOGIN_OK;
	rc = 0;
out:
	sodium_memzero(th, sizeof(th));
	sodium_memzero(&user, sizeof(user));
	return rc;
}

void users_attempt_wipe(users_attempt *a)
{
	sodium_memzero(a, sizeof(*a));
}

int users_login(users *u, const char *name, const char *password, users_login_result *result,
		unsigned char token[USERS_TOKEN_BYTES], users_staff *who, long long *wait_ms,
		char *err, size_t errlen)
{
	users_attempt a;
	int rc = users_login_begin(u, name, NULL, &a, result, wait_ms, err, errlen);

	if (rc == 1) {
		users_login_check(&a, password);
		rc = users_login_finish(u, &a, result, token, who, wait_ms, err, errlen);
	}
	users_attempt_wipe(&a);
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
	by = (store_actor){STORE_ACTOR_STAFF, ses.user.id, ses.user.role};
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

int users_session_alive(users *u, const unsigned char token[USERS_TOKEN_BYTES], users_staff *who)
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
	    t - ses.created_ms >= USERS_SESSION_MAX_MS || fill_staff(&ses.user, who))
		return 1;
	return 0;
}

int users_session_touch(users *u, const unsigned char token[USERS_TOKEN_BYTES])
{
	unsigned char th[STORE_HASH_BYTES];
	store_session ses;
	long long t = now(u);
	int rc;

	token_hash(token, th);
	rc = store_session_find(u->st, th, &ses);
	if (rc)
		return rc;
	if (t - ses.seen_ms >= USERS_TOUCH_MS && store_session_touch(u->st, th, t))
		return -1;
	return 0;
}
