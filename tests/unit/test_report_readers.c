/*
 * test_report_readers.c - real readers accept what the report writers
 * write: TAP through TAP::Parser and prove, JUnit through xmllint, JSON
 * Lines through Python's json module, with the writers' own golden
 * substrings first. Text from scenario files is hostile here on purpose
 * (report_fixture.h), and must come back out intact or safely replaced.
 *
 * A reader that is not installed skips its part of a test, never passes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"
#include "report_fixture.h"

static void
add_passing_case(struct run_result *run)
{
	struct fx *f = fx_new();
	struct case_result cr;

	fx_step(f, STEP_CLOSE, 0, MS(1), 0, NULL);
	fx_expect(f, EXP_RETURNS, SCN_OS_ALL, "expect returns 0");
	fx_expect(f, EXP_RETURNS, SCN_OS_WINDOWS, "expect windows: returns 0");
	f->obs.duration_ns = MS(5);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(run_result_add(run, &cr), 0);
	free(f);
}

static void
hex(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", (unsigned char)s[i]);
}

/* Skip the rest of a test when tool is not installed, freeing what it holds. */
static void
skip_without(const char *tool, struct out *o, struct run_result *run)
{
	if (have(tool))
		return;
	out_close(o);
	run_result_free(run);
	skip();
}

/* TAP::Parser's own reading: counts, parse errors and every YAML block. */
static const char tap_check_pl[] =
    "use strict; use warnings; use TAP::Parser;\n"
    "open(my $fh, '<', $ARGV[0]) or die; my $tap = do { local $/; <$fh> };\n"
    "my $p = TAP::Parser->new({ tap => $tap }); my $yaml = 0;\n"
    "while (my $r = $p->next) {\n"
    "  next unless $r->is_yaml; $yaml++; my $d = $r->data;\n"
    "  die 'not a hash' unless ref $d eq 'HASH';\n"
    "  print 'check ', unpack('H*', $d->{check} // ''), \"\\n\";\n"
    "  print 'at ', $d->{at} // '', \"\\n\";\n"
    "}\n"
    "printf \"version %d planned %d run %d passed %d failed %d skipped %d yaml %d\\n\",\n"
    "  $p->version, $p->tests_planned // -1, $p->tests_run, scalar($p->passed),\n"
    "  scalar($p->failed), scalar($p->skipped), $yaml;\n"
    "print \"parse error: $_\\n\" for $p->parse_errors;\n";

static void
write_script(struct out *o, const char *text)
{
	out_open(o);
	assert_true(fputs(text, o->fp) >= 0);
	assert_int_equal(fflush(o->fp), 0);
}

static void
test_tap(void **state)
{
	char sane[512], want[1200], *res;
	struct run_result run;
	struct out o, pl;
	const char *t;
	size_t i;

	(void)state;
	build(&run);
	write_run(&run, REPORT_TAP, false, &o);
	t = o.text;
	assert_memory_equal(t, "TAP version 13\n1..8\n", 20);
	fx_contains("TAP", t,
	    "ok 1 - t.scn[mode=blocking]: expect linux: returns 0 (t.scn:12)\n");
	fx_contains("TAP", t,
	    "not ok 3 - t.scn[mode=blocking]: expect linux: blocks about 5s (t.scn:14)\n"
	    "  ---\n  verdict: fail\n");
	fx_contains("TAP", t,
	    "  expected: \"close(c) to block about 5 s \xc2\xb1 300 ms\"\n"
	    "  actual: \"close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\"\n"
	    "  at: \"t.scn:14\"\n");
	fx_contains("TAP", t,
	    "ok 4 - t.scn[mode=blocking]: expect freebsd: fails EWOULDBLOCK "
	    "(t.scn:15) # SKIP FreeBSD only (this is Linux): expected from source");
	fx_contains("TAP", t,
	    "        differs: \"from client, flags F. but wanted R; at +0.120s\"\n");
	/* '#' escaped, control characters blanked, bad bytes replaced */
	fx_contains("TAP", t,
	    "not ok 6 - x.scn[m=<&\"\\#>]: q\"uote b\\\\ack <tag> &amp 'apos' "
	    "\\#hash ]]> tab nl ctl  esc [31m bad?? ok\xc2\xb1 end (t.scn:11)\n");
	fx_contains("TAP", t,
	    "  because: \"q\\\"uote b\\\\ack <tag> &amp 'apos' #hash ]]> "
	    "tab\\tnl\\nctl\\x01 esc\\x1b[31m bad?? ok\xc2\xb1 end\"\n");
	fx_contains("TAP", t, "\n# 2 passed, 5 failed, 1 not applicable\n");

	skip_without("perl", &o, &run);
	write_script(&pl, tap_check_pl);
	assert_int_equal(run_cmd(&res, "perl %s %s 2>&1", pl.path, o.path), 0);
	fx_contains("TAP::Parser", res,
	    "version 13 planned 8 run 8 passed 3 failed 5 skipped 1 yaml 5\n");
	lacks("TAP::Parser", res, "parse error");
	/* the hostile check comes back byte for byte, bad bytes as '?' */
	snprintf(sane, sizeof(sane), "%s", NASTY);
	for (i = 0; sane[i] != '\0'; i++)
		if ((unsigned char)sane[i] >= 0xfe)
			sane[i] = '?';
	memcpy(want, "check ", 6);
	hex(sane, want + 6, sizeof(want) - 6);
	fx_contains("TAP::Parser", res, want);
	fx_contains("TAP::Parser", res, "at t.scn:14\n");
	free(res);
	out_close(&pl);

	if (have("prove")) {
		/* failures make prove fail, but it must read every line */
		assert_int_not_equal(run_cmd(&res, "prove -e cat %s 2>&1",
					 o.path),
		    0);
		lacks("prove", res, "Parse errors");
		fx_contains("prove", res, "Failed 5/8 subtests");
		free(res);
	}
	out_close(&o);
	run_result_free(&run);
}

