/* Tests for server/languages.c and server/content_lang.c: every language of easyread/ loads,
 * English first, each with its name, direction and voice; --languages picks some; and a
 * translation that is not the shape of the English it was made from is refused with the
 * translated file, the line and a plain reason (docs/content-format.md, "Languages"). */
#include "check.h"

#include "languages.h"

#include <dirent.h>
#include <stdio.h>
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

/* The folders of easyread/ that hold a language.txt: how many languages there are. */
static size_t languages_on_disk(void)
{
	DIR *d = opendir(EASYREAD);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d))) {
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s/language.txt", EASYREAD, e->d_name);
		n += e->d_name[0] != '.' && stat(path, &st) == 0;
	}
	if (d)
		closedir(d);
	return n;
}

/* The tags of l, joined with commas, into out. */
static const char *tags_of(const languages *l, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; l && i < languages_count(l) && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? "," : "",
					 content_lang(languages_at(l, i)));
	return out;
}

/* ---- the real languages ---- */

static void every_language_should_load_with_english_first(void)
{
	char err[ERR_LEN] = "";
	languages *l = languages_load(EASYREAD, NULL, PICTURES, err, sizeof(err));

	CHECK(l != NULL);
	if (!l) {
		fprintf(stderr, "    %s\n", err);
		return;
	}
	CHECK(languages_count(l) == languages_on_disk());
	CHECK(languages_count(l) > 1);
	CHECK_STR(content_lang(languages_at(l, 0)), "en-GB");
	CHECK(languages_reference(l) == languages_at(l, 0));
	CHECK(languages_at(l, languages_count(l)) == NULL);
	/* the others in name order, each found by its tag */
	for (size_t i = 1; i < languages_count(l); i++) {
		const content *c = languages_at(l, i);

		if (i > 1)
			CHECK(strcmp(content_lang(languages_at(l, i - 1)), content_lang(c)) < 0);
		CHECK(languages_find(l, content_lang(c)) == c);
		CHECK(languages_index(l, content_lang(c)) == (int)i);
	}
	CHECK(languages_find(l, "xx") == NULL);
	CHECK(languages_index(l, "xx") == -1);
	CHECK(languages_index(l, NULL) == -1);
	languages_free(l);
}

static void each_language_should_have_its_name_direction_and_voice(void)
{
	static const struct {
		const char *tag, *name, *english, *voice;
		int rtl;
	} want[] = {
	    {"en-GB", "English", "English", "en-gb", 0},
	    {"cy", "Cymraeg", "Welsh", "cy", 0},
	    {"pl", "Polski", "Polish", "pl", 0},
	    {"ro", "Română", "Romanian", "ro", 0},
	    {"ur", "اردو", "Urdu", "ur", 1},
	    {"bn", "বাংলা", "Bengali", "bn", 0},
	    {"ar", "العربية", "Arabic", "ar", 1},
	};
	char err[ERR_LEN] = "";
	languages *l = languages_load(EASYREAD, NULL, PICTURES, err, sizeof(err));

	CHECK(l != NULL);
	if (!l)
		return;
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const content *c = languages_find(l, want[i].tag);

		CHECK(c != NULL);
		if (!c) {
			fprintf(stderr, "    no %s\n", want[i].tag);
			continue;
		}
		CHECK_STR(content_language_name(c), want[i].name);
		CHECK_STR(content_language_english(c), want[i].english);
		CHECK_STR(content_voice_language(c), want[i].voice);
		CHECK(content_is_rtl(c) == want[i].rtl);
	}
	/* and every one, whichever there are: named, with a voice; English reviewed */
	for (size_t i = 0; i < languages_count(l); i++) {
		const content *c = languages_at(l, i);

		CHECK(content_language_name(c) && *content_language_name(c));
		CHECK(content_language_english(c) && *content_language_english(c));
		CHECK(content_voice_language(c) && *content_voice_language(c));
	}
	CHECK(content_is_reviewed(languages_reference(l)));
	languages_free(l);
}

