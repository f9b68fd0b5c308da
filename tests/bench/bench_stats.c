/*
 * bench_stats.c - summaries of repeated measurements: median, p10, p90,
 * min, max. Pure, so that what the figures mean does not depend on I/O.
 */
#include "bench.h"

#include <stdlib.h>

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
bench_quantile(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (n == 0)
		return 0.0;
	if (q <= 0.0)
		return sorted[0];
	if (q >= 1.0)
		return sorted[n - 1];
	/* Linear between the two nearest ranks (type 7, as R and numpy do). */
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

void
bench_summarise(double *v, size_t n, struct bench_summary *out)
{
	out->n = n;
	if (n == 0) {
		out->median = out->p10 = out->p90 = out->min = out->max = 0.0;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	out->min = v[0];
	out->max = v[n - 1];
	out->median = bench_quantile(v, n, 0.5);
	out->p10 = bench_quantile(v, n, 0.1);
	out->p90 = bench_quantile(v, n, 0.9);
}

double
bench_latency_us(uint64_t *ns, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0.0;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	/* The nearest rank: a latency that was measured, not one in between. */
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return (double)ns[i < n ? i : n - 1] / 1000.0;
}
