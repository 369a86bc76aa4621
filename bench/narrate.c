/* narrate: `planaloud-bench narrate`. How soon narration's audio reaches the page: the
 * yardsticks first (yardsticks.c), then, on a spawned server, one session's narrations of a new
 * paragraph each run (uncached) and of the same text again (cached), then the save load with
 * bursts of narration beside it in a second client process (peer.c); narrate_report.c prints
 * the results. */
#include "narrate.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void narrate_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench narrate [--runs N] [options]\n"
	    "\n"
	    "Measures how soon narration's audio reaches the page.\n"
	    "\n"
	    "For a 40-word easy-read paragraph (a new one each run, so never cached), times\n"
	    "through the server (started on a free loopback port with a fresh data folder, once\n"
	    "it has read its fixed texts into the cache) one session that answers like-admire\n"
	    "with the paragraph, goes to the check page and asks for answer/like-admire to be\n"
	    "narrated: from writing `narrate` to the first audio byte (the audio streams in "
	    "binary\n"
	    "frames as it is made: the first frame's first PCM byte) and to `narration_end` (all\n"
	    "of it in), and again for the same text (now cached). Every narration is checked: its\n"
	    "frames' n, their PCM against narration_end's samples, its words. Before that, on the\n"
	    "same texts, the espeak-ng program writing each to a WAV file (fork, exec, wait),\n"
	    "with the first voice's settings and with eSpeak's own, and synthesis in this process\n"
	    "through tts.c (the limits: the whole text, and streamed to its first piece), each\n"
	    "kind one after another. N runs of each after one warm-up.\n"
	    "Then S sessions save answers back to back (as `save` does) for\n"
	    "2 x T seconds after a 1 s warm-up, and in the second half M other sessions each ask\n"
	    "for a new text at the same moment every %d ms (taken in turn from %d x M sessions,\n"
	    "so a burst never waits for the last one's audio; in a second client process, as\n"
	    "they would be other browsers): the save p99 beside narration is compared with the\n"
	    "save p99 without it.\n"
	    "\n"
	    "Targets: uncached first audio <= %.2f x the espeak-ng program (same voice); cached\n"
	    "first audio <= %.0f ms (median); save p99 beside narration <= %.0f x without.\n"
	    "\n"
	    "Options:\n"
	    "  --runs N        narrations timed each way (default %d; 1 to 1000)\n"
	    "  --sessions S    sessions saving during the load test (default %d; 0 skips it)\n"
	    "  --narrators M   sessions narrating at once during the load test (default %d)\n"
	    "  --seconds T     each half of the load test (default %d)\n"
	    "  --cached-load   the narrating sessions ask for a fixed text said before (in the\n"
	    "                  cache: check/say/1), as kiosks reading the fixed pages do\n"
	    "  --voices DIR    the voice profiles the server uses (default: voices/ in the\n"
	    "                  source tree, as the server's own default)\n"
	    "  --dir DIR       where the temporary folders go (default $TMPDIR or /tmp)\n"
	    "  --help          show this help\n"
	    "\n"
	    "Exit status: 0 when the run completed (whatever the targets say); 1 on an error;\n"
	    "2 on a bad command line.\n",
	    BURST_MS_DEFAULT, NARRATOR_POOL, TARGET_CLI_RATIO, TARGET_CACHED_MS, TARGET_LOAD_RATIO,
	    NARRATE_RUNS_DEFAULT, LOAD_SESSIONS_DEFAULT, LOAD_NARRATORS_DEFAULT,
	    LOAD_SECONDS_DEFAULT);
}

