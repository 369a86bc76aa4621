/* Tests for server/content.c: the real easy-read content loads, and broken copies of it are refused
 * with the file, the line and a plain reason (docs/content-format.md). */
#include "check.h"

#include "content.h"
#include "content_words.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"
#define ERR_LEN	 1024

/* Like CHECK, and shows the whole error when the part looked for is not in it. */
#define CHECK_HAS(text, part)                                                                      \
	do {                                                                                       \
		CHECK(strstr((text), (part)) != NULL);                                             \
		if (!strstr((text), (part)))                                                       \
			fprintf(stderr, "    looked for \"%s\" in: %s\n", (part), (text));         \
	} while (0)

/* ---- the real content ---- */

static content *load_real(char *err)
{
	content *c;

	err[0] = '\0';
	c = content_load(EASYREAD, "en-GB", PICTURES, err, ERR_LEN);
	if (!c)
		fprintf(stderr, "    the real content did not load: %s\n", err);
	return c;
}

static void content_should_load_the_real_content(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	CHECK(c != NULL);
	CHECK_STR(err, "");
	if (c) {
		CHECK_STR(content_lang(c), "en-GB");
		CHECK(content_page_count(c) > 0);
		CHECK(content_part_count(c) > 0);
		CHECK(content_message_count(c) > 0);
		CHECK(content_codeword_count(c) >= 1024);
	}
	content_free(c);
}

static void content_should_have_exactly_one_page_of_each_unique_kind(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (int k = KIND_CODE; k < KIND_COUNT; k++) {
		int n = 0;

		for (size_t i = 0; i < content_page_count(c); i++)
			n += content_page_at(c, i)->kind == (page_kind)k;
		CHECK(n == 1);
		if (n != 1)
			fprintf(stderr, "    %d pages of the kind %s\n", n,
				page_kind_name((page_kind)k));
		CHECK(content_page_of_kind(c, (page_kind)k) != NULL);
		CHECK(content_page_of_kind(c, (page_kind)k)->kind == (page_kind)k);
	}
	content_free(c);
}

static void content_should_have_pages_of_every_kind_that_asks_something(void)
{
	static const page_kind kinds[] = {KIND_INFO,   KIND_TEXT,   KIND_LONG_TEXT,
					  KIND_CHOICE, KIND_YES_NO, KIND_LIST};
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
		CHECK(content_page_of_kind(c, kinds[k]) != NULL);
	content_free(c);
}

static void content_pages_should_be_whole_after_loading(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	CHECK(content_page_at(c, 0)->part >= 0);
	CHECK(content_page_at(c, content_page_count(c)) == NULL);
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);
		size_t at = 99999;

		CHECK(pg->id && pg->title && pg->picture);
		CHECK(content_page_find(c, pg->id, &at) == pg);
		CHECK(at == i);
		CHECK(content_picture_alt(c, pg->picture) != NULL);
		CHECK(pg->part < (int)content_part_count(c));
		if (pg->part >= 0)
			CHECK(content_part_title(c, pg->part) != NULL);
		if (page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST)
			CHECK(pg->ask != NULL);
		if (pg->kind == KIND_CHOICE)
			CHECK(pg->noptions >= 2);
		if (pg->kind == KIND_LIST)
			CHECK(pg->nfields >= 1);
		if (pg->kind == KIND_TEXT || pg->kind == KIND_LONG_TEXT)
			CHECK(pg->limit > 0);
	}
	CHECK(content_page_find(c, "no-such-page", NULL) == NULL);
	CHECK(content_part_title(c, -1) == NULL);
	CHECK(content_part_title(c, (int)content_part_count(c)) == NULL);
	content_free(c);
}

static void content_should_keep_every_sentence_to_fifteen_words(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);

		CHECK(content_longest_sentence(pg->title) <= 15);
		for (size_t k = 0; k < pg->nsay; k++)
			CHECK(content_longest_sentence(pg->say[k]) <= 15);
		if (pg->ask)
			CHECK(content_longest_sentence(pg->ask) <= 15);
		if (pg->hint)
			CHECK(content_longest_sentence(pg->hint) <= 15);
	}
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;

		content_message_at(c, i, &name, &text);
		CHECK(content_longest_sentence(text) <= 15);
	}
	content_free(c);
}

/* A yes on a safeguarding page is shown first on the staff caseload, and the duty team gets an
 * alert only where the council set alerts up: the pages that follow it claim nobody was told but
 * through {who-is-told}, whose words without alerts (safeguarding.told.staff) promise no more
 * than the caseload; and they say what to do in danger now. */
static void content_after_a_safeguarding_yes_should_claim_only_what_happens(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);
	int follow_ups = 0, told = 0;

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t i = 0; i < content_page_count(c); i++) {
		const content_page *pg = content_page_at(c, i);
		const content_page *asked;
		int danger = 0;

		if (pg->nconds != 1 || !(asked = content_page_find(c, pg->conds[0].page, NULL)) ||
		    !asked->flag || strcmp(asked->flag, "safeguarding") != 0 || pg->conds[0].negate)
			continue;
		follow_ups++;
		for (size_t k = 0; k < pg->nsay; k++) {
			if (strcmp(pg->say[k], "{who-is-told}") == 0) {
				told++;
				continue;
			}
			CHECK(strstr(pg->say[k], "told") == NULL);
			if (strstr(pg->say[k], "told"))
				fprintf(stderr, "    %s claims: %s\n", pg->id, pg->say[k]);
			danger |= strstr(pg->say[k], "9 9 9") != NULL;
		}
		CHECK(danger);
	}
	CHECK(follow_ups >= 1);
	CHECK(told == follow_ups);
	CHECK(strstr(content_message(c, "safeguarding.raised"), "told") == NULL);
	CHECK(strstr(content_message(c, "safeguarding.told.staff"), "told") == NULL);
	content_free(c);
}

static void content_should_find_messages_by_name(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	CHECK(content_message(c, "next") != NULL);
	CHECK(content_message(c, "error.wrong-code") != NULL);
	CHECK(content_message(c, "no.such.message") == NULL);
	for (size_t i = 0; i < content_message_count(c); i++) {
		const char *name, *text;

		content_message_at(c, i, &name, &text);
		CHECK(content_message(c, name) == text);
	}
	content_free(c);
}

