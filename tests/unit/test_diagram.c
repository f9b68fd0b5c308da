/*
 * test_diagram.c - the ladder diagram of a known case, in the terminal and
 * as SVG, and the run's summary table as text and HTML (a repeat case's
 * probe plots: test_diagram_probes.c).
 *
 * The case: connect (the handshake), send 10 KiB (acknowledged), then a
 * close that blocks 1 s while its FIN, swallowed by the peer, is sent
 * again twice. Absolute sequence numbers are chosen so that the relative
 * ones the diagram must show are known: the client's ISN is 1000, the
 * peer's 5000.
 *
 * What XML tools must read (the SVG, the HTML page) goes through xmllint
 * when it is installed; without it that part skips, never passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagram.h"
#include "eval_fixture.h"

#define CLIENT_ISN 1000u
#define PEER_ISN   5000u

static struct fx *
known_case(void)
{
	struct fx *f = fx_new();
	size_t s;

	s = fx_step(f, STEP_PEER_LISTEN, US(500), US(700), 0, NULL);
	f->steps[s].sock = -1;
	f->steps[s].port = 7002;
	snprintf(f->steps[s].text, sizeof(f->steps[s].text), "swallow-fin");
	fx_step(f, STEP_CONNECT, MS(10), US(10400), 0, NULL);
	fx_seg(f, US(10050), true, TCPF_SYN, CLIENT_ISN, 0, 64240, 0);
	fx_seg(f, US(10250), false, TCPF_SYN | TCPF_ACK, PEER_ISN,
	    CLIENT_ISN + 1, 65535, 0);
	fx_seg(f, US(10300), true, TCPF_ACK, CLIENT_ISN + 1, PEER_ISN + 1, 502,
	    0);
	s = fx_step(f, STEP_SEND, MS(20), US(20100), 10240, NULL);
	f->steps[s].size = 10240;
	fx_seg(f, US(20050), true, TCPF_PSH | TCPF_ACK, CLIENT_ISN + 1,
	    PEER_ISN + 1, 502, 10240);
	fx_seg(f, US(20500), false, TCPF_ACK, PEER_ISN + 1, CLIENT_ISN + 10241,
	    65535, 0);
	fx_step(f, STEP_CLOSE, MS(100), MS(1100), 0, NULL);
	fx_expect(f, EXP_BLOCKS_ABOUT, SCN_OS_LINUX, "expect blocks about 1s")
	    ->duration_ns = SEC(1);
	fx_seg(f, US(100100), true, TCPF_FIN | TCPF_ACK, CLIENT_ISN + 10241,
	    PEER_ISN + 1, 502, 0);
	fx_seg(f, US(300100), true, TCPF_FIN | TCPF_ACK, CLIENT_ISN + 10241,
	    PEER_ISN + 1, 502, 0);
	fx_seg(f, US(700100), true, TCPF_FIN | TCPF_ACK, CLIENT_ISN + 10241,
	    PEER_ISN + 1, 502, 0);
	f->obs.duration_ns = MS(1200);
	f->obs.socks[0].laddr = ip_addr_v4(0xc0000201);
	f->obs.socks[0].raddr = ip_addr_v4(0xc0000202);
	f->obs.socks[0].rport = FX_PPORT;
	assert_int_equal(wire_classify(f->segs, f->obs.nsegs), 0);
	return f;
}

/* Render into memory. */
static char *
render(const struct diagram *dg, int svg, bool colour)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (svg)
		assert_int_equal(dg_svg(dg, true, NULL, fp), 0);
	else
		assert_int_equal(dg_text(dg, colour, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* The line of text holding needle, at or after from; fails if none. */
static const char *
line_with(const char *from, const char *needle, char *line, size_t len)
{
	const char *p = strstr(from, needle), *b, *e;

	if (p == NULL)
		fail_msg("no \"%s\" after here:\n%s", needle, from);
	for (b = p; b > from && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	snprintf(line, len, "%.*s", (int)(e != NULL ? e - b : (long)strlen(b)),
	    b);
	return e != NULL ? e + 1 : p + strlen(p);
}

static void
has(const char *what, const char *line, const char *needle)
{
	if (strstr(line, needle) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", what, line, needle);
}

static void
test_model(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg = dg_build(&f->obs, NULL, NULL);
	size_t i, nseg = 0, ncall = 0;

	(void)state;
	assert_non_null(dg);
	assert_int_equal(dg->nconns, 1);
	assert_string_equal(dg->conns[0].name, "c");
	assert_int_equal(dg->conns[0].isn[0], CLIENT_ISN);
	assert_int_equal(dg->conns[0].isn[1], PEER_ISN);
	assert_true(dg->rows[0].kind == DG_PEER);
	for (i = 0; i < dg->nrows; i++) {
		nseg += dg->rows[i].kind == DG_SEG;
		ncall += dg->rows[i].kind == DG_CALL;
		if (i > 0 && dg->rows[i].kind != DG_RETURN)
			assert_true(
			    dg->rows[i].t_ns + MS(1) >= dg->rows[i - 1].t_ns);
	}
	assert_int_equal(nseg, 8);
	assert_int_equal(ncall, 3);
	/* the close: a call, its FIN and two retransmissions, its return */
	i = dg->nrows - 5;
	assert_true(dg->rows[i].kind == DG_CALL && !dg->rows[i].instant);
	assert_int_equal(dg->rows[i].ref, dg->nrows - 1);
	assert_true(
	    dg->rows[i + 1].kind == DG_SEG && !dg->rows[i + 1].seg.retx);
	assert_int_equal(dg->rows[i + 1].seg.seq, 10241);
	assert_true(dg->rows[i + 2].seg.retx && dg->rows[i + 3].seg.retx);
	assert_true(dg->rows[i + 4].kind == DG_RETURN);
	assert_int_equal(dg->rows[i + 4].took_ns, SEC(1));
	dg_free(dg);
	free(f);
}

static void
test_text_ladder(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg = dg_build(&f->obs, NULL, NULL);
	char line[256], *t = render(dg, 0, false);
	const char *p = t;

	(void)state;
	p = line_with(p, "client", line, sizeof(line));
	has("header", line, "peer");
	p = line_with(p, "listen 7002: swallow-fin", line, sizeof(line));
	has("peer listen", line, "*");
	p = line_with(p, "connect(c) starts", line, sizeof(line));
	has("connect", line, "    10.0  + connect(c)");
	p = line_with(p, "SYN seq 0 win 64240", line, sizeof(line));
	has("SYN", line, "    10.0  #--- SYN");
	has("SYN", line, "->|");
	p = line_with(p, "SYN ACK seq 0 ack 1 win 65535", line, sizeof(line));
	has("SYN ACK", line, "#<---");
	p = line_with(p, "ACK seq 1 ack 1 win 502", line, sizeof(line));
	has("ACK", line, "->|");
	p = line_with(p, "connect(c) = 0 after 400 us", line, sizeof(line));
	p = line_with(p, "send(c, 10KiB) starts", line, sizeof(line));
	p = line_with(p, "PSH ACK seq 1 ack 1 len 10240 win 502", line,
	    sizeof(line));
	p = line_with(p, "send(c, 10KiB) = 10240 after 100 us", line,
	    sizeof(line));
	p = line_with(p, "ACK seq 1 ack 10241 win 65535", line, sizeof(line));
	has("data ACK", line, "|<---");
	p = line_with(p, "close(c) starts", line, sizeof(line));
	has("close", line, "   100.0  + close(c)");
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 ", line,
	    sizeof(line));
	has("FIN", line, "   100.1  #--- FIN ACK");
	has("FIN", line, "->|");
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 retx", line,
	    sizeof(line));
	has("1st retransmission", line, "   300.1  #~~~ FIN ACK");
	has("1st retransmission", line, "~>|");
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 retx", line,
	    sizeof(line));
	has("2nd retransmission", line, "   700.1  #~~~");
	p = line_with(p, "close(c) = 0 after 1.000 s", line, sizeof(line));
	has("close returns", line, "  1100.0  + close(c)");
	assert_null(strstr(p, "FIN ACK"));
	assert_null(strchr(t, '\033'));
	free(t);
	/* with colour: the same text with escapes */
	t = render(dg, 0, true);
	assert_non_null(strstr(t, "\033[31m"));
	free(t);
	dg_free(dg);
	free(f);
}

static void
test_svg(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char *t;
	const char *want[] = {
		"<?xml",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"",
		"<title>t.scn[mode=blocking] &lt;&amp;&gt;</title>",
		"client",
		"peer",
		"listen 7002: swallow-fin",
		"connect(c)",
		"url(#ah-client)",
		"SYN seq 0 win 64240",
		"url(#ah-peer)",
		"SYN ACK seq 0 ack 1 win 65535",
		"ACK seq 1 ack 1 win 502",
		"send(c, 10KiB)",
		"PSH ACK seq 1 ack 1 len 10240 win 502",
		"ACK seq 1 ack 10241 win 65535",
		"close(c)",
		"FIN ACK seq 10241 ack 1 win 502<",
		"url(#ah-retx)",
		"FIN ACK seq 10241 ack 1 win 502 retx",
		"url(#ah-retx)",
		"FIN ACK seq 10241 ack 1 win 502 retx",
		"= 0 after 1.000 s",
		"FAIL: line 14: expect blocks about 1s",
		"retransmission",
		"</svg>",
	};
	const char *p;
	struct case_result cr;
	size_t i;
	int rc;

	(void)state;
	strcat(f->sc.case_name, " <&>");
	assert_int_equal(evaluate_case(&f->sc, &f->obs, SCN_OS_LINUX, &cr), 0);
	/* one check that fails, to be marked on the diagram */
	cr.verdicts[0].kind = VERDICT_FAIL;
	assert_non_null(dg = dg_build(&f->obs, &cr, NULL));
	t = render(dg, 1, false);
	for (p = t, i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if ((p = strstr(p, want[i])) == NULL)
			fail_msg("no \"%s\" after \"%s\" in the SVG:\n%s",
			    want[i], i > 0 ? want[i - 1] : "", t);
		p += strlen(want[i]);
	}
	/* the close's box runs from its start to its return: past three
	 * arrows (each row at least 26 px) and 1 s of time */
	assert_non_null(p = strstr(t, ">close(c)<"));
	while (p > t && strncmp(p, "<rect x=\"444\"", 14) != 0)
		p--;
	assert_non_null(p = strstr(p, "height=\""));
	assert_true(atoi(p + 8) > 4 * 26);
	rc = fx_xml_ok(t, "");
	free(t);
	dg_free(dg);
	case_result_free(&cr);
	free(f);
	if (rc == -1)
		skip();
	assert_int_equal(rc, 1);
}

/*
 * Ten retransmissions of one FIN: three are drawn, the rest counted. Four
 * are all drawn: a line that counted one would save nothing.
 */
static void
test_fold(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char line[256], *t;
	const char *p;
	size_t i;

	(void)state;
	f->calls[f->sc.nsteps - 1].t_end_ns = SEC(20);
	for (i = 0; i < 2; i++)
		fx_seg(f, MS(1500) + i * SEC(1), true, TCPF_FIN | TCPF_ACK,
		    CLIENT_ISN + 10241, PEER_ISN + 1, 502, 0);
	assert_int_equal(wire_classify(f->segs, f->obs.nsegs), 0);
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	t = render(dg, 0, false);
	assert_null(strstr(t, "more time"));
	for (p = t, i = 0; i < 4; i++)
		p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 retx", line,
		    sizeof(line));
	free(t);
	dg_free(dg);
	f->obs.nsegs -= 2;
	for (i = 0; i < 8; i++)
		fx_seg(f, MS(1500) + i * SEC(1), true, TCPF_FIN | TCPF_ACK,
		    CLIENT_ISN + 10241, PEER_ISN + 1, 502, 0);
	assert_int_equal(wire_classify(f->segs, f->obs.nsegs), 0);
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	t = render(dg, 0, false);
	p = line_with(t, "close(c) starts", line, sizeof(line));
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 ", line,
	    sizeof(line));
	for (i = 0; i < 3; i++)
		p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 retx", line,
		    sizeof(line));
	p = line_with(p, "the same segment 7 more times, until +8.500s", line,
	    sizeof(line));
	assert_null(strstr(p, "FIN ACK"));
	line_with(p, "close(c) = 0 after 19.900 s", line, sizeof(line));
	free(t);
	dg_free(dg);
	free(f);
}

