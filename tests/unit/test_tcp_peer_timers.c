/*
 * test_tcp_peer_timers.c - time in the peer: delayed replies, our own
 * retransmissions with backoff, the active close, and the send command
 * pacing itself by the client's window.
 *
 * Time is only what the test passes in; h_init starts the clock at 1 s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"
#include "tcp_peer_int.h" /* the timer heap, to see what it holds */

#define FULL_WIN 512
#define F_ACK	 TCPF_ACK
#define F_DATA	 (TCPF_ACK | TCPF_PSH)
#define F_FINACK (TCPF_FIN | TCPF_ACK)
#define RCV(n)	 (CLIENT_ISN + 1 + (n))
#define T(ms)	 ((uint64_t)(ms)*MS)

/* Data we send is the byte offset in our stream modulo 251. */
static void
expect_pattern(const struct harness *h, const struct segment *s)
{
	uint32_t off = s->seq - h->iss - 1, i;

	assert_non_null(s->payload);
	for (i = 0; i < s->payload_len; i++)
		if (s->payload[i] != (off + i) % 251)
			fail_msg("byte %u of the segment at offset %u is %u", i,
			    off, s->payload[i]);
}

/* Connect with the client announcing mss and no scaling needed for win. */
static void
connect_mss(struct harness *h, uint16_t mss, uint16_t win)
{
	struct segment syn = h_syn(h, CLIENT_ISN);

	syn.opt.mss = mss;
	assert_int_equal(h_input(h, &syn), 1);
	h->iss = h->out[0].seq;
	assert_int_equal(peer_conn_lookup(h->p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h->id),
	    0);
	h->cseq = RCV(0);
	assert_int_equal(h_ack(h, h->iss + 1, win), 0);
}

/* delay=50ms: nothing leaves before its time, and order is kept. */
static void
test_delay(void **state)
{
	struct harness h;
	struct segment syn;
	struct peer_event ev;

	(void)state;
	h_init(&h, "normal+delay=50ms");
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_next_deadline(h.p), T(1050));
	assert_int_equal(h_tick(&h, T(1050) - 1), 0);
	assert_int_equal(h_tick(&h, T(1050)), 1);
	h.iss = h.out[0].seq;
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, RCV(0), 65535, 0);
	assert_int_equal(h.out[0].opt.ts_val,
	    1000); /* built when it was decided */
	assert_int_equal(h_events(&h, &ev, 1), 1);
	assert_int_equal(ev.type, EV_SEG_OUT);
	assert_int_equal(ev.t_ns, T(1050)); /* logged when it left */
	assert_int_equal(peer_next_deadline(h.p),
	    T(2000)); /* the SYN-ACK's RTO */
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h.cseq = RCV(0);
	h.now = T(1060);
	assert_int_equal(h_ack(&h, h.iss + 1, CLIENT_WIN), 0);
	h.now = T(1070);
	assert_int_equal(h_data(&h, 100), 0);
	h.now = T(1080);
	assert_int_equal(h_data(&h, 200), 0);
	assert_int_equal(peer_next_deadline(h.p), T(1120));
	assert_int_equal(h_tick(&h, T(1125)), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(100), FULL_WIN, 0);
	assert_int_equal(peer_next_deadline(h.p), T(1130));
	/* the FIN's ACK and our FIN are due at the same instant: in order */
	h.now = T(1200);
	assert_int_equal(h_fin(&h), 0);
	assert_int_equal(h_tick(&h, T(1300)), 3);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(300), FULL_WIN, 0);
	h_expect(&h.out[1], F_ACK, h.iss + 1, RCV(301), FULL_WIN, 0);
	h_expect(&h.out[2], F_FINACK, h.iss + 1, RCV(301), FULL_WIN, 0);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	/* every ACK cancelled the timer it made useless: none is left */
	assert_int_equal(peer_next_deadline(h.p), UINT64_MAX);
	h_fini(&h);
}

