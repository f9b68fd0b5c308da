/*
 * test_wire_classify.c - retransmissions and zero-window probes among
 * captured segments, the partial-pattern matcher, and the texts that say
 * how a segment differs from what was wanted.
 *
 * Segments are written out one per line as they would appear in a capture
 * (client port 40000, peer port 7000), with the expected marks beside them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "duration_text.h"
#include "segment.h"
#include "segment_text.h"
#include "timeunit.h"
#include "wire_classify.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define C	 true  /* from the client */
#define P	 false /* from the peer */
#define A	 TCPF_ACK
#define MS(x)	 ((uint64_t)(x)*NS_PER_MS)

/* One segment plus what the classifier must say about it. */
struct row {
	bool from_client;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	uint32_t len;
	bool retx, zwp;
	uint16_t cport; /* 0: 40000 */
};

static void
load(struct obs_segment *segs, const struct row *rows, size_t n)
{
	size_t i;
	uint16_t cport;

	for (i = 0; i < n; i++) {
		cport = rows[i].cport != 0 ? rows[i].cport : 40000;
		segs[i] = (struct obs_segment){ .t_ns = MS(10) * i,
			.from_client = rows[i].from_client,
			.sport = rows[i].from_client ? cport : 7000,
			.dport = rows[i].from_client ? 7000 : cport,
			.seq = rows[i].seq,
			.ack = rows[i].ack,
			.flags = rows[i].flags,
			.window = rows[i].win,
			.len = rows[i].len,
			/* garbage, which classification must overwrite */
			.retransmission = !rows[i].retx,
			.zero_window_probe = !rows[i].zwp };
	}
}

static void
check_rows(const struct row *rows, size_t n)
{
	struct obs_segment segs[32];
	size_t i;

	assert_true(n <= NELEM(segs));
	load(segs, rows, n);
	assert_int_equal(wire_classify(segs, n), 0);
	for (i = 0; i < n; i++) {
		if (segs[i].retransmission != rows[i].retx)
			fail_msg("segment %zu: retransmission %d, want %d", i,
			    segs[i].retransmission, rows[i].retx);
		if (segs[i].zero_window_probe != rows[i].zwp)
			fail_msg("segment %zu: zero_window_probe %d, want %d",
			    i, segs[i].zero_window_probe, rows[i].zwp);
	}
	/* again, over its own output: the same answer */
	assert_int_equal(wire_classify(segs, n), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(segs[i].retransmission, rows[i].retx);
		assert_int_equal(segs[i].zero_window_probe, rows[i].zwp);
	}
}

static void
test_flag_values_are_the_wire_s(void **state)
{
	(void)state;
	assert_int_equal(TCPF_FIN, TCPF_FIN);
	assert_int_equal(TCPF_SYN, TCPF_SYN);
	assert_int_equal(TCPF_RST, TCPF_RST);
	assert_int_equal(TCPF_PSH, TCPF_PSH);
	assert_int_equal(TCPF_ACK, TCPF_ACK);
	assert_int_equal(TCPF_URG, TCPF_URG);
	assert_int_equal(TCPF_ECE, TCPF_ECE);
	assert_int_equal(TCPF_CWR, TCPF_CWR);
}

static void
test_empty_capture(void **state)
{
	struct wire_pattern any = { 0 };

	(void)state;
	assert_int_equal(wire_classify(NULL, 0), 0);
	assert_int_equal(wire_find(NULL, 0, 0, &any), -1);
	assert_int_equal(wire_count(NULL, 0, &any), 0);
}