static void content_codewords_should_be_short_lowercase_and_findable(void)
{
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t i = 0; i < content_codeword_count(c); i++) {
		const char *w = content_codeword(c, i);
		size_t len = strlen(w);
		int lower = 1;

		for (size_t k = 0; k < len; k++)
			lower &= w[k] >= 'a' && w[k] <= 'z';
		CHECK(lower && len >= 3 && len <= 8);
		CHECK(content_codeword_index(c, w, len) == (long)i);
	}
	CHECK(content_codeword(c, content_codeword_count(c)) == NULL);
	CHECK(content_codeword_index(c, "zzzzzzzzz", 9) == -1);
	/* A prefix of a word is not the word. */
	CHECK(content_codeword_index(c, content_codeword(c, 0), 2) == -1);
	content_free(c);
}

static void content_load_should_say_when_the_folder_is_missing(void)
{
	char err[ERR_LEN] = "";
	content *c = content_load("/nonexistent/easyread", "en-GB", PICTURES, err, sizeof(err));

	CHECK(c == NULL);
	CHECK(err[0] != '\0');
	c = content_load(EASYREAD, "xx-XX", PICTURES, err, sizeof(err));
	CHECK(c == NULL);
	CHECK_HAS(err, "xx-XX");
	content_free(c);
}

static void content_load_should_accept_a_null_err(void)
{
	content *c = content_load("/nonexistent/easyread", "en-GB", PICTURES, NULL, 0);

	CHECK(c == NULL);
}

static void content_free_should_accept_null(void)
{
	content_free(NULL); /* must not crash */
}

/* ---- counting words in sentences ---- */

static void content_longest_sentence_should_count_the_words_of_one_sentence(void)
{
	CHECK(content_longest_sentence("You can write your own plan here.") == 7);
	CHECK(content_longest_sentence("One two three four five six seven eight nine ten eleven "
				       "twelve thirteen fourteen fifteen sixteen.") == 16);
	CHECK(content_longest_sentence("No full stop at the end") == 6);
	CHECK(content_longest_sentence("") == 0);
	CHECK(content_longest_sentence("Hello") == 1);
}

static void content_longest_sentence_should_give_the_longest_of_several(void)
{
	CHECK(content_longest_sentence("Take your time. We save your answers as you go.") == 7);
	CHECK(content_longest_sentence("A b c d e f g h. Short one.") == 8);
	CHECK(content_longest_sentence("Is it? Yes! Good.") == 2);
	CHECK(content_longest_sentence("One two three four five six seven eight nine ten. "
				       "One two three four five six seven eight nine ten.") == 10);
}

static void content_longest_sentence_should_count_a_placeholder_as_a_word(void)
{
	CHECK(content_longest_sentence("The screen will clear in {seconds} seconds.") == 7);
	CHECK(content_longest_sentence("Part {n} of {of}") == 4);
}

static void content_longest_sentence_should_not_count_a_dash_alone_as_a_word(void)
{
	CHECK(content_longest_sentence("Yes - I need more time.") == 5);
	CHECK(content_longest_sentence("Yes \xe2\x80\x94 I need more time.") == 5); /* em dash */
	CHECK(content_longest_sentence("Yes \xe2\x80\x93 I need more time.") == 5); /* en dash */
}

static void content_longest_sentence_should_count_bold_numbers_and_other_letters(void)
{
	CHECK(content_longest_sentence("Your plan is **yours**.") == 4);
	CHECK(content_longest_sentence("If you are in danger now, call **9 9 9**.") == 10);
	CHECK(content_longest_sentence("Mae \xc5\xb5yn yn y cae.") == 5); /* Welsh, with ŵ */
}

static void content_longest_sentence_should_end_a_sentence_at_a_full_stop_inside_bold(void)
{
	/* Two sentences of 4 and 2 words, not one of 6. */
	CHECK(content_longest_sentence("Your plan is **yours.** You choose.") == 4);
	CHECK(content_longest_sentence("Is it **safe?** Tell us.") == 3);
}

static void content_longest_sentence_should_end_a_sentence_before_a_closing_quote(void)
{
	/* "He said stop." is 3 words; "Then we went home." is 4. */
	CHECK(content_longest_sentence("He said \"stop.\" Then we went home.") == 4);
	CHECK(content_longest_sentence("(Ask them.) Then write it all down.") == 5);
}

static void content_longest_sentence_should_not_count_a_pound_sign_alone_as_a_word(void)
{
	CHECK(content_longest_sentence("It costs \xc2\xa3 40 a week.") == 5);
	CHECK(content_longest_sentence("It costs \xc2\xa3"
				       "40 a week.") == 5);
}

static void content_longest_sentence_should_not_end_a_sentence_inside_a_word(void)
{
	/* "3.5" and "e.g." do not end a sentence; only . ! or ? before a space or the end. */
	CHECK(content_longest_sentence("It costs 3.5 pounds a week for me") == 8);
	CHECK(content_longest_sentence("a b c d e f g h i j k l m n o p") == 16);
	CHECK(content_longest_sentence("  spaces   between   words  ") == 3);
}

/* ---- a copy of the content, to break ---- */

typedef struct copy {
	char root[64];
	char easyread[128];
	char lang[160];
	char tag[16]; /* the language copied: "en-GB" unless copy_make_lang said another */
} copy;

static int write_all(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
	size_t len = 0;
	char *data = test_read_file(from, &len);
	int rc;

	if (!data)
		return -1;
	rc = write_all(to, data, len);
	free(data);
	return rc;
}

static int copy_dir_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	char a[512], b[512];
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct stat st;

		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		if (stat(a, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		if (copy_file(a, b))
			rc = -1;
	}
	closedir(d);
	return rc;
}

static void remove_dir_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