static void only_the_languages_asked_for_should_load_with_english(void)
{
	char err[ERR_LEN] = "", tags[256];
	languages *l;

	l = languages_load(EASYREAD, "cy,ur", PICTURES, err, sizeof(err));
	CHECK_STR(tags_of(l, tags, sizeof(tags)), "en-GB,cy,ur");
	languages_free(l);
	/* in any order, with spaces */
	l = languages_load(EASYREAD, " ur , cy ", PICTURES, err, sizeof(err));
	CHECK_STR(tags_of(l, tags, sizeof(tags)), "en-GB,cy,ur");
	languages_free(l);
	/* English is always there, named or not */
	l = languages_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	CHECK_STR(tags_of(l, tags, sizeof(tags)), "en-GB");
	languages_free(l);
	l = languages_load(EASYREAD, "pl", PICTURES, err, sizeof(err));
	CHECK_STR(tags_of(l, tags, sizeof(tags)), "en-GB,pl");
	languages_free(l);
	/* "all" is every one */
	l = languages_load(EASYREAD, "all", PICTURES, err, sizeof(err));
	CHECK(l && languages_count(l) == languages_on_disk());
	languages_free(l);
}

static void a_language_that_is_not_there_should_be_refused_naming_its_folder(void)
{
	char err[ERR_LEN] = "";
	languages *l = languages_load(EASYREAD, "cy,xx", PICTURES, err, sizeof(err));

	CHECK(l == NULL);
	CHECK_HAS(err, EASYREAD "/xx");
	CHECK_HAS(err, "there is no such language");
	err[0] = '\0';
	CHECK(languages_load(EASYREAD, "fr", PICTURES, err, sizeof(err)) == NULL);
	CHECK_HAS(err, EASYREAD "/fr");
	err[0] = '\0';
	CHECK(languages_load("/nonexistent/easyread", NULL, PICTURES, err, sizeof(err)) == NULL);
	CHECK_HAS(err, "/nonexistent/easyread");
}

static void a_set_of_one_should_borrow_its_content(void)
{
	char err[ERR_LEN] = "";
	content *c = content_load(EASYREAD, "en-GB", PICTURES, err, sizeof(err));
	languages *l = c ? languages_of_one(c) : NULL;

	CHECK(l != NULL);
	if (l) {
		CHECK(languages_count(l) == 1);
		CHECK(languages_reference(l) == c);
		CHECK(languages_find(l, "en-GB") == c);
	}
	languages_free(l);
	CHECK_STR(content_lang(c), "en-GB"); /* still there */
	content_free(c);
	languages_free(NULL);
}

/* ---- a copy of easyread/ with English and Welsh, to break ---- */

typedef struct tree {
	char root[64];
	char easyread[128];
} tree;

static int write_all(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fputs(data, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to)
{
	char *data = test_read_file(from, NULL);
	int rc = data ? write_all(to, data) : -1;

	free(data);
	return rc;
}

/* Copies the files of easyread/<lang> into the tree. */
static int tree_add(const tree *t, const char *lang)
{
	char from[512], to[512], a[768], b[768];
	DIR *d;
	struct dirent *e;
	int rc = 0;

	snprintf(from, sizeof(from), "%s/%s", EASYREAD, lang);
	snprintf(to, sizeof(to), "%s/%s", t->easyread, lang);
	if (mkdir(to, 0700) || !(d = opendir(from)))
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		rc |= copy_file(a, b);
	}
	closedir(d);
	return rc;
}

