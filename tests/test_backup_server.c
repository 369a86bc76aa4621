/* test_backup_server: "never lose the database", as council IT would prove it. The real server
 * runs with kiosk connections saving answers without pause; `planaloud backup` is run in the
 * middle of it; the backup is restored into a new folder, checked, and served by a second server,
 * where every person's code opens their plan and every answer acknowledged before the backup
 * began is there (or a later one). Also: a restore is refused while the server runs, a damaged or
 * foreign file and a backup without its key are refused with nothing changed, a backup to a place
 * that cannot be written fails plainly and is recorded, and a backup folder keeps the newest N. */
#include "check.h"
#include "runbin.h"
#include "wsclient.h"

#include "store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 10000
#define HOST	"127.0.0.1"
#define PEOPLE	8
#define NPAGES	15
#define AFTER	5 /* rounds of saves after the backup has finished */

static testsrv srv;
static char tmpdir[64];

/* Pages whose answer is one text the page shows back (page.value). */
static const char *const pages[NPAGES] = {
    "like-admire",	   "important-people",	  "important-places",
    "important-routines",  "important-things",	  "support-good-days",
    "support-bad-days",	   "communicate",	  "important",
    "supported-family",	   "supported-community", "supported-paid",
    "supported-equipment", "needs-missing",	  "control",
};

typedef struct person {
	wsclient *c;
	char code[64];
	int sent;		  /* answers sent: the n of the next one */
	int acked_before[NPAGES]; /* per page, the highest n acknowledged before the backup began
				     (0: none) */
} person;

static person people[PEOPLE];

static void path_in(char *out, size_t n, const char *dir, const char *name)
{
	if (snprintf(out, n, "%s/%s", dir, name) >= (int)n)
		out[0] = '\0'; /* never a path cut short */
}

static wsclient *connect_fresh(int port)
{
	wsclient *c = wsclient_connect(HOST, port, NULL);

	if (!c)
		return NULL;
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* hello */
	cJSON_Delete(wsclient_recv_json(c, WAIT_MS)); /* welcome */
	return c;
}

/* Each person starts a plan without a code and keeps the code they are given. */
static int open_people(void)
{
	for (int k = 0; k < PEOPLE; k++) {
		cJSON *m;

		people[k].c = connect_fresh(srv.port);
		if (!people[k].c)
			return -1;
		m = wsclient_ask(people[k].c, "{\"type\":\"new_plan\",\"seq\":1}", WAIT_MS);
		if (!json_is_msg(m, "page", "code") || !json_str(m, "page.code")) {
			cJSON_Delete(m);
			return -1;
		}
		snprintf(people[k].code, sizeof(people[k].code), "%s", json_str(m, "page.code"));
		cJSON_Delete(m);
	}
	return 0;
}

/* One round: every person sends their next answer, then every acknowledgement is read. Answers
 * acknowledged while before_backup is set are remembered. 0, or -1 when one was not acked. */
static int save_round(int before_backup)
{
	char text[512];

	for (int k = 0; k < PEOPLE; k++) {
		int n = ++people[k].sent;

		snprintf(text, sizeof(text),
			 "{\"type\":\"answer\",\"seq\":%d,\"page\":\"%s\",\"value\":\"n=%d from "
			 "person %d: Cymraeg ŵŷ, Polski zażółć\"}",
			 n + 10, pages[n % NPAGES], n, k);
		if (wsclient_send_text(people[k].c, text))
			return -1;
	}
	for (int k = 0; k < PEOPLE; k++) {
		int n = people[k].sent;
		cJSON *m = wsclient_recv_json(people[k].c, WAIT_MS);
		int ok = json_is_msg(m, "saved", NULL) && json_num(m, "seq", -1) == n + 10;

		cJSON_Delete(m);
		if (!ok)
			return -1;
		if (before_backup)
			people[k].acked_before[n % NPAGES] = n;
	}
	return 0;
}