/* Copies easyread/ (the codewords and one language's files) into a new temporary folder. */
static int copy_make_lang(copy *t, const char *tag)
{
	char words[256], from[256];

	snprintf(t->tag, sizeof(t->tag), "%s", tag);
	snprintf(t->root, sizeof(t->root), "/tmp/planaloud-content-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	snprintf(t->easyread, sizeof(t->easyread), "%s/easyread", t->root);
	snprintf(t->lang, sizeof(t->lang), "%s/%s", t->easyread, tag);
	snprintf(words, sizeof(words), "%s/codewords.txt", t->easyread);
	snprintf(from, sizeof(from), "%s/%s", EASYREAD, tag);
	if (mkdir(t->easyread, 0700) || mkdir(t->lang, 0700) ||
	    copy_file(EASYREAD "/codewords.txt", words))
		return -1;
	return copy_dir_files(from, t->lang);
}

/* The same with the English files. */
static int copy_make(copy *t)
{
	return copy_make_lang(t, "en-GB");
}

static void copy_remove(copy *t)
{
	remove_dir_files(t->lang);
	rmdir(t->lang);
	remove_dir_files(t->easyread);
	rmdir(t->easyread);
	if (rmdir(t->root))
		fprintf(stderr, "    could not remove %s\n", t->root);
}

/* The path of a file in the copy's en-GB folder (or, for "codewords.txt", easyread/). */
static void copy_path(const copy *t, const char *name, char *out, size_t n)
{
	if (strcmp(name, "codewords.txt") == 0)
		snprintf(out, n, "%s/%s", t->easyread, name);
	else
		snprintf(out, n, "%s/%s", t->lang, name);
}

/* The number of the first line that starts with `start`, or 0. */
static int line_of(const copy *t, const char *name, const char *start)
{
	char path[512];
	size_t len = 0;
	char *data, *line;
	int n = 1, found = 0;

	copy_path(t, name, path, sizeof(path));
	data = test_read_file(path, &len);
	if (!data)
		return 0;
	for (line = data; *line; n++) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, start, strlen(start)) == 0) {
			found = n;
			break;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	free(data);
	if (!found)
		fprintf(stderr, "    no line of %s starts with \"%s\"\n", name, start);
	return found;
}

/* Replaces line n (from 1) of the file with text. 0, or -1. */
static int replace_line(const copy *t, const char *name, int n, const char *text)
{
	char path[512];
	size_t len = 0, at = 0, end;
	char *data, *out;
	int line = 1, rc;

	copy_path(t, name, path, sizeof(path));
	data = test_read_file(path, &len);
	if (!data || n < 1)
		return -1;
	while (line < n && at < len) {
		if (data[at++] == '\n')
			line++;
	}
	if (line != n || at >= len) {
		free(data);
		return -1;
	}
	for (end = at; end < len && data[end] != '\n'; end++)
		;
	out = malloc(len + strlen(text) + 1);
	memcpy(out, data, at);
	memcpy(out + at, text, strlen(text));
	memcpy(out + at + strlen(text), data + end, len - end);
	rc = write_all(path, out, at + strlen(text) + len - end);
	free(out);
	free(data);
	return rc;
}

/* Adds a line at the end of the file; returns its number, or 0. */
static int append_line(const copy *t, const char *name, const char *text)
{
	char path[512];
	size_t len = 0;
	char *data;
	int lines = 0;
	FILE *f;

	copy_path(t, name, path, sizeof(path));
	data = test_read_file(path, &len);
	if (!data)
		return 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	f = fopen(path, "ab");
	if (!f) {
		free(data);
		return 0;
	}
	if (len && data[len - 1] != '\n') {
		fputc('\n', f);
		lines++;
	}
	fprintf(f, "%s\n", text);
	fclose(f);
	free(data);
	return lines + 1;
}

/* 1 when the copy is refused (err says why), 0 when it loads. */
static int copy_refused(const copy *t, char *err)
{
	content *c;

	err[0] = '\0';
	c = content_load(t->easyread, t->tag, PICTURES, err, ERR_LEN);
	if (c) {
		content_free(c);
		return 0;
	}
	return 1;
}

/* "name:line:" as the error starts with it. */
static const char *at_line(const char *name, int line)
{
	static char at[128];

	snprintf(at, sizeof(at), "%s:%d:", name, line);
	return at;
}

/* 1 when err points at the line at fault or at the line of the page it belongs to. */
static int at_either_line(const char *err, const char *name, int at_fault, int page_line)
{
	char a[128], b[128];

	snprintf(a, sizeof(a), "%s:%d:", name, at_fault);
	snprintf(b, sizeof(b), "%s:%d:", name, page_line);
	if (strstr(err, a) || strstr(err, b))
		return 1;
	fprintf(stderr, "    looked for \"%s\" or \"%s\" in: %s\n", a, b, err);
	return 0;
}

static void content_should_load_an_unchanged_copy(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_make(&t) == 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

/* The answer to "Is anyone hurting you?" is never read aloud where others may hear: a
 * safeguarding page without `private: yes` is refused, as is `private` on a page without answers,
 * and a first page that is not the welcome page. */
static void content_should_keep_safety_answers_private_and_welcome_first(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "07-control-and-safe.txt", "private: yes");
	CHECK(n > 0);
	CHECK(replace_line(&t, "07-control-and-safe.txt", n, "# not private") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "safeguarding");
	CHECK_HAS(err, "private: yes");
	CHECK(replace_line(&t, "07-control-and-safe.txt", n, "private: maybe") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("07-control-and-safe.txt", n));
	CHECK(replace_line(&t, "07-control-and-safe.txt", n, "private: yes") == 0);
	n = line_of(&t, "01-welcome.txt", "kind: welcome");
	CHECK(n > 0);
	CHECK(replace_line(&t, "01-welcome.txt", n, "kind: info\nprivate: yes") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "private but takes no answer");
	CHECK(replace_line(&t, "01-welcome.txt", n, "kind: info") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "welcome");
	copy_remove(&t);
}