/* A new temporary easyread/ with the code words, English and Welsh. */
static int tree_make(tree *t)
{
	char words[256];

	snprintf(t->root, sizeof(t->root), "/tmp/planaloud-languages-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	snprintf(t->easyread, sizeof(t->easyread), "%s/easyread", t->root);
	snprintf(words, sizeof(words), "%s/codewords.txt", t->easyread);
	if (mkdir(t->easyread, 0700) || copy_file(EASYREAD "/codewords.txt", words))
		return -1;
	return tree_add(t, "en-GB") || tree_add(t, "cy") ? -1 : 0;
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[768];

	while (d && (e = readdir(d))) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_dir(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void tree_remove(tree *t)
{
	remove_dir(t->root);
}

/* The path of file in the tree's folder of lang. */
static const char *tree_path(const tree *t, const char *lang, const char *file, char *out, size_t n)
{
	snprintf(out, n, "%s/%s/%s", t->easyread, lang, file);
	return out;
}

/* The lines of a file, each without its line break. */
typedef struct lines {
	char **v;
	size_t n;
} lines;

static int lines_read(const tree *t, const char *lang, const char *file, lines *ls)
{
	char path[512];
	char *data = test_read_file(tree_path(t, lang, file, path, sizeof(path)), NULL);

	ls->v = NULL;
	ls->n = 0;
	if (!data)
		return -1;
	for (char *s = data; *s;) {
		char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char **v = realloc(ls->v, (ls->n + 1) * sizeof(*v));

		if (!v)
			break;
		ls->v = v;
		ls->v[ls->n] = strndup(s, len);
		ls->n++;
		s += len + (nl != NULL);
	}
	free(data);
	return 0;
}

static void lines_free(lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
}

/* Writes ls over the file (a NULL line is left out) and frees it. */
static int lines_write(const tree *t, const char *lang, const char *file, lines *ls)
{
	char path[512];
	FILE *f = fopen(tree_path(t, lang, file, path, sizeof(path)), "wb");
	int ok = f != NULL;

	for (size_t i = 0; f && i < ls->n; i++) {
		if (ls->v[i])
			ok &= fprintf(f, "%s\n", ls->v[i]) >= 0;
		free(ls->v[i]);
	}
	free(ls->v);
	ls->v = NULL;
	ls->n = 0;
	return f && fclose(f) == 0 && ok ? 0 : -1;
}

/* The number (from 1) of the first line of the file that starts with start, or 0. */
static int line_of(const tree *t, const char *lang, const char *file, const char *start)
{
	lines ls;
	int n = 0;

	if (lines_read(t, lang, file, &ls))
		return 0;
	for (size_t i = 0; i < ls.n && !n; i++)
		if (strncmp(ls.v[i], start, strlen(start)) == 0)
			n = (int)i + 1;
	lines_free(&ls);
	if (!n)
		fprintf(stderr, "    no line of %s/%s starts with \"%s\"\n", lang, file, start);
	return n;
}

/* Replaces the first line that starts with start by text (NULL: takes the line out). */
static int replace_line(const tree *t, const char *lang, const char *file, const char *start,
			const char *text)
{
	lines ls;
	int done = 0;

	if (lines_read(t, lang, file, &ls))
		return -1;
	for (size_t i = 0; i < ls.n && !done; i++)
		if (strncmp(ls.v[i], start, strlen(start)) == 0) {
			free(ls.v[i]);
			ls.v[i] = text ? strdup(text) : NULL;
			done = 1;
		}
	return lines_write(t, lang, file, &ls) == 0 && done ? 0 : -1;
}

/* Adds a line at the end of the file; its number, or 0. */
static int append_line(const tree *t, const char *lang, const char *file, const char *text)
{
	lines ls;
	int n;

	if (lines_read(t, lang, file, &ls))
		return 0;
	n = (int)ls.n + 1;
	ls.v = realloc(ls.v, (ls.n + 1) * sizeof(*ls.v));
	ls.v[ls.n++] = strdup(text);
	return lines_write(t, lang, file, &ls) == 0 ? n : 0;
}

/* Where page id's lines are in ls: [*from, *to), up to the next page, part or group. */
static int page_lines(const lines *ls, const char *id, size_t *from, size_t *to)
{
	char want[128];

	snprintf(want, sizeof(want), "page: %s", id);
	for (*from = 0; *from < ls->n && strcmp(ls->v[*from], want) != 0; (*from)++)
		;
	if (*from == ls->n)
		return -1;
	for (*to = *from + 1; *to < ls->n; (*to)++)
		if (strncmp(ls->v[*to], "page:", 5) == 0 || strncmp(ls->v[*to], "part:", 5) == 0 ||
		    strncmp(ls->v[*to], "group:", 6) == 0)
			break;
	return 0;
}

/* Moves the lines of page id (of file) to just before the line of `before` that starts with
 * before_start (NULL: the end); `before` may be another file of the same language. */
static int move_page(const tree *t, const char *lang, const char *file, const char *id,
		     const char *before, const char *before_start)
{
	lines a, b;
	size_t from, to, at, len;
	char **block;

	if (lines_read(t, lang, file, &a) || page_lines(&a, id, &from, &to))
		return -1;
	len = to - from;
	block = malloc(len * sizeof(*block));
	memcpy(block, a.v + from, len * sizeof(*block));
	memmove(a.v + from, a.v + to, (a.n - to) * sizeof(*a.v));
	a.n -= len;
	if (strcmp(file, before) == 0) {
		b = a;
	} else {
		lines_write(t, lang, file, &a);
		if (lines_read(t, lang, before, &b))
			return -1;
	}
	for (at = 0; before_start && at < b.n; at++)
		if (strncmp(b.v[at], before_start, strlen(before_start)) == 0)
			break;
	b.v = realloc(b.v, (b.n + len) * sizeof(*b.v));
	memmove(b.v + at + len, b.v + at, (b.n - at) * sizeof(*b.v));
	memcpy(b.v + at, block, len * sizeof(*block));
	b.n += len;
	free(block);
	return lines_write(t, lang, before, &b);
}

/* Takes page id's lines out of the file. */
static int remove_page(const tree *t, const char *lang, const char *file, const char *id)
{
	lines ls;
	size_t from, to;

	if (lines_read(t, lang, file, &ls) || page_lines(&ls, id, &from, &to))
		return -1;
	for (size_t i = from; i < to; i++) {
		free(ls.v[i]);
		ls.v[i] = NULL;
	}
	return lines_write(t, lang, file, &ls);
}

/* 1 when the tree's languages are refused (err says why), 0 when they load. */
static int refused(const tree *t, char *err)
{
	languages *l;

	err[0] = '\0';
	l = languages_load(t->easyread, NULL, PICTURES, err, ERR_LEN);
	if (l) {
		CHECK(languages_count(l) == 2);
		languages_free(l);
		return 0;
	}
	return 1;
}

/* "<tree>/easyread/<lang>/<file>:<line>:", as an error starts. */
static const char *at_line(const tree *t, const char *lang, const char *file, int line)
{
	static char at[600];
	char path[512];

	snprintf(at, sizeof(at), "%s:%d:", tree_path(t, lang, file, path, sizeof(path)), line);
	return at;
}

static void an_unchanged_copy_should_load(void)
{
	char err[ERR_LEN];
	tree t;

	CHECK(tree_make(&t) == 0);
	CHECK(refused(&t, err) == 0);
	CHECK_STR(err, "");
	tree_remove(&t);
}

static void a_translation_missing_a_page_should_be_refused(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	CHECK(remove_page(&t, "cy", "04-about-me.txt", "like-admire") == 0);
	n = line_of(&t, "cy", "04-about-me.txt", "page: important-people");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "04-about-me.txt", n));
	CHECK_HAS(err, "page 'important-people' is not the page English has here");
	CHECK_HAS(err, "page 'like-admire')");
	tree_remove(&t);
}

static void a_translation_missing_its_last_page_should_be_refused(void)
{
	char err[ERR_LEN], dir[512];
	tree t;

	CHECK(tree_make(&t) == 0);
	/* a page at the end, added to English only */
	CHECK(append_line(&t, "en-GB", "11-agreeing.txt", "group: One more") > 0);
	CHECK(append_line(&t, "en-GB", "11-agreeing.txt", "page: one-more") > 0);
	CHECK(append_line(&t, "en-GB", "11-agreeing.txt", "kind: info") > 0);
	CHECK(append_line(&t, "en-GB", "11-agreeing.txt", "picture: wave") > 0);
	CHECK(append_line(&t, "en-GB", "11-agreeing.txt", "title: One more page") > 0);
	CHECK(refused(&t, err) == 1);
	snprintf(dir, sizeof(dir), "%s/cy: there are ", t.easyread);
	CHECK_HAS(err, dir);
	CHECK_HAS(err, "pages; English has");
	tree_remove(&t);
}

static void a_translation_with_pages_in_another_order_should_be_refused(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	CHECK(move_page(&t, "cy", "04-about-me.txt", "important-people", "04-about-me.txt",
			"page: like-admire") == 0);
	n = line_of(&t, "cy", "04-about-me.txt", "page: important-people");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "04-about-me.txt", n));
	CHECK_HAS(err, "page 'important-people' is not the page English has here");
	tree_remove(&t);
}

