/*
 * test_tcp_peer_table.c - the peer as a whole: a full connection table
 * (drop or evict), ids, TIME_WAIT slots, the event ring wrapping, the
 * narrator, listeners, configuration limits and the names it prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "peer_harness.h"
#include "tcp_peer_int.h" /* peer_nth */

#define F_SYNACK (TCPF_SYN | TCPF_ACK)
#define RCV(n)	 (CLIENT_ISN + 1 + (n))

/* A SYN from port, returning how many segments came back (0 or 1). */
static size_t
syn_from(struct harness *h, uint16_t port)
{
	struct segment syn;

	h->cport = port;
	syn = h_syn(h, CLIENT_ISN);
	return h_input(h, &syn);
}

/* The client on port completes its handshake (or just shows activity). */
static void
ack_from(struct harness *h, uint16_t port, uint32_t iss)
{
	struct segment s;

	h->cport = port;
	s = h_seg(h, TCPF_ACK, RCV(0), iss + 1, 0);
	assert_int_equal(h_input(h, &s), 0);
}

static uint32_t
id_of(const struct harness *h, uint16_t port)
{
	uint32_t id;

	if (peer_conn_lookup(h->p, CLIENT_ADDR, port, PEER_PORT, &id) != 0)
		return 0;
	return id;
}

static void
init_small(struct harness *h, uint32_t max_conns, enum when_full wf)
{
	struct peer_config cfg;

	h_config(&cfg);
	cfg.max_conns = max_conns;
	cfg.when_full = wf;
	h_init_cfg(h, "normal", &cfg);
}

/* drop: the fifth SYN is dropped and counted; a closed slot is reused. */
static void
test_table_full_drop(void **state)
{
	struct harness h;
	struct segment rst;
	struct conn_info ci;
	uint16_t port;

	(void)state;
	init_small(&h, 4, WHEN_FULL_DROP);
	for (port = 50000; port < 50004; port++) {
		assert_int_equal(syn_from(&h, port), 1);
		assert_int_equal(id_of(&h, port), port - 50000 + 1);
	}
	assert_int_equal(syn_from(&h, 50004), 0);
	assert_int_equal(id_of(&h, 50004), 0);
	assert_int_equal(peer_get_stats(h.p)->conns_rejected, 1);
	/* the client on 50001 resets: its slot becomes free for the retry */
	h.cport = 50001;
	rst = h_seg(&h, TCPF_RST, RCV(0), 0, 0);
	assert_int_equal(h_input(&h, &rst), 0);
	assert_int_equal(syn_from(&h, 50004), 1);
	assert_int_equal(h.out[0].flags, F_SYNACK);
	assert_int_equal(id_of(&h, 50004), 5);
	assert_int_equal(peer_conn_info(h.p, 2, &ci), -1); /* recycled */
	assert_int_equal(syn_from(&h, 50005), 0);
	assert_int_equal(peer_get_stats(h.p)->conns_rejected, 2);
	assert_int_equal(peer_get_stats(h.p)->conns_opened, 5);
	assert_int_equal(peer_get_stats(h.p)->conns_evicted, 0);
	h_fini(&h);
}

static int
keep_last(uint64_t num, const struct peer_event *ev, void *arg)
{
	(void)num;
	*(struct peer_event *)arg = *ev;
	return 0;
}

