/*
 * test_live_view.c - the lines of `lingerlab run --live`: steps as
 * written, their results, segments as arrows that point the way they
 * went (flags in words near the sender, '~' when sent again) with numbers
 * relative to each side's first, verdicts, the ticking line, and columns
 * that line up into a ladder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "duration_text.h"
#include "live_view.h"
#include "segment.h"

enum {
	S_LISTEN,
	S_SOCKET,
	S_SET,
	S_NB,
	S_CONNECT,
	S_SEND,
	S_UNTIL,
	S_WAITPEER,
	S_CLOSE,
	S_WAIT,
	S_SHUT,
	S_ACCEPT,
	S_BEHAVE,
	S_N
};

static struct scn_step steps[S_N];
static struct scenario sc;
static struct live_view v;
static char buf[LIVE_LINE_MAX * 2];

static void
step(int i, enum scn_step_kind k, int sock)
{
	memset(&steps[i], 0, sizeof(steps[i]));
	steps[i].kind = k;
	steps[i].sock = sock;
	steps[i].sock2 = -1;
}

static int
setup(void **state)
{
	(void)state;
	memset(&sc, 0, sizeof(sc));
	snprintf(sc.case_name, sizeof(sc.case_name), "x.scn[mode=blocking]");
	snprintf(sc.description, sizeof(sc.description),
	    "a close that lingers");
	snprintf(sc.socks[0], sizeof(sc.socks[0]), "c");
	snprintf(sc.socks[1], sizeof(sc.socks[1]), "l");
	sc.nsocks = 1;
	step(S_LISTEN, STEP_PEER_LISTEN, -1);
	steps[S_LISTEN].port = 7002;
	snprintf(steps[S_LISTEN].text, SCN_TEXT_MAX, "swallow-fin");
	step(S_SOCKET, STEP_SOCKET, 0);
	step(S_SET, STEP_SET, 0);
	steps[S_SET].opt = OPT_LINGER;
	steps[S_SET].value = 2;
	step(S_NB, STEP_SET, 0);
	steps[S_NB].opt = OPT_NONBLOCKING;
	step(S_CONNECT, STEP_CONNECT, 0);
	steps[S_CONNECT].port = 7001;
	step(S_SEND, STEP_SEND, 0);
	steps[S_SEND].size = 10240;
	step(S_UNTIL, STEP_SEND, 0);
	steps[S_UNTIL].until_blocked = true;
	step(S_WAITPEER, STEP_WAIT_PEER, 0);
	snprintf(steps[S_WAITPEER].text, SCN_TEXT_MAX, "rx>=10KiB");
	step(S_CLOSE, STEP_CLOSE, 0);
	step(S_WAIT, STEP_WAIT, -1);
	steps[S_WAIT].duration_ns = 2000000000u;
	step(S_SHUT, STEP_SHUTDOWN, 0);
	steps[S_SHUT].how = 1;
	step(S_ACCEPT, STEP_ACCEPT, 1);
	steps[S_ACCEPT].sock2 = 0;
	step(S_BEHAVE, STEP_PEER_BEHAVIOUR, 0);
	snprintf(steps[S_BEHAVE].text, SCN_TEXT_MAX, "normal");
	sc.steps = steps;
	sc.nsteps = S_N;
	live_view_init(&v, &sc);
	return 0;
}

static const char *
text(size_t i)
{
	live_step_text(&sc, i, buf, sizeof(buf));
	return buf;
}

/* Steps read as they are written in the scenario. */
static void
test_step_text(void **state)
{
	(void)state;
	assert_string_equal(text(S_LISTEN), "peer listen 7002 swallow-fin");
	assert_string_equal(text(S_SOCKET), "socket c");
	assert_string_equal(text(S_SET), "set c linger 2s");
	assert_string_equal(text(S_NB), "set c nonblocking");
	assert_string_equal(text(S_CONNECT), "connect c port 7001");
	assert_string_equal(text(S_SEND), "send c 10KiB");
	assert_string_equal(text(S_UNTIL), "send c until-blocked");
	assert_string_equal(text(S_WAITPEER), "wait peer c rx>=10KiB");
	assert_string_equal(text(S_CLOSE), "close c");
	assert_string_equal(text(S_WAIT), "wait 2s");
	assert_string_equal(text(S_SHUT), "shutdown c wr");
	sc.nsocks = 2;
	assert_string_equal(text(S_ACCEPT), "accept l as c");
	sc.nsocks = 1;
	assert_string_equal(text(S_BEHAVE), "peer behaviour c normal");
}