static void
test_tap_all_pass_satisfies_prove(void **state)
{
	struct run_result run;
	struct out o;
	char *res;

	(void)state;
	run_result_init(&run, "Linux");
	add_passing_case(&run);
	write_run(&run, REPORT_TAP, false, &o);
	fx_contains("TAP", o.text, "TAP version 13\n1..2\n");
	fx_contains("TAP", o.text,
	    "ok 2 - t.scn[mode=blocking]: expect windows: returns 0 (t.scn:12)"
	    " # SKIP Windows only (this is Linux): not checked here\n");
	skip_without("prove", &o, &run);
	assert_int_equal(run_cmd(&res, "prove -e cat %s 2>&1", o.path), 0);
	fx_contains("prove", res, "Result: PASS");
	free(res);
	out_close(&o);
	run_result_free(&run);
}

static void
test_junit(void **state)
{
	struct run_result run;
	struct out o;
	const char *t;
	char *res;

	(void)state;
	build(&run);
	write_run(&run, REPORT_JUNIT, false, &o);
	t = o.text;
	fx_contains("JUnit", t,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lingerlab\" "
	    "tests=\"8\" failures=\"3\" errors=\"2\" skipped=\"1\" time=\"2.570\">\n");
	fx_contains("JUnit", t, "<property name=\"family\" value=\"ipv4\"/>");
	fx_contains("JUnit", t, "<property name=\"family\" value=\"ipv6\"/>");
	fx_contains("JUnit", t,
	    "<testsuite name=\"x.scn[m=&lt;&amp;&quot;#&gt;]\" tests=\"3\" "
	    "failures=\"1\" errors=\"2\" skipped=\"0\" time=\"0.040\">");
	fx_contains("JUnit", t,
	    "<failure message=\"expected close(c) to block about 5 s \xc2\xb1 300 ms; "
	    "actual: close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\" type=\"fail\">");
	fx_contains("JUnit", t,
	    "<skipped message=\"FreeBSD only (this is Linux): expected from source");
	fx_contains("JUnit", t,
	    "<error message=\"close(c) did not run: the case stopped at +0.040s, "
	    "before it\" type=\"not-reached\">");
	fx_contains("JUnit", t, "type=\"not-reached\"");
	fx_contains("JUnit", t, "client:40000 &gt; peer:7000 [F.]");
	fx_contains("JUnit", t,
	    "value=\"q&quot;uote b\\ack &lt;tag&gt; &amp;amp &apos;apos&apos; #hash "
	    "]]&gt; tab&#9;nl&#10;ctl? esc?[31m bad?? ok\xc2\xb1 end\"");
	fx_contains("JUnit", t,
	    "because:  q\"uote b\\ack &lt;tag&gt; &amp;amp 'apos' #hash ]]&gt; "
	    "tab\tnl\nctl? esc?[31m bad?? ok\xc2\xb1 end\n");
	lacks("JUnit", t, "\x01");
	lacks("JUnit", t, "\x1b");

	skip_without("xmllint", &o, &run);
	assert_int_equal(run_cmd(&res, "xmllint --noout %s 2>&1", o.path), 0);
	assert_string_equal(res, "");
	free(res);
	assert_int_equal(run_cmd(&res, "xmllint --xpath 'count(//testcase)' %s",
			     o.path),
	    0);
	assert_string_equal(res, "8\n");
	free(res);
	assert_int_equal(run_cmd(&res,
			     "xmllint --xpath 'count(//testcase/failure)' %s",
			     o.path),
	    0);
	assert_string_equal(res, "3\n");
	free(res);
	assert_int_equal(
	    run_cmd(&res,
		"xmllint --xpath "
		"'string(//testsuite[2]/properties/property[@name=\"description\"]/@value)' %s",
		o.path),
	    0);
	assert_string_equal(res,
	    "q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl? "
	    "esc?[31m bad?? ok\xc2\xb1 end\n");
	free(res);
	out_close(&o);
	run_result_free(&run);
}

