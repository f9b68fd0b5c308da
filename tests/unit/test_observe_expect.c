/*
 * test_observe_expect.c - `lingerlab observe --expect`: every form parses
 * to what it says, a wrong one is refused at its column with what was
 * expected, and each kind is decided on series and connections built here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "observe_prog.h"
#include "timeunit.h"

#define MS NS_PER_MS

static void
test_parse_forms(void **state)
{
	static const struct {
		const char *text;
		enum scn_probe_mode mode;
		enum ob_probe series;
		unsigned st;
		enum scn_op op;
		int64_t value;
	} ok[] = {
		{ "growth fds <= 0", SCN_PROBE_GROWTH, OB_P_FDS, 0, SOP_LE, 0 },
		{ "peak threads < 10", SCN_PROBE_PEAK, OB_P_THREADS, 0, SOP_LT,
		    10 },
		{ "rss <= 4MiB", SCN_PROBE_NOW, OB_P_RSS_KIB, 0, SOP_LE, 4096 },
		{ "expect growth fds != -3", SCN_PROBE_GROWTH, OB_P_FDS, 0,
		    SOP_NE, -3 },
		{ "sockets FIN_WAIT1 = 0", SCN_PROBE_NOW, OB_P_STATE, 4, SOP_EQ,
		    0 },
		{ "peak sockets TIME_WAIT > 100", SCN_PROBE_PEAK, OB_P_STATE, 6,
		    SOP_GT, 100 },
		{ "growth tcpext TCPAbortOnLinger = 0", SCN_PROBE_GROWTH,
		    OB_P_TCPEXT, 0, SOP_EQ, 0 },
	};
	struct ob_expect e;
	char err[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (ob_expect_parse(ok[i].text, &e, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", ok[i].text, err);
		assert_int_equal(e.kind, OB_EXP_PROBE);
		assert_int_equal(e.probe.mode, ok[i].mode);
		assert_int_equal(e.series, ok[i].series);
		assert_int_equal(e.state, ok[i].st);
		assert_int_equal(e.op, ok[i].op);
		assert_int_equal(e.value, ok[i].value);
		assert_string_equal(e.text, ok[i].text);
	}
	assert_string_equal(e.counter, "TCPAbortOnLinger");
	assert_int_equal(ob_expect_parse("sockets FIN_WAIT1 = 0 within 30s", &e,
			     err, sizeof(err)),
	    0);
	assert_int_equal(e.probe.within_ns, 30000 * MS);
	assert_int_equal(ob_expect_parse("closes rst >= 1", &e, err,
			     sizeof(err)),
	    0);
	assert_int_equal(e.kind, OB_EXP_CLOSES);
	assert_int_equal(e.end, OB_END_RST);
	assert_false(e.every);
	assert_int_equal(ob_expect_parse("every close sends FIN", &e, err,
			     sizeof(err)),
	    0);
	assert_true(e.every);
	assert_int_equal(e.end, OB_END_FIN);
	assert_int_equal(ob_expect_parse("close time <= 1100ms", &e, err,
			     sizeof(err)),
	    0);
	assert_int_equal(e.kind, OB_EXP_CLOSE_TIME);
	assert_int_equal(e.value, 1100 * (int64_t)MS);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		/* the scenario language's own messages */
		{ "", "expected a probe such as fds" },
		{ "growth fd <= 0", "unknown probe \"fd\"" },
		{ "growth fds =< 0",
		    "expected an operator such as <=, got \"=<\"" },
		{ "sockets FIN_WAIT3 = 0", "unknown TCP state \"FIN_WAIT3\"" },
		{ "growth fds <= 0 within 2s",
		    "within goes with a plain probe" },
		/* this command's own */
		{ "closes syn >= 1",
		    "expected fin, rst or none, got \"syn\" "
		    "(word 2 of" },
		{ "closes fin >=", "expected a value, got the end of" },
		{ "closes fin >= 1.5", "expected a whole number, got \"1.5\"" },
		{ "closes fin >= 1 please",
		    "expected nothing more, got \"please\"" },
		{ "every close sends",
		    "expected fin, rst or none, got the end" },
		{ "every connection sends rst",
		    "expected \"close\", got "
		    "\"connection\"" },
		{ "close time <= 2",
		    "expected a duration (1100ms, 2s), got \"2\"" },
		{ "close delay <= 2s", "expected \"time\", got \"delay\"" },
		{ "closes a b c d e f", "too many words" },
	};
	struct ob_expect e;
	char err[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ob_expect_parse(bad[i].text, &e, err,
				     sizeof(err)),
		    -1);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("'%s': got '%s', wanted '%s'", bad[i].text,
			    err, bad[i].want);
	}
}