/* evict: a half-open connection makes room first, else the least recently active. */
static void
test_table_full_evict(void **state)
{
	struct harness h;
	struct conn_info ci;
	struct peer_event last;
	uint32_t iss[4], iss5;
	uint16_t port;

	(void)state;
	init_small(&h, 4, WHEN_FULL_EVICT);
	for (port = 50000; port < 50004; port++) {
		assert_int_equal(syn_from(&h, port), 1);
		iss[port - 50000] = h.out[0].seq;
	}
	h.now += MS;
	ack_from(&h, 50000, iss[0]);
	ack_from(&h, 50002, iss[2]);
	ack_from(&h, 50003, iss[3]);
	/* 50001 (id 2) has been quiet longest */
	assert_int_equal(syn_from(&h, 50004), 1);
	assert_int_equal(h.out[0].flags, F_SYNACK);
	assert_int_equal(peer_get_stats(h.p)->conns_evicted, 1);
	assert_int_equal(peer_conn_info(h.p, 2, &ci), -1);
	/* its record ends with the eviction, not in mid-story */
	memset(&last, 0, sizeof(last));
	event_log_foreach(peer_events(h.p), 2, 0, keep_last, &last);
	assert_int_equal(last.type, EV_STATE);
	assert_int_equal(last.old_state, CS_SYN_RCVD);
	assert_int_equal(last.state, CS_CLOSED);
	assert_int_equal(id_of(&h, 50001), 0);
	assert_int_equal(id_of(&h, 50004), 5);
	/* then the half-open 50004 (id 5), before the established 50000 */
	assert_int_equal(syn_from(&h, 50005), 1);
	iss5 = h.out[0].seq;
	assert_int_equal(peer_conn_info(h.p, 5, &ci), -1);
	assert_int_equal(peer_conn_info(h.p, 1, &ci), 0);
	assert_int_equal(id_of(&h, 50005), 6);
	assert_int_equal(peer_get_stats(h.p)->conns_evicted, 2);
	assert_int_equal(peer_get_stats(h.p)->conns_rejected, 0);
	/* the evicted connections' timers do not fire for the new tenants:
	 * only the connection still in SYN_RCVD resends its SYN-ACK */
	assert_int_equal(h_tick(&h, h.now + 1000 * MS), 1);
	assert_int_equal(h.out[0].dport, 50005);
	/* none half-open: the least recently active goes, 50000 (id 1) */
	ack_from(&h, 50005, iss5);
	assert_int_equal(syn_from(&h, 50006), 1);
	assert_int_equal(peer_conn_info(h.p, 1, &ci), -1);
	assert_int_equal(peer_get_stats(h.p)->conns_evicted, 3);
	h_fini(&h);
}

struct id_list {
	uint32_t id[8];
	size_t n;
	size_t stop_at;
};

static int
list_ids(const struct conn_info *ci, void *arg)
{
	struct id_list *l = arg;

	l->id[l->n++] = ci->id;
	return l->n == l->stop_at ? 9 : 0;
}

/* Ids only grow, even when a four-tuple opens again in its old slot. */
static void
test_ids_never_reused(void **state)
{
	struct harness h;
	struct id_list l = { .n = 0 };
	struct segment rst;

	(void)state;
	init_small(&h, 3, WHEN_FULL_DROP);
	assert_int_equal(syn_from(&h, 1), 1);
	assert_int_equal(syn_from(&h, 2), 1);
	assert_int_equal(syn_from(&h, 3), 1);
	h.cport = 2;
	rst = h_seg(&h, TCPF_RST, RCV(0), 0, 0);
	h_input(&h, &rst);
	assert_int_equal(syn_from(&h, 2), 1); /* same tuple: renewed */
	assert_int_equal(id_of(&h, 2), 4);
	assert_int_equal(peer_conn_foreach(h.p, list_ids, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.id[0], 1); /* oldest first */
	assert_int_equal(l.id[1], 3);
	assert_int_equal(l.id[2], 4);
	l.n = 0;
	l.stop_at = 2;
	assert_int_equal(peer_conn_foreach(h.p, list_ids, &l), 9);
	assert_int_equal(l.n, 2);
	h_fini(&h);
}

/*
 * TIME_WAIT never ends in this peer (there is no 2MSL timer), so its slot
 * must be reusable like a closed one, or finished connections fill the table.
 */
static void
test_time_wait_slot_reused(void **state)
{
	struct harness h;
	struct conn_info ci;

	(void)state;
	init_small(&h, 1, WHEN_FULL_DROP);
	h_connect(&h);
	assert_int_equal(peer_send_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_int_equal(h_drain(&h), 1);
	assert_int_equal(h_ack(&h, h.iss + 2, CLIENT_WIN), 0);
	assert_int_equal(h_fin(&h), 1);
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_TIME_WAIT);
	/* the retransmitted FIN is still ACKed in TIME_WAIT */
	h.cseq--;
	assert_int_equal(h_fin(&h), 1);
	assert_int_equal(h.out[0].ack, h.cseq);
	assert_int_equal(syn_from(&h, 50000), 1);
	assert_int_equal(h.out[0].flags, F_SYNACK);
	assert_int_equal(peer_get_stats(h.p)->conns_rejected, 0);
	h_fini(&h);
}

/* A new SYN on a TIME_WAIT four-tuple opens a fresh connection. */
static void
test_time_wait_same_tuple(void **state)
{
	struct harness h;
	uint32_t old;

	(void)state;
	h_init(&h, "normal");
	h_connect(&h);
	peer_send_fin(h.p, h.id, h.now);
	h_ack(&h, h.iss + 2, CLIENT_WIN);
	h_fin(&h);
	old = h.id;
	assert_int_equal(syn_from(&h, CLIENT_PORT), 1);
	assert_int_equal(h.out[0].flags, F_SYNACK);
	assert_int_equal(id_of(&h, CLIENT_PORT), old + 1);
	h_fini(&h);
}

/* The ring keeps the newest events; numbers show how many were lost. */
static void
test_event_ring_wraps(void **state)
{
	struct harness h;
	struct peer_config cfg;
	struct peer_event ev[8];
	int i;

	(void)state;
	h_config(&cfg);
	cfg.event_capacity = 8;
	h_init_cfg(&h, "normal", &cfg);
	h_connect(&h); /* 5 events */
	for (i = 0; i < 10; i++)
		h_data(&h, 1); /* 2 each */
	assert_int_equal(event_log_next(peer_events(h.p)), 25);
	assert_int_equal(event_log_oldest(peer_events(h.p)), 17);
	assert_int_equal(h_events(&h, ev, 8), 8);
	for (i = 0; i < 8; i += 2) {
		assert_int_equal(ev[i].type, EV_SEG_IN);
		assert_int_equal(ev[i + 1].type, EV_SEG_OUT);
		assert_int_equal(ev[i + 1].ack, RCV(7 + i / 2));
	}
	h_fini(&h);
}

struct story {
	char line[32][128];
	uint32_t conn[32];
	size_t n;
};

static void
narrate(void *arg, uint32_t conn_id, const char *text)
{
	struct story *s = arg;

	assert_true(s->n < 32);
	snprintf(s->line[s->n], sizeof(s->line[0]), "%s", text);
	s->conn[s->n++] = conn_id;
}

static bool
told(const struct story *s, uint32_t conn_id, const char *text)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->conn[i] == conn_id && strstr(s->line[i], text) != NULL)
			return true;
	return false;
}

