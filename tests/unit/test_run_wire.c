/*
 * test_run_wire.c - a case_obs survives its trip from the worker to the
 * parent as text records, and a record that is wrong is refused with a
 * reason rather than half applied.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "run_wire.h"

static struct scn_expect exps0[2], exps1[1];
static struct scn_step steps[3];
static struct scenario sc;

static int
setup(void **state)
{
	(void)state;
	memset(&sc, 0, sizeof(sc));
	steps[0].kind = STEP_CLOSE;
	steps[0].expects = exps0;
	steps[0].nexpects = 2;
	steps[1].kind = STEP_WAIT;
	steps[2].kind = STEP_PEER_SEND;
	steps[2].expects = exps1;
	steps[2].nexpects = 1;
	sc.steps = steps;
	sc.nsteps = 3;
	sc.nsocks = 3;
	return 0;
}

static void
fill(struct case_obs *o)
{
	struct obs_segment s = { .t_ns = 12345,
		.from_client = true,
		.sport = 40000,
		.dport = 7000,
		.seq = 4000000000u,
		.ack = 7,
		.flags = 0x11,
		.window = 502,
		.len = 1448,
		.retransmission = true };

	o->os = SCN_OS_LINUX;
	snprintf(o->os_name, sizeof(o->os_name), "Linux 6.1.0-18 %%x");
	o->socks[1] = (struct obs_sock){ true, ip_addr_v4(0xc0000201u), 40000,
		ip_addr_v4(0xc0000202u), 7000, 3 };
	/* an IPv6 connection's ends go as text too */
	assert_int_equal(ip_addr_parse("2001:db8::1", &o->socks[2].laddr), 0);
	assert_int_equal(ip_addr_parse("2001:db8::2", &o->socks[2].raddr), 0);
	o->socks[2].connected = true;
	o->socks[2].lport = 40112;
	o->socks[2].rport = 7000;
	o->calls[0] = (struct obs_call){ .ran = true,
		.ret = -1,
		.err = 11,
		.t_start_ns = 5,
		.t_end_ns = 2015000000u,
		.bytes = 0,
		.cpu_wait_ns = 12345678u };
	snprintf(o->calls[0].err_name, sizeof(o->calls[0].err_name),
	    "EWOULDBLOCK");
	o->calls[2] = (struct obs_call){ .ran = true, .ret = 0 };
	snprintf(o->calls[2].detail, sizeof(o->calls[2].detail),
	    "ok conn=3 state=ESTABLISHED queued=1024 sent=1024");
	o->points[0][1] = (struct obs_point){ .reached = true,
		.t_from_ns = 5,
		.t_ns = 2015000001u,
		.t_done_ns = 2515000000u };
	snprintf(o->points[0][1].state, sizeof(o->points[0][1].state),
	    "FIN_WAIT1");
	o->points[2][0] =
	    (struct obs_point){ .reached = true, .peer_found = true };
	snprintf(o->points[2][0].peer_value, sizeof(o->points[2][0].peer_value),
	    "-");
	assert_int_equal(case_obs_add_segment(o, &s), 0);
	o->captured = true;
	o->capture_drops = 2;
	snprintf(o->pcap_path, sizeof(o->pcap_path), "/tmp/a b/c%%.pcap");
	case_obs_abort(o, OBS_ABORT_CASE, "line 9 (close c): peer lost\n");
	o->duration_ns = 3000000000u;
}

