/* wpm: `planaloud-bench wpm`. How fast each voice talks at each speed, in words a minute as a
 * person hears them: the say paragraphs of the first easy-read pages, said through the real
 * narrator (narrate.c: the voice profiles, the speed table, the pronunciation list, eSpeak),
 * their written words counted and divided by the minutes of audio that came back. Audio
 * durations, not wall time: the same on any machine. With --table, the same texts through tts.c
 * at the eSpeak settings of voices.c's table, for each voice: how that table is measured. */
#include "bench.h"
#include "buf.h"
#include "content.h"
#include "../server/narrate.h" /* not bench/narrate.h */
#include "tts.h"
#include "voices.h"
#include "words.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WPM_PAGES   12		     /* pages whose say paragraphs are read */
#define WPM_WAIT_NS (120 * NS_PER_S) /* for one text's audio */

typedef struct wpm_texts {
	char *text[WPM_PAGES]; /* a page's say paragraphs, joined */
	const char *page[WPM_PAGES];
	size_t n;
	size_t words;
} wpm_texts;

/* The eSpeak settings --table measures (voices.c's table's rows). */
static const struct {
	int rate, gap;
} table_rows[] = {{80, 6},  {80, 5},  {80, 4},	{80, 3},  {80, 2},  {80, 1},  {86, 1},	{90, 1},
		  {100, 1}, {110, 1}, {100, 0}, {110, 0}, {120, 0}, {130, 0}, {140, 0}, {150, 0},
		  {160, 0}, {175, 0}, {190, 0}, {200, 0}, {220, 0}, {250, 0}, {280, 0}, {300, 0}};

void wpm_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: planaloud-bench wpm [--table] [options]\n"
	    "\n"
	    "Measures how fast each voice talks at each speed, in words a minute as a person\n"
	    "hears them (pauses and all): the say paragraphs of the first %d easy-read pages\n"
	    "that have two or more, said through the server's narrator, written words over\n"
	    "minutes of audio. Durations of real eSpeak audio, not wall time.\n"
	    "\n"
	    "Options:\n"
	    "  --table         instead, the same texts at each eSpeak rate and word gap of the\n"
	    "                  table in server/voices.c, for each voice (how it is measured)\n"
	    "  --voices DIR    the voice profiles (default: voices/ in the source tree)\n"
	    "  --easyread DIR  the content (default: easyread/ in the source tree)\n"
	    "  --help          show this help\n",
	    WPM_PAGES);
}

static void texts_release(wpm_texts *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->text[i]);
}

/* The say paragraphs of the first WPM_PAGES journey pages with two or more, each page's joined. */
static int texts_load(wpm_texts *t, const content *c)
{
	for (size_t i = 0; i < content_page_count(c) && t->n < WPM_PAGES; i++) {
		const content_page *p = content_page_at(c, i);
		buf b;

		if (p->part < 0 || p->nsay < 2)
			continue;
		buf_init(&b);
		for (size_t k = 0; k < p->nsay; k++)
			if (buf_printf(&b, "%s%s", k ? " " : "", p->say[k])) {
				buf_release(&b);
				return -1;
			}
		t->page[t->n] = p->id;
		t->text[t->n] = buf_detach(&b, NULL);
		if (!t->text[t->n])
			return -1;
		t->words += words_count(t->text[t->n++]);
	}
	return t->n ? 0 : -1;
}

/* Heard words a minute for words said in nsamples of audio at rate. */
static double heard(size_t words, size_t nsamples, int rate)
{
	return nsamples && rate ? (double)words * 60.0 * rate / (double)nsamples : 0;
}

/* One voice at one speed over every text: the samples of audio, or 0 on failure (said on stderr).
 */
static size_t say_all(narrator *n, const wpm_texts *t, const char *voice, const char *speed,
		      int *rate)
{
	size_t nsamples = 0;
	char err[ERR_LEN];

	for (size_t i = 0; i < t->n; i++) {
		uint64_t until = now_ns() + WPM_WAIT_NS;
		narration *r = NULL;

		if (narrator_say(n, NULL, i, voice, speed, NULL, t->text[i], 0, err, sizeof(err))) {
			fprintf(stderr, "planaloud-bench: %s\n", err);
			return 0;
		}
		while (!(r = narrator_poll(n)) && now_ns() < until && !bench_interrupted())
			nanosleep(&(struct timespec){0, 1000000}, NULL);
		if (!r || r->failed || r->piece) {
			fprintf(stderr, "planaloud-bench: no audio for %s at %s\n", voice, speed);
			narration_free(r);
			return 0;
		}
		nsamples += r->sample_count;
		*rate = r->sample_rate;
		narration_free(r);
	}
	return nsamples;
}

static void nothing(void *ctx)
{
	(void)ctx;
}

/* Every voice at every speed, through the narrator (its cache in a fresh folder of work). */
static int wpm_speeds(const voices *v, const wpm_texts *t, const char *work)
{
	char err[ERR_LEN];
	narrator *n = narrator_open(v, work, 64u << 20, nothing, NULL, err, sizeof(err));
	int rc = -1;

	if (!n) {
		fprintf(stderr, "planaloud-bench: the narrator: %s\n", err);
		return -1;
	}
	printf("%-8s %-8s %8s %8s %10s %9s\n", "voice", "speed", "target", "heard", "audio (s)",
	       "off by");
	for (size_t i = 0; i < voices_count(v); i++) {
		const voice_profile *p = voices_at(v, i);

		for (const char *const *s = narrate_speeds; *s; s++) {
			int rate = 0;
			size_t nsamples = say_all(n, t, p->name, *s, &rate);
			double target = p->rate * narrate_speed_percent(*s) / 100.0;
			double got = heard(t->words, nsamples, rate);

			if (!nsamples)
				goto out;
			printf("%-8s %-8s %8.0f %8.1f %10.1f %+8.1f%%\n", p->name, *s, target, got,
			       (double)nsamples / rate, (got / target - 1) * 100);
		}
	}
	rc = 0;
out:
	narrator_close(n);
	return rc;
}

