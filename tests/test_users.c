/* Tests for server/users.c: password hashing, login throttling, sessions and their tokens, and
 * the audit rows that account changes leave. The clock is the test's own, so that a 30-minute
 * timeout or a 15-minute lock takes no time at all. Each Argon2id hash costs tens of
 * milliseconds: the tests make as few as say what they must. */
#include "check.h"

#include "store.h"
#include "users.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define START_MS 1800000000000LL /* 2027-01-15, any fixed time will do */
#define MINUTE	 (60LL * 1000)

static char tmpdir[64];

typedef struct test_clock {
	long long t;
} test_clock;

static long long read_clock(void *ctx)
{
	return ((test_clock *)ctx)->t;
}

/* A store and users on a test clock; path NULL for ":memory:". */
typedef struct fixture {
	store *st;
	users *u;
	test_clock clock;
} fixture;

static int fixture_open(fixture *f, const char *path)
{
	char err[STORE_ERR_LEN] = "";

	f->clock.t = START_MS;
	f->st = store_open(path ? path : ":memory:", err, sizeof(err));
	f->u = f->st ? users_new(f->st) : NULL;
	if (!f->u) {
		fprintf(stderr, "fixture: %s\n", err);
		CHECK(f->u != NULL);
		return -1;
	}
	users_set_clock(f->u, read_clock, &f->clock);
	return 0;
}

static void fixture_close(fixture *f)
{
	users_free(f->u);
	store_close(f->st);
}

static int add(fixture *f, const char *name, auth_role role, const char *pw)
{
	char err[STORE_ERR_LEN] = "";
	int rc = users_add(f->u, name, role, pw, NULL, NULL, err, sizeof(err));

	if (rc)
		fprintf(stderr, "  users_add(%s): %d %s\n", name, rc, err);
	return rc;
}

/* The result of one login; token and who are filled on success. */
static users_login_result login(fixture *f, const char *name, const char *pw,
				unsigned char token[USERS_TOKEN_BYTES], long long *wait_ms)
{
	unsigned char scratch[USERS_TOKEN_BYTES];
	users_login_result r = (users_login_result)-1;
	users_staff who;
	long long w = -1;
	char err[STORE_ERR_LEN] = "";

	if (users_login(f->u, name, pw, &r, token ? token : scratch, &who, &w, err, sizeof(err)))
		fprintf(stderr, "  users_login(%s): %s\n", name, err);
	if (wait_ms)
		*wait_ms = w;
	return r;
}

/* m (KiB) and t from an encoded Argon2id string; 0 when it is not one. */
static int argon2id_params(const char *hash, int *m, int *t, int *p)
{
	return sscanf(hash, "$argon2id$v=19$m=%d,t=%d,p=%d$", m, t, p) == 3;
}

/* ---- names and passwords ---- */

static void names_should_be_1_to_64_of_letters_digits_dots_hyphens_underscores(void)
{
	char longest[66];

	memset(longest, 'a', 64);
	longest[64] = '\0';
	CHECK(users_name_valid("casey"));
	CHECK(users_name_valid("Casey.Jones-2_b"));
	CHECK(users_name_valid("a"));
	CHECK(users_name_valid(longest));
	longest[64] = 'a';
	longest[65] = '\0';
	CHECK(!users_name_valid(longest));
	CHECK(!users_name_valid(""));
	CHECK(!users_name_valid("casey jones"));
	CHECK(!users_name_valid("casey@council"));
	CHECK(!users_name_valid("zoë"));
	CHECK(!users_name_valid("x;DROP"));
}

static void passwords_should_need_12_characters_and_at_most_256_bytes(void)
{
	char err[STORE_ERR_LEN] = "", big[300];

	CHECK(users_password_acceptable("elevenchars", err, sizeof(err)) == -1);
	CHECK(strstr(err, "at least 12 characters") != NULL);
	CHECK(users_password_acceptable("twelve chars", err, sizeof(err)) == 0);
	/* 11 characters in 22 bytes: characters count, not bytes */
	CHECK(users_password_acceptable("ééééééééééé", err, sizeof(err)) == -1);
	CHECK(users_password_acceptable("éééééééééééé", err, sizeof(err)) == 0);
	CHECK(users_password_acceptable("\xff\xfe not text at all", err, sizeof(err)) == -1);
	memset(big, 'x', 256);
	big[256] = '\0';
	CHECK(users_password_acceptable(big, err, sizeof(err)) == 0);
	big[256] = 'x';
	big[257] = '\0';
	CHECK(users_password_acceptable(big, err, sizeof(err)) == -1);
	CHECK(strstr(err, "256 bytes") != NULL);
}

