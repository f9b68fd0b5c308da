/*
 * test_tcp_peer6.c - the pure peer over IPv6: the same endpoint, answering
 * from its IPv6 address with an MSS 20 bytes smaller, keeping IPv4 and
 * IPv6 clients apart when their ports agree, connecting out, and owning
 * one family only when told so. The behaviours themselves are family-blind
 * (test_tcp_peer*.c); a few are run here over IPv6 to show it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"

#define F_ACK	 TCPF_ACK
#define F_DATA	 (TCPF_ACK | TCPF_PSH)
#define F_FINACK (TCPF_FIN | TCPF_ACK)

/* The handshake from 2001:db8::1, answered from 2001:db8::2, MSS 1440. */
static void
test_handshake6(void **state)
{
	struct harness h;
	struct segment syn;
	struct conn_info ci;

	(void)state;
	h_init6(&h, "normal");
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 1);
	assert_true(h.out[0].opt.has_mss);
	assert_int_equal(h.out[0].opt.mss, 1440); /* 1460 less IPv6's 20 */
	h_fini(&h);

	h_init6(&h, "normal");
	h_connect(&h); /* checks every reply's addresses */
	h_info(&h, &ci);
	assert_true(ip_addr_eq(&ci.raddr, &h_client6));
	assert_int_equal(ci.state, CS_ESTABLISHED);
	h_fini(&h);
}

/* One port from both families: two connections, each answered in its own. */
static void
test_families_apart(void **state)
{
	struct harness h;
	struct segment syn;
	uint32_t id4, id6;

	(void)state;
	h_init6(&h, "normal");
	h_connect(&h);
	h.caddr = h_client4;
	syn = h_syn(&h, CLIENT_ISN + 77);
	assert_int_equal(h_input(&h, &syn), 1);
	h_expect(&h.out[0], TCPF_SYN | TCPF_ACK, h.out[0].seq, CLIENT_ISN + 78,
	    65535, 0);
	assert_true(ip_addr_is_v4(&h.out[0].daddr));
	assert_int_equal(h.out[0].opt.mss, 1460);
	assert_int_equal(peer_conn_lookup(h.p, &h_client6, CLIENT_PORT,
			     PEER_PORT, &id6),
	    0);
	assert_int_equal(peer_conn_lookup(h.p, &h_client4, CLIENT_PORT,
			     PEER_PORT, &id4),
	    0);
	assert_int_not_equal(id4, id6);
	assert_int_equal(peer_conn_newest_from(h.p, &h_client6, CLIENT_PORT,
			     &id6),
	    0);
	assert_int_equal(id6, h.id);
	h_fini(&h);
}

/* Data fills a 1500-byte link exactly: 1440 less 12 bytes of timestamps. */
static void
test_send_full_segments6(void **state)
{
	struct harness h;

	(void)state;
	h_init6(&h, "normal");
	h_connect(&h);
	assert_int_equal(peer_send_data(h.p, h.id, 3000, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 3);
	h_expect(&h.out[0], F_DATA, h.iss + 1, CLIENT_ISN + 1, h.out[0].window,
	    1428);
	h_expect(&h.out[1], F_DATA, h.iss + 1429, CLIENT_ISN + 1,
	    h.out[0].window, 1428);
	h_expect(&h.out[2], F_DATA, h.iss + 2857, CLIENT_ISN + 1,
	    h.out[0].window, 144);
	h_fini(&h);
}

/* A segment of no connection is reset from the address it was sent to. */
static void
test_reset_unknown6(void **state)
{
	struct harness h;
	struct segment s;

	(void)state;
	h_init6(&h, "normal");
	s = h_seg(&h, F_ACK, 5000, 7000, 0);
	assert_int_equal(h_input(&h, &s), 1);
	h_expect(&h.out[0], TCPF_RST, 7000, 0, 0, 0);
	assert_int_equal(peer_get_stats(h.p)->rst_unknown, 1);
	h_fini(&h);
}

/* swallow-fin over IPv6: the FIN is seen, never ACKed, retransmissions too. */
static void
test_swallow_fin6(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	h_init6(&h, "swallow-fin");
	h_connect(&h);
	assert_int_equal(h_fin(&h), 0);
	h.cseq--;
	assert_int_equal(h_fin(&h), 0);
	h_info(&h, &ci);
	assert_true(ci.fin_held);
	assert_int_equal(ci.fins_seen, 2);
	assert_int_equal(ci.fin_retx, 1);
	assert_int_equal(ci.state, CS_ESTABLISHED);
	h_fini(&h);
}

/* connect to an IPv6 server: the SYN from our IPv6 address, MSS 1440. */
static void
test_connect6(void **state)
{
	struct behaviour b = h_behaviour("normal");
	struct harness h;
	uint32_t id;

	(void)state;
	h_init6(&h, "normal");
	assert_int_equal(peer_connect(h.p, &h_client6, 9000, 41000, &b, h.now,
			     &id),
	    PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	assert_int_equal(h.out[0].flags, TCPF_SYN);
	assert_true(ip_addr_eq(&h.out[0].saddr, &h_peer6));
	assert_true(ip_addr_eq(&h.out[0].daddr, &h_client6));
	assert_int_equal(h.out[0].opt.mss, 1440);
	assert_int_equal(peer_connect(h.p, &h_client6, 9000, 41000, &b, h.now,
			     &id),
	    PEER_CMD_BAD_STATE);
	h_fini(&h);
}

/* A peer with an IPv6 address alone: IPv4 is not for it, in or out. */
static void
test_ipv6_only(void **state)
{
	struct behaviour b = h_behaviour("normal");
	struct peer_config cfg;
	struct harness h;
	struct segment syn;
	uint32_t id;

	(void)state;
	h_config(&cfg);
	cfg.addr4 = ip_addr_none();
	cfg.addr6 = h_peer6;
	h_init_cfg(&h, "normal", &cfg);
	h.caddr = h_client4;
	syn = h_syn(&h, CLIENT_ISN);
	assert_int_equal(h_input(&h, &syn), 0);
	assert_int_equal(peer_get_stats(h.p)->not_for_us, 1);
	assert_int_equal(peer_connect(h.p, &h_client4, 9000, 0, &b, h.now, &id),
	    PEER_CMD_NO_ADDR);
	assert_string_equal(peer_cmd_result_str(PEER_CMD_NO_ADDR),
	    "the peer owns no address of that family");
	h.caddr = h_client6;
	h_connect(&h);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake6),
		cmocka_unit_test(test_families_apart),
		cmocka_unit_test(test_send_full_segments6),
		cmocka_unit_test(test_reset_unknown6),
		cmocka_unit_test(test_swallow_fin6),
		cmocka_unit_test(test_connect6),
		cmocka_unit_test(test_ipv6_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
