#include "content.h"

#include "utf8.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SENTENCE_WORDS 15
#define MAX_LINE 4096
#define MIN_CODEWORDS 1024
#define DEFAULT_TEXT_LIMIT 200
#define DEFAULT_LONG_TEXT_LIMIT 2000
#define MAX_LIMIT 10000

typedef struct named {
	char *name;
	char *text;
} named;

struct content {
	char *lang;
	content_page *pages;
	size_t npages;
	char **parts;
	size_t nparts;
	named *messages;
	size_t nmessages;
	named *pictures;
	size_t npictures;
	char **words;
	size_t nwords;
};

/* Messages the server and the page need; start-up fails without them. */
static const char *const required_messages[] = {
	"next", "back", "start", "save-later", "finish", "change", "yes", "no", "saved", "saving",
	"not-saved", "progress", "code.label", "code.hint", "code.open", "code.new", "code.new-hint",
	"code.yours", "code.keep", "needs.eligible", "needs.other", "needs.none", "budget.none",
	"budget.amount", "budget.total", "budget.left", "budget.over", "list.empty", "list.add",
	"list.save-item", "list.remove", "list.count", "list.item", "check.none", "check.change",
	"send.button", "send.empty", "send.already", "welcome-back.continue", "welcome-back.check",
	"welcome-back.status", "welcome-back.review", "status.draft", "status.submitted",
	"status.changes_requested", "status.agreed", "status.not_agreed", "status.signed_off",
	"status.review_due", "review.button", "review.sent", "timeout.title", "timeout.body",
	"timeout.body-one", "timeout.more", "timeout.finish", "cleared", "bye", "connection.lost", "connection.back",
	"safeguarding.raised", "error.bad-json", "error.bad-message", "error.unknown-type",
	"error.bad-field", "error.too-long", "error.too-big", "error.bad-utf8", "error.too-deep",
	"error.no-plan", "error.not-your-plan", "error.not-allowed", "error.already-sent",
	"error.wrong-code", "error.slow-down", "error.not-saved", "error.server", "error.no-item",
	"error.bad-money", "error.bad-date", "error.list-full", "error.unknown-text", "error.bad-voice",
	"error.busy", "error.no-sound", "welcome-back.comments", "welcome-back.agree",
	"comments.new", "comments.from", "comments.about", "comments.carry-on", "agree.yes", "agree.no", "agree.check",
	"not-agreed.button", "not-agreed.sent", "welcome-back.copy", "copy.agreed", "copy.review",
	"copy.council", "copy.yours", "copy.print", "copy.money", "date", "month.1", "month.2",
	"month.3", "month.4", "month.5", "month.6", "month.7", "month.8", "month.9", "month.10",
	"month.11", "month.12",
};

static const char *const kind_names[KIND_COUNT] = {
	[KIND_INFO] = "info",
	[KIND_TEXT] = "text",
	[KIND_LONG_TEXT] = "long-text",
	[KIND_CHOICE] = "choice",
	[KIND_YES_NO] = "yes-no",
	[KIND_LIST] = "list",
	[KIND_CODE] = "code",
	[KIND_NEEDS] = "needs",
	[KIND_CHECK] = "check",
	[KIND_SEND] = "send",
	[KIND_SENT] = "sent",
	[KIND_WELCOME_BACK] = "welcome-back",
	[KIND_STATUS] = "status",
	[KIND_REVIEW] = "review",
	[KIND_SAVED_CODE] = "saved-code",
	[KIND_COMMENTS] = "comments",
	[KIND_AGREE] = "agree",
	[KIND_AGREED] = "agreed",
	[KIND_NOT_AGREED] = "not-agreed",
	[KIND_COPY] = "copy",
};

const char *page_kind_name(page_kind kind)
{
	return kind < KIND_COUNT ? kind_names[kind] : "?";
}

int page_kind_takes_answer(page_kind kind)
{
	return kind == KIND_TEXT || kind == KIND_LONG_TEXT || kind == KIND_CHOICE ||
	       kind == KIND_YES_NO || kind == KIND_REVIEW || kind == KIND_NOT_AGREED;
}

static int kind_is_unique(page_kind kind)
{
	return kind >= KIND_CODE;
}

/* ---- parsing state ---- */