static void
test_narrator(void **state)
{
	struct harness h;
	struct story s = { .n = 0 };
	struct segment fin;
	size_t before;
	int i;

	(void)state;
	h_init(&h, "swallow-fin");
	peer_set_narrator(h.p, narrate, &s);
	h_connect(&h);
	assert_true(
	    told(&s, h.id, "new connection from 192.0.2.1:40112 to port 8080"));
	assert_true(told(&s, h.id, "state SYN_RCVD -> ESTABLISHED"));
	fin = h_seg(&h, TCPF_FIN | TCPF_ACK, h.cseq, h.iss + 1, 0);
	for (i = 0; i < 3; i++)
		h_input(&h, &fin);
	assert_true(
	    told(&s, h.id, "FIN from 192.0.2.1:40112 swallowed, 1st time"));
	assert_true(
	    told(&s, h.id, "FIN from 192.0.2.1:40112 swallowed, 2nd time"));
	assert_true(
	    told(&s, h.id, "FIN from 192.0.2.1:40112 swallowed, 3rd time"));
	assert_int_equal(peer_ack_fin(h.p, h.id, h.now), PEER_CMD_OK);
	assert_true(told(&s, h.id, "held FIN ACKed on command"));
	/* the table-full sentence belongs to no connection */
	peer_free(h.p);
	init_small(&h, 1, WHEN_FULL_DROP);
	peer_set_narrator(h.p, narrate, &s);
	syn_from(&h, 1);
	syn_from(&h, 2);
	assert_true(told(&s, 0,
	    "connection table full (1): new connection with port 2 refused"));
	before = s.n;
	peer_set_narrator(h.p, NULL, NULL);
	syn_from(&h, 3);
	assert_int_equal(s.n, before);
	h_fini(&h);
}

