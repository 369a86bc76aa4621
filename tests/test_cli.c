/* test_cli: `planaloud user ...` as council IT would run it: the real binary, a password on
 * standard input, a real database under --data. What it makes is then checked through the store
 * and users API (a user added here can log in), and refusals must say why in plain English, exit
 * non-zero and change nothing. Also: --demo's caseworker and manager, whose printed passwords
 * must work, on the first start and on the next. */
#include "check.h"
#include "runbin.h"
#include "wsclient.h"

#include "store.h"
#include "users.h"

#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];
static char data[128]; /* the --data folder most tests share */

#define RUN_CLI RUN_BIN

/* A refusal: non-zero, nothing on stdout, a plain sentence on stderr containing `why`. */
static int refused(const ran *r, const char *why)
{
	int ok = r->status != 0 && r->out[0] == '\0' && strstr(r->err, why) != NULL &&
		 strstr(r->err, "planaloud: ") == r->err && !strstr(r->err, "SQL") &&
		 !strstr(r->err, "constraint");

	if (!ok)
		fprintf(stderr,
			"  expected a refusal saying \"%s\"; exit %d; stdout: %s; stderr: %s\n",
			why, r->status, r->out, r->err);
	return ok;
}

/* Opens the shared database the way the server would, for checking what the command did. */
static int open_data(const char *dir, store **st, users **u)
{
	char path[256], err[STORE_ERR_LEN] = "";

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	*st = store_open(path, err, sizeof(err));
	*u = *st ? users_new(*st) : NULL;
	if (!*u) {
		fprintf(stderr, "  cannot open %s: %s\n", path, err);
		store_close(*st);
		return -1;
	}
	return 0;
}

static void close_data(store *st, users *u)
{
	users_free(u);
	store_close(st);
}

static users_login_result try_login(const char *dir, const char *name, const char *password)
{
	unsigned char token[USERS_TOKEN_BYTES];
	users_login_result r = (users_login_result)-1;
	users_staff who;
	long long wait;
	store *st;
	users *u;

	if (open_data(dir, &st, &u))
		return r;
	if (users_login(u, name, password, &r, token, &who, &wait, NULL, 0))
		r = (users_login_result)-1;
	close_data(st, u);
	return r;
}

/* "users:audit rows" in the shared database, to show that a refusal changed nothing. */
static void counts(char *out, size_t n)
{
	char path[256];
	sqlite3 *db;
	sqlite3_stmt *q = NULL;

	snprintf(out, n, "none");
	snprintf(path, sizeof(path), "%s/planaloud.db", data);
	if (access(path, F_OK) != 0)
		return;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(
		db,
		"SELECT (SELECT count(*) FROM users) || ':' || (SELECT count(*) "
		"FROM audit) || ':' || (SELECT group_concat(password_hash) FROM users)",
		-1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* ---- user add ---- */

static void user_add_should_make_a_user_who_can_log_in(void)
{
	ran r;

	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", data, "user", "add", "casey", "--role",
		"caseworker");
	CHECK(r.status == 0);
	CHECK(strstr(r.out, "Added casey as a caseworker.") != NULL);
	CHECK(try_login(data, "casey", "purple monkey dishwasher") == USERS_LOGIN_OK);
	CHECK(try_login(data, "casey", "purple monkey dishwasher\n") == USERS_LOGIN_WRONG);
}

static void user_add_should_take_its_options_in_any_order_and_a_crlf_line(void)
{
	ran r;

	RUN_CLI(&r, "a manager's password\r\n", "user", "add", "morgan", "--role", "manager",
		"--data", data);
	CHECK(r.status == 0);
	CHECK(try_login(data, "morgan", "a manager's password") == USERS_LOGIN_OK);
	/* No newline at the end of the input is fine too. */
	RUN_CLI(&r, "an admin's password", "--role", "admin", "--data", data, "user", "add", "ari");
	CHECK(r.status == 0);
	CHECK(try_login(data, "ari", "an admin's password") == USERS_LOGIN_OK);
}

static void user_add_should_refuse_a_short_password_and_change_nothing(void)
{
	char before[512], after[512];
	ran r;

	counts(before, sizeof(before));
	RUN_CLI(&r, "elevenchars\n", "--data", data, "user", "add", "sam", "--role", "caseworker");
	CHECK(refused(&r, "at least 12 characters"));
	counts(after, sizeof(after));
	CHECK_STR(after, before);
}

static void user_add_should_refuse_a_password_over_256_bytes(void)
{
	char before[512], after[512], big[400];
	ran r;

	memset(big, 'x', 300);
	big[300] = '\n';
	big[301] = '\0';
	counts(before, sizeof(before));
	RUN_CLI(&r, big, "--data", data, "user", "add", "sam", "--role", "caseworker");
	CHECK(refused(&r, "at most 256 bytes"));
	counts(after, sizeof(after));
	CHECK_STR(after, before);
}

static void user_add_should_refuse_no_password(void)
{
	char before[512], after[512];
	ran r;

	counts(before, sizeof(before));
	RUN_CLI(&r, NULL, "--data", data, "user", "add", "sam", "--role", "caseworker");
	CHECK(refused(&r, "no password"));
	RUN_CLI(&r, "\n", "--data", data, "user", "add", "sam", "--role", "caseworker");
	CHECK(refused(&r, "at least 12 characters"));
	counts(after, sizeof(after));
	CHECK_STR(after, before);
}

static void user_add_should_refuse_a_bad_name_before_touching_the_database(void)
{
	char fresh[160];
	ran r;

	snprintf(fresh, sizeof(fresh), "%s/never-made", tmpdir);
	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", fresh, "user", "add", "sam jones",
		"--role", "caseworker");
	CHECK(refused(&r, "cannot be a user name"));
	CHECK(strstr(r.err, "1 to 64 letters") != NULL);
	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", fresh, "user", "add",
		"a-name-that-is-far-too-long-to-be-anyones-user-name-on-any-system-at-all",
		"--role", "caseworker");
	CHECK(refused(&r, "cannot be a user name"));
	CHECK(access(fresh, F_OK) != 0); /* not even the folder was made */
}

