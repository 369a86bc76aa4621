/* caseload: how long the staff caseload takes on the real server when the database holds many
 * plans, a quarter of them with an open flag (as anonymous kiosk plans could make). The server
 * answers every connection on one event loop, so while it builds a caseload every kiosk waits:
 * the time to the reply is the time the loop is busy.
 *
 * The plans are made through the server's own store (store.h) in this process before the
 * server starts: half with a person's name, half started at the kiosk without one, in every
 * status, each changed at its own time; every fourth has an open flag (safeguarding, advocacy
 * or the person's review request, in turn). Then a caseworker logs in as the login form does,
 * opens the staff websocket and asks `caseload` (page 1, then the last page) N times each. */
#include "bench.h"
#include "err.h"
#include "plan.h"
#include "store.h"
#include "testsrv.h"
#include "users.h"
#include "wsclient.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CASELOAD_PLANS_DEFAULT 8000
#define CASELOAD_RUNS_DEFAULT  5
#define CASELOAD_WAIT_MS       600000 /* the old caseload at 100,000 plans took minutes */
#define CASELOAD_BATCH	       2000   /* plans made in one commit */
#define CASELOAD_USER	       "casey"
#define CASELOAD_PW	       "casey long password"

void caseload_usage(FILE *f)
{
	fprintf(f,
		"Usage: planaloud-bench caseload [--plans N] [--runs N] [--dir DIR]\n"
		"\n"
		"Makes a database of N plans (default %d; a quarter with an open flag), starts\n"
		"the server on it, logs in as a caseworker and times `caseload` replies: the\n"
		"first page and the last page, --runs times each (default %d). The server\n"
		"answers everyone on one event loop: this is how long it is busy (the time to\n"
		"the reply, and the loop's own CPU time, which other programs do not inflate).\n"
		"The first request, which may move plans due for review, is not counted.\n",
		CASELOAD_PLANS_DEFAULT, CASELOAD_RUNS_DEFAULT);
}

/* Plan i: its status, whether it has a name, its flag ("" for none). */
static void plan_of(int i, plan_status *status, int *named, const char **flag)
{
	static const char *const kinds[] = {"safeguarding", "advocacy", "review"};

	*status = (plan_status)(i % PLAN_STATUS_COUNT);
	*named = i % 2;
	*flag = i % 4 == 0 ? kinds[(i / 4) % 3] : "";
}

static int make_plan(store *st, int i, long long now_ms, char *err, size_t errlen)
{
	unsigned char hash[STORE_HASH_BYTES] = {0};
	char name[64] = "";
	const char *flag;
	plan_status status;
	long long plan, visit;
	int named, raised;

	plan_of(i, &status, &named, &flag);
	memcpy(hash, &i, sizeof(i));
	hash[STORE_HASH_BYTES - 1] = 0xca;
	if (named)
		snprintf(name, sizeof(name), "Person %d", i);
	if (store_plan_create(st, hash, name, -1, &plan, err, errlen) ||
	    (status != PLAN_DRAFT && store_plan_move(st, plan, PLAN_DRAFT, status, now_ms)) ||
	    store_plan_touch(st, plan, now_ms - (long long)(i % 9973) * 60000) ||
	    (*flag && (store_visit_start(st, plan, &visit) ||
		       store_flag_raise(st, plan, visit, flag, "", &raised))))
		return err[0] ? -1 : err_set(err, errlen, "making plan %d failed", i);
	return 0;
}

/* The data folder's database: a caseworker, and the plans. */
static int make_database(const char *dir, int plans, char *err, size_t errlen)
{
	char path[4300];
	long long wall_ms = (long long)time(NULL) * 1000;
	store *st;
	users *u = NULL;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/planaloud.db", dir);
	st = store_open(path, err, errlen);
	if (!st)
		return -1;
	u = users_new(st);
	if (!u ||
	    users_add(u, CASELOAD_USER, AUTH_CASEWORKER, CASELOAD_PW, NULL, NULL, err, errlen))
		goto out;
	for (int i = 0; i < plans; i += CASELOAD_BATCH) {
		if (store_request_begin(st, err, errlen))
			goto out;
		for (int k = i; k < plans && k < i + CASELOAD_BATCH; k++)
			if (make_plan(st, k, wall_ms, err, errlen)) {
				store_request_undo(st);
				goto out;
			}
		if (store_request_end(st) || store_commit(st, err, errlen))
			goto out;
	}
	rc = 0;
out:
	users_free(u);
	store_close(st);
	return rc;
}