static void
test_round_trip(void **state)
{
	static char text[64 * 1024];
	struct case_obs a, b;
	char err[256], *line, *save = NULL;
	int rc = 0;

	(void)state;
	assert_int_equal(case_obs_init(&a, &sc), 0);
	assert_int_equal(case_obs_init(&b, &sc), 0);
	fill(&a);
	assert_true(obs_fmt_case_text(&a, text, sizeof(text)) != (size_t)-1);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		rc = obs_apply(&b, line, err, sizeof(err));
		if (rc == -1)
			fail_msg("'%s': %s", line, err);
	}
	assert_int_equal(rc, 1); /* the end record came last */
	assert_string_equal(b.os_name, a.os_name);
	assert_true(b.socks[1].connected);
	assert_int_equal(ip_addr_to_v4(&b.socks[1].laddr), 0xc0000201u);
	assert_true(ip_addr_eq(&b.socks[2].laddr, &a.socks[2].laddr));
	assert_true(ip_addr_eq(&b.socks[2].raddr, &a.socks[2].raddr));
	assert_int_equal(b.socks[2].lport, 40112);
	assert_int_equal(b.socks[0].laddr.family, IPF_NONE);
	assert_int_equal(b.socks[1].lport, 40000);
	assert_int_equal(b.socks[1].rport, 7000);
	assert_int_equal(b.socks[1].peer_conn_id, 3);
	assert_false(b.socks[0].connected);
	assert_string_equal(b.calls[0].err_name, "EWOULDBLOCK");
	assert_int_equal(b.calls[0].ret, -1);
	assert_int_equal(b.calls[0].t_end_ns, 2015000000u);
	assert_int_equal(b.calls[0].cpu_wait_ns, 12345678u);
	assert_false(b.calls[1].ran);
	assert_string_equal(b.calls[2].detail, a.calls[2].detail);
	assert_string_equal(b.points[0][1].state, "FIN_WAIT1");
	assert_int_equal(b.points[0][1].t_from_ns, 5);
	assert_int_equal(b.points[0][1].t_done_ns, 2515000000u);
	assert_false(b.points[0][0].reached);
	assert_string_equal(b.points[2][0].peer_value, "-");
	assert_true(b.points[2][0].peer_found);
	assert_int_equal(b.nsegs, 1);
	assert_int_equal(b.segs[0].t_ns, 12345);
	assert_true(b.segs[0].from_client);
	assert_int_equal(b.segs[0].sport, 40000);
	assert_int_equal(b.segs[0].dport, 7000);
	assert_int_equal(b.segs[0].seq, 4000000000u);
	assert_int_equal(b.segs[0].ack, 7);
	assert_int_equal(b.segs[0].flags, 0x11);
	assert_int_equal(b.segs[0].window, 502);
	assert_int_equal(b.segs[0].len, 1448);
	assert_true(b.segs[0].retransmission);
	assert_false(b.segs[0].zero_window_probe);
	assert_true(b.captured);
	assert_int_equal(b.capture_drops, 2);
	assert_string_equal(b.pcap_path, a.pcap_path);
	assert_true(b.aborted);
	assert_int_equal(b.abort_kind, OBS_ABORT_CASE);
	assert_string_equal(b.abort_reason, a.abort_reason);
	assert_int_equal(b.duration_ns, 3000000000u);
	case_obs_free(&a);
	case_obs_free(&b);
}

/* The first reason a case stopped for is the one reported. */
static void
test_first_abort_stands(void **state)
{
	struct case_obs o;

	(void)state;
	assert_int_equal(case_obs_init(&o, &sc), 0);
	case_obs_abort(&o, OBS_ABORT_ENV, "no sandbox: %s", "EPERM");
	case_obs_abort(&o, OBS_ABORT_CASE, "case timeout after 60s");
	assert_string_equal(o.abort_reason, "no sandbox: EPERM");
	assert_int_equal(o.abort_kind, OBS_ABORT_ENV);
	case_obs_free(&o);
}

static void
test_many_segments(void **state)
{
	struct obs_segment s = { .len = 0 };
	struct case_obs o;
	uint32_t i;

	(void)state;
	assert_int_equal(case_obs_init(&o, &sc), 0);
	for (i = 0; i < 5000; i++) {
		s.seq = i;
		assert_int_equal(case_obs_add_segment(&o, &s), 0);
	}
	assert_int_equal(o.nsegs, 5000);
	for (i = 0; i < 5000; i++)
		assert_int_equal(o.segs[i].seq, i);
	case_obs_free(&o);
}

static void
expect_refused(const char *text, const char *why)
{
	struct case_obs o;
	char line[512], err[256];

	assert_int_equal(case_obs_init(&o, &sc), 0);
	snprintf(line, sizeof(line), "%s", text);
	assert_int_equal(obs_apply(&o, line, err, sizeof(err)), -1);
	if (strstr(err, why) == NULL)
		fail_msg("'%s' refused with '%s', not '%s'", text, err, why);
	/* Nothing of a refused record is applied. */
	assert_false(o.calls[0].ran);
	assert_int_equal(o.nsegs, 0);
	case_obs_free(&o);
}