typedef struct parser {
	content *c;
	const char *path;
	int line;
	int part;     /* current part, or -1 inside a group, or -2 before any */
	int in_page;  /* a page: line has started a page in this part or group */
	char *err;
	size_t errlen;
} parser;

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(parser *p, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (p->err) {
		if (p->line > 0)
			snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, reason);
		else
			snprintf(p->err, p->errlen, "%s: %s", p->path, reason);
	}
	return -1;
}

static void *grow(void *arr, size_t n, size_t size)
{
	/* Arrays grow one element at a time: content is small and loaded once. */
	return realloc(arr, (n + 1) * size);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

#define MAX_NAME 48 /* page, field, option and picture names: ids built from them must fit */

static int is_name(const char *s, const char *extra)
{
	if (!*s || strlen(s) > MAX_NAME)
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' ||
		      (extra && strchr(extra, *s))))
			return 0;
	return 1;
}

/* A non-ASCII character that is punctuation, not part of a word: dashes, quotes, ellipsis,
 * bullets (U+2000 to U+206F), and the pound sign on its own. Sets *n to its length in bytes. */
static int is_symbol(const unsigned char *s, size_t *n)
{
	if (s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81) && s[2]) {
		*n = 3;
		return 1;
	}
	if (s[0] == 0xC2 && s[1] == 0xA3) {
		*n = 2;
		return 1;
	}
	*n = 1;
	return 0;
}

/* Does the word end a sentence? Its last mark, ignoring closing stars, quotes and brackets. */
static int ends_sentence(const char *word, size_t len)
{
	while (len > 0) {
		unsigned char ch = (unsigned char)word[len - 1];

		if (ch == '*' || ch == '"' || ch == '\'' || ch == ')') {
			len--;
		} else if (len >= 3 && (unsigned char)word[len - 3] == 0xE2 &&
			   (unsigned char)word[len - 2] == 0x80 &&
			   (ch == 0x99 || ch == 0x9D)) { /* ’ ” */
			len -= 3;
		} else {
			return ch == '.' || ch == '!' || ch == '?';
		}
	}
	return 0;
}

int content_longest_sentence(const char *text)
{
	const char *s = text;
	int longest = 0, words = 0;

	while (*s) {
		const char *start;
		int is_word = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		start = s;
		while (*s && *s != ' ' && *s != '\t') {
			const unsigned char *u = (const unsigned char *)s;
			size_t n;

			if (isalnum(*u) || *u == '{')
				is_word = 1;
			else if (*u >= 0x80 && !is_symbol(u, &n))
				is_word = 1;
			if (*u >= 0x80 && is_symbol(u, &n))
				s += n;
			else
				s++;
		}
		if (is_word)
			words++;
		if (ends_sentence(start, (size_t)(s - start))) {
			if (words > longest)
				longest = words;
			words = 0;
		}
	}
	return words > longest ? words : longest;
}

static int check_easy_read(parser *p, const char *text)
{
	int n = content_longest_sentence(text);
	int stars = 0;

	if (n > MAX_SENTENCE_WORDS)
		return fail(p, "this sentence has %d words; easy read allows %d or fewer", n,
			    MAX_SENTENCE_WORDS);
	for (const char *s = strstr(text, "**"); s; s = strstr(s + 2, "**"))
		stars++;
	if (stars % 2)
		return fail(p, "the stars for bold do not come in pairs");
	return 0;
}

static content_page *current_page(parser *p)
{
	return p->c->npages ? &p->c->pages[p->c->npages - 1] : NULL;
}

static int parse_kind(const char *v, page_kind *kind)
{
	for (int k = 0; k < KIND_COUNT; k++)
		if (strcmp(v, kind_names[k]) == 0) {
			*kind = (page_kind)k;
			return 0;
		}
	return -1;
}

static int set_once(parser *p, char **slot, const char *key, const char *value)
{
	if (*slot)
		return fail(p, "the page already has a '%s' line", key);
	*slot = strdup(value);
	return *slot ? 0 : fail(p, "out of memory");
}

/* Splits "a | b | c" into at most n trimmed parts; returns how many. */
static int split_bars(char *v, char **parts, int n)
{
	int k = 0;

	while (k < n) {
		char *bar = strchr(v, '|');

		if (bar)
			*bar = '\0';
		parts[k++] = trim(v);
		if (!bar)
			break;
		v = bar + 1;
	}
	return k;
}

