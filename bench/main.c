/* planaloud-bench: how fast the server acknowledges saved answers, and how that compares with
 * what the disk allows; and how soon narration's audio reaches the page.
 *
 * `save` starts the real server on a loopback port (or uses a running one), opens N websocket
 * sessions on one libwebsockets client context (one thread, like the server), gives each its own
 * plan, and then has every session type an answer the way a person does: each save is sent when
 * the previous one is acknowledged (closed loop), plus an optional think time. It measures each
 * save's send-to-`saved` latency for S seconds after a 1 s warm-up. Then, on the same disk, it
 * times single-answer commits made through the server's own store (store.h) in this process: the
 * rate the server would be held to if every answer needed its own disk flush. docs/performance.md
 * has the results and how to read them.
 *
 * `narrate` times, on the same kind of spawned server, how soon the first byte of a paragraph's
 * audio reaches a websocket client (not yet synthesised, and again from the audio cache), against
 * spawning the espeak-ng program for the same text and against synthesising it in this process
 * through tts.c (the limits: the whole text, and streamed to its first piece); then 20
 * narrations at once beside the `save` load, and the save p99 with and without them. The audio
 * streams: `narration`, then binary frames (a 4-byte little-endian n, then 16-bit PCM) as it is
 * made with `narration_words` for each sentence finished, then `narration_end` with the sample
 * count and all the word timings. First audio is the first frame's first PCM byte; the whole
 * narration is in at `narration_end`. Every narration is checked: its frames carry its n, their
 * PCM adds up to narration_end's samples, and it and each narration_words have words; anything
 * else fails the run. With --cached-load the narrations beside the saves are of cached texts.
 *
 * Everything is bounded in time: setup, warm-up, measurement, drain and the direct run each have
 * a deadline, so the benchmark stops by itself. */
#include "bench.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t interrupted;
static struct lws_context *signal_ctx; /* for the signal handler's wake-up only */

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	if (signal_ctx)
		lws_cancel_service(signal_ctx);
}

int bench_interrupted(void)
{
	return interrupted;
}

void bench_signals_catch(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
}

int bench_work_folder(char *work, size_t len, const char *base, const char *what)
{
	const char *in = base && *base ? base : "/tmp";

	if (snprintf(work, len, "%s/planaloud-bench-%s-XXXXXX", in, what) >= (int)len ||
	    !mkdtemp(work)) {
		fprintf(stderr, "planaloud-bench: cannot make a temporary folder in %s: %s\n", in,
			strerror(errno));
		work[0] = '\0';
		return -1;
	}
	return 0;
}

void bench_signals_wake(struct lws_context *ctx)
{
	signal_ctx = ctx;
}

int parse_int(const char *s, long min, long max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

void bench_source_path(char *out, size_t outlen, const char *name)
{
	const char *file = __FILE__;
	const char *end = strrchr(file, '/');

	while (end && end > file && end[-1] != '/')
		end--; /* back to the start of "bench/" */
	if (!end || end == file)
		snprintf(out, outlen, "%s", name);
	else
		snprintf(out, outlen, "%.*s%s", (int)(end - file), file, name);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
		save_usage(stdout);
		printf("\n");
		narrate_usage(stdout);
		printf("\n");
		wpm_usage(stdout);
		printf("\n");
		focus_usage(stdout);
		printf("\n");
		caseload_usage(stdout);
		printf("\n");
		backup_usage(stdout);
		printf("\n");
		languages_usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "save"))
		return cmd_save(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "narrate"))
		return cmd_narrate(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "wpm"))
		return cmd_wpm(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "focus"))
		return cmd_focus(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "caseload"))
		return cmd_caseload(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "backup"))
		return cmd_backup(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "languages"))
		return cmd_languages(argc - 1, argv + 1);
	save_usage(stderr);
	fprintf(stderr, "\n");
	narrate_usage(stderr);
	fprintf(stderr, "\n");
	wpm_usage(stderr);
	fprintf(stderr, "\n");
	focus_usage(stderr);
	fprintf(stderr, "\n");
	caseload_usage(stderr);
	fprintf(stderr, "\n");
	backup_usage(stderr);
	fprintf(stderr, "\n");
	languages_usage(stderr);
	return 2;
}