static void a_translation_with_a_page_moved_to_another_part_should_be_refused(void)
{
	char err[ERR_LEN];
	lines ls;
	size_t from, to;
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	/* the last page of "About me" moved to the start of the next part */
	CHECK(lines_read(&t, "en-GB", "04-about-me.txt", &ls) == 0);
	CHECK(page_lines(&ls, "interpreter", &from, &to) == 0 && to == ls.n);
	lines_free(&ls);
	CHECK(move_page(&t, "cy", "04-about-me.txt", "interpreter", "05-what-matters.txt",
			"page:") == 0);
	n = line_of(&t, "cy", "05-what-matters.txt", "page: interpreter");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "05-what-matters.txt", n));
	CHECK_HAS(err, "page 'interpreter' is in another part than in English");
	tree_remove(&t);
}

static void a_translation_with_another_option_value_should_be_refused(void)
{
	char err[ERR_LEN], line[512];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	n = line_of(&t, "cy", "06-support.txt", "option: mix |");
	CHECK(n > 0);
	/* the words do not matter: the value does */
	snprintf(line, sizeof(line), "option: mixed | Cymysgedd o'r rhain");
	CHECK(replace_line(&t, "cy", "06-support.txt", "option: mix |", line) == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "06-support.txt",
			       line_of(&t, "cy", "06-support.txt", "page: managing")));
	CHECK_HAS(err, "page 'managing' has an option that English does not have");
	tree_remove(&t);
}