static int add_option(parser *p, content_page *pg, char *v)
{
	char *parts[3];
	content_option *o;

	if (split_bars(v, parts, 3) != 2 || !*parts[1])
		return fail(p, "write an option as 'option: value | The words on the button'");
	if (!is_name(parts[0], NULL))
		return fail(p, "an option's value may use only lowercase letters, digits and '-' (at most 48)");
	for (size_t i = 0; i < pg->noptions; i++)
		if (strcmp(pg->options[i].value, parts[0]) == 0)
			return fail(p, "the option '%s' is there twice", parts[0]);
	if (check_easy_read(p, parts[1]))
		return -1;
	o = grow(pg->options, pg->noptions, sizeof(*o));
	if (!o)
		return fail(p, "out of memory");
	pg->options = o;
	o[pg->noptions].value = strdup(parts[0]);
	o[pg->noptions].text = strdup(parts[1]);
	pg->noptions++;
	return 0;
}

static int add_field(parser *p, content_page *pg, char *v)
{
	static const char *const types[] = { "text", "long-text", "money", "date" };
	char *parts[4];
	content_field *f;
	int type = -1;

	if (split_bars(v, parts, 4) != 3 || !*parts[2])
		return fail(p, "write a list field as 'item: name | type | The label'");
	if (!is_name(parts[0], NULL))
		return fail(p, "a field's name may use only lowercase letters, digits and '-' (at most 48)");
	for (int t = 0; t < 4; t++)
		if (strcmp(parts[1], types[t]) == 0)
			type = t;
	if (type < 0)
		return fail(p, "a field's type is text, long-text, money or date, not '%s'", parts[1]);
	for (size_t i = 0; i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, parts[0]) == 0)
			return fail(p, "the field '%s' is there twice", parts[0]);
	if (check_easy_read(p, parts[2]))
		return -1;
	f = grow(pg->fields, pg->nfields, sizeof(*f));
	if (!f)
		return fail(p, "out of memory");
	pg->fields = f;
	f[pg->nfields].name = strdup(parts[0]);
	f[pg->nfields].type = (field_type)type;
	f[pg->nfields].label = strdup(parts[2]);
	f[pg->nfields].limit = type == FIELD_LONG_TEXT ? DEFAULT_LONG_TEXT_LIMIT : DEFAULT_TEXT_LIMIT;
	pg->nfields++;
	return 0;
}

static int add_cond(parser *p, content_page *pg, char *v)
{
	char *op = strstr(v, "!=");
	int negate = op != NULL;
	content_cond *cd;
	char *name, *value;

	if (!op)
		op = strchr(v, '=');
	if (!op)
		return fail(p, "write 'show-if: page = value' or 'show-if: page != value'");
	*op = '\0';
	name = trim(v);
	value = trim(op + (negate ? 2 : 1));
	if (!is_name(name, NULL) || !is_name(value, NULL))
		return fail(p, "write 'show-if: page = value' or 'show-if: page != value'");
	cd = grow(pg->conds, pg->nconds, sizeof(*cd));
	if (!cd)
		return fail(p, "out of memory");
	pg->conds = cd;
	cd[pg->nconds].page = strdup(name);
	cd[pg->nconds].negate = negate;
	cd[pg->nconds].value = strdup(value);
	cd[pg->nconds].line = p->line;
	pg->nconds++;
	return 0;
}

static int start_page(parser *p, const char *id)
{
	content *c = p->c;
	content_page *pg;

	if (p->part == -2)
		return fail(p, "a page must come after a 'part:' or 'group:' line");
	if (!is_name(id, NULL))
		return fail(p, "a page's name may use only lowercase letters, digits and '-' (at most 48)");
	if (content_page_find(c, id, NULL))
		return fail(p, "there is already a page called '%s'", id);
	pg = grow(c->pages, c->npages, sizeof(*pg));
	if (!pg)
		return fail(p, "out of memory");
	c->pages = pg;
	pg = &c->pages[c->npages++];
	memset(pg, 0, sizeof(*pg));
	pg->kind = KIND_COUNT; /* not yet set */
	pg->part = p->part;
	pg->id = strdup(id);
	pg->file = strdup(p->path);
	pg->line = p->line;
	p->in_page = 1;
	return pg->id && pg->file ? 0 : fail(p, "out of memory");
}

