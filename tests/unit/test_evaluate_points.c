/*
 * test_evaluate_points.c - the expectations checked at a point of the
 * scenario that are not about the wire: the socket's state (sock_diag) and
 * the peer's record of the connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eval_fixture.h"

#define LINUX SCN_OS_LINUX
#define ALL   SCN_OS_ALL

static struct scn_expect *
state_expect(struct fx *f, const char *want)
{
	struct scn_expect *e =
	    fx_expect(f, EXP_STATE, ALL, "expect state c ...");

	snprintf(e->text, sizeof(e->text), "%s", want);
	return e;
}

static void
test_state(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_CLOSE, MS(100), MS(2115), 0, NULL);
	state_expect(f, "FIN_WAIT1");
	snprintf(fx_last_point(f)->state, 16, "FIN_WAIT1");
	state_expect(f, "fin_wait1");
	snprintf(fx_last_point(f)->state, 16, "FIN_WAIT1");
	state_expect(f, "TIME_WAIT")->duration_ns = MS(500);
	snprintf(fx_last_point(f)->state, 16, "FIN_WAIT2");
	fx_last_point(f)->t_done_ns = MS(2615);
	state_expect(f, "gone");
	snprintf(fx_last_point(f)->state, 16, "gone");
	state_expect(f, "FIN_WAIT1"); /* no answer */
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].expected,
	    "c's connection in FIN_WAIT1");
	assert_string_equal(cr.verdicts[0].actual,
	    "sock_diag found c's connection in FIN_WAIT1 at +2.115s");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[2].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[2].expected,
	    "c's connection in TIME_WAIT within 500 ms");
	assert_string_equal(cr.verdicts[2].actual,
	    "sock_diag found c's connection in FIN_WAIT2 at +2.615s");
	assert_int_equal(cr.verdicts[3].kind, VERDICT_PASS);
	fx_contains("actual", cr.verdicts[3].actual,
	    "no longer found c's connection (gone)");
	assert_int_equal(cr.verdicts[4].kind, VERDICT_ERROR);
	fx_contains("note", cr.verdicts[4].note,
	    "no socket state was recorded for c");
	case_result_free(&cr);

	/* "" for a socket that never connected is an answer: there was nothing */
	f->obs.socks[0].connected = false;
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[4].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[4].actual,
	    "c never had a connection to look up");
	case_result_free(&cr);
	free(f);
}

/*
 * Lab mode: a system whose agent answers "unknown" keeps no table of
 * connection states; the check cannot be made there, and the case says
 * how many such checks it had.
 */
static void
test_state_unknown_in_lab(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	f->obs.lab.on = true;
	fx_step(f, STEP_CLOSE, MS(100), MS(2115), 0, NULL);
	state_expect(f, "FIN_WAIT1");
	snprintf(fx_last_point(f)->state, 16, "unknown");
	state_expect(f, "FIN_WAIT1");
	snprintf(fx_last_point(f)->state, 16, "unknown");
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_ERROR);
	fx_contains("note", cr.verdicts[0].note,
	    "cannot be checked on this "
	    "system: it keeps no table");
	fx_contains("unchecked", cr.lab_unchecked,
	    "2 checks cannot be made on "
	    "this system under test: it keeps no table");
	case_result_free(&cr);
	f->obs.lab.on = false; /* not lab mode: nothing said */
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_string_equal(cr.lab_unchecked, "");
	case_result_free(&cr);
	free(f);
}

static void
peer_expect(struct fx *f, const char *key, enum scn_op op, const char *want,
    const char *have)
{
	struct scn_expect *e = fx_expect(f, EXP_PEER, ALL, "expect peer c ...");

	snprintf(e->key, sizeof(e->key), "%s", key);
	e->op = op;
	snprintf(e->text, sizeof(e->text), "%s", want);
	if (have != NULL) {
		fx_last_point(f)->peer_found = true;
		snprintf(fx_last_point(f)->peer_value, 64, "%s", have);
	}
}

