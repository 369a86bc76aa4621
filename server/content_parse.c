#include "content_int.h"

#include "content_words.h"

#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE  4096
#define MAX_LIMIT 10000

int content_fail(parser *p, const char *fmt, ...)
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

void *content_grow(void *arr, size_t n, size_t size)
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

/* Marks that end a sentence in the scripts the content is written in, besides . ! ?: the
 * Arabic question mark (U+061F), the Urdu full stop (U+06D4) and the danda (U+0964, Bengali and
 * Gurmukhi). */
static const char *const sentence_ends[] = {"\xD8\x9F", "\xDB\x94", "\xE0\xA5\xA4"};

/* A non-ASCII character that is punctuation, not part of a word: dashes, quotes, ellipsis,
 * bullets (U+2000 to U+206F), the pound sign on its own, the angle quotes « and », the Arabic
 * comma (U+060C) and the sentence ends above. Sets *n to its length in bytes. */
static int is_symbol(const unsigned char *s, size_t *n)
{
	if (s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81) && s[2]) {
		*n = 3;
		return 1;
	}
	if ((s[0] == 0xC2 && (s[1] == 0xA3 || s[1] == 0xAB || s[1] == 0xBB)) ||
	    (s[0] == 0xD8 && s[1] == 0x8C)) {
		*n = 2;
		return 1;
	}
	for (size_t i = 0; i < sizeof(sentence_ends) / sizeof(*sentence_ends); i++) {
		size_t len = strlen(sentence_ends[i]);

		if (strncmp((const char *)s, sentence_ends[i], len) == 0) { /* stops at the NUL */
			*n = len;
			return 1;
		}
	}
	*n = 1;
	return 0;
}

static int ends_with(const char *word, size_t len, const char *mark)
{
	size_t n = strlen(mark);

	return len >= n && memcmp(word + len - n, mark, n) == 0;
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
		} else if (len >= 2 && (unsigned char)word[len - 2] == 0xC2 && ch == 0xBB) { /* » */
			len -= 2;
		} else {
			for (size_t i = 0; i < sizeof(sentence_ends) / sizeof(*sentence_ends); i++)
				if (ends_with(word, len, sentence_ends[i]))
					return 1;
			return ch == '.' || ch == '!' || ch == '?';
		}
	}
	return 0;
}

int content_sentence_next(const char *text, size_t *pos, size_t *start)
{
	const char *s = text + *pos;
	int words = 0, any = 0;

	while (*s) {
		const char *word;
		int is_word = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		word = s;
		if (!any) {
			*start = (size_t)(s - text);
			any = 1;
		}
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
		if (ends_sentence(word, (size_t)(s - word)))
			break;
	}
	*pos = (size_t)(s - text);
	return any ? words : -1;
}

int content_longest_sentence(const char *text)
{
	size_t pos = 0, start;
	int longest = 0, words;

	while ((words = content_sentence_next(text, &pos, &start)) >= 0)
		if (words > longest)
			longest = words;
	return longest;
}

int content_check_easy_read(parser *p, const char *text)
{
	int n = content_longest_sentence(text);
	int stars = 0;
	size_t at, len;

	if (n > CONTENT_SENTENCE_MAX)
		return content_fail(p, "this sentence has %d words; easy read allows %d or fewer",
				    n, CONTENT_SENTENCE_MAX);
	for (const char *s = strstr(text, "**"); s; s = strstr(s + 2, "**"))
		stars++;
	if (stars % 2)
		return content_fail(p, "the stars for bold do not come in pairs");
	if (content_abbreviation_find(p->c, text, &at, &len))
		return content_fail(p,
				    "'%.*s' is an abbreviation: write it in full, or explain it in "
				    "brackets after it (or list it as everyday in hard-words.txt)",
				    (int)len, text + at);
	return 0;
}

static content_page *current_page(parser *p)
{
	return p->c->npages ? &p->c->pages[p->c->npages - 1] : NULL;
}

static int parse_kind(const char *v, page_kind *kind)
{
	for (int k = 0; k < KIND_COUNT; k++)
		if (strcmp(v, page_kind_name((page_kind)k)) == 0) {
			*kind = (page_kind)k;
			return 0;
		}
	return -1;
}

