#include "content_words.h"

#include "content_int.h"
#include "utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORM    128 /* a word or phrase of the list, in bytes (Bengali takes 3 a letter) */
#define MAX_ABBREV  12	/* capitals longer than this are shouting, not an abbreviation */
#define MAX_ABBREVS 32	/* abbreviations told apart in one text; more are not listed */

/* ---- the list: hard-words.txt ---- */

/* Is v a word or phrase the list can hold: letters (any script), '-' and '\'' in words, spaces
 * between? */
static int is_form(const char *v)
{
	size_t n;

	if (strlen(v) > MAX_FORM || !*v || !utf8_is_word_char(utf8_decode(v, &n)))
		return 0;
	for (const char *s = v; *s; s += n) {
		unsigned cp = utf8_decode(s, &n);

		if (!utf8_is_word_char(cp) && cp != ' ' && cp != '-' && cp != '\'')
			return 0;
	}
	return 1;
}

/* A lowercase copy of a word or phrase from the list, one space between its words. NULL
 * (reported) when it is not one. */
static char *list_form(parser *p, const char *v)
{
	char *out;
	size_t n = 0, len;

	if (!is_form(v)) {
		content_fail(p, "'%s' is not a word or phrase (letters, at most %d bytes)", v,
			     MAX_FORM);
		return NULL;
	}
	out = malloc(strlen(v) * 2 + 1); /* a small letter may take a byte more */
	if (!out) {
		content_fail(p, "out of memory");
		return NULL;
	}
	for (const char *s = v; *s; s += len) {
		unsigned cp = utf8_decode(s, &len);

		if (cp != ' ' || (n && out[n - 1] != ' '))
			n += utf8_encode(utf8_lower(cp), out + n);
	}
	out[n] = '\0';
	return out;
}

static int add_form(parser *p, content_hard_word *h, const char *v)
{
	char **forms;
	char *form = list_form(p, v);

	if (!form)
		return -1;
	forms = content_grow(h->forms, h->nforms, sizeof(*forms));
	if (!forms) {
		free(form);
		return content_fail(p, "out of memory");
	}
	h->forms = forms;
	forms[h->nforms++] = form;
	return 0;
}

