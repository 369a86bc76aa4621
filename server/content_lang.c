/* content_lang: a content folder's language (language.txt), and whether a translation has the
 * same shape as the English it was made from: the same pages, choices, cards, fields, messages
 * and pictures, under the same names (docs/content-format.md, "Languages"). */
#include "content_int.h"

#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLANKS 16

static int language_line(parser *p, char *line)
{
	content *c = p->c;
	char *key, *v;
	char **slot = NULL;
	int rc = content_split_line(p, line, &key, &v);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (strcmp(key, "name") == 0)
		slot = &c->language_name;
	else if (strcmp(key, "english") == 0)
		slot = &c->language_english;
	else if (strcmp(key, "voice") == 0)
		slot = &c->voice;
	else if (strcmp(key, "direction") == 0) {
		if (strcmp(v, "ltr") && strcmp(v, "rtl"))
			return content_fail(p, "direction is ltr (left to right) or rtl");
		c->rtl = strcmp(v, "rtl") == 0;
		return 0;
	} else if (strcmp(key, "reviewed") == 0) {
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return content_fail(p, "reviewed is yes or no");
		c->reviewed = strcmp(v, "yes") == 0;
		return 0;
	} else {
		return content_fail(p, "'%s' is not a key of language.txt", key);
	}
	if (*slot)
		return content_fail(p, "'%s' is there twice", key);
	if (!(*slot = strdup(v)))
		return content_fail(p, "out of memory");
	return 0;
}

int content_language_read(parser *p, const char *dir)
{
	char path[PATH_LEN];
	const char *missing = NULL;

	if (path_join(path, sizeof(path), dir, "language.txt", p->err, p->errlen) ||
	    content_parse_file(p, path, language_line))
		return -1;
	if (!p->c->language_name)
		missing = "name";
	else if (!p->c->language_english)
		missing = "english";
	else if (!p->c->voice)
		missing = "voice";
	if (missing) {
		p->line = 0;
		return content_fail(p, "'%s' is missing", missing);
	}
	return 0;
}

const char *content_language_name(const content *c)
{
	return c->language_name;
}

const char *content_language_english(const content *c)
{
	return c->language_english;
}

const char *content_voice_language(const content *c)
{
	return c->voice;
}

int content_is_rtl(const content *c)
{
	return c->rtl;
}

int content_is_reviewed(const content *c)
{
	return c->reviewed;
}

int content_is_staff_message(const char *name)
{
	return strncmp(name, "staff.", 6) == 0 || strncmp(name, "alert.", 6) == 0;
}

/* ---- the same shape as English ---- */

static int differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* What is wrong with translated page t, made from English page e; NULL when nothing. */
static const char *page_differs(const content_page *e, const content_page *t)
{
	if (strcmp(e->id, t->id) || e->kind != t->kind)
		return "is not the page English has here";
	if (e->part != t->part)
		return "is in another part than in English";
	if (strcmp(e->picture, t->picture))
		return "has another picture than in English";
	if (differs(e->flag, t->flag) || e->private_answers != t->private_answers ||
	    differs(e->offered, t->offered) || differs(e->total, t->total) || e->limit != t->limit)
		return "has another flag, private, offered, total or limit line than in English";
	if ((e->ask == NULL) != (t->ask == NULL))
		return "has an ask line where English has none, or none where English has one";
	if (e->noptions != t->noptions || e->ncards != t->ncards || e->nfields != t->nfields ||
	    e->nconds != t->nconds)
		return "has a different number of options, cards, items or show-if lines than "
		       "English";
	for (size_t i = 0; i < e->noptions; i++)
		if (strcmp(e->options[i].value, t->options[i].value))
			return "has an option that English does not have (compare the values)";
	for (size_t i = 0; i < e->nfields; i++)
		if (strcmp(e->fields[i].name, t->fields[i].name) ||
		    e->fields[i].type != t->fields[i].type)
			return "has an item that is not as in English (its name or type)";
	for (size_t i = 0; i < e->nconds; i++)
		if (strcmp(e->conds[i].page, t->conds[i].page) ||
		    e->conds[i].negate != t->conds[i].negate ||
		    strcmp(e->conds[i].value, t->conds[i].value))
			return "has a show-if line that is not as in English";
	return NULL;
}

/* The cards of translated page t are English page e's, in the same order with the same pictures:
 * 0, or -1 at the first card that is not (a page may have many: its own line is named). */
static int cards_differ(parser *p, const content_page *e, const content_page *t)
{
	for (size_t i = 0; i < e->ncards; i++) {
		const content_card *ek = &e->cards[i], *tk = &t->cards[i];

		if (strcmp(ek->id, tk->id) == 0 && strcmp(ek->picture, tk->picture) == 0)
			continue;
		p->path = t->file;
		p->line = tk->line;
		return content_fail(p,
				    "the card '%s' of page '%s' is not as in English, where it is "
				    "'%s | %s' (its name and picture; %s:%d)",
				    tk->id, t->id, ek->id, ek->picture, e->file, ek->line);
	}
	return 0;
}