static void content_should_refuse_a_say_line_of_sixteen_words(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "01-welcome.txt", "say:");
	CHECK(n > 0);
	CHECK(replace_line(&t, "01-welcome.txt", n,
			   "say: You can write your own plan here and then your social worker "
			   "reads it all carefully.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "16 words");
	CHECK_HAS(err, "15 or fewer");
	copy_remove(&t);
}

static void content_should_refuse_a_long_sentence_among_short_ones(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "04-about-me.txt", "hint:");
	CHECK(replace_line(&t, "04-about-me.txt", n,
			   "hint: I am kind. I make people laugh and smile when I tell them all my "
			   "very funny jokes at the day centre on Fridays. Really.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "21 words");
	copy_remove(&t);
}

static void content_should_refuse_a_long_message(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "messages.txt", "saved:");
	CHECK(replace_line(&t, "messages.txt", n,
			   "saved: We have saved every single one of your answers in our very safe "
			   "place for you today.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("messages.txt", n));
	CHECK_HAS(err, "17 words");
	copy_remove(&t);
}

static void content_should_refuse_stars_that_do_not_pair(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "04-about-me.txt", "say: Think about the **good things**");
	CHECK(n > 0);
	CHECK(replace_line(&t, "04-about-me.txt", n,
			   "say: Think about the **good things people say about you.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "stars");
	copy_remove(&t);
}

static void content_should_refuse_a_key_it_does_not_know(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = append_line(&t, "02-who.txt", "colour: blue");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", n));
	CHECK_HAS(err, "'colour' is not a key");
	copy_remove(&t);
}

static void content_should_refuse_a_kind_it_does_not_know(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "kind: choice");
	CHECK(replace_line(&t, "02-who.txt", n, "kind: quiz") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", n));
	CHECK_HAS(err, "'quiz' is not a kind of page");
	copy_remove(&t);
}

static void content_should_refuse_a_page_without_a_picture(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "picture: person");
	CHECK(replace_line(&t, "02-who.txt", n, "# no picture here") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", line_of(&t, "02-who.txt", "page: who")));
	CHECK_HAS(err, "'who' has no 'picture' line");
	copy_remove(&t);
}

static void content_should_refuse_offered_on_a_page_that_is_not_a_choice(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_make(&t) == 0);
	CHECK(replace_line(&t, "02-who.txt", line_of(&t, "02-who.txt", "picture: name-badge"),
			   "picture: name-badge\noffered: managing") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "'helper-name' has 'offered' but is not a choice");
	copy_remove(&t);
}

static void content_should_refuse_a_picture_that_pictures_txt_does_not_describe(void)
{
	char err[ERR_LEN];
	copy t;
	int n, uses;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "pictures.txt", "person:");
	uses = line_of(&t, "02-who.txt", "picture: person");
	CHECK(replace_line(&t, "pictures.txt", n, "# person: gone") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK(at_either_line(err, "02-who.txt", uses, line_of(&t, "02-who.txt", "page: who")));
	CHECK_HAS(err, "'person', which pictures.txt does not describe");
	copy_remove(&t);
}

static void content_should_refuse_a_picture_whose_file_is_missing(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "picture: person");
	CHECK(replace_line(&t, "02-who.txt", n, "picture: unicorn") == 0);
	CHECK(append_line(&t, "pictures.txt", "unicorn: A unicorn") > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "unicorn.svg");
	CHECK_HAS(err, "missing");
	copy_remove(&t);
}

static void content_should_refuse_two_pages_with_the_same_name(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = append_line(&t, "02-who.txt", "page: welcome");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", n));
	CHECK_HAS(err, "already a page called 'welcome'");
	copy_remove(&t);
}

static void content_should_refuse_show_if_naming_a_later_page(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "show-if: who = helper");
	CHECK(replace_line(&t, "02-who.txt", n, "show-if: managing = council") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK(at_either_line(err, "02-who.txt", n, line_of(&t, "02-who.txt", "page: helper-name")));
	CHECK_HAS(err, "'managing'");
	CHECK_HAS(err, "no page before it");
	copy_remove(&t);
}

static void content_should_refuse_show_if_naming_a_page_that_does_not_exist(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "show-if: who = helper");
	CHECK(replace_line(&t, "02-who.txt", n, "show-if: whom = helper") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK(at_either_line(err, "02-who.txt", n, line_of(&t, "02-who.txt", "page: helper-name")));
	CHECK_HAS(err, "'whom'");
	copy_remove(&t);
}

static void content_should_refuse_show_if_naming_an_option_that_does_not_exist(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "show-if: who = helper");
	CHECK(replace_line(&t, "02-who.txt", n, "show-if: who = nobody") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK(at_either_line(err, "02-who.txt", n, line_of(&t, "02-who.txt", "page: helper-name")));
	CHECK_HAS(err, "'nobody', but that page has no such option");
	copy_remove(&t);
}

static void content_should_refuse_a_missing_message(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "messages.txt", "error.wrong-code:");
	CHECK(replace_line(&t, "messages.txt", n, "# error.wrong-code: gone") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "messages.txt");
	CHECK_HAS(err, "the message 'error.wrong-code' is missing");
	copy_remove(&t);
}

static void content_should_refuse_a_message_that_is_there_twice(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = append_line(&t, "messages.txt", "next: Go on");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("messages.txt", n));
	CHECK_HAS(err, "'next' is there twice");
	copy_remove(&t);
}

/* A copy whose codewords.txt holds n different words of four letters (baaa, baab, ...) must be
 * refused, saying how many it has and the bound (`bound`). */
static void code_words_refused(int n, const char *bound)
{
	char err[ERR_LEN], path[512], said[32];
	copy t;
	FILE *f;

	CHECK(copy_make(&t) == 0);
	copy_path(&t, "codewords.txt", path, sizeof(path));
	f = fopen(path, "w");
	for (int i = 0; f && i < n; i++)
		fprintf(f, "b%c%c%c\n", 'a' + i / 676 % 26, 'a' + i / 26 % 26, 'a' + i % 26);
	if (f)
		fclose(f);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, "codewords.txt");
	snprintf(said, sizeof(said), "%d code words", n);
	CHECK_HAS(err, said);
	CHECK_HAS(err, bound);
	copy_remove(&t);
}

static void content_should_refuse_fewer_than_1024_code_words(void)
{
	code_words_refused(1023, "1024");
}

/* four digits from 2 to 9 number 4096 words */
static void content_should_refuse_more_code_words_than_the_numbers_can_name(void)
{
	code_words_refused(4097, "4096");
}

static void content_should_refuse_a_code_word_with_capitals_or_digits(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = append_line(&t, "codewords.txt", "Apple2");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("codewords.txt", n));
	CHECK_HAS(err, "a to z");
	copy_remove(&t);
}

static void content_should_refuse_a_line_that_is_not_utf8(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "04-about-me.txt", "hint:");
	CHECK(replace_line(&t, "04-about-me.txt", n, "hint: I like the caf\xe9 in town.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "not valid UTF-8");
	copy_remove(&t);
}

static void content_should_refuse_a_message_that_is_not_utf8(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "messages.txt", "back:");
	CHECK(replace_line(&t, "messages.txt", n,
			   "back: Ba\xc0\xa0"
			   "ck") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("messages.txt", n));
	CHECK_HAS(err, "not valid UTF-8");
	copy_remove(&t);
}

