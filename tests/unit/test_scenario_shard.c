/*
 * test_scenario_shard.c - `run --shard I/N` (scn_shard.h): every case in
 * exactly one shard, the shards within the longest case of each other,
 * the same split every time, and I/N read with errors that say what to do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "scn_shard.h"

static void
test_parse(void **state)
{
	unsigned i = 99, n = 99;
	char err[256];

	(void)state;
	assert_int_equal(scn_shard_parse("1/1", &i, &n, err, sizeof(err)), 0);
	assert_int_equal(i, 0);
	assert_int_equal(n, 1);
	assert_int_equal(scn_shard_parse("3/4", &i, &n, err, sizeof(err)), 0);
	assert_int_equal(i, 2);
	assert_int_equal(n, 4);
	assert_int_equal(scn_shard_parse("1000/1000", &i, &n, err, sizeof(err)),
	    0);
}

static void
assert_refused(const char *text, const char *says)
{
	unsigned i, n;
	char err[256] = "";

	if (scn_shard_parse(text, &i, &n, err, sizeof(err)) != -1)
		fail_msg("'%s' was taken", text);
	if (strstr(err, says) == NULL)
		fail_msg("'%s': error '%s' does not say '%s'", text, err, says);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	assert_refused("2", "no '/'");
	assert_refused("", "no '/'");
	assert_refused("0/3", "count from 1");
	assert_refused("4/3", "from 1 to N (3)");
	assert_refused("1/0", "count N");
	assert_refused("1/", "count N");
	assert_refused("/3", "shard I");
	assert_refused("a/3", "shard I");
	assert_refused("1/3x", "count N");
	assert_refused("-1/3", "shard I");
	assert_refused("1/1001", "1 to 1000");
	assert_refused("1/99999999999999999999", "count N");
	assert_refused("1/ 3", "count N");
}

/* A deterministic spread of durations: a few long, many short, some equal. */
static uint64_t *
durations(size_t n, unsigned seed)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	uint64_t x = seed * 2654435761u + 1;
	size_t i;

	assert_non_null(ns);
	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		ns[i] = (x >> 33) % 7 == 0 ? (x >> 20) % 11000000000u
					   : (x >> 40) % 400000000u;
		if (i % 5 == 0)
			ns[i] = 300000000; /* ties */
	}
	return ns;
}

static void
check_split(size_t n, unsigned count, unsigned seed)
{
	uint64_t *ns = durations(n, seed), *load = calloc(count, 8),
		 longest = 0;
	uint64_t *sum = calloc(count, 8), hi = 0, lo = UINT64_MAX;
	unsigned *of = calloc(n > 0 ? n : 1, sizeof(*of));
	unsigned *again = calloc(n > 0 ? n : 1, sizeof(*again));
	size_t i, s, members;

	assert_non_null(load);
	assert_non_null(sum);
	assert_non_null(of);
	assert_non_null(again);
	assert_int_equal(scn_shard_assign(ns, n, count, of, load), 0);
	/* each case in exactly one shard: one shard number, in range */
	for (i = 0, members = 0; i < n; i++) {
		assert_true(of[i] < count);
		sum[of[i]] += ns[i];
		longest = ns[i] > longest ? ns[i] : longest;
	}
	for (s = 0; s < count; s++) {
		for (i = 0; i < n; i++)
			members += of[i] == s;
		assert_int_equal(sum[s], load[s]);
		hi = load[s] > hi ? load[s] : hi;
		lo = load[s] < lo ? load[s] : lo;
	}
	assert_int_equal(members, n);
	/* balanced within the longest case */
	assert_true(hi - lo <= longest);
	/* deterministic */
	assert_int_equal(scn_shard_assign(ns, n, count, again, NULL), 0);
	assert_memory_equal(of, again, n * sizeof(*of));
	free(ns);
	free(load);
	free(sum);
	free(of);
	free(again);
}

static void
test_every_case_once_balanced(void **state)
{
	static const size_t ns[] = { 0, 1, 2, 7, 354, 1000 };
	static const unsigned counts[] = { 1, 2, 3, 4, 16, 500 };
	size_t a, b;

	(void)state;
	for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (b = 0; b < sizeof(counts) / sizeof(counts[0]); b++)
			check_split(ns[a], counts[b], (unsigned)(a * 31 + b));
}

static void
test_longest_first_ties_in_order(void **state)
{
	/* 5 and 4 first onto shards 0 and 1; then 3 onto 1 (4 < 5); the
	 * equal 2s in input order: case 1 onto shard 0 (5 < 7), case 4
	 * onto 0 too (7 = 7: the lowest) */
	static const uint64_t ns[] = { 4, 2, 5, 3, 2 };
	static const unsigned want[] = { 1, 0, 0, 1, 0 };
	unsigned of[5];
	uint64_t load[2];

	(void)state;
	assert_int_equal(scn_shard_assign(ns, 5, 2, of, load), 0);
	assert_memory_equal(of, want, sizeof(want));
	assert_int_equal(load[0], 9);
	assert_int_equal(load[1], 7);
}

static void
test_more_shards_than_cases(void **state)
{
	static const uint64_t ns[] = { 1, 1 };
	unsigned of[2];
	uint64_t load[4];

	(void)state;
	assert_int_equal(scn_shard_assign(ns, 2, 4, of, load), 0);
	assert_int_equal(of[0], 0);
	assert_int_equal(of[1], 1);
	assert_int_equal(load[2], 0);
	assert_int_equal(load[3], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_every_case_once_balanced),
		cmocka_unit_test(test_longest_first_ties_in_order),
		cmocka_unit_test(test_more_shards_than_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
