/*
 * test_tcp_peer.c - the peer's handshake and how each behaviour answers
 * the client's data and FIN, segment by segment: flags, sequence and
 * acknowledgement numbers, windows, options and counters. Resets and
 * refusals are in test_tcp_peer_close.c.
 *
 * Windows: the peer announces wscale 7 and a 64 KiB buffer, so an open
 * window reads 512 on the wire (65536 >> 7), and 65535 in the SYN-ACK,
 * which is never scaled.
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

static void
test_handshake_options(void **state)
{
	struct harness h;
	struct segment syn, *sa;
	struct conn_info ci;
	struct peer_event ev[5];

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	syn.opt.mss = 1400;
	assert_int_equal(h_input(&h, &syn), 1);
	sa = &h.out[0];
	h.iss = sa->seq;
	h_expect(sa, TCPF_SYN | TCPF_ACK, h.iss, CLIENT_ISN + 1, 65535, 0);
	assert_int_equal(sa->dport, CLIENT_PORT);
	assert_true(sa->opt.has_mss);
	assert_int_equal(sa->opt.mss, 1460); /* ours, not theirs */
	assert_true(sa->opt.has_wscale);
	assert_int_equal(sa->opt.wscale, 7);
	assert_false(sa->opt.sack_ok); /* we keep no SACK state */
	assert_true(sa->opt.has_ts);
	assert_int_equal(sa->opt.ts_val, 1000); /* 1 ms clock: now is 1 s */
	assert_int_equal(sa->opt.ts_ecr, CLIENT_TSVAL);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_SYN_RCVD);
	assert_int_equal(ci.syns_seen, 1);
	assert_int_equal(ci.segs_in, 1);
	assert_int_equal(ci.segs_out, 1);
	assert_int_equal(ci.created_ns, 1000 * MS);

	h.cseq = CLIENT_ISN + 1;
	h.now += 5 * MS;
	assert_int_equal(h_ack(&h, h.iss + 1, CLIENT_WIN),
	    0); /* nothing to say */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.last_ns, 1005 * MS);
	assert_int_equal(ci.window, 65536);

	/* in SYN, state, out SYN-ACK, state, in ACK: in the order they happened */
	assert_int_equal(h_events(&h, ev, 5), 5);
	assert_int_equal(ev[0].type, EV_SEG_IN);
	assert_int_equal(ev[0].cls, SC_SYN);
	assert_int_equal(ev[0].opts,
	    EVO_MSS | EVO_WSCALE | EVO_SACK_OK | EVO_TS);
	assert_int_equal(ev[1].type, EV_STATE);
	assert_int_equal(ev[1].state, CS_SYN_RCVD);
	assert_int_equal(ev[2].type, EV_SEG_OUT);
	assert_int_equal(ev[2].cls, SC_SYNACK);
	assert_int_equal(ev[2].opts, EVO_MSS | EVO_WSCALE | EVO_TS);
	assert_int_equal(ev[2].seq, h.iss);
	assert_int_equal(ev[3].type, EV_STATE);
	assert_int_equal(ev[3].old_state, CS_SYN_RCVD);
	assert_int_equal(ev[3].state, CS_ESTABLISHED);
	assert_int_equal(ev[4].type, EV_SEG_IN);
	assert_int_equal(ev[4].cls, SC_ACK);
	assert_int_equal(ev[4].t_ns, 1005 * MS);
	h_fini(&h);
}

