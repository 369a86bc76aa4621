/* save: `planaloud-bench save`. Starts the real server on a loopback port (or uses a running
 * one), has N sessions each type an answer into a plan of its own, each save sent when the last
 * is acknowledged (client.c), and reports the acknowledgements per second and their latency;
 * then the direct baseline (direct.c) on the same disk, the ratio, and the targets. */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIRECT_MIN_COMMITS 2000 /* enough for a steady rate when the server run was slow */
#define TARGET_SESSIONS	   200
#define TARGET_P99_MS	   20.0
#define TARGET_RATIO	   0.5

typedef struct save_opts {
	int sessions, seconds, think, port, no_spawn, resume_tokens;
	const char *base; /* where the temporary folders go */
} save_opts;

void save_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench save --sessions N --seconds S [options]\n"
	    "\n"
	    "Measures how fast Plan Aloud acknowledges saved answers.\n"
	    "\n"
	    "Starts the server (the planaloud binary beside this one) on a free loopback port\n"
	    "with a fresh data folder, opens N websocket sessions, gives each its own plan, and\n"
	    "has every session type an answer: each save is sent when the previous one is\n"
	    "acknowledged, after the think time. Reports acknowledged saves per second and the\n"
	    "send-to-acknowledgement latency (p50, p95, p99, max) over S seconds after a 1 s\n"
	    "warm-up. Then times single-answer commits made in this process through the\n"
	    "server's own store (WAL, synchronous=FULL, one transaction per answer) on the\n"
	    "same disk, the rate the server would manage if every answer needed its own disk\n"
	    "flush, and prints the ratio and the targets (at %d sessions: p99 <= %.0f ms,\n"
	    "acks/s >= %.0f%% of direct commits/s).\n"
	    "\n"
	    "Options:\n"
	    "  --sessions N    websocket sessions, each a person typing (1 to 10000)\n"
	    "  --seconds S     how long to measure, after the warm-up (1 to 600)\n"
	    "  --think-ms T    pause between an acknowledgement and the next save (default 0:\n"
	    "                  a typist who never pauses, the worst case; 1000 is the pace of\n"
	    "                  the page's autosave, which sends 1 s after typing stops)\n"
	    "  --port P        the server's port (with --no-spawn: the running server's port)\n"
	    "  --resume-tokens each session first gives the server a page secret, as the kiosk\n"
	    "                  page does, and so holds a resume token: each save then also moves\n"
	    "                  the token's expiry on, in the same batch (compare a run without)\n"
	    "  --no-spawn      use a server already running on 127.0.0.1:P instead of starting\n"
	    "                  one (it needs a --data folder it may write plans into)\n"
	    "  --dir DIR       where the temporary data folders go (default $TMPDIR or /tmp);\n"
	    "                  put it on the disk you want to measure\n"
	    "  --help          show this help\n"
	    "\n"
	    "Exit status: 0 when the run completed (whatever the targets say); 1 on an error,\n"
	    "or when a save was refused or never acknowledged; 2 on a bad command line.\n",
	    TARGET_SESSIONS, TARGET_P99_MS, TARGET_RATIO * 100);
}

/* The command line into o: 0 to go on, -1 after --help (exit 0), 2 for a bad command line. */
static int save_parse(int argc, char **argv, save_opts *o)
{
	enum { O_SESSIONS = 1, O_SECONDS, O_THINK, O_PORT, O_NO_SPAWN, O_DIR, O_TOKENS, O_HELP };
	static const struct option opts[] = {
	    {"sessions", required_argument, NULL, O_SESSIONS},
	    {"seconds", required_argument, NULL, O_SECONDS},
	    {"think-ms", required_argument, NULL, O_THINK},
	    {"port", required_argument, NULL, O_PORT},
	    {"no-spawn", no_argument, NULL, O_NO_SPAWN},
	    {"dir", required_argument, NULL, O_DIR},
	    {"resume-tokens", no_argument, NULL, O_TOKENS},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	int opt, bad = 0;

	optind = 1;
	while (!bad && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_SESSIONS:
			bad = parse_int(optarg, 1, 10000, &o->sessions);
			break;
		case O_SECONDS:
			bad = parse_int(optarg, 1, 600, &o->seconds);
			break;
		case O_THINK:
			bad = parse_int(optarg, 0, 60000, &o->think);
			break;
		case O_PORT:
			bad = parse_int(optarg, 1, 65535, &o->port);
			break;
		case O_NO_SPAWN:
			o->no_spawn = 1;
			break;
		case O_DIR:
			o->base = optarg;
			break;
		case O_TOKENS:
			o->resume_tokens = 1;
			break;
		case O_HELP:
			save_usage(stdout);
			return -1;
		default:
			save_usage(stderr);
			return 2;
		}
	}
	if (bad) {
		fprintf(stderr, "planaloud-bench: '%s' is not a valid value for that option\n",
			optarg);
		save_usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!o->sessions || !o->seconds) {
		fprintf(stderr, "planaloud-bench: --sessions and --seconds are needed\n");
		save_usage(stderr);
		return 2;
	}
	if (o->no_spawn && !o->port) {
		fprintf(stderr, "planaloud-bench: --no-spawn needs the running server's --port\n");
		return 2;
	}
	return 0;
}