static void a_translation_with_a_cards_picture_changed_should_be_refused_at_the_card(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	n = line_of(&t, "cy", "04-about-me.txt", "card: mum |");
	CHECK(replace_line(&t, "cy", "04-about-me.txt", "card: mum |", "card: mum | man | Mam") ==
	      0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "04-about-me.txt", n));
	CHECK_HAS(err, "the card 'mum' of page 'important-people' is not as in English, where "
		       "it is 'mum | woman'");
	tree_remove(&t);
	/* a card's name changed: the same */
	CHECK(tree_make(&t) == 0);
	n = line_of(&t, "cy", "04-about-me.txt", "card: dad |");
	CHECK(replace_line(&t, "cy", "04-about-me.txt", "card: dad |",
			   "card: father | man | Dad") == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "04-about-me.txt", n));
	CHECK_HAS(err, "the card 'father' of page 'important-people' is not as in English, "
		       "where it is 'dad | man'");
	tree_remove(&t);
}

static void a_translation_missing_a_message_should_be_refused(void)
{
	char err[ERR_LEN], path[512];
	tree t;

	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "messages.txt", "voice.ruth:", NULL) == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, tree_path(&t, "cy", "messages.txt", path, sizeof(path)));
	CHECK_HAS(err, "the message 'voice.ruth' is missing (English has it)");
	tree_remove(&t);
	/* one the server needs: refused as it loads */
	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "messages.txt", "next:", NULL) == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, tree_path(&t, "cy", "messages.txt", path, sizeof(path)));
	CHECK_HAS(err, "the message 'next' is missing");
	tree_remove(&t);
}

static void a_translation_with_a_message_english_lacks_should_be_refused(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	n = append_line(&t, "cy", "messages.txt", "extra.words: Geiriau ychwanegol.");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "messages.txt", n));
	CHECK_HAS(err, "English has no message 'extra.words'");
	tree_remove(&t);
	/* a -few form of a message English does not have either */
	CHECK(tree_make(&t) == 0);
	n = append_line(&t, "cy", "messages.txt", "extra.words-few: Geiriau ychwanegol.");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "messages.txt", n));
	CHECK_HAS(err, "English has no message 'extra.words-few'");
	tree_remove(&t);
}