/* A client offering nothing gets an MSS and no other option; no scaling. */
static void
test_handshake_no_options(void **state)
{
	struct harness h;
	struct segment syn;

	(void)state;
	h_init(&h, "normal");
	h.ts = false;
	syn = h_seg(&h, TCPF_SYN, CLIENT_ISN, 0, 0);
	assert_int_equal(h_input(&h, &syn), 1);
	h.iss = h.out[0].seq;
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, CLIENT_ISN + 1, 65535,
	    0);
	assert_true(h.out[0].opt.has_mss);
	assert_false(h.out[0].opt.has_wscale);
	assert_false(h.out[0].opt.has_ts);
	assert_false(h.out[0].opt.sack_ok);
	h.cseq = CLIENT_ISN + 1;
	assert_int_equal(h_ack(&h, h.iss + 1, 1000), 0);
	/* the window is bytes now: 65536 capped to what 16 bits hold */
	assert_int_equal(h_data(&h, 100), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, CLIENT_ISN + 101, 65535, 0);
	assert_false(h.out[0].opt.has_ts);
	h_fini(&h);
}

/* Window scaling without timestamps, and the echo of the newest TSval. */
static void
test_handshake_wscale_only_and_ts_echo(void **state)
{
	struct harness h;
	struct segment syn;

	(void)state;
	h_init(&h, "normal");
	h.ts = false;
	syn = h_syn(&h, CLIENT_ISN);
	syn.opt.has_ts = false;
	assert_int_equal(h_input(&h, &syn), 1);
	assert_true(h.out[0].opt.has_wscale);
	assert_false(h.out[0].opt.has_ts);
	h_fini(&h);

	h_init(&h, "normal");
	h_connect(&h);
	h.tsval = 7777;
	h.now = 2500 * MS;
	assert_int_equal(h_data(&h, 10), 1);
	assert_true(h.out[0].opt.has_ts);
	assert_int_equal(h.out[0].opt.ts_val, 2500);
	assert_int_equal(h.out[0].opt.ts_ecr, 7777);
	h_fini(&h);
}

/* A retransmitted SYN gets the same SYN-ACK; a SYN later gets a challenge ACK. */
static void
test_syn_again(void **state)
{
	struct harness h;
	struct segment syn;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	h_input(&h, &syn);
	h.iss = h.out[0].seq;
	h.now += 1000 * MS;
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, CLIENT_ISN + 1, 65535,
	    0);
	h.cseq = CLIENT_ISN + 1;
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h_ack(&h, h.iss + 1, CLIENT_WIN);
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, CLIENT_ISN + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.syns_seen, 3);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	h_fini(&h);
}

/* normal: data ACKed with the window full, FIN ACKed, our FIN, then closed. */
static void
test_normal_close(void **state)
{
	struct harness h;
	struct conn_info ci;
	uint32_t i, fin_seq;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	for (i = 1; i <= 50; i++) { /* far more than one window */
		assert_int_equal(h_data(&h, 1460), 1);
		h_expect(&h.out[0], F_ACK, h.iss + 1, CLIENT_ISN + 1 + i * 1460,
		    FULL_WIN, 0);
	}
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	assert_int_equal(ci.closed_by, CR_NONE);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_GRACEFUL);
	assert_string_equal(close_reason_name(ci.closed_by), "graceful");
	assert_int_equal(ci.bytes_received, 50 * 1460);
	assert_int_equal(ci.bytes_read, 50 * 1460);
	assert_int_equal(ci.buffered, 0);
	assert_int_equal(ci.fins_seen, 1);
	assert_int_equal(ci.fin_retx, 0);
	assert_int_equal(ci.data_retx, 0);
	assert_int_equal(ci.segs_in, 1 + 1 + 50 + 1 + 1);
	assert_int_equal(ci.segs_out, 1 + 50 + 2);
	assert_int_equal(peer_get_stats(h.p)->segs_out, 53);
	/* nothing left to retransmit */
	assert_int_equal(h_tick(&h, h.now + 100000 * MS), 0);
	h_fini(&h);
}

