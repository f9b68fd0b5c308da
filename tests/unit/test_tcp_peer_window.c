/*
 * test_tcp_peer_window.c - the receive side under stop-reading and silent:
 * the advertised window shrinking to 0 in scaled units, data trimmed at the
 * edge, zero-window probes of both kinds, read/resume reopening the window,
 * and a peer that says nothing at all.
 *
 * The peer scales by 7, so the window on the wire is (rcvbuf - buffered) >> 7.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"

#define FULL_WIN 512
#define F_ACK	 TCPF_ACK
#define F_FINACK (TCPF_FIN | TCPF_ACK)

/* The client's next byte as the peer sees it after n bytes of data. */
#define RCV(n) (CLIENT_ISN + 1 + (n))

static struct peer_event
last_event(const struct harness *h)
{
	struct peer_event ev;

	assert_int_equal(h_events(h, &ev, 1), 1);
	return ev;
}

/* Fill a 64 KiB buffer nobody reads: the window closes, excess is trimmed. */
static void
test_stop_reading_fills(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t k;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=64KiB");
	h_connect(&h);
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1460), 500,
	    0); /* 64076 >> 7 */
	for (k = 2; k <= 44; k++) {
		assert_int_equal(h_data(&h, 1460), 1);
		h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(k * 1460),
		    (uint16_t)((65536 - k * 1460) >> 7), 0);
	}
	/* 1296 bytes of room and the scaled window already reads 10 */
	assert_int_equal(h.out[0].window, 10);
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65536), 0, 0);
	h.cseq = RCV(65536);
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65536), 0, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 65536);
	assert_int_equal(ci.buffered, 65536);
	assert_int_equal(ci.bytes_read, 0);
	assert_int_equal(ci.window, 0);
	assert_int_equal(ci.data_retx, 0);
	h_fini(&h);
}

/* The trimmed segments are logged as beyond the window. */
static void
test_beyond_window_logged(void **state)
{
	struct harness h;
	struct peer_event ev[2];

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=1000");
	h_connect(&h);
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1000), 0, 0);
	assert_int_equal(h_events(&h, ev, 2), 2);
	assert_int_equal(ev[0].type, EV_SEG_IN);
	assert_int_equal(ev[0].cls, SC_DATA_BEYOND_WINDOW);
	assert_int_equal(ev[0].len, 1460);
	assert_int_equal(ev[1].type, EV_SEG_OUT);
	assert_int_equal(ev[1].win, 0);
	h_fini(&h);
}

/* Linux probes with an empty segment one below rcv_nxt, BSD with one byte. */
static void
test_zero_window_probes(void **state)
{
	struct harness h;
	struct segment s;
	struct conn_info ci;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=4KiB");
	h_connect(&h);
	assert_int_equal(h_data(&h, 4096), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4096), 0, 0);
	s = h_seg(&h, F_ACK, RCV(4096) - 1, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4096), 0, 0);
	assert_int_equal(last_event(&h).cls, SC_ZERO_WINDOW_PROBE);
	assert_int_equal(last_event(&h).type, EV_SEG_OUT);
	s = h_seg(&h, F_ACK, RCV(4096), h.iss + 1, 1);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4096), 0,
	    0); /* the byte is not taken */
	/* a plain ACK at rcv_nxt is no probe and gets no answer */
	s = h_seg(&h, F_ACK, RCV(4096), h.iss + 1, 0);
	assert_int_equal(h_input(&h, &s), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.zero_window_probes, 2);
	assert_int_equal(ci.bytes_received, 4096);
	h_fini(&h);
}

