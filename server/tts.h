/* tts: speech from text with eSpeak NG, and the only file that includes eSpeak's headers.
 *
 * eSpeak NG 1.51 keeps its state in globals and is not thread-safe, so one worker thread owns it:
 * that thread initialises eSpeak, selects voices, sets the rate, pitch and volume, and does every
 * synthesis. The server's loop only submits jobs (copied onto a bounded queue, never waiting for
 * synthesis) and polls finished results after the worker has called wake. Only one tts may be
 * open in a process at a time (eSpeak is one per process).
 *
 * Each result carries 16-bit mono PCM and, for every word that was spoken, where that word is in
 * the text (in code points, as a page counts characters) and when it starts in the audio (ms), so
 * that the page can highlight each word as it is spoken.
 *
 * Functions return 0 on success and -1 on error, with a reason in err when err is not NULL. */
#ifndef PLANALOUD_TTS_H
#define PLANALOUD_TTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tts tts;

#define TTS_MAX_TEXT	 8192 /* bytes of UTF-8 in one request */
#define TTS_MAX_SECONDS	 600  /* of audio in one result; longer synthesis fails */
#define TTS_LANGUAGE_LEN 32
#define TTS_ERR_LEN	 128
#define TTS_VOICE_LEN	 48
/* The reason tts_submit gives when the queue is full: try again after polling. */
#define TTS_ERR_BUSY "busy"

#define TTS_RATE_MIN	 80 /* words per minute, eSpeak's own limits */
#define TTS_RATE_MAX	 450
#define TTS_RATE_DEFAULT 175
#define TTS_VARIANT_MAX	 9
#define TTS_GAP_MAX	 100 /* a pause between words, in eSpeak's 10 ms at its default rate */

typedef enum tts_gender {
	TTS_GENDER_ANY = 0, /* eSpeak's default for the language (a male voice for en-gb) */
	TTS_GENDER_MALE = 1,
	TTS_GENDER_FEMALE = 2,
} tts_gender;

/* What to say and how. Fill with tts_request_init() and then set the fields wanted. */
typedef struct tts_request {
	uint64_t id; /* the caller's, handed back in the result */
	void *owner; /* the caller's tag (the connection) for tts_forget; never dereferenced */
	const char *language; /* "en-gb", "cy"...: eSpeak's language names; borrowed for the call */
	tts_gender gender;
	/* 0 for the best voice of that language and gender, 1.. for the next ones (en-gb
	 * female: 0 "+f2", 1 "+f3", 2 "+f4", 3 "+f1"; from 4 on, other accents of en-gb) */
	int variant;
	int rate; /* words per minute, TTS_RATE_MIN..TTS_RATE_MAX */
	/* 0..TTS_GAP_MAX: a pause added after every word (eSpeak's WORDGAP), for speech slower
	 * than TTS_RATE_MIN allows */
	int gap;
	int pitch;	  /* 0..100, 50 is normal */
	int volume;	  /* 0..200, 100 is normal */
	const char *text; /* UTF-8, at most TTS_MAX_TEXT bytes; borrowed for the call */
	/* 1: the audio also comes out in pieces while it is being made, so that it can be played
	 * before the whole text is spoken (see tts_result.piece) */
	int stream;
} tts_request;

/* en-gb, any gender, variant 0, TTS_RATE_DEFAULT, no gap, pitch 50, volume 100, no text. */
void tts_request_init(tts_request *req);

/* One spoken word: the whole word as it stands in the text (without the punctuation around it),
 * even when eSpeak spoke it in pieces ("£40", "1,250.50", "don't", "Mae'r"). */
typedef struct tts_word {
	size_t start;	       /* code points from the start of the text */
	size_t length;	       /* in code points */
	unsigned int audio_ms; /* when the word starts in the audio */
	/* 1 when eSpeak said it with the word before ("of the", "that it") and reported only
	 * that one: audio_ms is then a share of their time, in proportion to their lengths. */
	int estimated;
} tts_word;

