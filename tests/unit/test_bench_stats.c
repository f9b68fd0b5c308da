/*
 * test_bench_stats.c - the summaries lingerlab-bench prints: quantiles by
 * linear interpolation between ranks (numpy's default), on values worked
 * out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "bench.h"

#define EPS 1e-9

static void
test_quantile_interpolates(void **state)
{
	const double v[] = { 10, 20, 30, 40, 50 };

	(void)state;
	assert_float_equal(bench_quantile(v, 5, 0.0), 10.0, EPS);
	assert_float_equal(bench_quantile(v, 5, 0.5), 30.0, EPS);
	assert_float_equal(bench_quantile(v, 5, 1.0), 50.0, EPS);
	/* rank 0.1 * 4 = 0.4: 10 + 0.4 * (20 - 10) */
	assert_float_equal(bench_quantile(v, 5, 0.1), 14.0, EPS);
	/* rank 0.9 * 4 = 3.6: 40 + 0.6 * (50 - 40) */
	assert_float_equal(bench_quantile(v, 5, 0.9), 46.0, EPS);
}

static void
test_quantile_edges(void **state)
{
	const double one[] = { 7 };

	(void)state;
	assert_float_equal(bench_quantile(one, 0, 0.5), 0.0, EPS);
	assert_float_equal(bench_quantile(one, 1, 0.5), 7.0, EPS);
	assert_float_equal(bench_quantile(one, 1, 0.99), 7.0, EPS);
	assert_float_equal(bench_quantile(one, 1, -1.0), 7.0, EPS);
	assert_float_equal(bench_quantile(one, 1, 2.0), 7.0, EPS);
}

static void
test_summarise_sorts(void **state)
{
	double v[] = { 4, 1, 3, 2 };
	struct bench_summary s;

	(void)state;
	bench_summarise(v, 4, &s);
	assert_int_equal(s.n, 4);
	assert_float_equal(s.min, 1.0, EPS);
	assert_float_equal(s.max, 4.0, EPS);
	/* rank 1.5: between 2 and 3 */
	assert_float_equal(s.median, 2.5, EPS);
	/* rank 0.3: 1 + 0.3; rank 2.7: 3 + 0.7 */
	assert_float_equal(s.p10, 1.3, EPS);
	assert_float_equal(s.p90, 3.7, EPS);
	assert_float_equal(v[0], 1.0, EPS);
	assert_float_equal(v[3], 4.0, EPS);
}

static void
test_summarise_empty(void **state)
{
	struct bench_summary s;

	(void)state;
	bench_summarise(NULL, 0, &s);
	assert_int_equal(s.n, 0);
	assert_float_equal(s.median, 0.0, EPS);
}

static void
test_latency_nearest_rank(void **state)
{
	uint64_t ns[] = { 5000, 1000, 3000, 2000, 4000 };

	(void)state;
	/* Sorted: 1, 2, 3, 4, 5 us. Rank 0.5 * 4 = 2; 0.99 * 4 = 3.96, nearest 4. */
	assert_float_equal(bench_latency_us(ns, 5, 0.5), 3.0, EPS);
	assert_float_equal(bench_latency_us(ns, 5, 0.99), 5.0, EPS);
	assert_float_equal(bench_latency_us(ns, 5, 0.0), 1.0, EPS);
	/* rank 0.1 * 4 = 0.4: nearest is the first */
	assert_float_equal(bench_latency_us(ns, 5, 0.1), 1.0, EPS);
	assert_float_equal(bench_latency_us(ns, 0, 0.5), 0.0, EPS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile_interpolates),
		cmocka_unit_test(test_quantile_edges),
		cmocka_unit_test(test_summarise_sorts),
		cmocka_unit_test(test_summarise_empty),
		cmocka_unit_test(test_latency_nearest_rank),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
