/* focus: `planaloud-bench focus`. How soon focus speech is heard: over a real websocket to the
 * real server (started on a free loopback port once it has read its fixed texts into the audio
 * cache), the time from writing `narrate` for one short text to the arrival of its first binary
 * audio frame, for a button's label said before (in the cache, read there at start-up) and for a
 * short text not said before (made by eSpeak then), taken in turns in the same run. */
#include "bench.h"
#include "wsclient.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FOCUS_RUNS_DEFAULT 100
#define FOCUS_WAIT_MS	   30000
#define FOCUS_CACHED	   "msg/next" /* the Next button's label, "Next" */
/* "Number 21", "Number 22"...: as short, and new each time */
#define FOCUS_UNCACHED	  "msg/list.item?n=%d"
#define FOCUS_UNCACHED_N0 21

void focus_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench focus [--runs N] [options]\n"
	    "\n"
	    "Measures first audio for focus speech: through the server (started on a free\n"
	    "loopback port with a fresh data folder, once it has read its fixed texts into the\n"
	    "cache), one session asks for one short text at a time with `narrate` (first voice,\n"
	    "normal speed) and times from writing it to the arrival of the first binary audio\n"
	    "frame: the Next button's label (%s, said before: in the cache) and a short\n"
	    "text not said before (%s, n = %d, %d, ...: made then), in turns.\n"
	    "N of each after one warm-up of each; median and p95, and their ratio.\n"
	    "\n"
	    "Options:\n"
	    "  --runs N   narrations timed of each kind (default %d; 1 to 1000)\n"
	    "  --dir DIR  where the temporary folder goes (default $TMPDIR or /tmp)\n"
	    "  --help     show this help\n",
	    FOCUS_CACHED, FOCUS_UNCACHED, FOCUS_UNCACHED_N0, FOCUS_UNCACHED_N0 + 1,
	    FOCUS_RUNS_DEFAULT);
}

/* Asks for id and reads the narration to its end: the time to its first audio frame in *ns.
 * 0, or -1 with err (no audio, cached when it should not be or the other way, a failure). */
static int focus_one(wsclient *c, const char *voice, const char *id, unsigned long long seq,
		     int want_cached, uint64_t *ns, char *err, size_t errlen)
{
	char ask[512];
	uint64_t t0, first = 0;
	int cached = -1;

	snprintf(ask, sizeof(ask),
		 "{\"type\":\"narrate\",\"seq\":%llu,\"ids\":[\"%s\"],\"voice\":\"%s\","
		 "\"speed\":\"normal\"}",
		 seq, id, voice);
	t0 = now_ns();
	if (wsclient_send_text(c, ask)) {
		snprintf(err, errlen, "the server closed the connection");
		return -1;
	}
	for (;;) {
		char *data = NULL;
		int binary = 0, got = wsclient_recv(c, FOCUS_WAIT_MS, &data, NULL, &binary);
		uint64_t at = now_ns();
		cJSON *m;
		const char *type;

		if (got != 1) {
			snprintf(err, errlen, "no narration of %s within %d s", id,
				 FOCUS_WAIT_MS / 1000);
			return -1;
		}
		if (binary) {
			if (!first)
				first = at;
			free(data);
			continue;
		}
		m = cJSON_Parse(data);
		free(data);
		type = json_str(m, "type");
		if (type && !strcmp(type, "narration"))
			cached = json_bool(m, "cached");
		if (!type || !strcmp(type, "error") || json_bool(m, "failed") == 1) {
			snprintf(err, errlen, "%s was not narrated (%s)", id, type ? type : "?");
			cJSON_Delete(m);
			return -1;
		}
		if (!strcmp(type, "narration_end")) {
			cJSON_Delete(m);
			break;
		}
		cJSON_Delete(m);
	}
	if (!first || cached != want_cached) {
		snprintf(err, errlen, "%s came %s", id,
			 !first	  ? "without audio"
			 : cached ? "from the cache"
				  : "not from the cache");
		return -1;
	}
	*ns = first - t0;
	return 0;
}