/* Our ACK of their FIN was lost: the retransmitted FIN is ACKed again. */
static void
test_fin_retransmitted_after_ack(void **state)
{
	struct harness h;
	struct segment fin;
	struct conn_info ci;

	(void)state;
	h_init(&h, "half-close");
	h_connect(&h);
	fin = h_seg(&h, F_FINACK, h.cseq, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &fin), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	assert_int_equal(h_input(&h, &fin), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSE_WAIT);
	assert_int_equal(ci.fins_seen, 2);
	assert_int_equal(ci.fin_retx, 1);
	/* half-close never sends our FIN, however long */
	assert_int_equal(h_tick(&h, h.now + 100000 * MS), 0);
	/* until the behaviour changes: window announcement, then our FIN */
	assert_int_equal(peer_set_behaviour(h.p, h.id,
			     &(struct behaviour){ 0, 65536, 0, 0, 0 }, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_LAST_ACK);
	h_fini(&h);
}

/* swallow-fin: data ACKed, bare FINs get nothing, every one is counted. */
static void
test_swallow_fin(void **state)
{
	struct harness h;
	struct segment fin;
	struct conn_info ci;
	struct peer_event ev;
	int i;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	assert_int_equal(h_data(&h, 100), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, CLIENT_ISN + 101, FULL_WIN, 0);
	fin = h_seg(&h, F_FINACK, h.cseq, h.iss + 1, 0);
	for (i = 0; i < 3; i++) {
		h.now += 200 * MS;
		assert_int_equal(h_input(&h, &fin), 0);
		assert_int_equal(h_events(&h, &ev, 1), 1);
		assert_int_equal(ev.cls,
		    i == 0 ? SC_FIN_SWALLOWED : SC_FIN_RETX);
	}
	assert_int_equal(h_tick(&h, h.now + 100000 * MS), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_true(ci.fin_held);
	assert_int_equal(ci.fins_seen, 3);
	assert_int_equal(ci.fin_retx, 2);
	assert_int_equal(ci.bytes_received, 100);
	/* ack-fin: the FIN is ACKed, the connection half-closes, no FIN of ours */
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSE_WAIT);
	assert_false(ci.fin_held);
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now), PEER_CMD_BAD_STATE);
	/* a FIN after that is a retransmission we now ACK */
	assert_int_equal(h_input(&h, &fin), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 1, FULL_WIN, 0);
	h_fini(&h);
}

/* A FIN carrying data: the data is ACKed, the FIN is not. */
static void
test_swallow_fin_with_data(void **state)
{
	struct harness h;
	struct segment fin;
	struct conn_info ci;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	fin = h_seg(&h, F_FINACK | TCPF_PSH, h.cseq, h.iss + 1, 300);
	assert_int_equal(h_input(&h, &fin), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin.seq + 300, FULL_WIN, 0);
	/* the client resends the FIN alone, at the byte after the data */
	fin = h_seg(&h, F_FINACK, fin.seq + 300, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &fin), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 300);
	assert_int_equal(ci.fins_seen, 2);
	assert_int_equal(ci.fin_retx, 1);
	assert_true(ci.fin_held);
	h_fini(&h);
}

/* Taking swallow-fin away lets the held FIN through, and we close. */
static void
test_swallow_fin_released(void **state)
{
	struct harness h;
	struct behaviour normal = h_behaviour("normal");
	struct conn_info ci;
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 0);
	h.now += 3000 * MS;
	assert_int_equal(peer_set_behaviour(h.p, h.id, &normal, h.now),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	h_expect(&h.out[1], F_FINACK, h.iss + 1, fin_seq + 1, FULL_WIN, 0);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_GRACEFUL);
	assert_int_equal(ci.behaviour.bits, 0);
	h_fini(&h);
}