/* What tts_poll gives: a finished job, or (for a streamed request) a piece of its audio.
 *
 * The worker speaks a text a sentence at a time and shares itself between jobs: whoever waits
 * for audio first, then the rest of each text at a gentle pace while its listener has 2 s of
 * audio in hand (tts.c, pick()). So several texts asked for at once each start within a few
 * sentences' time.
 *
 * A piece has piece set, samples from first_sample of the whole audio, and the words of the
 * sentences finished since the piece before (often none; in the whole text's code points and
 * audio), no text, failed 0. Pieces of a job come out in order, before its finished result: the
 * first as soon as eSpeak has made its first buffer (100 ms of audio), then one at the end of
 * each sentence (and inside a long one, when it holds as much as all before it). The finished
 * result then holds the whole audio and all the words again, and streamed says how many of its
 * samples the pieces already carried. */
typedef struct tts_result {
	uint64_t id;
	void *owner;
	int piece;
	size_t first_sample;	   /* a piece's place in the whole audio; 0 in a finished result */
	size_t streamed;	   /* a finished result's samples that came before in pieces */
	int failed;		   /* 1 when synthesis failed; err says why and there is no audio */
	char err[TTS_ERR_LEN];	   /* "" unless failed */
	char voice[TTS_VOICE_LEN]; /* the eSpeak voice that spoke, "gmw/en+f2"; "" if none did */
	char *text;		   /* the text as submitted, NUL-terminated */
	int16_t *samples;	   /* mono PCM at sample_rate; NULL when there are none */
	size_t sample_count;
	int sample_rate; /* eSpeak's, 22050 */
	tts_word *words; /* in the order spoken, starts and audio_ms never decreasing */
	size_t word_count;
} tts_result;

/* Starts the worker, which starts eSpeak (and so sets the process's LC_CTYPE to C.UTF-8, as
 * eSpeak needs: call this at start-up, before other threads use the locale). wake (may be NULL)
 * is called from the worker thread after each result is ready to poll; it must be cheap and
 * thread-safe (lws_cancel_service), and wake_ctx must live until tts_close() has returned.
 * max_jobs (at least 1) bounds how many jobs are held at once: waiting, being spoken, or
 * finished and not yet polled; each holds its text and up to TTS_MAX_SECONDS of audio (26 MB at
 * 22050 Hz; a 46-word paragraph is 11 s, 0.5 MB). NULL with a reason when eSpeak cannot start or
 * another tts is open. */
tts *tts_open(void (*wake)(void *ctx), void *wake_ctx, size_t max_jobs, char *err, size_t errlen);
/* Stops the worker (a job in progress is abandoned), waits for it and frees every job and result
 * not yet polled. Results already polled stay the caller's. tts_close(NULL) does nothing. */
void tts_close(tts *t);
/* eSpeak's sample rate, the same in every result. */
int tts_sample_rate(const tts *t);

/* Copies the request onto the queue; returns at once. -1 with TTS_ERR_BUSY when max_jobs are
 * held, or with a reason when the request is out of bounds (text too long or not UTF-8, rate,
 * pitch, volume or language not allowed). An unknown language is only found by the worker: the
 * result then has failed set. */
int tts_submit(tts *t, const tts_request *req, char *err, size_t errlen);
/* One finished result, oldest first, or NULL when none is ready. The caller frees it with
 * tts_result_free(). */
tts_result *tts_poll(tts *t);
void tts_result_free(tts_result *r);
/* Drops the owner's waiting jobs and unpolled results, and abandons its job in progress: once
 * this returns, no result for anything that owner submitted comes out of tts_poll. */
void tts_forget(tts *t, const void *owner);

/* The byte offset of code point number codepoint_offset in NUL-terminated UTF-8 text, or the
 * text's length when it has fewer code points. */
size_t tts_byte_offset(const char *utf8, size_t codepoint_offset);

#endif
