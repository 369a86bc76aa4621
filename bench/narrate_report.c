/* narrate_report: what `narrate` prints once its runs are over: first audio through the server,
 * the yardsticks, the ratios of their medians, the saves beside narration, and the targets. */
#include "narrate.h"

#include <string.h>
#include <unistd.h>

/* The medians the ratios and targets are made of, in ms. */
typedef struct medians {
	double unc, cac, cli, plain, lim, lim1;
	int cli_ok, plain_ok;
} medians;

/* The paragraph's audio, and the one session's narrations through the server. */
static void report_server(bench *one)
{
	double audio_s = one->sample_rate ? (double)one->audio_samples / one->sample_rate : 0;

	printf("\nThe paragraph's audio: %.1f s, %zu samples at %d Hz (%zu KB of 16-bit PCM)\n",
	       audio_s, one->audio_samples, one->sample_rate, one->audio_samples * 2 / 1024);
	printf("\nThrough the server: writing `narrate` -> first audio byte (the first binary "
	       "frame's first PCM)\n");
	print_dist("uncached (never said before):", &one->nar_uncached);
	print_dist("cached (the same text again):", &one->nar_cached);
	printf("  to the `narration` JSON before it:\n");
	print_dist("uncached:", &one->nar_uncached_json);
	print_dist("cached:", &one->nar_cached_json);
	printf("  to `narration_end` (every audio frame and the word timings in):\n");
	print_dist("uncached:", &one->nar_uncached_all);
	print_dist("cached:", &one->nar_cached_all);
	print_count("audio frames, uncached:", &one->nar_uncached_frames, 1, "");
	print_count("audio frames, cached:", &one->nar_cached_frames, 1, "");
	print_count("first frame, uncached:", &one->nar_uncached_first_bytes, 1024, " KB");
	if (one->nar_wrong_cache)
		printf("  PROBLEM: %llu narrations said cached when they should not have, or the "
		       "reverse\n",
		       one->nar_wrong_cache);
}

/* The espeak-ng program and the in-process synthesis. */
static void report_yardsticks(yardsticks *y, const bench *one, const medians *md)
{
	char detail[160];

	printf("\nThe espeak-ng program (fork, exec, wait; -w to a WAV file)\n");
	if (md->cli_ok) {
		snprintf(detail, sizeof(detail), "-v %s -s %s -p %s:", y->voice, y->rate, y->pitch);
		print_dist(detail, &y->cli_same);
	} else {
		printf("  could not be run (see above)\n");
	}
	if (md->plain_ok)
		print_dist("-v en-gb (eSpeak's defaults):", &y->cli_plain);
	printf("\nIn this process through tts.c (submit -> result), the limit\n");
	print_dist("synthesis:", &y->inproc);
	print_dist("first piece (streamed):", &y->inproc_first);
	if (y->inproc_samples != one->audio_samples)
		printf("  (%zu samples here against the server's %zu: eSpeak varies a little)\n",
		       y->inproc_samples, one->audio_samples);
	if (y->other_cpu > 0.1)
		printf("  NOTE: other work used %.0f%% of a core while these ran: expect noise\n",
		       100.0 * y->other_cpu);
}

static void report_ratios(const bench *one, const medians *md)
{
	double wall = (double)(one->t_done - one->t_warm) / (double)NS_PER_S;
	double mine = one->cpu_self_end - one->cpu_self_start + one->cpu_children_end -
		      one->cpu_children_start;
	double srv = one->cpu_server_end - one->cpu_server_start;
	double all = one->cpu_all_end - one->cpu_all_start;

	printf("\nRatios (medians)\n");
	if (md->cli_ok)
		printf("  uncached first audio / espeak-ng program (same voice): %.3f\n",
		       md->unc / md->cli);
	if (md->plain_ok)
		printf("  uncached first audio / espeak-ng -v en-gb:             %.3f\n",
		       md->unc / md->plain);
	printf("  uncached first audio / in-process synthesis:           %.2f (%+.2f ms)\n",
	       md->lim > 0 ? md->unc / md->lim : 0.0, md->unc - md->lim);
	printf("  uncached first audio / in-process first piece:         %.2f (%+.2f ms)\n",
	       md->lim1 > 0 ? md->unc / md->lim1 : 0.0, md->unc - md->lim1);
	printf("  cached first audio / uncached:                         %.3f\n",
	       md->unc > 0 ? md->cac / md->unc : 0.0);
	if (wall > 0 && one->cpu_server_start >= 0 && one->cpu_all_start >= 0 &&
	    all - srv - mine > 0.1 * wall)
		printf("  NOTE: other work used %.0f%% of a core during these runs: expect noise\n",
		       100.0 * (all - srv - mine) / wall);
}

/* The CPU each used during the load test, and a note when other work was busy too. */
static void report_load_cpu(const bench *load)
{
	double wall = (double)(load->t_done - load->t_warm) / (double)NS_PER_S;
	double self = load->cpu_self_end - load->cpu_self_start;
	double child = load->peer.cpu_start >= 0 && load->peer.cpu_end >= 0
			   ? load->peer.cpu_end - load->peer.cpu_start
			   : 0;
	double srv = load->cpu_server_end - load->cpu_server_start;
	double all = load->cpu_all_end - load->cpu_all_start;

	if (load->cpu_server_start >= 0 && load->cpu_server_end >= 0)
		printf("  CPU busy:          server %.0f%% (its loop and the synthesis thread), "
		       "saving client %.0f%%,\n                     narrating client %.0f%% of one "
		       "core",
		       100.0 * srv / wall, 100.0 * self / wall, 100.0 * child / wall);
	if (load->cpu_all_start >= 0 && load->cpu_all_end >= 0)
		printf("; all processes %.0f%% of %ld CPUs", 100.0 * all / wall,
		       sysconf(_SC_NPROCESSORS_ONLN));
	printf("\n");
	if (load->cpu_server_start >= 0 && all - srv - self - child > 0.1 * wall)
		printf("  NOTE:              other work used %.0f%% of a core during the run: "
		       "expect noise\n",
		       100.0 * (all - srv - self - child) / wall);
}

