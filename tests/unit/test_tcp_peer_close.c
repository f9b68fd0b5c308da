/*
 * test_tcp_peer_close.c - resets and refusals: the client's RST in and
 * out of the window, RST|ACK for reset-on-fin and refuse, the RST a
 * segment of no connection gets, and the close reason each leaves behind.
 *
 * Windows: as in test_tcp_peer.c, an open window reads 512 on the wire.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"

#define F_ACK	 TCPF_ACK
#define F_RSTACK (TCPF_RST | TCPF_ACK)

/* After the client gave up with RST, a held FIN can no longer be ACKed. */
static void
test_ack_fin_refused_when_closed(void **state)
{
	struct harness h;
	struct segment rst;
	struct conn_info ci;

	(void)state;
	h_init(&h, "swallow-fin");
	h_connect(&h);
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now),
	    PEER_CMD_BAD_STATE); /* no FIN yet */
	assert_int_equal(peer_ack_fin(h.p, 999, h.now), PEER_CMD_NO_CONN);
	h_fin(&h);
	rst = h_seg(&h, TCPF_RST, h.cseq, 0, 0);
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_IN);
	assert_string_equal(close_reason_name(ci.closed_by), "client-rst");
	assert_int_equal(ci.rsts_seen, 1);
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now), PEER_CMD_BAD_STATE);
	assert_int_equal(h_drain(&h),
	    0); /* nothing sent on a closed connection */
	h_fini(&h);
}

/* reset-on-fin: the FIN is answered with RST|ACK; the log shows FIN first. */
static void
test_reset_on_fin(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct peer_event ev[3];
	uint32_t fin_seq;

	(void)state;
	h_init(&h, "reset-on-fin");
	h_connect(&h);
	assert_int_equal(h_data(&h, 10), 1);
	fin_seq = h.cseq;
	assert_int_equal(h_fin(&h), 1);
	h_expect(&h.out[0], F_RSTACK, h.iss + 1, fin_seq, 0, 0);
	assert_false(h.out[0].opt.has_ts);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_OUT);
	assert_string_equal(close_reason_name(ci.closed_by), "peer-rst");
	assert_int_equal(ci.fins_seen, 1);
	assert_int_equal(h_events(&h, ev, 3), 3);
	assert_int_equal(ev[0].type, EV_SEG_IN);
	assert_int_equal(ev[0].cls, SC_FIN);
	assert_int_equal(ev[1].type, EV_SEG_OUT);
	assert_int_equal(ev[1].flags, F_RSTACK);
	assert_int_equal(ev[2].type, EV_STATE);
	assert_int_equal(ev[2].state, CS_CLOSED);
	h_fini(&h);
}

/* refuse: RST|ACK to every SYN, never a SYN-ACK. */
static void
test_refuse(void **state)
{
	struct harness h;
	struct segment syn;
	struct conn_info ci;
	uint32_t first;

	(void)state;
	h_init(&h, "refuse");
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], F_RSTACK, 0, CLIENT_ISN + 1, 0, 0);
	assert_false(h.out[0].opt.has_mss || h.out[0].opt.has_ts);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT,
			     PEER_PORT, &first),
	    0);
	assert_int_equal(peer_conn_info(h.p, first, &ci), 0);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_OUT);
	/* the same SYN again is a new attempt and is refused again */
	h.now += 1000 * MS;
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], F_RSTACK, 0, CLIENT_ISN + 1, 0, 0);
	assert_int_equal(peer_get_stats(h.p)->syns_refused, 2);
	assert_int_equal(h_tick(&h, h.now + 100000 * MS), 0);
	h_fini(&h);
}

/* Segments of no connection get the RST RFC 793 prescribes; RSTs get nothing. */
static void
test_rst_for_unknown(void **state)
{
	struct harness h;
	struct segment s;
	uint32_t id;

	(void)state;
	h_init(&h, "normal");
	s = h_seg(&h, F_ACK, 5000, 777, 0);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], TCPF_RST, 777, 0, 0, 0);
	assert_int_equal(h.out[0].dport, CLIENT_PORT);
	s = h_seg(&h, TCPF_PSH, 5000, 0, 100);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_RSTACK, 0, 5100, 0, 0);
	s = h_seg(&h, TCPF_FIN, 5000, 0, 10);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], F_RSTACK, 0, 5011, 0, 0);
	s = h_seg(&h, TCPF_RST | TCPF_ACK, 5000, 1, 0);
	assert_int_equal(h_input(&h, &s), 0);
	/* a SYN to a port nobody listens on, as a closed port answers */
	s = h_syn(&h, 0xfffffffeu);
	s.dport = 9999;
	assert_int_equal(h_input(&h, &s), 1);
	assert_int_equal(h.out[0].flags, F_RSTACK);
	assert_int_equal(h.out[0].seq, 0);
	assert_int_equal(h.out[0].ack,
	    0xffffffffu); /* the SYN's ISN + 1, wrapped */
	assert_int_equal(h.out[0].sport, 9999);
	assert_int_equal(h.out[0].dport, CLIENT_PORT);
	assert_int_equal(peer_conn_lookup(h.p, CLIENT_ADDR, CLIENT_PORT, 9999,
			     &id),
	    -1);
	assert_int_equal(peer_get_stats(h.p)->rst_unknown, 4);
	assert_int_equal(peer_get_stats(h.p)->conns_opened, 0);
	h_fini(&h);
}

/* An RST in the window closes; one far outside it is only counted. */
static void
test_client_rst(void **state)
{
	struct harness h;
	struct segment rst;
	struct conn_info ci;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	rst = h_seg(&h, TCPF_RST, h.cseq + 1000000, 0, 0);
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.rsts_seen, 1);
	rst.seq = h.cseq;
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_IN);
	assert_int_equal(ci.rsts_seen, 2);
	/* what comes after is answered as for no connection: RST */
	assert_int_equal(h_data(&h, 10), 1);
	assert_int_equal(h.out[0].flags & TCPF_RST, TCPF_RST);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_fin_refused_when_closed),
		cmocka_unit_test(test_reset_on_fin),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_rst_for_unknown),
		cmocka_unit_test(test_client_rst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
