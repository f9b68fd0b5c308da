/*
 * test_tcp_peer_connect.c - the peer opening connections itself (the system
 * under test is the server): SYN with our options, the handshake, refusal,
 * SYN retransmission, and behaviours applying as on accepted connections.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"

#define SERVER_PORT 8443
#define SERVER_ISN  7000u

/* One segment of ours on the active connection (h_expect assumes PEER_PORT). */
static void
expect_out(const struct segment *s, uint8_t flags, uint32_t seq, uint32_t ack,
    uint16_t win)
{
	assert_int_equal(s->flags, flags);
	assert_int_equal(s->seq, seq);
	assert_int_equal(s->ack, ack);
	assert_int_equal(s->window, win);
	assert_int_equal(s->payload_len, 0);
	assert_int_equal(s->dport, SERVER_PORT);
}

/* Open from our side; h->out[0] is the SYN. The server is CLIENT_ADDR. */
static void
open_active(struct harness *h, const char *spec)
{
	struct behaviour b = h_behaviour(spec);

	assert_int_equal(peer_connect(h->p, CLIENT_ADDR, SERVER_PORT, 0, &b,
			     h->now, &h->id),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(h), 1);
	h->iss = h->out[0].seq;
}

/* The server's SYN-ACK, from SERVER_PORT to our port. */
static struct segment
synack(const struct harness *h, uint16_t our_port, bool opts)
{
	struct segment s =
	    h_seg(h, TCPF_SYN | TCPF_ACK, SERVER_ISN, h->iss + 1, 0);

	s.sport = SERVER_PORT;
	s.dport = our_port;
	s.window = 65160;
	memset(&s.opt, 0, sizeof(s.opt));
	if (opts) {
		s.opt.has_mss = s.opt.has_wscale = s.opt.has_ts = true;
		s.opt.mss = 1460;
		s.opt.wscale = 7;
		s.opt.ts_val = 123;
		s.opt.ts_ecr = s.opt.ts_val;
	}
	return s;
}

static void
test_syn_and_handshake(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct segment sa;

	(void)state;
	h_init(&h, "normal");
	open_active(&h, "normal");
	assert_int_equal(h.out[0].flags, TCPF_SYN);
	assert_int_equal(h.out[0].ack, 0);
	assert_int_equal(h.out[0].dport, SERVER_PORT);
	assert_true(h.out[0].sport >= 40000 && h.out[0].sport <= 60999);
	assert_true(h.out[0].opt.has_mss && h.out[0].opt.has_wscale &&
	    h.out[0].opt.has_ts);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_SYN_SENT);
	sa = synack(&h, h.out[0].sport, true);
	assert_int_equal(h_input(&h, &sa), 1);
	expect_out(&h.out[0], TCPF_ACK, h.iss + 1, SERVER_ISN + 1,
	    512); /* 64KiB >> 7 */
	assert_true(h.out[0].opt.has_ts);
	assert_int_equal(h.out[0].opt.ts_ecr, 123);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	assert_int_equal(ci.rport, SERVER_PORT);
	h_fini(&h);
}

/* A server that offers no scaling or timestamps gets neither back. */
static void
test_options_not_agreed(void **state)
{
	struct harness h;
	struct segment sa;

	(void)state;
	h_init(&h, "normal");
	open_active(&h, "normal");
	sa = synack(&h, h.out[0].sport, false);
	assert_int_equal(h_input(&h, &sa), 1);
	expect_out(&h.out[0], TCPF_ACK, h.iss + 1, SERVER_ISN + 1, 65535);
	assert_false(h.out[0].opt.has_ts);
	h_fini(&h);
}

static void
test_refused(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct segment rst;

	(void)state;
	h_init(&h, "normal");
	open_active(&h, "normal");
	rst = h_seg(&h, TCPF_RST | TCPF_ACK, 0, h.iss + 1, 0);
	rst.sport = SERVER_PORT;
	rst.dport = h.out[0].sport;
	assert_int_equal(h_input(&h, &rst), 0);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	assert_int_equal(ci.closed_by, CR_RESET_IN);
	h_fini(&h);
}

/* No answer: the SYN again after 1 s, 2 s more, ... */
static void
test_syn_retransmitted(void **state)
{
	struct harness h;

	(void)state;
	h_init(&h, "normal");
	open_active(&h, "normal");
	assert_int_equal(h_tick(&h, h.now + 1000 * MS - 1), 0);
	assert_int_equal(h_tick(&h, h.now + 1), 1);
	expect_out(&h.out[0], TCPF_SYN, h.iss, 0, 65535);
	assert_int_equal(h_tick(&h, h.now + 2000 * MS), 1);
	h_fini(&h);
}

/* swallow-fin on a connection we opened: the server's FIN is never ACKed. */
static void
test_behaviour_applies(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct segment sa, fin;

	(void)state;
	h_init(&h, "normal");
	open_active(&h, "swallow-fin");
	sa = synack(&h, h.out[0].sport, false);
	h_input(&h, &sa);
	fin = h_seg(&h, TCPF_FIN | TCPF_ACK, SERVER_ISN + 1, h.iss + 1, 0);
	fin.sport = SERVER_PORT;
	fin.dport = sa.dport;
	assert_int_equal(h_input(&h, &fin), 0);
	h_info(&h, &ci);
	assert_true(ci.fin_held);
	assert_int_equal(ci.fins_seen, 1);
	h_fini(&h);
}

/* An explicit port, and the same four-tuple twice. */
static void
test_from_port(void **state)
{
	struct harness h;
	struct behaviour b = h_behaviour("normal");
	uint32_t id;

	(void)state;
	h_init(&h, "normal");
	assert_int_equal(peer_connect(h.p, CLIENT_ADDR, SERVER_PORT, 41000, &b,
			     h.now, &id),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	assert_int_equal(h.out[0].sport, 41000);
	assert_int_equal(peer_connect(h.p, CLIENT_ADDR, SERVER_PORT, 41000, &b,
			     h.now, &id),
	    PEER_CMD_BAD_STATE);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syn_and_handshake),
		cmocka_unit_test(test_options_not_agreed),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_syn_retransmitted),
		cmocka_unit_test(test_behaviour_applies),
		cmocka_unit_test(test_from_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