/* read N and resume: the window reopens and the client is told at once. */
static void
test_read_and_resume(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct peer_event ev;

	(void)state;
	h_init(&h, "stop-reading");
	h_connect(&h);
	h.cseq = RCV(0);
	while (h.cseq != RCV(65536))
		h_data(&h, 4096);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65536), 0, 0);
	assert_int_equal(peer_read(h.p, h.id, 10000, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65536), 78,
	    0); /* 10000 >> 7 */
	ev = last_event(&h);
	assert_int_equal(ev.type, EV_SEG_OUT);
	h_info(&h, &ci);
	assert_int_equal(ci.buffered, 55536);
	assert_int_equal(ci.bytes_read, 10000);
	assert_int_equal(ci.window,
	    78 << 7); /* as advertised, in scale units */
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(66996), 66,
	    0); /* 8540 >> 7 */
	assert_int_equal(peer_resume(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(66996), FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.buffered, 0);
	assert_int_equal(ci.bytes_read, 66996);
	assert_int_equal(ci.behaviour.bits & BHV_STOP_READING, 0);
	/* from now on data is read as it comes */
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(68456), FULL_WIN, 0);
	assert_int_equal(peer_read(h.p, 4242, 1, h.now), PEER_CMD_NO_CONN);
	assert_int_equal(peer_resume(h.p, 4242, h.now), PEER_CMD_NO_CONN);
	h_fini(&h);
}

/* after=: the application reads that much, then stops. */
static void
test_stop_reading_after(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t k;

	(void)state;
	h_init(&h, "stop-reading:after=10KiB");
	h_connect(&h);
	for (k = 1; k <= 7; k++) { /* 10220 bytes: all read */
		assert_int_equal(h_data(&h, 1460), 1);
		h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(k * 1460), FULL_WIN,
		    0);
	}
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(11680), 500,
	    0); /* 1440 kept */
	assert_int_equal(h_data(&h, 1460), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(13140), 489,
	    0); /* 2900 kept */
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_read, 10240);
	assert_int_equal(ci.buffered, 2900);
	h_fini(&h);
}

/* A FIN behind unread data is ACKed; our FIN waits until the data is read. */
static void
test_fin_behind_unread_data(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "stop-reading");
	h_connect(&h);
	assert_int_equal(h_data(&h, 2000), 1);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, 496,
	    0); /* 63536 >> 7 */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSE_WAIT);
	assert_int_equal(peer_read(h.p, h.id, 1000, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, 504,
	    0); /* 64536 >> 7 */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSE_WAIT);
	assert_int_equal(peer_read(h.p, h.id, 0, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	h_fini(&h);
}

/* Without window scaling the same buffer is announced in bytes. */
static void
test_stop_reading_unscaled(void **state)
{
	struct harness h;
	struct segment syn;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=3000");
	syn = h_syn(&h, CLIENT_ISN);
	syn.opt.has_wscale = false;
	assert_int_equal(h_input(&h, &syn), 1);
	h.iss = h.out[0].seq;
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, RCV(0), 3000, 0);
	assert_false(h.out[0].opt.has_wscale);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h.cseq = RCV(0);
	h_ack(&h, h.iss + 1, 64240);
	assert_int_equal(h_data(&h, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1000), 2000, 0);
	assert_int_equal(h_data(&h, 1999), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(2999), 1, 0);
	h_fini(&h);
}

/* silent: after the handshake nothing leaves, but everything is counted. */
static void
test_silent(void **state)
{
	struct harness h;
	struct segment s, fin;
	struct conn_info ci;

	(void)state;
	h_init(&h, "silent");
	h_connect(&h);
	assert_int_equal(h_data(&h, 100), 0);
	s = h_seg(&h, F_ACK | TCPF_PSH, RCV(0), h.iss + 1, 100);
	assert_int_equal(h_input(&h, &s), 0); /* a retransmission */
	fin = h_seg(&h, F_FINACK, RCV(100), h.iss + 1, 0);
	assert_int_equal(h_input(&h, &fin), 0);
	assert_int_equal(h_input(&h, &fin), 0);
	s = h_seg(&h, F_ACK, RCV(100), h.iss + 1, 0); /* a keepalive */
	assert_int_equal(h_input(&h, &s), 0);
	assert_int_equal(h_tick(&h, h.now + 100000 * MS), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 100);
	assert_int_equal(ci.data_retx, 1);
	assert_int_equal(ci.fins_seen, 2);
	assert_int_equal(ci.fin_retx, 1);
	assert_int_equal(ci.segs_out, 1); /* the SYN-ACK */
	/* an explicit RST is an act, not a reply: it is sent */
	assert_int_equal(peer_send_rst(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], TCPF_RST | TCPF_ACK, h.iss + 1, RCV(101), 0, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_OUT);
	assert_int_equal(peer_send_rst(h.p, h.id, h.now), PEER_CMD_BAD_STATE);
	h_fini(&h);
}