static void
test_nth(void **state)
{
	static const struct {
		uint32_t n;
		const char *s;
	} cases[] = {
		{ 0, "0th" },
		{ 1, "1st" },
		{ 2, "2nd" },
		{ 3, "3rd" },
		{ 4, "4th" },
		{ 11, "11th" },
		{ 12, "12th" },
		{ 13, "13th" },
		{ 21, "21st" },
		{ 22, "22nd" },
		{ 23, "23rd" },
		{ 101, "101st" },
		{ 111, "111th" },
		{ 112, "112th" },
		{ 113, "113th" },
		{ 4294967295u, "4294967295th" },
	};
	char buf[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(peer_nth(cases[i].n, buf), cases[i].s);
}

static void
test_names(void **state)
{
	static const char *const states[] = {
		"CLOSED",
		"SYN_SENT",
		"SYN_RCVD",
		"ESTABLISHED",
		"CLOSE_WAIT",
		"LAST_ACK",
		"FIN_WAIT1",
		"FIN_WAIT2",
		"CLOSING",
		"TIME_WAIT",
	};
	int i;

	(void)state;
	for (i = 0; i < CS_STATE_COUNT; i++)
		assert_string_equal(conn_state_name((enum conn_state)i),
		    states[i]);
	assert_string_equal(conn_state_name(CS_STATE_COUNT), "?");
	assert_string_equal(close_reason_name(CR_NONE), "none");
	assert_string_equal(close_reason_name(CR_TIMEOUT), "timeout");
	assert_string_equal(close_reason_name((enum close_reason)42), "?");
}

static void
test_listeners(void **state)
{
	struct harness h;
	struct behaviour b = h_behaviour("half-close");
	uint16_t port;

	(void)state;
	h_init(&h, "normal");
	assert_true(peer_is_listening(h.p, PEER_PORT));
	assert_false(peer_is_listening(h.p, PEER_PORT + 1));
	assert_null(peer_port_behaviour(h.p, PEER_PORT + 1));
	assert_int_equal(peer_listen(h.p, 0, &b), -1);
	assert_int_equal(peer_listen(h.p, PEER_PORT, &b), 0); /* replaces */
	assert_int_equal(peer_port_behaviour(h.p, PEER_PORT)->bits,
	    BHV_HALF_CLOSE);
	for (port = 1; port < 64; port++)
		assert_int_equal(peer_listen(h.p, port, &b), 0);
	assert_int_equal(peer_listen(h.p, 64, &b), -1); /* 64 is the limit */
	assert_int_equal(peer_listen(h.p, 63, &b), 0); /* an old one still is */
	h_fini(&h);
}

/* Window scales are capped at 14 (RFC 7323), ours and theirs. */
static void
test_wscale_caps(void **state)
{
	struct harness h;
	struct peer_config cfg;
	struct segment syn;
	uint32_t sent = 0;
	size_t i;

	(void)state;
	h_config(&cfg);
	cfg.wscale = 20;
	h_init_cfg(&h, "normal", &cfg);
	syn = h_syn(&h, CLIENT_ISN);
	syn.opt.wscale = 20;
	assert_int_equal(h_input(&h, &syn), 1);
	assert_int_equal(h.out[0].opt.wscale, 14);
	h.iss = h.out[0].seq;
	h.id = id_of(&h, CLIENT_PORT);
	h.cseq = RCV(0);
	h_ack(&h, h.iss + 1, 1); /* 1 << 14 bytes */
	assert_int_equal(peer_send_data(h.p, h.id, 20000, h.now), PEER_CMD_OK);
	h_drain(&h);
	for (i = 0; i < h.nout; i++)
		sent += h.out[i].payload_len;
	assert_int_equal(sent, 16384);
	assert_int_equal(h.out[0].window, 4); /* 65536 >> 14 */
	h_fini(&h);
}

static void
test_config(void **state)
{
	struct peer_config cfg;

	(void)state;
	peer_config_default(&cfg);
	assert_int_equal(ip_addr_to_v4(&cfg.addr4), 0xc0000202u);
	assert_int_equal(cfg.addr6.family, IPF_NONE); /* IPv6 only when asked */
	assert_int_equal(cfg.mss, 1460);
	assert_int_equal(cfg.wscale, 7);
	assert_int_equal(cfg.when_full, WHEN_FULL_DROP);
	cfg.max_conns = 0;
	assert_null(peer_new(&cfg));
	peer_free(NULL);
}

/*
 * A connection that is over but kept for its record answers the client's
 * next segment as a host with no such connection would: RST, at the
 * sequence the client acknowledged. A silent one stays silent.
 */
static void
test_closed_conn_resets(void **state)
{
	struct harness h;
	struct segment ack;
	struct conn_info ci;

	(void)state;
	h_init(&h, "reset-on-fin");
	h_connect(&h);
	assert_int_equal(h_fin(&h), 1); /* answered with RST|ACK */
	h_info(&h, &ci);
	assert_int_equal(ci.state, CS_CLOSED);
	ack = h_seg(&h, TCPF_ACK, h.cseq, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &ack), 1);
	h_expect(&h.out[0], TCPF_RST, h.iss + 1, 0, 0, 0);
	ack = h_seg(&h, TCPF_RST, h.cseq, 0, 0);
	assert_int_equal(h_input(&h, &ack), 0); /* never RST an RST */
	h_fini(&h);

	h_init(&h, "silent+reset-on-fin");
	h_connect(&h);
	assert_int_equal(h_fin(&h), 1); /* an explicit act: sent */
	ack = h_seg(&h, TCPF_ACK, h.cseq, h.iss + 1, 0);
	assert_int_equal(h_input(&h, &ack), 0);
	h_fini(&h);
}