static void user_add_should_refuse_a_role_that_does_not_exist(void)
{
	char before[512], after[512];
	ran r;

	counts(before, sizeof(before));
	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", data, "user", "add", "sam", "--role",
		"superuser");
	CHECK(refused(&r, "The role must be caseworker, manager or admin"));
	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", data, "user", "add", "sam");
	CHECK(refused(&r, "--role"));
	counts(after, sizeof(after));
	CHECK_STR(after, before);
}

static void user_add_should_refuse_a_name_already_taken_in_any_case(void)
{
	char before[512], after[512];
	ran r;

	counts(before, sizeof(before));
	RUN_CLI(&r, "another long password\n", "--data", data, "user", "add", "CASEY", "--role",
		"admin");
	CHECK(refused(&r, "already a user called CASEY"));
	counts(after, sizeof(after));
	CHECK_STR(after, before);
	CHECK(try_login(data, "casey", "purple monkey dishwasher") == USERS_LOGIN_OK);
	CHECK(try_login(data, "casey", "another long password") == USERS_LOGIN_WRONG);
}

/* ---- user list, disable, enable, password ---- */

static void user_list_should_show_names_roles_and_state(void)
{
	ran r;

	RUN_CLI(&r, NULL, "--data", data, "user", "list");
	CHECK(r.status == 0);
	CHECK(strstr(r.out, "NAME") != NULL && strstr(r.out, "ROLE") != NULL);
	CHECK(strstr(r.out, "casey") && strstr(r.out, "caseworker"));
	CHECK(strstr(r.out, "morgan") && strstr(r.out, "manager"));
	CHECK(strstr(r.out, "ari") && strstr(r.out, "admin"));
	CHECK(!strstr(r.out, "disabled"));
	CHECK(!strstr(r.out, "sam"));
	CHECK(!strstr(r.out, "$argon2id$"));
}

static void user_disable_should_stop_logins_and_enable_should_allow_them_again(void)
{
	char *line;
	ran r;

	RUN_CLI(&r, NULL, "--data", data, "user", "disable", "morgan");
	CHECK(r.status == 0);
	CHECK(try_login(data, "morgan", "a manager's password") == USERS_LOGIN_WRONG);
	RUN_CLI(&r, NULL, "--data", data, "user", "list");
	line = strstr(r.out, "morgan");
	CHECK(line && strstr(line, "disabled") && strchr(line, '\n') > strstr(line, "disabled"));
	RUN_CLI(&r, NULL, "--data", data, "user", "enable", "morgan");
	CHECK(r.status == 0);
	CHECK(try_login(data, "morgan", "a manager's password") == USERS_LOGIN_OK);
	RUN_CLI(&r, NULL, "--data", data, "user", "disable", "nobody");
	CHECK(refused(&r, "no user called nobody"));
}