/* Starts the server with its data in data_dir, and waits until it has read its fixed texts
 * aloud into the audio cache (not while saves are measured). */
static bench_server *save_spawn(bench *b, const save_opts *o, const char *data_dir, char *db_path,
				size_t db_len)
{
	char err[ERR_LEN];
	bench_server *sv = bench_server_start(data_dir, o->port, err, sizeof(err));
	uint64_t t0;
	size_t texts;

	if (!sv) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		return NULL;
	}
	b->port = bench_server_port(sv);
	if (snprintf(db_path, db_len, "%s/planaloud.db", data_dir) >= (int)db_len)
		db_path[0] = '\0'; /* too long to read the commit counter: skip it */
	b->db_path = db_path[0] ? db_path : NULL;
	b->server_pid = bench_server_pid(sv);
	bench_server_print(sv);
	t0 = now_ns();
	if (bench_server_wait_ready(b->port, &texts, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		bench_server_free(sv);
		return NULL;
	}
	if (texts)
		printf("            read its %zu fixed texts into the audio cache in "
		       "%.1f s; measuring after that\n",
		       texts, (double)(now_ns() - t0) / (double)NS_PER_S);
	return sv;
}

/* The CPU each used during the run, and a note when other work was busy too. */
static void save_report_cpu(const bench *b)
{
	double wall = (double)(b->t_done - b->t_warm) / (double)NS_PER_S;
	double self = b->cpu_self_end - b->cpu_self_start;
	double srv = b->cpu_server_end - b->cpu_server_start;
	double all = b->cpu_all_end - b->cpu_all_start;

	if (b->cpu_server_start >= 0 && b->cpu_server_end >= 0)
		printf("  CPU busy:          server %.0f%%, benchmark client %.0f%% of one core",
		       100.0 * srv / wall, 100.0 * self / wall);
	else
		printf("  CPU busy:          benchmark client %.0f%% of one core",
		       100.0 * self / wall);
	if (b->cpu_all_start >= 0 && b->cpu_all_end >= 0)
		printf("; all processes %.0f%% of %ld CPUs", 100.0 * all / wall,
		       sysconf(_SC_NPROCESSORS_ONLN));
	printf("\n");
	/* CPU time per save moves less than saves per second when other work shares the cores */
	if (b->cpu_server_start >= 0 && b->cpu_server_end >= 0 && b->acks_total)
		printf("  server CPU a save: %.1f us (all saves, warm-up to drain)\n",
		       1e6 * srv / (double)b->acks_total);
	if (b->cpu_server_start >= 0 && all - srv - self > 0.1 * wall)
		printf("  NOTE:              other work used %.0f%% of a core during the run: "
		       "expect noise\n",
		       100.0 * (all - srv - self) / wall);
}

