/*
 * test_scenario_kinds.c - the table of step and expectation kinds
 * (scenario_kinds.h): every kind has a name, and each property holds for
 * exactly the kinds that have it, as the parser, the runner and the
 * reports rely on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "scenario_fixture.h"
#include "scenario_kinds.h"

/* A file with a step of every kind, in enum order but for block's. */
static const char every_step[] = "scenario \"a step of every kind\"\n"
				 "peer listen 7000 normal\n"
				 "socket l\n"
				 "listen l 7100\n"
				 "peer connect 7100 as a\n"
				 "accept l as a\n"
				 "socket c\n"
				 "set c nodelay on\n"
				 "connect c\n"
				 "peer behaviour c normal\n"
				 "peer ack-fin c\n"
				 "peer read c\n"
				 "peer resume c\n"
				 "peer fin c\n"
				 "peer rst c\n"
				 "peer send c 1KiB\n"
				 "wait peer c fins>=1 within 1s\n"
				 "send c 1KiB\n"
				 "recv c\n"
				 "shutdown c wr\n"
				 "wait 10ms\n"
				 "signal after 1s\n"
				 "repeat 2 times\n"
				 "socket r\n"
				 "close r\n"
				 "end\n"
				 "exit-close c\n";

/* Each kind's name, and "?" for what is no kind. */
static void
test_names(void **state)
{
	int k, j;

	(void)state;
	for (k = STEP_PEER_LISTEN; k < STEP_KIND_COUNT; k++) {
		assert_string_not_equal(scn_step_name((enum scn_step_kind)k),
		    "?");
		for (j = STEP_PEER_LISTEN; j < k; j++)
			assert_string_not_equal(scn_step_name(
						    (enum scn_step_kind)k),
			    scn_step_name((enum scn_step_kind)j));
	}
	for (k = EXP_RETURNS; k < EXP_KIND_COUNT; k++) {
		assert_string_not_equal(scn_expect_name(
					    (enum scn_expect_kind)k),
		    "?");
		for (j = EXP_RETURNS; j < k; j++)
			assert_string_not_equal(scn_expect_name(
						    (enum scn_expect_kind)k),
			    scn_expect_name((enum scn_expect_kind)j));
	}
	assert_string_equal(scn_step_name(STEP_WAIT_PEER), "wait peer");
	assert_string_equal(scn_step_name((enum scn_step_kind)0), "?");
	assert_string_equal(scn_step_name(STEP_KIND_COUNT), "?");
	assert_string_equal(scn_expect_name(EXP_WIRE_ZWP),
	    "wire sends zero-window-probes");
	assert_string_equal(scn_expect_name(EXP_KIND_COUNT), "?");
	assert_string_equal(scn_os_name(SCN_OS_FREEBSD), "freebsd");
	assert_string_equal(scn_os_name((enum scn_os)3),
	    "?"); /* a mask, not one */
	assert_string_equal(scn_wire_what_name(WIRE_ANY), "nothing");
	assert_string_equal(scn_op_name(SOP_NE), "!=");
	assert_string_equal(scn_op_name((enum scn_op)0), "?");
}

/* Who runs each step: the peer, the client's process, or (a block's edges)
 * the runner itself; never two of them. */
static void
test_who_runs(void **state)
{
	int k;

	(void)state;
	for (k = STEP_PEER_LISTEN; k < STEP_KIND_COUNT; k++) {
		enum scn_step_kind s = (enum scn_step_kind)k;
		bool block = s == STEP_REPEAT || s == STEP_END;

		assert_int_equal(scn_step_is_peer_cmd(s) +
			scn_step_is_client(s) + block,
		    1);
		/* a call is the client's; the peer's side is a peer command's */
		assert_true(!scn_step_is_call(s) || scn_step_is_client(s));
		assert_true(
		    !scn_step_is_peer_side(s) || scn_step_is_peer_cmd(s));
	}
	assert_true(scn_step_is_call(STEP_SOCKET));
	assert_true(scn_step_is_call(STEP_ACCEPT));
	assert_false(scn_step_is_call(STEP_WAIT));
	assert_false(scn_step_is_call(STEP_SIGNAL));
	assert_true(scn_step_is_client(STEP_SIGNAL));
	/* `wait peer` asks the peer, but the client is the one waiting */
	assert_true(scn_step_is_peer_cmd(STEP_WAIT_PEER));
	assert_false(scn_step_is_peer_side(STEP_WAIT_PEER));
	assert_true(scn_step_is_peer_side(STEP_PEER_CONNECT));
	assert_true(scn_step_waits(STEP_WAIT));
	assert_true(scn_step_waits(STEP_WAIT_PEER));
	assert_false(scn_step_waits(STEP_SIGNAL));
	assert_false(scn_step_is_client((enum scn_step_kind)0));
	assert_false(scn_step_is_peer_cmd(STEP_KIND_COUNT));
}

/* takes_sock is what the parser does: sock set exactly for those kinds. */
static void
test_takes_sock(void **state)
{
	bool seen[STEP_KIND_COUNT] = { false };
	struct scenario *sc;
	size_t i;
	int k;

	(void)state;
	sc = must_parse_case("kinds.scn", every_step, 0);
	for (i = 0; i < sc->nsteps; i++) {
		const struct scn_step *st = &sc->steps[i];

		seen[st->kind] = true;
		assert_int_equal(st->sock >= 0, scn_step_takes_sock(st->kind));
	}
	for (k = STEP_PEER_LISTEN; k < STEP_KIND_COUNT; k++)
		assert_true(seen[k]);
	scenario_free(sc);
}

/* Indented expectations are exactly the attached kinds; wire ones check
 * the capture. */
static void
test_expect_kinds(void **state)
{
	int k;

	(void)state;
	for (k = EXP_RETURNS; k < EXP_KIND_COUNT; k++) {
		enum scn_expect_kind e = (enum scn_expect_kind)k;

		assert_false(
		    scn_expect_is_attached(e) && scn_expect_is_wire(e));
		assert_int_equal(scn_expect_is_wire(e),
		    strncmp(scn_expect_name(e), "wire ", 5) == 0);
	}
	assert_true(scn_expect_is_attached(EXP_RETURNS));
	assert_true(scn_expect_is_attached(EXP_SENDS));
	assert_false(scn_expect_is_attached(EXP_WIRE_SENDS));
	assert_false(scn_expect_is_attached(EXP_PROBE));
	assert_false(scn_expect_is_wire(EXP_STATE));
	assert_false(scn_expect_is_attached(EXP_KIND_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_who_runs),
		cmocka_unit_test(test_takes_sock),
		cmocka_unit_test(test_expect_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