/*
 * A FIN stamped a little before close() started (the capture's clock, see
 * wire_classify.h): drawn under the close, at its own time.
 */
static void
test_fin_stamped_early(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char line[256], *t;
	const char *p;

	(void)state;
	f->segs[5].t_ns = US(99700);
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	t = render(dg, 0, false);
	p = line_with(t, "ACK seq 1 ack 10241 win 65535", line, sizeof(line));
	p = line_with(p, "close(c) starts", line, sizeof(line));
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 ", line,
	    sizeof(line));
	has("early FIN", line, "    99.7  #--- FIN ACK");
	free(t);
	dg_free(dg);
	free(f);
}

/* A diagram too long: its start and end, and what was left out between. */
static void
test_cut(void **state)
{
	struct dg_options opts = { .max_rows = 8 };
	struct fx *f = known_case();
	struct diagram *dg;
	char line[256], *t;
	const char *p;

	(void)state;
	assert_non_null(dg = dg_build(&f->obs, NULL, &opts));
	assert_int_equal(dg->nrows, 9);
	t = render(dg, 0, false);
	p = line_with(t, "SYN ACK seq 0 ack 1", line, sizeof(line));
	p = line_with(p,
	    "... 7 rows left out, 3 segments from +0.010s to +0.100s", line,
	    sizeof(line));
	has("cut", line, "    10.3  #");
	p = line_with(p, "FIN ACK seq 10241 ack 1 win 502 ", line,
	    sizeof(line));
	has("after the cut", line, "   100.1  #--- FIN ACK");
	line_with(p, "close(c) = 0 after 1.000 s", line, sizeof(line));
	free(t);
	t = render(dg, 1, false);
	assert_non_null(strstr(t, "7 rows left out"));
	free(t);
	dg_free(dg);
	free(f);
}