/* The command line into o: 0 to go on, -1 after --help (exit 0), 2 for a bad command line. */
static int narrate_parse(int argc, char **argv, narrate_opts *o)
{
	enum { O_RUNS = 1, O_SESSIONS, O_NARRATORS, O_SECONDS, O_VOICES, O_DIR, O_CACHED, O_HELP };
	static const struct option opts[] = {
	    {"runs", required_argument, NULL, O_RUNS},
	    {"cached-load", no_argument, NULL, O_CACHED},
	    {"sessions", required_argument, NULL, O_SESSIONS},
	    {"narrators", required_argument, NULL, O_NARRATORS},
	    {"seconds", required_argument, NULL, O_SECONDS},
	    {"voices", required_argument, NULL, O_VOICES},
	    {"dir", required_argument, NULL, O_DIR},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	int opt, bad = 0;

	optind = 1;
	while (!bad && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_RUNS:
			bad = parse_int(optarg, 1, 1000, &o->runs);
			break;
		case O_SESSIONS:
			bad = parse_int(optarg, 0, 10000, &o->sessions);
			break;
		case O_NARRATORS:
			bad = parse_int(optarg, 1, 1000, &o->narrators);
			break;
		case O_SECONDS:
			bad = parse_int(optarg, 1, 600, &o->seconds);
			break;
		case O_VOICES:
			o->voices_dir = optarg;
			break;
		case O_DIR:
			o->base = optarg;
			break;
		case O_CACHED:
			o->cached_load = 1;
			break;
		case O_HELP:
			narrate_usage(stdout);
			return -1;
		default:
			narrate_usage(stderr);
			return 2;
		}
	}
	if (bad) {
		fprintf(stderr, "planaloud-bench: '%s' is not a valid value for that option\n",
			optarg);
		narrate_usage(stderr);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* The server, once it has read its fixed texts into the cache; its data in work/data. */
static bench_server *narrate_spawn(const char *work)
{
	char data[4096], err[ERR_LEN];
	uint64_t t_ready;
	bench_server *sv;
	size_t texts = 0;

	if (snprintf(data, sizeof(data), "%s/data", work) >= (int)sizeof(data) ||
	    mkdir(data, 0700)) {
		fprintf(stderr, "planaloud-bench: cannot make a data folder in %s\n", work);
		return NULL;
	}
	t_ready = now_ns();
	sv = bench_server_start(data, 0, err, sizeof(err));
	if (!sv || bench_server_wait_ready(bench_server_port(sv), &texts, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		bench_server_free(sv);
		return NULL;
	}
	bench_server_print(sv);
	if (texts)
		printf("            read its %zu fixed texts into the audio cache in %.1f s; "
		       "measuring after that\n",
		       texts, (double)(now_ns() - t_ready) / (double)NS_PER_S);
	fflush(stdout);
	return sv;
}

/* One session: a new text narrated, then the same text again, runs + 1 times. */
static int narrate_one(bench *one, const narrate_opts *o, const bench_server *sv,
		       const voice_profile *vp)
{
	one->mode = MODE_NAR_ONE;
	one->port = bench_server_port(sv);
	one->n = 1;
	one->n_typists = 0;
	one->runs = (unsigned)o->runs;
	one->server_pid = bench_server_pid(sv);
	one->s = calloc(1, sizeof(*one->s));
	if (!one->s) {
		fprintf(stderr, "planaloud-bench: out of memory\n");
		return -1;
	}
	if (bench_run(one)) {
		fprintf(stderr, "planaloud-bench: %s\n", one->fail);
		return -1;
	}
	if (strcmp(one->voice, vp->name))
		printf(
		    "NOTE:       the server's first voice is %s, not %s: the yardsticks used %s\n",
		    one->voice, vp->name, vp->name);
	return 0;
}

/* The load test: o->sessions typists here, the narrators in the second client process. */
static int narrate_load(bench *load, const narrate_opts *o, const bench *one,
			const bench_server *sv)
{
	char err[ERR_LEN];

	load->mode = MODE_NAR_LOAD;
	load->port = bench_server_port(sv);
	load->n = (unsigned)o->sessions;
	load->n_typists = (unsigned)o->sessions;
	load->measure_ns = 2 * (uint64_t)o->seconds * NS_PER_S;
	load->server_pid = bench_server_pid(sv);
	load->s = calloc(load->n, sizeof(*load->s));
	if (!load->s) {
		fprintf(stderr, "planaloud-bench: out of memory\n");
		return -1;
	}
	if (peer_start(load, o, one, bench_server_out_fd(sv)))
		return -1;
	printf("Load:       %d sessions saving back to back for %d s + %d s after a 1 s "
	       "warm-up;\n            in the second half %d other sessions each ask for %s "
	       "at once, every %d ms\n            (taken in turn from %d narrating "
	       "sessions, each with its own plan, in a second client\n            process: "
	       "the audio is not read by the loop that times the saves)\n",
	       o->sessions, o->seconds, o->seconds, o->narrators,
	       o->cached_load ? "a text said before (in the cache)" : "a new text",
	       BURST_MS_DEFAULT, o->narrators * NARRATOR_POOL);
	fflush(stdout);
	if (bench_run(load) || peer_report(load, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", load->phase == PH_DONE ? err : load->fail);
		return -1;
	}
	if (waitpid(load->peer.pid, NULL, 0) != load->peer.pid)
		fprintf(stderr, "planaloud-bench: waitpid: %s\n", strerror(errno));
	load->peer.pid = 0;
	return 0;
}

/* The yardsticks, each in a block of its own, while no server is running. */
static int narrate_yardsticks(yardsticks *y, const voices *v, const narrate_opts *o,
			      const char *work)
{
	const voice_profile *vp = voices_at(v, 0);
	char err[ERR_LEN];

	if (yardsticks_init(y, v, work, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: synthesis in this process: %s\n", err);
		return -1;
	}
	printf("Text:       a 40-word easy-read paragraph, a new one each run: \"" PARAGRAPH "\"\n",
	       1u);
	printf("Voice:      %s (%s, %s, %d words a minute, pitch %d), speed normal\n", vp->name,
	       vp->language, vp->male ? "male" : "female", vp->rate, vp->pitch);
	printf("Runs:       %d of each kind, after one warm-up, on the same %d texts\n", o->runs,
	       o->runs + 1);
	if (yardsticks_run(y, (unsigned)o->runs, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: synthesis in this process: %s\n", err);
		return -1;
	}
	return 0;
}

int cmd_narrate(int argc, char **argv)
{
	narrate_opts o = {.runs = NARRATE_RUNS_DEFAULT,
			  .sessions = LOAD_SESSIONS_DEFAULT,
			  .narrators = LOAD_NARRATORS_DEFAULT,
			  .seconds = LOAD_SECONDS_DEFAULT,
			  .base = getenv("TMPDIR")};
	char vdir[4096], work[4096] = "", err[ERR_LEN];
	bench_server *sv = NULL;
	voices *v = NULL;
	bench one = {0}, load = {0};
	yardsticks y = {0};
	int rc;

	if (!o.base || !*o.base)
		o.base = "/tmp";
	rc = narrate_parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	if (!o.voices_dir) {
		bench_source_path(vdir, sizeof(vdir), "voices");
		o.voices_dir = vdir;
	}
	bench_signals_catch();
	raise_fd_limit((unsigned)(o.sessions + o.narrators * NARRATOR_POOL));
	v = voices_load(o.voices_dir, err, sizeof(err));
	if (!v || !voices_count(v)) {
		fprintf(stderr, "planaloud-bench: the voice profiles in %s: %s\n", o.voices_dir,
			v ? "there are none" : err);
		goto out;
	}
	if (bench_work_folder(work, sizeof(work), o.base, "narrate"))
		goto out;
	if (narrate_yardsticks(&y, v, &o, work))
		goto out;
	sv = narrate_spawn(work);
	if (!sv || narrate_one(&one, &o, sv, voices_at(v, 0)) ||
	    (o.sessions > 0 && narrate_load(&load, &o, &one, sv)))
		goto out;
	if (bench_server_stop(sv))
		printf("NOTE:       the server did not stop cleanly (see above)\n");
	narrate_report(&one, &load, &y, &o);
	rc = one.nar_wrong_cache || load.nar_wrong_cache || load.nar_inflight || load.errors ||
		     load.unanswered
		 ? 1
		 : 0;
out:
	peer_stop(&load);
	bench_server_free(sv);
	if (work[0])
		remove_dir(work);
	yardsticks_release(&y);
	voices_free(v);
	bench_release(&one);
	bench_release(&load);
	return rc;
}
