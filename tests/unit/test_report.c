/*
 * test_report.c - the run's result, and the human report: what it says
 * (golden substrings), plain and coloured, and that no control character
 * from a scenario reaches the terminal; an empty run in every format, and
 * a full disk reported by every writer. What real readers make of TAP,
 * JUnit and JSON is in test_report_readers.c.
 *
 * A reader that is not installed skips its part of a test, never passes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval_fixture.h"
#include "report_fixture.h"

static void
test_run_result(void **state)
{
	struct run_result run;
	enum report_format fmt;

	(void)state;
	build(&run);
	assert_int_equal(run.ncases, 2);
	/* linger: 2 pass, 2 fail, 1 N/A; nasty: 1 fail, 1 not reached, 1 error */
	assert_int_equal(run.counts[VERDICT_PASS], 2);
	assert_int_equal(run.counts[VERDICT_FAIL], 3);
	assert_int_equal(run.counts[VERDICT_NOT_APPLICABLE], 1);
	assert_int_equal(run.counts[VERDICT_NOT_REACHED], 1);
	assert_int_equal(run.counts[VERDICT_ERROR], 1);
	assert_int_equal(run_result_failures(&run), 5);
	assert_int_equal(run.duration_ns, MS(2570));
	assert_string_equal(run.os_name, "Linux 6.1.0 <&>");
	assert_int_equal(report_format_from_name("junit", &fmt), 0);
	assert_int_equal(fmt, REPORT_JUNIT);
	assert_int_equal(report_format_from_name("jsonl", &fmt), 0);
	assert_int_equal(fmt, REPORT_JSON);
	assert_int_equal(report_format_from_name("xml", &fmt), -1);
	assert_string_equal(report_format_name(REPORT_TAP), "tap");
	assert_string_equal(verdict_kind_name(VERDICT_NOT_APPLICABLE), "N/A");
	assert_string_equal(verdict_kind_id(VERDICT_NOT_REACHED),
	    "not-reached");
	run_result_free(&run);
	run_result_free(&run); /* twice is harmless */
}

static void
test_human(void **state)
{
	struct run_result run;
	struct out o;
	const char *t;

	(void)state;
	build(&run);
	write_run(&run, REPORT_HUMAN, false, &o);
	t = o.text;
	lacks("human report", t, "\033");
	fx_contains("human report", t,
	    "== t.scn[mode=blocking]  (2.530 s)\n   a test case\n");
	fx_contains("human report", t, "   capture: /tmp/ll/basic.pcap\n");
	fx_contains("human report", t,
	    "   PASS         t.scn:13  expect linux: blocks about 2s\n"
	    "                expected: close(c) to block about 2 s \xc2\xb1 150 ms\n"
	    "                actual:   close(c) returned 0 after 2.015 s\n");
	/* the deliberately wrong expectation says what was wanted and what happened */
	fx_contains("human report", t,
	    "   FAIL         t.scn:14  expect linux: blocks about 5s\n"
	    "                expected: close(c) to block about 5 s \xc2\xb1 300 ms\n"
	    "                actual:   close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\n");
	fx_contains("human report", t,
	    "   N/A          t.scn:15  expect freebsd: fails EWOULDBLOCK\n"
	    "                expected: close(c) to fail with EWOULDBLOCK (or EAGAIN)\n"
	    "                FreeBSD only (this is Linux): expected from source, not yet "
	    "verified on this system; source: sys/kern/uipc_socket.c soclose\n");
	fx_contains("human report", t,
	    "closest segments, and how they differ:\n"
	    "                    +0.120s client:40000 > peer:7000 [F.] seq 101 ack 901 win 502 len 0\n"
	    "                      from client, flags F. but wanted R; at +0.120s\n");
	fx_contains("human report", t,
	    "on the wire around +0.120s (segments 1 to 5 of 5; * in the window):\n");
	fx_contains("human report", t,
	    "                  * +0.330s client:40000 > peer:7000 [F.]");
	fx_contains("human report", t,
	    "   NOT REACHED  t.scn:13  expect returns 0\n");
	fx_contains("human report", t,
	    "   ERROR        t.scn  the case runs to its end\n");
	fx_contains("human report", t, "   stopped early: ");
	/* control characters from the scenario never reach the terminal */
	fx_contains("human report", t, "tab?nl?ctl? esc?[31m");
	fx_contains("human report", t,
	    "   2 passed, 2 failed, 1 not applicable\n");
	fx_contains("human report", t,
	    "\n2 passed, 5 failed, 1 not applicable (of the failed: "
	    "1 not reached, 1 error) in 2 cases, 2.570 s\n2 passed, 5 failed\n");
	out_close(&o);

	/* verbose: when each check was made, and its source even when it passed */
	out_open(&o);
	assert_int_equal(report_human(&run,
			     &(struct report_options){ .verbose = true }, o.fp),
	    0);
	fx_contains("verbose report", out_text(&o),
	    "   PASS         t.scn:12  expect linux: returns 0"
	    "  [+2.135s]\n                expected: close(c) to return 0\n"
	    "                actual:   close(c) returned 0 after 2.015 s\n"
	    "                because:  net/ipv4/tcp.c __tcp_close\n");
	out_close(&o);

	write_run(&run, REPORT_HUMAN, true, &o);
	fx_contains("coloured report", o.text, "\033[32mPASS        \033[0m");
	fx_contains("coloured report", o.text, "\033[31mFAIL        \033[0m");
	fx_contains("coloured report", o.text, "\033[33mN/A         \033[0m");
	fx_contains("coloured report", o.text, "\033[35mNOT REACHED \033[0m");
	fx_contains("coloured report", o.text, "\033[1;31mERROR       \033[0m");
	/* the plain summary stays plain, for scripts */
	fx_contains("coloured report", o.text, "\033[0m\n2 passed, 5 failed\n");
	out_close(&o);
	run_result_free(&run);
}