/* One voice at one eSpeak setting over every text, through tts.c: the samples of audio, or 0. */
static size_t say_raw(tts *tt, const wpm_texts *t, const voices *v, const voice_profile *p,
		      int rate, int gap)
{
	size_t nsamples = 0;
	char err[ERR_LEN];

	for (size_t i = 0; i < t->n; i++) {
		uint64_t until = now_ns() + WPM_WAIT_NS;
		tts_request req;
		tts_result *r = NULL;
		speech sp;
		int bad;

		if (voices_speech(v, NULL, t->text[i], &sp))
			return 0;
		tts_request_init(&req);
		req.language = p->language;
		req.gender = p->male ? TTS_GENDER_MALE : TTS_GENDER_FEMALE;
		req.rate = rate;
		req.gap = gap;
		req.pitch = p->pitch;
		req.text = sp.text;
		bad = tts_submit(tt, &req, err, sizeof(err));
		speech_release(&sp);
		if (bad) {
			fprintf(stderr, "planaloud-bench: %s\n", err);
			return 0;
		}
		while (!(r = tts_poll(tt)) && now_ns() < until && !bench_interrupted())
			nanosleep(&(struct timespec){0, 1000000}, NULL);
		if (!r || r->failed) {
			tts_result_free(r);
			return 0;
		}
		nsamples += r->sample_count;
		tts_result_free(r);
	}
	return nsamples;
}

/* The table's rows for every voice, and each voice's pace against the first's. */
static int wpm_table(const voices *v, const wpm_texts *t)
{
	size_t nrows = sizeof(table_rows) / sizeof(*table_rows), nv = voices_count(v);
	char err[ERR_LEN];
	tts *tt = tts_open(NULL, NULL, 4, err, sizeof(err));
	double *got = calloc(nrows * nv, sizeof(*got));
	int rc = -1;

	if (!tt || !got) {
		fprintf(stderr, "planaloud-bench: synthesis: %s\n", tt ? "out of memory" : err);
		goto out;
	}
	printf("%-6s %-4s", "rate", "gap");
	for (size_t i = 0; i < nv; i++)
		printf(" %8s", voices_at(v, i)->name);
	printf("   (heard words a minute)\n");
	for (size_t r = 0; r < nrows; r++) {
		printf("%-6d %-4d", table_rows[r].rate, table_rows[r].gap);
		for (size_t i = 0; i < nv; i++) {
			size_t nsamples = say_raw(tt, t, v, voices_at(v, i), table_rows[r].rate,
						  table_rows[r].gap);

			if (!nsamples)
				goto out;
			got[r * nv + i] = heard(t->words, nsamples, tts_sample_rate(tt));
			printf(" %8.1f", got[r * nv + i]);
		}
		printf("\n");
	}
	for (size_t i = 1; i < nv; i++) {
		double sum = 0;

		for (size_t r = 0; r < nrows; r++)
			sum += got[r * nv + i] / got[r * nv];
		printf("pace of %s: %.0f (%% of %s's, the mean over the rows)\n",
		       voices_at(v, i)->name, 100 * sum / (double)nrows, voices_at(v, 0)->name);
	}
	rc = 0;
out:
	free(got);
	tts_close(tt);
	return rc;
}

int cmd_wpm(int argc, char **argv)
{
	enum { O_TABLE = 1, O_VOICES, O_EASYREAD, O_HELP };
	static const struct option opts[] = {
	    {"table", no_argument, NULL, O_TABLE},
	    {"voices", required_argument, NULL, O_VOICES},
	    {"easyread", required_argument, NULL, O_EASYREAD},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	char vdir[4096], edir[4096], pdir[4096], work[4096] = "", err[ERR_LEN];
	const char *base = getenv("TMPDIR");
	int opt, table = 0, rc = 1;
	wpm_texts t = {0};
	content *c = NULL;
	voices *v = NULL;

	bench_source_path(vdir, sizeof(vdir), "voices");
	bench_source_path(edir, sizeof(edir), "easyread");
	bench_source_path(pdir, sizeof(pdir), "web/pictures");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_TABLE)
			table = 1;
		else if (opt == O_VOICES)
			snprintf(vdir, sizeof(vdir), "%s", optarg);
		else if (opt == O_EASYREAD)
			snprintf(edir, sizeof(edir), "%s", optarg);
		else {
			wpm_usage(opt == O_HELP ? stdout : stderr);
			return opt == O_HELP ? 0 : 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "planaloud-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	bench_signals_catch();
	if (!(v = voices_load(vdir, err, sizeof(err))) ||
	    !(c = content_load(edir, "en-GB", pdir, err, sizeof(err)))) {
		fprintf(stderr, "planaloud-bench: %s\n", err);
		goto out;
	}
	if (texts_load(&t, c)) {
		fprintf(stderr, "planaloud-bench: no easy-read texts in %s\n", edir);
		goto out;
	}
	printf("Texts:      the say paragraphs of %zu easy-read pages (%s to %s), %zu written "
	       "words\n",
	       t.n, t.page[0], t.page[t.n - 1], t.words);
	if (bench_work_folder(work, sizeof(work), base, "wpm"))
		goto out;
	rc = (table ? wpm_table(v, &t) : wpm_speeds(v, &t, work)) ? 1 : 0;
out:
	if (work[0])
		remove_dir(work);
	texts_release(&t);
	content_free(c);
	voices_free(v);
	return rc;
}