/* Starts `planaloud --data DIR backup DEST` without waiting; its output goes to log. */
static pid_t start_backup(const char *dir, const char *dest, const char *log)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(PLANALOUD_BINARY, PLANALOUD_BINARY, "--data", dir, "backup", dest,
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The n of the answer the server now shows on page for this connection's plan; 0 for none. */
static int shown_n(wsclient *c, const char *page)
{
	cJSON *m = wsclient_askf(c, WAIT_MS, "{\"type\":\"go\",\"to\":\"%s\"}", page);
	const char *v = json_str(m, "page.value");
	int n = 0;

	if (!v || sscanf(v, "n=%d", &n) != 1)
		n = 0;
	cJSON_Delete(m);
	return n;
}

static int mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

static int count_entries(const char *dir, const char *containing)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strstr(e->d_name, containing))
			n++;
	closedir(d);
	return n;
}

/* The whole file, as a BLAKE2b hash: what "nothing changed" compares. */
static void file_hash(const char *path, unsigned char out[32])
{
	crypto_generichash_state st;
	unsigned char buf[8192];
	FILE *f = fopen(path, "rb");
	size_t got;

	crypto_generichash_init(&st, NULL, 0, 32);
	while (f && (got = fread(buf, 1, sizeof(buf), f)) > 0)
		crypto_generichash_update(&st, buf, got);
	if (f)
		fclose(f);
	crypto_generichash_final(&st, out, 32);
}

/* ---- the tests ---- */

static char backup_path[256]; /* the backup taken under load, used by the later tests */
static char restored[256];    /* the folder it was restored into */

static void a_backup_under_save_load_should_restore_every_acknowledged_answer(void)
{
	char log[256], out[4096] = "";
	int status = -1, during = 0, rounds_before = 0;
	pid_t pid;
	ran r;
	testsrv second = {0};
	FILE *f;

	CHECK(open_people() == 0);
	/* saves under way before the backup begins */
	for (int i = 0; i < 2 * NPAGES; i++)
		rounds_before += save_round(1) == 0;
	CHECK(rounds_before == 2 * NPAGES);
	path_in(backup_path, sizeof(backup_path), tmpdir, "backups/under-load.db");
	path_in(log, sizeof(log), tmpdir, "backup.log");
	path_in(out, sizeof(out), tmpdir, "backups");
	CHECK(mkdir(out, 0700) == 0);
	pid = start_backup(srv.dir, backup_path, log);
	CHECK(pid > 0);
	/* the saves go on while it runs, and after */
	while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
		CHECK(save_round(0) == 0);
		during++;
	}
	for (int i = 0; i < AFTER; i++)
		CHECK(save_round(0) == 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f = fopen(log, "r");
	if (f) {
		out[fread(out, 1, sizeof(out) - 1, f)] = '\0';
		fclose(f);
	}
	CHECK(strstr(out, "event=backup-done") != NULL);
	printf("  %d rounds of %d saves were acknowledged while the backup ran\n", during, PEOPLE);
	CHECK(mode_of(backup_path) == 0600);
	path_in(log, sizeof(log), tmpdir, "backups/secret.key");
	CHECK(mode_of(log) == 0600); /* the key the codes need went beside it */

	/* restored into a new folder, checked, and served */
	path_in(restored, sizeof(restored), tmpdir, "restored");
	RUN_BIN(&r, NULL, "--data", restored, "restore", backup_path);
	CHECK(r.status == 0);
	CHECK(mode_of(restored) == 0700);
	RUN_BIN(&r, NULL, "--data", restored, "check");
	CHECK(r.status == 0);
	if (r.status)
		fprintf(stderr, "  check said: %s%s\n", r.out, r.err);
	CHECK(testsrv_start(&second, PLANALOUD_BINARY, restored, 0, NULL) == 0);
	for (int k = 0; k < PEOPLE && second.pid; k++) {
		wsclient *c = connect_fresh(second.port);
		cJSON *m = c ? wsclient_askf(c, WAIT_MS,
					     "{\"type\":\"code\",\"seq\":1,"
					     "\"code\":\"%s\"}",
					     people[k].code)
			     : NULL;

		CHECK(json_is_msg(m, "page", NULL) && json_bool(m, "page.plan_open") == 1);
		cJSON_Delete(m);
		for (int p = 0; c && p < NPAGES; p++) {
			int n = shown_n(c, pages[p]);

			if (n < people[k].acked_before[p])
				fprintf(stderr,
					"  person %d, %s: acknowledged n=%d, restored n=%d\n", k,
					pages[p], people[k].acked_before[p], n);
			CHECK(n >= people[k].acked_before[p]);
		}
		wsclient_free(c);
	}
	testsrv_stop(&second);
}