static void
test_tcpext_names(void **state)
{
	struct ob_expect e[3];
	char names[OB_TCPEXT_MAX][OB_TCPEXT_NAME], err[300];
	size_t n;

	(void)state;
	assert_int_equal(ob_expect_parse("growth tcpext TCPAbortOnLinger = 0",
			     &e[0], err, sizeof(err)),
	    0);
	assert_int_equal(ob_expect_parse("tcpext TCPOrphanQueued >= 1", &e[1],
			     err, sizeof(err)),
	    0);
	assert_int_equal(ob_expect_parse("growth fds <= 0", &e[2], err,
			     sizeof(err)),
	    0);
	n = ob_tcpext_names(e, 3, names, OB_TCPEXT_MAX);
	assert_int_equal(n, 6);
	assert_string_equal(names[0], "TCPAbortOnClose");
	assert_string_equal(names[2], "TCPAbortOnLinger");
	assert_string_equal(names[5], "TCPOrphanQueued");
	assert_int_equal(ob_tcpext_names(e, 3, names, 2), 2);
}

static uint64_t t_exit = OB_NO_TIME;

static void
eval(const char *text, const struct ob_series *s, const struct ob_conns *cs,
    struct ob_verdict *v)
{
	struct ob_expect e;
	char err[200];

	if (ob_expect_parse(text, &e, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", text, err);
	ob_expect_eval(&e, s, cs, t_exit, v);
}

static void
test_eval_growth(void **state)
{
	struct ob_sample x[3];
	struct ob_series s = { .v = x, .n = 3, .cap = 3 };
	struct ob_conns cs = { .shim_loaded = true };
	struct ob_series none = { .v = NULL };
	struct ob_verdict v;
	int i;

	(void)state;
	memset(x, 0, sizeof(x));
	for (i = 0; i < 3; i++) {
		x[i].t_ns = (uint64_t)i * 100 * MS;
		x[i].running = true;
		x[i].procs = 1;
		x[i].fds = 4 + 100 * i;
		x[i].threads = 1;
		x[i].by_state[4] = (uint32_t)(2 - i);
	}
	eval("growth fds <= 0", &s, &cs, &v);
	assert_true(v.decided);
	assert_false(v.pass);
	assert_int_equal(v.actual, 200);
	assert_non_null(strstr(v.detail,
	    "fds grew by 200 (4 -> 204, peak "
	    "204 at +0.200s); wanted <= 0"));
	eval("peak fds < 300", &s, &cs, &v);
	assert_true(v.pass);
	eval("sockets FIN_WAIT1 = 0", &s, &cs, &v);
	assert_true(v.pass);
	assert_non_null(strstr(v.detail, "sockets in FIN_WAIT1 ended at 0"));
	/* within D of the exit: any sample from the exit to D after it */
	t_exit = 100 * MS;
	eval("sockets FIN_WAIT1 = 1 within 50ms", &s, &cs, &v);
	assert_true(v.pass);
	eval("sockets FIN_WAIT1 = 2 within 1s", &s, &cs, &v);
	assert_false(v.pass);
	assert_non_null(strstr(v.detail,
	    "wanted = 2 within 1s of the exit; "
	    "--settle"));
	t_exit = OB_NO_TIME;
	/* counters: by name, sampled or not */
	snprintf(s.tcpext[0], sizeof(s.tcpext[0]), "TCPAbortOnLinger");
	s.ntcpext = 1;
	x[2].tcpext[0] = 7;
	eval("growth tcpext TCPAbortOnLinger >= 7", &s, &cs, &v);
	assert_true(v.pass);
	assert_non_null(strstr(v.detail, "TcpExt TCPAbortOnLinger grew by 7"));
	eval("tcpext TCPAbortOnData = 0", &s, &cs, &v);
	assert_false(v.decided);
	assert_non_null(strstr(v.detail, "was not sampled"));
	eval("growth threads <= 0", &none, &cs, &v);
	assert_false(v.decided);
	assert_false(v.pass);
	assert_non_null(strstr(v.detail, "no sample of threads"));
}

static void
test_eval_closes(void **state)
{
	struct ob_conn c[2];
	struct ob_conns cs = { .v = c, .n = 2, .cap = 2, .shim_loaded = true };
	struct ob_verdict v;

	(void)state;
	memset(c, 0, sizeof(c));
	c[0].end = OB_END_RST;
	c[0].close.call = OB_CLOSE;
	c[0].close.t0 = 10 * MS;
	c[0].close.t1 = 1010 * MS;
	c[1].end = OB_END_FIN_RST;
	c[1].close.call = OB_OPEN_AT_EXIT;
	eval("every close sends rst", NULL, &cs, &v);
	assert_true(v.pass);
	assert_string_equal(v.detail, "2 of 2 connections sent RST");
	eval("closes fin >= 2", NULL, &cs, &v);
	assert_false(v.pass);
	assert_int_equal(v.actual, 1);
	eval("closes none = 0", NULL, &cs, &v);
	assert_true(v.pass);
	eval("close time <= 1100ms", NULL, &cs, &v);
	assert_true(v.pass);
	assert_string_equal(v.detail,
	    "the longest of 1 close() calls took 1000.0 ms");
	eval("close time < 1s", NULL, &cs, &v);
	assert_false(v.pass);
	cs.n = 0;
	eval("every close sends fin", NULL, &cs, &v);
	assert_false(v.decided);
	eval("close time < 1s", NULL, &cs, &v);
	assert_false(v.decided);
	assert_non_null(strstr(v.detail, "no close() call was seen"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_tcpext_names),
		cmocka_unit_test(test_eval_growth),
		cmocka_unit_test(test_eval_closes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
