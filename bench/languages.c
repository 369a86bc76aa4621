/* languages: `planaloud-bench languages`. What reading every language's fixed texts ahead costs,
 * and how soon each language is heard.
 *
 * 1. Reading ahead: the real server started on a fresh data folder, once as it starts by default
 *    (the start language's fixed texts read into the audio cache) and once with
 *    `--read-ahead all` (every language's), each timed from starting it until /healthz says
 *    `prerendered` == `texts`; then the size of its audio folder once it has stopped (a server
 *    that stops writes what is still waiting to be written first).
 * 2. First audio per language, on the `--read-ahead all` server once it has read everything: one
 *    session per language, which chooses it with `language` first, then asks with `narrate`, in
 *    turns, for the Next button's label (a fixed text: in the cache) and for "Number 21",
 *    "Number 22"... in that language (not said before: made then), timed from writing `narrate`
 *    to the first binary audio frame. The limit: the same short texts in the same voice made in
 *    this process through tts.c with that language's eSpeak voice, to the first piece of audio.
 *    Every narration is checked (languages_heard.c) and the run fails loudly otherwise. */
#include "bench.h"
#include "languages.h"
#include "languages_bench.h"
#include "narrate.h"
#include "wsclient.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LANG_RUNS_DEFAULT 50

void languages_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench languages [--runs N] [--each-language] [--dir DIR]\n"
	    "\n"
	    "Measures what every language costs at start-up and how soon each is heard.\n"
	    "\n"
	    "Reading ahead: the server started on a fresh data folder by default (the start\n"
	    "language's fixed texts read into the audio cache) and with --read-ahead all (every\n"
	    "language's), timed from starting it until /healthz says prerendered == texts; then\n"
	    "the size of its audio folder (bytes, files) once it has stopped.\n"
	    "\n"
	    "First audio per language, on the --read-ahead all server: one session per language\n"
	    "(`language` first) asks for one short text at a time with `narrate` (first voice,\n"
	    "normal speed), timed from writing it to the first binary audio frame: the Next\n"
	    "button's label (%s) and a short text not said before (msg/%s?n=K,\n"
	    "K = %d, %d, ...), in turns, N of each after one warm-up. Whether the label read\n"
	    "ahead was still in the cache at the warm-up is shown; after it, the label must come\n"
	    "from the cache and the new text must not. The limit: the same new texts made in\n"
	    "this process through tts.c with that language's voice, to the first piece of\n"
	    "audio. Every narration is checked (its seq, id and n, whole samples adding up to\n"
	    "narration_end's, not failed): the run fails otherwise.\n"
	    "\n"
	    "Targets, in every language: cached first audio <= %.0f ms (median); uncached first\n"
	    "audio <= %.0f x the in-process first piece (medians).\n"
	    "\n"
	    "Options:\n"
	    "  --runs N          narrations timed of each kind in each language (default %d;\n"
	    "                    1 to 1000)\n"
	    "  --each-language   also start the server in each language in turn (--lang L),\n"
	    "                    timing its reading ahead and measuring its audio folder\n"
	    "  --dir DIR         where the temporary folder goes (default $TMPDIR or /tmp)\n"
	    "  --help            show this help\n"
	    "\n"
	    "Exit status: 0 when the run completed (whatever the targets say); 1 on an error;\n"
	    "2 on a bad command line.\n",
	    LANG_CACHED, LANG_UNCACHED_NAME, LANG_UNCACHED_N0, LANG_UNCACHED_N0 + 1,
	    TARGET_CACHED_MS, TARGET_LANG_RATIO, LANG_RUNS_DEFAULT);
}

/* ---- what other processes took ---- */

typedef struct cpu_watch {
	uint64_t t0;
	double all0, own0;
	pid_t server; /* 0: none */
} cpu_watch;

static double own_cpu(pid_t server)
{
	double s = server > 0 ? cpu_seconds_of(server) : 0;

	return cpu_seconds_self() + (s > 0 ? s : 0);
}

static void watch_start(cpu_watch *w, pid_t server)
{
	w->t0 = now_ns();
	w->server = server;
	w->all0 = cpu_seconds_machine();
	w->own0 = own_cpu(server);
}

/* The share of a core other processes used since watch_start (the server must still run); -1
 * when unknown. */
