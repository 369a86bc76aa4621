/* backup: how long `planaloud backup` takes while the server runs on a database of many plans,
 * and how much it slows people's saves meanwhile.
 *
 * The plans (each with its answers, as long as people's) are made through the server's own store
 * in this process; the server starts on them. Then `save` runs three times against it, each in a
 * process of its own (the same closed-loop typists: planaloud-bench save --no-spawn): first
 * alone, then while this process runs `planaloud backup` into a folder again and again until that
 * save run ends (its direct baseline included, after the saves through the server), then alone
 * again. The runs' save latencies are printed by `save` itself; this prints how long the backups
 * took, first three with nobody saving, then those beside the second run. */
#include "bench.h"
#include "err.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKUP_PLANS_DEFAULT	5000
#define BACKUP_ANSWERS_DEFAULT	20
#define BACKUP_SESSIONS_DEFAULT 50
#define BACKUP_SECONDS_DEFAULT	10
#define BACKUP_BATCH		500 /* plans made in one commit */

void backup_usage(FILE *f)
{
	fprintf(f,
		"Usage: planaloud-bench backup [--plans N] [--answers N] [--sessions N]\n"
		"                              [--seconds S] [--dir DIR]\n"
		"\n"
		"Makes a database of N plans (default %d) with --answers answers each (default\n"
		"%d, 300 characters), starts the server on it, and runs `save` with --sessions\n"
		"typists (default %d) for --seconds (default %d) three times: alone, while\n"
		"`planaloud backup` runs again and again, and alone again. Prints the runs'\n"
		"save latencies and how long the backups took (three first with nobody\n"
		"saving).\n",
		BACKUP_PLANS_DEFAULT, BACKUP_ANSWERS_DEFAULT, BACKUP_SESSIONS_DEFAULT,
		BACKUP_SECONDS_DEFAULT);
}

static int make_plan(store *st, int i, int answers, char *err, size_t errlen)
{
	unsigned char hash[STORE_HASH_BYTES] = {0};
	char page[32], value[320];
	long long plan, visit;

	memcpy(hash, &i, sizeof(i));
	hash[STORE_HASH_BYTES - 1] = 0xba;
	if (store_plan_create(st, hash, "", -1, &plan, err, errlen) ||
	    store_visit_start(st, plan, &visit))
		return -1;
	for (int a = 0; a < answers; a++) {
		snprintf(page, sizeof(page), "page-%d", a);
		snprintf(value, sizeof(value),
			 "Plan %d, answer %d. I like my home and my friends. People say I am kind "
			 "and I help them. I go to the park on Sunday with my dog. I am good at "
			 "cooking and I make cakes for my sister and her children every week, and "
			 "on Fridays I go swimming at the leisure centre with my support worker.",
			 i, a);
		if (store_answer_set(st, plan, visit, page, 0, "", value, err, errlen))
			return -1;
	}
	return 0;
}

static int make_database(const char *dir, int plans, int answers, char *err, size_t errlen)
{
	char path[4300];
	store *st;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, errlen);
	if (!st)
		return -1;
	for (int i = 0; i < plans; i += BACKUP_BATCH) {
		if (store_request_begin(st, err, errlen))
			goto out;
		for (int k = i; k < plans && k < i + BACKUP_BATCH; k++)
			if (make_plan(st, k, answers, err, errlen)) {
				store_request_undo(st);
				goto out;
			}
		if (store_request_end(st) || store_commit(st, err, errlen))
			goto out;
	}
	rc = 0;
out:
	store_close(st);
	return rc;
}

/* This program (argv0 as /proc says) or the server beside it. */
static int beside(char *out, size_t n, const char *name)
{
	char self[4096], *slash;
	ssize_t got = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (got <= 0)
		return -1;
	self[got] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(out, n, "%s/%s", self, name) < (int)n ? 0 : -1;
}

