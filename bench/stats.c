/* stats: latency samples, exact percentiles, and the lines that print them and the targets. */
#include "bench.h"

#include <stdlib.h>

int samples_add(samples *sm, uint64_t v)
{
	if (sm->n == sm->cap) {
		size_t cap = sm->cap ? sm->cap * 2 : 65536;
		uint64_t *nv = realloc(sm->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		sm->v = nv;
		sm->cap = cap;
	}
	sm->v[sm->n++] = v;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

double percentile_ms(const samples *sm, double p)
{
	size_t rank;

	if (!sm->n)
		return 0;
	rank = (size_t)((p / 100.0) * (double)sm->n + 0.999999999);
	if (rank < 1)
		rank = 1;
	if (rank > sm->n)
		rank = sm->n;
	return (double)sm->v[rank - 1] / (double)NS_PER_MS;
}

size_t count_over(const samples *sm, uint64_t limit)
{
	size_t lo = 0, hi = sm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sm->v[mid] <= limit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return sm->n - lo;
}

void samples_sort(samples *sm)
{
	qsort(sm->v, sm->n, sizeof(*sm->v), cmp_u64);
}

double max_ms(const samples *sm)
{
	return sm->n ? (double)sm->v[sm->n - 1] / (double)NS_PER_MS : 0.0;
}

void print_dist(const char *what, samples *sm)
{
	samples_sort(sm);
	printf("  %-34s median %7.2f  p95 %7.2f  max %7.2f ms  (%zu)\n", what,
	       percentile_ms(sm, 50), percentile_ms(sm, 95), max_ms(sm), sm->n);
}

void print_count(const char *what, samples *sm, unsigned div, const char *unit)
{
	samples_sort(sm);
	if (!sm->n)
		return;
	printf("  %-34s median %7.1f  min %7.1f  max %7.1f%s\n", what,
	       (double)sm->v[(sm->n - 1) / 2] / div, (double)sm->v[0] / div,
	       (double)sm->v[sm->n - 1] / div, unit);
}

void print_target(const char *what, int applies, int pass, const char *detail)
{
	printf("  %-44s %s %s\n", what, !applies ? "n/a " : pass ? "PASS" : "MISS", detail);
}