static double watch_other(const cpu_watch *w)
{
	double all = cpu_seconds_machine(), secs = (double)(now_ns() - w->t0) / NS_PER_S, other;

	if (w->all0 < 0 || all < 0 || secs <= 0)
		return -1;
	/* the clocks tick in hundredths: on a quiet machine the difference may dip below 0 */
	other = (all - w->all0 - (own_cpu(w->server) - w->own0)) / secs;
	return other > 0 ? other : 0;
}

/* ---- 1. reading ahead ---- */

/* The files under dir (and its folders): their bytes, what they take on disk, and how many are
 * the cache's entries (each one text in one voice). */
static void dir_usage(const char *dir, readahead *r)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			dir_usage(path, r);
		} else if (S_ISREG(st.st_mode)) {
			r->bytes += (unsigned long long)st.st_size;
			r->disk += (unsigned long long)st.st_blocks * 512;
			/* an entry is named by its key's hash: 64 hex digits */
			r->files +=
			    strlen(e->d_name) == 64 && strspn(e->d_name, "0123456789abcdef") == 64;
		}
	}
	if (d)
		closedir(d);
}

/* Starts the server on data with extra arguments and waits until it has read its fixed texts
 * ahead, timing both into r. The server, or NULL (said on stderr). */
static bench_server *readahead_start(const char *data, const char *const *extra, readahead *r)
{
	char err[ERR_LEN] = "cannot make a data folder";
	bench_server *sv = NULL;
	uint64_t t0 = now_ns();
	cpu_watch w;

	watch_start(&w, 0);
	if (mkdir(data, 0700) ||
	    !(sv = bench_server_start_with(data, 0, extra, err, sizeof(err)))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		return NULL;
	}
	r->up_s = (double)(now_ns() - t0) / NS_PER_S;
	w.server = bench_server_pid(sv);
	if (bench_server_wait_ready(bench_server_port(sv), &r->texts, err, sizeof(err))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		bench_server_free(sv);
		return NULL;
	}
	r->ready_s = (double)(now_ns() - t0) / NS_PER_S;
	r->other = watch_other(&w);
	return sv;
}

/* Stops the server and measures its audio folder: 0, or -1 when it did not stop cleanly. */
static int readahead_stop(bench_server *sv, const char *data, readahead *r)
{
	char audio[4300];
	int rc = bench_server_stop(sv);

	snprintf(audio, sizeof(audio), "%s/audio", data);
	dir_usage(audio, r);
	return rc;
}

/* ---- 2. first audio per language ---- */

/* How the kiosk has language c spoken (kiosk.c's speech_of). */
static speech_lang speech_of(const content *c)
{
	return (speech_lang){.language = content_voice_language(c),
			     .pounds = content_message(c, "speak.pounds"),
			     .pounds_one = content_message(c, "speak.pounds-one"),
			     .pounds_few = content_message(c, "speak.pounds-few"),
			     .pounds_pence = content_message(c, "speak.pounds-pence"),
			     .pounds_pence_one = content_message(c, "speak.pounds-pence-one"),
			     .pounds_pence_few = content_message(c, "speak.pounds-pence-few")};
}

/* The limit, language by language, each in a block after one warm-up: the uncached texts the
 * server is asked for, made in this process. 0, or -1 with err. */