/* drop-syn: silence; retransmitted SYNs count on the same connection. */
static void
test_drop_syn(void **state)
{
	struct harness h;
	struct behaviour normal = h_behaviour("normal");
	struct segment syn;
	struct conn_info ci;
	uint32_t id, id2;
	int i;

	(void)state;
	h_init(&h, "drop-syn");
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &id),
	    0);
	for (i = 0; i < 3; i++) {
		h.now += 1000 * MS << i;
		assert_int_equal(h_input(&h, &syn), 0);
		assert_int_equal(h_tick(&h, h.now), 0);
	}
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &id2),
	    0);
	assert_int_equal(id2, id);
	assert_int_equal(peer_conn_info(h.p, id, &ci), 0);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.syns_seen, 4);
	assert_int_equal(ci.segs_in, 4);
	assert_int_equal(ci.segs_out, 0);
	assert_int_equal(peer_get_stats(h.p)->syns_dropped, 4);
	assert_int_equal(peer_next_deadline(h.p), UINT64_MAX);
	/* the port starts accepting: the client's next retry is answered */
	assert_int_equal(peer_listen(h.p, PEER_PORT, &normal), 0);
	h.now += 8000 * MS;
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.out[0].seq, CLIENT_ISN + 1,
	    65535, 0);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &id2),
	    0);
	assert_int_not_equal(id2, id);
	h_fini(&h);
}

static void
test_not_for_us(void **state)
{
	struct harness h;
	struct segment syn;
	uint32_t id;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	syn.daddr = ip_addr_v4(0xc0000203u);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &id),
	    -1);
	assert_int_equal(peer_get_stats(h.p)->not_for_us, 1);
	/* An IPv6 address, to a peer that owns none: not ours either. */
	syn.saddr = h_client6;
	syn.daddr = h_peer6;
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_get_stats(h.p)->not_for_us, 2);
	assert_int_equal(peer_get_stats(h.p)->rst_unknown, 0);
	assert_int_equal(event_log_next(peer_events(h.p)), 0);
	h_fini(&h);
}

/* The client's sequence space wraps through 2^32 in the middle of the stream. */
static void
test_sequence_wrap(void **state)
{
	struct harness h;
	struct segment syn, s;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	syn = h_syn(&h, 0xffffff00u);
	assert_int_equal(h_input(&h, &syn), 1);
	h.iss = h.out[0].seq;
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.iss, 0xffffff01u, 65535, 0);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &h.id),
	    0);
	h.cseq = 0xffffff01u;
	h_ack(&h, h.iss + 1, CLIENT_WIN);
	assert_int_equal(h_data(&h, 512), 1); /* 0xffffff01 .. 0x100 */
	h_expect(&h.out[0], F_ACK, h.iss + 1, 0x101, FULL_WIN, 0);
	/* an old copy from before the wrap is a retransmission */
	s = h_seg(&h, F_ACK, 0xffffff01u, h.iss + 1, 512);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, 0x101, FULL_WIN, 0);
	/* one overlapping the edge: only the new half is taken */
	s = h_seg(&h, F_ACK, 0x1, h.iss + 1, 0x200);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, 0x201, FULL_WIN, 0);
	/* one after a hole is dropped with a duplicate ACK */
	s = h_seg(&h, F_ACK, 0x301, h.iss + 1, 100);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_ACK, h.iss + 1, 0x201, FULL_WIN, 0);
	h.cseq = 0x201;
	assert_int_equal(h_fin(&h), 2);
	h_expect(&h.out[0], F_ACK, h.iss + 1, 0x202, FULL_WIN, 0);
	h_info(&h, &ci);
	assert_int_equal(ci.bytes_received, 0x300);
	assert_int_equal(ci.data_retx, 2);
	assert_int_equal(ci.state, CS_LAST_ACK);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_options),
		cmocka_unit_test(test_handshake_no_options),
		cmocka_unit_test(test_handshake_wscale_only_and_ts_echo),
		cmocka_unit_test(test_syn_again),
		cmocka_unit_test(test_normal_close),
		cmocka_unit_test(test_fin_retransmitted_after_ack),
		cmocka_unit_test(test_swallow_fin),
		cmocka_unit_test(test_swallow_fin_with_data),
		cmocka_unit_test(test_swallow_fin_released),
		cmocka_unit_test(test_drop_syn),
		cmocka_unit_test(test_not_for_us),
		cmocka_unit_test(test_sequence_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