static void content_should_refuse_a_second_page_of_a_unique_kind(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = append_line(&t, "09-send.txt", "page: send-again");
	append_line(&t, "09-send.txt", "kind: send");
	append_line(&t, "09-send.txt", "picture: send");
	append_line(&t, "09-send.txt", "title: Send it again");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("09-send.txt", n));
	CHECK_HAS(err, "more than one page of the kind 'send'");
	copy_remove(&t);
}

static void content_should_refuse_a_choice_with_the_same_option_twice(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "02-who.txt", "option: helper");
	CHECK(replace_line(&t, "02-who.txt", n, "option: me | Me again") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", n));
	CHECK_HAS(err, "the option 'me' is there twice");
	copy_remove(&t);
}

static void content_should_refuse_a_page_before_any_part(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = line_of(&t, "01-welcome.txt", "part:");
	CHECK(replace_line(&t, "01-welcome.txt", n, "# no part") == 0);
	n = line_of(&t, "01-welcome.txt", "page:");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "after a 'part:' or 'group:' line");
	copy_remove(&t);
}

static void content_should_refuse_a_line_that_belongs_to_no_page(void)
{
	char err[ERR_LEN], path[512];
	copy t;
	FILE *f;

	/* A new file starts a group, then has a line before its first page. That line must not be
	 * added to the last page of the file before. */
	CHECK(copy_make(&t) == 0);
	copy_path(&t, "99-more.txt", path, sizeof(path));
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("group: More pages\n", f);
		fputs("say: This line is on no page.\n", f);
		fclose(f);
	}
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("99-more.txt", 2));
	CHECK_HAS(err, "must come after a 'page:' line");
	copy_remove(&t);
}

static void content_should_refuse_a_line_after_a_second_group_line(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	append_line(&t, "10-coming-back.txt", "group: Another group");
	n = append_line(&t, "10-coming-back.txt", "say: This line is on no page.");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("10-coming-back.txt", n));
	copy_remove(&t);
}

/* ---- hard words: each page explains the hard words it uses ---- */

static void content_should_list_the_hard_words_people_found_hard(void)
{
	static const char *const words[] = {"council", "risk",	       "emergency",  "admire",
					    "achieve", "organisation", "assessment", "advocate"};
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++) {
		int found = 0;

		for (size_t i = 0; i < content_hard_word_count(c); i++) {
			const content_hard_word *h = content_hard_word_at(c, i);

			if (strcmp(h->forms[0], words[w]) == 0 && h->means && *h->means)
				found = 1;
		}
		CHECK(found);
		if (!found)
			fprintf(stderr, "    '%s' is not in hard-words.txt\n", words[w]);
	}
	CHECK(content_hard_word_at(c, content_hard_word_count(c)) == NULL);
	CHECK(content_is_everyday(c, "OK", 2));
	CHECK(!content_is_everyday(c, "OT", 2));
	content_free(c);
}

/* A copy whose hard-words list is only "council" (and its forms) and "direct payment". */
static int copy_with_small_list(copy *t)
{
	static const char list[] = "# a small list for the tests\n"
				   "everyday: OK\n"
				   "word: council\n"
				   "forms: councils\n"
				   "means: The council runs services where you live.\n"
				   "\n"
				   "word: direct payment\n"
				   "means: Money paid to you for your support.\n";
	char path[512];

	if (copy_make(t))
		return -1;
	copy_path(t, "hard-words.txt", path, sizeof(path));
	return write_all(path, list, sizeof(list) - 1);
}

static void content_should_refuse_a_hard_word_said_without_its_explanation(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "01-welcome.txt", "say: The council reads it too.");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'council'");
	CHECK_HAS(err, "hard word");
	copy_remove(&t);
}

static void content_should_refuse_a_page_that_uses_a_hard_word_and_never_explains_it(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "01-welcome.txt", "hint: Ask the council about it.");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'council'");
	CHECK_HAS(err, "'welcome'");
	copy_remove(&t);
}

