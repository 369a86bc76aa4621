/* test_startup: what the real server refuses at start, and how it stops. A data folder other
 * users can open is refused (naming it), and files in it that others could read are made the
 * owner's alone; --demo is refused on a database with real staff (made with `planaloud user
 * add`), changing nothing; plain HTTP on an address other than localhost needs
 * --allow-plain-http; and stop signals sent again and again while the server closes leave it
 * exiting cleanly (run under the sanitizers too, where touching freed memory fails). */
#include "check.h"
#include "runbin.h"
#include "wsclient.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];

/* A refusal: non-zero, the welcome never printed, and a plain sentence on stderr with `why`. */
static int refused(const ran *r, const char *why)
{
	int ok = r->status > 0 && !strstr(r->out, "is running") && strstr(r->err, why) &&
		 strstr(r->err, "planaloud: ") == r->err;

	if (!ok)
		fprintf(stderr,
			"  expected a refusal saying \"%s\"; exit %d; stdout: %s; stderr: %s\n",
			why, r->status, r->out, r->err);
	return ok;
}

/* A fresh folder under tmpdir with this mode. */
static void make_folder(char *out, size_t n, const char *name, mode_t mode)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
	CHECK(mkdir(out, 0700) == 0);
	CHECK(chmod(out, mode) == 0);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_mode & 0777 : (mode_t)-1;
}

/* One number from the database in dir (-1 when it cannot be read). */
static long long count_in(const char *dir, const char *sql)
{
	char path[256];
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* ---- the data folder ---- */

static void a_data_folder_others_can_open_should_be_refused_naming_it(void)
{
	char dir[128], db[160];
	ran r;

	make_folder(dir, sizeof(dir), "open", 0755);
	RUN_BIN(&r, NULL, "--port", "0", "--data", dir);
	CHECK(refused(&r, dir));
	CHECK(strstr(r.err, "chmod 700") != NULL);
	snprintf(db, sizeof(db), "%s/planaloud.db", dir);
	CHECK(access(db, F_OK) != 0); /* nothing was made in it */
	CHECK(mode_of(dir) == 0755);  /* nor was it changed: a person decides */
	make_folder(dir, sizeof(dir), "group", 0750);
	RUN_BIN(&r, NULL, "--port", "0", "--data", dir);
	CHECK(refused(&r, dir));
}

/* 1 when every file in dir is the server's alone (0600). */
static int all_private(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);
	int ok = d != NULL;

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (mode_of(path) != 0600)
			ok = 0;
	}
	if (d)
		closedir(d);
	return ok;
}

/* The database and the audio cache, copied in by someone with a looser umask: made private at
 * start, and the server says how many it changed. (The cache then empties itself of files from
 * before its generation: the old file is private, or gone.) */