/* Logs in as the login form does, and opens the staff websocket. NULL (said) on failure. */
static wsclient *caseworker(int port)
{
	char origin[64], headers[4096], value[256], cookie[256];
	wsclient_opts o = {origin, NULL, NULL};
	wsclient *c;
	int status;

	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", port);
	status = http_post_form(port, "/staff/auth/login", origin, NULL,
				"name=" CASELOAD_USER "&password=casey+long+password", headers,
				sizeof(headers));
	if (status != 303 || http_header(headers, "Set-Cookie", value, sizeof(value))) {
		fprintf(stderr, "planaloud-bench: logging in failed (%d)\n", status);
		return NULL;
	}
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(value, ";"), value);
	c = wsclient_open_as("127.0.0.1", port, &o, "planaloud-staff", cookie, NULL);
	if (!c)
		fprintf(stderr, "planaloud-bench: the staff websocket did not open\n");
	return c;
}

typedef struct asked {
	samples ms;
	size_t bytes;
	int rows, total, pages;
	double cpu0, cpu; /* the event loop's CPU seconds: at the start, and used by the asking */
} asked;

/* CPU seconds (user + system) the server's event loop (its main thread) has used; -1 when
 * unknown. Unlike the time to a reply, this does not grow when other programs share the CPUs. */