static const char json_check_py[] =
    "import json, sys\n"
    "lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')\n"
    "assert lines[-1] == '', 'no newline at the end'\n"
    "cases = [json.loads(l) for l in lines[:-1]]\n"
    "print('cases', len(cases))\n"
    "for c in cases:\n"
    "    print('case', c['case'], len(c['checks']), c['counts']['fail'], c['aborted'])\n"
    "    for k in c['checks']:\n"
    "        print(' ', k['verdict'], k['line'], 'wire' in k)\n"
    "print('description', cases[1]['description'].encode('utf-8').hex())\n"
    "print('closest', cases[0]['checks'][4]['wire']['closest'][0]['differs'])\n";

static void
test_json(void **state)
{
	char want[1200], *res;
	struct run_result run;
	struct out o, py;
	const char *t;

	(void)state;
	build(&run);
	write_run(&run, REPORT_JSON, false, &o);
	t = o.text;
	assert_memory_equal(t,
	    "{\"case\":\"t.scn[mode=blocking]\",\"file\":\"t.scn\"", 44);
	fx_contains("JSON", t,
	    "\"counts\":{\"pass\":2,\"fail\":2,\"not-applicable\":1,"
	    "\"not-reached\":0,\"error\":0}");
	fx_contains("JSON", t,
	    "\"description\":\"q\\\"uote b\\\\ack <tag> &amp 'apos' #hash ]]> "
	    "tab\\tnl\\nctl\\u0001 esc\\u001b[31m bad\\ufffd\\ufffd ok\xc2\xb1 end\"");
	fx_contains("JSON", t,
	    "\"verdict\":\"not-applicable\",\"file\":\"t.scn\",\"line\":15,"
	    "\"col\":5,\"check\":\"expect freebsd: fails EWOULDBLOCK\",\"os\":[\"freebsd\"],");
	fx_contains("JSON", t, "\"os\":[\"linux\",\"freebsd\",\"windows\"]");
	fx_contains("JSON", t, "\"family\":\"ipv4\",\"duration_ns\"");
	fx_contains("JSON", t, "\"family\":\"ipv6\",\"duration_ns\"");

	skip_without("python3", &o, &run);
	write_script(&py, json_check_py);
	assert_int_equal(run_cmd(&res, "python3 %s %s 2>&1", py.path, o.path),
	    0);
	fx_contains("python json", res, "cases 2\n");
	fx_contains("python json", res,
	    "case t.scn[mode=blocking] 5 2 False\n");
	fx_contains("python json", res, "  fail 16 True\n");
	fx_contains("python json", res, "case x.scn[m=<&\"#>] 3 1 True\n");
	fx_contains("python json", res, "  error 0 False\n");
	fx_contains("python json", res,
	    "closest from client, flags F. but wanted R; at +0.120s\n");
	/* U+FFFD for each bad byte, everything else as written */
	memcpy(want, "description ", 12);
	hex("q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl\x01 esc\x1b[31m "
	    "bad\xef\xbf\xbd\xef\xbf\xbd ok\xc2\xb1 end",
	    want + 12, sizeof(want) - 12);
	fx_contains("python json", res, want);
	free(res);
	out_close(&py);
	out_close(&o);
	run_result_free(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_tap_all_pass_satisfies_prove),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