static void
test_bad_records(void **state)
{
	(void)state;
	expect_refused("", "empty");
	expect_refused("frob 1 2", "unknown record");
	expect_refused("call 0 1 0 0 - 1 2", "words");
	expect_refused("call 3 1 0 0 - 1 2 0 - 0", "word 2"); /* no step 3 */
	expect_refused("call 0 2 0 0 - 1 2 0 - 0", "word 3"); /* bool 2 */
	expect_refused("call 0 1 x 0 - 1 2 0 - 0", "word 4");
	expect_refused("call 0 1 0 0 - 1 2 0 - x", "word 11");	/* cpu wait */
	expect_refused("call 0 1 0 0 %4 1 2 0 - 0", "word 6");	/* bad escape */
	expect_refused("call 0 1 0 0 %00 1 2 0 - 0", "word 6"); /* NUL */
	expect_refused("point 1 0 1 0 0 0 - 0 -", "word 2");	/* no expects */
	expect_refused("point 0 2 1 0 0 0 - 0 -", "word 3");
	expect_refused("sock 16 1 0 0 0 0 0", "word 2");
	expect_refused("seg 1 1 70000 1 1 1 1 1 1 0 0", "word 4");
	expect_refused("obs 4 1 Linux", "word 2"); /* a newer format */
	expect_refused("sock 0 1 192.0.2.256 1 - 1 0", "word 4");
	expect_refused("sock 0 1 - 1 [2001:db8::2] 1 0", "word 6");
	expect_refused("abort 5 why", "word 2"); /* past NO_AGENT */
	expect_refused("lab x a b c", "word 2");
	expect_refused("lab 1 a b", "words");
}

/* Lab mode: where the case ran and its clock bound; the last record wins. */
static void
test_lab_record(void **state)
{
	static char text[16 * 1024];
	struct case_obs a, b;
	char err[256], *line, *save = NULL;

	(void)state;
	assert_int_equal(case_obs_init(&a, &sc), 0);
	assert_int_equal(case_obs_init(&b, &sc), 0);
	a.lab.on = true;
	a.lab.clock_bound_ns = 41000;
	snprintf(a.lab.agent, sizeof(a.lab.agent), "198.51.100.2:7900");
	snprintf(a.lab.system, sizeof(a.lab.system),
	    "Windows 10.0.19045 "
	    "(Windows 10 Pro) on host lab-win under Wine 8.0");
	snprintf(a.lab.wire, sizeof(a.lab.wire),
	    "lingerpeer at 198.51.100.6:7999");
	case_obs_abort(&a, OBS_ABORT_AGENT,
	    "agent lost at line 3 (close c): "
	    "the agent closed the connection");
	assert_true(obs_fmt_case_text(&a, text, sizeof(text)) != (size_t)-1);
	assert_non_null(strstr(text, "\nlab 41000 198.51.100.2:7900 "));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (obs_apply(&b, line, err, sizeof(err)) == -1)
			fail_msg("'%s': %s", line, err);
	assert_true(b.lab.on);
	assert_int_equal(b.lab.clock_bound_ns, 41000);
	assert_string_equal(b.lab.agent, a.lab.agent);
	assert_string_equal(b.lab.system, a.lab.system);
	assert_string_equal(b.lab.wire, a.lab.wire);
	assert_int_equal(b.abort_kind, OBS_ABORT_AGENT);
	snprintf(text, sizeof(text), "lab 60000 - - -");
	assert_int_equal(obs_apply(&b, text, err, sizeof(err)), 0);
	assert_int_equal(b.lab.clock_bound_ns, 60000);
	assert_string_equal(b.lab.agent, "");
	/* Without a lab record a case was not run in lab mode. */
	a.lab.on = false;
	assert_true(obs_fmt_case_text(&a, text, sizeof(text)) != (size_t)-1);
	assert_null(strstr(text, "\nlab "));
	case_obs_free(&a);
	case_obs_free(&b);
}

static void
test_at_record(void **state)
{
	char buf[OBS_LINE_MAX];
	uint64_t t0, t;
	size_t step;

	(void)state;
	obs_fmt_at(4, 123456789012u, 5000, buf, sizeof(buf));
	buf[strcspn(buf, "\n")] = '\0';
	assert_int_equal(obs_parse_at(buf, &step, &t0, &t), 1);
	assert_int_equal(step, 4);
	assert_int_equal(t0, 123456789012u);
	assert_int_equal(t, 5000);
	assert_int_equal(obs_parse_at("call 0 1 0 0 - 1 2 0 -", &step, &t0, &t),
	    0);
	assert_int_equal(obs_parse_at("at 1 2", &step, &t0, &t), -1);
	assert_int_equal(obs_parse_at("at 1 2 3 4", &step, &t0, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_round_trip, setup),
		cmocka_unit_test_setup(test_first_abort_stands, setup),
		cmocka_unit_test_setup(test_many_segments, setup),
		cmocka_unit_test_setup(test_bad_records, setup),
		cmocka_unit_test_setup(test_lab_record, setup),
		cmocka_unit_test(test_at_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