/* The {blanks} of text, sorted, as one string "{a}{b}" into out. 0, or -1 when text has more
 * blanks, or longer ones, than can be compared (no message needs so many). */
static int blanks_of(const char *text, char *out, size_t outlen)
{
	const char *found[MAX_BLANKS];
	size_t lens[MAX_BLANKS], n = 0, used = 0;

	for (const char *s = strchr(text, '{'); s; s = strchr(s + 1, '{')) {
		const char *end = strchr(s, '}');

		if (!end)
			break;
		if (n == MAX_BLANKS)
			return -1;
		size_t k = n++;

		for (; k > 0 && strncmp(found[k - 1], s, (size_t)(end - s) + 1) > 0; k--) {
			found[k] = found[k - 1];
			lens[k] = lens[k - 1];
		}
		found[k] = s;
		lens[k] = (size_t)(end - s) + 1;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (used + lens[i] >= outlen)
			return -1;
		memcpy(out + used, found[i], lens[i]);
		used += lens[i];
		out[used] = '\0';
	}
	return 0;
}

/* The English message a translated message name stands for: itself, or for "x-few" (a plural
 * form English has no need of) x itself or x's "-one" stem. */
static const named *english_of(const content *en, const char *name)
{
	const named *m = content_find_named(en->messages, en->nmessages, name);
	size_t len = strlen(name);
	char base[128];

	if (m || len < 5 || strcmp(name + len - 4, "-few") != 0 || len - 4 >= sizeof(base))
		return m;
	memcpy(base, name, len - 4);
	base[len - 4] = '\0';
	return content_find_named(en->messages, en->nmessages, base);
}

static int messages_differ(parser *p, const content *en, const content *tr)
{
	char a[256], b[256];

	for (size_t i = 0; i < tr->nmessages; i++) {
		const named *t = &tr->messages[i], *e;

		p->line = t->line;
		if (content_is_staff_message(t->name))
			return content_fail(p,
					    "'%s' is for the staff pages, which stay in English: "
					    "take it out",
					    t->name);
		if (!(e = english_of(en, t->name)))
			return content_fail(p, "English has no message '%s'", t->name);
		if (blanks_of(e->text, a, sizeof(a)) || blanks_of(t->text, b, sizeof(b)))
			return content_fail(p, "'%s' has more blanks than a message may have (%d)",
					    t->name, MAX_BLANKS);
		if (strcmp(a, b) != 0)
			return content_fail(p, "'%s' has the blanks %s; English has %s", t->name,
					    *b ? b : "none", *a ? a : "none");
	}
	p->line = 0;
	for (size_t i = 0; i < en->nmessages; i++)
		if (!content_is_staff_message(en->messages[i].name) &&
		    !content_find_named(tr->messages, tr->nmessages, en->messages[i].name))
			return content_fail(p, "the message '%s' is missing (English has it)",
					    en->messages[i].name);
	return 0;
}

static int pictures_differ(parser *p, const content *en, const content *tr)
{
	for (size_t i = 0; i < tr->npictures; i++) {
		p->line = tr->pictures[i].line;
		if (!content_find_named(en->pictures, en->npictures, tr->pictures[i].name))
			return content_fail(p, "English has no picture '%s'", tr->pictures[i].name);
	}
	p->line = 0;
	for (size_t i = 0; i < en->npictures; i++)
		if (!content_find_named(tr->pictures, tr->npictures, en->pictures[i].name))
			return content_fail(p, "the picture '%s' is not described (English has it)",
					    en->pictures[i].name);
	return 0;
}

int content_same_shape(const content *en, const content *tr, char *err, size_t errlen)
{
	parser p = {.err = err, .errlen = errlen, .path = tr->dir};
	char path[PATH_LEN];
	size_t n = en->npages < tr->npages ? en->npages : tr->npages;

	for (size_t i = 0; i < n; i++) {
		const char *why = page_differs(&en->pages[i], &tr->pages[i]);

		if (why) {
			p.path = tr->pages[i].file;
			p.line = tr->pages[i].line;
			return content_fail(&p, "page '%s' %s (English: %s:%d, page '%s')",
					    tr->pages[i].id, why, en->pages[i].file,
					    en->pages[i].line, en->pages[i].id);
		}
		if (cards_differ(&p, &en->pages[i], &tr->pages[i]))
			return -1;
	}
	if (en->npages != tr->npages)
		return content_fail(&p, "there are %zu pages; English has %zu", tr->npages,
				    en->npages);
	if (en->nparts != tr->nparts)
		return content_fail(&p, "there are %zu parts; English has %zu", tr->nparts,
				    en->nparts);
	if (path_join(path, sizeof(path), tr->dir, "messages.txt", err, errlen))
		return -1;
	p.path = path;
	if (messages_differ(&p, en, tr))
		return -1;
	if (path_join(path, sizeof(path), tr->dir, "pictures.txt", err, errlen))
		return -1;
	return pictures_differ(&p, en, tr);
}

const char *content_missing_staff_message(const content *c)
{
	return content_missing_required(c, 1);
}