/* "Through the server": the saves acknowledged, their latency, problems, commits and CPU. */
static void save_report_server(bench *b, int seconds, int sv_ok)
{
	size_t over = count_over(&b->lat, 20 * NS_PER_MS);

	printf("\nThrough the server\n");
	printf("  duration:          %d s measured, after a 1 s warm-up\n", seconds);
	printf("  saves acked:       %zu (sent in the measured window)\n", b->lat.n);
	printf("  acks per second:   %.1f\n", (double)b->lat.n / (double)seconds);
	printf("  latency ms:        p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
	       percentile_ms(&b->lat, 50), percentile_ms(&b->lat, 95), percentile_ms(&b->lat, 99),
	       max_ms(&b->lat));
	if (b->lat.n)
		printf(
		    "  slowest save:      %.2f ms, session %u, sent %.3f s into the measurement\n",
		    (double)b->max_lat / (double)NS_PER_MS, b->max_session,
		    (double)b->max_at / (double)NS_PER_S);
	printf("  over 20 ms:        %zu saves (%.3f%%)\n", over,
	       b->lat.n ? 100.0 * (double)over / (double)b->lat.n : 0.0);
	if (b->errors || b->unanswered || b->unexpected)
		printf(
		    "  PROBLEMS:          %llu error replies%s%s, %llu saves never acknowledged, "
		    "%llu unexpected messages\n",
		    b->errors, b->first_error[0] ? ", first: " : "", b->first_error, b->unanswered,
		    b->unexpected);
	else
		printf("  errors:            none (every save acknowledged)\n");
	if (b->commits_start >= 0 && b->commits_end >= 0 && b->db_path) {
		long long commits = (long long)(uint32_t)(b->commits_end - b->commits_start);

		printf(
		    "  server commits:    %lld from warm-up to drain, for %llu saves: %.1f saves "
		    "per commit, %.1f commits/s\n",
		    commits, b->acks_total, commits ? (double)b->acks_total / (double)commits : 0.0,
		    (double)commits / ((double)(b->t_done - b->t_warm) / (double)NS_PER_S));
	}
	save_report_cpu(b);
	if (!sv_ok)
		printf("  NOTE:              the server did not stop cleanly (see above)\n");
	fflush(stdout);
}

/* The direct baseline on the same disk, the same number of commits as the server acknowledged
 * but never longer than the measurement itself; *ratio gets acks/s over commits/s. */