/* A case that stopped early, without a capture: both said, at the end. */
static void
test_stopped_early(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char line[256], *t;
	const char *p;

	(void)state;
	f->calls[f->sc.nsteps - 1].ran = false;
	f->obs.nsegs = 0;
	f->obs.captured = false;
	snprintf(f->obs.capture_note, sizeof(f->obs.capture_note),
	    "--peer without --iface");
	f->obs.aborted = true;
	snprintf(f->obs.abort_reason, sizeof(f->obs.abort_reason),
	    "peer lost\033[2J");
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	t = render(dg, 0, false);
	assert_null(strstr(t, "close(c)"));
	p = line_with(t, "send(c, 10KiB) = 10240", line, sizeof(line));
	p = line_with(p, "no capture: --peer without --iface", line,
	    sizeof(line));
	line_with(p, "the case stopped early: peer lost?[2J", line,
	    sizeof(line));
	assert_null(strchr(t, '\033'));
	free(t);
	dg_free(dg);
	free(f);
}

/* A second socket, d: socket c's ends but the next port, its SYN sent. */
static void
second_connection(struct fx *f)
{
	snprintf(f->sc.socks[1], sizeof(f->sc.socks[1]), "d");
	f->sc.nsocks = 2;
	f->obs.socks[1] = f->obs.socks[0];
	f->obs.socks[1].lport = FX_CPORT + 1;
	fx_seg(f, MS(900), true, TCPF_SYN, 77, 0, 64240, 0)->sport =
	    FX_CPORT + 1;
}

