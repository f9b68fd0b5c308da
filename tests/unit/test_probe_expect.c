/*
 * test_probe_expect.c - repeat blocks and probe expectations, without a
 * network: the language (a block read into steps, a probe expectation read
 * from a string as lingerlab observe does), the records that carry samples
 * and per-iteration counts from the worker, and the evaluator's verdicts on
 * growth, peak, a value waited for, and a call checked on every iteration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "run_wire.h"
#include "scenario_fixture.h"

static const char text[] = "scenario \"leak\"\n" /* 1 */
			   "peer listen 7000 swallow-fin\n"
			   "repeat 10 times 4 at-once\n"
			   "socket c\n"
			   "connect c\n" /* 5 */
			   "close c\n"
			   "    expect returns 0\n"
			   "    expect linux: blocks at-most 50ms\n"
			   "end\n"
			   "expect growth fds <= 0\n" /* 10 */
			   "expect peak sockets FIN_WAIT1 <= 10\n"
			   "expect sockets FIN_WAIT1 = 0 within 5s\n"
			   "expect growth tcpext TCPAbortOnTimeout >= 10\n";

static void
test_block_steps(void **state)
{
	struct scenario *sc;
	const struct scn_step *s;

	(void)state;
	sc = must_parse_case("t.scn", text, 0);
	s = sc->steps;
	assert_int_equal(sc->nsteps, 6);
	assert_int_equal(s[1].kind, STEP_REPEAT);
	assert_int_equal(s[1].repeat_n, 10);
	assert_int_equal(s[1].repeat_k, 4);
	assert_int_equal(s[1].block_end, 5);
	assert_int_equal(s[1].block, 0);
	assert_int_equal(s[2].block, 2);
	assert_int_equal(s[4].block, 2);
	assert_int_equal(s[4].nexpects, 2);
	assert_int_equal(s[5].kind, STEP_END);
	assert_int_equal(s[5].block, 0);
	assert_int_equal(s[5].block_end, 1);
	assert_int_equal(s[5].nexpects, 4);
	assert_int_equal(s[5].expects[0].kind, EXP_PROBE);
	assert_int_equal(s[5].expects[0].probe.mode, SCN_PROBE_GROWTH);
	assert_string_equal(s[5].expects[1].probe.series, "sockets FIN_WAIT1");
	assert_int_equal(s[5].expects[2].probe.within_ns, 5000000000ull);
	assert_string_equal(s[5].expects[3].probe.series,
	    "tcpext TCPAbortOnTimeout");
	assert_string_equal(scn_step_name(STEP_REPEAT), "repeat");
	scenario_free(sc);
}