static void a_hash_should_be_argon2id_at_owasp_strength_or_more(void)
{
	char hash[USERS_HASH_MAX], err[STORE_ERR_LEN] = "";
	int m = 0, t = 0, p = 0;

	CHECK(users_password_hash("correct horse battery", hash, err, sizeof(err)) == 0);
	CHECK(strncmp(hash, "$argon2id$", 10) == 0);
	CHECK(argon2id_params(hash, &m, &t, &p));
	CHECK(m >= 19456);
	CHECK(t >= 2);
	CHECK(p >= 1);
	CHECK(crypto_pwhash_str_verify(hash, "correct horse battery", 21) == 0);
	CHECK(crypto_pwhash_str_verify(hash, "correct horse batterY", 21) != 0);
}

static void generated_passwords_should_be_long_readable_and_different(void)
{
	char a[USERS_GENERATED_TEXT], b[USERS_GENERATED_TEXT];

	users_password_generate(a);
	users_password_generate(b);
	CHECK(strlen(a) == 23 && strlen(a) >= 16);
	CHECK(a[5] == '-' && a[11] == '-' && a[17] == '-');
	CHECK(strpbrk(a, "01ilo") == NULL);
	CHECK(strcmp(a, b) != 0);
	CHECK(users_password_acceptable(a, NULL, 0) == 0);
}

/* ---- accounts ---- */

static void count_user(void *ctx, const char *name, auth_role role, int disabled)
{
	(void)name, (void)role, (void)disabled;
	(*(int *)ctx)++;
}

static void a_user_should_be_stored_with_an_argon2id_hash_and_never_the_password(void)
{
	fixture f;
	store_user su;
	int m = 0, t = 0, p = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(store_user_find(f.st, "casey", &su) == 0);
	CHECK_STR(su.role, "caseworker");
	CHECK(strncmp(su.password_hash, "$argon2id$", 10) == 0);
	CHECK(argon2id_params(su.password_hash, &m, &t, &p) && m >= 19456 && t >= 2);
	CHECK(strstr(su.password_hash, "purple") == NULL);
	CHECK(su.created_ms == START_MS);
	fixture_close(&f);
}

static void users_add_should_refuse_a_name_taken_in_any_case_and_bad_input(void)
{
	fixture f;
	char err[STORE_ERR_LEN] = "";
	int n = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(users_add(f.u, "CASEY", AUTH_MANAGER, "another long password", NULL, NULL, err,
			sizeof(err)) == 1);
	CHECK(strstr(err, "already") != NULL);
	CHECK(users_add(f.u, "bad name", AUTH_MANAGER, "another long password", NULL, NULL, err,
			sizeof(err)) == -1);
	CHECK(strstr(err, "1 to 64") != NULL);
	CHECK(users_add(f.u, "sam", AUTH_MANAGER, "short", NULL, NULL, err, sizeof(err)) == -1);
	CHECK(users_add(f.u, "sam", AUTH_ROLE_COUNT, "another long password", NULL, NULL, err,
			sizeof(err)) == -1);
	CHECK(store_user_find(f.st, "sam", &(store_user){0}) == 1);
	CHECK(users_each(f.u, count_user, &n) == 0 && n == 1);
	fixture_close(&f);
}

static void note_user(void *ctx, const char *name, auth_role role, int disabled)
{
	char *seen = ctx;
	size_t len = strlen(seen);

	snprintf(seen + len, 256 - len, "%s:%s:%d;", name, auth_role_name(role), disabled);
}

static void users_each_should_list_names_roles_and_who_is_disabled(void)
{
	fixture f;
	char seen[256] = "", err[STORE_ERR_LEN] = "";

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "morgan", AUTH_MANAGER, "purple monkey dishwasher") == 0);
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(users_set_disabled(f.u, "morgan", 1, NULL, err, sizeof(err)) == 0);
	CHECK(users_set_disabled(f.u, "nobody", 1, NULL, err, sizeof(err)) == 1);
	CHECK(strstr(err, "no user called nobody") != NULL);
	CHECK(users_each(f.u, note_user, seen) == 0);
	CHECK_STR(seen, "casey:caseworker:0;morgan:manager:1;");
	CHECK(users_set_disabled(f.u, "MORGAN", 0, NULL, err, sizeof(err)) == 0);
	seen[0] = '\0';
	CHECK(users_each(f.u, note_user, seen) == 0);
	CHECK_STR(seen, "casey:caseworker:0;morgan:manager:0;");
	fixture_close(&f);
}