static int page_line(parser *p, const char *key, char *v)
{
	content_page *pg = current_page(p);
	char **say;

	if (!pg || !p->in_page)
		return fail(p, "'%s' must come after a 'page:' line", key);
	if (strcmp(key, "kind") == 0) {
		if (pg->kind != KIND_COUNT)
			return fail(p, "the page already has a 'kind' line");
		if (parse_kind(v, &pg->kind))
			return fail(p, "'%s' is not a kind of page (see docs/content-format.md)", v);
		return 0;
	}
	if (strcmp(key, "picture") == 0) {
		if (!is_name(v, NULL))
			return fail(p, "a picture's name may use only lowercase letters, digits and '-' (at most 48)");
		pg->picture_line = p->line;
		return set_once(p, &pg->picture, key, v);
	}
	if (strcmp(key, "option") == 0)
		return add_option(p, pg, v);
	if (strcmp(key, "item") == 0)
		return add_field(p, pg, v);
	if (strcmp(key, "show-if") == 0)
		return add_cond(p, pg, v);
	if (strcmp(key, "total") == 0)
		return set_once(p, &pg->total, key, v);
	if (strcmp(key, "flag") == 0) {
		if (strcmp(v, "safeguarding") && strcmp(v, "advocacy"))
			return fail(p, "a flag is 'safeguarding' or 'advocacy'");
		return set_once(p, &pg->flag, key, v);
	}
	if (strcmp(key, "offered") == 0) {
		if (strcmp(v, "managing"))
			return fail(p, "'offered' is 'managing' (the ways the council offered)");
		return set_once(p, &pg->offered, key, v);
	}
	if (strcmp(key, "limit") == 0) {
		char *end;
		long n = strtol(v, &end, 10);

		if (*end || n < 1 || n > MAX_LIMIT)
			return fail(p, "a limit is a number of letters from 1 to %d", MAX_LIMIT);
		pg->limit = (int)n;
		return 0;
	}
	/* The rest are text a person reads. */
	if (check_easy_read(p, v))
		return -1;
	if (strcmp(key, "title") == 0)
		return set_once(p, &pg->title, key, v);
	if (strcmp(key, "ask") == 0)
		return set_once(p, &pg->ask, key, v);
	if (strcmp(key, "hint") == 0)
		return set_once(p, &pg->hint, key, v);
	if (strcmp(key, "say") == 0) {
		say = grow(pg->say, pg->nsay, sizeof(*say));
		if (!say)
			return fail(p, "out of memory");
		pg->say = say;
		say[pg->nsay] = strdup(v);
		pg->nsay++;
		return 0;
	}
	return fail(p, "'%s' is not a key a page can have (see docs/content-format.md)", key);
}

/* Splits "key: value" in place. 1 for a blank or note line, 0 for a line, -1 (reported) if bad. */
static int split_line(parser *p, char *line, char **key, char **value)
{
	char *colon;

	line = trim(line);
	if (!*line || *line == '#')
		return 1;
	if (!utf8_valid(line, strlen(line)))
		return fail(p, "this line is not valid UTF-8 text");
	colon = strchr(line, ':');
	if (!colon)
		return fail(p, "a line must be 'key: value'");
	*colon = '\0';
	*key = trim(line);
	*value = trim(colon + 1);
	if (!**value)
		return fail(p, "'%s' has nothing after the colon", *key);
	return 0;
}

static int parse_line(parser *p, char *line)
{
	char *key, *v;
	content *c = p->c;
	int rc = split_line(p, line, &key, &v);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (strcmp(key, "part") == 0 || strcmp(key, "group") == 0) {
		if (check_easy_read(p, v))
			return -1;
		p->in_page = 0;
		if (key[0] == 'g') {
			p->part = -1;
			return 0;
		}
		char **parts = grow(c->parts, c->nparts, sizeof(*parts));

		if (!parts)
			return fail(p, "out of memory");
		c->parts = parts;
		parts[c->nparts] = strdup(v);
		p->part = (int)c->nparts++;
		return 0;
	}
	if (strcmp(key, "page") == 0)
		return start_page(p, v);
	return page_line(p, key, v);
}

typedef int (*line_fn)(parser *p, char *line);

