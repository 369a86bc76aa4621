#include "voices.h"

#include "buf.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 1024

typedef struct saying {
	char *written;
	size_t written_len; /* bytes */
	char *spoken;
} saying;

struct voices {
	voice_profile *profiles;
	size_t nprofiles;
	saying *sayings; /* longest written form first, so "Care Act" wins over "Care" */
	size_t nsayings;
};

typedef struct loader {
	voices *v;
	char path[4096];
	int line;
	char *err;
	size_t errlen;
} loader;

static int fail(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(loader *l, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (l->err)
		snprintf(l->err, l->errlen, "%s:%d: %s", l->path, l->line, reason);
	return -1;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		*--end = '\0';
	return s;
}

static int parse_number(loader *l, const char *v, int min, int max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < min || n > max)
		return fail(l, "this must be a whole number from %d to %d", min, max);
	*out = (int)n;
	return 0;
}

/* Words a minute as heard (pauses and all; tenths) for eSpeak settings, slowest first: the
 * en-gb female voice (pace 100) over the say paragraphs of easyread/en-GB's first pages, measured
 * with `planaloud-bench wpm --table`. eSpeak says rates 80 to 85 alike and will not go below 80,
 * so slower speech adds a pause after every word (gap; the first unit adds more than the others);
 * from 131 words a minute up the pauses are eSpeak's own. */
static const struct pace_point {
	int rate, gap, tenths;
} paces[] = {
    {80, 6, 792},   {80, 5, 825},   {80, 4, 860},   {80, 3, 897},   {80, 2, 936},   {80, 1, 977},
    {86, 1, 998},   {90, 1, 1043},  {100, 1, 1160}, {110, 1, 1277}, {100, 0, 1319}, {110, 0, 1446},
    {120, 0, 1567}, {130, 0, 1710}, {140, 0, 1832}, {150, 0, 1948}, {160, 0, 2072}, {175, 0, 2267},
    {190, 0, 2446}, {200, 0, 2567}, {220, 0, 2813}, {250, 0, 3148}, {280, 0, 3532}, {300, 0, 3735},
};

void voices_espeak_rate(const voice_profile *p, int percent, int *rate, int *gap)
{
	size_t n = sizeof(paces) / sizeof(*paces), i = 0;
	/* what the table's voice would have to say for this one to be heard at the rate wanted */
	long want = (long)p->rate * percent * 10 / (p->pace > 0 ? p->pace : 100);
	const struct pace_point *a, *b;

	while (i + 1 < n && paces[i + 1].tenths <= want)
		i++;
	a = &paces[i];
	b = i + 1 < n ? &paces[i + 1] : a;
	if (b == a || want <= a->tenths) {
		*rate = a->rate;
		*gap = a->gap;
	} else if (a->gap == b->gap) { /* in between: as far along in rate */
		*rate = a->rate + (int)(((long)(b->rate - a->rate) * (want - a->tenths) +
					 (b->tenths - a->tenths) / 2) /
					(b->tenths - a->tenths));
		*gap = a->gap;
	} else { /* a gap is a whole unit: the nearer */
		const struct pace_point *c = want - a->tenths <= b->tenths - want ? a : b;

		*rate = c->rate;
		*gap = c->gap;
	}
}