static void user_password_should_replace_a_password(void)
{
	ran r;

	RUN_CLI(&r, "short\n", "--data", data, "user", "password", "ari");
	CHECK(refused(&r, "at least 12 characters"));
	RUN_CLI(&r, "the admin's new password\n", "--data", data, "user", "password", "ari");
	CHECK(r.status == 0);
	CHECK(try_login(data, "ari", "an admin's password") == USERS_LOGIN_WRONG);
	CHECK(try_login(data, "ari", "the admin's new password") == USERS_LOGIN_OK);
}

static void user_disable_should_keep_the_last_admin(void)
{
	ran r;

	/* ari is the only admin: disabling them would lock every admin out of the pages */
	RUN_CLI(&r, NULL, "--data", data, "user", "disable", "ari");
	CHECK(refused(&r, "no administrator who can log in"));
	CHECK(try_login(data, "ari", "the admin's new password") == USERS_LOGIN_OK);
}

static void user_commands_should_refuse_what_they_do_not_know(void)
{
	ran r;

	RUN_CLI(&r, NULL, "--data", data, "user");
	CHECK(refused(&r, "user add NAME --role ROLE"));
	RUN_CLI(&r, NULL, "--data", data, "user", "delete", "casey");
	CHECK(refused(&r, "user add NAME --role ROLE"));
	RUN_CLI(&r, NULL, "--data", data, "user", "list", "extra");
	CHECK(refused(&r, "user add NAME --role ROLE"));
	RUN_CLI(&r, NULL, "--data", data, "user", "list", "--role", "admin");
	CHECK(refused(&r, "--role is only for user add"));
	RUN_CLI(&r, NULL, "--data", data, "--role", "admin");
	CHECK(refused(&r, "--role is only for user add"));
}

static void user_changes_should_be_in_the_audit_log(void)
{
	char path[256], actions[512] = "";
	sqlite3 *db;
	sqlite3_stmt *q = NULL;

	snprintf(path, sizeof(path), "%s/planaloud.db", data);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db,
			       "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit "
			       "WHERE actor_kind = 'system' ORDER BY id)",
			       -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		snprintf(actions, sizeof(actions), "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	CHECK_STR(actions, "user_added user_added user_added user_disabled user_enabled "
			   "password_set");
}

static void help_should_describe_the_user_commands(void)
{
	ran r;

	RUN_CLI(&r, NULL, "--help");
	CHECK(r.status == 0);
	CHECK(strstr(r.out, "user add NAME --role") != NULL);
	CHECK(strstr(r.out, "user list") != NULL);
	CHECK(strstr(r.out, "user disable NAME") != NULL);
	CHECK(strstr(r.out, "--demo") != NULL);
}

/* ---- --demo ---- */

/* Starts the server with --demo on dir, reads the demo users' passwords from what it prints,
 * and stops it. 0, or -1 when it did not start or print them. */
