/* fuzz_voices: voices.c on what an editor might leave in voices/ and on any text a page may show.
 * The first line of an input says what the rest is: "profiles.txt" or "pronunciations.txt" in
 * place of the real one (the voices then load, or are refused with a file, a line and a reason),
 * or "say" and a page's text (valid UTF-8, as the content's checks make it) that the real voices
 * turn into what is said, with every spoken character mapped back within the written text. */
#include "fuzz.h"
#include "utf8.h"
#include "voices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256], profiles[300], sayings[300];
static char *profiles_data, *sayings_data;
static size_t profiles_len, sayings_len;
static voices *real;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512] = "";

	(void)argc;
	(void)argv;
	fuzz_tmpdir("voices", dir, sizeof(dir));
	snprintf(profiles, sizeof(profiles), "%s/profiles.txt", dir);
	snprintf(sayings, sizeof(sayings), "%s/pronunciations.txt", dir);
	if (fuzz_copy_files(FUZZ_VOICES, dir) ||
	    !(profiles_data = fuzz_read(profiles, &profiles_len)) ||
	    !(sayings_data = fuzz_read(sayings, &sayings_len)))
		fuzz_die("cannot copy the voices", dir);
	real = voices_load(FUZZ_VOICES, err, sizeof(err));
	if (!real)
		fuzz_die("the real voices do not load", err);
	return 0;
}

/* What the real voices say for text, each spoken character mapped back into the written ones. */
static void say(const char *text, size_t len)
{
	size_t chars = utf8_chars(text, len), spoken_chars;
	speech sp;

	if (voices_speech(real, NULL, text, &sp))
		return; /* out of memory */
	spoken_chars = utf8_chars(sp.text, strlen(sp.text));
	if (!utf8_valid(sp.text, strlen(sp.text)))
		abort(); /* eSpeak is given what is not UTF-8 */
	for (size_t i = 0; i < sp.nspans; i++)
		if (sp.spans[i].spoken + sp.spans[i].spoken_len > spoken_chars ||
		    sp.spans[i].written + sp.spans[i].written_len > chars)
			abort();
	for (size_t at = 0; at < spoken_chars; at++) {
		size_t w, wlen;

		speech_to_written(&sp, at, 1, &w, &wlen);
		if (w > chars || w + wlen > chars)
			abort();
	}
	speech_release(&sp);
}

/* 0, 1 or 2 for an input whose first line is "profiles.txt", "pronunciations.txt" or "say";
 * -1 for anything else. */
static int chosen(const char *name, size_t len)
{
	static const char *const what[] = {"profiles.txt", "pronunciations.txt", "say"};

	for (int i = 0; i < 3; i++)
		if (strlen(what[i]) == len && memcmp(what[i], name, len) == 0)
			return i;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char err[512] = "";
	voices *v;
	int which;

	if (!nl || (which = chosen((const char *)data, (size_t)(nl - data))) < 0)
		return 0;
	size -= (size_t)(nl + 1 - data);
	data = nl + 1;
	if (which == 2) {
		char *text = malloc(size + 1);

		if (text) {
			memcpy(text, data, size);
			text[size] = '\0';
			if (!memchr(text, '\0', size) && utf8_valid(text, size))
				say(text, size);
			free(text);
		}
		return 0;
	}
	if (fuzz_write(which ? sayings : profiles, data, size))
		fuzz_die("cannot write", which ? sayings : profiles);
	v = voices_load(dir, err, sizeof(err));
	if (!v && !err[0])
		abort(); /* refused without saying why */
	voices_free(v);
	if (which ? fuzz_write(sayings, sayings_data, sayings_len)
		  : fuzz_write(profiles, profiles_data, profiles_len))
		fuzz_die("cannot put the voices back", dir);
	return 0;
}