static void a_restore_should_be_refused_while_the_server_runs_on_the_folder(void)
{
	char db[256];
	unsigned char before[32], after[32];
	ran r;

	path_in(db, sizeof(db), srv.dir, "planaloud.db");
	file_hash(db, before);
	RUN_BIN(&r, NULL, "--data", srv.dir, "restore", backup_path);
	CHECK(r.status == 1);
	CHECK(r.out[0] == '\0' && strstr(r.err, srv.dir) != NULL);
	file_hash(db, after);
	CHECK(memcmp(before, after, 32) == 0);
	CHECK(count_entries(srv.dir, "before-restore") == 0);
	/* the server never noticed: saves go on */
	CHECK(save_round(0) == 0);
}

/* A restore of src into the restored folder must fail and leave every file there as it was. */
static void refused_and_unchanged(const char *src)
{
	char db[256], key[256];
	unsigned char db_before[32], db_after[32], key_before[32], key_after[32];
	int entries = count_entries(restored, "");
	ran r;

	path_in(db, sizeof(db), restored, "planaloud.db");
	path_in(key, sizeof(key), restored, "secret.key");
	file_hash(db, db_before);
	file_hash(key, key_before);
	RUN_BIN(&r, NULL, "--data", restored, "restore", src);
	CHECK(r.status == 1 && r.out[0] == '\0' && strstr(r.err, "planaloud: ") != NULL);
	CHECK(!strstr(r.err, "SQL") && !strstr(r.err, "sqlite"));
	file_hash(db, db_after);
	file_hash(key, key_after);
	CHECK(memcmp(db_before, db_after, 32) == 0 && memcmp(key_before, key_after, 32) == 0);
	CHECK(count_entries(restored, "") == entries);
}

