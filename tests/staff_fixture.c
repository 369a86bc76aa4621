#include "staff_fixture.h"

#include "check.h"
#include "content_text.h"
#include "staff_int.h"
#include "store.h"
#include "workflow.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- reading JSON ---- */

/* The item at a dotted path ("plans.0.status"). Borrowed; NULL when any step is missing. */
const cJSON *at(const cJSON *o, const char *path)
{
	char part[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (cJSON_IsArray(o) && part[0] >= '0' && part[0] <= '9')
			o = cJSON_GetArrayItem(o, atoi(part));
		else
			o = cJSON_GetObjectItem(o, part);
		path += n + (path[n] == '.');
	}
	return o;
}

const char *str(const cJSON *o, const char *path)
{
	return cJSON_GetStringValue(at(o, path));
}

double num(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

int count(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);

	return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
}

/* ---- the fixture ---- */

content *ct;
const unsigned char zero_key[CODE_KEY_BYTES];
char tmpdir[64];
fixture fx;

long long clock_now(void *ctx)
{
	return *(long long *)ctx;
}

long long users_clock(void *ctx)
{
	return *(long long *)ctx * 1000;
}

int login(person *p, const char *name)
{
	users_login_result r;
	users_staff who;
	long long wait;

	if (users_login(fx.u, name, PASSWORD, &r, p->token, &who, &wait, NULL, 0) ||
	    r != USERS_LOGIN_OK)
		return -1;
	p->ss = staff_session_open(fx.sf, &p->conn, "127.0.0.1", p->token);
	return p->ss && p->conn.n == 0 ? 0 : -1;
}

int fixture_open(const char *db_name)
{
	kiosk_config cfg = {.idle_seconds = 120,
			    .warn_seconds = 30,
			    .address_failures = 100,
			    .address_window = 600};
	message_io io = {fake_send, NULL};
	char err[STORE_ERR_LEN] = "";

	memset(&fx, 0, sizeof(fx));
	fx.now = START_S;
	fx.unow = START_S;
	snprintf(fx.path, sizeof(fx.path), "%s/%s", tmpdir, db_name);
	fx.st = store_open(fx.path, err, sizeof(err));
	fx.u = fx.st ? users_new(fx.st) : NULL;
	fx.sf = fx.u ? staff_new(ct, fx.st, fx.u, zero_key, io) : NULL;
	fx.kiosk = fx.sf ? kiosk_new(ct, fx.st, zero_key, &cfg, io) : NULL;
	if (!fx.kiosk) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	users_set_clock(fx.u, users_clock, &fx.unow);
	staff_set_clock(fx.sf, clock_now, &fx.now);
	if (users_add(fx.u, "casey", AUTH_CASEWORKER, PASSWORD, NULL, NULL, err, sizeof(err)) ||
	    users_add(fx.u, "morgan", AUTH_MANAGER, PASSWORD, NULL, NULL, err, sizeof(err)) ||
	    users_add(fx.u, "mandy", AUTH_MANAGER, PASSWORD, NULL, NULL, err, sizeof(err)) ||
	    users_add(fx.u, "ada", AUTH_ADMIN, PASSWORD, NULL, NULL, err, sizeof(err)) ||
	    login(&fx.casey, "casey") || login(&fx.morgan, "morgan") || login(&fx.mandy, "mandy") ||
	    login(&fx.ada, "ada")) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	return 0;
}

void person_close(person *p)
{
	staff_session_close(p->ss);
	fake_reset(&p->conn);
}

void fixture_close(void)
{
	person_close(&fx.casey);
	person_close(&fx.morgan);
	person_close(&fx.mandy);
	person_close(&fx.ada);
	kiosk_free(fx.kiosk);
	staff_free(fx.sf);
	users_free(fx.u);
	store_close(fx.st);
}

static char db_name[64]; /* fixture_begin's database, under tmpdir */

int fixture_begin(const char *name)
{
	char err[512];

	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("TZ", "UTC", 1); /* the day the clock says is the same everywhere */
	tzset();
	if (sodium_init() < 0) {
		fprintf(stderr, "test_%s: libsodium did not start\n", name);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-%s-XXXXXX", name);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(db_name, sizeof(db_name), "%s.db", name);
	ct = content_load(PLANALOUD_SOURCE_DIR "/easyread", "en-GB",
			  PLANALOUD_SOURCE_DIR "/web/pictures", err, sizeof(err));
	if (!ct || fixture_open(db_name)) {
		fprintf(stderr, "test_%s: %s\n", name, ct ? "the fixture did not open" : err);
		return -1;
	}
	return 0;
}

void fixture_end(void)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char path[160];

	fixture_close();
	content_free(ct);
	ct = NULL;
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(*suffixes); k++) {
		snprintf(path, sizeof(path), "%s/%s%s", tmpdir, db_name, suffixes[k]);
		unlink(path);
	}
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* ---- talking to the workspace ---- */

/* Sends the formatted message as p: the one reply (cJSON_Delete it), or NULL when there was
 * not exactly one; the message itself into *text (free it). */