static int demo_start(const char *dir, char *casey, char *morgan)
{
	const char *argv[] = {PLANALOUD_BINARY, "--port", "0",	    "--listen", "127.0.0.1",
			      "--data",		dir,	  "--demo", NULL};
	char out[8192];
	size_t len = 0;
	long long deadline = now_ms() + 30000;
	int fds[2], rc = -1, status;
	const char *c, *m;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(fds[1], 1);
		close(fds[0]), close(fds[1]);
		execv(PLANALOUD_BINARY, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	out[0] = '\0';
	while (!strstr(out, "Press Ctrl+C") && now_ms() < deadline && len + 1 < sizeof(out)) {
		struct pollfd p = {fds[0], POLLIN, 0};
		ssize_t got;

		if (poll(&p, 1, 200) <= 0)
			continue;
		got = read(fds[0], out + len, sizeof(out) - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
		out[len] = '\0';
	}
	c = strstr(out, "Demo caseworker: ");
	m = strstr(out, "Demo manager: ");
	if (c && m && sscanf(c, "Demo caseworker: casey / %63s", casey) == 1 &&
	    sscanf(m, "Demo manager: morgan / %63s", morgan) == 1)
		rc = 0;
	else
		fprintf(stderr, "  the demo server printed:\n%s\n", out);
	if (!strstr(out, "Demo plan code: "))
		rc = -1;
	/* and the same code in numbers: four groups of four digits from 2 to 9 */
	{
		const char *n = strstr(out, "The same in numbers: ");
		char numbers[32] = "";

		if (!n || sscanf(n, "The same in numbers: %24[23456789 ]", numbers) != 1 ||
		    strlen(numbers) != 19 || numbers[4] != ' ' || numbers[9] != ' ' ||
		    numbers[14] != ' ')
			rc = -1;
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	close(fds[0]);
	return rc;
}

static void demo_should_print_caseworker_and_manager_passwords_that_work_every_start(void)
{
	char dir[160], casey[64] = "", morgan[64] = "", casey2[64] = "", morgan2[64] = "";
	store *st;
	users *u;
	users_staff who;
	unsigned char token[USERS_TOKEN_BYTES];
	users_login_result r;
	long long wait;

	snprintf(dir, sizeof(dir), "%s/demo", tmpdir);
	CHECK(demo_start(dir, casey, morgan) == 0);
	CHECK(strlen(casey) >= 16 && strlen(morgan) >= 16);
	CHECK(strcmp(casey, morgan) != 0);
	CHECK(try_login(dir, "casey", casey) == USERS_LOGIN_OK);
	CHECK(try_login(dir, "morgan", morgan) == USERS_LOGIN_OK);
	if (open_data(dir, &st, &u) == 0) {
		CHECK(users_login(u, "casey", casey, &r, token, &who, &wait, NULL, 0) == 0);
		CHECK(r == USERS_LOGIN_OK && who.role == AUTH_CASEWORKER);
		CHECK(users_login(u, "morgan", morgan, &r, token, &who, &wait, NULL, 0) == 0);
		CHECK(r == USERS_LOGIN_OK && who.role == AUTH_MANAGER);
		CHECK(users_set_disabled(u, "morgan", 1, NULL, NULL, 0) == 0);
		close_data(st, u);
	}
	/* The next start gives new passwords that work (morgan is enabled again); the old do not.
	 */
	CHECK(demo_start(dir, casey2, morgan2) == 0);
	CHECK(strcmp(casey, casey2) != 0);
	CHECK(try_login(dir, "casey", casey2) == USERS_LOGIN_OK);
	CHECK(try_login(dir, "morgan", morgan2) == USERS_LOGIN_OK);
	CHECK(try_login(dir, "casey", casey) == USERS_LOGIN_WRONG);
}

/* ---- what the server makes on disk ---- */

/* 1 when path exists and nobody but its owner may read, write or enter it. */
static int owners_alone(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && (sb.st_mode & 077) == 0;
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

/* The demo plan is made the way a caseworker's invitation is: by the demo caseworker, with the
 * ways of managing the budget, and audited. */
static void the_demo_plan_should_be_invited_by_the_demo_caseworker(void)
{
	char dir[160], casey[64] = "", morgan[64] = "";

	snprintf(dir, sizeof(dir), "%s/demo-invite", tmpdir);
	CHECK(demo_start(dir, casey, morgan) == 0);
	CHECK(count_in(dir, "SELECT count(*) FROM plans p JOIN users u ON u.id = p.invited_by "
			    "WHERE u.name = 'casey' AND p.managing <> ''") == 1);
	CHECK(count_in(dir, "SELECT count(*) FROM audit a JOIN users u ON u.id = a.actor_id "
			    "WHERE a.action = 'plan_invited' AND a.actor_kind = 'staff' AND "
			    "u.name = 'casey'") == 1);
}

static void files_the_server_makes_should_be_the_owners_alone(void)
{
	char dir[160], path[256], casey[64] = "", morgan[64] = "";

	snprintf(dir, sizeof(dir), "%s/private", tmpdir);
	CHECK(demo_start(dir, casey, morgan) == 0);
	CHECK(owners_alone(dir));
	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	CHECK(owners_alone(path));
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	CHECK(owners_alone(path));
	snprintf(path, sizeof(path), "%s/audio", dir);
	CHECK(owners_alone(path));
}

/* A --data folder so long that a file's path inside it would not fit: it is refused, and no
 * file is made under a cut-short name (which once put the secret key beside the folder's
 * intended place). */
static void a_data_folder_too_long_for_its_files_should_be_refused_and_nothing_made(void)
{
	char dir[PATH_MAX], cut[PATH_MAX];
	size_t len;
	ran r;

	len = (size_t)snprintf(dir, sizeof(dir), "%s/", tmpdir);
	while (len < PATH_MAX - 12)
		len += (size_t)snprintf(dir + len, sizeof(dir) - len, "./");
	snprintf(dir + len, sizeof(dir) - len, "long");
	len = strlen(dir);
	CHECK(len + strlen("/secret.key") >= PATH_MAX && len < PATH_MAX - 1);
	RUN_CLI(&r, NULL, "--port", "0", "--data", dir);
	CHECK(r.status == 1);
	CHECK(strstr(r.err, "longer than") != NULL);
	snprintf(cut, sizeof(cut), "%s/long", tmpdir);
	CHECK(access(cut, F_OK) == 0); /* the folder itself fits, and was made */
	CHECK(rmdir(cut) == 0);	       /* and is empty: no key under a cut-short name */
	RUN_CLI(&r, "purple monkey dishwasher\n", "--data", dir, "user", "add", "sam", "--role",
		"caseworker");
	CHECK(r.status == 1);
	CHECK(strstr(r.err, "longer than") != NULL);
	CHECK(rmdir(cut) == 0);
}

/* `cmake --install` puts the program, web/, easyread/ and voices/ under a prefix; the installed
 * program finds its files there, wherever it is started from. */
static void an_installed_server_should_find_its_content_beside_it(void)
{
	char cmd[1024], bin[512];
	ran r;

	snprintf(cmd, sizeof(cmd), "cmake --install '%s' --prefix '%s/inst' >/dev/null",
		 PLANALOUD_BUILD_DIR, tmpdir);
	CHECK(system(cmd) == 0);
	snprintf(bin, sizeof(bin), "%s/inst/bin/planaloud", tmpdir);
	CHECK(access(bin, X_OK) == 0);
	snprintf(cmd, sizeof(cmd), "cd / && '%s' --check-content > '%s/check.out' 2>&1", bin,
		 tmpdir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "grep -q 'content is fine' '%s/check.out'", tmpdir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "test -f '%s/inst/share/planaloud/web/index.html'", tmpdir);
	CHECK(system(cmd) == 0);
	/* Moved elsewhere, it still finds them: nothing of the install prefix is built in. */
	snprintf(cmd, sizeof(cmd),
		 "mv '%s/inst' '%s/moved' && cd / && '%s/moved/bin/planaloud' "
		 "--check-content >/dev/null 2>&1",
		 tmpdir, tmpdir, tmpdir);
	CHECK(system(cmd) == 0);
	(void)r;
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
	testsrv_watchdog(240);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-cli-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(data, sizeof(data), "%s/data", tmpdir);
	RUN(user_add_should_make_a_user_who_can_log_in);
	RUN(user_add_should_take_its_options_in_any_order_and_a_crlf_line);
	RUN(user_add_should_refuse_a_short_password_and_change_nothing);
	RUN(user_add_should_refuse_a_password_over_256_bytes);
	RUN(user_add_should_refuse_no_password);
	RUN(user_add_should_refuse_a_bad_name_before_touching_the_database);
	RUN(user_add_should_refuse_a_role_that_does_not_exist);
	RUN(user_add_should_refuse_a_name_already_taken_in_any_case);
	RUN(user_list_should_show_names_roles_and_state);
	RUN(user_disable_should_stop_logins_and_enable_should_allow_them_again);
	RUN(user_password_should_replace_a_password);
	RUN(user_disable_should_keep_the_last_admin);
	RUN(user_commands_should_refuse_what_they_do_not_know);
	RUN(user_changes_should_be_in_the_audit_log);
	RUN(files_the_server_makes_should_be_the_owners_alone);
	RUN(a_data_folder_too_long_for_its_files_should_be_refused_and_nothing_made);
	RUN(an_installed_server_should_find_its_content_beside_it);
	RUN(help_should_describe_the_user_commands);
	RUN(demo_should_print_caseworker_and_manager_passwords_that_work_every_start);
	RUN(the_demo_plan_should_be_invited_by_the_demo_caseworker);
	remove_tmpdir();
	return check_report();
}