/* More delayed replies than the pool holds: the excess is dropped, counted. */
static void
test_delay_pool_full(void **state)
{
	struct harness h;
	struct peer_config cfg;
	struct segment syn;

	(void)state;
	h_config(&cfg);
	cfg.max_delayed = 2;
	h_init_cfg(&h, "delay=10ms", &cfg);
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(h_tick(&h, h.now + T(10)), 1);
	h.iss = h.out[0].seq;
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h.cseq = RCV(0);
	assert_int_equal(h_ack(&h, h.iss + 1, CLIENT_WIN), 0);
	assert_int_equal(h_data(&h, 1), 0);
	assert_int_equal(h_data(&h, 1), 0);
	assert_int_equal(h_data(&h, 1), 0);
	assert_int_equal(peer_get_stats(h.p)->delayed_dropped, 1);
	assert_int_equal(h_tick(&h, h.now + T(10)), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, RCV(1), FULL_WIN, 0);
	h_expect(&h.out[1], F_ACK, h.iss + 1, RCV(2), FULL_WIN, 0);
	h_fini(&h);
}

/* No ACK for our SYN-ACK: resent after 1 s, doubling, seven times in all. */
static void
test_synack_retransmission(void **state)
{
	static const uint64_t at[] = { 2000, 4000, 8000, 16000, 32000, 64000,
		128000 };
	struct harness h;
	struct segment syn;
	struct conn_info ci;
	struct peer_event ev;
	size_t i;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	h_input(&h, &syn);
	h.iss = h.out[0].seq;
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	for (i = 0; i < 7; i++) {
		assert_int_equal(peer_next_deadline(h.p), T(at[i]));
		assert_int_equal(h_tick(&h, T(at[i]) - 1), 0);
		assert_int_equal(h_tick(&h, T(at[i])), 1);
		h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, RCV(0), 65535,
		    0);
		assert_true(h.out[0].opt.has_mss && h.out[0].opt.has_wscale);
		assert_int_equal(h.out[0].opt.ts_val, at[i]);
		assert_int_equal(h_events(&h, &ev, 1), 1);
		assert_int_equal(ev.cls, SC_SYNACK);
	}
	/* a late ACK still completes the handshake before the last timer */
	h.cseq = RCV(0);
	assert_int_equal(h_ack(&h, h.iss + 1, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.segs_out, 8);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	h_fini(&h);
}

/*
 * The handshake completing takes the SYN-ACK's retransmission timer out of
 * the heap at once: nothing is left to pop a second later, however many
 * handshakes there were. So does an ACK of everything we sent; and a
 * connection never has more than one timer in the heap.
 */
static void
test_timers_cancelled(void **state)
{
	struct harness h;
	struct segment syn;
	uint32_t i;

	(void)state;
	h_init(&h, "normal");
	for (i = 0; i < 50; i++) {
		h.cport = (uint16_t)(CLIENT_PORT + i);
		syn = h_syn(&h, CLIENT_ISN);
		assert_int_equal(h_input(&h, &syn), 1);
		h.iss = h.out[0].seq;
	}
	assert_int_equal(h.p->timers.len, 50);
	for (i = 0; i < 50; i++) {
		h.cport = (uint16_t)(CLIENT_PORT + i);
		assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, h.cport,
				     PEER_PORT, &h.id),
		    0);
		h.cseq = RCV(0);
		/* each connection's own ISS: it answers its own SYN-ACK */
		h.iss = conn_by_id(h.p->conns, h.id)->iss;
		assert_int_equal(h_ack(&h, h.iss + 1, CLIENT_WIN), 0);
		assert_int_equal(h.p->timers.len, 49 - i);
	}
	assert_int_equal(peer_next_deadline(h.p), UINT64_MAX);
	/* our data: one timer however many segments, gone when all is ACKed */
	assert_int_equal(peer_send_data(h.p, h.id, 3000, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 3);
	assert_int_equal(h.p->timers.len, 1);
	assert_int_equal(h_ack(&h, h.iss + 1 + 1448, CLIENT_WIN), 0);
	assert_int_equal(h.p->timers.len, 1); /* re-armed, not added */
	assert_int_equal(h_ack(&h, h.iss + 1 + 3000, CLIENT_WIN), 0);
	assert_int_equal(h.p->timers.len, 0);
	assert_int_equal(peer_next_deadline(h.p), UINT64_MAX);
	h_fini(&h);
}

