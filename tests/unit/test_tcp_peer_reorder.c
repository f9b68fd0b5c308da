/*
 * test_tcp_peer_reorder.c - data that arrives after a hole (a veth
 * reorders when the client sends from two CPUs): held, then delivered in
 * order with the segment that fills the hole, under one ACK; duplicates and
 * overlaps counted once; what is dropped past the bounds (ranges per
 * connection, queues in all, the window); a FIN after a hole, with each
 * behaviour that decides about FINs; delays; and a reset giving the queue
 * back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"
#include "tcp_peer_int.h" /* the pool's occupancy */

#define FULL_WIN 512 /* 64 KiB >> 7 */
#define F_ACK	 TCPF_ACK
#define F_PSH	 (TCPF_ACK | TCPF_PSH)
#define F_FINACK (TCPF_FIN | TCPF_ACK)

/* The client's byte n of data, as a sequence number. */
#define RCV(n) (CLIENT_ISN + 1 + (n))

static struct peer_event
last_event(const struct harness *h)
{
	struct peer_event ev;

	assert_int_equal(h_events(h, &ev, 1), 1);
	return ev;
}

/* Bytes [from, from + len) of the client's stream, with flags. */
static size_t
send_at(struct harness *h, uint8_t flags, uint32_t from, uint32_t len)
{
	struct segment s = h_seg(h, flags, RCV(from), h->iss + 1, len);

	return h_input(h, &s);
}

/* A segment past a hole: held, and the ACK is the duplicate one. */
static void
expect_dup_ack(struct harness *h, uint32_t acked, enum seg_class cls)
{
	assert_int_equal(h->nout, 1);
	h_expect(&h->out[0], F_ACK, h->iss + 1, RCV(acked), FULL_WIN, 0);
	assert_int_equal(last_event(h).cls, cls);
}

static uint64_t
rx(const struct harness *h)
{
	struct conn_info ci;

	h_info(h, &ci);
	return ci.bytes_received;
}

static void
test_in_order_after_reordering(void **state)
{
	const struct peer_stats *st;
	struct harness h;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	st = peer_get_stats(h.p);
	send_at(&h, F_PSH, 1000, 1000); /* the second segment first */
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	send_at(&h, F_PSH, 2000, 500); /* and the third */
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	assert_int_equal(rx(&h), 0);
	assert_int_equal(st->ooo_queued, 2);
	assert_int_equal(h.p->ooo.used, 1);
	/* the first fills the hole: one ACK for all 2500 */
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2500), FULL_WIN, 0);
	assert_int_equal(last_event(&h).cls, SC_DATA);
	assert_int_equal(rx(&h), 2500);
	assert_int_equal(st->ooo_filled, 1);
	assert_int_equal(st->ooo_dropped, 0);
	assert_int_equal(h.p->ooo.used, 0); /* given back once empty */
	/* and on in order as before */
	h.cseq = RCV(2500);
	assert_int_equal(h_data(&h, 100), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2600), FULL_WIN, 0);
	h_fini(&h);
}

/* Two holes: filling the first delivers up to the second. */
static void
test_two_holes(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	send_at(&h, F_PSH, 1000, 1000);
	send_at(&h, F_PSH, 3000, 1000);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2000), FULL_WIN, 0);
	assert_int_equal(send_at(&h, F_PSH, 2000, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4000), FULL_WIN, 0);
	assert_int_equal(rx(&h), 4000);
	assert_int_equal(peer_get_stats(h.p)->ooo_filled, 2);
	h_fini(&h);
}

static void
test_overlap_and_duplicates(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	send_at(&h, F_PSH, 1000, 1000);
	send_at(&h, F_PSH, 1500, 1000); /* half new */
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	send_at(&h, F_PSH, 1000, 1000); /* all held already */
	expect_dup_ack(&h, 0, SC_DATA_RETX);
	h_info(&h, &ci);
	assert_int_equal(ci.data_retx, 1);
	/* the filling segment overlaps what is held: counted once */
	assert_int_equal(send_at(&h, F_PSH, 0, 1200), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2500), FULL_WIN, 0);
	assert_int_equal(rx(&h), 2500);
	/* a retransmission of what came in through the queue */
	assert_int_equal(send_at(&h, F_PSH, 1500, 500), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2500), FULL_WIN, 0);
	assert_int_equal(last_event(&h).cls, SC_DATA_RETX);
	assert_int_equal(rx(&h), 2500);
	h_fini(&h);
}