static int profile_line(loader *l, const char *key, const char *v)
{
	voices *vs = l->v;
	voice_profile *p;
	char **slot;

	if (strcmp(key, "voice") == 0) {
		for (const char *s = v; *s; s++)
			if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
				return fail(l, "a voice's name may use only lowercase letters, "
					       "digits and '-'");
		if (voices_find(vs, v))
			return fail(l, "there is already a voice called '%s'", v);
		p = realloc(vs->profiles, (vs->nprofiles + 1) * sizeof(*p));
		if (!p)
			return fail(l, "out of memory");
		vs->profiles = p;
		p = &vs->profiles[vs->nprofiles++];
		memset(p, 0, sizeof(*p));
		p->rate = -1;
		p->pace = 100;
		p->pitch = -1;
		p->male = -1;
		p->name = strdup(v);
		return p->name ? 0 : fail(l, "out of memory");
	}
	if (vs->nprofiles == 0)
		return fail(l, "'%s' must come after a 'voice:' line", key);
	p = &vs->profiles[vs->nprofiles - 1];
	if (strcmp(key, "rate") == 0)
		return parse_number(l, v, VOICE_RATE_MIN, VOICE_RATE_MAX, &p->rate);
	if (strcmp(key, "pace") == 0)
		return parse_number(l, v, 80, 125, &p->pace);
	if (strcmp(key, "pitch") == 0)
		return parse_number(l, v, 0, 100, &p->pitch);
	if (strcmp(key, "gender") == 0) {
		if (strcmp(v, "female") && strcmp(v, "male"))
			return fail(l, "gender is 'female' or 'male'");
		p->male = strcmp(v, "male") == 0;
		return 0;
	}
	if (strcmp(key, "label") == 0)
		slot = &p->label;
	else if (strcmp(key, "language") == 0)
		slot = &p->language;
	else
		return fail(l, "'%s' is not a key a voice can have", key);
	if (*slot)
		return fail(l, "the voice already has a '%s' line", key);
	*slot = strdup(v);
	return *slot ? 0 : fail(l, "out of memory");
}

static int saying_line(loader *l, const char *written, const char *spoken)
{
	voices *vs = l->v;
	saying *s;

	for (size_t i = 0; i < vs->nsayings; i++)
		if (strcmp(vs->sayings[i].written, written) == 0)
			return fail(l, "'%s' is there twice", written);
	s = realloc(vs->sayings, (vs->nsayings + 1) * sizeof(*s));
	if (!s)
		return fail(l, "out of memory");
	vs->sayings = s;
	s = &vs->sayings[vs->nsayings++];
	s->written = strdup(written);
	s->written_len = strlen(written);
	s->spoken = strdup(spoken);
	return s->written && s->spoken ? 0 : fail(l, "out of memory");
}

typedef int (*line_fn)(loader *l, const char *key, const char *value);