/* Never ACKed: after the 7th retry and 128 s more, the slot is given back. */
static void
test_synack_gives_up(void **state)
{
	struct harness h;
	struct segment syn;
	struct conn_info ci;
	size_t i;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	h_input(&h, &syn);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	for (i = 0; i < 7; i++)
		assert_int_equal(h_tick(&h, peer_next_deadline(h.p)), 1);
	assert_int_equal(peer_next_deadline(h.p), T(128000 + 128000));
	assert_int_equal(h_tick(&h, T(256000)), 0); /* no RST: silently gone */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_TIMEOUT);
	assert_int_equal(peer_next_deadline(h.p), UINT64_MAX);
	h_fini(&h);
}

/* The fin command: FIN_WAIT1, the FIN resent with backoff until ACKed. */
static void
test_active_close(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct peer_event ev;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	assert_int_equal(h_tick(&h, T(2000)),
	    0); /* the handshake's RTO is stale */
	assert_int_equal(peer_send_fin(h.p, h.id, T(2500)), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	assert_int_equal(h_events(&h, &ev, 1), 1);
	assert_int_equal(ev.type, EV_STATE);
	assert_int_equal(ev.state, CS_FIN_WAIT1);
	assert_int_equal(peer_send_fin(h.p, h.id, T(2500)), PEER_CMD_BAD_STATE);
	assert_int_equal(peer_send_data(h.p, h.id, 10, T(2500)),
	    PEER_CMD_BAD_STATE);
	assert_int_equal(peer_next_deadline(h.p), T(3500));
	assert_int_equal(h_tick(&h, T(3500)), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	assert_int_equal(h_events(&h, &ev, 1), 1);
	assert_int_equal(ev.cls, SC_FIN_RETX);
	assert_int_equal(h_tick(&h, T(5499)), 0);
	assert_int_equal(h_tick(&h, T(5500)), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, RCV(0), FULL_WIN, 0);
	h.now = T(6000);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_FIN_WAIT2);
	assert_int_equal(h_tick(&h, T(100000)), 0);
	/* data still flows in FIN_WAIT2, then their FIN */
	assert_int_equal(h_data(&h, 10), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 2, RCV(10), FULL_WIN, 0);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 2, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_TIME_WAIT);
	assert_int_equal(ci.closed_by, CR_NONE);
	h_fini(&h);
}

/* Both FINs cross: CLOSING, then TIME_WAIT when ours is ACKed. */
static void
test_simultaneous_close(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	assert_int_equal(peer_send_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 1); /* acks only our SYN */
	h_expect(&h.out[0], F_ACK, h.iss + 2, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSING);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_TIME_WAIT);
	h_fini(&h);
}

/*
 * send: MSS-sized pattern data, never more than the client's window. The
 * timestamp option takes 12 bytes of each segment's MSS (RFC 6691).
 */
static void
test_send_paced_by_window(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct peer_event ev;
	uint32_t round, base;

	(void)state;
	h_init(&h, "normal");
	connect_mss(&h, 1000, 16); /* 16 << 7 = 2048 bytes */
	assert_int_equal(peer_send_data(h.p, h.id, 5000, h.now), PEER_CMD_OK);
	for (round = 0; round < 2; round++) {
		base = h.iss + 1 + round * 2048;
		if (round > 0)
			assert_int_equal(h_ack(&h, base, 16), 3);
		else
			assert_int_equal(h_drain(&h), 3);
		h_expect(&h.out[0], F_DATA, base, RCV(0), FULL_WIN, 988);
		h_expect(&h.out[1], F_DATA, base + 988, RCV(0), FULL_WIN, 988);
		h_expect(&h.out[2], F_DATA, base + 1976, RCV(0), FULL_WIN, 72);
		expect_pattern(&h, &h.out[0]);
		expect_pattern(&h, &h.out[1]);
		expect_pattern(&h, &h.out[2]);
	}
	assert_int_equal(h_ack(&h, h.iss + 4097, 16), 1);
	h_expect(&h.out[0], F_DATA, h.iss + 4097, RCV(0), FULL_WIN, 904);
	expect_pattern(&h, &h.out[0]);
	assert_int_equal(h_ack(&h, h.iss + 5001, 16), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_sent, 5000);
	assert_int_equal(peer_send_data(h.p, 999, 1, h.now), PEER_CMD_NO_CONN);
	/* the command is in the log with its byte count */
	assert_int_equal(peer_send_data(h.p, h.id, 0, h.now), PEER_CMD_OK);
	assert_int_equal(h_events(&h, &ev, 1), 1);
	assert_int_equal(ev.type, EV_COMMAND);
	assert_int_equal(ev.arg, ECMD_SEND);
	assert_int_equal(ev.len, 0);
	h_fini(&h);
}