static void
test_durations(void **state)
{
	(void)state;
	dur_measured(9400, DUR_LIVE, buf, sizeof(buf));
	assert_string_equal(buf, "9us");
	dur_measured(1250000, DUR_LIVE, buf, sizeof(buf));
	assert_string_equal(buf, "1.2ms");
	dur_measured(2001000000u, DUR_LIVE, buf, sizeof(buf));
	assert_string_equal(buf, "2.001s");
}

/* A blocking close: its start, then its return with result and time. */
static void
test_step_start_and_end(void **state)
{
	struct obs_call c = { .ran = true,
		.ret = 0,
		.t_start_ns = 3000000,
		.t_end_ns = 2004000000u };

	(void)state;
	live_fmt_step_start(&v, S_CLOSE, 3000000, buf, sizeof(buf));
	assert_string_equal(buf, "  +0.003s  close c ...");
	live_fmt_step_end(&v, S_CLOSE, &c, buf, sizeof(buf));
	assert_string_equal(buf, "  +2.004s  close c returned 0 after 2.001s");
	c.ret = -1;
	snprintf(c.err_name, sizeof(c.err_name), "EWOULDBLOCK");
	live_fmt_step_end(&v, S_CLOSE, &c, buf, sizeof(buf));
	assert_string_equal(buf,
	    "  +2.004s  close c returned -1 EWOULDBLOCK "
	    "after 2.001s");
	c.ret = 0;
	c.err_name[0] = '\0';
	c.t_start_ns = 4000000;
	live_fmt_step_end(&v, S_WAIT, &c, buf, sizeof(buf));
	assert_string_equal(buf, "  +2.004s  wait 2s: 2.000s passed");
	c.ret = -1;
	snprintf(c.detail, sizeof(c.detail), "err timeout: not met");
	live_fmt_step_end(&v, S_WAITPEER, &c, buf, sizeof(buf));
	assert_string_equal(buf,
	    "  +2.004s  wait peer c rx>=10KiB: not met "
	    "after 2.000s (err timeout: not met)");
}

/* The peer's steps stand in the peer's column, under its heading. */
static void
test_peer_column(void **state)
{
	struct obs_call c = { .ran = true,
		.ret = 0,
		.t_start_ns = 0,
		.t_end_ns = 80000 };
	char head[LIVE_LINE_MAX];
	const char *h, *p;
	size_t col;

	(void)state;
	live_fmt_case(&v, head, sizeof(head));
	assert_non_null(strstr(head, "== x.scn[mode=blocking]\n"));
	assert_non_null(strstr(head, "   a close that lingers\n"));
	h = strrchr(head, '\n') + 1;
	assert_non_null(strstr(h, "time  client"));
	col = (size_t)(strstr(h, "peer") - h);
	snprintf(c.detail, sizeof(c.detail), "ok port=7002");
	live_fmt_step_end(&v, S_LISTEN, &c, buf, sizeof(buf));
	p = strstr(buf, "peer listen 7002 swallow-fin: ok");
	assert_non_null(p);
	assert_int_equal((size_t)(p - buf), col);
	assert_null(strstr(buf, "port=7002")); /* "ok ..." adds nothing */
}

static struct obs_segment
seg(uint64_t t, bool from_client, uint32_t seq, uint32_t ack, uint8_t fl)
{
	struct obs_segment s = { .t_ns = t,
		.from_client = from_client,
		.sport = from_client ? 43820 : 7002,
		.dport = from_client ? 7002 : 43820,
		.seq = seq,
		.ack = ack,
		.flags = fl,
		.window = 63 };

	return s;
}

/*
 * The handshake and a FIN sent again: arrows point the way the segment
 * went, flags sit near the sender, numbers start at 0 on each side.
 */
static void
test_segments(void **state)
{
	struct obs_segment s;
	char head[LIVE_LINE_MAX];
	const char *h;
	size_t peer_col;

	(void)state;
	live_fmt_case(&v, head, sizeof(head));
	h = strrchr(head, '\n') + 1;
	peer_col = (size_t)(strstr(h, "peer") - h);

	s = seg(436957, true, 2046222499u, 0, TCPF_SYN);
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	/* 30 characters of arrow: 4 of tail, the flags, the rest */
	assert_string_equal(buf,
	    "  +0.000s  client ---- SYN --------------"
	    "------>  peer  seq 0 win 63");
	assert_int_equal((size_t)(strstr(buf, "peer") - buf), peer_col);

	s = seg(474863, false, 1646347825u, 2046222500u, TCPF_SYN | TCPF_ACK);
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	assert_string_equal(buf,
	    "  +0.000s  client <----------------"
	    " SYN ACK ----  peer  seq 0 ack 1 win 63");

	s = seg(891000000u, true, 2046232740u, 1646347826u,
	    TCPF_FIN | TCPF_ACK);
	s.len = 0;
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "client ---- FIN ACK ---"));
	assert_non_null(strstr(buf, "seq 10241 ack 1 win 63"));
	assert_null(strstr(buf, "retx"));
	s.t_ns = 1100000000u;
	s.retransmission = true;
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	/* sent again: drawn with '~' */
	assert_non_null(strstr(buf, "  +1.100s  client ~~~~ FIN ACK ~~~~"));
	assert_non_null(strstr(buf, "~~~>  peer"));
	assert_non_null(strstr(buf, "seq 10241 ack 1 win 63 retx"));

	s = seg(1200000000u, true, 2046232739u, 1646347826u, TCPF_ACK);
	s.zero_window_probe = true;
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "~~~~ ACK ~~~~"));
	assert_non_null(strstr(buf, "seq 10240 ack 1 win 63 zwp"));

	s = seg(1300000000u, false, 1646347826u, 2046232741u, TCPF_ACK);
	s.len = 1448;
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "<----"));
	assert_non_null(strstr(buf, "seq 1 ack 10242 win 63 len 1448"));
}