static void content_should_accept_a_hard_word_explained_in_bold_where_it_is_first_said(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_with_small_list(&t) == 0);
	CHECK(append_line(&t, "01-welcome.txt", "hint: Ask the council about it.") > 0);
	CHECK(append_line(&t, "01-welcome.txt",
			  "say: The **council** runs services where you live.") > 0);
	CHECK(append_line(&t, "01-welcome.txt", "say: The council reads your plan too.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

static void content_should_refuse_a_hard_word_explained_only_after_it_is_first_said(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "01-welcome.txt", "say: The council reads it too.");
	CHECK(append_line(&t, "01-welcome.txt",
			  "say: The **council** runs services where you live.") > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'council'");
	copy_remove(&t);
}

static void content_should_know_a_hard_word_by_its_other_forms_and_any_case(void)
{
	static const char *const lines[] = {
	    "say: Councils help people.",
	    "say: Council staff read it too.",
	    "say: The council's letter has a code.",
	    "say: You can get a Direct  Payment.",
	};
	char err[ERR_LEN];

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		copy t;
		int n;

		CHECK(copy_with_small_list(&t) == 0);
		n = append_line(&t, "01-welcome.txt", lines[i]);
		CHECK(copy_refused(&t, err) == 1);
		CHECK_HAS(err, at_line("01-welcome.txt", n));
		CHECK_HAS(err, i < 3 ? "'council'" : "'direct payment'");
		copy_remove(&t);
	}
}

static void content_should_accept_a_hard_word_in_bold_in_capitals_or_another_form(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_with_small_list(&t) == 0);
	CHECK(append_line(&t, "01-welcome.txt", "say: **Councils** run services where you live.") >
	      0);
	CHECK(append_line(&t, "01-welcome.txt", "say: The Council reads it.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

static void content_should_not_take_a_longer_word_for_a_hard_word(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_with_small_list(&t) == 0);
	CHECK(append_line(&t, "01-welcome.txt", "say: A councillor came to see us.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

static void content_should_want_each_page_to_explain_its_own_hard_words(void)
{
	char err[ERR_LEN];
	copy t;
	int explained, n;

	CHECK(copy_with_small_list(&t) == 0);
	explained = line_of(&t, "02-who.txt", "say: You can write your plan");
	CHECK(replace_line(&t, "02-who.txt", explained,
			   "say: The **council** runs services where you live.") == 0);
	n = line_of(&t, "02-who.txt", "say: We put your name on the plan.");
	CHECK(replace_line(&t, "02-who.txt", n, "say: We tell the council your name.") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("02-who.txt", n));
	CHECK_HAS(err, "'council'");
	copy_remove(&t);
}

static void content_should_refuse_a_hard_word_without_its_meaning(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "hard-words.txt", "word: assessment");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("hard-words.txt", n));
	CHECK_HAS(err, "'assessment'");
	CHECK_HAS(err, "means");
	copy_remove(&t);
}

static void content_should_refuse_a_hard_word_listed_twice(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "hard-words.txt", "word: Councils");
	CHECK(append_line(&t, "hard-words.txt", "means: They run services.") > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("hard-words.txt", n));
	CHECK_HAS(err, "'councils'");
	copy_remove(&t);
}

static void content_should_refuse_an_abbreviation_it_does_not_explain(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_with_small_list(&t) == 0);
	n = append_line(&t, "01-welcome.txt", "say: Your GP can help. It is OK.");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'GP'");
	CHECK_HAS(err, "abbreviation");
	copy_remove(&t);
}

static void content_should_accept_an_everyday_or_explained_abbreviation(void)
{
	char err[ERR_LEN];
	copy t;

	CHECK(copy_with_small_list(&t) == 0);
	CHECK(append_line(&t, "01-welcome.txt", "say: It is OK. Your GP (doctor) can help.") > 0);
	CHECK(append_line(&t, "messages.txt",
			  "test.doctor: Your doctor (GP) can help. I am here.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

/* ---- picture cards ---- */

static void content_should_load_the_cards_of_the_profile_and_support_pages(void)
{
	static const char *const pages[] = {
	    "important-people",	   "important-places", "important-routines",
	    "important-things",	   "communicate",      "supported-family",
	    "supported-community", "supported-paid",   "supported-equipment"};
	char err[ERR_LEN];
	content *c = load_real(err);

	if (!c) {
		CHECK(c != NULL);
		return;
	}
	for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
		const content_page *pg = content_page_find(c, pages[i], NULL);

		CHECK(pg != NULL);
		if (!pg)
			continue;
		CHECK(pg->ncards >= 5 && pg->ncards <= 8);
		for (size_t k = 0; k < pg->ncards; k++) {
			CHECK(content_picture_alt(c, pg->cards[k].picture) != NULL);
			CHECK(content_card_find(pg, pg->cards[k].id) == &pg->cards[k]);
		}
	}
	content_free(c);
}

/* Puts card in place of the first card after the line that starts with hint (in
 * 04-about-me.txt); returns its line number, or 0. */
static int add_card_line(const copy *t, const char *hint, const char *card)
{
	int n = line_of(t, "04-about-me.txt", hint);

	if (!n || replace_line(t, "04-about-me.txt", n + 1, card))
		return 0;
	return n + 1;
}

static void content_should_refuse_a_card_whose_picture_file_is_missing(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	CHECK(append_line(&t, "pictures.txt", "unicorn: A unicorn") > 0);
	n = add_card_line(&t, "hint: For example: My flat.", "card: home | unicorn | Home");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "the card 'home' uses the picture 'unicorn'");
	CHECK_HAS(err, "unicorn.svg");
	copy_remove(&t);
}

static void content_should_refuse_a_card_whose_picture_is_not_described(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = add_card_line(&t, "hint: For example: My flat.", "card: home | dragon | Home");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "'dragon', which pictures.txt does not describe");
	copy_remove(&t);
}

static void content_should_refuse_a_card_of_more_than_three_words(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = add_card_line(&t, "hint: For example: My flat.",
			  "card: home | places | My home with my cat");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "the card 'home' has 5 words; a card has 3 or fewer");
	copy_remove(&t);
}

static void content_should_refuse_a_card_that_is_there_twice(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	/* the page's second card becomes a second "home" */
	n = line_of(&t, "04-about-me.txt", "card: park");
	CHECK(n > 0);
	CHECK(replace_line(&t, "04-about-me.txt", n, "card: home | tree | Park") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "the card 'home' is there twice");
	copy_remove(&t);
}

static void content_should_refuse_a_card_with_a_hard_word_it_does_not_explain(void)
{
	char err[ERR_LEN];
	copy t;
	int n;

	CHECK(copy_make(&t) == 0);
	n = add_card_line(&t, "hint: For example: My flat.", "card: home | places | The council");
	CHECK(n > 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", n));
	CHECK_HAS(err, "'council' is a hard word");
	copy_remove(&t);
}

static void content_should_refuse_cards_on_a_page_that_takes_no_words(void)
{
	char err[ERR_LEN];
	copy t;
	int page;

	CHECK(copy_make(&t) == 0);
	page = line_of(&t, "04-about-me.txt", "page: profile-intro");
	CHECK(page > 0);
	CHECK(replace_line(&t, "04-about-me.txt", page,
			   "page: profile-intro\ncard: home | places | Home") == 0);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("04-about-me.txt", page));
	CHECK_HAS(err, "page 'profile-intro' has cards but is not a text or long-text page");
	copy_remove(&t);
}

/* ---- other scripts: where their sentences end, and their hard words ---- */

/* n words, each `word`, with `mark` after the last, into out. */
static const char *sentence_of(const char *word, int n, const char *mark, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s%s", i ? " " : "", word,
					 i == n - 1 ? mark : "");
	return out;
}

/* Two sentences of 10 and 8 words, each ending in mark (after its last word, or apart from it
 * after a space): the longest is 10 words, not 18. */
static int ends_sentences(const char *word, const char *mark, int apart)
{
	char a[512], b[512], both[1100], m[16];

	snprintf(m, sizeof(m), "%s%s", apart ? " " : "", mark);
	sentence_of(word, 10, m, a, sizeof(a));
	sentence_of(word, 8, m, b, sizeof(b));
	snprintf(both, sizeof(both), "%s %s", a, b);
	return content_longest_sentence(both) == 10 && content_longest_sentence(a) == 10;
}