/* Two connections: each arrow says whose it is. */
static void
test_two_connections(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char *t;

	(void)state;
	second_connection(f);
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	assert_int_equal(dg->nconns, 2);
	t = render(dg, 0, false);
	assert_non_null(strstr(t, "c: FIN ACK seq 10241"));
	assert_non_null(strstr(t, "d: SYN seq 0 win 64240"));
	assert_non_null(strstr(t, "d: 192.0.2.1:40001 > 192.0.2.2:7000"));
	free(t);
	dg_free(dg);
	free(f);
}

/* An IPv6 connection: its ends in brackets, so the port stands apart. */
static void
test_ipv6_connection(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	char *t, buf[128];

	(void)state;
	assert_int_equal(ip_addr_parse("2001:db8::1", &f->obs.socks[0].laddr),
	    0);
	assert_int_equal(ip_addr_parse("2001:db8::2", &f->obs.socks[0].raddr),
	    0);
	second_connection(f);
	assert_non_null(dg = dg_build(&f->obs, NULL, NULL));
	assert_int_equal(dg->nconns, 2);
	dg_conn_words(&dg->conns[1], buf, sizeof(buf));
	assert_string_equal(buf, "d: [2001:db8::1]:40001 > [2001:db8::2]:7000");
	t = render(dg, 0, false);
	assert_non_null(
	    strstr(t, "d: [2001:db8::1]:40001 > [2001:db8::2]:7000"));
	free(t);
	t = render(dg, 1, false);
	assert_non_null(strstr(t, "[2001:db8::1]:40001"));
	free(t);
	/* an end not known: who it is, and the port */
	dg->conns[1].caddr = ip_addr_none();
	dg_conn_words(&dg->conns[1], buf, sizeof(buf));
	assert_string_equal(buf, "d: client:40001 > [2001:db8::2]:7000");
	dg_free(dg);
	free(f);
}