static void a_damaged_or_foreign_file_should_be_refused_and_nothing_changed(void)
{
	char damaged[256], text[256], buf[8192];
	FILE *in, *out;
	size_t got, at = 0;

	/* a real backup with pages in its middle overwritten */
	path_in(damaged, sizeof(damaged), tmpdir, "backups/damaged.db");
	in = fopen(backup_path, "rb");
	out = fopen(damaged, "wb");
	CHECK(in && out);
	while (in && out && (got = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (at >= 4 * 4096 && at < 12 * 4096)
			memset(buf, 0x5a, got);
		fwrite(buf, 1, got, out);
		at += got;
	}
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	refused_and_unchanged(damaged);
	/* a file that is not a database at all */
	path_in(text, sizeof(text), tmpdir, "backups/notes.db");
	out = fopen(text, "w");
	if (out) {
		fputs("These are not the plans you are looking for.\n", out);
		fclose(out);
	}
	refused_and_unchanged(text);
	/* one that does not exist */
	path_in(text, sizeof(text), tmpdir, "backups/missing.db");
	refused_and_unchanged(text);
}

static void a_backup_without_its_secret_key_should_not_be_restored(void)
{
	char lone_dir[256], lone[256], fresh[256], cmd[1024];
	ran r;

	/* the backup alone in a folder, restored into a folder whose key is another's */
	path_in(lone_dir, sizeof(lone_dir), tmpdir, "lone");
	path_in(lone, sizeof(lone), lone_dir, "plans.db");
	CHECK(mkdir(lone_dir, 0700) == 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", backup_path, lone);
	CHECK(system(cmd) == 0);
	path_in(fresh, sizeof(fresh), tmpdir, "fresh");
	RUN_BIN(&r, NULL, "--data", fresh, "check"); /* no database there: check says so */
	CHECK(r.status == 1);
	{
		testsrv other = {0};

		CHECK(testsrv_start(&other, PLANALOUD_BINARY, fresh, 0, NULL) == 0);
		testsrv_stop(&other); /* fresh now has a database and a key of its own */
	}
	{
		char db[256];
		unsigned char before[32], after[32];

		path_in(db, sizeof(db), fresh, "planaloud.db");
		file_hash(db, before);
		RUN_BIN(&r, NULL, "--data", fresh, "restore", lone);
		CHECK(r.status == 1 && strstr(r.err, "secret.key") != NULL);
		file_hash(db, after);
		CHECK(memcmp(before, after, 32) == 0);
		CHECK(count_entries(fresh, "before-restore") == 0);
	}
}

static void a_server_should_refuse_a_key_that_is_not_its_databases(void)
{
	char key[256];
	unsigned char other[32];
	testsrv s = {0};
	FILE *f;

	/* the restored folder given a key of its own: no code would work, so it does not start */
	path_in(key, sizeof(key), restored, "secret.key");
	randombytes_buf(other, sizeof(other));
	f = fopen(key, "wb");
	CHECK(f && fwrite(other, 1, sizeof(other), f) == sizeof(other));
	if (f)
		fclose(f);
	fprintf(stderr, "  (a refusal to start is expected next)\n");
	CHECK(testsrv_start(&s, PLANALOUD_BINARY, restored, 0, NULL) != 0);
	testsrv_kill(&s);
	/* restoring the backup again puts its own key back, keeping this one aside */
	{
		ran r;

		RUN_BIN(&r, NULL, "--data", restored, "restore", backup_path);
		CHECK(r.status == 0);
		CHECK(count_entries(restored, "secret.key.before-restore-") == 1);
		CHECK(count_entries(restored, "planaloud.db.before-restore-") >= 1);
		RUN_BIN(&r, NULL, "--data", restored, "check");
		CHECK(r.status == 0);
	}
}

static void a_backup_to_a_place_that_cannot_be_written_should_fail_plainly_and_be_recorded(void)
{
	char bad[256], db[256], err[STORE_ERR_LEN];
	store_backup_row last, good;
	store *st;
	ran r;

	/* a folder that is really a file: root or not, nobody can write there */
	path_in(bad, sizeof(bad), tmpdir, "backups/under-load.db/tonight.db");
	RUN_BIN(&r, NULL, "--data", srv.dir, "backup", bad);
	CHECK(r.status == 1 && r.out[0] == '\0');
	CHECK(strstr(r.err, "event=backup-failed") != NULL && strstr(r.err, "planaloud: ") != NULL);
	path_in(db, sizeof(db), srv.dir, "planaloud.db");
	st = store_open(db, err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK(store_last_backup(st, 0, &last) == 0 && last.ok == 0 && last.bytes == 0);
	CHECK(store_last_backup(st, 1, &good) == 0 && good.ok == 1 && good.bytes > 0);
	CHECK(good.at_ms <= last.at_ms);
	store_close(st);
}

static void a_backup_folder_should_keep_the_newest_n(void)
{
	char folder[256], key[256];
	ran r;

	path_in(folder, sizeof(folder), tmpdir, "daily");
	for (int i = 0; i < 4; i++) {
		RUN_BIN(&r, NULL, "--data", srv.dir, "backup", folder, "--keep", "2");
		CHECK(r.status == 0); /* each is named to the millisecond */
	}
	CHECK(mode_of(folder) == 0700);
	CHECK(count_entries(folder, "planaloud-") == 2);
	path_in(key, sizeof(key), folder, "secret.key");
	CHECK(mode_of(key) == 0600);
	RUN_BIN(&r, NULL, "--data", srv.dir, "backup", folder, "--keep", "0");
	CHECK(r.status == 2);
	RUN_BIN(&r, NULL, "--data", srv.dir, "check", "--keep", "2");
	CHECK(r.status == 2);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	testsrv_watchdog(240);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/planaloud-backup-XXXXXX");
	if (!mkdtemp(tmpdir) || testsrv_start(&srv, PLANALOUD_BINARY, NULL, 0, NULL)) {
		fprintf(stderr, "cannot start\n");
		return 1;
	}
	RUN(a_backup_under_save_load_should_restore_every_acknowledged_answer);
	RUN(a_restore_should_be_refused_while_the_server_runs_on_the_folder);
	RUN(a_damaged_or_foreign_file_should_be_refused_and_nothing_changed);
	RUN(a_backup_without_its_secret_key_should_not_be_restored);
	RUN(a_server_should_refuse_a_key_that_is_not_its_databases);
	RUN(a_backup_to_a_place_that_cannot_be_written_should_fail_plainly_and_be_recorded);
	RUN(a_backup_folder_should_keep_the_newest_n);
	for (int k = 0; k < PEOPLE; k++)
		wsclient_free(people[k].c);
	testsrv_stop(&srv);
	testsrv_cleanup(&srv);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return check_report();
}