static int load_file(loader *l, const char *dir, const char *name, line_fn fn)
{
	char line[MAX_LINE];
	FILE *f;
	int rc = -1;

	snprintf(l->path, sizeof(l->path), "%s/%s", dir, name);
	l->line = 0;
	f = fopen(l->path, "r");
	if (!f)
		return fail(l, "cannot open the file (%s)", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *s, *colon;

		l->line++;
		if (!strchr(line, '\n') && !feof(f)) {
			fail(l, "this line is longer than %d characters", MAX_LINE - 2);
			goto out;
		}
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		if (!utf8_valid(s, strlen(s))) {
			fail(l, "this line is not valid UTF-8 text");
			goto out;
		}
		colon = strchr(s, ':');
		if (!colon || colon == s) {
			fail(l, "a line must be 'key: value'");
			goto out;
		}
		*colon = '\0';
		if (!*trim(colon + 1)) {
			fail(l, "'%s' has nothing after the colon", trim(s));
			goto out;
		}
		if (fn(l, trim(s), trim(colon + 1)))
			goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static int longest_first(const void *a, const void *b)
{
	const saying *x = a, *y = b;

	return (x->written_len < y->written_len) - (x->written_len > y->written_len);
}

voices *voices_load(const char *dir, char *err, size_t errlen)
{
	loader l = {calloc(1, sizeof(voices)), "", 0, err, errlen};

	snprintf(l.path, sizeof(l.path), "%s", dir);
	if (!l.v) {
		fail(&l, "out of memory");
		return NULL;
	}
	if (load_file(&l, dir, "profiles.txt", profile_line))
		goto fail;
	l.line = 0;
	if (l.v->nprofiles == 0) {
		fail(&l, "there are no voices");
		goto fail;
	}
	for (size_t i = 0; i < l.v->nprofiles; i++) {
		const voice_profile *p = &l.v->profiles[i];

		if (!p->label || !p->language || p->rate < 0 || p->pitch < 0 || p->male < 0) {
			fail(&l, "the voice '%s' needs label, language, gender, rate and pitch",
			     p->name);
			goto fail;
		}
	}
	if (load_file(&l, dir, "pronunciations.txt", saying_line))
		goto fail;
	if (l.v->nsayings > 1) /* an empty list has no array: qsort(NULL, ...) is undefined */
		qsort(l.v->sayings, l.v->nsayings, sizeof(saying), longest_first);
	return l.v;
fail:
	voices_free(l.v);
	return NULL;
}

void voices_free(voices *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nprofiles; i++) {
		free(v->profiles[i].name);
		free(v->profiles[i].label);
		free(v->profiles[i].language);
	}
	free(v->profiles);
	for (size_t i = 0; i < v->nsayings; i++) {
		free(v->sayings[i].written);
		free(v->sayings[i].spoken);
	}
	free(v->sayings);
	free(v);
}

size_t voices_count(const voices *v)
{
	return v->nprofiles;
}

const voice_profile *voices_at(const voices *v, size_t i)
{
	return i < v->nprofiles ? &v->profiles[i] : NULL;
}

const voice_profile *voices_find(const voices *v, const char *name)
{
	for (size_t i = 0; i < v->nprofiles; i++)
		if (strcmp(v->profiles[i].name, name) == 0)
			return &v->profiles[i];
	return NULL;
}

/* ---- written text to spoken text ---- */

typedef struct builder {
	buf text;
	speech_span *spans;
	size_t nspans, cap;
	size_t spoken; /* characters of spoken text so far */
	int oom;
} builder;

static void add_span(builder *b, size_t spoken_len, size_t written, size_t written_len, int same)
{
	speech_span *last = b->nspans ? &b->spans[b->nspans - 1] : NULL;

	if (same && last && last->same && last->written + last->written_len == written &&
	    last->spoken + last->spoken_len == b->spoken) {
		last->spoken_len += spoken_len;
		last->written_len += written_len;
	} else {
		if (b->nspans == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 16;
			speech_span *s = realloc(b->spans, cap * sizeof(*s));

			if (!s) {
				b->oom = 1;
				return;
			}
			b->spans = s;
			b->cap = cap;
		}
		b->spans[b->nspans++] =
		    (speech_span){b->spoken, spoken_len, written, written_len, same};
	}
	b->spoken += spoken_len;
}

/* Emits `spoken` in place of `written_len` written characters starting at `written`. */
static void say_instead(builder *b, const char *spoken, size_t written, size_t written_len)
{
	if (buf_puts(&b->text, spoken))
		b->oom = 1;
	add_span(b, utf8_chars(spoken, strlen(spoken)), written, written_len, 0);
}

static int word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The template for n pounds: the -one form for 1, the -few form for 2-4, 22-24, ... (not 12-14)
 * where the language has one, else the plain form. */
static const char *template_for(const char *n, const char *plain, const char *one, const char *few)
{
	size_t len = strlen(n);
	char last = n[len - 1], tens = len > 1 ? n[len - 2] : '0';

	if (strcmp(n, "1") == 0 && one)
		return one;
	if (few && last >= '2' && last <= '4' && tens != '1')
		return few;
	return plain;
}

/* t with {pounds} and {pence} filled in, into say. */
static void fill_amount(const char *t, const char *pounds, const char *pence, char *say,
			size_t saylen)
{
	size_t used = 0;

	while (*t && used + 1 < saylen) {
		const char *with = NULL;
		size_t skip = 0;

		if (strncmp(t, "{pounds}", 8) == 0)
			with = pounds, skip = 8;
		else if (strncmp(t, "{pence}", 7) == 0)
			with = pence, skip = 7;
		if (with) {
			int n = snprintf(say + used, saylen - used, "%s", with);

			used += n > 0 ? (size_t)n : 0;
			if (used >= saylen)
				used = saylen - 1;
			t += skip;
		} else {
			say[used++] = *t++;
		}
	}
	say[used] = '\0';
}

/* "£1,250.50" at s: the byte length of the amount and how to say it in l; 0 when it is not
 * one. */
static size_t read_amount(const speech_lang *l, const char *s, char *say, size_t saylen)
{
	const char *p = s + 2; /* after £ */
	char pounds[32], pence_s[8];
	size_t n = 0;
	int pence = -1;
	const char *t;

	while ((isdigit((unsigned char)*p) || (*p == ',' && isdigit((unsigned char)p[1]))) &&
	       n < sizeof(pounds) - 1) {
		if (*p != ',')
			pounds[n++] = *p;
		p++;
	}
	if (n == 0)
		return 0;
	pounds[n] = '\0';
	if (p[0] == '.' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    !isdigit((unsigned char)p[3])) {
		pence = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
	}
	snprintf(pence_s, sizeof(pence_s), "%d", pence);
	if (l && pence > 0 && l->pounds_pence)
		t = template_for(pounds, l->pounds_pence, l->pounds_pence_one, l->pounds_pence_few);
	else if (l && pence <= 0 && l->pounds)
		t = template_for(pounds, l->pounds, l->pounds_one, l->pounds_few);
	else if (pence > 0)
		t = strcmp(pounds, "1") ? "{pounds} pounds {pence}" : "1 pound {pence}";
	else
		t = strcmp(pounds, "1") ? "{pounds} pounds" : "1 pound";
	fill_amount(t, pounds, pence_s, say, saylen);
	return (size_t)(p - s);
}

/* The pronunciation list is of English words: other languages' text is said as written. */
static int is_english(const speech_lang *l)
{
	return !l || !l->language || strncmp(l->language, "en", 2) == 0;
}

int voices_speech(const voices *v, const speech_lang *l, const char *written, speech *out)
{
	const int sayings = is_english(l);

	builder b = {BUF_INIT, NULL, 0, 0, 0, 0};
	size_t i = 0, len = strlen(written), chars = 0;

	memset(out, 0, sizeof(*out));
	while (i < len && !b.oom) {
		const unsigned char *u = (const unsigned char *)written + i;
		int at_word_start = i == 0 || !word_char((unsigned char)written[i - 1]);
		const saying *match = NULL;
		char amount[160];
		size_t n;

		if (u[0] == '*' &&
		    u[1] == '*') { /* bold marks: not shown as characters, not said */
			i += 2;
			continue;
		}
		if (u[0] == 0xC2 && u[1] == 0xA3 &&
		    (n = read_amount(l, written + i, amount, sizeof(amount)))) {
			size_t wchars = utf8_chars(written + i, n);

			say_instead(&b, amount, chars, wchars);
			i += n;
			chars += wchars;
			continue;
		}
		for (size_t k = 0; sayings && at_word_start && v && k < v->nsayings && !match;
		     k++) {
			const saying *sy = &v->sayings[k];

			if (sy->written_len <= len - i &&
			    memcmp(written + i, sy->written, sy->written_len) == 0 &&
			    !word_char((unsigned char)written[i + sy->written_len]))
				match = sy;
		}
		if (match) {
			size_t wchars = utf8_chars(match->written, match->written_len);

			say_instead(&b, match->spoken, chars, wchars);
			i += match->written_len;
			chars += wchars;
			continue;
		}
		/* One character as it is. */
		n = 1;
		while (i + n < len && (written[i + n] & 0xC0) == 0x80)
			n++;
		if (buf_append(&b.text, written + i, n))
			b.oom = 1;
		add_span(&b, 1, chars, 1, 1);
		i += n;
		chars++;
	}
	if (b.oom) {
		buf_release(&b.text);
		free(b.spans);
		return -1;
	}
	out->text = buf_detach(&b.text, NULL);
	out->spans = b.spans;
	out->nspans = b.nspans;
	return out->text ? 0 : -1;
}

void speech_release(speech *s)
{
	free(s->text);
	free(s->spans);
	memset(s, 0, sizeof(*s));
}

/* The written position of one spoken character; `end` picks the end of a replaced stretch. */
static size_t map_one(const speech *s, size_t spoken, int end)
{
	for (size_t i = 0; i < s->nspans; i++) {
		const speech_span *sp = &s->spans[i];

		if (sp->spoken_len == 0 || spoken < sp->spoken ||
		    spoken >= sp->spoken + sp->spoken_len)
			continue;
		if (sp->same)
			return sp->written + (spoken - sp->spoken) + (end ? 1 : 0);
		return end ? sp->written + sp->written_len : sp->written;
	}
	/* Past the end: the end of the written text. */
	if (s->nspans) {
		const speech_span *last = &s->spans[s->nspans - 1];

		return last->written + last->written_len;
	}
	return 0;
}

void speech_to_written(const speech *s, size_t spoken, size_t len, size_t *written,
		       size_t *written_len)
{
	size_t start = map_one(s, spoken, 0);
	size_t end = len ? map_one(s, spoken + len - 1, 1) : start;

	*written = start;
	*written_len = end > start ? end - start : 0;
}
