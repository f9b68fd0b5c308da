/*
 * test_control_events.c - lingerpeer's event log and clock read back
 * (client/sandbox/control_events.h), as lab mode reads the wire: every
 * field of a segment line, the events that open a connection, the status
 * line's losses and paging, the clock's seconds, and lines that must be
 * refused whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "control_events.h"
#include "segment.h"

static void
test_segment_lines(void **state)
{
	struct control_seg_event ev;

	(void)state;
	assert_int_equal(
	    control_event_segment(
		"event n=21 conn=1 "
		"t=1409.742835570 in F. seq=2153207208 ack=3418224636 win=63 len=0 "
		"opts=ts class=fin-swallowed",
		&ev),
	    1);
	assert_int_equal(ev.n, 21);
	assert_int_equal(ev.conn, 1);
	assert_int_equal(ev.t_ns, 1409742835570ull);
	assert_true(ev.in);
	assert_int_equal(ev.flags, TCPF_FIN | TCPF_ACK);
	assert_int_equal(ev.seq, 2153207208u);
	assert_int_equal(ev.ack, 3418224636u);
	assert_int_equal(ev.win, 63);
	assert_int_equal(ev.len, 0);
	assert_false(ev.opens);

	assert_int_equal(
	    control_event_segment(
		"event n=3 conn=7 t=0.000001000 "
		"out S. seq=1 ack=2 win=65535 len=0 opts=mss,wscale class=synack",
		&ev),
	    1);
	assert_false(ev.in);
	assert_int_equal(ev.flags, TCPF_SYN | TCPF_ACK);
	assert_int_equal(ev.t_ns, 1000);
	assert_int_equal(ev.win, 65535);

	assert_int_equal(
	    control_event_segment("event n=4 conn=7 t=5.5 out "
				  "none seq=1 ack=0 win=0 len=1460 class=data",
		&ev),
	    1);
	assert_int_equal(ev.flags, 0);
	assert_int_equal(ev.t_ns, 5500000000ull);
	assert_int_equal(ev.len, 1460);
	assert_int_equal(
	    control_event_segment("event n=5 conn=7 t=1.0 in "
				  "FSRP.UEW seq=1 ack=1 win=1 len=0 class=ack",
		&ev),
	    1);
	assert_int_equal(ev.flags, 0xff);
}

/* The first SYN in, and lingerpeer's own connect: a connection opens. */
static void
test_opening_events(void **state)
{
	struct control_seg_event ev;

	(void)state;
	assert_int_equal(
	    control_event_segment(
		"event n=0 conn=9 t=1.000000000 "
		"in S seq=5 ack=0 win=64240 len=0 opts=mss,sackok,ts,wscale "
		"class=syn",
		&ev),
	    1);
	assert_true(ev.opens);
	assert_int_equal(control_event_segment(
			     "event n=1 conn=9 t=1.000000001 "
			     "in S seq=5 ack=0 win=64240 len=0 class=syn-retx",
			     &ev),
	    1);
	assert_false(ev.opens);
	assert_int_equal(
	    control_event_segment("event n=2 conn=10 "
				  "t=2.000000000 command connect arg=8000",
		&ev),
	    0);
	assert_true(ev.opens);
	assert_int_equal(ev.conn, 10);
	assert_int_equal(
	    control_event_segment("event n=3 conn=10 "
				  "t=2.000000000 state SYN_SENT->ESTABLISHED",
		&ev),
	    0);
	assert_false(ev.opens);
	assert_int_equal(ev.n, 3);
	assert_int_equal(
	    control_event_segment("event n=4 conn=10 "
				  "t=2.000000000 command ack-fin arg=0",
		&ev),
	    0);
	assert_false(ev.opens);
}

static void
test_refused_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"conn id=1 client=192.0.2.1:4 port=80",
		"event conn=1 t=1.0 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 t=1.0 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1",
		"event n=1 conn=4294967296 t=1.0 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in F. seq=4294967296 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in F. seq=1 ack=1 win=65536 len=0",
		"event n=1 conn=1 t=1.0 in F. seq=1 ack=1 win=1",
		"event n=1 conn=1 t=1.0 in FF seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in X seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in F.FSRPUEW seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0000000001 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1. in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=.5 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=-1.0 in F. seq=1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in F. seq=+1 ack=1 win=1 len=0",
		"event n=1 conn=1 t=1.0 in F. seq=1 ack=1 win=1 len=007",
		"event n=1 conn=1 t=01.0 in F. seq=1 ack=1 win=1 len=0",
		"events n=1 conn=1 t=1.0 in F. seq=1 ack=1 win=1 len=0",
	};
	struct control_seg_event ev;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (control_event_segment(bad[i], &ev) != -1)
			fail_msg("took '%s'", bad[i]);
}

static void
test_status_and_clock(void **state)
{
	uint64_t lost, next, ns;
	bool more;

	(void)state;
	assert_int_equal(control_events_status("ok 4 events", &lost, &more,
			     &next),
	    0);
	assert_int_equal(lost, 0);
	assert_false(more);
	assert_int_equal(control_events_status("ok 1000 events, 12 lost, more "
					       "since=2040",
			     &lost, &more, &next),
	    0);
	assert_int_equal(lost, 12);
	assert_true(more);
	assert_int_equal(next, 2040);
	assert_int_equal(control_events_status("ok 0 events, more since=7",
			     &lost, &more, &next),
	    0);
	assert_int_equal(lost, 0);
	assert_int_equal(next, 7);
	assert_int_equal(control_events_status("err no-conn: none", &lost,
			     &more, &next),
	    -1);
	assert_int_equal(control_events_status("ok 3 conns", &lost, &more,
			     &next),
	    -1);
	assert_int_equal(control_events_status("ok 1 events, x lost", &lost,
			     &more, &next),
	    -1);

	assert_int_equal(control_clock_parse("ok now=172800.000000042", &ns),
	    0);
	assert_int_equal(ns, 172800000000042ull);
	assert_int_equal(control_clock_parse("ok now=3", &ns), 0);
	assert_int_equal(ns, 3000000000ull);
	assert_int_equal(control_clock_parse("err unknown-command: 'clock' "
					     "is not a command",
			     &ns),
	    -1);
	assert_int_equal(control_clock_parse("ok bye", &ns), -1);
	assert_int_equal(control_secs_parse("18446744073.709551615", &ns), -1);
	assert_int_equal(control_secs_parse("18446744072.1", &ns), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_lines),
		cmocka_unit_test(test_opening_events),
		cmocka_unit_test(test_refused_lines),
		cmocka_unit_test(test_status_and_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