/* The page of a run of one case and its diagram, in memory. */
static char *
html_of(const struct run_result *run, const struct dg_checks *ck,
    struct diagram *dg)
{
	struct diagram *dgs[1] = { dg };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(dg_html(run, ck, dgs, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
test_summary(void **state)
{
	struct fx *f = known_case();
	struct diagram *dg;
	struct dg_checks ck;
	struct run_result run;
	struct case_result cr;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	(void)state;
	fx_expect(f, EXP_RETURNS, SCN_OS_LINUX, "expect returns 0");
	fx_expect(f, EXP_FAILS, SCN_OS_FREEBSD,
	    "expect freebsd: fails EWOULDBLOCK");
	assert_int_equal(evaluate_case(&f->sc, &f->obs, SCN_OS_LINUX, &cr), 0);
	cr.verdicts[0].kind = VERDICT_FAIL;
	cr.counts[VERDICT_FAIL]++;
	cr.counts[VERDICT_PASS]--;
	dg_checks_count(&f->sc, &cr, &ck);
	assert_int_equal(ck.n[DG_COL_BLOCKS][VERDICT_FAIL], 1);
	assert_int_equal(ck.n[DG_COL_CALL][VERDICT_PASS], 1);
	assert_int_equal(ck.n[DG_COL_CALL][VERDICT_NOT_APPLICABLE], 1);
	assert_non_null(dg = dg_build(&f->obs, &cr, NULL));
	run_result_init(&run, "Linux <6.1>");
	assert_int_equal(run_result_add(&run, &cr), 0);
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(dg_summary_text(&run, &ck, false, fp), 0);
	assert_int_equal(fclose(fp), 0);
	fx_contains("summary", buf, "returns  blocks   wire     state    peer");
	fx_contains("summary", buf,
	    "1/1      0/1 FAIL -        -        -           1  FAIL");
	fx_contains("summary", buf, "t.scn[mode=blocking]\n");
	free(buf);
	buf = html_of(&run, &ck, dg);
	fx_contains("html", buf, "<title>lingerlab: Linux &lt;6.1&gt;</title>");
	fx_contains("html", buf, "<td class=\"fail\">1/1 failed</td>");
	fx_contains("html", buf, "<details open=\"open\">");
	fx_contains("html", buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	/* ids unique in the page: each diagram's arrows use its own heads */
	fx_contains("html", buf, "<marker id=\"case1-ah-client\"");
	fx_contains("html", buf, "marker-end=\"url(#case1-ah-client)\"");
	/* no probes, no plots */
	assert_null(strstr(buf, "class=\"probes\""));
	assert_null(strstr(buf, "class=\"series\""));
	assert_null(strstr(buf, "probe plots"));
	rc = fx_xml_ok(buf, "");
	free(buf);
	dg_free(dg);
	run_result_free(&run);
	free(f);
	if (rc == -1)
		skip();
	assert_int_equal(rc, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_text_ladder),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fin_stamped_early),
		cmocka_unit_test(test_stopped_early),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_two_connections),
		cmocka_unit_test(test_ipv6_connection),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