/* OOO_RANGES separate runs at most; past that, the highest goes. */
static void
test_range_bound(void **state)
{
	const struct peer_stats *st;
	struct harness h;
	uint32_t i;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	st = peer_get_stats(h.p);
	for (i = 0; i < OOO_RANGES; i++) {
		send_at(&h, F_PSH, 1000 + 200 * i, 100);
		expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	}
	/* a ninth run past them all: dropped, and said so */
	send_at(&h, F_PSH, 9000, 100);
	expect_dup_ack(&h, 0, SC_DATA_OOO_DROPPED);
	assert_int_equal(st->ooo_dropped, 1);
	/* a ninth below the highest: the highest (at 2400) makes room */
	send_at(&h, F_PSH, 500, 100);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	assert_int_equal(st->ooo_dropped, 2);
	assert_int_equal(st->ooo_queued, OOO_RANGES + 1);
	/* [0, 500) fills the first hole only: up to 600 */
	assert_int_equal(send_at(&h, F_PSH, 0, 500), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(600), FULL_WIN, 0);
	/* everything up to 2400 then comes in through the queue; the run
	 * at 2400 was dropped and must come again */
	assert_int_equal(send_at(&h, F_PSH, 600, 1800), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2400), FULL_WIN, 0);
	assert_int_equal(rx(&h), 2400);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

/* Queues for at most max_ooo_conns connections at once; others drop. */
static void
test_pool_bound(void **state)
{
	struct peer_config cfg;
	struct harness h;
	uint32_t first;

	(void)state;
	h_config(&cfg);
	cfg.max_ooo_conns = 1;
	h_init_cfg(&h, "normal", &cfg);
	h_connect(&h);
	first = h.id;
	send_at(&h, F_PSH, 1000, 100);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	h.cport++;
	h_connect(&h);
	send_at(&h, F_PSH, 1000, 100); /* a second connection's hole */
	expect_dup_ack(&h, 0, SC_DATA_OOO_DROPPED);
	assert_int_equal(peer_get_stats(h.p)->ooo_dropped, 1);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1000), FULL_WIN, 0);
	/* the first still has its queue, and gives it back when filled */
	h.cport--;
	assert_int_equal(peer_conn_lookup(h.p, &h.caddr, h.cport, PEER_PORT,
			     &h.id),
	    0);
	assert_int_equal(h.id, first);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	assert_int_equal(h.out[0].ack, RCV(1100));
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

/* A FIN beyond a hole takes effect when the hole fills. */
static void
test_fin_after_hole(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	send_at(&h, F_PSH | TCPF_FIN, 1000, 1000);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.fins_seen, 0);
	/* the hole fills: data and FIN ACKed at once, then our own FIN */
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2000) + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, RCV(2000) + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	assert_int_equal(ci.fins_seen, 1);
	assert_int_equal(ci.bytes_received, 2000);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

/* A bare FIN after a hole (the last data segment was the one delayed). */
static void
test_bare_fin_after_hole(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "half-close");
	h_connect(&h);
	send_at(&h, F_FINACK, 1000, 0);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1000) + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSE_WAIT); /* half-close: no FIN */
	h_fini(&h);
}

/* swallow-fin: the FIN past the hole is swallowed when the hole fills,
 * and data past that FIN is not held. */
static void
test_swallow_fin_after_hole(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	send_at(&h, F_PSH | TCPF_FIN, 1000, 1000);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	send_at(&h, F_PSH, 2500, 100); /* after the FIN: not data */
	expect_dup_ack(&h, 0, SC_DATA_OOO_DROPPED);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	/* the data ACKed, the FIN not */
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2000), FULL_WIN, 0);
	assert_int_equal(last_event(&h).cls, SC_FIN_SWALLOWED);
	h_info(&h, &ci);
	assert_true(ci.fin_held);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.fins_seen, 1);
	/* its retransmission is one, in order now; its data ACKed again */
	assert_int_equal(send_at(&h, F_PSH | TCPF_FIN, 1000, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2000), FULL_WIN, 0);
	assert_int_equal(last_event(&h).cls, SC_FIN_RETX);
	h_info(&h, &ci);
	assert_int_equal(ci.fin_retx, 1);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

static void
test_reset_on_fin_after_hole(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "reset-on-fin");
	h_connect(&h);
	send_at(&h, F_PSH | TCPF_FIN, 1000, 1000);
	expect_dup_ack(&h, 0, SC_DATA_OUT_OF_ORDER);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 1);
	assert_int_equal(h.out[0].flags, TCPF_RST | TCPF_ACK);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_OUT);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

/* Only what the window has room for is held; the rest, and a FIN after
 * it, dropped; with the window shut nothing is held at all. */
