#include "content_int.h"

#include "buf.h"
#include "path.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MIN_CODEWORDS 1024
/* A word's place in the list is four digits from 2 to 9 in a code's numbers (code.h): 8^4. */
#define MAX_CODEWORDS 4096

/* Messages the server and the page need; start-up fails without them. */
static const char *const required_messages[] = {
    "welcome.touch",
    "headphones.ask",
    "headphones.yes",
    "headphones.no",
    "headphones.said-yes",
    "headphones.said-no",
    "keyboard.name",
    "keyboard.show",
    "keyboard.letters",
    "keyboard.qwerty",
    "keyboard.numbers",
    "keyboard.capital",
    "keyboard.space",
    "keyboard.delete",
    "keyboard.clear",
    "keyboard.done",
    "keyboard.words",
    "keyboard.date",
    "input.ask",
    "input.touch",
    "input.keyboard",
    "input.one-switch",
    "input.two-switches",
    "input.said-touch",
    "input.said-keyboard",
    "input.said-one-switch",
    "input.said-two-switches",
    "scan.out",
    "scan.speed",
    "scan.speed-500",
    "scan.speed-1000",
    "scan.speed-1500",
    "scan.speed-2000",
    "scan.speed-3000",
    "scan.speed-5000",
    "private.why",
    "private.anyway",
    "error.private",
    "next",
    "back",
    "start",
    "save-later",
    "finish",
    "change",
    "yes",
    "no",
    "saved",
    "saving",
    "not-saved",
    "progress",
    "code.label",
    "code.hint",
    "code.open",
    "code.new",
    "code.new-hint",
    "code.yours",
    "code.keep",
    "code.or-numbers",
    "code.numbers",
    "needs.eligible",
    "needs.other",
    "needs.none",
    "budget.none",
    "budget.amount",
    "budget.total",
    "budget.left",
    "budget.over",
    "list.empty",
    "list.add",
    "list.save-item",
    "list.remove",
    "list.count",
    "list.item",
    "cards.touch",
    "cards.else",
    "check.none",
    "check.change",
    "send.button",
    "send.empty",
    "send.already",
    "welcome-back.continue",
    "welcome-back.check",
    "welcome-back.status",
    "welcome-back.review",
    "status.draft",
    "status.submitted",
    "status.changes_requested",
    "status.agreed",
    "status.not_agreed",
    "status.signed_off",
    "status.review_due",
    "review.button",
    "review.sent",
    "timeout.title",
    "timeout.body",
    "timeout.body-one",
    "timeout.more",
    "timeout.finish",
    "cleared",
    "bye",
    "connection.lost",
    "connection.back",
    "connection.saved",
    "resume.failed",
    "finish-code.ask",
    "finish-code.why",
    "finish-code.yes",
    "finish-code.back",
    "safeguarding.raised",
    "safeguarding.told.alert",
    "safeguarding.told.staff",
    "alert.subject",
    "alert.body",
    "alert.link",
    "alert.id",
    "error.bad-json",
    "error.bad-message",
    "error.unknown-type",
    "error.bad-field",
    "error.too-long",
    "error.too-big",
    "error.bad-utf8",
    "error.too-deep",
    "error.no-plan",
    "error.not-your-plan",
    "error.not-allowed",
    "error.already-sent",
    "error.wrong-code",
    "error.slow-down",
    "error.too-many-plans",
    "error.not-saved",
    "error.server",
    "error.no-item",
    "error.bad-money",
    "error.bad-date",
    "error.list-full",
    "error.unknown-text",
    "error.bad-voice",
    "error.busy",
    "error.no-sound",
    "welcome-back.comments",
    "welcome-back.agree",
    "comments.new",
    "comments.from",
    "comments.about",
    "comments.carry-on",
    "agree.yes",
    "agree.no",
    "agree.check",
    "not-agreed.button",
    "not-agreed.sent",
    "welcome-back.copy",
    "copy.agreed",
    "copy.review",
    "copy.council",
    "copy.yours",
    "copy.print",
    "copy.money",
    "copy.private",
    "date",
    "month.1",
    "month.2",
    "month.3",
    "month.4",
    "month.5",
    "month.6",
    "month.7",
    "month.8",
    "month.9",
    "month.10",
    "month.11",
    "month.12",
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
    [KIND_WELCOME] = "welcome",
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
		return content_fail(p, "cannot open the folder (%s)", strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char **files;

		if (len < 8 || !isdigit((unsigned char)e->d_name[0]) ||
		    !isdigit((unsigned char)e->d_name[1]) || e->d_name[2] != '-' ||
		    strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		files = content_grow(*out, *n, sizeof(*files));
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
		return content_fail(p, "there are no page files (NN-name.txt) here");
	return 0;
}

static int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const named *content_find_named(const named *arr, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

/* A page's picture: described in pictures.txt, and its file there. */
static int check_picture(parser *p, const content_page *pg, const char *pictures_dir)
{
	const content *c = p->c;
	char path[PATH_LEN], name[256];

	p->line = pg->picture_line;
	if (!content_find_named(c->pictures, c->npictures, pg->picture))
		return content_fail(
		    p, "page '%s' uses the picture '%s', which pictures.txt does not describe",
		    pg->id, pg->picture);
	snprintf(name, sizeof(name), "%s.svg", pg->picture); /* at most 48 (content_parse.c) */
	if (path_join(path, sizeof(path), pictures_dir, name, p->err, p->errlen))
		return -1;
	if (!file_exists(path))
		return content_fail(p, "page '%s' uses the picture '%s', but %s is missing", pg->id,
				    pg->picture, path);
	p->line = pg->line;
	return 0;
}

/* Each card's picture: described in pictures.txt, and its file there. */
static int check_cards(parser *p, const content_page *pg, const char *pictures_dir)
{
	char path[PATH_LEN], name[256];

	for (size_t i = 0; i < pg->ncards; i++) {
		const content_card *k = &pg->cards[i];

		p->line = k->line;
		if (!content_find_named(p->c->pictures, p->c->npictures, k->picture))
			return content_fail(p,
					    "the card '%s' uses the picture '%s', which "
					    "pictures.txt does not describe",
					    k->id, k->picture);
		snprintf(name, sizeof(name), "%s.svg", k->picture); /* at most 48 */
		if (path_join(path, sizeof(path), pictures_dir, name, p->err, p->errlen))
			return -1;
		if (!file_exists(path))
			return content_fail(
			    p, "the card '%s' uses the picture '%s', but %s is missing", k->id,
			    k->picture, path);
	}
	p->line = pg->line;
	return 0;
}

/* A page's lines fit its kind: what it asks, its options, its list fields and total. */
static int check_kind_lines(parser *p, const content_page *pg)
{
	if ((page_kind_takes_answer(pg->kind) || pg->kind == KIND_LIST) && !pg->ask)
		return content_fail(p, "page '%s' asks for an answer but has no 'ask' line",
				    pg->id);
	if (pg->kind == KIND_CHOICE && pg->noptions < 2)
		return content_fail(p, "page '%s' is a choice but has fewer than two options",
				    pg->id);
	if (pg->kind != KIND_CHOICE && pg->noptions)
		return content_fail(p, "page '%s' has options but is not a choice", pg->id);
	if (pg->kind == KIND_LIST && pg->nfields == 0)
		return content_fail(p, "page '%s' is a list but has no 'item' lines", pg->id);
	if (pg->kind != KIND_LIST && (pg->nfields || pg->total))
		return content_fail(p, "page '%s' has list lines but is not a list", pg->id);
	if (pg->flag && pg->kind != KIND_YES_NO)
		return content_fail(p, "page '%s' has a flag but is not a yes-no page", pg->id);
	if (pg->ncards && pg->kind != KIND_TEXT && pg->kind != KIND_LONG_TEXT)
		return content_fail(p, "page '%s' has cards but is not a text or long-text page",
				    pg->id);
	if (pg->private_answers && !page_kind_takes_answer(pg->kind) && pg->kind != KIND_LIST)
		return content_fail(p, "page '%s' is private but takes no answer", pg->id);
	/* An answer about being hurt is never read aloud where others may hear. */
	if (pg->flag && strcmp(pg->flag, "safeguarding") == 0 && !pg->private_answers)
		return content_fail(p, "page '%s' raises a safeguarding flag: add 'private: yes'",
				    pg->id);
	if (pg->offered && pg->kind != KIND_CHOICE)
		return content_fail(p, "page '%s' has 'offered' but is not a choice", pg->id);
	if (pg->total) {
		int ok = 0;

		for (size_t f = 0; f < pg->nfields; f++)
			if (strcmp(pg->fields[f].name, pg->total) == 0 &&
			    pg->fields[f].type == FIELD_MONEY)
				ok = 1;
		if (!ok)
			return content_fail(
			    p, "page '%s' totals '%s', which is not one of its money fields",
			    pg->id, pg->total);
	}
	return 0;
}

/* Each show-if names a page before page i, and a value that page can have. */
static int check_conds(parser *p, const content_page *pg, size_t i)
{
	for (size_t k = 0; k < pg->nconds; k++) {
		size_t at;
		const content_page *ref = content_page_find(p->c, pg->conds[k].page, &at);
		int ok = 0;

		p->line = pg->conds[k].line;
		if (!ref || at >= i)
			return content_fail(p,
					    "page '%s' shows if '%s' was answered, but no page "
					    "before it has that name",
					    pg->id, pg->conds[k].page);
		if (ref->kind == KIND_YES_NO)
			ok =
			    !strcmp(pg->conds[k].value, "yes") || !strcmp(pg->conds[k].value, "no");
		for (size_t o = 0; o < ref->noptions; o++)
			ok |= !strcmp(ref->options[o].value, pg->conds[k].value);
		if (!ok)
			return content_fail(
			    p, "page '%s' shows if '%s' is '%s', but that page has no such option",
			    pg->id, pg->conds[k].page, pg->conds[k].value);
	}
	p->line = pg->line;
	return 0;
}

/* Page i whole; seen counts the pages of each kind so far. */
static int check_page(parser *p, size_t i, const char *pictures_dir, int seen[KIND_COUNT])
{
	content_page *pg = &p->c->pages[i];

	p->path = pg->file;
	p->line = pg->line;
	if (pg->kind == KIND_COUNT)
		return content_fail(p, "page '%s' has no 'kind' line", pg->id);
	if (!pg->title)
		return content_fail(p, "page '%s' has no 'title' line", pg->id);
	if (!pg->picture)
		return content_fail(p, "page '%s' has no 'picture' line", pg->id);
	if (check_picture(p, pg, pictures_dir) || check_cards(p, pg, pictures_dir) ||
	    check_kind_lines(p, pg) || check_conds(p, pg, i))
		return -1;
	if (!pg->limit)
		pg->limit = pg->kind == KIND_TEXT ? CONTENT_DEFAULT_TEXT_LIMIT
						  : CONTENT_DEFAULT_LONG_TEXT_LIMIT;
	if (kind_is_unique(pg->kind) && seen[pg->kind]++)
		return content_fail(p, "there is more than one page of the kind '%s'",
				    page_kind_name(pg->kind));
	if ((pg->kind == KIND_CODE || pg->kind == KIND_CHECK || pg->kind == KIND_SEND) &&
	    pg->part < 0)
		return content_fail(p, "page '%s' must be part of the journey, not in a group",
				    pg->id);
	return 0;
}

/* Checks that need every file read: each page whole, references resolved, every kind of page
 * and every message the server needs there. */
static int check_pages(parser *p, const char *pictures_dir, const char *messages_path)
{
	content *c = p->c;
	int seen[KIND_COUNT] = {0};
	const char *missing;

	for (size_t i = 0; i < c->npages; i++)
		if (check_page(p, i, pictures_dir, seen))
			return -1;
	p->line = 0;
	for (int k = KIND_CODE; k < KIND_COUNT; k++)
		if (!seen[k]) {
			p->path = "easyread";
			return content_fail(p, "there is no page of the kind '%s'",
					    page_kind_name((page_kind)k));
		}
	if (c->npages == 0 || c->pages[0].part < 0) {
		p->path = "easyread";
		return content_fail(p,
				    "the first page must be on the journey (after a 'part:' line)");
	}
	if (c->pages[0].kind != KIND_WELCOME) {
		p->path = "easyread";
		return content_fail(p, "the first page must be of the kind 'welcome'");
	}
	p->path = messages_path;
	if ((missing = content_missing_required(c, 0)))
		return content_fail(p, "the message '%s' is missing", missing);
	return 0;
}

const char *content_missing_required(const content *c, int staff)
{
	for (size_t i = 0; i < sizeof(required_messages) / sizeof(*required_messages); i++)
		if (content_is_staff_message(required_messages[i]) == staff &&
		    !content_find_named(c->messages, c->nmessages, required_messages[i]))
			return required_messages[i];
	return NULL;
}

content *content_load(const char *easyread_dir, const char *lang, const char *pictures_dir,
		      char *err, size_t errlen)
{
	parser p = {0};
	char dir[PATH_LEN], path[PATH_LEN], messages[PATH_LEN];
	char **files = NULL;
	size_t nfiles = 0;
	content *c = calloc(1, sizeof(*c));
	int rc = -1;

	p.err = err;
	p.errlen = errlen;
	p.c = c;
	p.path = easyread_dir;
	if (!c || !(c->lang = strdup(lang))) {
		content_fail(&p, "out of memory");
		goto out;
	}
	if (path_join(dir, sizeof(dir), easyread_dir, lang, err, errlen) ||
	    !(c->dir = strdup(dir))) {
		content_fail(&p, "out of memory");
		goto out;
	}
	/* The hard-words list first: its everyday abbreviations are allowed in every file. */
	if (content_language_read(&p, dir) ||
	    path_join(path, sizeof(path), dir, "hard-words.txt", err, errlen) ||
	    content_parse_file(&p, path, content_hard_word_line) || content_hard_words_done(&p) ||
	    path_join(messages, sizeof(messages), dir, "messages.txt", err, errlen) ||
	    content_parse_file(&p, messages, content_message_line) ||
	    path_join(path, sizeof(path), dir, "pictures.txt", err, errlen) ||
	    content_parse_file(&p, path, content_picture_line) ||
	    path_join(path, sizeof(path), easyread_dir, "codewords.txt", err, errlen) ||
	    content_parse_file(&p, path, content_word_line))
		goto out;
	if (c->nwords < MIN_CODEWORDS) {
		p.line = 0;
		content_fail(&p, "there are %zu code words; codes need at least %d", c->nwords,
			     MIN_CODEWORDS);
		goto out;
	}
	if (c->nwords > MAX_CODEWORDS) {
		p.line = 0;
		content_fail(&p, "there are %zu code words; a code's numbers can name at most %d",
			     c->nwords, MAX_CODEWORDS);
		goto out;
	}
	p.hard_seen = calloc(c->nhard + 1, sizeof(*p.hard_seen));
	if (!p.hard_seen) {
		content_fail(&p, "out of memory");
		goto out;
	}
	if (list_page_files(&p, dir, &files, &nfiles))
		goto out;
	for (size_t i = 0; i < nfiles; i++) {
		p.part = -2;
		p.in_page = 0;
		if (content_parse_file(&p, files[i], content_page_line) || content_page_end(&p))
			goto out;
	}
	if (check_pages(&p, pictures_dir, messages))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(p.hard_seen);
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
		for (size_t k = 0; k < pg->ncards; k++) {
			free(pg->cards[k].id);
			free(pg->cards[k].picture);
			free(pg->cards[k].text);
		}
		free(pg->cards);
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
	for (size_t i = 0; i < c->nhard; i++) {
		for (size_t f = 0; f < c->hard[i].nforms; f++)
			free(c->hard[i].forms[f]);
		free(c->hard[i].forms);
		free(c->hard[i].means);
		free(c->hard[i].instead);
	}
	free(c->hard);
	for (size_t i = 0; i < c->neveryday; i++)
		free(c->everyday[i]);
	free(c->everyday);
	free(c->lang);
	free(c->dir);
	free(c->language_name);
	free(c->language_english);
	free(c->voice);
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

const content_card *content_card_find(const content_page *pg, const char *id)
{
	for (size_t i = 0; i < pg->ncards; i++)
		if (strcmp(pg->cards[i].id, id) == 0)
			return &pg->cards[i];
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
	const named *m = content_find_named(c->messages, c->nmessages, name);

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
	const named *m = content_find_named(c->pictures, c->npictures, picture);

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

char *content_fill_text(const char *t, const char *const *kv)
{
	buf out = BUF_INIT;

	while (*t) {
		const char *open = strchr(t, '{'), *close = open ? strchr(open, '}') : NULL;
		const char *value = NULL;

		if (!close) {
			buf_puts(&out, t);
			break;
		}
		for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
			if (strlen(kv[i]) == (size_t)(close - open - 1) &&
			    strncmp(kv[i], open + 1, (size_t)(close - open - 1)) == 0)
				value = kv[i + 1];
		buf_append(&out, t, (size_t)(open - t));
		if (value)
			buf_puts(&out, value);
		else
			buf_append(&out, open, (size_t)(close - open + 1));
		t = close + 1;
	}
	return buf_detach(&out, NULL);
}

/* 1 when a blank of kv is filled with the number 1. */
static int fills_one(const char *const *kv)
{
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
		if (strcmp(kv[i + 1], "1") == 0)
			return 1;
	return 0;
}

char *content_fill(const content *c, const char *name, const char *const *kv)
{
	char one[128];
	const char *t = NULL;

	/* "Please wait 1 second", not "1 seconds": a "<name>-one" line, when there is one. */
	if (fills_one(kv) && snprintf(one, sizeof(one), "%s-one", name) < (int)sizeof(one))
		t = content_message(c, one);
	if (!t)
		t = content_message(c, name);
	return content_fill_text(t ? t : name, kv);
}
