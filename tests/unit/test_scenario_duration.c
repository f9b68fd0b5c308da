/*
 * test_scenario_duration.c - a case's expected duration (scn_duration.h):
 * each kind of wait counted as the runner spends it, nothing else counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "scenario_fixture.h"
#include "scn_duration.h"
#include "timeunit.h"

#define MS NS_PER_MS

/* The estimate of case 0 of text, less the harness's fixed cost. */
static uint64_t
est(const char *text)
{
	struct scenario *sc = must_parse_case("t.scn", text, 0);
	uint64_t ns = scn_expected_ns(sc);

	scenario_free(sc);
	assert_true(ns >= SCN_DUR_CASE_NS);
	return ns - SCN_DUR_CASE_NS;
}

/* Within 20 ms of want: the steps' own small costs. */
static void
assert_about(uint64_t got, uint64_t want)
{
	if (got + 20 * MS < want || got > want + 20 * MS)
		fail_msg("estimate %llu ms, expected about %llu ms",
		    (unsigned long long)(got / MS),
		    (unsigned long long)(want / MS));
}

#define HEAD                                                                   \
	"scenario \"t\"\n"                                                     \
	"peer listen 7000 swallow-fin\n"                                       \
	"socket c\n"                                                           \
	"connect c\n"

static void
test_calls_cost_little(void **state)
{
	(void)state;
	assert_about(est(HEAD "close c\n"), 0);
}

static void
test_wait_and_blocking(void **state)
{
	(void)state;
	assert_about(est(HEAD "wait 2s\nclose c\n"), 2000 * MS);
	assert_about(est(HEAD "close c\n    expect linux: blocks about 1s\n"),
	    1000 * MS);
	assert_about(est(HEAD "close c\n    expect blocks at-least 700ms\n"),
	    700 * MS);
	/* an upper bound is no wait */
	assert_about(est(HEAD "close c\n    expect blocks at-most 3s\n"), 0);
	/* another system's expectation does not make the runner wait */
	assert_about(est(HEAD "close c\n"
			      "    expect freebsd: blocks about 3s\n"),
	    0);
}

static void
test_points_side_by_side(void **state)
{
	(void)state;
	/* after one step the expectations look together: the longest */
	assert_about(est(HEAD "close c\n"
			      "expect wire client sends no RST during 500ms\n"
			      "expect wire client sends no data during 300ms\n"
			      "expect wire client sends FIN within 5s\n"),
	    500 * MS);
	/* retransmissions counted from the step's start: 200 + 400 ms */
	assert_about(est(HEAD "close c\n"
			      "expect wire client retransmits FIN at-least 2 "
			      "within 5s\n"),
	    600 * MS);
	assert_about(est(HEAD "close c\n"
			      "    expect blocks about 1s\n"
			      "expect wire client retransmits FIN at-least 2 "
			      "within 5s\n"),
	    1000 * MS);
	/* bounded by within */
	assert_about(est(HEAD "close c\n"
			      "expect wire client retransmits FIN at-least 9 "
			      "within 1s\n"),
	    1000 * MS);
}

static void
test_wait_peer(void **state)
{
	(void)state;
	assert_about(est(HEAD "close c\nwait peer c fins>=1\n"), 0);
	/* the FIN and two retransmissions: 200 + 400 ms */
	assert_about(est(HEAD "close c\nwait peer c rx>=0 fins>=3\n"),
	    600 * MS);
	assert_about(est(HEAD "close c\nwait peer c fins>=9 within 2s\n"),
	    2000 * MS);
}

static void
test_drain_and_repeat(void **state)
{
	(void)state;
	/* orphans drain when their user timeout expires */
	assert_about(est("scenario \"t\"\n"
			 "peer listen 7000 swallow-fin\n"
			 "repeat 10 times\n"
			 "socket c\n"
			 "set c user-timeout 2s\n"
			 "connect c\n"
			 "close c\n"
			 "    expect blocks about 100ms\n"
			 "end\n"
			 "expect linux: sockets FIN_WAIT1 = 0 within 20s\n"),
	    1000 * MS + 2000 * MS);
	/* without a user timeout, the drain is unknown: nothing counted */
	assert_about(est(HEAD "close c\n"
			      "expect linux: state c gone within 20s\n"),
	    0);
}

static void
test_timeout_bounds(void **state)
{
	struct scenario *sc = must_parse_case("t.scn",
	    "scenario \"t\"\ntimeout 5s\npeer listen 7000 normal\n"
	    "socket c\nconnect c\nwait 1min\n",
	    0);

	(void)state;
	assert_int_equal(scn_expected_ns(sc), SCN_DUR_CASE_NS + 5000 * MS);
	scenario_free(sc);
}

static void
test_deterministic_per_case(void **state)
{
	static const char text[] = "scenario \"t\"\n"
				   "param d = 100ms | 2s\n"
				   "peer listen 7000 normal\n"
				   "wait ${d}\n";
	struct scn_file *f = must_parse_file("t.scn", text);
	struct scenario *a = must_build_case(f, 0), *b = must_build_case(f, 1);

	(void)state;
	assert_true(scn_expected_ns(a) < scn_expected_ns(b));
	assert_int_equal(scn_expected_ns(b) - scn_expected_ns(a), 1900 * MS);
	scenario_free(a);
	scenario_free(b);
	scn_file_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_cost_little),
		cmocka_unit_test(test_wait_and_blocking),
		cmocka_unit_test(test_points_side_by_side),
		cmocka_unit_test(test_wait_peer),
		cmocka_unit_test(test_drain_and_repeat),
		cmocka_unit_test(test_timeout_bounds),
		cmocka_unit_test(test_deterministic_per_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
