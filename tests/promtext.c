/* promtext: a strict reader of Prometheus's text format, for tests. */
#include "promtext.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FAMILIES 128
#define NAME_LEN     128
#define LINE_LEN     4096

typedef struct family {
	char name[NAME_LEN];
	char type[16];
	int has_help, done; /* done: another family has come since */
} family;

typedef struct reader {
	family fam[MAX_FAMILIES];
	int n;
	int current; /* the family of the last line, or -1 */
	/* the histogram being read: its last bucket's bound and count */
	double last_le, last_bucket;
	int buckets, saw_inf, saw_sum;
	double inf_count;
} reader;

static int fail(char *err, size_t errlen, int line, const char *why, const char *text)
{
	snprintf(err, errlen, "line %d: %s: %.200s", line, why, text);
	return -1;
}

static int name_ok(const char *s, size_t len)
{
	if (!len || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return 0;
	return 1;
}

static int find(reader *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->fam[i].name, name) == 0)
			return i;
	return -1;
}

/* A value: a float, or +Inf, -Inf, NaN. 0, or -1. */
static int value_parse(const char *s, double *v)
{
	char *end;

	if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0 || strcmp(s, "NaN") == 0) {
		*v = strcmp(s, "NaN") == 0 ? NAN : s[0] == '+' ? INFINITY : -INFINITY;
		return 0;
	}
	if (!*s || isspace((unsigned char)*s))
		return -1;
	*v = strtod(s, &end);
	return *end ? -1 : 0;
}

/* The labels between { and }: name="value" pairs, comma-separated, values escaped with \\, \"
 * and \n only. *le gets the le label's value (or "" when none). Returns the length read up to
 * and including '}', or -1. */
static int labels_parse(const char *s, char *le, size_t lelen)
{
	const char *p = s + 1;

	le[0] = '\0';
	if (*p == '}')
		return 2;
	for (;;) {
		const char *n = p;
		char value[256];
		size_t vn = 0;

		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (p == n || isdigit((unsigned char)*n) || p[0] != '=' || p[1] != '"')
			return -1;
		p += 2;
		while (*p && *p != '"') {
			if (*p == '\\') {
				if (p[1] != '\\' && p[1] != '"' && p[1] != 'n')
					return -1;
				p++;
			}
			if (vn + 1 < sizeof(value))
				value[vn++] = *p;
			p++;
		}
		if (*p != '"')
			return -1;
		value[vn] = '\0';
		if (p - n > 4 && strncmp(n, "le=", 3) == 0)
			snprintf(le, lelen, "%.60s", value);
		p++;
		if (*p == '}')
			return (int)(p - s) + 1;
		if (*p != ',')
			return -1;
		p++;
	}
}

/* Ends the histogram being read (if any): its +Inf bucket must equal its count. */
static int histogram_end(reader *r, char *err, size_t errlen, int line)
{
	if (r->current < 0 || strcmp(r->fam[r->current].type, "histogram") != 0)
		return 0;
	if (!r->saw_inf || !r->saw_sum)
		return fail(err, errlen, line, "a histogram without its +Inf bucket or _sum",
			    r->fam[r->current].name);
	return 0;
}

static int comment(reader *r, const char *l, int line, char *err, size_t errlen)
{
	char kind[8], name[NAME_LEN], rest[LINE_LEN] = "";
	int i;

	if (sscanf(l, "# %7s %127s %4095[^\n]", kind, name, rest) < 2 ||
	    (strcmp(kind, "HELP") && strcmp(kind, "TYPE")))
		return 0; /* another comment */
	if (!name_ok(name, strlen(name)))
		return fail(err, errlen, line, "a bad metric name", l);
	i = find(r, name);
	if (i < 0) {
		if (r->n == MAX_FAMILIES)
			return fail(err, errlen, line, "too many families", l);
		if (histogram_end(r, err, errlen, line))
			return -1;
		if (r->current >= 0)
			r->fam[r->current].done = 1;
		i = r->n++;
		memset(&r->fam[i], 0, sizeof(r->fam[i]));
		snprintf(r->fam[i].name, NAME_LEN, "%s", name);
		r->current = i;
		r->buckets = r->saw_inf = r->saw_sum = 0;
	} else if (i != r->current || r->fam[i].done) {
		return fail(err, errlen, line, "a family written in two places", l);
	}
	if (strcmp(kind, "HELP") == 0) {
		if (r->fam[i].has_help++)
			return fail(err, errlen, line, "HELP twice", l);
		return 0;
	}
	if (r->fam[i].type[0])
		return fail(err, errlen, line, "TYPE twice", l);
	if (strcmp(rest, "counter") && strcmp(rest, "gauge") && strcmp(rest, "histogram") &&
	    strcmp(rest, "summary") && strcmp(rest, "untyped"))
		return fail(err, errlen, line, "an unknown TYPE", l);
	if (strcmp(rest, "counter") == 0 &&
	    (strlen(name) < 6 || strcmp(name + strlen(name) - 6, "_total") != 0))
		return fail(err, errlen, line, "a counter not named _total", l);
	snprintf(r->fam[i].type, sizeof(r->fam[i].type), "%s", rest);
	return 0;
}