static int limits_run(yardsticks *y, lang_row *rows, size_t n, int runs, char *err, size_t errlen)
{
	for (size_t l = 0; l < n; l++) {
		speech_lang sl = speech_of(rows[l].c);

		for (int i = 0; i <= runs && !bench_interrupted(); i++) {
			char num[16];
			char *text;
			uint64_t ns;
			int rc;

			snprintf(num, sizeof(num), "%d", LANG_UNCACHED_N0 + i);
			text = content_fill(rows[l].c, LANG_UNCACHED_NAME,
					    (const char *const[]){"n", num, NULL});
			if (!text) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			rc = yardsticks_first_piece(y, &sl, text, &ns, err, errlen);
			free(text);
			if (rc)
				return -1;
			if (i && samples_add(&rows[l].limit, ns)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
		}
	}
	if (bench_interrupted()) {
		snprintf(err, errlen, "interrupted");
		return -1;
	}
	return 0;
}

/* The languages the server offers (its first hello's), matched with this process's copies:
 * rows[] filled, *n set. 0, or -1 with err. */
static int rows_from_server(int port, const languages *local, lang_row *rows, size_t *n, char *err,
			    size_t errlen)
{
	wsclient *c = wsclient_connect("127.0.0.1", port, NULL);
	cJSON *hello = c ? wsclient_recv_json(c, LANG_WAIT_MS) : NULL;
	int count = json_count(hello, "languages"), rc = -1;

	*n = 0;
	if (!hello || count < 1 || count > LANGUAGES_MAX) {
		snprintf(err, errlen, "no hello with languages from the server");
		goto out;
	}
	for (int i = 0; i < count; i++) {
		char path[64];
		const char *tag;

		snprintf(path, sizeof(path), "languages.%d.lang", i);
		tag = json_str(hello, path);
		if (!tag || !(rows[i].c = languages_find(local, tag))) {
			snprintf(err, errlen, "the server offers %s, which easyread/ here lacks",
				 tag ? tag : "a language without a tag");
			goto out;
		}
		snprintf(rows[i].tag, sizeof(rows[i].tag), "%s", tag);
	}
	*n = (size_t)count;
	rc = 0;
out:
	cJSON_Delete(hello);
	wsclient_free(c);
	return rc;
}

/* Everything that needs the --read-ahead all server: its languages, the limit for each, then one
 * session per language. 0, or -1 (said on stderr). */
static int first_audio(bench_server *sv, const char *work, lang_run *lr)
{
	char err[ERR_LEN] = "", vdir[4096], edir[4096], pdir[4096];
	languages *local = NULL;
	voices *v = NULL;
	yardsticks y;
	int rc = -1, y_ok = 0;
	cpu_watch w;

	bench_source_path(vdir, sizeof(vdir), "voices");
	bench_source_path(edir, sizeof(edir), "easyread");
	bench_source_path(pdir, sizeof(pdir), "web/pictures");
	if (!(v = voices_load(vdir, err, sizeof(err))) ||
	    !(local = languages_load(edir, "all", pdir, err, sizeof(err))) ||
	    rows_from_server(bench_server_port(sv), local, lr->rows, &lr->n, err, sizeof(err)))
		goto out;
	y_ok = 1;
	watch_start(&w, bench_server_pid(sv));
	if (yardsticks_init(&y, v, work, err, sizeof(err)) ||
	    limits_run(&y, lr->rows, lr->n, lr->runs, err, sizeof(err)))
		goto out;
	lr->other_limits = watch_other(&w);
	watch_start(&w, bench_server_pid(sv));
	for (size_t i = 0; i < lr->n; i++)
		if (lang_session(bench_server_port(sv), &lr->rows[i], lr->runs, err, sizeof(err)))
			goto out;
	lr->other_sessions = watch_other(&w);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "planaloud-bench: %s\n", err[0] ? err : "interrupted");
	if (y_ok)
		yardsticks_release(&y);
	languages_free(local);
	voices_free(v);
	return rc;
}

/* A server on a fresh folder work/name started with extra, timed until it had read ahead and
 * stopped: 0, or -1. */
static int readahead_alone(const char *work, const char *name, const char *const *extra,
			   readahead *r)
{
	char data[4200];
	bench_server *sv;

	snprintf(data, sizeof(data), "%s/%s", work, name);
	if (!(sv = readahead_start(data, extra, r)))
		return -1;
	bench_server_print(sv);
	printf("            read its %zu fixed texts in %.2f s\n", r->texts, r->ready_s);
	if (readahead_stop(sv, data, r))
		printf("NOTE:       the server did not stop cleanly (see above)\n");
	bench_server_free(sv);
	return 0;
}

/* The servers, one after the other: with every language read ahead (then the sessions on it),
 * as it starts by default, and (lr->each) starting in each language in turn. 0, or -1. */