static void
test_data_retransmission(void **state)
{
	static const struct row rows[] = {
		{ C, A, 1000, 1, 500, 100, false, false, 0 },
		{ C, A | TCPF_PSH, 1100, 1, 500, 100, false, false, 0 },
		{ P, A, 1, 1200, 500, 0, false, false, 0 },
		{ C, A, 1000, 1, 500, 100, true, false,
		    0 }, /* the first again */
		{ C, A, 1100, 1, 500, 200, true, false,
		    0 }, /* repacketised: starts below */
		{ C, A, 1300, 1, 500, 100, false, false, 0 }, /* new */
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_fin_retransmission(void **state)
{
	static const struct row rows[] = {
		{ C, A | TCPF_FIN, 2000, 1, 500, 0, false, false, 0 },
		{ C, A | TCPF_FIN, 2000, 1, 500, 0, true, false, 0 },
		{ C, A | TCPF_FIN, 2000, 1, 500, 0, true, false, 0 },
		/* data and FIN together, then the FIN alone after the data is ACKed */
		{ C, A | TCPF_FIN, 5000, 1, 500, 10, false, false, 40001 },
		{ C, A | TCPF_FIN, 5010, 1, 500, 0, true, false, 40001 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_acks_and_rsts_are_never_retransmissions(void **state)
{
	static const struct row rows[] = {
		{ C, A, 1000, 1, 500, 10, false, false, 0 },
		{ C, A, 1010, 1, 500, 0, false, false, 0 },
		{ C, A, 1010, 1, 500, 0, false, false, 0 }, /* duplicate ACK */
		{ C, A, 1000, 1, 500, 0, false, false,
		    0 }, /* old ACK, no data */
		{ C, TCPF_RST | A, 1000, 1, 0, 0, false, false, 0 },
		{ C, TCPF_RST, 1000, 0, 0, 0, false, false, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_syn_retransmission_and_port_reuse(void **state)
{
	static const struct row rows[] = {
		{ C, TCPF_SYN, 7000000, 0, 64240, 0, false, false, 0 },
		{ C, TCPF_SYN, 7000000, 0, 64240, 0, true, false, 0 },
		{ P, TCPF_SYN | A, 90, 7000001, 65535, 0, false, false, 0 },
		{ P, TCPF_SYN | A, 90, 7000001, 65535, 0, true, false, 0 },
		{ C, A, 7000001, 91, 502, 100, false, false, 0 },
		/* same ports, a new connection with a lower ISN: nothing repeats */
		{ C, TCPF_SYN, 3000, 0, 64240, 0, false, false, 0 },
		{ P, TCPF_SYN | A, 50, 3001, 65535, 0, false, false, 0 },
		{ C, A, 3001, 51, 502, 100, false, false, 0 },
		{ C, A, 3001, 51, 502, 100, true, false, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

/* The peer opens the connection (`peer connect`): the same rules, mirrored. */
static void
test_peer_opens_and_reopens(void **state)
{
	static const struct row rows[] = {
		{ P, TCPF_SYN, 500, 0, 65535, 0, false, false, 0 },
		{ C, TCPF_SYN | A, 9000, 501, 64240, 0, false, false, 0 },
		{ C, TCPF_SYN | A, 9000, 501, 64240, 0, true, false, 0 },
		{ C, A, 9001, 501, 502, 100, false, false, 0 },
		/* a new connection on the same ports, lower numbers on both sides */
		{ P, TCPF_SYN, 100, 0, 65535, 0, false, false, 0 },
		{ C, TCPF_SYN | A, 4000, 101, 64240, 0, false, false, 0 },
		{ C, A, 4001, 101, 502, 100, false, false, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_sequence_numbers_wrap(void **state)
{
	static const struct row rows[] = {
		{ C, A, 0xffffff00u, 1, 500, 0x200, false, false,
		    0 }, /* ends at 0x100 */
		{ C, A, 0x00000100u, 1, 500, 0x100, false, false,
		    0 }, /* new, past 0 */
		{ C, A, 0xffffff80u, 1, 500, 0x80, true, false,
		    0 }, /* before the wrap */
		{ C, A, 0x00000150u, 1, 500, 0x10, true, false, 0 },
		{ C, A, 0x00000200u, 1, 500, 0x10, false, false, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_directions_and_connections_are_apart(void **state)
{
	static const struct row rows[] = {
		{ C, A, 1000, 1000, 500, 100, false, false, 0 },
		{ P, A, 1000, 1100, 500, 100, false, false,
		    0 }, /* same numbers, other side */
		{ C, A, 1000, 1100, 500, 100, false, false,
		    40002 }, /* other connection */
		{ P, A, 1000, 1100, 500, 100, true, false, 0 },
		{ C, A, 1000, 1100, 500, 100, true, false, 40002 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_zero_window_probe_linux(void **state)
{
	static const struct row rows[] = {
		{ C, A, 4000, 1, 500, 1000, false, false, 0 },
		{ P, A, 1, 5000, 0, 0, false, false, 0 },  /* window shut */
		{ C, A, 4999, 1, 500, 0, false, true, 0 }, /* rcv_nxt - 1 */
		{ P, A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A, 4999, 1, 500, 0, false, true, 0 },
		{ C, A, 5000, 1, 500, 0, false, false, 0 }, /* a plain ACK */
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_zero_window_probe_bsd(void **state)
{
	static const struct row rows[] = {
		{ C, A, 4000, 1, 500, 1000, false, false, 0 },
		{ P, A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A, 5000, 1, 500, 1, false, true,
		    0 }, /* one byte at the edge */
		{ P, A, 1, 5000, 0, 0, false, false, 0 }, /* not taken */
		{ C, A, 5000, 1, 500, 1, false, true,
		    0 }, /* a probe, not a retx */
		{ C, A, 5000, 1, 500, 2, true, false,
		    0 }, /* two bytes: data again */
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_not_a_probe_unless_the_window_is_shut(void **state)
{
	static const struct row rows[] = {
		{ C, A, 4000, 1, 500, 1000, false, false, 0 },
		{ P, A, 1, 5000, 1024, 0, false, false, 0 },
		{ C, A, 4999, 1, 500, 0, false, false, 0 }, /* a keepalive */
		{ P, A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A, 4999, 1, 500, 0, false, true, 0 },
		{ P, A, 1, 5000, 4096, 0, false, false, 0 }, /* window opens */
		{ C, A, 4999, 1, 500, 0, false, false, 0 },
		/* an RST's window says nothing (Linux sends 0) */
		{ P, TCPF_RST | A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A, 4999, 1, 500, 0, false, false, 0 },
		/* and a FIN is never a probe, whatever its sequence number */
		{ P, A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A | TCPF_FIN, 4999, 1, 500, 0, true, false, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

static void
test_peer_probes_the_client(void **state)
{
	static const struct row rows[] = {
		{ P, A, 100, 1, 500, 1000, false, false, 0 },
		{ C, A, 1, 1100, 0, 0, false, false, 0 },
		{ P, A, 1099, 1, 500, 0, false, true, 0 },
	};

	(void)state;
	check_rows(rows, NELEM(rows));
}

/* A small capture for the matcher: handshake, data, FIN, RST. */
static size_t
sample(struct obs_segment *s)
{
	static const struct row rows[] = {
		{ C, TCPF_SYN, 100, 0, 64240, 0, false, false, 0 }, /* 0 ms */
		{ P, TCPF_SYN | A, 900, 101, 65535, 0, false, false,
		    0 },				     /* 10 */
		{ C, A, 101, 901, 502, 0, false, false, 0 }, /* 20 */
		{ C, A | TCPF_PSH, 101, 901, 502, 100, false, false,
		    0 },						/* 30 */
		{ C, A | TCPF_FIN, 201, 901, 502, 0, false, false, 0 }, /* 40 */
		{ C, A | TCPF_FIN, 201, 901, 502, 0, true, false, 0 },	/* 50 */
		{ P, TCPF_RST | A, 901, 202, 0, 0, false, false, 0 },	/* 60 */
		{ C, A, 202, 901, 502, 0, false, false, 40001 },	/* 70 */
	};

	load(s, rows, NELEM(rows));
	assert_int_equal(wire_classify(s, NELEM(rows)), 0);
	return NELEM(rows);
}

static void
test_find_and_count(void **state)
{
	struct obs_segment s[16];
	size_t n = sample(s);
	struct wire_pattern p;

	(void)state;
	p = (struct wire_pattern){ 0 };
	assert_int_equal(wire_count(s, n, &p), n);
	assert_int_equal(wire_find(s, n, 3, &p), 3);
	assert_int_equal(wire_find(s, n, n, &p), -1);

	p = (struct wire_pattern){ .fields = WP_FROM, .from_client = false };
	assert_int_equal(wire_count(s, n, &p), 2);
	assert_int_equal(wire_find(s, n, 0, &p), 1);
	assert_int_equal(wire_find(s, n, 2, &p), 6);

	p = (struct wire_pattern){ .fields = WP_FROM,
		.from_client = true,
		.flags_set = TCPF_FIN };
	assert_int_equal(wire_count(s, n, &p), 2);
	p.fields |= WP_RETX;
	p.retransmission = true;
	assert_int_equal(wire_find(s, n, 0, &p), 5);
	p.retransmission = false;
	assert_int_equal(wire_find(s, n, 0, &p), 4);

	/* SYN alone: SYN set, ACK clear */
	p = (struct wire_pattern){ .flags_set = TCPF_SYN,
		.flags_clear = TCPF_ACK };
	assert_int_equal(wire_count(s, n, &p), 1);

	p = (struct wire_pattern){ .fields = WP_PAYLOAD, .has_payload = true };
	assert_int_equal(wire_find(s, n, 0, &p), 3);
	p.has_payload = false;
	assert_int_equal(wire_count(s, n, &p), n - 1);

	p = (struct wire_pattern){ .client_port = 40001 };
	assert_int_equal(wire_find(s, n, 0, &p), 7);
	p = (struct wire_pattern){ .client_port = 40000, .peer_port = 7000 };
	assert_int_equal(wire_count(s, n, &p), n - 1);
	p.peer_port = 7001;
	assert_int_equal(wire_count(s, n, &p), 0);
}

static void
test_time_window_is_inclusive(void **state)
{
	struct obs_segment s[16];
	size_t n = sample(s);
	struct wire_pattern p = { .fields = WP_TIME,
		.t_from_ns = MS(20),
		.t_to_ns = MS(40) };

	(void)state;
	assert_int_equal(wire_count(s, n, &p), 3); /* 20, 30, 40 */
	/* with slack, the start takes segments stamped that much early */
	p.t_slack_ns = MS(5);
	p.t_from_ns = MS(25);
	assert_int_equal(wire_count(s, n, &p), 3);
	p.t_slack_ns = 0;
	p.t_from_ns = MS(20) + 1;
	p.t_to_ns = MS(40) - 1;
	assert_int_equal(wire_count(s, n, &p), 1); /* 30 */
	p.t_from_ns = p.t_to_ns = MS(50);
	assert_int_equal(wire_find(s, n, 0, &p), 5);
}

static void
test_zwp_field_matches(void **state)
{
	static const struct row rows[] = {
		{ C, A, 4000, 1, 500, 1000, false, false, 0 },
		{ P, A, 1, 5000, 0, 0, false, false, 0 },
		{ C, A, 4999, 1, 500, 0, false, true, 0 },
	};
	struct obs_segment s[4];
	struct wire_pattern p = { .fields = WP_ZWP | WP_FROM,
		.zero_window_probe = true,
		.from_client = true };

	(void)state;
	load(s, rows, NELEM(rows));
	assert_int_equal(wire_classify(s, NELEM(rows)), 0);
	assert_int_equal(wire_find(s, NELEM(rows), 0, &p), 2);
	assert_int_equal(wire_count(s, NELEM(rows), &p), 1);
}

static void
expect_diff(const struct obs_segment *s, const struct wire_pattern *p,
    int count, const char *text)
{
	char buf[256];
	int n;

	n = wire_diff(s, p, buf, sizeof(buf));
	if (n != count || strcmp(buf, text) != 0)
		fail_msg("wire_diff: %d \"%s\", want %d \"%s\"", n, buf, count,
		    text);
}

static void
test_diff_says_how_a_segment_differs(void **state)
{
	struct obs_segment s[16];
	struct wire_pattern p;

	(void)state;
	sample(s);
	p = (struct wire_pattern){ .fields = WP_FROM,
		.from_client = true,
		.flags_set = TCPF_RST };
	expect_diff(&s[4], &p, 1, "flags F. but wanted R");
	expect_diff(&s[6], &p, 1, "from peer but wanted from client");
	p.flags_set = TCPF_FIN;
	expect_diff(&s[4], &p, 0, "");
	p = (struct wire_pattern){ .flags_clear = TCPF_ACK | TCPF_RST };
	expect_diff(&s[6], &p, 1, "flags R. but wanted no R.");
	p = (struct wire_pattern){ .flags_set = TCPF_FIN,
		.flags_clear = TCPF_PSH };
	expect_diff(&s[3], &p, 1, "flags P. but wanted F, no P");
	p = (struct wire_pattern){ .fields = WP_PAYLOAD, .has_payload = true };
	expect_diff(&s[4], &p, 1, "0 bytes of payload but wanted some");
	p.has_payload = false;
	expect_diff(&s[3], &p, 1, "100 bytes of payload but wanted none");
	p = (struct wire_pattern){ .fields = WP_RETX, .retransmission = true };
	expect_diff(&s[4], &p, 1, "not a retransmission");
	p = (struct wire_pattern){ .fields = WP_ZWP,
		.zero_window_probe = true };
	expect_diff(&s[4], &p, 1, "not a zero-window probe");
	p = (struct wire_pattern){ .client_port = 40001, .peer_port = 7001 };
	expect_diff(&s[4], &p, 2,
	    "client port 40000 but wanted 40001, "
	    "peer port 7000 but wanted 7001");
	p = (struct wire_pattern){ .fields = WP_TIME,
		.t_from_ns = MS(1000),
		.t_to_ns = MS(1100) };
	expect_diff(&s[4], &p, 1, "at +0.040s, 0.960s before the window");
	p.t_from_ns = 0;
	p.t_to_ns = MS(10);
	expect_diff(&s[4], &p, 1, "at +0.040s, 0.030s after the window");
	/* everything at once, in a fixed order */
	p = (struct wire_pattern){ .fields = WP_FROM | WP_PAYLOAD | WP_TIME,
		.from_client = false,
		.flags_set = TCPF_RST,
		.has_payload = true,
		.t_from_ns = MS(500),
		.t_to_ns = MS(600) };
	expect_diff(&s[4], &p, 4,
	    "from client but wanted from peer, flags F. but "
	    "wanted R, 0 bytes of payload but wanted some, at +0.040s, 0.460s "
	    "before the window");
}

static void
test_diff_truncates_safely(void **state)
{
	struct obs_segment s[16];
	struct wire_pattern p = { .fields = WP_FROM,
		.from_client = false,
		.flags_set = TCPF_RST };
	char buf[8];

	(void)state;
	sample(s);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(wire_diff(&s[4], &p, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "from cl");
	assert_int_equal(wire_diff(&s[4], &p, NULL, 0), 2); /* only counting */
}

static void
test_formats(void **state)
{
	struct obs_segment s[16];
	struct wire_pattern p = { 0 };
	char buf[192];

	(void)state;
	sample(s);
	tcpf_letters(TCPF_FIN | TCPF_ACK, buf, sizeof(buf));
	assert_string_equal(buf, "F.");
	tcpf_letters(TCPF_SYN, buf, sizeof(buf));
	assert_string_equal(buf, "S");
	tcpf_letters(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	tcpf_letters(0xff, buf, sizeof(buf));
	assert_string_equal(buf, "FSRPUEW.");
	wire_format_wanted(&p, buf, sizeof(buf));
	assert_string_equal(buf, "any");
	p.flags_set = TCPF_RST;
	wire_format_wanted(&p, buf, sizeof(buf));
	assert_string_equal(buf, "R");
	dur_offset(1203456789u, buf, sizeof(buf));
	assert_string_equal(buf, "+1.203s");
	dur_offset(0, buf, sizeof(buf));
	assert_string_equal(buf, "+0.000s");
	wire_format_segment(&s[5], buf, sizeof(buf));
	assert_string_equal(buf,
	    "+0.050s client:40000 > peer:7000 [F.] seq 201 "
	    "ack 901 win 502 len 0 retransmission");
	wire_format_segment(&s[6], buf, sizeof(buf));
	assert_string_equal(buf,
	    "+0.060s peer:7000 > client:40000 [R.] seq 901 "
	    "ack 202 win 0 len 0");
	s[6].zero_window_probe = true;
	wire_format_segment(&s[6], buf, sizeof(buf));
	assert_non_null(strstr(buf, " zero-window-probe"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flag_values_are_the_wire_s),
		cmocka_unit_test(test_empty_capture),
		cmocka_unit_test(test_data_retransmission),
		cmocka_unit_test(test_fin_retransmission),
		cmocka_unit_test(test_acks_and_rsts_are_never_retransmissions),
		cmocka_unit_test(test_syn_retransmission_and_port_reuse),
		cmocka_unit_test(test_peer_opens_and_reopens),
		cmocka_unit_test(test_sequence_numbers_wrap),
		cmocka_unit_test(test_directions_and_connections_are_apart),
		cmocka_unit_test(test_zero_window_probe_linux),
		cmocka_unit_test(test_zero_window_probe_bsd),
		cmocka_unit_test(test_not_a_probe_unless_the_window_is_shut),
		cmocka_unit_test(test_peer_probes_the_client),
		cmocka_unit_test(test_find_and_count),
		cmocka_unit_test(test_time_window_is_inclusive),
		cmocka_unit_test(test_zwp_field_matches),
		cmocka_unit_test(test_diff_says_how_a_segment_differs),
		cmocka_unit_test(test_diff_truncates_safely),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