/* The newest connection from addr:port as it was found before the index:
 * every connection compared, by creation time, then id. */
struct newest_ref {
	const struct ip_addr *addr;
	uint16_t port;
	bool found;
	uint64_t created_ns;
	uint32_t id;
};

static int
newest_ref_cb(const struct conn_info *ci, void *arg)
{
	struct newest_ref *r = arg;

	if (ci->rport != r->port || !ip_addr_eq(&ci->raddr, r->addr))
		return 0;
	if (!r->found || ci->created_ns > r->created_ns ||
	    (ci->created_ns == r->created_ns && ci->id > r->id)) {
		r->found = true;
		r->created_ns = ci->created_ns;
		r->id = ci->id;
	}
	return 0;
}

static void
expect_newest_as_before(const struct harness *h, const struct ip_addr *addr,
    uint16_t port)
{
	struct newest_ref r = { addr, port, false, 0, 0 };
	uint32_t id = 0;
	int rc;

	assert_int_equal(peer_conn_foreach(h->p, newest_ref_cb, &r), 0);
	rc = peer_conn_newest_from(h->p, addr, port, &id);
	assert_int_equal(rc, r.found ? 0 : -1);
	if (r.found)
		assert_int_equal(id, r.id);
}

/*
 * A control command naming a connection by the client's address and port
 * finds it through an index now; the newest match must still win exactly
 * as it did: across our ports, both families, closed connections kept for
 * inspection, slots recycled and evicted, and equal creation times (ids
 * decide). Random opens and closes, checked against a pass over them all.
 */
static void
test_newest_from_index(void **state)
{
	static const uint16_t lports[] = { PEER_PORT, 8081, 8082 };
	struct peer_config cfg;
	struct harness h;
	struct behaviour b = h_behaviour("normal");
	struct segment syn, rst;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint32_t step, i, id;

	(void)state;
	h_config(&cfg);
	cfg.addr6 = h_peer6;
	cfg.max_conns = 24;
	cfg.when_full = WHEN_FULL_EVICT;
	h_init_cfg(&h, "normal", &cfg);
	for (i = 1; i < 3; i++)
		assert_int_equal(peer_listen(h.p, lports[i], &b), 0);
	for (step = 0; step < 3000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		h.caddr = (x & 1) ? h_client6 : h_client4;
		h.cport = (uint16_t)(40000 + (x >> 8) % 6);
		if ((x >> 16) % 4 == 0)
			h.now += MS; /* often the same instant: ids decide */
		syn = h_syn(&h, CLIENT_ISN);
		syn.dport = lports[(x >> 24) % 3];
		h_input(&h, &syn);
		if ((x >> 32) % 3 == 0 &&
		    peer_conn_lookup(h.p, &h.caddr, h.cport, syn.dport, &id) ==
			0) {
			rst = h_seg(&h, TCPF_RST, RCV(0), 0, 0);
			rst.dport = syn.dport;
			h_input(&h, &rst); /* closed, kept for inspection */
		}
		for (i = 0; i < 7; i++) {
			expect_newest_as_before(&h, &h_client4,
			    (uint16_t)(40000 + i));
			expect_newest_as_before(&h, &h_client6,
			    (uint16_t)(40000 + i));
		}
	}
	assert_true(peer_get_stats(h.p)->conns_evicted > 0);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_full_drop),
		cmocka_unit_test(test_table_full_evict),
		cmocka_unit_test(test_ids_never_reused),
		cmocka_unit_test(test_time_wait_slot_reused),
		cmocka_unit_test(test_time_wait_same_tuple),
		cmocka_unit_test(test_event_ring_wraps),
		cmocka_unit_test(test_narrator),
		cmocka_unit_test(test_nth),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_listeners),
		cmocka_unit_test(test_wscale_caps),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_closed_conn_resets),
		cmocka_unit_test(test_newest_from_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