/* Saves alone against saves beside narration, and the narrations under load. */
static void report_load(bench *load, const narrate_opts *o)
{
	samples_sort(&load->lat);
	samples_sort(&load->lat_b);
	printf("\nSaves beside narration (%d sessions saving; %d narrating at once every %d ms in "
	       "the second half)\n",
	       o->sessions, o->narrators, BURST_MS_DEFAULT);
	printf("  saves alone:       %zu in %d s (%.0f/s), ms p50 %.2f  p95 %.2f  p99 %.2f  max "
	       "%.2f\n",
	       load->lat.n, o->seconds, (double)load->lat.n / o->seconds,
	       percentile_ms(&load->lat, 50), percentile_ms(&load->lat, 95),
	       percentile_ms(&load->lat, 99), max_ms(&load->lat));
	printf("  beside narration:  %zu in %d s (%.0f/s), ms p50 %.2f  p95 %.2f  p99 %.2f  max "
	       "%.2f\n",
	       load->lat_b.n, o->seconds, (double)load->lat_b.n / o->seconds,
	       percentile_ms(&load->lat_b, 50), percentile_ms(&load->lat_b, 95),
	       percentile_ms(&load->lat_b, 99), max_ms(&load->lat_b));
	printf("  narrations:        %llu asked for in %u bursts of %d", load->nar_fired,
	       load->bursts_fired, o->narrators);
	if (load->nar_skipped)
		printf(", %llu left out (every narrating session was still busy)",
		       load->nar_skipped);
	printf("\n");
	print_dist("first audio byte, under load:", &load->nar_load);
	print_dist("to narration_end, under load:", &load->nar_load_all);
	printf("  audio frames:      %llu for %llu narrations (%.1f each), the largest %zu KB\n",
	       load->nar_frames_total, load->nar_done,
	       load->nar_done ? (double)load->nar_frames_total / (double)load->nar_done : 0.0,
	       load->nar_frame_max / 1024);
	if (load->nar_inflight)
		printf("  PROBLEM:           %llu narrations never finished\n", load->nar_inflight);
	if (load->nar_wrong_cache)
		printf("  PROBLEM:           %llu narrations came back cached\n",
		       load->nar_wrong_cache);
	if (load->errors || load->unanswered)
		printf(
		    "  PROBLEMS:          %llu error replies%s%s, %llu saves never acknowledged\n",
		    load->errors, load->first_error[0] ? ", first: " : "", load->first_error,
		    load->unanswered);
	report_load_cpu(load);
}

static void report_targets(const bench *one, const bench *load, const medians *md, int sessions)
{
	double p99a = percentile_ms(&load->lat, 99), p99b = percentile_ms(&load->lat_b, 99);
	char detail[160];

	printf("\nTargets\n");
	snprintf(detail, sizeof(detail), "(%.2f ms / %.2f ms = %.3f)", md->unc, md->cli,
		 md->cli > 0 ? md->unc / md->cli : 0.0);
	print_target("uncached first audio <= 0.25 x espeak-ng", md->cli_ok,
		     md->cli > 0 && md->unc / md->cli <= TARGET_CLI_RATIO, detail);
	snprintf(detail, sizeof(detail), "(median %.2f ms, p95 %.2f ms)", md->cac,
		 percentile_ms(&one->nar_cached, 95));
	print_target("cached first audio <= 2 ms", 1,
		     one->nar_cached.n && md->cac <= TARGET_CACHED_MS, detail);
	snprintf(detail, sizeof(detail), "(p99 %.2f ms beside narration, %.2f ms without: %.2fx)",
		 p99b, p99a, p99a > 0 ? p99b / p99a : 0.0);
	print_target("save p99 beside narration <= 2 x without", sessions > 0,
		     load->lat_b.n && p99b <= TARGET_LOAD_RATIO * p99a, detail);
}

void narrate_report(bench *one, bench *load, yardsticks *y, const narrate_opts *o)
{
	medians md = {0};

	md.cli_ok = y->cli_ok && y->cli_same.n;
	md.plain_ok = y->plain_ok && y->cli_plain.n;
	report_server(one); /* sorts the samples the medians are read from */
	report_yardsticks(y, one, &md);
	md.unc = percentile_ms(&one->nar_uncached, 50);
	md.cac = percentile_ms(&one->nar_cached, 50);
	md.lim = percentile_ms(&y->inproc, 50);
	md.lim1 = percentile_ms(&y->inproc_first, 50);
	if (md.cli_ok)
		md.cli = percentile_ms(&y->cli_same, 50);
	if (md.plain_ok)
		md.plain = percentile_ms(&y->cli_plain, 50);
	report_ratios(one, &md);
	if (o->sessions > 0)
		report_load(load, o);
	report_targets(one, load, &md, o->sessions);
}