static void a_translation_with_a_staff_message_should_be_refused(void)
{
	static const char *const lines_to_add[] = {"staff.title: Tudalennau'r staff.",
						   "alert.subject: Rhybudd."};
	char err[ERR_LEN];

	for (size_t i = 0; i < sizeof(lines_to_add) / sizeof(*lines_to_add); i++) {
		tree t;
		int n;

		CHECK(tree_make(&t) == 0);
		n = append_line(&t, "cy", "messages.txt", lines_to_add[i]);
		CHECK(refused(&t, err) == 1);
		CHECK_HAS(err, at_line(&t, "cy", "messages.txt", n));
		CHECK_HAS(err, "is for the staff pages, which stay in English");
		tree_remove(&t);
	}
}

static void a_translation_whose_blanks_differ_should_be_refused(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	n = line_of(&t, "cy", "messages.txt", "progress:");
	CHECK(replace_line(&t, "cy", "messages.txt", "progress:", "progress: Rhan {n} o {total}") ==
	      0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "messages.txt", n));
	CHECK_HAS(err, "'progress' has the blanks {n}{total}; English has {n}{of}");
	tree_remove(&t);
	/* a blank left out */
	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "messages.txt", "progress:", "progress: Rhan {n}") == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, "'progress' has the blanks {n}; English has {n}{of}");
	tree_remove(&t);
	/* the same blanks in another order: a language puts words where it needs them */
	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "messages.txt",
			   "progress:", "progress: {of} rhan, hon yw {n}") == 0);
	CHECK(refused(&t, err) == 0);
	CHECK_STR(err, "");
	tree_remove(&t);
}

static void a_translation_missing_a_picture_description_should_be_refused(void)
{
	char err[ERR_LEN], path[512];
	tree t;
	int n;

	/* a page's picture: refused at the page's picture line */
	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "pictures.txt", "wave:", NULL) == 0);
	n = line_of(&t, "cy", "01-welcome.txt", "picture: wave");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "01-welcome.txt", n));
	CHECK_HAS(err, "'wave', which pictures.txt does not describe");
	tree_remove(&t);
	/* one English describes and no page shows yet */
	CHECK(tree_make(&t) == 0);
	CHECK(append_line(&t, "en-GB", "pictures.txt", "spare: A spare picture.") > 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, tree_path(&t, "cy", "pictures.txt", path, sizeof(path)));
	CHECK_HAS(err, "the picture 'spare' is not described (English has it)");
	tree_remove(&t);
	/* and one English does not describe */
	CHECK(tree_make(&t) == 0);
	n = append_line(&t, "cy", "pictures.txt", "spare: Llun sbâr.");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "pictures.txt", n));
	CHECK_HAS(err, "English has no picture 'spare'");
	tree_remove(&t);
}

static void a_translation_may_add_a_few_form(void)
{
	char err[ERR_LEN];
	tree t;
	int n;

	CHECK(tree_make(&t) == 0);
	CHECK(append_line(&t, "cy", "messages.txt", "speak.pounds-few: {pounds} o bunnoedd") > 0);
	CHECK(append_line(&t, "cy", "messages.txt", "progress-few: Rhan {n} o {of}") > 0);
	CHECK(refused(&t, err) == 0);
	CHECK_STR(err, "");
	tree_remove(&t);
	/* with the blanks of the message it is a form of */
	CHECK(tree_make(&t) == 0);
	n = append_line(&t, "cy", "messages.txt", "progress-few: Rhan {n}");
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, at_line(&t, "cy", "messages.txt", n));
	CHECK_HAS(err, "'progress-few' has the blanks {n}; English has {n}{of}");
	tree_remove(&t);
}

static void a_folder_without_language_txt_should_be_left_alone(void)
{
	char err[ERR_LEN], path[512];
	languages *l;
	tree t;

	CHECK(tree_make(&t) == 0);
	snprintf(path, sizeof(path), "%s/drafts", t.easyread);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/drafts/messages.txt", t.easyread);
	CHECK(write_all(path, "next: half done\n") == 0);
	CHECK(refused(&t, err) == 0); /* two languages, as before */
	l = languages_load(t.easyread, "drafts", PICTURES, err, sizeof(err));
	CHECK(l == NULL);
	CHECK_HAS(err, "/drafts: there is no such language (no language.txt)");
	languages_free(l);
	tree_remove(&t);
}