static void
content_longest_sentence_should_end_a_sentence_at_the_danda_and_urdu_and_arabic_marks(void)
{
	CHECK(ends_sentences("কথা", "।", 0)); /* Bengali, the danda */
	CHECK(ends_sentences("কথা", "।", 1)); /* with a space before it */
	CHECK(ends_sentences("ਗੱਲ", "।", 0));  /* Punjabi in Gurmukhi */
	CHECK(ends_sentences("بات", "۔", 0)); /* Urdu, its full stop */
	CHECK(ends_sentences("بات", "۔", 1));
	CHECK(ends_sentences("كلمة", "؟", 0)); /* Arabic, its question mark */
	CHECK(ends_sentences("كلمة", "؟", 1));
	/* the Arabic comma does not end one, and is not a word */
	CHECK(content_longest_sentence("كلمة كلمة، كلمة كلمة؟") == 4);
	/* with the end in bold, or before a closing quote */
	CHECK(content_longest_sentence("আমি **বাড়িতে**। তুমি কোথায়?") == 2);
	CHECK(content_longest_sentence("“আমি বাড়িতে।” তুমি কোথায়?") == 2);
	CHECK(content_longest_sentence("«كلمة كلمة.» كلمة كلمة كلمة؟") == 3);
	CHECK(content_longest_sentence("Powiedz «Tak.» Albo nie.") == 2);
	/* an angle quote on its own is not a word */
	CHECK(content_longest_sentence("Powiedz « Tak » albo nie.") == 4);
}

static void content_should_count_sentences_in_bengali_between_dandas(void)
{
	char err[ERR_LEN], line[1200], a[512], b[512];
	copy t;
	int n;

	/* 16 words with one danda at the end: refused */
	CHECK(copy_make_lang(&t, "bn") == 0);
	snprintf(line, sizeof(line), "say: %s", sentence_of("কথা", 16, "।", a, sizeof(a)));
	n = append_line(&t, "01-welcome.txt", line);
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "this sentence has 16 words");
	copy_remove(&t);
	/* the same words as two sentences: fine */
	CHECK(copy_make_lang(&t, "bn") == 0);
	snprintf(line, sizeof(line), "say: %s %s", sentence_of("কথা", 8, "।", a, sizeof(a)),
		 sentence_of("কথা", 8, "।", b, sizeof(b)));
	CHECK(append_line(&t, "01-welcome.txt", line) > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

/* The hard word of c's list whose first form is word, or NULL. */
static const content_hard_word *hard_word(const content *c, const char *word)
{
	for (size_t i = 0; i < content_hard_word_count(c); i++)
		if (strcmp(content_hard_word_at(c, i)->forms[0], word) == 0)
			return content_hard_word_at(c, i);
	return NULL;
}

/* The hard words content_words_check finds in text, by their first form, joined with |. */
static const char *hard_found(const content *c, const char *text, char *out, size_t n)
{
	content_finding f[8];
	size_t found = content_words_check(c, text, f, 8), used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < found && i < 8; i++)
		if (f[i].kind == FINDING_HARD_WORD)
			used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "|" : "",
						 f[i].hard->forms[0]);
	return out;
}

static void a_hard_word_written_with_a_zero_width_joiner_should_be_one_word(void)
{
	char err[ERR_LEN], path[512];
	copy t;
	int n;

	/* Bengali "র‍্যাম্প" (ramp): ra, a zero-width joiner, then the ya-phala */
	CHECK(copy_make_lang(&t, "bn") == 0);
	copy_path(&t, "hard-words.txt", path, sizeof(path));
	CHECK(append_line(&t, "hard-words.txt", "word: র\xe2\x80\x8d্যাম্প") > 0);
	CHECK(append_line(&t, "hard-words.txt", "means: ঢালু পথ।") > 0);
	n = append_line(&t, "01-welcome.txt", "say: এখানে একটি র\xe2\x80\x8d্যাম্প আছে।");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "is a hard word");
	copy_remove(&t);
}