/* A closed window: nothing until the client's window update. */
static void
test_send_waits_for_window(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h, "normal");
	connect_mss(&h, 1460, 0);
	assert_int_equal(peer_send_data(h.p, h.id, 100, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 0);
	assert_int_equal(h_ack(&h, h.iss + 1, 1), 1); /* 128 bytes of room */
	h_expect(&h.out[0], F_DATA, h.iss + 1, RCV(0), FULL_WIN, 100);
	h_fini(&h);
}

/* Unacknowledged data is resent from snd_una, one segment, our MSS at most. */
static void
test_data_retransmission(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h, "normal");
	/* a jumbo MSS: ours (1460, 1448 of data beside the timestamps) limits */
	connect_mss(&h, 9000, CLIENT_WIN);
	assert_int_equal(peer_send_data(h.p, h.id, 3000, T(1500)), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 3);
	h_expect(&h.out[0], F_DATA, h.iss + 1, RCV(0), FULL_WIN, 1448);
	h_expect(&h.out[1], F_DATA, h.iss + 1449, RCV(0), FULL_WIN, 1448);
	h_expect(&h.out[2], F_DATA, h.iss + 2897, RCV(0), FULL_WIN, 104);
	assert_int_equal(h_tick(&h, T(2500)), 1);
	h_expect(&h.out[0], F_DATA, h.iss + 1, RCV(0), FULL_WIN, 1448);
	expect_pattern(&h, &h.out[0]);
	/* a partial ACK restarts the timer for what is left */
	h.now = T(2600);
	assert_int_equal(h_ack(&h, h.iss + 1449, CLIENT_WIN), 0);
	assert_int_equal(h_tick(&h, T(3599)), 0);
	assert_int_equal(h_tick(&h, T(3600)), 1);
	h_expect(&h.out[0], F_DATA, h.iss + 1449, RCV(0), FULL_WIN, 1448);
	h.now = T(3700);
	assert_int_equal(h_ack(&h, h.iss + 3001, CLIENT_WIN), 0);
	assert_int_equal(h_tick(&h, T(100000)), 0);
	h_fini(&h);
}

/*
 * The emulated application closes after the client's FIN, but a real one
 * would flush what it wrote first: our FIN follows the last queued byte.
 */