/* With several sockets, each end of an arrow carries its port. */
static void
test_ports(void **state)
{
	struct obs_segment s = seg(0, false, 5, 6, TCPF_RST);

	(void)state;
	sc.nsocks = 2;
	live_view_init(&v, &sc);
	live_fmt_seg(&v, &s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "client:43820 <"));
	assert_non_null(strstr(buf, " RST ----  peer:7002  seq 0 win 63"));
	sc.nsocks = 1;
	live_view_init(&v, &sc);
}

static void
test_verdicts(void **state)
{
	struct verdict vd;

	(void)state;
	memset(&vd, 0, sizeof(vd));
	vd.kind = VERDICT_PASS;
	snprintf(vd.check, sizeof(vd.check), "expect linux: returns 0");
	snprintf(vd.actual, sizeof(vd.actual), "close(c) returned 0");
	live_fmt_verdict(&v, &vd, 2004000000u, buf, sizeof(buf));
	assert_string_equal(buf, "  +2.004s    PASS  expect linux: returns 0");
	vd.kind = VERDICT_FAIL;
	snprintf(vd.check, sizeof(vd.check),
	    "expect wire client sends RST "
	    "within 100ms");
	snprintf(vd.actual, sizeof(vd.actual), "the client sent no RST");
	live_fmt_verdict(&v, &vd, 2104000000u, buf, sizeof(buf));
	assert_string_equal(buf,
	    "  +2.104s    FAIL  expect wire client sends "
	    "RST within 100ms\n                 the client sent no RST");
}

/* The ticking line: time taken, and for waits the time left. */
static void
test_tick(void **state)
{
	(void)state;
	live_fmt_tick(&v, S_CLOSE, 400000000u, buf, sizeof(buf));
	assert_string_equal(buf, "           close c ... 0.4s");
	live_fmt_tick(&v, S_WAIT, 400000000u, buf, sizeof(buf));
	assert_string_equal(buf,
	    "           wait 2s ... 0.4s of 2s, 1.6s left");
	live_fmt_tick(&v, S_WAIT, 2500000000u, buf, sizeof(buf));
	assert_non_null(strstr(buf, "0.0s left"));
	live_fmt_tick(&v, S_WAITPEER, 1000000000u, buf, sizeof(buf));
	assert_non_null(strstr(buf, "1.0s of at most 10s, 9.0s left"));
}

static void
test_end(void **state)
{
	struct case_obs o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.duration_ns = 2031000000u;
	live_fmt_end(&v, &o, buf, sizeof(buf));
	assert_string_equal(buf, "   done in 2.031s");
	o.aborted = true;
	snprintf(o.abort_reason, sizeof(o.abort_reason),
	    "case timeout after 1s");
	live_fmt_end(&v, &o, buf, sizeof(buf));
	assert_string_equal(buf, "   stopped: case timeout after 1s");
}

/* A line cut short is still a terminated line, and says how long it was. */
static void
test_truncation(void **state)
{
	char small[12];
	struct obs_segment s = seg(0, true, 1, 0, TCPF_SYN);

	(void)state;
	assert_true(
	    live_fmt_seg(&v, &s, small, sizeof(small)) >= sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_step_text, setup),
		cmocka_unit_test_setup(test_durations, setup),
		cmocka_unit_test_setup(test_step_start_and_end, setup),
		cmocka_unit_test_setup(test_peer_column, setup),
		cmocka_unit_test_setup(test_segments, setup),
		cmocka_unit_test_setup(test_ports, setup),
		cmocka_unit_test_setup(test_verdicts, setup),
		cmocka_unit_test_setup(test_tick, setup),
		cmocka_unit_test_setup(test_end, setup),
		cmocka_unit_test_setup(test_truncation, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