/* A histogram's sample: buckets ascending and cumulative, then _sum and _count. */
static int histogram_sample(reader *r, const char *suffix, const char *le, double v, int line,
			    const char *l, char *err, size_t errlen)
{
	double bound;

	if (strcmp(suffix, "_bucket") == 0) {
		if (!le[0] || value_parse(le, &bound) || r->saw_inf)
			return fail(err, errlen, line, "a bucket without a good le", l);
		if (r->buckets && (bound <= r->last_le || v < r->last_bucket))
			return fail(err, errlen, line, "buckets not ascending and cumulative", l);
		r->buckets++;
		r->last_le = bound;
		r->last_bucket = v;
		if (isinf(bound)) {
			r->saw_inf = 1;
			r->inf_count = v;
		}
		return 0;
	}
	if (strcmp(suffix, "_sum") == 0) {
		r->saw_sum = 1;
		return 0;
	}
	if (strcmp(suffix, "_count") == 0) {
		if (!r->saw_inf || v != r->inf_count)
			return fail(err, errlen, line, "_count is not the +Inf bucket", l);
		return 0;
	}
	return fail(err, errlen, line, "not a histogram's sample", l);
}

static int sample(reader *r, const char *l, int line, char *err, size_t errlen)
{
	size_t nl = strcspn(l, "{ ");
	char name[NAME_LEN], le[64] = "";
	const char *p = l + nl, *suffix = "";
	double v;
	int n, at;
	family *f;

	if (nl >= NAME_LEN || !name_ok(l, nl))
		return fail(err, errlen, line, "a bad sample name", l);
	memcpy(name, l, nl);
	name[nl] = '\0';
	if (*p == '{') {
		if ((n = labels_parse(p, le, sizeof(le))) < 0)
			return fail(err, errlen, line, "bad labels", l);
		p += n;
	}
	if (*p != ' ' || value_parse(p + 1, &v))
		return fail(err, errlen, line, "a bad value", l);
	at = r->current;
	if (at < 0)
		return fail(err, errlen, line, "a sample before any TYPE", l);
	f = &r->fam[at];
	if (strcmp(f->type, "histogram") == 0) {
		size_t fl = strlen(f->name);

		if (strncmp(name, f->name, fl) != 0)
			return fail(err, errlen, line, "a sample of another family", l);
		suffix = name + fl;
		return histogram_sample(r, suffix, le, v, line, l, err, errlen);
	}
	if (!f->type[0] || strcmp(name, f->name) != 0)
		return fail(err, errlen, line, "a sample without its family's TYPE", l);
	if (strcmp(f->type, "counter") == 0 && !(v >= 0))
		return fail(err, errlen, line, "a counter below zero", l);
	return 0;
}

int promtext_check(const char *text, char *err, size_t errlen)
{
	static reader r;
	char l[LINE_LEN];
	int line = 0;

	memset(&r, 0, sizeof(r));
	r.current = -1;
	if (!*text || text[strlen(text) - 1] != '\n')
		return fail(err, errlen, 0, "the text must end with a newline", "");
	while (*text) {
		size_t len = strcspn(text, "\n");

		line++;
		if (len >= sizeof(l))
			return fail(err, errlen, line, "a line too long", "");
		memcpy(l, text, len);
		l[len] = '\0';
		text += len + 1;
		if (!len)
			return fail(err, errlen, line, "an empty line", "");
		if (l[0] == '#' ? comment(&r, l, line, err, errlen)
				: sample(&r, l, line, err, errlen))
			return -1;
	}
	return histogram_end(&r, err, errlen, line);
}

double promtext_value(const char *text, const char *name, const char *labels)
{
	char want[512];
	const char *p = text;
	size_t wl;

	if (labels && *labels)
		snprintf(want, sizeof(want), "%s{%s} ", name, labels);
	else
		snprintf(want, sizeof(want), "%s ", name);
	wl = strlen(want);
	while (p && *p) {
		if (strncmp(p, want, wl) == 0)
			return strtod(p + wl, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}