/* Calls add for each comma-separated, trimmed part of v. */
static int each_listed(parser *p, char *v, void *ctx, int (*add)(parser *, void *, const char *))
{
	for (char *part = v; part;) {
		char *comma = strchr(part, ',');
		char *end;

		if (comma)
			*comma = '\0';
		while (*part == ' ')
			part++;
		end = part + strlen(part);
		while (end > part && end[-1] == ' ')
			*--end = '\0';
		if (!*part)
			return content_fail(p, "a list has an empty part between its commas");
		if (add(p, ctx, part))
			return -1;
		part = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int add_listed_form(parser *p, void *h, const char *v)
{
	return add_form(p, h, v);
}

static int add_everyday(parser *p, void *unused, const char *v)
{
	content *c = p->c;
	char **e;
	size_t len = strlen(v);

	(void)unused;
	for (const char *s = v; *s; s++)
		if (!isupper((unsigned char)*s))
			return content_fail(p, "an everyday abbreviation is written in capitals");
	if (len < 2 || len > MAX_ABBREV)
		return content_fail(p, "an everyday abbreviation has 2 to %d letters", MAX_ABBREV);
	e = content_grow(c->everyday, c->neveryday, sizeof(*e));
	if (!e)
		return content_fail(p, "out of memory");
	c->everyday = e;
	e[c->neveryday] = strdup(v);
	return e[c->neveryday++] ? 0 : content_fail(p, "out of memory");
}

static int new_word(parser *p, const char *v)
{
	content *c = p->c;
	content_hard_word *h = content_grow(c->hard, c->nhard, sizeof(*h));

	if (!h)
		return content_fail(p, "out of memory");
	c->hard = h;
	h = &c->hard[c->nhard++];
	memset(h, 0, sizeof(*h));
	h->line = p->line;
	return add_form(p, h, v);
}

static int set_text(parser *p, char **slot, const char *key, const char *v)
{
	if (*slot)
		return content_fail(p, "this word already has a '%s' line", key);
	if (content_check_easy_read(p, v))
		return -1;
	*slot = strdup(v);
	return *slot ? 0 : content_fail(p, "out of memory");
}

int content_hard_word_line(parser *p, char *line)
{
	content *c = p->c;
	content_hard_word *h = c->nhard ? &c->hard[c->nhard - 1] : NULL;
	char *key, *v;
	int rc = content_split_line(p, line, &key, &v);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (strcmp(key, "word") == 0)
		return new_word(p, v);
	if (strcmp(key, "everyday") == 0)
		return each_listed(p, v, NULL, add_everyday);
	if (strcmp(key, "forms") && strcmp(key, "means") && strcmp(key, "instead"))
		return content_fail(p, "'%s' is not a key of the hard-words list", key);
	if (!h)
		return content_fail(p, "'%s' must come after a 'word:' line", key);
	if (strcmp(key, "forms") == 0)
		return each_listed(p, v, h, add_listed_form);
	return set_text(p, key[0] == 'm' ? &h->means : &h->instead, key, v);
}

int content_hard_words_done(parser *p)
{
	const content *c = p->c;

	for (size_t i = 0; i < c->nhard; i++) {
		const content_hard_word *h = &c->hard[i];

		p->line = h->line;
		if (!h->means)
			return content_fail(p, "'%s' has no 'means' line", h->forms[0]);
		for (size_t f = 0; f < h->nforms; f++)
			for (size_t j = 0; j <= i; j++)
				for (size_t g = 0; g < (j == i ? f : c->hard[j].nforms); g++)
					if (strcmp(h->forms[f], c->hard[j].forms[g]) == 0)
						return content_fail(p, "'%s' is in the list twice",
								    h->forms[f]);
	}
	p->line = 0;
	return 0;
}

size_t content_hard_word_count(const content *c)
{
	return c->nhard;
}

const content_hard_word *content_hard_word_at(const content *c, size_t i)
{
	return i < c->nhard ? &c->hard[i] : NULL;
}

int content_is_everyday(const content *c, const char *word, size_t len)
{
	for (size_t i = 0; i < c->neveryday; i++)
		if (strlen(c->everyday[i]) == len && memcmp(c->everyday[i], word, len) == 0)
			return 1;
	return 0;
}

/* ---- finding words in a text ---- */

/* Is the character that ends just before text + at part of a word? */
static int word_before(const char *text, size_t at)
{
	size_t start = at, n;

	if (at == 0)
		return 0;
	while (start > 0 && ((unsigned char)text[start - 1] & 0xC0) == 0x80)
		start--;
	if (start > 0)
		start--;
	return utf8_is_word_char(utf8_decode(text + start, &n));
}

/* form (lowercase) at text + at, case aside, with no letter either side: its length in the
 * text, or 0. A space in the form stands for one or more spaces in the text. */
static size_t form_at(const char *text, size_t at, const char *form)
{
	const char *s = text + at;
	size_t n, m;

	if (((unsigned char)text[at] & 0xC0) == 0x80 || word_before(text, at))
		return 0;
	for (const char *f = form; *f; f += m) {
		unsigned want = utf8_decode(f, &m);

		if (want == ' ') {
			if (*s != ' ')
				return 0;
			while (*s == ' ')
				s++;
		} else if (!*s || utf8_lower(utf8_decode(s, &n)) != want) {
			return 0;
		} else {
			s += n;
		}
	}
	return *s && utf8_is_word_char(utf8_decode(s, &n)) ? 0 : (size_t)(s - (text + at));
}

/* The next use of any of h's forms from byte from: 1 with *at and *len (the longest form there),
 * or 0. */
static int next_use(const content_hard_word *h, const char *text, size_t from, size_t *at,
		    size_t *len)
{
	for (size_t i = from; text[i]; i++) {
		size_t best = 0;

		for (size_t f = 0; f < h->nforms; f++) {
			size_t n = form_at(text, i, h->forms[f]);

			if (n > best)
				best = n;
		}
		if (best) {
			*at = i;
			*len = best;
			return 1;
		}
	}
	return 0;
}

int content_hard_word_find(const content_hard_word *h, const char *text, size_t *at, size_t *len)
{
	return next_use(h, text, 0, at, len);
}

/* Is [at, at + len) of text inside a pair of bold stars? */
static int in_bold(const char *text, size_t at, size_t len)
{
	int open = 0;
	const char *s;

	for (s = strstr(text, "**"); s && (size_t)(s - text) < at; s = strstr(s + 2, "**"))
		open = !open;
	return open && s && (size_t)(s - text) >= at + len;
}

/* Does text show one of h's forms in bold? */
static int shown_in_bold(const content_hard_word *h, const char *text)
{
	size_t at = 0, len = 0;

	for (size_t from = 0; next_use(h, text, from, &at, &len); from = at + len)
		if (in_bold(text, at, len))
			return 1;
	return 0;
}

/* ---- the pages' rule: a hard word is explained on the page that uses it ---- */

int content_page_text(parser *p, const char *key, const char *text)
{
	static const char *const keys[] = {"title", "say", "ask", "hint", "option", "item", "card"};
	const content *c = p->c;
	int is_text = 0, is_say = strcmp(key, "say") == 0;
	size_t at, len;

	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		is_text |= strcmp(key, keys[k]) == 0;
	if (!is_text || !p->hard_seen)
		return 0;
	for (size_t i = 0; i < c->nhard; i++) {
		const content_hard_word *h = &c->hard[i];

		if (p->hard_seen[i] < 0 || !next_use(h, text, 0, &at, &len))
			continue;
		if (is_say && shown_in_bold(h, text))
			p->hard_seen[i] = -1;
		else if (is_say)
			return content_fail(
			    p,
			    "'%s' is a hard word (hard-words.txt): explain it in "
			    "the first say line that uses it, with the word in bold",
			    h->forms[0]);
		else if (!p->hard_seen[i])
			p->hard_seen[i] = p->line;
	}
	return 0;
}

int content_page_end(parser *p)
{
	const content *c = p->c;
	const content_page *pg = c->npages ? &c->pages[c->npages - 1] : NULL;
	int rc = 0;

	if (!p->hard_seen)
		return 0;
	for (size_t i = 0; i < c->nhard; i++) {
		if (!rc && p->in_page && pg && p->hard_seen[i] > 0) {
			p->line = p->hard_seen[i];
			rc =
			    content_fail(p,
					 "'%s' is a hard word (hard-words.txt): the page '%s' uses "
					 "it but does not explain it; add a say line with the word "
					 "in bold that says what it means",
					 c->hard[i].forms[0], pg->id);
		}
		p->hard_seen[i] = 0;
	}
	return rc;
}

/* ---- the rules for a text someone types ---- */

/* Is there an explanation in brackets just after [at, at + len), or is it itself in brackets
 * after the words it stands for ("occupational therapist (OT)")? */
static int explained_in_brackets(const char *text, size_t at, size_t len)
{
	const char *after = text + at + len;
	size_t before = at;

	while (*after == ' ')
		after++;
	while (before > 0 && text[before - 1] == ' ')
		before--;
	return *after == '(' || (before > 0 && text[before - 1] == '(' && *after == ')');
}

typedef struct findings {
	content_finding *out;
	size_t max;
	size_t n;
} findings;

static void add(findings *f, content_finding_kind kind, size_t at, size_t len)
{
	if (f->n < f->max) {
		memset(&f->out[f->n], 0, sizeof(f->out[f->n]));
		f->out[f->n].kind = kind;
		f->out[f->n].at = at;
		f->out[f->n].len = len;
	}
	f->n++;
}

static void long_sentences(findings *f, const char *text)
{
	size_t pos = 0, start = 0;
	int words;

	while ((words = content_sentence_next(text, &pos, &start)) >= 0)
		if (words > CONTENT_SENTENCE_MAX) {
			add(f, FINDING_LONG_SENTENCE, start, pos - start);
			if (f->n <= f->max)
				f->out[f->n - 1].words = words;
		}
}

static void hard_words(findings *f, const content *c, const char *text)
{
	for (size_t i = 0; i < c->nhard; i++) {
		size_t at = 0, len = 0;

		for (size_t from = 0; next_use(&c->hard[i], text, from, &at, &len); from = at + len)
			if (!explained_in_brackets(text, at, len)) {
				add(f, FINDING_HARD_WORD, at, len);
				if (f->n <= f->max)
					f->out[f->n - 1].hard = &c->hard[i];
				break;
			}
	}
}

/* The next abbreviation from *from that is not everyday and not explained in brackets: 1 with
 * *at and *len, and *from past it; 0 when there is none. */
static int next_abbreviation(const content *c, const char *text, size_t *from, size_t *at,
			     size_t *len)
{
	for (size_t i = *from; text[i];) {
		size_t start = i, caps = 0;

		while (isalnum((unsigned char)text[i]))
			caps += isupper((unsigned char)text[i++]) ? 1 : 0;
		if (i == start) {
			i++;
			continue;
		}
		if (caps != i - start || caps < 2 || caps > MAX_ABBREV ||
		    content_is_everyday(c, text + start, caps) ||
		    explained_in_brackets(text, start, caps))
			continue;
		*at = start;
		*len = caps;
		*from = i;
		return 1;
	}
	return 0;
}

int content_abbreviation_find(const content *c, const char *text, size_t *at, size_t *len)
{
	size_t from = 0;

	return next_abbreviation(c, text, &from, at, len);
}

static void abbreviations(findings *f, const content *c, const char *text)
{
	size_t seen[MAX_ABBREVS], nseen = 0, from = 0, at, len;

	while (nseen < MAX_ABBREVS && next_abbreviation(c, text, &from, &at, &len)) {
		int dup = 0;

		for (size_t k = 0; k < nseen; k++)
			dup |= strncmp(text + seen[k], text + at, len) == 0 &&
			       !isalnum((unsigned char)text[seen[k] + len]);
		if (dup)
			continue;
		seen[nseen++] = at;
		add(f, FINDING_ABBREVIATION, at, len);
	}
}

static int by_place(const void *a, const void *b)
{
	const content_finding *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return x->at < y->at ? -1 : x->at > y->at;
}

size_t content_words_check(const content *c, const char *text, content_finding *out, size_t max)
{
	findings f = {out, max, 0};

	long_sentences(&f, text);
	hard_words(&f, c, text);
	abbreviations(&f, c, text);
	qsort(out, f.n < max ? f.n : max, sizeof(*out), by_place);
	return f.n;
}
