#include "staffsrv.h"

#include "store.h"
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

testsrv srv;
char dir[64];
char origin[64];

/* The login form's body for name and password (spaces as +), into out. */
void login_form(const char *name, const char *password, char *out, size_t n)
{
	snprintf(out, n, "name=%s&password=%s", name, password);
	for (char *p = out; *p; p++)
		if (*p == ' ')
			*p = '+';
}

/* Logs in over HTTP; the cookie ("planaloud_staff=...") into cookie. 0, or -1. */
int login(const char *name, const char *password, char *cookie, size_t n)
{
	char form[256], headers[4096], value[256], location[256];
	int status;

	login_form(name, password, form, sizeof(form));
	status = http_post_form(srv.port, "/staff/auth/login", origin, NULL, form, headers,
				sizeof(headers));
	if (status != 303 || http_header(headers, "Location", location, sizeof(location)) ||
	    strcmp(location, "/staff/") != 0 ||
	    http_header(headers, "Set-Cookie", value, sizeof(value)) ||
	    strncmp(value, "planaloud_staff=", 16) != 0) {
		fprintf(stderr, "  login as %s: %d\n%s\n", name, status, headers);
		return -1;
	}
	snprintf(cookie, n, "%.*s", (int)strcspn(value, ";"), value);
	return 0;
}

/* A staff websocket with this cookie (NULL: none). */
wsclient *staff_ws(const char *cookie, int *status)
{
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c = wsclient_open_as(HOST, srv.port, &o, "planaloud-staff", cookie, status);

	wsclient_skip_news(c, 1);
	return c;
}

wsclient *staff_as(const char *name, const char *pw)
{
	char cookie[128];
	wsclient *c;

	if (login(name, pw, cookie, sizeof(cookie)))
		return NULL;
	c = staff_ws(cookie, NULL);
	if (c && !ask_is(c, "me", NULL, "{\"type\":\"me\"}")) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* A kiosk connection that has read hello and the welcome page. */
wsclient *kiosk(void)
{
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c = wsclient_open(HOST, srv.port, &o, NULL);
	cJSON *m;
	int ok;

	if (!c)
		return NULL;
	m = wsclient_recv_json(c, WAIT_MS);
	ok = is_msg(m, "hello", NULL);
	cJSON_Delete(m);
	m = ok ? wsclient_recv_json(c, WAIT_MS) : NULL;
	ok = ok && is_msg(m, "page", "welcome");
	cJSON_Delete(m);
	if (!ok) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

/* A kiosk with the plan open by its code, the person writing for themselves. */
wsclient *kiosk_open(const char *code, const char *expect_page)
{
	wsclient *c = kiosk();

	if (!c)
		return NULL;
	if (!ask_is(c, "kept", NULL, "{\"type\":\"answer\",\"page\":\"who\",\"value\":\"me\"}") ||
	    !ask_is(c, "page", expect_page, "{\"type\":\"code\",\"code\":\"%s\"}", code)) {
		wsclient_free(c);
		return NULL;
	}
	return c;
}

int users_setup(const staffsrv_user *extra)
{
	staffsrv_user people[] = {
	    {"casey", AUTH_CASEWORKER, CASEY_PW},
	    {"morgan", AUTH_MANAGER, MORGAN_PW},
	    {"ada", AUTH_ADMIN, ADA_PW},
	};
	char path[128], err[STORE_ERR_LEN] = "";
	store *st;
	users *u;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, sizeof(err));
	u = st ? users_new(st) : NULL;
	for (size_t i = 0; u && i < sizeof(people) / sizeof(*people); i++)
		rc |= users_add(u, people[i].name, people[i].role, people[i].pw, NULL, NULL, err,
				sizeof(err));
	for (; u && extra && extra->name; extra++)
		rc |=
		    users_add(u, extra->name, extra->role, extra->pw, NULL, NULL, err, sizeof(err));
	if (!u || rc)
		fprintf(stderr, "users_setup: %s\n", err);
	users_free(u);
	store_close(st);
	return u && !rc ? 0 : -1;
}

/* The database, opened alongside the running server. */
sqlite3 *db_open(void)
{
	char path[128];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	sqlite3_busy_timeout(db, 5000);
	return db;
}

long long db_count(const char *sql, long long plan)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *q = NULL;
	long long n = -1;

	if (db && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
	    (sqlite3_bind_parameter_count(q) == 0 || sqlite3_bind_int64(q, 1, plan) == SQLITE_OK) &&
	    sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

int staffsrv_start(const char *name, const staffsrv_user *extra)
{
	snprintf(dir, sizeof(dir), "/tmp/planaloud-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	if (users_setup(extra) || testsrv_start(&srv, PLANALOUD_BINARY, dir, 0, NULL)) {
		staffsrv_remove_dir();
		return -1;
	}
	snprintf(origin, sizeof(origin), "http://%s:%d", HOST, srv.port);
	return 0;
}

void staffsrv_remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}