static void a_romanian_hard_word_with_a_capital_should_be_found_and_explained(void)
{
	char err[ERR_LEN], found[256];
	content *c = content_load(EASYREAD, "ro", PICTURES, err, ERR_LEN);
	size_t at = 99, len = 0;
	copy t;
	int n;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(hard_word(c, "îngrijitor") != NULL);
	/* Î is the capital of î: the list's îngrijitorul, at the start of a sentence */
	CHECK(content_hard_word_find(hard_word(c, "îngrijitor"), "Îngrijitorul vine mâine.", &at,
				     &len));
	CHECK(at == 0 && len == strlen("Îngrijitorul"));
	CHECK_STR(hard_found(c, "Îngrijitorul vine mâine.", found, sizeof(found)), "îngrijitor");
	CHECK_STR(hard_found(c, "ÎNGRIJITORUL vine.", found, sizeof(found)), "îngrijitor");
	/* explained in brackets after it: nothing to say */
	CHECK_STR(hard_found(c, "Îngrijitorul (cineva care vă ajută) vine.", found, sizeof(found)),
		  "");
	content_free(c);

	/* on a page: said without its explanation, refused at its line */
	CHECK(copy_make_lang(&t, "ro") == 0);
	n = append_line(&t, "01-welcome.txt", "say: Îngrijitorul vine mâine.");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'îngrijitor' is a hard word");
	copy_remove(&t);
	/* in bold where it is first said, with what it means: fine */
	CHECK(copy_make_lang(&t, "ro") == 0);
	CHECK(append_line(&t, "01-welcome.txt",
			  "say: **Îngrijitorul** vă ajută, dar nu este plătit pentru asta.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

static void an_arabic_hard_word_should_be_found_and_explained(void)
{
	char err[ERR_LEN], found[256];
	content *c = content_load(EASYREAD, "ar", PICTURES, err, ERR_LEN);
	copy t;
	int n;

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK_STR(hard_found(c, "يساعدك مجلس المدينة.", found, sizeof(found)), "المجلس المحلي");
	CHECK_STR(hard_found(c, "اكتب شكوى.", found, sizeof(found)), "شكوى");
	content_free(c);

	CHECK(copy_make_lang(&t, "ar") == 0);
	n = append_line(&t, "01-welcome.txt", "say: يمكنك أن تكتب شكوى.");
	CHECK(copy_refused(&t, err) == 1);
	CHECK_HAS(err, at_line("01-welcome.txt", n));
	CHECK_HAS(err, "'شكوى' is a hard word");
	copy_remove(&t);
	CHECK(copy_make_lang(&t, "ar") == 0);
	CHECK(append_line(&t, "01-welcome.txt", "say: **الشكوى** هي أن تقول إن شيئًا ما ليس جيدًا.") >
	      0);
	CHECK(append_line(&t, "01-welcome.txt", "say: يمكنك أن تكتب شكوى.") > 0);
	CHECK(copy_refused(&t, err) == 0);
	CHECK_STR(err, "");
	copy_remove(&t);
}

static void an_arabic_word_inside_a_longer_word_should_not_be_a_use_of_it(void)
{
	char council[] = "مجلس", means[] = "-";
	char *forms[] = {council};
	const content_hard_word h = {.forms = forms, .nforms = 1, .means = means};
	size_t at = 0, len = 0;

	CHECK(content_hard_word_find(&h, "يساعدك مجلس المدينة.", &at, &len));
	CHECK(len == strlen("مجلس"));
	CHECK(content_hard_word_find(&h, "مجلس، المدينة", &at, &len)); /* before a comma */
	CHECK(content_hard_word_find(&h, "(مجلس)", &at, &len));
	/* joined to a word before it or after it, it is part of another word */
	CHECK(!content_hard_word_find(&h, "ذهبت إلى مجلسنا.", &at, &len));
	CHECK(!content_hard_word_find(&h, "هذا المجلس.", &at, &len));
	CHECK(!content_hard_word_find(&h, "ومجلس", &at, &len));
}

int main(void)
{
	RUN(content_should_load_the_real_content);
	RUN(content_should_have_exactly_one_page_of_each_unique_kind);
	RUN(content_should_have_pages_of_every_kind_that_asks_something);
	RUN(content_pages_should_be_whole_after_loading);
	RUN(content_should_keep_every_sentence_to_fifteen_words);
	RUN(content_after_a_safeguarding_yes_should_claim_only_what_happens);
	RUN(content_should_find_messages_by_name);
	RUN(content_codewords_should_be_short_lowercase_and_findable);
	RUN(content_load_should_say_when_the_folder_is_missing);
	RUN(content_load_should_accept_a_null_err);
	RUN(content_free_should_accept_null);
	RUN(content_longest_sentence_should_count_the_words_of_one_sentence);
	RUN(content_longest_sentence_should_give_the_longest_of_several);
	RUN(content_longest_sentence_should_count_a_placeholder_as_a_word);
	RUN(content_longest_sentence_should_not_count_a_dash_alone_as_a_word);
	RUN(content_longest_sentence_should_count_bold_numbers_and_other_letters);
	RUN(content_longest_sentence_should_end_a_sentence_at_a_full_stop_inside_bold);
	RUN(content_longest_sentence_should_end_a_sentence_before_a_closing_quote);
	RUN(content_longest_sentence_should_not_count_a_pound_sign_alone_as_a_word);
	RUN(content_longest_sentence_should_not_end_a_sentence_inside_a_word);
	RUN(content_should_load_an_unchanged_copy);
	RUN(content_should_refuse_a_say_line_of_sixteen_words);
	RUN(content_should_keep_safety_answers_private_and_welcome_first);
	RUN(content_should_refuse_a_long_sentence_among_short_ones);
	RUN(content_should_refuse_a_long_message);
	RUN(content_should_refuse_stars_that_do_not_pair);
	RUN(content_should_refuse_a_key_it_does_not_know);
	RUN(content_should_refuse_a_kind_it_does_not_know);
	RUN(content_should_refuse_a_page_without_a_picture);
	RUN(content_should_refuse_offered_on_a_page_that_is_not_a_choice);
	RUN(content_should_refuse_a_picture_that_pictures_txt_does_not_describe);
	RUN(content_should_refuse_a_picture_whose_file_is_missing);
	RUN(content_should_refuse_two_pages_with_the_same_name);
	RUN(content_should_refuse_show_if_naming_a_later_page);
	RUN(content_should_refuse_show_if_naming_a_page_that_does_not_exist);
	RUN(content_should_refuse_show_if_naming_an_option_that_does_not_exist);
	RUN(content_should_refuse_a_missing_message);
	RUN(content_should_refuse_a_message_that_is_there_twice);
	RUN(content_should_refuse_fewer_than_1024_code_words);
	RUN(content_should_refuse_more_code_words_than_the_numbers_can_name);
	RUN(content_should_refuse_a_code_word_with_capitals_or_digits);
	RUN(content_should_refuse_a_line_that_is_not_utf8);
	RUN(content_should_refuse_a_message_that_is_not_utf8);
	RUN(content_should_refuse_a_second_page_of_a_unique_kind);
	RUN(content_should_refuse_a_choice_with_the_same_option_twice);
	RUN(content_should_refuse_a_page_before_any_part);
	RUN(content_should_refuse_a_line_that_belongs_to_no_page);
	RUN(content_should_refuse_a_line_after_a_second_group_line);
	RUN(content_should_list_the_hard_words_people_found_hard);
	RUN(content_should_refuse_a_hard_word_said_without_its_explanation);
	RUN(content_should_refuse_a_page_that_uses_a_hard_word_and_never_explains_it);
	RUN(content_should_accept_a_hard_word_explained_in_bold_where_it_is_first_said);
	RUN(content_should_refuse_a_hard_word_explained_only_after_it_is_first_said);
	RUN(content_should_know_a_hard_word_by_its_other_forms_and_any_case);
	RUN(content_should_accept_a_hard_word_in_bold_in_capitals_or_another_form);
	RUN(content_should_not_take_a_longer_word_for_a_hard_word);
	RUN(content_should_want_each_page_to_explain_its_own_hard_words);
	RUN(content_should_refuse_a_hard_word_without_its_meaning);
	RUN(content_should_refuse_a_hard_word_listed_twice);
	RUN(content_should_refuse_an_abbreviation_it_does_not_explain);
	RUN(content_should_accept_an_everyday_or_explained_abbreviation);
	RUN(content_should_load_the_cards_of_the_profile_and_support_pages);
	RUN(content_should_refuse_a_card_whose_picture_file_is_missing);
	RUN(content_should_refuse_a_card_whose_picture_is_not_described);
	RUN(content_should_refuse_a_card_of_more_than_three_words);
	RUN(content_should_refuse_a_card_that_is_there_twice);
	RUN(content_should_refuse_a_card_with_a_hard_word_it_does_not_explain);
	RUN(content_should_refuse_cards_on_a_page_that_takes_no_words);
	RUN(content_longest_sentence_should_end_a_sentence_at_the_danda_and_urdu_and_arabic_marks);
	RUN(content_should_count_sentences_in_bengali_between_dandas);
	RUN(a_hard_word_written_with_a_zero_width_joiner_should_be_one_word);
	RUN(a_romanian_hard_word_with_a_capital_should_be_found_and_explained);
	RUN(an_arabic_hard_word_should_be_found_and_explained);
	RUN(an_arabic_word_inside_a_longer_word_should_not_be_a_use_of_it);
	return check_report();
}