static double loop_cpu_seconds(pid_t pid)
{
	char path[96], line[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stat", (long)pid, (long)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	p = ok ? strrchr(line, ')') : NULL;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Asks for one page (0: no page given, as an older page does) and times the reply. */
static int ask_page(wsclient *c, int page, asked *a)
{
	char msg[96], *text = NULL;
	uint64_t t0;
	size_t len = 0;
	cJSON *m;
	int got;

	if (page > 0)
		snprintf(msg, sizeof(msg), "{\"type\":\"caseload\",\"seq\":1,\"page\":%d}", page);
	else
		snprintf(msg, sizeof(msg), "{\"type\":\"caseload\",\"seq\":1}");
	t0 = now_ns();
	if (wsclient_send_text(c, msg))
		return -1;
	got = wsclient_recv(c, CASELOAD_WAIT_MS, &text, &len, NULL);
	if (got != 1) {
		fprintf(stderr, "planaloud-bench: no caseload within %d s (%s)\n",
			CASELOAD_WAIT_MS / 1000, got == 0 ? "timed out" : "the server closed");
		return -1;
	}
	samples_add(&a->ms, now_ns() - t0);
	m = cJSON_Parse(text);
	free(text);
	if (!json_is_msg(m, "caseload", NULL)) {
		cJSON_Delete(m);
		return -1;
	}
	a->bytes = len;
	a->rows = json_count(m, "plans");
	a->total = (int)json_num(m, "total", a->rows);
	a->pages = (int)json_num(m, "pages", 1);
	cJSON_Delete(m);
	return 0;
}

static void print_asked(const char *what, asked *a)
{
	samples_sort(&a->ms);
	printf("  %-28s median %9.2f ms   max %9.2f ms   loop CPU %8.2f ms each   reply %8zu "
	       "bytes, %d rows of %d\n",
	       what, percentile_ms(&a->ms, 50), max_ms(&a->ms),
	       a->ms.n && a->cpu >= 0 ? a->cpu * 1000 / (double)a->ms.n : -1, a->bytes, a->rows,
	       a->total);
}

/* Asks for page (as ask_page) runs times, counting the loop's CPU. */
static int ask_pages(wsclient *c, pid_t pid, int page, int runs, asked *a)
{
	double cpu0 = loop_cpu_seconds(pid);

	for (int r = 0; r < runs && !bench_interrupted(); r++)
		if (ask_page(c, page, a))
			return -1;
	a->cpu = cpu0 >= 0 ? loop_cpu_seconds(pid) - cpu0 : -1;
	return 0;
}

/* The yardstick: `me`, the smallest staff request (the login is checked, as for every one). */
static int ask_me(wsclient *c, samples *ms)
{
	uint64_t t0 = now_ns();
	cJSON *m = wsclient_ask(c, "{\"type\":\"me\",\"seq\":1}", CASELOAD_WAIT_MS);
	int ok = json_is_msg(m, "me", NULL);

	cJSON_Delete(m);
	return ok && samples_add(ms, now_ns() - t0) == 0 ? 0 : -1;
}

static int measure(int port, pid_t pid, int runs)
{
	asked first = {0}, last = {0};
	samples me = {0};
	wsclient *c = caseworker(port);
	int rc = -1;

	if (!c)
		return -1;
	for (int r = 0; r < runs && !bench_interrupted(); r++)
		if (ask_me(c, &me))
			goto out;
	/* The first read may move plans due for review (written and audited): not counted. */
	if (ask_page(c, 0, &first))
		goto out;
	free(first.ms.v);
	first.ms = (samples){0};
	if (ask_pages(c, pid, 0, runs, &first) ||
	    (first.pages > 1 && ask_pages(c, pid, first.pages, runs, &last)))
		goto out;
	printf("\nCaseload replies (%d of each; the loop is busy this long):\n", runs);
	samples_sort(&me);
	printf("  %-28s median %9.2f ms   max %9.2f ms\n", "`me` (the smallest request)",
	       percentile_ms(&me, 50), max_ms(&me));
	print_asked("first page (no page given)", &first);
	if (last.ms.n)
		print_asked("last page", &last);
	rc = 0;
out:
	free(me.v);
	free(first.ms.v);
	free(last.ms.v);
	wsclient_free(c);
	return rc;
}

static int caseload_run(const char *work, int plans, int runs)
{
	char data[4200], err[ERR_LEN] = "";
	bench_server *sv = NULL;
	size_t texts = 0;
	uint64_t t0 = now_ns();
	int rc = 1;

	snprintf(data, sizeof(data), "%s/data", work);
	if (mkdir(data, 0700) || make_database(data, plans, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err[0] ? err : strerror(errno));
		return 1;
	}
	printf("%d plans made (%d with an open flag) in %.1f s\n", plans, (plans + 3) / 4,
	       (double)(now_ns() - t0) / NS_PER_S);
	sv = bench_server_start(data, 0, err, sizeof(err));
	if (!sv) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		goto out;
	}
	/* The caseload needs no audio: on a machine too busy to read the fixed texts in time, go
	 * on and say so (the loop's CPU time is the event loop's alone; the times to the reply are
	 * then the more of an upper bound). */
	if (bench_server_wait_ready(bench_server_port(sv), &texts, err, sizeof(err))) {
		if (bench_interrupted())
			goto out;
		printf("(the server is still reading its fixed texts into the cache: %s)\n", err);
	}
	if (measure(bench_server_port(sv), bench_server_pid(sv), runs) == 0)
		rc = 0;
out:
	bench_server_free(sv);
	return rc;
}

int cmd_caseload(int argc, char **argv)
{
	enum { O_PLANS = 1, O_RUNS, O_DIR, O_HELP };
	static const struct option opts[] = {
	    {"plans", required_argument, NULL, O_PLANS},
	    {"runs", required_argument, NULL, O_RUNS},
	    {"dir", required_argument, NULL, O_DIR},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *base = getenv("TMPDIR");
	int opt, plans = CASELOAD_PLANS_DEFAULT, runs = CASELOAD_RUNS_DEFAULT, rc;
	char work[4096];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_PLANS && !parse_int(optarg, 1, 10000000, &plans))
			continue;
		if (opt == O_RUNS && !parse_int(optarg, 1, 1000, &runs))
			continue;
		if (opt == O_DIR) {
			base = optarg;
			continue;
		}
		caseload_usage(opt == O_HELP ? stdout : stderr);
		return opt == O_HELP ? 0 : 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	bench_signals_catch();
	if (bench_work_folder(work, sizeof(work), base, "caseload"))
		return 1;
	rc = caseload_run(work, plans, runs);
	remove_dir(work);
	return rc;
}