static int parse_file(parser *p, const char *path, line_fn fn)
{
	char line[MAX_LINE];
	FILE *f = fopen(path, "r");
	int rc = -1;

	p->path = path;
	p->line = 0;
	if (!f)
		return fail(p, "cannot open the file (%s)", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		p->line++;
		if (!strchr(line, '\n') && !feof(f)) {
			fail(p, "this line is longer than %d characters", MAX_LINE - 2);
			goto out;
		}
		if (fn(p, line))
			goto out;
	}
	if (ferror(f)) {
		fail(p, "reading failed");
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static int add_named(parser *p, named **arr, size_t *n, char *line, const char *what)
{
	char *name, *text;
	named *a;
	int rc = split_line(p, line, &name, &text);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (!is_name(name, "._"))
		return fail(p, "a %s name may use only lowercase letters, digits, '.', '_' and '-'", what);
	if (check_easy_read(p, text))
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i].name, name) == 0)
			return fail(p, "'%s' is there twice", name);
	a = grow(*arr, *n, sizeof(*a));
	if (!a)
		return fail(p, "out of memory");
	*arr = a;
	a[*n].name = strdup(name);
	a[*n].text = strdup(text);
	(*n)++;
	return 0;
}

static int message_line(parser *p, char *line)
{
	return add_named(p, &p->c->messages, &p->c->nmessages, line, "message");
}

static int picture_line(parser *p, char *line)
{
	return add_named(p, &p->c->pictures, &p->c->npictures, line, "picture");
}