/* The folder's name goes into the store, the page's lang attribute and text ids. */
static void a_language_folder_not_named_by_a_tag_should_be_refused_naming_it(void)
{
	static const char *const bad[] = {"cymraeg-de-cymru", "cy_GB", "x"};
	char err[ERR_LEN], from[512], to[512];
	tree t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK(tree_make(&t) == 0);
		snprintf(from, sizeof(from), "%s/cy", t.easyread);
		snprintf(to, sizeof(to), "%s/%s", t.easyread, bad[i]);
		CHECK(rename(from, to) == 0);
		CHECK(refused(&t, err) == 1);
		CHECK_HAS(err, bad[i]);
		CHECK_HAS(err, "named by its tag");
		tree_remove(&t);
	}
}

static void a_language_txt_that_is_wrong_should_be_refused_at_its_line(void)
{
	static const struct {
		const char *start, *line, *why;
	} bad[] = {
	    {"direction:", "direction: sideways", "direction is ltr (left to right) or rtl"},
	    {"reviewed:", "reviewed: nearly", "reviewed is yes or no"},
	    {"name:", "name: Cymraeg\nname: Welsh", "'name' is there twice"},
	    {"voice:", "voice: cy\nvoices: cy", "'voices' is not a key of language.txt"},
	};
	char err[ERR_LEN], path[512];
	tree t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int n;

		CHECK(tree_make(&t) == 0);
		n = line_of(&t, "cy", "language.txt", bad[i].start) +
		    (strchr(bad[i].line, '\n') != 0);
		CHECK(replace_line(&t, "cy", "language.txt", bad[i].start, bad[i].line) == 0);
		CHECK(refused(&t, err) == 1);
		CHECK_HAS(err, at_line(&t, "cy", "language.txt", n));
		CHECK_HAS(err, bad[i].why);
		tree_remove(&t);
	}
	/* a voice left out: the file named */
	CHECK(tree_make(&t) == 0);
	CHECK(replace_line(&t, "cy", "language.txt", "voice:", NULL) == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, tree_path(&t, "cy", "language.txt", path, sizeof(path)));
	CHECK_HAS(err, "'voice' is missing");
	tree_remove(&t);
}

static void without_english_nothing_should_load(void)
{
	char err[ERR_LEN], path[512];
	tree t;

	CHECK(tree_make(&t) == 0);
	CHECK(unlink(tree_path(&t, "en-GB", "language.txt", path, sizeof(path))) == 0);
	CHECK(refused(&t, err) == 1);
	CHECK_HAS(err, "en-GB/language.txt: English is missing");
	tree_remove(&t);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(every_language_should_load_with_english_first);
	RUN(each_language_should_have_its_name_direction_and_voice);
	RUN(only_the_languages_asked_for_should_load_with_english);
	RUN(a_language_that_is_not_there_should_be_refused_naming_its_folder);
	RUN(a_set_of_one_should_borrow_its_content);
	RUN(an_unchanged_copy_should_load);
	RUN(a_translation_missing_a_page_should_be_refused);
	RUN(a_translation_missing_its_last_page_should_be_refused);
	RUN(a_translation_with_pages_in_another_order_should_be_refused);
	RUN(a_translation_with_a_page_moved_to_another_part_should_be_refused);
	RUN(a_translation_with_another_option_value_should_be_refused);
	RUN(a_translation_with_a_cards_picture_changed_should_be_refused_at_the_card);
	RUN(a_translation_missing_a_message_should_be_refused);
	RUN(a_translation_with_a_message_english_lacks_should_be_refused);
	RUN(a_translation_with_a_staff_message_should_be_refused);
	RUN(a_translation_whose_blanks_differ_should_be_refused);
	RUN(a_translation_missing_a_picture_description_should_be_refused);
	RUN(a_translation_may_add_a_few_form);
	RUN(a_folder_without_language_txt_should_be_left_alone);
	RUN(a_language_folder_not_named_by_a_tag_should_be_refused_naming_it);
	RUN(a_language_txt_that_is_wrong_should_be_refused_at_its_line);
	RUN(without_english_nothing_should_load);
	return check_report();
}