static void
test_fin_after_pending_data(void **state)
{
	struct harness h;
	struct segment fin;
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "normal");
	connect_mss(&h, 1000, 8); /* 1024 bytes */
	assert_int_equal(peer_send_data(h.p, h.id, 3000, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	fin_seq = h.cseq;
	fin = h_seg(&h, F_FINACK, fin_seq, h.iss + 1, 0);
	fin.window = 8;
	h.cseq++;
	assert_int_equal(h_input(&h, &fin), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1025, fin_seq + 1, FULL_WIN, 0);
	assert_int_equal(h_ack(&h, h.iss + 1025, 8), 2);
	h_expect(&h.out[0], F_DATA, h.iss + 1025, fin_seq + 1, FULL_WIN, 988);
	h_expect(&h.out[1], F_DATA, h.iss + 2013, fin_seq + 1, FULL_WIN, 36);
	assert_int_equal(h_ack(&h, h.iss + 2049, 8), 2);
	h_expect(&h.out[0], F_DATA, h.iss + 2049, fin_seq + 1, FULL_WIN, 952);
	h_expect(&h.out[1], F_FINACK, h.iss + 3001, fin_seq + 1, FULL_WIN, 0);
	assert_int_equal(h_ack(&h, h.iss + 3002, 8), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_GRACEFUL);
	assert_int_equal(ci.bytes_sent, 3000);
	h_fini(&h);
}

/* Commands that make no sense in the state are refused, and change nothing. */
static void
test_commands_bad_state(void **state)
{
	struct harness h;
	struct segment syn;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	h_input(&h, &syn);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	assert_int_equal(peer_send_fin(h.p, h.id, h.now), PEER_CMD_BAD_STATE);
	assert_int_equal(peer_send_data(h.p, h.id, 1, h.now),
	    PEER_CMD_BAD_STATE);
	assert_int_equal(peer_send_fin(h.p, 77, h.now), PEER_CMD_NO_CONN);
	assert_int_equal(peer_send_rst(h.p, 77, h.now), PEER_CMD_NO_CONN);
	assert_int_equal(peer_set_behaviour(h.p, 77,
			     peer_port_behaviour(h.p, PEER_PORT), h.now),
	    PEER_CMD_NO_CONN);
	assert_int_equal(h_drain(&h), 0);
	assert_string_equal(peer_cmd_result_str(PEER_CMD_OK), "ok");
	assert_string_equal(peer_cmd_result_str(PEER_CMD_NO_CONN),
	    "no such connection");
	assert_string_equal(peer_cmd_result_str(PEER_CMD_BAD_STATE),
	    "not possible in the connection's state");
	h_fini(&h);
}

/* A delayed reply outlives its connection's slot: it still leaves, and is
 * not counted against the connection that took the slot meanwhile. */
static void
test_delayed_reply_outlives_slot(void **state)
{
	struct harness h;
	struct peer_config cfg;
	struct behaviour accept = h_behaviour("delay=50ms");
	struct segment syn;
	struct conn_info ci;
	uint32_t id;

	(void)state;
	h_config(&cfg);
	cfg.max_conns = 1;
	h_init_cfg(&h, "refuse+delay=50ms", &cfg);
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn),
	    0); /* refused, closed, RST waiting */
	assert_int_equal(peer_listen(h.p, PEER_PORT, &accept), 0);
	h.cport = CLIENT_PORT + 1;
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT + 1,
			     PEER_PORT, &id),
	    0);
	assert_int_equal(peer_conn_info(h.p, 1, &ci),
	    -1); /* the slot was recycled */
	assert_int_equal(h_tick(&h, h.now + T(50)), 2);
	assert_int_equal(h.out[0].flags, TCPF_RST | TCPF_ACK);
	assert_int_equal(h.out[0].dport, CLIENT_PORT);
	assert_int_equal(h.out[1].flags, TCPF_SYN | TCPF_ACK);
	assert_int_equal(h.out[1].dport, CLIENT_PORT + 1);
	assert_int_equal(peer_conn_info(h.p, id, &ci), 0);
	assert_int_equal(ci.segs_out, 1);
	assert_int_equal(peer_get_stats(h.p)->segs_out, 2);
	h_fini(&h);
}

/* Our FIN first, theirs swallowed: FIN_WAIT2 until ack-fin, then TIME_WAIT. */
static void
test_active_close_with_swallowed_fin(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 0);
	assert_int_equal(peer_send_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_FINACK, h.iss + 1, fin_seq, FULL_WIN,
	    0); /* theirs not ACKed */
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_FIN_WAIT2);
	assert_true(ci.fin_held);
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 2, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_TIME_WAIT);
	assert_false(ci.fin_held);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_delay_pool_full),
		cmocka_unit_test(test_synack_retransmission),
		cmocka_unit_test(test_timers_cancelled),
		cmocka_unit_test(test_synack_gives_up),
		cmocka_unit_test(test_active_close),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_active_close_with_swallowed_fin),
		cmocka_unit_test(test_send_paced_by_window),
		cmocka_unit_test(test_send_waits_for_window),
		cmocka_unit_test(test_data_retransmission),
		cmocka_unit_test(test_fin_after_pending_data),
		cmocka_unit_test(test_commands_bad_state),
		cmocka_unit_test(test_delayed_reply_outlives_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