static cJSON *send_one(person *p, char **text, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static cJSON *send_one(person *p, char **text, const char *fmt, va_list ap)
{
	*text = test_vformat(fmt, ap);
	fake_reset(&p->conn);
	if (*text)
		staff_handle(p->ss, *text, strlen(*text), 0);
	return p->conn.n == 1 ? cJSON_Parse(p->conn.sent[0]) : NULL;
}

/* Sends the message as p and returns the one reply (cJSON_Delete it); NULL, saying why, when
 * there was not exactly one. */
cJSON *ask(person *p, const char *fmt, ...)
{
	va_list ap;
	char *text;
	cJSON *r;

	va_start(ap, fmt);
	r = send_one(p, &text, fmt, ap);
	va_end(ap);
	if (p->conn.n != 1)
		fprintf(stderr, "  %d replies to %s\n", p->conn.n, text ? text : "?");
	free(text);
	return r;
}

/* 1 when m is an error with this code; otherwise says what it was. */
int is_error(const cJSON *m, const char *code)
{
	const char *t = str(m, "type"), *c = str(m, "code");
	char *text;

	if (t && strcmp(t, "error") == 0 && c && strcmp(c, code) == 0)
		return 1;
	text = m ? cJSON_PrintUnformatted(m) : NULL;
	fprintf(stderr, "  expected error %s, got %.400s\n", code, text ? text : "nothing");
	free(text);
	return 0;
}

int is_type(const cJSON *m, const char *type)
{
	const char *t = str(m, "type");
	char *text;

	if (t && strcmp(t, type) == 0)
		return 1;
	text = m ? cJSON_PrintUnformatted(m) : NULL;
	fprintf(stderr, "  expected %s, got %.400s\n", type, text ? text : "nothing");
	free(text);
	return 0;
}

/* Asks and checks the reply is the error `code`. */
int refused(person *p, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *text;
	cJSON *r;
	int ok;

	va_start(ap, fmt);
	r = send_one(p, &text, fmt, ap);
	va_end(ap);
	ok = p->conn.n == 1 && is_error(r, code);
	if (!ok)
		fprintf(stderr, "  (in reply to %.300s)\n", text ? text : "?");
	free(text);
	cJSON_Delete(r);
	return ok;
}

/* Asks and checks the reply is a `type` message. */
int done(person *p, const char *type, const char *fmt, ...)
{
	va_list ap;
	char *text;
	cJSON *r;
	int ok;

	va_start(ap, fmt);
	r = send_one(p, &text, fmt, ap);
	va_end(ap);
	ok = p->conn.n == 1 && is_type(r, type);
	if (!ok)
		fprintf(stderr, "  (in reply to %.300s)\n", text ? text : "?");
	free(text);
	cJSON_Delete(r);
	return ok;
}

/* A new plan invited by casey: its id, and its code into code (CODE_MAX, may be NULL). */
long long invite(const char *person_name, char *code)
{
	cJSON *r = ask(&fx.casey,
		       "{\"type\":\"invite\",\"seq\":1,\"person\":\"%s\",\"needs\":["
		       "{\"text\":\"You need help to wash.\",\"eligible\":true},"
		       "{\"text\":\"You would like your windows cleaned.\",\"eligible\":false}],"
		       "\"budget\":\"245.50\",\"managing\":[\"direct\",\"council\"]}",
		       person_name);
	long long id = 0;

	if (is_type(r, "invited") && str(r, "code")) {
		id = (long long)num(r, "plan");
		if (code)
			snprintf(code, CODE_MAX, "%s", str(r, "code"));
	}
	cJSON_Delete(r);
	return id;
}

long long db_count(const char *sql, long long plan)
{
	sqlite3 *db;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	if (sqlite3_open_v2(fx.path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
	    (sqlite3_bind_parameter_count(q) == 0 || sqlite3_bind_int64(q, 1, plan) == SQLITE_OK) &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* ---- the person's side, through the kiosk's own protocol on the same store ---- */

int kiosk_say(kiosk_side *k, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int ok;

	va_start(ap, fmt);
	text = test_vformat(fmt, ap);
	va_end(ap);
	fake_reset(&k->conn);
	if (text)
		kiosk_handle(k->s, text, strlen(text), 0);
	kiosk_flush(fx.kiosk, NULL, 0);
	ok = k->conn.n >= 1 && !strstr(k->conn.sent[k->conn.n - 1], "\"type\":\"error\"");
	if (!ok)
		fprintf(stderr, "  the kiosk answered %.300s to %.200s\n",
			k->conn.n ? k->conn.sent[k->conn.n - 1] : "nothing", text ? text : "?");
	free(text);
	return ok;
}

/* Opens the plan on a kiosk as a helper, Sam (sister), and writes two answers. */
int kiosk_open(kiosk_side *k, const char *code)
{
	memset(k, 0, sizeof(*k));
	k->s = kiosk_session_open(fx.kiosk, &k->conn, "127.0.0.9");
	return k->s &&
	       kiosk_say(k, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"helper\"}") &&
	       kiosk_say(k, "{\"type\":\"answer\",\"page\":\"helper-name\",\"value\":\"Sam\"}") &&
	       kiosk_say(k, "{\"type\":\"answer\",\"page\":\"helper-relationship\","
			    "\"value\":\"sister\"}") &&
	       kiosk_say(k, "{\"type\":\"code\",\"code\":\"%s\"}", code);
}

void kiosk_close(kiosk_side *k)
{
	kiosk_session_close(k->s);
	kiosk_flush(fx.kiosk, NULL, 0);
	fake_reset(&k->conn);
}

/* The person sends at the kiosk (which freezes the version they sent). */
int kiosk_send(kiosk_side *k, long long plan)
{
	long long before = db_count("SELECT count(*) FROM versions WHERE plan_id = ?", plan);

	return kiosk_say(k, "{\"type\":\"send\"}") &&
	       db_count("SELECT count(*) FROM versions WHERE plan_id = ?", plan) == before + 1;
}