/* silent: the client's RST is recorded; a fin command still sends. */
static void
test_silent_rst_and_fin(void **state)
{
	struct harness h;
	struct segment rst;
	struct conn_info ci;

	(void)state;
	h_init(&h, "silent");
	h_connect(&h);
	assert_int_equal(peer_send_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	/* and is retransmitted: the command overrides silence */
	assert_int_equal(h_tick(&h, h.now + 1000 * MS), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	rst = h_seg(&h, TCPF_RST, RCV(0), 0, 0);
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.rsts_seen, 1);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_IN);
	h_fini(&h);
}

/* silent:after=: ACKs until that many bytes arrived, then nothing. */
static void
test_silent_after(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct segment s;

	(void)state;
	h_init(&h, "silent:after=1000");
	h_connect(&h);
	assert_int_equal(h_data(&h, 600), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(600), FULL_WIN, 0);
	assert_int_equal(h_data(&h, 600),
	    0); /* crosses 1000: quiet from here */
	assert_int_equal(h_data(&h, 600), 0);
	s = h_seg(&h, F_ACK, RCV(0), h.iss + 1, 600);
	assert_int_equal(h_input(&h, &s), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 1800);
	assert_int_equal(ci.data_retx, 1);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	h_fini(&h);
}

/* stop-reading + swallow-fin: window 0, FIN held, probes answered. */
static void
test_stop_reading_and_swallow_fin(void **state)
{
	struct harness h;
	struct behaviour normal = h_behaviour("normal");
	struct segment s;
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=4KiB+swallow-fin");
	h_connect(&h);
	assert_int_equal(h_data(&h, 4096), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(4096), 0, 0);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 0);
	h.cseq = fin_seq;
	assert_int_equal(h_fin(&h), 0);
	s = h_seg(&h, F_ACK, fin_seq - 1, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq, 0, 0);
	/* reading reopens the window; the FIN stays held */
	assert_int_equal(peer_resume(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq, 32, 0); /* 4096 >> 7 */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_true(ci.fin_held);
	assert_int_equal(ci.fins_seen, 2);
	assert_int_equal(ci.zero_window_probes, 1);
	assert_int_equal(peer_set_behaviour(h.p, h.id, &normal, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_fini(&h);
}

/*
 * The same, but switching to normal while data is still unread: the
 * application now reads it, sees EOF behind it and closes.
 */
static void
test_release_reads_buffer_first(void **state)
{
	struct harness h;
	struct behaviour normal = h_behaviour("normal");
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "stop-reading+swallow-fin");
	h_connect(&h);
	assert_int_equal(h_data(&h, 2000), 1);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 0);
	assert_int_equal(peer_set_behaviour(h.p, h.id, &normal, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	assert_int_equal(ci.buffered, 0);
	assert_int_equal(ci.bytes_read, 2000);
	h_fini(&h);
}

/* TSval is taken from in-window segments only (RFC 7323 3.4), then echoed. */
static void
test_ts_recent_rule(void **state)
{
	struct harness h;
	struct segment s;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	h.tsval = 6000;
	s = h_seg(&h, F_ACK, RCV(100), h.iss + 1, 10); /* after a hole */
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	assert_int_equal(h.out[0].opt.ts_ecr, CLIENT_TSVAL);
	assert_int_equal(last_event(&h).cls, SC_DATA_OUT_OF_ORDER);
	h.tsval = 7000;
	assert_int_equal(h_data(&h, 10), 1);
	assert_int_equal(h.out[0].opt.ts_ecr, 7000);
	h_fini(&h);
}

/* The ACK that completes the handshake may carry data and a FIN. */
static void
test_handshake_ack_with_data_and_fin(void **state)
{
	struct harness h;
	struct segment syn, s;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	h_input(&h, &syn);
	h.iss = h.out[0].seq;
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	s = h_seg(&h, F_FINACK | TCPF_PSH, RCV(0), h.iss + 1, 50);
	assert_int_equal(h_input(&h, &s), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(51), FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, RCV(51), FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	assert_int_equal(ci.bytes_read, 50);
	h_fini(&h);
}

/* Behaviours change on a live connection: silent and back, then stop-reading. */
static void
test_behaviour_change_live(void **state)
{
	struct harness h;
	struct behaviour silent = h_behaviour("silent");
	struct behaviour normal = h_behaviour("normal");
	struct behaviour small = h_behaviour("stop-reading:rcvbuf=1KiB");
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	assert_int_equal(peer_set_behaviour(h.p, h.id, &silent, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 0);
	assert_int_equal(last_event(&h).type, EV_BEHAVIOUR);
	assert_int_equal(h_data(&h, 100), 0);
	/* back to normal: the window announcement also ACKs what came meanwhile */
	assert_int_equal(peer_set_behaviour(h.p, h.id, &normal, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(100), FULL_WIN, 0);
	assert_int_equal(peer_set_behaviour(h.p, h.id, &small, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(100), 8, 0); /* 1024 >> 7 */
	assert_int_equal(h_data(&h, 1000), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1100), 0,
	    0); /* 24 bytes left */
	h_info(&h, &ci);
	assert_int_equal(ci.behaviour.rcvbuf, 1024);
	assert_int_equal(ci.window,
	    0); /* 24 bytes free is less than a scale unit */
	h_fini(&h);
}

/* A FIN behind data that does not fit is beyond the window: not seen at all. */
static void
test_fin_beyond_window(void **state)
{
	struct harness h;
	struct segment s;
	struct conn_info ci;

	(void)state;
	h_init(&h, "stop-reading:rcvbuf=1000");
	h_connect(&h);
	s = h_seg(&h, F_FINACK | TCPF_PSH, RCV(0), h.iss + 1, 1460);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1000), 0, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.fins_seen, 0);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.bytes_received, 1000);
	h_fini(&h);
}

/*
 * A super-segment (segmentation offload on the client's link: one frame of
 * up to 64 KiB where a wire carries 45) is data like any other: taken
 * whole when there is room, trimmed at the window's edge when not.
 */
static void
test_super_segment_taken(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	assert_int_equal(h_data(&h, 65160), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65160), FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 65160);
	assert_int_equal(ci.data_retx, 0);
	h_fini(&h);

	h_init(&h, "stop-reading:rcvbuf=64KiB");
	h_connect(&h);
	assert_int_equal(h_data(&h, 65483), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65483), 0, 0); /* 53 >> 7 */
	assert_int_equal(h_data(&h, 2896), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(65536), 0, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 65536);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_reading_fills),
		cmocka_unit_test(test_beyond_window_logged),
		cmocka_unit_test(test_zero_window_probes),
		cmocka_unit_test(test_read_and_resume),
		cmocka_unit_test(test_stop_reading_after),
		cmocka_unit_test(test_fin_behind_unread_data),
		cmocka_unit_test(test_stop_reading_unscaled),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_silent_rst_and_fin),
		cmocka_unit_test(test_silent_after),
		cmocka_unit_test(test_stop_reading_and_swallow_fin),
		cmocka_unit_test(test_release_reads_buffer_first),
		cmocka_unit_test(test_ts_recent_rule),
		cmocka_unit_test(test_handshake_ack_with_data_and_fin),
		cmocka_unit_test(test_behaviour_change_live),
		cmocka_unit_test(test_fin_beyond_window),
		cmocka_unit_test(test_super_segment_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
