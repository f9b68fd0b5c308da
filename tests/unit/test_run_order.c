/*
 * test_run_order.c - the schedule's pure parts: longest first with ties in
 * input order (scn_longest_first), and the default job count from the
 * cases' expected durations (run_auto_jobs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "run_order.h"
#include "scn_duration.h"

#define S(x) ((uint64_t)(x)*UINT64_C(1000000000))

static void
test_longest_first(void **state)
{
	const uint64_t ns[] = { S(1), S(11), S(3), S(11), S(0), S(3) };
	const size_t want[] = { 1, 3, 2, 5, 0, 4 };
	size_t order[6], i;

	(void)state;
	assert_int_equal(scn_longest_first(ns, 6, order), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(order[i], want[i]);
	assert_int_equal(scn_longest_first(ns, 0, order), 0);
}

/* Enough at once that the sum of the waits fits in the longest one. */
static void
test_auto_jobs(void **state)
{
	const uint64_t lib[] = { S(11), S(5), S(5), S(5), S(5), S(1), S(1) };
	uint64_t many[300];
	size_t i;

	(void)state;
	/* 33 s of waits over an 11 s case: 3 fill it, one more for slack */
	assert_int_equal(run_auto_jobs(lib, 7, 64), 4);
	/* never more than the cases, nor the cap, nor fewer than one */
	assert_int_equal(run_auto_jobs(lib, 1, 64), 1);
	assert_int_equal(run_auto_jobs(lib, 7, 2), 2);
	assert_int_equal(run_auto_jobs(lib, 0, 64), 1);
	for (i = 0; i < 300; i++)
		many[i] = S(1);
	assert_int_equal(run_auto_jobs(many, 300, 24), 24);
	assert_int_equal(run_auto_jobs(many, 300, 1000), 300);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_first),
		cmocka_unit_test(test_auto_jobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
