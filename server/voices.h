/* voices: the voice profiles and the pronunciation list from voices/, and turning the text a page
 * shows into the text the voice says, with a map back so that the page can highlight the written
 * word while the spoken one plays. Offsets are in characters (code points), as eSpeak counts;
 * written offsets count the text as the page shows it, without the ** bold marks. */
#ifndef PLANALOUD_VOICES_H
#define PLANALOUD_VOICES_H

#include <stddef.h>

/* A profile's normal rate, in words a minute as heard: its slowest speed is two thirds of it and
 * its fastest about half as fast again (narrate.c), which eSpeak can say within these. */
#define VOICE_RATE_MIN 120
#define VOICE_RATE_MAX 200

typedef struct voice_profile {
	char *name;	/* "ruth" */
	char *label;	/* "Ruth (a woman's voice)" */
	char *language; /* eSpeak NG language, "en-gb" */
	int male;
	int rate;  /* normal speed: words a minute as heard, pauses and all */
	int pace;  /* how fast this voice is at a given eSpeak rate, in % of the table's (100) */
	int pitch; /* 0 to 100 */
} voice_profile;

typedef struct voices voices;

/* Loads dir/profiles.txt and dir/pronunciations.txt. NULL with "file:line: reason" in err. */
voices *voices_load(const char *dir, char *err, size_t errlen);
void voices_free(voices *v);
size_t voices_count(const voices *v);
const voice_profile *voices_at(const voices *v, size_t i);
/* The profile with that name, or NULL. */
const voice_profile *voices_find(const voices *v, const char *name);

/* The eSpeak rate (TTS_RATE_MIN..TTS_RATE_MAX) and word gap (0.., eSpeak's 10 ms) that make p
 * heard at about `percent` of its normal rate, in words a minute with the pauses: eSpeak's rate
 * leaves the pauses out, so the two are mapped through a table measured on easy-read pages
 * (planaloud-bench wpm; docs/narration.md, "Voices and speeds"). */
void voices_espeak_rate(const voice_profile *p, int percent, int *rate, int *gap);

/* A stretch of spoken text and the written text it stands for (characters). */
typedef struct speech_span {
	size_t spoken, spoken_len;
	size_t written, written_len;
	int same; /* spoken character by character as written */
} speech_span;

typedef struct speech {
	char *text; /* what the voice says (UTF-8) */
	speech_span *spans;
	size_t nspans;
} speech;

/* How a language is spoken: its eSpeak NG language and how it says an amount in pounds, as
 * templates with {pounds} and {pence} (the content's speak.pounds* messages): the -one form for
 * 1 pound, the -few form (where a language has one, as Polish does) for numbers ending in 2, 3
 * or 4 but not 12, 13 or 14. All borrowed. A NULL speech_lang, or NULL templates: English. */
typedef struct speech_lang {
	const char *language; /* "cy"; NULL: the voice profile's own */
	const char *pounds, *pounds_one, *pounds_few;
	const char *pounds_pence, *pounds_pence_one, *pounds_pence_few;
} speech_lang;

/* What the voice should say for `written` (valid UTF-8) in language l (NULL: English): bold marks
 * dropped, amounts in pounds read as pounds, the pronunciation list (English words) applied to
 * whole words of English text. 0, or -1 when memory runs out. Release with speech_release. */
int voices_speech(const voices *v, const speech_lang *l, const char *written, speech *out);
void speech_release(speech *s);
/* The written characters behind spoken characters [spoken, spoken + len). */
void speech_to_written(const speech *s, size_t spoken, size_t len, size_t *written,
		       size_t *written_len);

#endif