/* The runner's early answer (evaluate_peer_holds) agrees with the verdict. */
static void
assert_holds_as_judged(enum scn_op op, const char *want, const char *have,
    bool pass)
{
	struct scn_expect e;

	memset(&e, 0, sizeof(e));
	e.kind = EXP_PEER;
	e.op = op;
	snprintf(e.text, sizeof(e.text), "%s", want);
	if (evaluate_peer_holds(&e, have) != pass)
		fail_msg("%s vs %s: holds %d, verdict says %d", want, have,
		    !pass, pass);
}

static void
test_peer(void **state)
{
	static const struct {
		const char *key;
		enum scn_op op;
		const char *want, *have;
		enum verdict_kind kind;
	} cases[] = {
		{ "fins", SOP_GE, "2", "3", VERDICT_PASS },
		{ "fins", SOP_GE, "2", "2", VERDICT_PASS },
		{ "fins", SOP_GE, "2", "1", VERDICT_FAIL },
		{ "fins", SOP_GT, "2", "2", VERDICT_FAIL },
		{ "fins", SOP_LT, "2", "1", VERDICT_PASS },
		{ "fins", SOP_LE, "2", "3", VERDICT_FAIL },
		{ "fins", SOP_EQ, "0", "0", VERDICT_PASS },
		{ "fins", SOP_NE, "0", "0", VERDICT_FAIL },
		{ "rx", SOP_GE, "64KiB", "65536",
		    VERDICT_PASS }, /* units in VALUE */
		{ "rx", SOP_GE, "64KiB", "65535", VERDICT_FAIL },
		{ "rx", SOP_EQ, "10 KiB", "10240", VERDICT_PASS },
		{ "age", SOP_LT, "2s", "1.5s",
		    VERDICT_PASS }, /* durations too */
		{ "age", SOP_GE, "1500ms", "1.5s", VERDICT_PASS },
		{ "state", SOP_EQ, "CLOSE_WAIT", "CLOSE_WAIT", VERDICT_PASS },
		{ "state", SOP_EQ, "close_wait", "CLOSE_WAIT", VERDICT_PASS },
		{ "state", SOP_NE, "CLOSE_WAIT", "LAST_ACK", VERDICT_PASS },
		{ "state", SOP_EQ, "CLOSE_WAIT", "LAST_ACK", VERDICT_FAIL },
		{ "state", SOP_GE, "CLOSE_WAIT", "LAST_ACK", VERDICT_ERROR },
		{ "fins", SOP_GE, "2", NULL, VERDICT_FAIL }, /* no record */
	};
	struct case_result cr;
	struct fx *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = fx_new();
		fx_step(f, STEP_WAIT, 0, MS(10), 0, NULL);
		peer_expect(f, cases[i].key, cases[i].op, cases[i].want,
		    cases[i].have);
		assert_int_equal(fx_eval(f, LINUX, &cr), 0);
		if (cr.verdicts[0].kind != cases[i].kind)
			fail_msg("case %zu: %s %s vs %s: verdict %s, want %s",
			    i, cases[i].key, cases[i].want,
			    cases[i].have ? cases[i].have : "(none)",
			    verdict_kind_name(cr.verdicts[0].kind),
			    verdict_kind_name(cases[i].kind));
		case_result_free(&cr);
		free(f);
		if (cases[i].have != NULL)
			assert_holds_as_judged(cases[i].op, cases[i].want,
			    cases[i].have, cases[i].kind == VERDICT_PASS);
	}

	f = fx_new();
	fx_step(f, STEP_WAIT, 0, MS(10), 0, NULL);
	peer_expect(f, "fins", SOP_GE, "2", "1");
	peer_expect(f, "fins", SOP_GE, "2", NULL);
	peer_expect(f, "state", SOP_GT, "CLOSE_WAIT", "LAST_ACK");
	assert_int_equal(fx_eval(f, LINUX, &cr), 0);
	assert_string_equal(cr.verdicts[0].expected,
	    "lingerpeer's record of c's connection: fins >= 2");
	assert_string_equal(cr.verdicts[0].actual,
	    "lingerpeer's record of c's connection has fins = 1");
	assert_string_equal(cr.verdicts[1].actual,
	    "lingerpeer has no record of c's connection");
	fx_contains("note", cr.verdicts[2].note,
	    "only = and != can compare them");
	case_result_free(&cr);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_state_unknown_in_lab),
		cmocka_unit_test(test_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