static void
test_empty_run(void **state)
{
	struct run_result run;
	struct out o;
	char *res;

	(void)state;
	run_result_init(&run, NULL);
	write_run(&run, REPORT_HUMAN, false, &o);
	fx_contains("human", o.text,
	    "lingerlab: 0 cases on an unknown system\n");
	fx_contains("human", o.text, "\n0 passed, 0 failed\n");
	out_close(&o);
	write_run(&run, REPORT_TAP, false, &o);
	assert_string_equal(o.text,
	    "TAP version 13\n1..0 # SKIP no expectations to check\n"
	    "# lingerlab on an unknown system\n# 0 passed, 0 failed, 0 not applicable\n");
	if (have("prove")) {
		assert_int_equal(run_cmd(&res, "prove -e cat %s 2>&1", o.path),
		    0);
		free(res);
	}
	out_close(&o);
	write_run(&run, REPORT_JUNIT, false, &o);
	if (have("xmllint")) {
		assert_int_equal(run_cmd(&res, "xmllint --noout %s 2>&1",
				     o.path),
		    0);
		free(res);
	}
	out_close(&o);
	write_run(&run, REPORT_JSON, false, &o);
	assert_string_equal(o.text, "");
	out_close(&o);
	run_result_free(&run);
}

/*
 * Lab mode: the system under test as its agent described it, the agent,
 * the wire's source and the clock bound, in every format; and what could
 * not be checked there.
 */
static void
test_lab_in_every_format(void **state)
{
	struct obs_lab lab = { .on = true, .clock_bound_ns = US(41) };
	struct run_result run;
	struct out o;
	size_t i;

	(void)state;
	snprintf(lab.agent, sizeof(lab.agent), "198.51.100.2:7900");
	snprintf(lab.system, sizeof(lab.system),
	    "FreeBSD 14.0-RELEASE on host "
	    "bsd <&>");
	snprintf(lab.wire, sizeof(lab.wire), "lingerpeer at 198.51.100.6:7999");
	build(&run);
	run.lab = lab;
	for (i = 0; i < run.ncases; i++)
		run.cases[i].lab = lab;
	snprintf(run.cases[0].lab_unchecked, sizeof(run.cases[0].lab_unchecked),
	    "1 check cannot be made on this system under test: it does not "
	    "report tcpext TCPAbortOnLinger (its agent answered unknown)");
	write_run(&run, REPORT_HUMAN, false, &o);
	fx_contains("human", o.text,
	    "lingerlab: 2 cases on FreeBSD 14.0-RELEASE "
	    "on host bsd <&>, through lingerlab-agent at 198.51.100.2:7900; the "
	    "wire as lingerpeer at 198.51.100.6:7999 saw it; clocks agree within "
	    "41 us\n");
	fx_contains("human", o.text,
	    "   lab: clocks agree within 41 us (wire "
	    "windows widened by it)\n");
	fx_contains("human", o.text,
	    "   lab: 1 check cannot be made on this "
	    "system under test: it does not report tcpext TCPAbortOnLinger");
	out_close(&o);
	write_run(&run, REPORT_TAP, false, &o);
	fx_contains("TAP", o.text,
	    "# lingerlab on FreeBSD 14.0-RELEASE on host "
	    "bsd <&>, through lingerlab-agent at 198.51.100.2:7900;");
	fx_contains("TAP", o.text, "\n# lab: clocks agree within 41 us\n");
	fx_contains("TAP", o.text, "\n# lab: 1 check cannot be made");
	out_close(&o);
	write_run(&run, REPORT_JUNIT, false, &o);
	fx_contains("JUnit", o.text,
	    "<property name=\"lab-clock-bound-ns\" "
	    "value=\"41000\"/>");
	fx_contains("JUnit", o.text,
	    "<property name=\"lab-system\" "
	    "value=\"FreeBSD 14.0-RELEASE on host bsd &lt;&amp;&gt;\"/>");
	fx_contains("JUnit", o.text,
	    "<property name=\"lab-agent\" "
	    "value=\"198.51.100.2:7900\"/>");
	fx_contains("JUnit", o.text, "<property name=\"lab-unchecked\"");
	out_close(&o);
	write_run(&run, REPORT_JSON, false, &o);
	fx_contains("JSON", o.text,
	    ",\"lab\":{\"system\":\"FreeBSD "
	    "14.0-RELEASE on host bsd <&>\",\"agent\":\"198.51.100.2:7900\","
	    "\"wire\":\"lingerpeer at 198.51.100.6:7999\",\"clock_bound_ns\":"
	    "41000,\"unchecked\":\"1 check cannot be made");
	fx_contains("JSON", o.text,
	    "\"clock_bound_ns\":41000,\"unchecked\":\"\"}");
	out_close(&o);
	run_result_free(&run);
}

static void
test_stream_errors_are_reported(void **state)
{
	enum report_format fmts[] = { REPORT_HUMAN, REPORT_TAP, REPORT_JUNIT,
		REPORT_JSON };
	struct run_result run;
	size_t i;
	FILE *fp;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	build(&run);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		assert_non_null(fp = fopen("/dev/full", "w"));
		errno = 0;
		assert_int_equal(report_write(fmts[i], &run, NULL, fp), -1);
		assert_int_equal(errno, ENOSPC);
		fclose(fp);
	}
	assert_int_equal(report_write((enum report_format)99, &run, NULL,
			     stdout),
	    -1);
	run_result_free(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_result),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_empty_run),
		cmocka_unit_test(test_lab_in_every_format),
		cmocka_unit_test(test_stream_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