static int save_direct(const bench *b, const char *dir, double acks_per_s, double *ratio)
{
	unsigned long long target = b->lat.n > DIRECT_MIN_COMMITS ? b->lat.n : DIRECT_MIN_COMMITS;
	char err[ERR_LEN];
	direct_result dr;
	double per_s;

	if (direct_run(dir, b->n, target, b->measure_ns, &dr, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: the direct SQLite run failed: %s\n", err);
		return -1;
	}
	if (bench_interrupted()) {
		fprintf(stderr, "planaloud-bench: interrupted\n");
		return -1;
	}
	per_s = dr.seconds > 0 ? (double)dr.commits / dr.seconds : 0;
	*ratio = per_s > 0 ? acks_per_s / per_s : 0;
	printf("\nDirect SQLite, the limit (one connection, one row per transaction, WAL, "
	       "synchronous=FULL,\n  same disk: %s)\n",
	       fs_name(dir));
	if (!strcmp(fs_name(dir), "tmpfs"))
		printf(
		    "  NOTE:              tmpfs is memory: flushes cost nothing here; use --dir on "
		    "the disk the server will use\n");
	printf("  commits:           %llu in %.2f s%s\n", dr.commits, dr.seconds,
	       dr.commits < target ? " (stopped at the time limit)" : "");
	printf("  commits/s:         %.1f (%.2f ms each)\n", per_s,
	       per_s > 0 ? 1000.0 / per_s : 0.0);
	if (dr.wal_counter >= 0)
		printf("  WAL counter:       %lld commits, %s\n", dr.wal_counter,
		       (unsigned long long)dr.wal_counter == dr.commits
			   ? "as made: the server's commit count above is read the same way"
			   : "NOT as made: the server's commit count above is doubtful");
	printf("  ratio:             server acks/s / direct commits/s = %.2f\n", *ratio);
	return 0;
}

static void save_report_targets(const bench *b, int think, double ratio)
{
	double p99 = percentile_ms(&b->lat, 99);
	char detail[128];

	printf("\nTargets (set for %d sessions without think time%s)\n", TARGET_SESSIONS,
	       (b->n == TARGET_SESSIONS && !think) ? "" : "; this run differs, so read with care");
	snprintf(detail, sizeof(detail), "(p99 %.2f ms)", p99);
	print_target("p99 save latency <= 20 ms", 1, p99 <= TARGET_P99_MS && b->lat.n, detail);
	if (think)
		snprintf(detail, sizeof(detail),
			 "(ratio %.2f; the think time caps the offered load)", ratio);
	else
		snprintf(detail, sizeof(detail), "(ratio %.2f)", ratio);
	print_target("throughput >= 50% of direct commits/s", !think, ratio >= TARGET_RATIO,
		     detail);
}

/* A temporary folder under base: 0, or -1 (said on stderr; dir is then ""). */
static int make_temp_dir(char *dir, size_t len, const char *base, const char *name)
{
	if (snprintf(dir, len, "%s/%s-XXXXXX", base, name) >= (int)len || !mkdtemp(dir)) {
		fprintf(stderr, "planaloud-bench: cannot make a temporary folder in %s: %s\n", base,
			strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* The server's run: the sessions, then the server stopped and the results printed. */
static int save_measure(bench *b, const save_opts *o, bench_server *sv)
{
	int sv_ok;

	printf("Sessions:   %u, each with its own plan, saving \"%s\" %s\n", b->n, ANSWER_PAGE,
	       o->think ? "with a pause" : "back to back");
	printf("Think time: %d ms\n", o->think);
	printf("Tokens:     %s\n", o->resume_tokens
				       ? "each session holds a resume token (its expiry moves on "
					 "with each save)"
				       : "none (no session gave a page secret)");
	fflush(stdout);
	if (bench_run(b)) {
		fprintf(stderr, "planaloud-bench: %s\n", b->fail);
		if (strstr(b->fail, "connect"))
			fprintf(stderr, "planaloud-bench: is the server running on 127.0.0.1:%d?\n",
				b->port);
		return -1;
	}
	if (o->resume_tokens && b->tokens < b->n) {
		fprintf(stderr,
			"planaloud-bench: only %llu of %u sessions were given a resume token\n",
			b->tokens, b->n);
		return -1;
	}
	sv_ok = o->no_spawn || bench_server_stop(sv) == 0;
	samples_sort(&b->lat);
	save_report_server(b, o->seconds, sv_ok);
	return 0;
}

int cmd_save(int argc, char **argv)
{
	save_opts o = {.base = getenv("TMPDIR")};
	char direct_dir[4096] = "", data_dir[4096] = "", db_path[4096];
	bench_server *sv = NULL;
	bench b = {0};
	double ratio = 0;
	int rc;

	if (!o.base || !*o.base)
		o.base = "/tmp";
	rc = save_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	bench_signals_catch();
	raise_fd_limit((unsigned)o.sessions);
	b.n = (unsigned)o.sessions;
	b.think_ms = o.think;
	b.resume_tokens = o.resume_tokens;
	b.measure_ns = (uint64_t)o.seconds * NS_PER_S;
	b.s = calloc(b.n, sizeof(*b.s));
	if (!b.s) {
		fprintf(stderr, "planaloud-bench: out of memory\n");
		goto out;
	}
	if (make_temp_dir(direct_dir, sizeof(direct_dir), o.base, "planaloud-bench-direct"))
		goto out;
	if (!o.no_spawn) {
		if (make_temp_dir(data_dir, sizeof(data_dir), o.base, "planaloud-bench-data"))
			goto out;
		sv = save_spawn(&b, &o, data_dir, db_path, sizeof(db_path));
		if (!sv)
			goto out;
	} else {
		b.port = o.port;
		printf(
		    "Server:     already running at 127.0.0.1:%d (not started by the benchmark)\n",
		    o.port);
	}
	if (save_measure(&b, &o, sv) ||
	    save_direct(&b, direct_dir, (double)b.lat.n / (double)o.seconds, &ratio))
		goto out;
	save_report_targets(&b, o.think, ratio);
	rc = b.errors || b.unanswered ? 1 : 0;
out:
	bench_server_free(sv);
	if (data_dir[0])
		remove_dir(data_dir);
	if (direct_dir[0])
		remove_dir(direct_dir);
	bench_release(&b);
	return rc;
}