static void
test_parse_string(void **state)
{
	static const struct {
		const char *text;
		enum scn_probe_mode mode;
		const char *series;
		enum scn_op op;
		int64_t value;
		const char *back;
	} good[] = {
		{ "growth fds <= 0", SCN_PROBE_GROWTH, "fds", SOP_LE, 0,
		    "growth fds <= 0" },
		{ "expect peak sockets fin_wait1 <= 1000", SCN_PROBE_PEAK,
		    "sockets FIN_WAIT1", SOP_LE, 1000,
		    "peak sockets FIN_WAIT1 <= 1000" },
		{ "  threads == 1 ", SCN_PROBE_NOW, "threads", SOP_EQ, 1,
		    "threads = 1" },
		{ "growth tcpext TCPAbortOnLinger >= 1000", SCN_PROBE_GROWTH,
		    "tcpext TCPAbortOnLinger", SOP_GE, 1000,
		    "growth tcpext TCPAbortOnLinger >= 1000" },
		{ "rss < 4MiB", SCN_PROBE_NOW, "rss", SOP_LT, 4096,
		    "rss < 4096" },
		{ "growth threads != -2", SCN_PROBE_GROWTH, "threads", SOP_NE,
		    -2, "growth threads != -2" },
		{ "sockets TIME_WAIT = 0 within 2s", SCN_PROBE_NOW,
		    "sockets TIME_WAIT", SOP_EQ, 0,
		    "sockets TIME_WAIT = 0 within 2s" },
	};
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "", "expected a probe" },
		{ "growth", "expected a probe" },
		{ "growth files <= 0", "unknown probe \"files\"" },
		{ "sockets FIN_WAIT3 = 0", "unknown TCP state" },
		{ "sockets", "expected what sockets to count" },
		{ "tcpext TCP-Abort >= 1", "TcpExt counter name" },
		{ "fds =< 0", "expected an operator" },
		{ "fds <=0", "expected an operator" },
		{ "fds <=", "expected a number" },
		{ "fds <= x", "expected a number, got \"x\"" },
		{ "fds <= 4MiB", "expected a number" },
		{ "peak fds <= 1 within 2s", "within goes with a plain probe" },
		{ "fds <= 1 within", "expected a duration" },
		{ "fds <= 1 within 0s", "expected a duration" },
		{ "fds <= 1 within 2s more", "unexpected \"more\"" },
		{ "fds <= 1 during 2s", "unexpected \"during\"" },
	};
	struct scn_probe_expect pe;
	char err[512], buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (scn_parse_probe_expect(good[i].text, &pe, err,
			sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", good[i].text, err);
		assert_int_equal(pe.mode, good[i].mode);
		assert_string_equal(pe.series, good[i].series);
		assert_int_equal(pe.op, good[i].op);
		assert_int_equal(pe.value, good[i].value);
		scn_probe_expect_format(&pe, buf, sizeof(buf));
		assert_string_equal(buf, good[i].back);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (scn_parse_probe_expect(bad[i].text, &pe, err,
			sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad[i].text);
		if (strstr(err, bad[i].msg) == NULL ||
		    strstr(err, "hint:") == NULL)
			fail_msg("'%s' refused with '%s', not '%s' and a hint",
			    bad[i].text, err, bad[i].msg);
	}
}

/* Apply a record as the parent does; it must be accepted. */
static void
apply(struct case_obs *o, const char *rec)
{
	char line[OBS_LINE_MAX], err[256];

	snprintf(line, sizeof(line), "%s", rec);
	line[strcspn(line, "\n")] = '\0';
	if (obs_apply(o, line, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", rec, err);
}

static void
refused(struct case_obs *o, const char *rec, const char *why)
{
	char line[OBS_LINE_MAX], err[256];

	snprintf(line, sizeof(line), "%s", rec);
	assert_int_equal(obs_apply(o, line, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("'%s' refused with '%s', not '%s'", rec, err, why);
}

/* Three series: fds, sockets FIN_WAIT1, tcpext TCPAbortOnTimeout. */
static void
fill(struct case_obs *o, int64_t fds_after, int64_t fw1_at_point)
{
	char rec[256];

	apply(o, "probes 3 fds sockets%20FIN_WAIT1 tcpext%20TCPAbortOnTimeout");
	apply(o, "sample 1000 0 1 2 9 0 5");
	apply(o, "sample 2000 4 2 2 9 4 5");
	apply(o, "sample 3000 8 2 2 9 8 5");
	snprintf(rec, sizeof(rec), "sample 4000 10 3 2 %lld 10 5",
	    (long long)fds_after);
	apply(o, rec);
	snprintf(rec, sizeof(rec), "sample 9000 10 4 2 %lld %lld 15",
	    (long long)fds_after, (long long)fw1_at_point);
	apply(o, rec);
	/* every point reached after the block, looked at until 9000 */
	apply(o, "point 5 0 1 4000 4000 9000 - 0 -");
	apply(o, "point 5 1 1 4000 4000 9000 - 0 -");
	apply(o, "point 5 2 1 4000 4000 9000 - 0 -");
	apply(o, "point 5 3 1 4000 4000 9000 - 0 -");
	/* close: ran 10 times; returns 0 each time, blocked once too long */
	o->calls[4].ran = true; /* the last iteration's call */
	o->calls[4].t_start_ns = 3000;
	o->calls[4].t_end_ns = 3100;
	apply(o, "rep 4 0 10 10 0 0 0 - 3000 3100 0");
	apply(o, "rep 4 1 10 9 7 0 0 - 2000 70002000 0");
	apply(o, "point 4 0 1 3100 3100 3100 - 0 -");
	apply(o, "point 4 1 1 3100 3100 3100 - 0 -");
}

static const struct verdict *
verdict_at(const struct case_result *cr, size_t step, size_t idx)
{
	size_t i;

	for (i = 0; i < cr->nverdicts; i++)
		if (cr->verdicts[i].step == step &&
		    cr->verdicts[i].index == idx)
			return &cr->verdicts[i];
	fail_msg("no verdict for step %zu expect %zu", step, idx);
	return NULL;
}

static void
test_evaluate(void **state)
{
	const struct verdict *v;
	struct case_result cr;
	struct case_obs o;
	struct scenario *sc;

	(void)state;
	sc = must_parse_case("t.scn", text, 0);
	assert_int_equal(case_obs_init(&o, sc), 0);
	apply(&o, "obs 3 1 Linux");
	fill(&o, 9, 0);
	assert_int_equal(evaluate_case(sc, &o, SCN_OS_LINUX, &cr), 0);
	/* a call checked on every iteration */
	v = verdict_at(&cr, 4, 0);
	assert_int_equal(v->kind, VERDICT_PASS);
	assert_non_null(strstr(v->expected, "on each of 10 iterations"));
	if (strstr(v->actual, "10/10 iterations passed") == NULL)
		fail_msg("actual: %s", v->actual);
	v = verdict_at(&cr, 4, 1);
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_non_null(strstr(v->actual, "9/10 iterations passed"));
	assert_non_null(strstr(v->actual, "iteration 7"));
	assert_non_null(strstr(v->actual, "after 70"));
	/* growth fds: 9 -> 9 */
	v = verdict_at(&cr, 5, 0);
	assert_int_equal(v->kind, VERDICT_PASS);
	assert_non_null(strstr(v->actual, "+0"));
	/* peak FIN_WAIT1 10 <= 10; now 0 within 5s; TCPAbortOnTimeout +10 */
	assert_int_equal(verdict_at(&cr, 5, 1)->kind, VERDICT_PASS);
	assert_non_null(strstr(verdict_at(&cr, 5, 1)->actual,
	    "peak of sockets FIN_WAIT1 was 10"));
	assert_int_equal(verdict_at(&cr, 5, 2)->kind, VERDICT_PASS);
	assert_int_equal(verdict_at(&cr, 5, 3)->kind, VERDICT_PASS);
	assert_int_equal(cr.probes.nsamples, 5);
	case_result_free(&cr);
	case_obs_free(&o);

	/* a descriptor per iteration leaks; orphans never drain */
	assert_int_equal(case_obs_init(&o, sc), 0);
	apply(&o, "obs 3 1 Linux");
	fill(&o, 19, 3);
	assert_int_equal(evaluate_case(sc, &o, SCN_OS_LINUX, &cr), 0);
	v = verdict_at(&cr, 5, 0);
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_non_null(strstr(v->actual,
	    "fds grew by +10, from 9 before the block to 19"));
	v = verdict_at(&cr, 5, 2);
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_non_null(strstr(v->actual, "sockets FIN_WAIT1 was 3"));
	case_result_free(&cr);
	case_obs_free(&o);
	scenario_free(sc);
}

static void
test_no_samples(void **state)
{
	struct case_result cr;
	struct case_obs o;
	struct scenario *sc;

	(void)state;
	sc = must_parse_case("t.scn", text, 0);
	assert_int_equal(case_obs_init(&o, sc), 0);
	apply(&o, "point 5 0 1 4000 4000 9000 - 0 -");
	assert_int_equal(evaluate_case(sc, &o, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(verdict_at(&cr, 5, 0)->kind, VERDICT_ERROR);
	assert_non_null(
	    strstr(verdict_at(&cr, 5, 0)->note, "no sample of fds"));
	case_result_free(&cr);
	case_obs_free(&o);
	scenario_free(sc);
}

static void
test_records(void **state)
{
	struct case_obs o, back;
	struct obs_sample s;
	struct scenario *sc;
	char buf[OBS_LINE_MAX];
	size_t i;

	(void)state;
	sc = must_parse_case("t.scn", text, 0);
	assert_int_equal(case_obs_init(&o, sc), 0);
	assert_int_equal(case_obs_init(&back, sc), 0);
	o.probes.nseries = 2;
	snprintf(o.probes.names[0], sizeof(o.probes.names[0]), "threads");
	snprintf(o.probes.names[1], sizeof(o.probes.names[1]),
	    "sockets TIME_WAIT");
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 700; i++) {
		s.t_ns = i * 1000;
		s.iter = (uint32_t)i;
		s.kind = OBS_SAMPLE_ITER;
		s.block = 2;
		s.v[0] = 1;
		s.v[1] = i == 5 ? -1 : (int64_t)i;
		assert_int_equal(obs_add_sample(&o, &s), 0);
	}
	o.points[4][1].rep_checked = 1000;
	o.points[4][1].rep_passed = 999;
	o.points[4][1].rep_first_fail = 17;
	o.points[4][1].rep_call.ret = -1;
	o.points[4][1].rep_call.err = 11;
	snprintf(o.points[4][1].rep_call.err_name, 32, "EAGAIN");
	o.points[4][1].rep_call.t_end_ns = 99;
	obs_fmt_probes(&o, buf, sizeof(buf));
	apply(&back, buf);
	for (i = 0; i < o.probes.nsamples; i++) {
		obs_fmt_sample(&o, i, buf, sizeof(buf));
		apply(&back, buf);
	}
	obs_fmt_rep(&o, 4, 1, buf, sizeof(buf));
	apply(&back, buf);
	assert_int_equal(back.probes.nseries, 2);
	assert_string_equal(back.probes.names[1], "sockets TIME_WAIT");
	assert_int_equal(back.probes.nsamples, 700);
	assert_memory_equal(back.probes.samples, o.probes.samples,
	    700 * sizeof(*o.probes.samples));
	assert_int_equal(back.points[4][1].rep_first_fail, 17);
	assert_int_equal(back.points[4][1].rep_call.ret, -1);
	assert_string_equal(back.points[4][1].rep_call.err_name, "EAGAIN");
	/* wrong records are refused, with a reason */
	refused(&back, "probes 2 threads", "a count up to");
	refused(&back, "probes 40 a", "a count up to");
	refused(&back, "sample 1 0 2 2 1",
	    "expected T ITER KIND BLOCK"); /* one value */
	refused(&back, "sample 1 0 9 2 1 1",
	    "expected T ITER KIND BLOCK"); /* kind */
	refused(&back, "sample 1 0 2 99 1 1",
	    "expected T ITER KIND BLOCK"); /* block */
	refused(&back, "sample 1 0 2 2 1 -2", "expected T ITER KIND BLOCK");
	refused(&back, "rep 4 1 10 11 0 0 0 - 0 0 0",
	    "'rep' record"); /* passed > checked */
	refused(&back, "rep 4 9 10 1 0 0 0 - 0 0 0",
	    "'rep' record"); /* no expect 9 */
	refused(&back, "rep 0 0 1 1 0 0 0 - 0 0 0",
	    "'rep' record"); /* step 0 has none */
	refused(&back, "rep 4 1 1 1 0", "'rep' record");
	case_obs_free(&o);
	case_obs_free(&back);
	scenario_free(sc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_steps),
		cmocka_unit_test(test_parse_string),
		cmocka_unit_test(test_evaluate),
		cmocka_unit_test(test_no_samples),
		cmocka_unit_test(test_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
