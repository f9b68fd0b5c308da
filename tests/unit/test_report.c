/*
 * test_report.c - the four report writers: what each says (golden
 * substrings), and that real readers accept what they write: TAP through
 * TAP::Parser and prove, JUnit through xmllint, JSON Lines through
 * Python's json module. Text from scenario files is hostile here on
 * purpose (quotes, markup, '#', control characters, bytes that are not
 * UTF-8), and must come back out intact or safely replaced.
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
#include <sys/wait.h>
#include <unistd.h>

#include "eval_fixture.h"
#include "report.h"

/* Every kind of character a writer must handle, in one string. */
#define NASTY "q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl\x01 " \
	"esc\x1b[31m bad\xff\xfe ok\xc2\xb1 end"

static void
lacks(const char *what, const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("%s has \"%s\"; it is:\n%s", what, needle, hay);
}

/* The case the examples in docs/scenario-language.md describe, observed. */
static void
add_linger_case(struct run_result *run)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	fx_step(f, STEP_CONNECT, MS(10), MS(12), 0, NULL);
	fx_seg(f, MS(10), true, TCPF_SYN, 100, 0, 64240, 0);
	fx_seg(f, MS(11), false, TCPF_SYN | TCPF_ACK, 900, 101, 65535, 0);
	fx_seg(f, MS(12), true, TCPF_ACK, 101, 901, 502, 0);
	fx_step(f, STEP_CLOSE, MS(120), MS(2135), 0, NULL);
	fx_seg(f, MS(120), true, TCPF_FIN | TCPF_ACK, 101, 901, 502, 0);
	fx_seg(f, MS(330), true, TCPF_FIN | TCPF_ACK, 101, 901, 502, 0);
	e = fx_expect(f, EXP_RETURNS, SCN_OS_LINUX, "expect linux: returns 0");
	snprintf(e->because, sizeof(e->because), "net/ipv4/tcp.c __tcp_close");
	fx_expect(f, EXP_BLOCKS_ABOUT, SCN_OS_LINUX,
	    "expect linux: blocks about 2s")->duration_ns = SEC(2);
	/* deliberately wrong */
	fx_expect(f, EXP_BLOCKS_ABOUT, SCN_OS_LINUX,
	    "expect linux: blocks about 5s")->duration_ns = SEC(5);
	e = fx_expect(f, EXP_FAILS, SCN_OS_FREEBSD, "expect freebsd: fails EWOULDBLOCK");
	snprintf(e->err_name, sizeof(e->err_name), "EWOULDBLOCK");
	snprintf(e->because, sizeof(e->because), "sys/kern/uipc_socket.c soclose");
	e = fx_expect(f, EXP_WIRE_SENDS, SCN_OS_ALL, "expect wire client sends RST within 100ms");
	e->what = WIRE_RST;
	e->duration_ns = MS(100);
	f->obs.duration_ns = MS(2530);
	snprintf(f->obs.pcap_path, sizeof(f->obs.pcap_path), "/tmp/ll/basic.pcap");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(run_result_add(run, &cr), 0);
	assert_null(cr.verdicts);
	free(f);
}

/* A case that stopped, with hostile text everywhere a scenario puts text. */
static void
add_nasty_case(struct run_result *run)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	snprintf(f->sc.case_name, sizeof(f->sc.case_name), "x.scn[m=<&\"#>]");
	snprintf(f->sc.description, sizeof(f->sc.description), "%s", NASTY);
	fx_step(f, STEP_CONNECT, 0, MS(1), 0, NULL);
	e = fx_expect(f, EXP_RETURNS, SCN_OS_ALL, NASTY);
	e->value = 1;
	snprintf(e->because, sizeof(e->because), "%s", NASTY);
	fx_step(f, STEP_CLOSE, 0, 0, 0, NULL);
	f->calls[1].ran = false;
	fx_expect(f, EXP_RETURNS, SCN_OS_ALL, "expect returns 0");
	f->obs.aborted = true;
	f->obs.duration_ns = MS(40);
	snprintf(f->obs.abort_reason, sizeof(f->obs.abort_reason), "%s", NASTY);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(run_result_add(run, &cr), 0);
	free(f);
}

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

/* A temporary file for a report, and reading it back. */
struct out {
	char path[64];
	FILE *fp;
	char *text;
};