static int languages_run(const char *work, readahead *all, readahead *dflt, lang_run *lr)
{
	static const char *const read_all[] = {"--read-ahead", "all", NULL};
	char data[4200];
	bench_server *sv;
	int rc;

	snprintf(data, sizeof(data), "%s/data-all", work);
	if (!(sv = readahead_start(data, read_all, all)))
		return -1;
	bench_server_print(sv);
	printf("            read its %zu fixed texts (every language) in %.2f s\n", all->texts,
	       all->ready_s);
	rc = first_audio(sv, work, lr);
	if (readahead_stop(sv, data, all))
		printf("NOTE:       the server did not stop cleanly (see above)\n");
	bench_server_free(sv);
	if (rc || readahead_alone(work, "data-default", NULL, dflt))
		return -1;
	for (size_t i = 0; lr->each && i < lr->n; i++) {
		const char *const one[] = {"--lang", lr->rows[i].tag, NULL};
		char name[64];

		snprintf(name, sizeof(name), "data-%s", lr->rows[i].tag);
		if (readahead_alone(work, name, one, &lr->rows[i].alone))
			return -1;
	}
	return 0;
}

/* ---- what is printed ---- */

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_other(const char *during, double other)
{
	if (other >= 0)
		printf("  other processes used %.0f%% of a core %s\n", 100 * other, during);
	else
		printf("  (what other processes used %s is unknown)\n", during);
}

static void print_readahead(const char *what, const readahead *r)
{
	printf("  %-26s %6zu %8.2f %9.2f %13llu %7zu %13llu\n", what, r->texts, r->up_s, r->ready_s,
	       r->bytes, r->files, r->disk);
}

static void readahead_report(const readahead *all, const readahead *dflt)
{
	printf(
	    "\nReading ahead (seconds from starting the server: /healthz answers; prerendered ==\n"
	    "texts, polled every 20 ms) and the audio folder once the server had stopped:\n");
	printf("  %-26s %6s %8s %9s %13s %7s %13s\n", "server", "texts", "up", "all read",
	       "audio bytes", "files", "bytes on disk");
	print_readahead("default (start language)", dflt);
	print_readahead("--read-ahead all", all);
	printf("  %-26s %6.2f %8s %9.2f %13.2f %7.2f %13.2f\n", "all / default",
	       ratio((double)all->texts, (double)dflt->texts), "",
	       ratio(all->ready_s, dflt->ready_s), ratio((double)all->bytes, (double)dflt->bytes),
	       ratio((double)all->files, (double)dflt->files),
	       ratio((double)all->disk, (double)dflt->disk));
	print_other("while the default server read ahead", dflt->other);
	print_other("while --read-ahead all read ahead", all->other);
	if (all->files != all->texts || dflt->files != dflt->texts)
		printf(
		    "  NOTE: the audio folder keeps %zu of %zu texts read (--read-ahead all) and "
		    "%zu of %zu (default):\n        the audio cache's size bound removed the "
		    "ones used longest ago, or some were not kept\n",
		    all->files, all->texts, dflt->files, dflt->texts);
}

/* Each language alone, against all of them at once. */
static void each_report(const lang_run *lr, const readahead *all)
{
	readahead sum = {0};

	printf("\nEach language alone (the server started in it: --lang L; its audio folder once "
	       "stopped):\n");
	printf("  %-26s %6s %9s %13s %7s\n", "server", "texts", "all read", "audio bytes", "files");
	for (size_t i = 0; i < lr->n; i++) {
		const readahead *r = &lr->rows[i].alone;

		printf("  --lang %-19s %6zu %9.2f %13llu %7zu\n", lr->rows[i].tag, r->texts,
		       r->ready_s, r->bytes, r->files);
		sum.texts += r->texts;
		sum.ready_s += r->ready_s;
		sum.bytes += r->bytes;
		sum.files += r->files;
	}
	printf("  %-26s %6zu %9.2f %13llu %7zu\n", "the sum", sum.texts, sum.ready_s, sum.bytes,
	       sum.files);
	printf("  %-26s %6zu %9.2f %13llu %7zu\n", "--read-ahead all", all->texts, all->ready_s,
	       all->bytes, all->files);
}