/* `planaloud-bench save --no-spawn` against the port, started (not waited for). */
static pid_t start_save(int port, int sessions, int seconds)
{
	char self[4096], p[16], n[16], s[16];
	pid_t pid;

	if (beside(self, sizeof(self), "planaloud-bench"))
		return -1;
	snprintf(p, sizeof(p), "%d", port);
	snprintf(n, sizeof(n), "%d", sessions);
	snprintf(s, sizeof(s), "%d", seconds);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl(self, self, "save", "--no-spawn", "--port", p, "--sessions", n, "--seconds",
		      s, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* One `planaloud backup` into folder, timed; its output hidden. 0, or -1. */
static int one_backup(const char *data, const char *folder, uint64_t *ns)
{
	char bin[4096];
	uint64_t t0 = now_ns();
	int status = -1;
	pid_t pid;

	if (beside(bin, sizeof(bin), "planaloud"))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execl(bin, bin, "--data", data, "backup", folder, "--keep", "2", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	*ns = now_ns() - t0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The second save run, with backups one after another until it ends. */
static int save_beside_backups(const char *work, const char *data, int port, int sessions,
			       int seconds)
{
	char folder[4200];
	samples took = {0};
	uint64_t ns;
	int status = -1, failed = 0;
	pid_t pid = start_save(port, sessions, seconds);

	snprintf(folder, sizeof(folder), "%s/backups", work);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, WNOHANG) == 0 && !bench_interrupted()) {
		if (one_backup(data, folder, &ns) == 0)
			samples_add(&took, ns);
		else
			failed++;
	}
	if (bench_interrupted()) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	printf("\nBackups while those saves ran: %zu (%d failed)\n", took.n, failed);
	print_dist("  one backup (start to checked, recorded and pruned)", &took);
	free(took.v);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && failed == 0 ? 0 : -1;
}

/* Three backups with nobody saving: the time a backup takes by itself. */
static int idle_backups(const char *work, const char *data)
{
	char folder[4200];
	samples took = {0};
	uint64_t ns;
	int rc = 0;

	snprintf(folder, sizeof(folder), "%s/backups", work);
	for (int i = 0; i < 3 && rc == 0; i++)
		if (one_backup(data, folder, &ns) || samples_add(&took, ns))
			rc = -1;
	printf("\nBackups with nobody saving: %zu\n", took.n);
	print_dist("  one backup (start to checked, recorded and pruned)", &took);
	free(took.v);
	return rc;
}

static int backup_run(const char *work, int plans, int answers, int sessions, int seconds)
{
	char data[4200], db[4300], err[ERR_LEN] = "";
	bench_server *sv = NULL;
	size_t texts = 0;
	uint64_t t0 = now_ns();
	struct stat sb;
	int status = -1, rc = 1;
	pid_t pid;

	snprintf(data, sizeof(data), "%s/data", work);
	snprintf(db, sizeof(db), "%s/planaloud.db", data);
	if (mkdir(data, 0700) || make_database(data, plans, answers, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err[0] ? err : strerror(errno));
		return 1;
	}
	printf("%d plans with %d answers each made in %.1f s: the database is %.1f MB\n", plans,
	       answers, (double)(now_ns() - t0) / NS_PER_S,
	       stat(db, &sb) == 0 ? (double)sb.st_size / 1e6 : -1.0);
	sv = bench_server_start(data, 0, err, sizeof(err));
	if (!sv) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		goto out;
	}
	bench_server_print(sv);
	if (bench_server_wait_ready(bench_server_port(sv), &texts, err, sizeof(err)))
		goto out;
	if (idle_backups(work, data))
		goto out;
	printf("\n== saves alone ==\n");
	pid = start_save(bench_server_port(sv), sessions, seconds);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		goto out;
	printf("\n== saves while backups run one after another ==\n");
	if (save_beside_backups(work, data, bench_server_port(sv), sessions, seconds))
		goto out;
	/* again alone: the machine and the database change over a run, so the two alone runs
	 * show how much of a difference is the backups' */
	printf("\n== saves alone again ==\n");
	pid = start_save(bench_server_port(sv), sessions, seconds);
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		rc = 0;
out:
	bench_server_free(sv);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	enum { O_PLANS = 1, O_ANSWERS, O_SESSIONS, O_SECONDS, O_DIR, O_HELP };
	static const struct option opts[] = {
	    {"plans", required_argument, NULL, O_PLANS},
	    {"answers", required_argument, NULL, O_ANSWERS},
	    {"sessions", required_argument, NULL, O_SESSIONS},
	    {"seconds", required_argument, NULL, O_SECONDS},
	    {"dir", required_argument, NULL, O_DIR},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *base = getenv("TMPDIR");
	int opt, plans = BACKUP_PLANS_DEFAULT, answers = BACKUP_ANSWERS_DEFAULT,
		 sessions = BACKUP_SESSIONS_DEFAULT, seconds = BACKUP_SECONDS_DEFAULT, rc;
	char work[4096];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_PLANS && !parse_int(optarg, 1, 10000000, &plans))
			continue;
		if (opt == O_ANSWERS && !parse_int(optarg, 0, 200, &answers))
			continue;
		if (opt == O_SESSIONS && !parse_int(optarg, 1, 10000, &sessions))
			continue;
		if (opt == O_SECONDS && !parse_int(optarg, 1, 600, &seconds))
			continue;
		if (opt == O_DIR) {
			base = optarg;
			continue;
		}
		backup_usage(opt == O_HELP ? stdout : stderr);
		return opt == O_HELP ? 0 : 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	bench_signals_catch();
	if (bench_work_folder(work, sizeof(work), base, "backup"))
		return 1;
	rc = backup_run(work, plans, answers, sessions, seconds);
	remove_dir(work);
	return rc;
}
