/* languages_bench.h: what `languages`'s files share (languages.c, languages_session.c). Not
 * named languages.h: that is the server's, which these files use too. */
#ifndef PLANALOUD_BENCH_LANGUAGES_H
#define PLANALOUD_BENCH_LANGUAGES_H

#include "bench.h"
#include "content.h"
#include "languages.h"

#define LANG_WAIT_MS	   30000
#define LANG_CACHED	   "msg/next" /* the Next button's label */
#define LANG_UNCACHED_NAME "list.item"
#define LANG_UNCACHED	   "msg/" LANG_UNCACHED_NAME "?n=%d" /* "Number 21"...: new each time */
#define LANG_UNCACHED_N0   21
#define TARGET_LANG_RATIO  2.0 /* uncached first audio, to the in-process first piece */

/* One server started and timed until it had read its fixed texts ahead. */
typedef struct readahead {
	size_t texts;	/* /healthz's texts */
	double up_s;	/* from starting it to /healthz answering */
	double ready_s; /* from starting it to prerendered == texts */
	double other;	/* the share of a core other processes took meanwhile; -1 unknown */
	unsigned long long bytes, disk; /* its audio folder once stopped: bytes, on disk */
	size_t files;			/* the audio cache's entries there (a text in a voice) */
} readahead;

/* One language's first audio. */
typedef struct lang_row {
	char tag[16];	    /* "cy" */
	const content *c;   /* this process's copy, for the limit; borrowed */
	samples hot;	    /* LANG_CACHED */
	samples cold;	    /* LANG_UNCACHED */
	samples limit;	    /* LANG_UNCACHED's first piece, made in this process */
	int kept;	    /* LANG_CACHED was still in the cache when the session first asked */
	uint64_t first_ask; /* that first ask's first audio (the warm-up), ns */
	readahead alone;    /* --each-language: the server started in this language */
} lang_row;

typedef struct lang_run {
	int runs;
	int each; /* --each-language */
	lang_row rows[LANGUAGES_MAX];
	size_t n;
	double other_limits, other_sessions; /* as readahead.other */
} lang_run;

/* languages_session.c */
/* One session on the server on port that chooses row's language and then, runs + 1 times (the
 * first a warm-up, which may or may not find LANG_CACHED in the cache: row->kept says), asks for
 * LANG_CACHED (then in the cache) and a new LANG_UNCACHED, every narration checked. 0, or -1
 * with err. */
int lang_session(int port, lang_row *row, int runs, char *err, size_t errlen);

#endif