/* One language's line: medians and p95s, the ratio, and its two targets. */
static void lang_line(lang_row *r, int *cached_ok, int *ratio_ok, double *worst_cached,
		      double *worst_ratio)
{
	double hm, hp, cm, cp, lm, q;

	samples_sort(&r->hot);
	samples_sort(&r->cold);
	samples_sort(&r->limit);
	hm = percentile_ms(&r->hot, 50);
	hp = percentile_ms(&r->hot, 95);
	cm = percentile_ms(&r->cold, 50);
	cp = percentile_ms(&r->cold, 95);
	lm = percentile_ms(&r->limit, 50);
	q = ratio(cm, lm);
	printf("  %-6s %4s %7.2f %8.2f %7.2f %10.2f %7.2f %11.3f %7.2f   %s   %s\n", r->tag,
	       r->kept ? "yes" : "no", (double)r->first_ask / NS_PER_MS, hm, hp, cm, cp, lm, q,
	       hm <= TARGET_CACHED_MS ? "PASS" : "MISS",
	       lm > 0 && q <= TARGET_LANG_RATIO ? "PASS" : "MISS");
	*cached_ok &= hm <= TARGET_CACHED_MS;
	*ratio_ok &= lm > 0 && q <= TARGET_LANG_RATIO;
	if (hm > *worst_cached)
		*worst_cached = hm;
	if (q > *worst_ratio)
		*worst_ratio = q;
}

static void first_audio_report(lang_run *lr)
{
	int cached_ok = 1, ratio_ok = 1;
	double worst_cached = 0, worst_ratio = 0;
	char detail[128];

	printf("\nFirst audio frame after `narrate` (ms). Kept: " LANG_CACHED
	       " read ahead was still "
	       "in the cache\nwhen the session first asked for it (the warm-up, timed in 1st). "
	       "Then %d of each;\nin-process: the uncached texts through tts.c here, to the first "
	       "piece; ratio: uncached / in-process:\n",
	       lr->runs);
	printf("  %-6s %4s %7s %8s %7s %10s %7s %11s %7s   %-4s   %-4s\n", "", "", "", "cached", "",
	       "uncached", "", "in-process", "", "", "");
	printf("  %-6s %4s %7s %8s %7s %10s %7s %11s %7s   %-4s   %-4s\n", "lang", "kept", "1st",
	       "median", "p95", "median", "p95", "median", "ratio", "<=2ms", "<=2x");
	for (size_t i = 0; i < lr->n; i++)
		lang_line(&lr->rows[i], &cached_ok, &ratio_ok, &worst_cached, &worst_ratio);
	print_other("while this process made the in-process texts", lr->other_limits);
	print_other("during the sessions", lr->other_sessions);
	printf("\nTargets (%ld cores):\n", sysconf(_SC_NPROCESSORS_ONLN));
	snprintf(detail, sizeof(detail), "(the highest median: %.2f ms)", worst_cached);
	print_target("cached first audio <= 2 ms (median), every language", 1, cached_ok, detail);
	snprintf(detail, sizeof(detail), "(the highest ratio: %.2f)", worst_ratio);
	print_target("uncached <= 2 x in-process first piece, every language", 1, ratio_ok, detail);
}

int cmd_languages(int argc, char **argv)
{
	enum { O_RUNS = 1, O_DIR, O_EACH, O_HELP };
	static const struct option opts[] = {
	    {"runs", required_argument, NULL, O_RUNS},
	    {"dir", required_argument, NULL, O_DIR},
	    {"each-language", no_argument, NULL, O_EACH},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	const char *base = getenv("TMPDIR");
	char work[4096] = "";
	int opt, rc = 1;
	readahead all = {0}, dflt = {0};
	lang_run lr = {.runs = LANG_RUNS_DEFAULT};

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_RUNS && !parse_int(optarg, 1, 1000, &lr.runs))
			continue;
		if (opt == O_DIR) {
			base = optarg;
			continue;
		}
		if (opt == O_EACH) {
			lr.each = 1;
			continue;
		}
		languages_usage(opt == O_HELP ? stdout : stderr);
		return opt == O_HELP ? 0 : 2;
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	bench_signals_catch();
	bench_machine_print();
	if (bench_work_folder(work, sizeof(work), base, "languages") ||
	    languages_run(work, &all, &dflt, &lr))
		goto out;
	readahead_report(&all, &dflt);
	if (lr.each)
		each_report(&lr, &all);
	first_audio_report(&lr);
	rc = 0;
out:
	if (work[0])
		remove_dir(work);
	for (size_t i = 0; i < LANGUAGES_MAX; i++) {
		free(lr.rows[i].hot.v);
		free(lr.rows[i].cold.v);
		free(lr.rows[i].limit.v);
	}
	return rc;
}