static int word_line(parser *p, char *line)
{
	content *c = p->c;
	char **w;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	for (const char *s = line; *s; s++)
		if (!islower((unsigned char)*s))
			return fail(p, "a code word may use only the letters a to z");
	if (strlen(line) < 3 || strlen(line) > 8)
		return fail(p, "a code word has 3 to 8 letters");
	if (content_codeword_index(c, line, strlen(line)) >= 0)
		return fail(p, "'%s' is there twice", line);
	w = grow(c->words, c->nwords, sizeof(*w));
	if (!w)
		return fail(p, "out of memory");
	c->words = w;
	w[c->nwords++] = strdup(line);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Journey files are NN-name.txt, read in name order. */
static int list_page_files(parser *p, const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*out = NULL;
	*n = 0;
	p->path = dir;
	p->line = 0;
	if (!d)
		return fail(p, "cannot open the folder (%s)", strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **files;

		if (len < 8 || !isdigit((unsigned char)e->d_name[0]) ||
		    !isdigit((unsigned char)e->d_name[1]) || e->d_name[2] != '-' ||
		    strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		files = grow(*out, *n, sizeof(*files));
		if (!files)
			break;
		*out = files;
		files[*n] = malloc(strlen(dir) + len + 2);
		if (!files[*n])
			break;
		snprintf(files[*n], strlen(dir) + len + 2, "%s/%s", dir, e->d_name);
		(*n)++;
	}
	closedir(d);
	qsort(*out, *n, sizeof(**out), cmp_str);
	if (*n == 0)
		return fail(p, "there are no page files (NN-name.txt) here");
	return 0;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const named *find_named(const named *arr, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

/* Checks that need every file read: each page whole, references resolved. */
static int check_pages(parser *p, const char *pictures_dir, const char *messages_path)
{
	content *c = p->c;
	int seen[KIND_COUNT] = { 0 };
	char path[4096];

	p->line = 0;
	for (size_t i = 0; i < c->npages; i++) {
		content_page *pg = &c->pages[i];

		p->path = pg->file;
		p->line = pg->line;
		if (pg->kind == KIND_COUNT)
			return fail(p, "page '%s' has no 'kind' line", pg->id);
		if (!pg->title)
			return fail(p, "page '%s' has no 'title' line", pg->id);
		if (!pg->picture)
			return fail(p, "page '%s' has no 'picture' line", pg->id);
		p->line = pg->picture_line;
		if (!find_named(c->pictures, c->npictures, pg->picture))
			return fail(p, "page '%s' uses the picture '%s', which pictures.txt does not describe",
				    pg->id, pg->picture);
		snprintf(path, sizeof(path), "%s/%s.svg", pictures_dir, pg->picture);
		if (!file_exists(path))
			return fail(p, "page '%s' uses the picture '%s', but %s is missing", pg->id,
				    pg->picture, path);
		p->line = pg->line;
		if ((page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST) && !pg->ask)
			return fail(p, "page '%s' asks for an answer but has no 'ask' line", pg->id);
		if (pg->kind == KIND_CHOICE && pg->noptions < 2)
			return fail(p, "page '%s' is a choice but has fewer than two options", pg->id);
		if (pg->kind != KIND_CHOICE && pg->noptions)
			return fail(p, "page '%s' has options but is not a choice", pg->id);
		if (pg->kind == KIND_LIST && pg->nfields == 0)
			return fail(p, "page '%s' is a list but has no 'item' lines", pg->id);
		if (pg->kind != KIND_LIST && (pg->nfields || pg->total))
			return fail(p, "page '%s' has list lines but is not a list", pg->id);
		if (pg->flag && pg->kind != KIND_YES_NO)
			return fail(p, "page '%s' has a flag but is not a yes-no page", pg->id);
		if (pg->offered && pg->kind != KIND_CHOICE)
			return fail(p, "page '%s' has 'offered' but is not a choice", pg->id);
		if (pg->total) {
			int ok = 0;

			for (size_t f = 0; f < pg->nfields; f++)
				if (strcmp(pg->fields[f].name, pg->total) == 0 &&
				    pg->fields[f].type == FIELD_MONEY)
					ok = 1;
			if (!ok)
				return fail(p, "page '%s' totals '%s', which is not one of its money fields",
					    pg->id, pg->total);
		}
		if (!pg->limit)
			pg->limit = pg->kind == KIND_TEXT ? DEFAULT_TEXT_LIMIT : DEFAULT_LONG_TEXT_LIMIT;
		for (size_t k = 0; k < pg->nconds; k++) {
			size_t at;
			const content_page *ref = content_page_find(c, pg->conds[k].page, &at);
			int ok = 0;

			p->line = pg->conds[k].line;
			if (!ref || at >= i)
				return fail(p, "page '%s' shows if '%s' was answered, but no page before it has that name",
					    pg->id, pg->conds[k].page);
			if (ref->kind == KIND_YES_NO)
				ok = !strcmp(pg->conds[k].value, "yes") || !strcmp(pg->conds[k].value, "no");
			for (size_t o = 0; o < ref->noptions; o++)
				ok |= !strcmp(ref->options[o].value, pg->conds[k].value);
			if (!ok)
				return fail(p, "page '%s' shows if '%s' is '%s', but that page has no such option",
					    pg->id, pg->conds[k].page, pg->conds[k].value);
		}
		p->line = pg->line;
		if (kind_is_unique(pg->kind) && seen[pg->kind]++)
			return fail(p, "there is more than one page of the kind '%s'", page_kind_name(pg->kind));
		if ((pg->kind == KIND_CODE || pg->kind == KIND_CHECK || pg->kind == KIND_SEND) &&
		    pg->part < 0)
			return fail(p, "page '%s' must be part of the journey, not in a group", pg->id);
	}
	p->line = 0;
	for (int k = KIND_CODE; k < KIND_COUNT; k++)
		if (!seen[k]) {
			p->path = "easyread";
			return fail(p, "there is no page of the kind '%s'", page_kind_name((page_kind)k));
		}
	if (c->npages == 0 || c->pages[0].part < 0) {
		p->path = "easyread";
		return fail(p, "the first page must be on the journey (after a 'part:' line)");
	}
	p->path = messages_path;
	for (size_t i = 0; i < sizeof(required_messages) / sizeof(*required_messages); i++)
		if (!find_named(c->messages, c->nmessages, required_messages[i]))
			return fail(p, "the message '%s' is missing", required_messages[i]);
	return 0;
}

content *content_load(const char *easyread_dir, const char *lang, const char *pictures_dir,
		      char *err, size_t errlen)
{
	parser p = { 0 };
	char dir[2048], path[4096], messages[4096];
	char **files = NULL;
	size_t nfiles = 0;
	content *c = calloc(1, sizeof(*c));
	int rc = -1;

	p.err = err;
	p.errlen = errlen;
	p.c = c;
	p.path = easyread_dir;
	if (!c || !(c->lang = strdup(lang))) {
		fail(&p, "out of memory");
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/%s", easyread_dir, lang);
	snprintf(messages, sizeof(messages), "%s/messages.txt", dir);
	if (parse_file(&p, messages, message_line))
		goto out;
	snprintf(path, sizeof(path), "%s/pictures.txt", dir);
	if (parse_file(&p, path, picture_line))
		goto out;
	snprintf(path, sizeof(path), "%s/codewords.txt", easyread_dir);
	if (parse_file(&p, path, word_line))
		goto out;
	if (c->nwords < MIN_CODEWORDS) {
		p.line = 0;
		fail(&p, "there are %zu code words; codes need at least %d", c->nwords, MIN_CODEWORDS);
		goto out;
	}
	if (list_page_files(&p, dir, &files, &nfiles))
		goto out;
	for (size_t i = 0; i < nfiles; i++) {
		p.part = -2;
		p.in_page = 0;
		if (parse_file(&p, files[i], parse_line))
			goto out;
	}
	if (check_pages(&p, pictures_dir, messages))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	if (rc) {
		content_free(c);
		return NULL;
	}
	return c;
}

static void free_named(named *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(arr[i].name);
		free(arr[i].text);
	}
	free(arr);
}

void content_free(content *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->npages; i++) {
		content_page *pg = &c->pages[i];

		free(pg->id);
		free(pg->picture);
		free(pg->title);
		for (size_t k = 0; k < pg->nsay; k++)
			free(pg->say[k]);
		free(pg->say);
		free(pg->ask);
		free(pg->hint);
		for (size_t k = 0; k < pg->noptions; k++) {
			free(pg->options[k].value);
			free(pg->options[k].text);
		}
		free(pg->options);
		for (size_t k = 0; k < pg->nfields; k++) {
			free(pg->fields[k].name);
			free(pg->fields[k].label);
		}
		free(pg->fields);
		free(pg->total);
		for (size_t k = 0; k < pg->nconds; k++) {
			free(pg->conds[k].page);
			free(pg->conds[k].value);
		}
		free(pg->conds);
		free(pg->flag);
		free(pg->offered);
		free(pg->file);
	}
	free(c->pages);
	for (size_t i = 0; i < c->nparts; i++)
		free(c->parts[i]);
	free(c->parts);
	free_named(c->messages, c->nmessages);
	free_named(c->pictures, c->npictures);
	for (size_t i = 0; i < c->nwords; i++)
		free(c->words[i]);
	free(c->words);
	free(c->lang);
	free(c);
}

const char *content_lang(const content *c)
{
	return c->lang;
}

size_t content_page_count(const content *c)
{
	return c->npages;
}

const content_page *content_page_at(const content *c, size_t i)
{
	return i < c->npages ? &c->pages[i] : NULL;
}

const content_page *content_page_find(const content *c, const char *id, size_t *index)
{
	for (size_t i = 0; i < c->npages; i++)
		if (strcmp(c->pages[i].id, id) == 0) {
			if (index)
				*index = i;
			return &c->pages[i];
		}
	return NULL;
}

const content_page *content_page_of_kind(const content *c, page_kind kind)
{
	for (size_t i = 0; i < c->npages; i++)
		if (c->pages[i].kind == kind)
			return &c->pages[i];
	return NULL;
}

size_t content_part_count(const content *c)
{
	return c->nparts;
}

const char *content_part_title(const content *c, int part)
{
	return part >= 0 && (size_t)part < c->nparts ? c->parts[part] : NULL;
}

const char *content_message(const content *c, const char *name)
{
	const named *m = find_named(c->messages, c->nmessages, name);

	return m ? m->text : NULL;
}

size_t content_message_count(const content *c)
{
	return c->nmessages;
}

void content_message_at(const content *c, size_t i, const char **name, const char **text)
{
	*name = c->messages[i].name;
	*text = c->messages[i].text;
}

const char *content_picture_alt(const content *c, const char *picture)
{
	const named *m = find_named(c->pictures, c->npictures, picture);

	return m ? m->text : NULL;
}

size_t content_codeword_count(const content *c)
{
	return c->nwords;
}

const char *content_codeword(const content *c, size_t i)
{
	return i < c->nwords ? c->words[i] : NULL;
}

long content_codeword_index(const content *c, const char *word, size_t len)
{
	for (size_t i = 0; i < c->nwords; i++)
		if (strlen(c->words[i]) == len && memcmp(c->words[i], word, len) == 0)
			return (long)i;
	return -1;
}