static void files_others_could_read_should_be_made_private_at_start(void)
{
	char dir[128], path[192], audio[160];
	const char *const extra[] = {NULL};
	testsrv s;
	ran r;
	FILE *f;

	make_folder(dir, sizeof(dir), "loose", 0700);
	RUN_BIN(&r, "a long password for sam\n", "--data", dir, "user", "add", "sam", "--role",
		"caseworker");
	CHECK(r.status == 0);
	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	CHECK(chmod(path, 0644) == 0);
	snprintf(audio, sizeof(audio), "%s/audio", dir);
	CHECK(mkdir(audio, 0755) == 0);
	snprintf(path, sizeof(path), "%s/audio/old.wav", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(chmod(path, 0664) == 0);
	CHECK(testsrv_start(&s, PLANALOUD_BINARY, dir, 0, extra) == 0);
	CHECK(testsrv_stop(&s) == 0);
	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	CHECK(mode_of(path) == 0600);
	CHECK(mode_of(audio) == 0700);
	snprintf(path, sizeof(path), "%s/audio/old.wav", dir);
	CHECK(access(path, F_OK) != 0 || mode_of(path) == 0600);
	CHECK(all_private(audio));
	CHECK(count_in(dir, "SELECT count(*) FROM users WHERE name = 'sam'") == 1);
}

/* ---- --demo ---- */

static void demo_should_be_refused_on_a_database_with_real_staff_and_change_nothing(void)
{
	char dir[128];
	long long users, plans, audit;
	ran r;

	make_folder(dir, sizeof(dir), "council", 0700);
	RUN_BIN(&r, "a long password for sam\n", "--data", dir, "user", "add", "sam", "--role",
		"caseworker");
	CHECK(r.status == 0);
	users = count_in(dir, "SELECT count(*) FROM users");
	plans = count_in(dir, "SELECT count(*) FROM plans");
	audit = count_in(dir, "SELECT count(*) FROM audit");
	CHECK(users == 1 && plans == 0 && audit > 0);
	RUN_BIN(&r, NULL, "--port", "0", "--data", dir, "--demo");
	CHECK(refused(&r, "--demo"));
	CHECK(strstr(r.err, "Nothing was changed") != NULL);
	CHECK(strstr(r.out, "Demo plan code") == NULL);
	CHECK(count_in(dir, "SELECT count(*) FROM users") == users);
	CHECK(count_in(dir, "SELECT count(*) FROM plans") == plans);
	CHECK(count_in(dir, "SELECT count(*) FROM audit") == audit);
	/* The demo's own users are not real staff: a demo database takes --demo again. */
	make_folder(dir, sizeof(dir), "demo", 0700);
	{
		testsrv s;

		CHECK(testsrv_start(&s, PLANALOUD_BINARY, dir, 1, NULL) == 0);
		CHECK(testsrv_stop(&s) == 0);
		CHECK(testsrv_start(&s, PLANALOUD_BINARY, dir, 1, NULL) == 0);
		CHECK(s.code[0] != '\0');
		CHECK(testsrv_stop(&s) == 0);
	}
	CHECK(count_in(dir, "SELECT count(*) FROM plans") == 2);
}

/* ---- plain HTTP ---- */

static void plain_http_off_localhost_should_need_allow_plain_http(void)
{
	char dir[128];
	const char *const allowed[] = {"--listen", "0.0.0.0", "--allow-plain-http", NULL};
	const char *const proxied[] = {"--listen", "0.0.0.0", "--secure-cookies", NULL};
	testsrv s;
	ran r;

	make_folder(dir, sizeof(dir), "plain", 0700);
	RUN_BIN(&r, NULL, "--port", "0", "--data", dir, "--listen", "0.0.0.0");
	CHECK(refused(&r, "--allow-plain-http"));
	RUN_BIN(&r, NULL, "--port", "0", "--data", dir, "--listen", "192.0.2.1");
	CHECK(refused(&r, "--tls-cert"));
	/* Said to be behind a TLS proxy (or for development): it serves. */
	CHECK(testsrv_start(&s, PLANALOUD_BINARY, dir, 0, allowed) == 0);
	CHECK(http_get(s.port, "/healthz", NULL, 0, NULL, 0) == 200);
	CHECK(testsrv_stop(&s) == 0);
	CHECK(testsrv_start(&s, PLANALOUD_BINARY, dir, 0, proxied) == 0);
	CHECK(testsrv_stop(&s) == 0);
}

/* ---- stopping ---- */

static void sleep_us(long us)
{
	struct timespec ts = {0, us * 1000};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* 1 while pid runs; 0 once it has exited (a zombie, not yet reaped) or gone. */
static int running(pid_t pid)
{
	char path[64], stat[256] = "";
	const char *close_paren;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	close_paren = strrchr(stat, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z';
}

/* SIGTERM, then SIGTERM or `other` again every 200 µs while the server closes, until it has
 * exited: the signals land in every part of closing. Returns the wait status, or -1. */
static int stop_again_and_again(testsrv *s, int other)
{
	long long deadline = now_ms() + 20000;
	int n = 0;

	kill(s->pid, SIGTERM);
	while (running(s->pid) && now_ms() < deadline) {
		kill(s->pid, n++ % 2 ? other : SIGTERM);
		sleep_us(200);
	}
	return running(s->pid) ? -1 : testsrv_stop(s); /* reaps it: the status it exited with */
}

static void stop_signals_during_shutdown_should_leave_a_clean_exit(void)
{
	char dir[128];

	make_folder(dir, sizeof(dir), "stopping", 0700);
	for (int i = 0; i < 6; i++) {
		testsrv s;
		wsclient *c;
		int status;

		if (testsrv_start(&s, PLANALOUD_BINARY, dir, 1, NULL)) {
			CHECK(0);
			return;
		}
		/* A kiosk connected, so closing has a connection and a session to end too. */
		c = wsclient_connect("127.0.0.1", s.port, NULL);
		CHECK(c != NULL);
		status = stop_again_and_again(&s, i % 2 ? SIGINT : SIGTERM);
		wsclient_free(c);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fprintf(stderr, "  round %d: wait status %d (signal %d)\n", i, status,
				WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
		testsrv_kill(&s);
	}
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
	testsrv_watchdog(240);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-startup-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(a_data_folder_others_can_open_should_be_refused_naming_it);
	RUN(files_others_could_read_should_be_made_private_at_start);
	RUN(demo_should_be_refused_on_a_database_with_real_staff_and_change_nothing);
	RUN(plain_http_off_localhost_should_need_allow_plain_http);
	RUN(stop_signals_during_shutdown_should_leave_a_clean_exit);
	remove_tmpdir();
	return check_report();
}