static int set_once(parser *p, char **slot, const char *key, const char *value)
{
	if (*slot)
		return content_fail(p, "the page already has a '%s' line", key);
	*slot = strdup(value);
	return *slot ? 0 : content_fail(p, "out of memory");
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
		return content_fail(p,
				    "write an option as 'option: value | The words on the button'");
	if (!is_name(parts[0], NULL))
		return content_fail(p, "an option's value may use only lowercase letters, digits "
				       "and '-' (at most 48)");
	for (size_t i = 0; i < pg->noptions; i++)
		if (strcmp(pg->options[i].value, parts[0]) == 0)
			return content_fail(p, "the option '%s' is there twice", parts[0]);
	if (content_check_easy_read(p, parts[1]) || content_page_text(p, "option", parts[1]))
		return -1;
	o = content_grow(pg->options, pg->noptions, sizeof(*o));
	if (!o)
		return content_fail(p, "out of memory");
	pg->options = o;
	o[pg->noptions].value = strdup(parts[0]);
	o[pg->noptions].text = strdup(parts[1]);
	pg->noptions++;
	return 0;
}

/* The number of words in text (runs of characters between spaces). */
static int word_count(const char *text)
{
	int n = 0;

	for (const char *s = text; *s; s++)
		if (*s != ' ' && (s == text || s[-1] == ' '))
			n++;
	return n;
}

/* "card: id | picture | Words": an answer the person can give by touching its picture. */
static int add_card(parser *p, content_page *pg, char *v)
{
	char *parts[4];
	content_card *k;

	if (split_bars(v, parts, 4) != 3 || !*parts[2])
		return content_fail(p, "write a card as 'card: name | picture | The words'");
	if (!is_name(parts[0], NULL))
		return content_fail(
		    p, "a card's name may use only lowercase letters, digits and '-' (at most 48)");
	if (!is_name(parts[1], NULL))
		return content_fail(p,
				    "a card's picture may use only lowercase letters, digits and "
				    "'-' (at most 48)");
	if (content_card_find(pg, parts[0]))
		return content_fail(p, "the card '%s' is there twice", parts[0]);
	if (pg->ncards == CONTENT_MAX_CARDS)
		return content_fail(p, "a page may have at most %d cards", CONTENT_MAX_CARDS);
	if (word_count(parts[2]) > CONTENT_CARD_WORDS)
		return content_fail(p, "the card '%s' has %d words; a card has %d or fewer",
				    parts[0], word_count(parts[2]), CONTENT_CARD_WORDS);
	if (content_check_easy_read(p, parts[2]) || content_page_text(p, "card", parts[2]))
		return -1;
	k = content_grow(pg->cards, pg->ncards, sizeof(*k));
	if (!k)
		return content_fail(p, "out of memory");
	pg->cards = k;
	k[pg->ncards].id = strdup(parts[0]);
	k[pg->ncards].picture = strdup(parts[1]);
	k[pg->ncards].text = strdup(parts[2]);
	k[pg->ncards].line = p->line;
	pg->ncards++;
	return 0;
}

