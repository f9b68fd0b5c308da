/*
 * test_event_log.c - the shared event ring: numbering, loss when it wraps,
 * filtered scans, names, and the one-line text form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "event_log.h"
#include "segment.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What a scan saw: event numbers and the seq field used as a tag. */
struct seen {
	uint64_t num[32];
	uint32_t tag[32];
	size_t n;
	size_t stop_after; /* return nonzero after this many; 0 = never */
};

static int
collect(uint64_t num, const struct peer_event *ev, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < NELEM(s->num));
	s->num[s->n] = num;
	s->tag[s->n] = ev->seq;
	s->n++;
	return s->stop_after != 0 && s->n == s->stop_after ? 42 : 0;
}

/* Event number i goes to connection 1 + i % 3 and carries tag 100 + i. */
static void
fill(struct event_log *log, uint32_t count)
{
	struct peer_event ev;
	uint32_t i;

	for (i = 0; i < count; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.conn_id = 1 + i % 3;
		ev.type = EV_SEG_IN;
		ev.seq = 100 + i;
		assert_int_equal(event_log_add(log, &ev), i);
	}
}

static void
test_numbering(void **state)
{
	struct event_log *log = event_log_new(8);
	struct seen s = { .n = 0 };

	(void)state;
	assert_non_null(log);
	assert_int_equal(event_log_next(log), 0);
	assert_int_equal(event_log_oldest(log), 0);
	assert_int_equal(event_log_foreach(log, 0, 0, collect, &s), 0);
	assert_int_equal(s.n, 0);
	fill(log, 5);
	assert_int_equal(event_log_next(log), 5);
	assert_int_equal(event_log_oldest(log), 0);
	assert_int_equal(event_log_foreach(log, 0, 0, collect, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.num[0], 0);
	assert_int_equal(s.tag[0], 100);
	assert_int_equal(s.num[4], 4);
	assert_int_equal(s.tag[4], 104);
	event_log_free(log);
}

static void
test_filter_and_since(void **state)
{
	struct event_log *log = event_log_new(16);
	struct seen s = { .n = 0 };

	(void)state;
	fill(log, 10);
	/* connection 2 got events 1, 4, 7 */
	assert_int_equal(event_log_foreach(log, 2, 0, collect, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.num[0], 1);
	assert_int_equal(s.num[1], 4);
	assert_int_equal(s.num[2], 7);
	assert_int_equal(s.tag[2], 107);
	/* since is inclusive */
	s.n = 0;
	assert_int_equal(event_log_foreach(log, 2, 4, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.num[0], 4);
	/* a connection with no events, and a since past the end */
	s.n = 0;
	assert_int_equal(event_log_foreach(log, 9, 0, collect, &s), 0);
	assert_int_equal(event_log_foreach(log, 0, 10, collect, &s), 0);
	assert_int_equal(event_log_foreach(log, 0, 1000, collect, &s), 0);
	assert_int_equal(s.n, 0);
	event_log_free(log);
}

static void
test_early_stop(void **state)
{
	struct event_log *log = event_log_new(16);
	struct seen s = { .n = 0, .stop_after = 3 };

	(void)state;
	fill(log, 10);
	assert_int_equal(event_log_foreach(log, 0, 2, collect, &s), 42);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.num[2], 4);
	event_log_free(log);
}

/* A full ring drops the oldest; numbers keep counting so the loss shows. */
static void
test_wrap(void **state)
{
	struct event_log *log = event_log_new(4);
	struct peer_event ev = { .conn_id = 1, .type = EV_SEG_IN };
	struct seen s = { .n = 0 };
	size_t i;

	(void)state;
	fill(log, 4);
	assert_int_equal(event_log_oldest(log), 0);
	for (i = 4; i < 10; i++) {
		ev.seq = (uint32_t)(100 + i);
		assert_int_equal(event_log_add(log, &ev), i);
	}
	assert_int_equal(event_log_next(log), 10);
	assert_int_equal(event_log_oldest(log), 6);
	/* since before the oldest starts at the oldest still held */
	assert_int_equal(event_log_foreach(log, 0, 0, collect, &s), 0);
	assert_int_equal(s.n, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(s.num[i], 6 + i);
		assert_int_equal(s.tag[i], 106 + i);
	}
	s.n = 0;
	assert_int_equal(event_log_foreach(log, 0, 8, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.num[0], 8);
	event_log_free(log);
}

/* Capacity 0 is taken as 1: the ring always holds the newest event. */
static void
test_capacity_zero(void **state)
{
	struct event_log *log = event_log_new(0);
	struct seen s = { .n = 0 };

	(void)state;
	fill(log, 3);
	assert_int_equal(event_log_oldest(log), 2);
	assert_int_equal(event_log_foreach(log, 0, 0, collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.tag[0], 102);
	event_log_free(log);
	event_log_free(NULL);
}

static void
test_names(void **state)
{
	static const char *const classes[SC_CLASS_COUNT] = {
		"none",
		"syn",
		"syn-retx",
		"synack",
		"data",
		"data-retx",
		"beyond-window",
		"out-of-order",
		"fin",
		"fin-retx",
		"fin-swallowed",
		"zero-window-probe",
		"ack",
		"rst",
		"silenced",
		"out-of-order-dropped",
	};
	size_t i;

	(void)state;
	for (i = 0; i < SC_CLASS_COUNT; i++)
		assert_string_equal(seg_class_name((enum seg_class)i),
		    classes[i]);
	assert_string_equal(seg_class_name(SC_CLASS_COUNT), "?");
	assert_string_equal(seg_class_name((enum seg_class) - 1), "?");
	assert_string_equal(event_type_name(EV_SEG_IN), "in");
	assert_string_equal(event_type_name(EV_SEG_OUT), "out");
	assert_string_equal(event_type_name(EV_STATE), "state");
	assert_string_equal(event_type_name(EV_BEHAVIOUR), "behaviour");
	assert_string_equal(event_type_name(EV_COMMAND), "command");
	assert_string_equal(event_type_name((enum event_type)0), "?");
	assert_string_equal(event_command_name(ECMD_ACK_FIN), "ack-fin");
	assert_string_equal(event_command_name(ECMD_READ), "read");
	assert_string_equal(event_command_name(ECMD_RESUME), "resume");
	assert_string_equal(event_command_name(ECMD_FIN), "fin");
	assert_string_equal(event_command_name(ECMD_RST), "rst");
	assert_string_equal(event_command_name(ECMD_SEND), "send");
	assert_string_equal(event_command_name((enum event_command)99), "?");
}

static const char *
fake_state_name(int st)
{
	return st == 3 ? "ESTABLISHED" : st == 4 ? "CLOSE_WAIT" : "OTHER";
}

static void
expect_line(const struct peer_event *ev, const char *want)
{
	char buf[200];
	size_t n = event_format(ev, fake_state_name, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
test_format(void **state)
{
	struct peer_event ev = {
		.t_ns = 12345678901ull,
		.conn_id = 7,
		.type = EV_SEG_IN,
		.cls = SC_FIN_RETX,
		.flags = TCPF_FIN | TCPF_ACK,
		.win = 502,
		.seq = 1001,
		.ack = 1,
		.len = 0,
	};

	(void)state;
	expect_line(&ev,
	    "t=12.345678901 in F. seq=1001 ack=1 win=502 len=0 class=fin-retx");
	ev = (struct peer_event){ .t_ns = 5,
		.type = EV_SEG_OUT,
		.cls = SC_SYNACK,
		.flags = TCPF_SYN | TCPF_ACK,
		.opts = EVO_MSS | EVO_WSCALE | EVO_TS,
		.win = 65535,
		.seq = 4294967295u,
		.ack = 2,
		.len = 0 };
	expect_line(&ev,
	    "t=0.000000005 out S. seq=4294967295 ack=2 win=65535 len=0 "
	    "opts=mss,wscale,ts class=synack");
	ev.opts = EVO_SACK_OK;
	ev.flags = 0;
	expect_line(&ev,
	    "t=0.000000005 out none seq=4294967295 ack=2 win=65535 len=0 "
	    "opts=sackok class=synack");
	ev = (struct peer_event){ .t_ns = 2000000000,
		.type = EV_STATE,
		.state = 4,
		.old_state = 3 };
	expect_line(&ev, "t=2.000000000 state ESTABLISHED->CLOSE_WAIT");
	ev = (struct peer_event){ .t_ns = 1, .type = EV_BEHAVIOUR };
	expect_line(&ev, "t=0.000000001 behaviour changed");
	ev = (struct peer_event){ .t_ns = 0,
		.type = EV_COMMAND,
		.arg = ECMD_READ,
		.len = 512 };
	expect_line(&ev, "t=0.000000000 command read arg=512");
	ev = (struct peer_event){ .t_ns = 0, .type = 0 };
	expect_line(&ev, "t=0.000000000 unknown");
}

static void
test_format_truncates(void **state)
{
	struct peer_event ev = { .t_ns = 1, .type = EV_BEHAVIOUR };
	char buf[6];

	(void)state;
	assert_int_equal(event_format(&ev, fake_state_name, buf, sizeof(buf)),
	    31);
	assert_string_equal(buf, "t=0.0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbering),
		cmocka_unit_test(test_filter_and_since),
		cmocka_unit_test(test_early_stop),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_capacity_zero),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
