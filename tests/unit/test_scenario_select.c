/*
 * test_scenario_select.c - the language's later additions, each on its
 * own: the `signal after D` step, the EDOM error name, choosing cases by
 * tag (scn_select.h) and a description per case (scn_describe.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "scenario_fixture.h"
#include "scn_describe.h"
#include "scn_select.h"
#include "timeunit.h"

#define MS NS_PER_MS

static const char signal_file[] =
    "scenario \"signal\"\n"
    "peer listen 7000 swallow-fin\n"
    "socket c\n"
    "set c linger 2s\n"
    "connect c\n"
    "signal after 300ms\n"
    "expect wire client sends FIN within 1s\n"
    "close c\n"
    "    expect linux: returns 0\n"
    "    expect freebsd: fails EDOM because \"sosetopt\"\n";

static void
test_signal_step(void **state)
{
	struct scn_file *f = must_parse_file("t.scn", signal_file);
	struct scenario *sc = must_build_case(f, 0);
	const struct scn_step *st = &sc->steps[4];

	(void)state;
	assert_int_equal(sc->nsteps, 6);
	assert_int_equal(st->kind, STEP_SIGNAL);
	assert_int_equal(st->pos.line, 6);
	assert_int_equal(st->duration_ns, 300 * MS);
	assert_int_equal(st->sock, -1);
	/* not a call: a left-margin expectation after it belongs to it */
	assert_false(scn_step_is_call(STEP_SIGNAL));
	assert_string_equal(scn_step_name(STEP_SIGNAL), "signal");
	assert_int_equal(st->nexpects, 1);
	assert_int_equal(sc->steps[5].nexpects, 2);
	assert_string_equal(sc->steps[5].expects[1].err_name, "EDOM");
	scenario_free(sc);
	scn_file_free(f);
}

static void
test_edom_known(void **state)
{
	(void)state;
	assert_true(scn_errno_known("EDOM"));
	assert_false(scn_errno_is_winsock("EDOM"));
	assert_false(scn_errno_known("WSAEDOM"));
}

static void
test_tags_check(void **state)
{
	char err[160];

	(void)state;
	assert_int_equal(scn_tags_check("slow", err, sizeof(err)), 0);
	assert_int_equal(scn_tags_check("quick,rst,kb-2770054.x_y", err,
			     sizeof(err)),
	    0);
	assert_int_equal(scn_tags_check("", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(scn_tags_check("a,,b", err, sizeof(err)), -1);
	assert_int_equal(scn_tags_check("a,", err, sizeof(err)), -1);
	assert_int_equal(scn_tags_check("a b", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "' '"));
}

static void
test_tags_select(void **state)
{
	char t1[] = "slow", t2[] = "linger", t3[] = "quick";
	char *slow_linger[] = { t1, t2 }, *quick[] = { t3 };

	(void)state;
	/* nothing asked: everything runs */
	assert_true(scn_tags_select(slow_linger, 2, NULL, NULL));
	assert_true(scn_tags_select(NULL, 0, NULL, NULL));
	/* --tags: one of them is enough; whole tags only */
	assert_true(scn_tags_select(slow_linger, 2, "rst,linger", NULL));
	assert_false(scn_tags_select(quick, 1, "slow", NULL));
	assert_false(scn_tags_select(slow_linger, 2, "ling", NULL));
	assert_false(scn_tags_select(slow_linger, 2, "lingerx", NULL));
	assert_false(scn_tags_select(NULL, 0, "slow", NULL));
	/* --skip-tags: any of them leaves the case out, and wins over --tags */
	assert_false(scn_tags_select(slow_linger, 2, NULL, "slow"));
	assert_true(scn_tags_select(quick, 1, NULL, "slow"));
	assert_true(scn_tags_select(NULL, 0, NULL, "slow"));
	assert_false(scn_tags_select(slow_linger, 2, "linger", "x,slow"));
}

static const char described[] =
    "scenario \"linger ${l}, ${mode} socket, a $ kept\"\n"
    "param mode = blocking | nonblocking\n"
    "param peer = a | b\n"
    "param l = 0s | 1s\n"
    "peer listen 7000 ${peer}\n"
    "socket c\n";

static void
test_describe(void **state)
{
	struct scn_file *f = must_parse_file("t.scn", described);
	char d[256], l[128];

	(void)state;
	assert_true(scn_describe_varies(f));
	assert_int_equal(scn_file_ncases(f), 8);
	/* case 5: mode=nonblocking, peer=a, l=1s (the last varies fastest) */
	scn_describe_case(f, 5, d, sizeof(d), l, sizeof(l));
	assert_string_equal(d, "linger 1s, nonblocking socket, a $ kept");
	/* only the parameters the description uses, in declaration order */
	assert_string_equal(l, "mode=nonblocking, l=1s");
	/* a short buffer is cut, never overrun */
	scn_describe_case(f, 0, d, 8, l, 6);
	assert_string_equal(d, "linger ");
	assert_string_equal(l, "mode=");
	scn_file_free(f);

	f = must_parse_file("t.scn",
	    "scenario \"no parameters here\"\nparam x = 1 | 2\nsocket c\n");
	assert_false(scn_describe_varies(f));
	scn_describe_case(f, 1, d, sizeof(d), l, sizeof(l));
	assert_string_equal(d, "no parameters here");
	assert_string_equal(l, "");
	scn_file_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_step),
		cmocka_unit_test(test_edom_known),
		cmocka_unit_test(test_tags_check),
		cmocka_unit_test(test_tags_select),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