static int add_field(parser *p, content_page *pg, char *v)
{
	static const char *const types[] = {"text", "long-text", "money", "date"};
	char *parts[4];
	content_field *f;
	int type = -1;

	if (split_bars(v, parts, 4) != 3 || !*parts[2])
		return content_fail(p, "write a list field as 'item: name | type | The label'");
	if (!is_name(parts[0], NULL))
		return content_fail(
		    p,
		    "a field's name may use only lowercase letters, digits and '-' (at most 48)");
	for (int t = 0; t < 4; t++)
		if (strcmp(parts[1], types[t]) == 0)
			type = t;
	if (type < 0)
		return content_fail(p, "a field's type is text, long-text, money or date, not '%s'",
				    parts[1]);
	for (size_t i = 0; i < pg->nfields; i++)
		if (strcmp(pg->fields[i].name, parts[0]) == 0)
			return content_fail(p, "the field '%s' is there twice", parts[0]);
	if (content_check_easy_read(p, parts[2]) || content_page_text(p, "item", parts[2]))
		return -1;
	f = content_grow(pg->fields, pg->nfields, sizeof(*f));
	if (!f)
		return content_fail(p, "out of memory");
	pg->fields = f;
	f[pg->nfields].name = strdup(parts[0]);
	f[pg->nfields].type = (field_type)type;
	f[pg->nfields].label = strdup(parts[2]);
	f[pg->nfields].limit =
	    type == FIELD_LONG_TEXT ? CONTENT_DEFAULT_LONG_TEXT_LIMIT : CONTENT_DEFAULT_TEXT_LIMIT;
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
		return content_fail(p, "write 'show-if: page = value' or 'show-if: page != value'");
	*op = '\0';
	name = trim(v);
	value = trim(op + (negate ? 2 : 1));
	if (!is_name(name, NULL) || !is_name(value, NULL))
		return content_fail(p, "write 'show-if: page = value' or 'show-if: page != value'");
	cd = content_grow(pg->conds, pg->nconds, sizeof(*cd));
	if (!cd)
		return content_fail(p, "out of memory");
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
		return content_fail(p, "a page must come after a 'part:' or 'group:' line");
	if (content_page_end(p))
		return -1;
	if (!is_name(id, NULL))
		return content_fail(
		    p, "a page's name may use only lowercase letters, digits and '-' (at most 48)");
	if (content_page_find(c, id, NULL))
		return content_fail(p, "there is already a page called '%s'", id);
	pg = content_grow(c->pages, c->npages, sizeof(*pg));
	if (!pg)
		return content_fail(p, "out of memory");
	c->pages = pg;
	pg = &c->pages[c->npages++];
	memset(pg, 0, sizeof(*pg));
	pg->kind = KIND_COUNT; /* not yet set */
	pg->part = p->part;
	pg->id = strdup(id);
	pg->file = strdup(p->path);
	pg->line = p->line;
	p->in_page = 1;
	return pg->id && pg->file ? 0 : content_fail(p, "out of memory");
}

static int page_line(parser *p, const char *key, char *v)
{
	content_page *pg = current_page(p);
	char **say;

	if (!pg || !p->in_page)
		return content_fail(p, "'%s' must come after a 'page:' line", key);
	if (strcmp(key, "kind") == 0) {
		if (pg->kind != KIND_COUNT)
			return content_fail(p, "the page already has a 'kind' line");
		if (parse_kind(v, &pg->kind))
			return content_fail(
			    p, "'%s' is not a kind of page (see docs/content-format.md)", v);
		return 0;
	}
	if (strcmp(key, "picture") == 0) {
		if (!is_name(v, NULL))
			return content_fail(p, "a picture's name may use only lowercase letters, "
					       "digits and '-' (at most 48)");
		pg->picture_line = p->line;
		return set_once(p, &pg->picture, key, v);
	}
	if (strcmp(key, "option") == 0)
		return add_option(p, pg, v);
	if (strcmp(key, "item") == 0)
		return add_field(p, pg, v);
	if (strcmp(key, "card") == 0)
		return add_card(p, pg, v);
	if (strcmp(key, "show-if") == 0)
		return add_cond(p, pg, v);
	if (strcmp(key, "total") == 0)
		return set_once(p, &pg->total, key, v);
	if (strcmp(key, "flag") == 0) {
		if (strcmp(v, "safeguarding") && strcmp(v, "advocacy"))
			return content_fail(p, "a flag is 'safeguarding' or 'advocacy'");
		return set_once(p, &pg->flag, key, v);
	}
	if (strcmp(key, "private") == 0) {
		if (strcmp(v, "yes"))
			return content_fail(p, "'private' is 'yes' (its answers are private)");
		if (pg->private_answers)
			return content_fail(p, "the page already has a 'private' line");
		pg->private_answers = 1;
		return 0;
	}
	if (strcmp(key, "offered") == 0) {
		if (strcmp(v, "managing"))
			return content_fail(
			    p, "'offered' is 'managing' (the ways the council offered)");
		return set_once(p, &pg->offered, key, v);
	}
	if (strcmp(key, "limit") == 0) {
		char *end;
		long n = strtol(v, &end, 10);

		if (*end || n < 1 || n > MAX_LIMIT)
			return content_fail(p, "a limit is a number of letters from 1 to %d",
					    MAX_LIMIT);
		pg->limit = (int)n;
		return 0;
	}
	/* The rest are text a person reads. */
	if (content_check_easy_read(p, v) || content_page_text(p, key, v))
		return -1;
	if (strcmp(key, "title") == 0)
		return set_once(p, &pg->title, key, v);
	if (strcmp(key, "ask") == 0)
		return set_once(p, &pg->ask, key, v);
	if (strcmp(key, "hint") == 0)
		return set_once(p, &pg->hint, key, v);
	if (strcmp(key, "say") == 0) {
		say = content_grow(pg->say, pg->nsay, sizeof(*say));
		if (!say)
			return content_fail(p, "out of memory");
		pg->say = say;
		say[pg->nsay] = strdup(v);
		pg->nsay++;
		return 0;
	}
	return content_fail(p, "'%s' is not a key a page can have (see docs/content-format.md)",
			    key);
}