/* ---- logins ---- */

static void the_right_password_should_log_in_and_a_wrong_one_should_not(void)
{
	fixture f;
	unsigned char token[USERS_TOKEN_BYTES] = {0}, zero[USERS_TOKEN_BYTES] = {0};
	users_staff who = {0};
	users_login_result r;
	long long wait = -1;
	char err[STORE_ERR_LEN] = "";

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(login(&f, "casey", "purple monkey dishwashers", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 0);
	CHECK(login(&f, "casey", "", NULL, NULL) == USERS_LOGIN_WRONG);
	CHECK(users_login(f.u, "Casey", "purple monkey dishwasher", &r, token, &who, &wait, err,
			  sizeof(err)) == 0);
	CHECK(r == USERS_LOGIN_OK);
	CHECK(memcmp(token, zero, sizeof(token)) != 0);
	CHECK(who.role == AUTH_CASEWORKER);
	CHECK_STR(who.name, "casey");
	fixture_close(&f);
}

static void an_unknown_or_disabled_user_should_get_the_same_answer_as_a_wrong_password(void)
{
	fixture f;
	long long wait = -1;
	char err[STORE_ERR_LEN] = "";

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(add(&f, "morgan", AUTH_MANAGER, "purple monkey dishwasher") == 0);
	CHECK(users_set_disabled(f.u, "morgan", 1, NULL, err, sizeof(err)) == 0);
	CHECK(login(&f, "nobody", "purple monkey dishwasher", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 0);
	CHECK(login(&f, "morgan", "purple monkey dishwasher", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 0);
	CHECK(login(&f, "not a name!", "purple monkey dishwasher", NULL, &wait) ==
	      USERS_LOGIN_WRONG);
	fixture_close(&f);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The best of three, so that a busy machine makes neither look slow. */
static double login_time(fixture *f, const char *name)
{
	double best = 1e9;

	for (int i = 0; i < 3; i++) {
		double t0 = seconds();

		login(f, name, "not the password at all", NULL, NULL);
		if (seconds() - t0 < best)
			best = seconds() - t0;
	}
	return best;
}

static void an_unknown_name_should_cost_a_hash_check_like_a_known_one(void)
{
	fixture f;
	double known, unknown;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	known = login_time(&f, "casey");
	unknown = login_time(&f, "nobody");
	/* A lookup alone takes microseconds; an Argon2id check at 19 MiB, milliseconds. */
	CHECK(known > 0.005);
	CHECK(unknown > known / 3);
	fixture_close(&f);
}

static void five_wrong_passwords_should_make_the_name_wait_until_the_wait_passes(void)
{
	fixture f;
	long long wait = -1;
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	for (int i = 1; i <= 4; i++) {
		CHECK(login(&f, "casey", "wrong password", NULL, &wait) == USERS_LOGIN_WRONG);
		CHECK(wait == 0);
	}
	CHECK(login(&f, "CASEY", "wrong password", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 1000);
	/* The right password is refused while the wait lasts, without being checked. */
	CHECK(login(&f, "casey", "purple monkey dishwasher", token, &wait) == USERS_LOGIN_WAIT);
	CHECK(wait == 1000);
	f.clock.t += 999;
	CHECK(login(&f, "casey", "purple monkey dishwasher", token, &wait) == USERS_LOGIN_WAIT);
	CHECK(wait == 1);
	/* After the wait, one more wrong password waits twice as long. */
	f.clock.t += 1;
	CHECK(login(&f, "casey", "wrong password", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 2000);
	f.clock.t += 2000;
	CHECK(login(&f, "casey", "purple monkey dishwasher", token, &wait) == USERS_LOGIN_OK);
	CHECK(users_session_check(f.u, token, &who) == 0);
	/* Success forgets the failures: one wrong password is just one again. */
	CHECK(login(&f, "casey", "wrong password", NULL, &wait) == USERS_LOGIN_WRONG);
	CHECK(wait == 0);
	fixture_close(&f);
}

static void a_names_wait_should_double_up_to_30_seconds_and_never_lock_it(void)
{
	fixture f;
	long long wait = -1, expect[] = {1, 2, 4, 8, 16, 30, 30, 30};

	if (fixture_open(&f, NULL))
		return;
	for (int i = 1; i <= 4; i++)
		login(&f, "nobody", "wrong password", NULL, NULL);
	for (size_t i = 0; i < sizeof(expect) / sizeof(*expect); i++) {
		CHECK(login(&f, "nobody", "wrong password", NULL, &wait) == USERS_LOGIN_WRONG);
		CHECK(wait == expect[i] * 1000);
		f.clock.t += wait;
	}
	fixture_close(&f);
}

static void an_unknown_name_should_wait_just_like_a_known_one(void)
{
	fixture f;
	long long known[6], unknown[6];
	users_login_result rk[6], ru[6];

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	for (int i = 0; i < 6; i++) {
		rk[i] = login(&f, "casey", "wrong password", NULL, &known[i]);
		ru[i] = login(&f, "nobody", "wrong password", NULL, &unknown[i]);
		CHECK(rk[i] == ru[i]);
		CHECK(known[i] == unknown[i]);
	}
	CHECK(ru[4] == USERS_LOGIN_WRONG && unknown[4] == 1000);
	CHECK(ru[5] == USERS_LOGIN_WAIT);
	fixture_close(&f);
}

/* One login from address in its three steps; the password is checked only when check. */
static users_login_result login_from(fixture *f, const char *name, const char *pw,
				     const char *address, int check, long long *wait_ms,
				     users_attempt *out)
{
	unsigned char token[USERS_TOKEN_BYTES];
	users_login_result r = (users_login_result)-1;
	users_attempt a;
	users_staff who;
	char err[STORE_ERR_LEN] = "";
	int rc = users_login_begin(f->u, name, address, &a, &r, wait_ms, err, sizeof(err));

	if (rc == 1) {
		if (check)
			users_login_check(&a, pw);
		rc = users_login_finish(f->u, &a, &r, token, &who, wait_ms, err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "  login %s from %s: %s\n", name, address, err);
	if (out)
		*out = a;
	users_attempt_wipe(&a);
	return r;
}

static void made_up_names_from_one_address_should_not_stop_a_user_at_another(void)
{
	fixture f;
	char name[32];
	long long wait = 0;
	int refused = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	/* Behind a proxy that is not trusted, everyone comes from one address: 40 made-up names,
	 * each wrong (unchecked: a wrong password costs no hash here). */
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "made-up-%d", i);
		if (login_from(&f, name, "x", "203.0.113.9", 0, &wait, NULL) == USERS_LOGIN_WAIT)
			refused++;
		f.clock.t += 100;
	}
	/* the address itself now waits, but only up to its cap */
	CHECK(refused > 0);
	CHECK(login_from(&f, "made-up-x", "x", "203.0.113.9", 0, &wait, NULL) == USERS_LOGIN_WAIT);
	CHECK(wait > 0 && wait <= USERS_ADDRESS_WAIT_MAX_MS);
	/* a real user at another address logs in at once */
	CHECK(login_from(&f, "casey", "purple monkey dishwasher", "198.51.100.7", 1, &wait, NULL) ==
	      USERS_LOGIN_OK);
	fixture_close(&f);
}

static void a_name_attacked_from_one_address_should_let_its_user_in_from_another_soon(void)
{
	fixture f;
	long long wait = 0, attacker_wait = 0;
	int tries = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	/* 30 wrong passwords for casey from one address, each as soon as it may */
	for (int wrong = 0; wrong < 30 && tries < 200; tries++) {
		if (login_from(&f, "casey", "x", "203.0.113.9", 0, &wait, NULL) ==
		    USERS_LOGIN_WRONG)
			wrong++;
		else
			f.clock.t += wait;
	}
	/* the attacker's address waits for casey far longer than anyone else does */
	CHECK(login_from(&f, "casey", "x", "203.0.113.9", 0, &attacker_wait, NULL) ==
	      USERS_LOGIN_WAIT);
	CHECK(attacker_wait > USERS_NAME_WAIT_MAX_MS);
	/* casey, from another address, waits at most the name's short wait */
	if (login_from(&f, "casey", "purple monkey dishwasher", "198.51.100.7", 1, &wait, NULL) ==
	    USERS_LOGIN_WAIT) {
		CHECK(wait <= USERS_NAME_WAIT_MAX_MS);
		f.clock.t += wait;
	}
	CHECK(login_from(&f, "casey", "purple monkey dishwasher", "198.51.100.7", 1, &wait, NULL) ==
	      USERS_LOGIN_OK);
	fixture_close(&f);
}

static void many_failures_a_minute_should_cross_the_ceiling_once_and_lock_nobody(void)
{
	users_attempt a;
	fixture f;
	char name[32], address[32];
	long long wait = 0;
	int crossed = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	for (int i = 0; i < 2 * USERS_CEILING_PER_MINUTE; i++) {
		snprintf(name, sizeof(name), "made-up-%d", i);
		snprintf(address, sizeof(address), "203.0.113.%d", i % 250);
		CHECK(login_from(&f, name, "x", address, 0, &wait, &a) == USERS_LOGIN_WRONG);
		crossed += a.ceiling;
		CHECK(a.ceiling == (i == USERS_CEILING_PER_MINUTE));
	}
	CHECK(crossed == 1);
	CHECK(login_from(&f, "casey", "purple monkey dishwasher", "198.51.100.7", 1, &wait, NULL) ==
	      USERS_LOGIN_OK);
	/* the next minute may cross it again */
	f.clock.t += MINUTE;
	crossed = 0;
	for (int i = 0; i <= USERS_CEILING_PER_MINUTE; i++) {
		snprintf(name, sizeof(name), "other-%d", i);
		snprintf(address, sizeof(address), "192.0.2.%d", i % 250);
		login_from(&f, name, "x", address, 0, &wait, &a);
		crossed += a.ceiling;
	}
	CHECK(crossed == 1);
	fixture_close(&f);
}

static void a_user_changed_while_the_password_is_checked_should_not_log_in(void)
{
	unsigned char token[USERS_TOKEN_BYTES];
	char err[STORE_ERR_LEN] = "";
	users_login_result r;
	users_attempt a;
	users_staff who;
	long long wait;
	fixture f;

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(users_login_begin(f.u, "casey", "198.51.100.7", &a, &r, &wait, err, sizeof(err)) ==
	      1);
	users_login_check(&a, "purple monkey dishwasher");
	CHECK(a.password_ok == 1);
	CHECK(users_set_password(f.u, "casey", "a brand new password", NULL, err, sizeof(err)) ==
	      0);
	CHECK(users_login_finish(f.u, &a, &r, token, &who, &wait, err, sizeof(err)) == 0);
	CHECK(r == USERS_LOGIN_WRONG);
	users_attempt_wipe(&a);

	CHECK(users_login_begin(f.u, "casey", "198.51.100.7", &a, &r, &wait, err, sizeof(err)) ==
	      1);
	users_login_check(&a, "a brand new password");
	CHECK(users_set_disabled(f.u, "casey", 1, NULL, err, sizeof(err)) == 0);
	CHECK(users_login_finish(f.u, &a, &r, token, &who, &wait, err, sizeof(err)) == 0);
	CHECK(r == USERS_LOGIN_WRONG);
	users_attempt_wipe(&a);
	fixture_close(&f);
}

static void a_login_should_rehash_a_password_hashed_with_weaker_parameters(void)
{
	fixture f;
	char weak[USERS_HASH_MAX], err[STORE_ERR_LEN] = "";
	store_user su;
	int m = 0, t = 0, p = 0;

	if (fixture_open(&f, NULL))
		return;
	CHECK(crypto_pwhash_str_alg(weak, "purple monkey dishwasher", 24, 1, 8u << 20,
				    crypto_pwhash_ALG_ARGON2ID13) == 0);
	CHECK(store_user_add(f.st, "casey", "caseworker", weak, START_MS, NULL, NULL, err,
			     sizeof(err)) == 0);
	CHECK(login(&f, "casey", "purple monkey dishwasher", NULL, NULL) == USERS_LOGIN_OK);
	CHECK(store_user_find(f.st, "casey", &su) == 0);
	CHECK(strcmp(su.password_hash, weak) != 0);
	CHECK(argon2id_params(su.password_hash, &m, &t, &p) && m >= 19456 && t >= 2);
	CHECK(login(&f, "casey", "purple monkey dishwasher", NULL, NULL) == USERS_LOGIN_OK);
	fixture_close(&f);
}

static void a_new_password_should_replace_the_old_one(void)
{
	fixture f;
	char err[STORE_ERR_LEN] = "";

	if (fixture_open(&f, NULL))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(users_set_password(f.u, "casey", "short", NULL, err, sizeof(err)) == -1);
	CHECK(users_set_password(f.u, "nobody", "a brand new password", NULL, err, sizeof(err)) ==
	      1);
	CHECK(users_set_password(f.u, "casey", "a brand new password", NULL, err, sizeof(err)) ==
	      0);
	CHECK(login(&f, "casey", "purple monkey dishwasher", NULL, NULL) == USERS_LOGIN_WRONG);
	CHECK(login(&f, "casey", "a brand new password", NULL, NULL) == USERS_LOGIN_OK);
	fixture_close(&f);
}

/* ---- tokens and sessions ---- */

/* 1 when the bytes occur anywhere in the file (0 when it does not exist). */
static int file_contains(const char *path, const unsigned char *bytes, size_t n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	long size;
	int found = 0;

	if (!fp)
		return 0;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
	    (data = malloc((size_t)size)) && fread(data, 1, (size_t)size, fp) == (size_t)size)
		for (long i = 0; i + (long)n <= size && !found; i++)
			found = memcmp(data + i, bytes, n) == 0;
	free(data);
	fclose(fp);
	return found;
}

static void tokens_should_be_32_random_bytes_kept_only_as_a_hash(void)
{
	char path[128], wal[160];
	unsigned char a[USERS_TOKEN_BYTES], b[USERS_TOKEN_BYTES], hash[32];
	unsigned char stored[32] = {0};
	int rows = 0;
	sqlite3 *db;
	sqlite3_stmt *q;
	fixture f;

	snprintf(path, sizeof(path), "%s/tokens.db", tmpdir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (fixture_open(&f, path))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(login(&f, "casey", "purple monkey dishwasher", a, NULL) == USERS_LOGIN_OK);
	CHECK(login(&f, "casey", "purple monkey dishwasher", b, NULL) == USERS_LOGIN_OK);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* Neither the database nor its log holds a token; the sessions table holds its hash. */
	CHECK(!file_contains(path, a, sizeof(a)) && !file_contains(wal, a, sizeof(a)));
	CHECK(!file_contains(path, b, sizeof(b)) && !file_contains(wal, b, sizeof(b)));
	crypto_generichash(hash, sizeof(hash), a, sizeof(a), NULL, 0);
	CHECK(file_contains(path, hash, sizeof(hash)) || file_contains(wal, hash, sizeof(hash)));
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT token_hash FROM staff_sessions ORDER BY created_ms",
				 -1, &q, NULL) == SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		CHECK(sqlite3_column_bytes(q, 0) == 32);
		if (sqlite3_column_bytes(q, 0) == 32)
			memcpy(stored, sqlite3_column_blob(q, 0), 32);
		CHECK(memcmp(stored, a, 32) != 0 && memcmp(stored, b, 32) != 0);
		rows += memcmp(stored, hash, 32) == 0;
	}
	CHECK(rows == 1);
	sqlite3_finalize(q);
	sqlite3_close(db);
	fixture_close(&f);
}

static void tokens_should_read_back_from_their_text(void)
{
	unsigned char t[USERS_TOKEN_BYTES], back[USERS_TOKEN_BYTES];
	char text[USERS_TOKEN_TEXT];

	randombytes_buf(t, sizeof(t));
	users_token_encode(t, text);
	CHECK(strlen(text) == 43);
	CHECK(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      43);
	CHECK(users_token_decode(text, back) == 0 && memcmp(t, back, sizeof(t)) == 0);
	CHECK(users_token_decode("", back) == -1);
	CHECK(users_token_decode("short", back) == -1);
	text[42] = '*';
	CHECK(users_token_decode(text, back) == -1);
}

/* A fixture with casey logged in at START_MS; token gets the session's token. */
static int logged_in(fixture *f, unsigned char token[USERS_TOKEN_BYTES])
{
	if (fixture_open(f, NULL))
		return -1;
	if (add(f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") ||
	    login(f, "casey", "purple monkey dishwasher", token, NULL) != USERS_LOGIN_OK) {
		CHECK(0);
		fixture_close(f);
		return -1;
	}
	return 0;
}

static void a_session_should_end_after_30_idle_minutes(void)
{
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who = {0};
	fixture f;

	if (logged_in(&f, token))
		return;
	CHECK(users_session_check(f.u, token, &who) == 0);
	CHECK_STR(who.name, "casey");
	CHECK(who.role == AUTH_CASEWORKER);
	f.clock.t += 29 * MINUTE;
	CHECK(users_session_check(f.u, token, &who) == 0); /* used: the idle time starts again */
	f.clock.t += 29 * MINUTE;
	CHECK(users_session_check(f.u, token, &who) == 0);
	f.clock.t += 30 * MINUTE;
	CHECK(users_session_check(f.u, token, &who) == 1);
	f.clock.t -= 30 * MINUTE; /* and it is gone, not just out of date */
	CHECK(users_session_check(f.u, token, &who) == 1);
	fixture_close(&f);
}

static void a_session_should_end_12_hours_after_login_however_busy(void)
{
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who;
	fixture f;

	if (logged_in(&f, token))
		return;
	for (int i = 0; i < 12 * 60 / 20 - 1; i++) {
		f.clock.t += 20 * MINUTE;
		CHECK(users_session_check(f.u, token, &who) == 0);
	}
	f.clock.t += 20 * MINUTE;
	CHECK(users_session_check(f.u, token, &who) == 1);
	fixture_close(&f);
}

static void logout_should_end_the_session(void)
{
	unsigned char token[USERS_TOKEN_BYTES], other[USERS_TOKEN_BYTES];
	users_staff who;
	fixture f;

	if (logged_in(&f, token))
		return;
	CHECK(login(&f, "casey", "purple monkey dishwasher", other, NULL) == USERS_LOGIN_OK);
	CHECK(users_logout(f.u, token) == 0);
	CHECK(users_session_check(f.u, token, &who) == 1);
	CHECK(users_logout(f.u, token) == 1);
	CHECK(users_session_check(f.u, other, &who) == 0); /* another device stays logged in */
	fixture_close(&f);
}

static void a_disabled_users_session_should_be_dead(void)
{
	unsigned char token[USERS_TOKEN_BYTES];
	char err[STORE_ERR_LEN] = "";
	users_staff who;
	fixture f;

	if (logged_in(&f, token))
		return;
	CHECK(users_set_disabled(f.u, "casey", 1, NULL, err, sizeof(err)) == 0);
	CHECK(users_session_check(f.u, token, &who) == 1);
	CHECK(users_set_disabled(f.u, "casey", 0, NULL, err, sizeof(err)) == 0);
	CHECK(users_session_check(f.u, token, &who) == 1); /* enabling does not bring it back */
	fixture_close(&f);
}

static void a_session_should_be_dead_when_its_user_is_marked_disabled_by_any_means(void)
{
	char path[128];
	unsigned char token[USERS_TOKEN_BYTES];
	users_staff who;
	sqlite3 *db;
	fixture f;

	/* Not through users_set_disabled (which also deletes the sessions): the session check
	 * itself must look at the user. */
	snprintf(path, sizeof(path), "%s/disabled.db", tmpdir);
	if (fixture_open(&f, path))
		return;
	CHECK(add(&f, "casey", AUTH_CASEWORKER, "purple monkey dishwasher") == 0);
	CHECK(login(&f, "casey", "purple monkey dishwasher", token, NULL) == USERS_LOGIN_OK);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "UPDATE users SET disabled = 1", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK(users_session_check(f.u, token, &who) == 1);
	fixture_close(&f);
}

/* ---- the audit rows account changes leave ---- */

static int note_row(void *ctx, const store_audit_row *row)
{
	char *seen = ctx;
	size_t len = strlen(seen);

	snprintf(seen + len, 2048 - len, "%s:%s:%lld:%s;", row->action, row->actor_kind,
		 row->actor_id, row->detail);
	return 0;
}

static void account_changes_and_logins_should_each_leave_an_audit_row(void)
{
	unsigned char token[USERS_TOKEN_BYTES];
	store_actor admin = {STORE_ACTOR_STAFF, 99, "admin"};
	char seen[2048] = "", err[STORE_ERR_LEN] = "";
	long long id = 0;
	fixture f;

	if (fixture_open(&f, NULL))
		return;
	CHECK(users_add(f.u, "casey", AUTH_CASEWORKER, "purple monkey dishwasher", &admin, &id, err,
			sizeof(err)) == 0);
	CHECK(login(&f, "casey", "wrong password", NULL, NULL) == USERS_LOGIN_WRONG);
	CHECK(login(&f, "nobody", "wrong password", NULL, NULL) == USERS_LOGIN_WRONG);
	CHECK(login(&f, "casey", "purple monkey dishwasher", token, NULL) == USERS_LOGIN_OK);
	CHECK(users_logout(f.u, token) == 0);
	CHECK(users_set_password(f.u, "casey", "a brand new password", &admin, err, sizeof(err)) ==
	      0);
	CHECK(users_set_disabled(f.u, "casey", 1, &admin, err, sizeof(err)) == 0);
	CHECK(users_set_disabled(f.u, "casey", 1, &admin, err, sizeof(err)) == 0); /* no change */
	CHECK(store_audit_each_recent(f.st, 0, 50, note_row, seen) == 0);
	CHECK(strstr(seen, "user_disabled:staff:99:{\"user_id\":1,\"name\":\"casey\"};"
			   "password_set:staff:99:{\"user_id\":1,\"name\":\"casey\"};"
			   "logout:staff:1:{};"
			   "login_ok:staff:1:{\"name\":\"casey\"};"
			   "login_failed:staff:-1:{\"name\":\"unknown\",\"failures\":1,"
			   "\"wait_s\":0};"
			   "login_failed:staff:1:{\"name\":\"casey\",\"failures\":1,"
			   "\"wait_s\":0};"
			   "user_added:staff:99:{\"user_id\":1,\"name\":\"casey\","
			   "\"role\":\"caseworker\"};") == seen);
	if (strstr(seen, "user_disabled") != seen)
		fprintf(stderr, "  audit: %s\n", seen);
	CHECK(id == 1);
	fixture_close(&f);
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-users-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(names_should_be_1_to_64_of_letters_digits_dots_hyphens_underscores);
	RUN(passwords_should_need_12_characters_and_at_most_256_bytes);
	RUN(a_hash_should_be_argon2id_at_owasp_strength_or_more);
	RUN(generated_passwords_should_be_long_readable_and_different);
	RUN(a_user_should_be_stored_with_an_argon2id_hash_and_never_the_password);
	RUN(users_add_should_refuse_a_name_taken_in_any_case_and_bad_input);
	RUN(users_each_should_list_names_roles_and_who_is_disabled);
	RUN(the_right_password_should_log_in_and_a_wrong_one_should_not);
	RUN(an_unknown_or_disabled_user_should_get_the_same_answer_as_a_wrong_password);
	RUN(an_unknown_name_should_cost_a_hash_check_like_a_known_one);
	RUN(five_wrong_passwords_should_make_the_name_wait_until_the_wait_passes);
	RUN(a_names_wait_should_double_up_to_30_seconds_and_never_lock_it);
	RUN(an_unknown_name_should_wait_just_like_a_known_one);
	RUN(made_up_names_from_one_address_should_not_stop_a_user_at_another);
	RUN(a_name_attacked_from_one_address_should_let_its_user_in_from_another_soon);
	RUN(many_failures_a_minute_should_cross_the_ceiling_once_and_lock_nobody);
	RUN(a_user_changed_while_the_password_is_checked_should_not_log_in);
	RUN(a_login_should_rehash_a_password_hashed_with_weaker_parameters);
	RUN(a_new_password_should_replace_the_old_one);
	RUN(tokens_should_be_32_random_bytes_kept_only_as_a_hash);
	RUN(tokens_should_read_back_from_their_text);
	RUN(a_session_should_end_after_30_idle_minutes);
	RUN(a_session_should_end_12_hours_after_login_however_busy);
	RUN(logout_should_end_the_session);
	RUN(a_disabled_users_session_should_be_dead);
	RUN(a_session_should_be_dead_when_its_user_is_marked_disabled_by_any_means);
	RUN(account_changes_and_logins_should_each_leave_an_audit_row);
	remove_tmpdir();
	return check_report();
}