static void
out_open(struct out *o)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(o->path, sizeof(o->path), "%s/llreport.XXXXXX",
	    dir != NULL && strlen(dir) < 40 ? dir : "/tmp");
	assert_true((fd = mkstemp(o->path)) >= 0);
	assert_non_null(o->fp = fdopen(fd, "w+"));
	o->text = NULL;
}

static const char *
out_text(struct out *o)
{
	long n;

	assert_int_equal(fflush(o->fp), 0);
	assert_true((n = ftell(o->fp)) >= 0);
	assert_non_null(o->text = calloc(1, (size_t)n + 1));
	rewind(o->fp);
	assert_int_equal(fread(o->text, 1, (size_t)n, o->fp), (size_t)n);
	return o->text;
}

static void
out_close(struct out *o)
{
	fclose(o->fp);
	unlink(o->path);
	free(o->text);
}

static void
write_run(const struct run_result *run, enum report_format fmt, bool colour, struct out *o)
{
	struct report_options opts = { .colour = colour };

	out_open(o);
	assert_int_equal(report_write(fmt, run, &opts, o->fp), 0);
	out_text(o);
}

static bool
have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* Run a shell command; its output in *out (caller frees), its exit status back. */
static int
run_cmd(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
run_cmd(char **out, const char *fmt, ...)
{
	char cmd[1024], buf[4096];
	size_t len = 0, n;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_non_null(p = popen(cmd, "r"));
	assert_non_null(*out = calloc(1, 1));
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		assert_non_null(*out = realloc(*out, len + n + 1));
		memcpy(*out + len, buf, n);
		len += n;
		(*out)[len] = '\0';
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
hex(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", (unsigned char)s[i]);
}

static void
build(struct run_result *run)
{
	run_result_init(run, "Linux 6.1.0 <&>");
	add_linger_case(run);
	add_nasty_case(run);
}

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
	assert_string_equal(verdict_kind_id(VERDICT_NOT_REACHED), "not-reached");
	run_result_free(&run);
	run_result_free(&run);		/* twice is harmless */
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
	fx_contains("human report", t, "== t.scn[mode=blocking]  (2.530 s)\n   a test case\n");
	fx_contains("human report", t, "   capture: /tmp/ll/basic.pcap\n");
	fx_contains("human report", t, "   PASS         t.scn:13  expect linux: blocks about 2s\n"
	    "                expected: close(c) to block about 2 s \xc2\xb1 150 ms\n"
	    "                actual:   close(c) returned 0 after 2.015 s\n");
	/* the deliberately wrong expectation says what was wanted and what happened */
	fx_contains("human report", t, "   FAIL         t.scn:14  expect linux: blocks about 5s\n"
	    "                expected: close(c) to block about 5 s \xc2\xb1 300 ms\n"
	    "                actual:   close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\n");
	fx_contains("human report", t, "   N/A          t.scn:15  expect freebsd: fails EWOULDBLOCK\n"
	    "                expected: close(c) to fail with EWOULDBLOCK (or EAGAIN)\n"
	    "                FreeBSD only (this is Linux): expected from source, not yet "
	    "verified on this system; source: sys/kern/uipc_socket.c soclose\n");
	fx_contains("human report", t, "closest segments, and how they differ:\n"
	    "                    +0.120s client:40000 > peer:7000 [F.] seq 101 ack 901 win 502 len 0\n"
	    "                      from client, flags F. but wanted R; at +0.120s\n");
	fx_contains("human report", t, "on the wire around +0.120s (segments 1 to 5 of 5; * in the window):\n");
	fx_contains("human report", t, "                  * +0.330s client:40000 > peer:7000 [F.]");
	fx_contains("human report", t, "   NOT REACHED  t.scn:13  expect returns 0\n");
	fx_contains("human report", t, "   ERROR        t.scn  the case runs to its end\n");
	fx_contains("human report", t, "   stopped early: ");
	/* control characters from the scenario never reach the terminal */
	fx_contains("human report", t, "tab?nl?ctl? esc?[31m");
	fx_contains("human report", t, "   2 passed, 2 failed, 1 not applicable\n");
	fx_contains("human report", t, "\n2 passed, 5 failed, 1 not applicable (of the failed: "
	    "1 not reached, 1 error) in 2 cases, 2.570 s\n2 passed, 5 failed\n");
	out_close(&o);

	/* verbose: when each check was made, and its source even when it passed */
	out_open(&o);
	assert_int_equal(report_human(&run, &(struct report_options){ .verbose = true }, o.fp), 0);
	fx_contains("verbose report", out_text(&o), "   PASS         t.scn:12  expect linux: returns 0"
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
	fx_contains("TAP", t, "ok 1 - t.scn[mode=blocking]: expect linux: returns 0 (t.scn:12)\n");
	fx_contains("TAP", t, "not ok 3 - t.scn[mode=blocking]: expect linux: blocks about 5s (t.scn:14)\n"
	    "  ---\n  verdict: fail\n");
	fx_contains("TAP", t, "  expected: \"close(c) to block about 5 s \xc2\xb1 300 ms\"\n"
	    "  actual: \"close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\"\n"
	    "  at: \"t.scn:14\"\n");
	fx_contains("TAP", t, "ok 4 - t.scn[mode=blocking]: expect freebsd: fails EWOULDBLOCK "
	    "(t.scn:15) # SKIP FreeBSD only (this is Linux): expected from source");
	fx_contains("TAP", t, "        differs: \"from client, flags F. but wanted R; at +0.120s\"\n");
	/* '#' escaped, control characters blanked, bad bytes replaced */
	fx_contains("TAP", t, "not ok 6 - x.scn[m=<&\"\\#>]: q\"uote b\\\\ack <tag> &amp 'apos' "
	    "\\#hash ]]> tab nl ctl  esc [31m bad?? ok\xc2\xb1 end (t.scn:11)\n");
	fx_contains("TAP", t, "  because: \"q\\\"uote b\\\\ack <tag> &amp 'apos' #hash ]]> "
	    "tab\\tnl\\nctl\\x01 esc\\x1b[31m bad?? ok\xc2\xb1 end\"\n");
	fx_contains("TAP", t, "\n# 2 passed, 5 failed, 1 not applicable\n");

	if (!have("perl")) {
		out_close(&o);
		run_result_free(&run);
		skip();
	}
	write_script(&pl, tap_check_pl);
	assert_int_equal(run_cmd(&res, "perl %s %s 2>&1", pl.path, o.path), 0);
	fx_contains("TAP::Parser", res, "version 13 planned 8 run 8 passed 3 failed 5 skipped 1 yaml 5\n");
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
		assert_int_not_equal(run_cmd(&res, "prove -e cat %s 2>&1", o.path), 0);
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
	fx_contains("TAP", o.text, "ok 2 - t.scn[mode=blocking]: expect windows: returns 0 (t.scn:12)"
	    " # SKIP Windows only (this is Linux): not checked here\n");
	if (!have("prove")) {
		out_close(&o);
		run_result_free(&run);
		skip();
	}
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
	fx_contains("JUnit", t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lingerlab\" "
	    "tests=\"8\" failures=\"3\" errors=\"2\" skipped=\"1\" time=\"2.570\">\n");
	fx_contains("JUnit", t, "<testsuite name=\"x.scn[m=&lt;&amp;&quot;#&gt;]\" tests=\"3\" "
	    "failures=\"1\" errors=\"2\" skipped=\"0\" time=\"0.040\">");
	fx_contains("JUnit", t, "<failure message=\"expected close(c) to block about 5 s \xc2\xb1 300 ms; "
	    "actual: close(c) returned 0 after 2.015 s, 2.985 s less than 5 s\" type=\"fail\">");
	fx_contains("JUnit", t, "<skipped message=\"FreeBSD only (this is Linux): expected from source");
	fx_contains("JUnit", t, "<error message=\"close(c) did not run: the case stopped at +0.040s, "
	    "before it\" type=\"not-reached\">");
	fx_contains("JUnit", t, "type=\"not-reached\"");
	fx_contains("JUnit", t, "client:40000 &gt; peer:7000 [F.]");
	fx_contains("JUnit", t, "value=\"q&quot;uote b\\ack &lt;tag&gt; &amp;amp &apos;apos&apos; #hash "
	    "]]&gt; tab&#9;nl&#10;ctl? esc?[31m bad?? ok\xc2\xb1 end\"");
	fx_contains("JUnit", t, "because:  q\"uote b\\ack &lt;tag&gt; &amp;amp 'apos' #hash ]]&gt; "
	    "tab\tnl\nctl? esc?[31m bad?? ok\xc2\xb1 end\n");
	lacks("JUnit", t, "\x01");
	lacks("JUnit", t, "\x1b");

	if (!have("xmllint")) {
		out_close(&o);
		run_result_free(&run);
		skip();
	}
	assert_int_equal(run_cmd(&res, "xmllint --noout %s 2>&1", o.path), 0);
	assert_string_equal(res, "");
	free(res);
	assert_int_equal(run_cmd(&res, "xmllint --xpath 'count(//testcase)' %s", o.path), 0);
	assert_string_equal(res, "8\n");
	free(res);
	assert_int_equal(run_cmd(&res, "xmllint --xpath 'count(//testcase/failure)' %s", o.path), 0);
	assert_string_equal(res, "3\n");
	free(res);
	assert_int_equal(run_cmd(&res, "xmllint --xpath "
	    "'string(//testsuite[2]/properties/property[@name=\"description\"]/@value)' %s",
	    o.path), 0);
	assert_string_equal(res, "q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl? "
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
	assert_memory_equal(t, "{\"case\":\"t.scn[mode=blocking]\",\"file\":\"t.scn\"", 44);
	fx_contains("JSON", t, "\"counts\":{\"pass\":2,\"fail\":2,\"not-applicable\":1,"
	    "\"not-reached\":0,\"error\":0}");
	fx_contains("JSON", t, "\"description\":\"q\\\"uote b\\\\ack <tag> &amp 'apos' #hash ]]> "
	    "tab\\tnl\\nctl\\u0001 esc\\u001b[31m bad\\ufffd\\ufffd ok\xc2\xb1 end\"");
	fx_contains("JSON", t, "\"verdict\":\"not-applicable\",\"file\":\"t.scn\",\"line\":15,"
	    "\"col\":5,\"check\":\"expect freebsd: fails EWOULDBLOCK\",\"os\":[\"freebsd\"],");
	fx_contains("JSON", t, "\"os\":[\"linux\",\"freebsd\",\"windows\"]");

	if (!have("python3")) {
		out_close(&o);
		run_result_free(&run);
		skip();
	}
	write_script(&py, json_check_py);
	assert_int_equal(run_cmd(&res, "python3 %s %s 2>&1", py.path, o.path), 0);
	fx_contains("python json", res, "cases 2\n");
	fx_contains("python json", res, "case t.scn[mode=blocking] 5 2 False\n");
	fx_contains("python json", res, "  fail 16 True\n");
	fx_contains("python json", res, "case x.scn[m=<&\"#>] 3 1 True\n");
	fx_contains("python json", res, "  error 0 False\n");
	fx_contains("python json", res, "closest from client, flags F. but wanted R; at +0.120s\n");
	/* U+FFFD for each bad byte, everything else as written */
	memcpy(want, "description ", 12);
	hex("q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl\x01 esc\x1b[31m "
	    "bad\xef\xbf\xbd\xef\xbf\xbd ok\xc2\xb1 end", want + 12, sizeof(want) - 12);
	fx_contains("python json", res, want);
	free(res);
	out_close(&py);
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
	fx_contains("human", o.text, "lingerlab: 0 cases on an unknown system\n");
	fx_contains("human", o.text, "\n0 passed, 0 failed\n");
	out_close(&o);
	write_run(&run, REPORT_TAP, false, &o);
	assert_string_equal(o.text, "TAP version 13\n1..0 # SKIP no expectations to check\n"
	    "# lingerlab on an unknown system\n# 0 passed, 0 failed, 0 not applicable\n");
	if (have("prove")) {
		assert_int_equal(run_cmd(&res, "prove -e cat %s 2>&1", o.path), 0);
		free(res);
	}
	out_close(&o);
	write_run(&run, REPORT_JUNIT, false, &o);
	if (have("xmllint")) {
		assert_int_equal(run_cmd(&res, "xmllint --noout %s 2>&1", o.path), 0);
		free(res);
	}
	out_close(&o);
	write_run(&run, REPORT_JSON, false, &o);
	assert_string_equal(o.text, "");
	out_close(&o);
	run_result_free(&run);
}

static void
test_stream_errors_are_reported(void **state)
{
	enum report_format fmts[] = { REPORT_HUMAN, REPORT_TAP, REPORT_JUNIT, REPORT_JSON };
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
	assert_int_equal(report_write((enum report_format)99, &run, NULL, stdout), -1);
	run_result_free(&run);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_result),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_tap_all_pass_satisfies_prove),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_empty_run),
		cmocka_unit_test(test_stream_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
