/* words: where the words and sentences of a text are, for narration. Splits a text into words
 * (with the punctuation around each set apart), into sentences to speak one at a time, and
 * turns a speech engine's word events into one timed word per word of the text. No speech
 * engine here: tts.c feeds it what eSpeak reported. Pure functions; any thread. */
#ifndef PLANALOUD_WORDS_H
#define PLANALOUD_WORDS_H

#include "tts.h"

#include <stddef.h>

/* A sentence longer than this is spoken in parts, cut between words. */
#define WORDS_SEGMENT_MAX_BYTES 600

/* One word event as eSpeak reports it: text_position (1-based, in code points) and
 * audio_position (ms). */
typedef struct words_event {
	int position;
	int ms;
} words_event;

/* A word of the text: a run of code points between separators, [start, end). The word itself,
 * [word_start, word_start + word_len), leaves out the punctuation around it. */
typedef struct words_token {
	size_t start;
	size_t end;
	size_t word_start;
	size_t word_len;
	int punctuation; /* nothing but marks ("?!", ":-)", "•"): not said unless reported */
} words_token;

/* Splits valid UTF-8 (len bytes) into tokens: *tokens (the caller frees it) and *count.
 * 0, or -1 when memory runs out. */
int words_tokenise(const char *text, size_t len, words_token **tokens, size_t *count);

/* Turns the engine's word events (nraw, in order) into one word per token spoken: out has room
 * for ntok words; duration_ms is the audio's length. Returns the number of words written, with
 * start and length in code points of the text. */
size_t words_from_events(const words_token *tok, size_t ntok, const words_event *raw, size_t nraw,
			 unsigned int duration_ms, tts_word *out);

/* Written words in s: runs of non-space holding a letter or a digit ("**care" is one, "-"
 * none), as a reader counts them: what words a minute are counted in (the speed test, the wpm
 * benchmark). */
size_t words_count(const char *s);

/* Where the sentence starting at byte a of text (len bytes, valid UTF-8) ends (a byte offset,
 * the spaces after it included). */
size_t words_sentence_end(const char *text, size_t len, size_t a);

#endif