/* The runs (the first of each kind a warm-up) on one session of the server on port. */
static int focus_runs(int port, int runs, samples *hot, samples *cold)
{
	char err[ERR_LEN] = "", voice[64] = "", id[64];
	wsclient *c = wsclient_connect("127.0.0.1", port, NULL);
	cJSON *hello = c ? wsclient_recv_json(c, FOCUS_WAIT_MS) : NULL;
	unsigned long long seq = 0;
	int rc = -1;

	if (!hello || !json_str(hello, "voices.0.name")) {
		fprintf(stderr, "planaloud-bench: no hello from the server\n");
		goto out;
	}
	snprintf(voice, sizeof(voice), "%s", json_str(hello, "voices.0.name"));
	cJSON_Delete(wsclient_recv_json(c, FOCUS_WAIT_MS)); /* the welcome page */
	for (int i = 0; i <= runs && !bench_interrupted(); i++) {
		uint64_t a, b;

		snprintf(id, sizeof(id), FOCUS_UNCACHED, FOCUS_UNCACHED_N0 + i);
		if (focus_one(c, voice, FOCUS_CACHED, ++seq, 1, &a, err, sizeof(err)) ||
		    focus_one(c, voice, id, ++seq, 0, &b, err, sizeof(err))) {
			fprintf(stderr, "planaloud-bench: %s\n", err);
			goto out;
		}
		if (i && (samples_add(hot, a) || samples_add(cold, b))) {
			fprintf(stderr, "planaloud-bench: out of memory\n");
			goto out;
		}
	}
	rc = bench_interrupted() ? -1 : 0;
out:
	cJSON_Delete(hello);
	wsclient_free(c);
	return rc;
}

static void focus_report(samples *hot, samples *cold)
{
	double hm, hp, cm, cp;

	samples_sort(hot);
	samples_sort(cold);
	hm = percentile_ms(hot, 50);
	hp = percentile_ms(hot, 95);
	cm = percentile_ms(cold, 50);
	cp = percentile_ms(cold, 95);
	printf("\nFirst audio frame after `narrate` (ms; %zu of each):\n", hot->n);
	printf("  %-40s median %7.2f   p95 %7.2f   max %7.2f\n", "said before (" FOCUS_CACHED ")",
	       hm, hp, max_ms(hot));
	printf("  %-40s median %7.2f   p95 %7.2f   max %7.2f\n",
	       "not said before (msg/list.item?n=21...)", cm, cp, max_ms(cold));
	printf("  %-40s median %7.2f   p95 %7.2f\n", "cached / uncached", cm > 0 ? hm / cm : 0,
	       cp > 0 ? hp / cp : 0);
}

int cmd_focus(int argc, char **argv)
{
	enum { O_RUNS = 1, O_DIR, O_HELP };
	static const struct option opts[] = {
	    {"runs", required_argument, NULL, O_RUNS},
	    {"dir", required_argument, NULL, O_DIR},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *base = getenv("TMPDIR");
	char work[4096] = "", data[4200], err[ERR_LEN] = "cannot make a data folder";
	int opt, runs = FOCUS_RUNS_DEFAULT, rc = 1;
	bench_server *sv = NULL;
	samples hot = {0}, cold = {0};
	size_t texts = 0;
	double all0 = -1, own0 = 0, other = 0;
	uint64_t t0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_RUNS && !parse_int(optarg, 1, 1000, &runs))
			continue;
		if (opt == O_DIR) {
			base = optarg;
			continue;
		}
		focus_usage(opt == O_HELP ? stdout : stderr);
		return opt == O_HELP ? 0 : 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	bench_signals_catch();
	if (bench_work_folder(work, sizeof(work), base, "focus"))
		goto out;
	snprintf(data, sizeof(data), "%s/data", work);
	if (mkdir(data, 0700) || !(sv = bench_server_start(data, 0, err, sizeof(err))) ||
	    bench_server_wait_ready(bench_server_port(sv), &texts, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		goto out;
	}
	bench_server_print(sv);
	printf("            read its %zu fixed texts into the audio cache; measuring after that\n",
	       texts);
	t0 = now_ns();
	all0 = cpu_seconds_machine();
	own0 = cpu_seconds_self() + cpu_seconds_of(bench_server_pid(sv));
	if (focus_runs(bench_server_port(sv), runs, &hot, &cold))
		goto out;
	/* what other processes took meanwhile: these times are only as good as a quiet machine */
	other = (cpu_seconds_machine() - all0 -
		 (cpu_seconds_self() + cpu_seconds_of(bench_server_pid(sv)) - own0)) /
		((double)(now_ns() - t0) / NS_PER_S);
	if (bench_server_stop(sv))
		printf("NOTE:       the server did not stop cleanly (see above)\n");
	focus_report(&hot, &cold);
	if (all0 >= 0)
		printf("Other work: other processes used %.0f%% of a core during the runs (of %ld "
		       "cores)\n",
		       100 * other, sysconf(_SC_NPROCESSORS_ONLN));
	rc = 0;
out:
	bench_server_free(sv);
	if (work[0])
		remove_dir(work);
	free(hot.v);
	free(cold.v);
	return rc;
}
