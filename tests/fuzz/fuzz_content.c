/* fuzz_content: the easy-read content's files (content_parse.c, content_words.c, content.c's
 * checks) as an editor might leave them. The first line of an input says what the rest is: the
 * name of one of the real files ("messages.txt", "03-code.txt", "codewords.txt", ...) to stand
 * in its place, "new" for a page file added beside them, or "text" for text that the content's
 * text functions (sentences, {blanks}) read. The whole content then loads, or is refused with a
 * file, a line and a reason; nothing else may happen. */
#include "content.h"
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 64

typedef struct real_file {
	char path[512];	  /* in the copy */
	const char *name; /* its last part */
	char *data;	  /* as in the source tree */
	size_t len;
} real_file;

static char root[256], easyread[300], added[512];
static real_file files[MAX_FILES];
static size_t nfiles;

static void keep(const char *path)
{
	real_file *f = &files[nfiles];

	if (nfiles == MAX_FILES)
		fuzz_die("too many content files", path);
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->name = strrchr(f->path, '/') + 1;
	f->data = fuzz_read(path, &f->len);
	if (!f->data)
		fuzz_die("cannot read", path);
	nfiles++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char lang[400], path[512];
	struct dirent *e;
	DIR *d;

	(void)argc;
	(void)argv;
	fuzz_tmpdir("content", root, sizeof(root));
	snprintf(easyread, sizeof(easyread), "%s/easyread", root);
	snprintf(lang, sizeof(lang), "%s/en-GB", easyread);
	snprintf(path, sizeof(path), "%s/codewords.txt", easyread);
	if (mkdir(easyread, 0700) || mkdir(lang, 0700) ||
	    fuzz_copy_files(FUZZ_EASYREAD "/en-GB", lang) ||
	    fuzz_copy_files(FUZZ_EASYREAD, easyread))
		fuzz_die("cannot copy the content", root);
	keep(path);
	d = opendir(lang);
	if (!d)
		fuzz_die("opendir", lang);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0) {
			snprintf(path, sizeof(path), "%s/%s", lang, e->d_name);
			keep(path);
		}
	}
	closedir(d);
	snprintf(added, sizeof(added), "%s/zz-fuzz.txt", lang);
	return 0;
}

/* The content's text functions on text (NUL-terminated). */
static void read_text(const char *text)
{
	static const char *const kv[] = {"limit", "2000", "name", "{limit}", NULL};
	size_t pos = 0, start = 0, len = strlen(text);
	int longest = content_longest_sentence(text), words;
	char *filled;

	while ((words = content_sentence_next(text, &pos, &start)) >= 0) {
		if (start > pos || pos > len || words > longest)
			abort();
	}
	filled = content_fill_text(text, kv);
	free(filled);
}

/* The file the input's first line names: its index, nfiles for "new", nfiles + 1 for "text";
 * -1 for anything else. */
static long chosen(const char *name, size_t len)
{
	for (size_t i = 0; i < nfiles; i++)
		if (strlen(files[i].name) == len && memcmp(files[i].name, name, len) == 0)
			return (long)i;
	if (len == 3 && memcmp(name, "new", 3) == 0)
		return (long)nfiles;
	if (len == 4 && memcmp(name, "text", 4) == 0)
		return (long)nfiles + 1;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char err[1024] = "";
	const char *path;
	long which;
	content *c;

	if (!nl || (which = chosen((const char *)data, (size_t)(nl - data))) < 0)
		return 0;
	size -= (size_t)(nl + 1 - data);
	data = nl + 1;
	if (which == (long)nfiles + 1) {
		char *text = malloc(size + 1);

		if (text) {
			memcpy(text, data, size);
			text[size] = '\0';
			read_text(text);
			free(text);
		}
		return 0;
	}
	path = which < (long)nfiles ? files[which].path : added;
	if (fuzz_write(path, data, size))
		fuzz_die("cannot write", path);
	c = content_load(easyread, "en-GB", FUZZ_PICTURES, err, sizeof(err));
	if (!c && !err[0])
		abort(); /* refused without saying why */
	content_free(c);
	if (which < (long)nfiles ? fuzz_write(path, files[which].data, files[which].len)
				 : remove(added))
		fuzz_die("cannot put the content back", root);
	return 0;
}
