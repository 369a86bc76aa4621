/* narrate.h: what `narrate`'s files share (narrate.c, narrate_report.c, yardsticks.c, peer.c). */
#ifndef PLANALOUD_BENCH_NARRATE_H
#define PLANALOUD_BENCH_NARRATE_H

#include "bench.h"
#include "tts.h"
#include "voices.h"

#include <semaphore.h>

typedef struct narrate_opts {
	int runs, sessions, narrators, seconds, cached_load;
	const char *base, *voices_dir;
} narrate_opts;

/* ---- yardsticks.c: what the server is measured against ---- */

/* The espeak-ng program, and tts.c in this process. */
typedef struct yardsticks {
	const voices *v;	 /* borrowed */
	const voice_profile *vp; /* the first voice: borrowed from v */
	char voice[64], rate[16], pitch[16], wav[4200];
	int cli_ok, plain_ok; /* the espeak-ng program ran (with the voice's settings; plain) */
	tts *t;		      /* the synthesis thread in this process */
	sem_t sem;	      /* posted by its wake */
	int sem_ok;
	samples cli_same, cli_plain, inproc;
	samples inproc_first;  /* streamed: submit -> the first piece of audio */
	size_t inproc_samples; /* of the last text */
	double other_cpu;      /* share of a core other processes used meanwhile; -1 unknown */
} yardsticks;

/* Ready to measure v's first voice, writing WAV files in work_dir; 0, or -1 with err.
 * yardsticks_release() it either way. */
int yardsticks_init(yardsticks *y, const voices *v, const char *work_dir, char *err, size_t errlen);
/* The yardsticks on the same texts as the server's runs (the first a warm-up), each kind in a
 * block of its own; the synthesis thread is closed after. */
int yardsticks_run(yardsticks *y, unsigned runs, char *err, size_t errlen);
/* The limit for first audio of one text in language l (NULL: English): the first voice
 * streaming it through tts.c in this process, from tts_submit to the first piece of audio, in
 * *ns (the whole text is waited for). Before yardsticks_run, which closes the thread. 0, or -1
 * with err. */
int yardsticks_first_piece(yardsticks *y, const speech_lang *l, const char *text, uint64_t *ns,
			   char *err, size_t errlen);
void yardsticks_release(yardsticks *y);

/* ---- peer.c: the narrating client, in a process of its own ---- */

/* Forks the narrating client for load (which stands for the saving client) of o->narrators x
 * NARRATOR_POOL sessions asking for texts after one's (or one's texts again, --cached-load).
 * server_out_fd is closed in the child. 0, or -1 (said on stderr). */
int peer_start(bench *load, const narrate_opts *o, const bench *one, int server_out_fd);
/* The child's report into load, once load's run is over: 0, or -1 with err. */
int peer_report(bench *load, char *err, size_t errlen);
/* Ends the child (killed if it still runs) and closes the pipes. */
void peer_stop(bench *load);

/* ---- narrate_report.c ---- */

/* Everything `narrate` prints after its runs, the targets last. */
void narrate_report(bench *one, bench *load, yardsticks *y, const narrate_opts *o);

#endif