static void
test_window(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=4KiB");
	h_connect(&h);
	/* 4096 bytes of room from rcv_nxt: [2000, 4096) of [2000, 5000) */
	send_at(&h, F_PSH | TCPF_FIN, 2000, 3000);
	assert_int_equal(h.nout, 1);
	assert_int_equal(h.out[0].ack, RCV(0));
	assert_int_equal(last_event(&h).cls, SC_DATA_OUT_OF_ORDER);
	send_at(&h, F_PSH, 4200, 100); /* entirely past the window */
	assert_int_equal(h.out[0].ack, RCV(0));
	assert_int_equal(last_event(&h).cls, SC_DATA_BEYOND_WINDOW);
	assert_int_equal(peer_get_stats(h.p)->ooo_queued, 1);
	/* the hole fills: the buffer is full, the window shut, no FIN */
	assert_int_equal(send_at(&h, F_PSH, 0, 2000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4096), 0, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.buffered, 4096);
	assert_int_equal(ci.fins_seen, 0);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	/* shut: data after a hole is beyond it, not held */
	send_at(&h, F_PSH, 5000, 100);
	assert_int_equal(last_event(&h).cls, SC_DATA_BEYOND_WINDOW);
	assert_int_equal(h.p->ooo.used, 0);
	/* read on command: the window opens; the rest comes in order */
	assert_int_equal(peer_read(h.p, h.id, 0, h.now), PEER_CMD_OK);
	h_drain(&h);
	assert_int_equal(send_at(&h, F_PSH | TCPF_FIN, 4096, 904), 1);
	assert_int_equal(h.out[0].ack, RCV(5000) + 1);
	h_fini(&h);
}

/* delay= holds the one ACK, as it holds every reply. */
static void
test_delay(void **state)
{
	struct harness h;
	struct behaviour delay = h_behaviour("delay=100ms");

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	assert_int_equal(peer_set_behaviour(h.p, h.id, &delay, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_tick(&h, h.now + 100 * MS), 1); /* its ACK */
	assert_int_equal(send_at(&h, F_PSH, 1000, 1000), 0);
	assert_int_equal(send_at(&h, F_PSH, 0, 1000), 0);
	assert_int_equal(rx(&h), 2000);
	assert_int_equal(h_tick(&h, h.now + 100 * MS), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	h_expect(&h.out[1], F_ACK, h.iss + 1, RCV(2000), FULL_WIN, 0);
	h_fini(&h);
}

/* A reset from the client gives the queue back; so does a new SYN. */
static void
test_reset_releases(void **state)
{
	struct harness h;
	struct segment rst;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	send_at(&h, F_PSH, 1000, 1000);
	assert_int_equal(h.p->ooo.used, 1);
	rst = h_seg(&h, TCPF_RST, RCV(0), 0, 0);
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(h.p->ooo.used, 0);
	/* the same four-tuple again, with a hole, then a data-less end */
	h.now += MS;
	h_connect(&h);
	send_at(&h, F_PSH, 1000, 1000);
	assert_int_equal(h.p->ooo.used, 1);
	assert_int_equal(peer_send_rst(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

/*
 * Random reordering and duplicates, as a veth and a retransmitting sender
 * make them: the peer never ACKs a byte that has not arrived, its ACK never
 * goes back, what it counts received is exactly what it ACKs, and once
 * everything has come (the sender repeating what was dropped) all of it is
 * in, once.
 */
#define RND_SEGS 400
static void
test_random_reordering(void **state)
{
	static uint32_t off[RND_SEGS + 1], order[2 * RND_SEGS];
	static bool arrived[RND_SEGS * 1448];
	struct harness h;
	uint64_t x = 0xd1b54a32d192ed03ull;
	uint32_t i, j, k, n = 0, t, prefix = 0, last_ack = RCV(0), ack;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	for (i = 0, off[0] = 0; i < RND_SEGS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		off[i + 1] = off[i] + 1 + (uint32_t)(x % 1448);
		order[n++] = i;
		if (x % 10 == 0)
			order[n++] = i; /* a duplicate */
	}
	for (i = 0; i < n; i++) { /* each moved at most 12 places */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = i + (uint32_t)(x % 13);
		if (j < n) {
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
	for (i = 0; i < n; i++) {
		k = order[i];
		send_at(&h, F_PSH, off[k], off[k + 1] - off[k]);
		memset(&arrived[off[k]], 1, off[k + 1] - off[k]);
		while (prefix < off[RND_SEGS] && arrived[prefix])
			prefix++;
		assert_int_equal(h.nout, 1);
		ack = h.out[0].ack;
		assert_true(seq_ge(ack, last_ack));
		assert_true(seq_le(ack, RCV(prefix)));
		assert_int_equal(rx(&h), ack - RCV(0));
		last_ack = ack;
	}
	for (k = 0; k < RND_SEGS; k++) /* the sender repeats, in order */
		send_at(&h, F_PSH, off[k], off[k + 1] - off[k]);
	assert_int_equal(h.out[0].ack, RCV(off[RND_SEGS]));
	assert_int_equal(rx(&h), off[RND_SEGS]);
	assert_true(peer_get_stats(h.p)->ooo_filled > 0);
	assert_int_equal(h.p->ooo.used, 0);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_after_reordering),
		cmocka_unit_test(test_two_holes),
		cmocka_unit_test(test_overlap_and_duplicates),
		cmocka_unit_test(test_range_bound),
		cmocka_unit_test(test_pool_bound),
		cmocka_unit_test(test_fin_after_hole),
		cmocka_unit_test(test_bare_fin_after_hole),
		cmocka_unit_test(test_swallow_fin_after_hole),
		cmocka_unit_test(test_reset_on_fin_after_hole),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_reset_releases),
		cmocka_unit_test(test_random_reordering),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
