/* metrics: where each metric lives, and writing them all out in Prometheus's text format. */
#include "metrics.h"

#include "buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct series {
	const char *name, *labels, *help;
	metrics_type type;
	const unsigned long long *counter;
	const long long *gauge;
	const metrics_histogram *hist;
	metrics_read_fn fn;
	void *ctx;
} series;

struct metrics {
	series *all;
	size_t n, cap;
};

struct metrics_out {
	buf *out;
	const char *name;
	int failed;
};

void metrics_histogram_init(metrics_histogram *h, const double *bounds, size_t nbounds)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->nbounds = nbounds < METRICS_BUCKETS_MAX ? nbounds : METRICS_BUCKETS_MAX;
}

void metrics_observe(metrics_histogram *h, double value)
{
	size_t i = 0;

	while (i < h->nbounds && value > h->bounds[i])
		i++;
	h->counts[i]++;
	h->count++;
	h->sum += value;
}

metrics *metrics_new(void)
{
	return calloc(1, sizeof(metrics));
}

void metrics_free(metrics *m)
{
	if (!m)
		return;
	free(m->all);
	free(m);
}

static int add(metrics *m, series s)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		series *all = realloc(m->all, cap * sizeof(*all));

		if (!all)
			return -1;
		m->all = all;
		m->cap = cap;
	}
	m->all[m->n++] = s;
	return 0;
}

int metrics_counter(metrics *m, const char *name, const char *labels, const char *help,
		    const unsigned long long *value)
{
	return add(m, (series){.name = name,
			       .labels = labels,
			       .help = help,
			       .type = METRICS_COUNTER,
			       .counter = value});
}

int metrics_gauge(metrics *m, const char *name, const char *labels, const char *help,
		  const long long *value)
{
	return add(m, (series){.name = name,
			       .labels = labels,
			       .help = help,
			       .type = METRICS_GAUGE,
			       .gauge = value});
}

int metrics_histogram_add(metrics *m, const char *name, const char *labels, const char *help,
			  const metrics_histogram *h)
{
	return add(m, (series){.name = name,
			       .labels = labels,
			       .help = help,
			       .type = METRICS_HISTOGRAM,
			       .hist = h});
}

int metrics_reader(metrics *m, const char *name, metrics_type type, const char *help,
		   metrics_read_fn fn, void *ctx)
{
	return add(m, (series){.name = name, .help = help, .type = type, .fn = fn, .ctx = ctx});
}

/* A sample's value as the format writes it: integers whole, NaN and infinities by name. */
static int put_value(buf *b, double v)
{
	if (isnan(v))
		return buf_puts(b, "NaN");
	if (isinf(v))
		return buf_puts(b, v > 0 ? "+Inf" : "-Inf");
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return buf_printf(b, "%.0f", v);
	return buf_printf(b, "%.9g", v);
}

/* name{labels,extra} value */
static int put_sample(buf *b, const char *name, const char *suffix, const char *labels,
		      const char *extra, double v)
{
	int has = labels && *labels, more = extra && *extra;

	if (buf_printf(b, "%s%s", name, suffix) ||
	    ((has || more) && buf_printf(b, "{%s%s%s}", has ? labels : "", has && more ? "," : "",
					 more ? extra : "")) ||
	    buf_puts(b, " ") || put_value(b, v))
		return -1;
	return buf_puts(b, "\n");
}

int metrics_put(metrics_out *o, const char *labels, double value)
{
	if (put_sample(o->out, o->name, "", labels, NULL, value)) {
		o->failed = 1;
		return -1;
	}
	return 0;
}

static int put_histogram(buf *b, const series *s)
{
	const metrics_histogram *h = s->hist;
	unsigned long long below = 0;
	char le[48];

	for (size_t i = 0; i <= h->nbounds; i++) {
		below += h->counts[i];
		if (i < h->nbounds)
			snprintf(le, sizeof(le), "le=\"%g\"", h->bounds[i]);
		else
			snprintf(le, sizeof(le), "le=\"+Inf\"");
		if (put_sample(b, s->name, "_bucket", s->labels, le, (double)below))
			return -1;
	}
	if (put_sample(b, s->name, "_sum", s->labels, NULL, h->sum) ||
	    put_sample(b, s->name, "_count", s->labels, NULL, (double)h->count))
		return -1;
	return 0;
}

static const char *type_name(metrics_type t)
{
	return t == METRICS_COUNTER ? "counter" : t == METRICS_GAUGE ? "gauge" : "histogram";
}

static int put_series(buf *b, const series *s)
{
	metrics_out o = {b, s->name, 0};

	if (s->fn) {
		if (s->fn(s->ctx, &o) && !o.failed)
			return buf_printf(b, "# %s could not be read\n", s->name);
		return o.failed ? -1 : 0;
	}
	if (s->hist)
		return put_histogram(b, s);
	return put_sample(b, s->name, "", s->labels, NULL,
			  s->counter ? (double)*s->counter : (double)*s->gauge);
}

int metrics_render(metrics *m, buf *out)
{
	for (size_t i = 0; i < m->n; i++) {
		const series *s = &m->all[i];
		size_t j;

		for (j = 0; j < i && strcmp(m->all[j].name, s->name) != 0; j++)
			;
		if (j < i) /* written with the first of its name */
			continue;
		if (buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", s->name, s->help, s->name,
			       type_name(s->type)))
			return -1;
		for (j = i; j < m->n; j++)
			if (strcmp(m->all[j].name, s->name) == 0 && put_series(out, &m->all[j]))
				return -1;
	}
	return 0;
}