int content_split_line(parser *p, char *line, char **key, char **value)
{
	char *colon;

	line = trim(line);
	if (!*line || *line == '#')
		return 1;
	if (!utf8_valid(line, strlen(line)))
		return content_fail(p, "this line is not valid UTF-8 text");
	colon = strchr(line, ':');
	if (!colon)
		return content_fail(p, "a line must be 'key: value'");
	*colon = '\0';
	*key = trim(line);
	*value = trim(colon + 1);
	if (!**value)
		return content_fail(p, "'%s' has nothing after the colon", *key);
	return 0;
}

int content_page_line(parser *p, char *line)
{
	char *key, *v;
	content *c = p->c;
	int rc = content_split_line(p, line, &key, &v);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (strcmp(key, "part") == 0 || strcmp(key, "group") == 0) {
		if (content_check_easy_read(p, v) || content_page_end(p))
			return -1;
		p->in_page = 0;
		if (key[0] == 'g') {
			p->part = -1;
			return 0;
		}
		char **parts = content_grow(c->parts, c->nparts, sizeof(*parts));

		if (!parts)
			return content_fail(p, "out of memory");
		c->parts = parts;
		parts[c->nparts] = strdup(v);
		p->part = (int)c->nparts++;
		return 0;
	}
	if (strcmp(key, "page") == 0)
		return start_page(p, v);
	return page_line(p, key, v);
}

int content_parse_file(parser *p, const char *path, content_line_fn fn)
{
	char line[MAX_LINE];
	FILE *f = fopen(path, "r");
	int rc = -1;

	p->path = path;
	p->line = 0;
	if (!f)
		return content_fail(p, "cannot open the file (%s)", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		p->line++;
		if (!strchr(line, '\n') && !feof(f)) {
			content_fail(p, "this line is longer than %d characters", MAX_LINE - 2);
			goto out;
		}
		if (fn(p, line))
			goto out;
	}
	if (ferror(f)) {
		content_fail(p, "reading failed");
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
	int rc = content_split_line(p, line, &name, &text);

	if (rc)
		return rc > 0 ? 0 : -1;
	if (!is_name(name, "._"))
		return content_fail(
		    p, "a %s name may use only lowercase letters, digits, '.', '_' and '-'", what);
	if (content_check_easy_read(p, text))
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i].name, name) == 0)
			return content_fail(p, "'%s' is there twice", name);
	a = content_grow(*arr, *n, sizeof(*a));
	if (!a)
		return content_fail(p, "out of memory");
	*arr = a;
	a[*n].name = strdup(name);
	a[*n].text = strdup(text);
	a[*n].line = p->line;
	(*n)++;
	return 0;
}

int content_message_line(parser *p, char *line)
{
	return add_named(p, &p->c->messages, &p->c->nmessages, line, "message");
}

int content_picture_line(parser *p, char *line)
{
	return add_named(p, &p->c->pictures, &p->c->npictures, line, "picture");
}

int content_word_line(parser *p, char *line)
{
	content *c = p->c;
	char **w;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	for (const char *s = line; *s; s++)
		if (!islower((unsigned char)*s))
			return content_fail(p, "a code word may use only the letters a to z");
	if (strlen(line) < 3 || strlen(line) > 8)
		return content_fail(p, "a code word has 3 to 8 letters");
	if (content_codeword_index(c, line, strlen(line)) >= 0)
		return content_fail(p, "'%s' is there twice", line);
	w = content_grow(c->words, c->nwords, sizeof(*w));
	if (!w)
		return content_fail(p, "out of memory");
	c->words = w;
	w[c->nwords++] = strdup(line);
	return 0;
}
