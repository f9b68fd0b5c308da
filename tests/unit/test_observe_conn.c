/*
 * test_observe_conn.c - connections worked out from the wire and the
 * shim's records: who closed first, FIN or RST, the close() that did it,
 * a shutdown before it, copies of the descriptor, port reuse; IPv6 and
 * IPv4 connections on the same ports told apart by their addresses; and
 * the indexed matching giving what the old segments-by-connections search
 * gave, on many connections of both families.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <stdlib.h>

#include "observe_prog.h"
#include "observe_ref.h"
#include "segment.h"
#include "timeunit.h"

#define MS NS_PER_MS

static struct obs_segment
seg(uint64_t t_ms, bool from_client, uint16_t cport, uint8_t flags,
    uint32_t seq)
{
	struct obs_segment s;

	memset(&s, 0, sizeof(s));
	s.t_ns = t_ms * MS;
	s.from_client = from_client;
	s.sport = from_client ? cport : 7000;
	s.dport = from_client ? 7000 : cport;
	s.flags = flags;
	s.seq = seq;
	return s;
}

static struct ob_rec
rec(enum ob_call call, uint64_t t_ms, int fd, int lport)
{
	struct ob_rec r;

	memset(&r, 0, sizeof(r));
	r.call = call;
	r.pid = 3;
	r.tid = 3;
	r.fd = fd;
	r.t0 = t_ms * MS;
	r.t1 = t_ms * MS + 5000;
	r.lport = lport;
	r.rport = lport > 0 ? 7000 : 0;
	r.lon = r.lsec = r.nb = r.st = r.how = -1;
	r.level = r.opt = r.ppid = -1;
	r.val = r.fds = r.threads = r.rss_kib = -1;
	return r;
}

static void
test_program_closes_with_fin(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40000, TCPF_SYN, 100),
		seg(1, false, 40000, TCPF_SYN | TCPF_ACK, 900),
		seg(10, true, 40000, TCPF_FIN | TCPF_ACK, 101),
		seg(210, true, 40000, TCPF_FIN | TCPF_ACK, 101),
		seg(300, false, 40000, TCPF_FIN | TCPF_ACK, 901),
	};
	struct ob_rec r[5];
	struct ob_conns cs;

	(void)state;
	s[3].retransmission = true;
	r[0] = rec(OB_HELLO, 0, -1, -1);
	r[1] = rec(OB_SETSOCKOPT, 1, 5, -1);
	r[1].lon = 1;
	r[1].lsec = 2;
	r[2] = rec(OB_CONNECT, 1, 5, 40000);
	r[3] = rec(OB_SHUTDOWN, 9, 5, 40000);
	r[3].how = 1;
	r[4] = rec(OB_CLOSE, 10, 5, 40000);
	r[4].lon = 1;
	r[4].lsec = 2;
	r[4].t1 = 2010 * MS;
	assert_int_equal(ob_conns_build(&cs, s, NULL, 5, r, 5), 0);
	assert_true(cs.shim_loaded);
	assert_int_equal(cs.n, 1);
	assert_int_equal(cs.v[0].lport, 40000);
	assert_int_equal(cs.v[0].first, OB_CLOSER_PROGRAM);
	assert_int_equal(cs.v[0].end, OB_END_FIN);
	assert_int_equal(cs.v[0].fin_retx, 1);
	assert_int_equal(cs.v[0].retx, 1);
	assert_int_equal(cs.v[0].t_fin, 10 * MS);
	assert_int_equal(cs.v[0].close.call, OB_CLOSE);
	assert_int_equal(cs.v[0].close.t1 - cs.v[0].close.t0, 2000 * MS);
	assert_true(cs.v[0].shut_before_close);
	assert_int_equal(cs.v[0].shut_how, 1);
	assert_int_equal(cs.v[0].lon_set, 1);
	assert_int_equal(cs.v[0].lsec_set, 2);
	assert_int_equal(cs.v[0].pid, 3);
	assert_string_equal(ob_end_name(cs.v[0].end), "FIN");
	ob_conns_free(&cs);
}

static void
test_rst_and_peer_first(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40001, TCPF_SYN, 1),
		seg(2, true, 40002, TCPF_SYN, 1),
		seg(5, true, 40001, TCPF_RST | TCPF_ACK, 2),
		seg(6, false, 40002, TCPF_FIN | TCPF_ACK, 50),
		seg(7, true, 40002, TCPF_FIN | TCPF_ACK, 2),
		seg(8, true, 40002, TCPF_RST, 3),
	};
	struct ob_conns cs;

	(void)state;
	assert_int_equal(ob_conns_build(&cs, s, NULL, 6, NULL, 0), 0);
	assert_false(cs.shim_loaded);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.v[0].end, OB_END_RST);
	assert_int_equal(cs.v[0].first, OB_CLOSER_PROGRAM);
	assert_int_equal(cs.v[1].end, OB_END_FIN_RST);
	assert_int_equal(cs.v[1].first, OB_CLOSER_PEER);
	assert_int_equal(cs.v[1].close.call, OB_CALL_OTHER);
	assert_string_equal(ob_end_name(OB_END_FIN_RST), "FIN then RST");
	ob_conns_free(&cs);
}

static void
test_port_reuse_makes_two(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40000, TCPF_SYN, 1),
		seg(2, true, 40000, TCPF_RST, 2),
		seg(3, true, 40000, TCPF_SYN, 5000),
		seg(4, true, 40000, TCPF_FIN | TCPF_ACK, 5001),
	};
	struct ob_rec r[2];
	struct ob_conns cs;

	(void)state;
	r[0] = rec(OB_CLOSE, 2, 3, 40000);
	r[1] = rec(OB_CLOSE, 4, 3, 40000);
	assert_int_equal(ob_conns_build(&cs, s, NULL, 4, r, 2), 0);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.v[0].end, OB_END_RST);
	assert_int_equal(cs.v[1].end, OB_END_FIN);
	/* records go to the latest connection on those ports */
	assert_int_equal(cs.v[1].ncloses, 2);
	ob_conns_free(&cs);
}

static void
test_dup_and_exit(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40000, TCPF_SYN, 1),
		seg(900, true, 40000, TCPF_FIN | TCPF_ACK, 2),
	};
	struct ob_rec r[4];
	struct ob_conns cs;

	(void)state;
	r[0] = rec(OB_DUP, 2, 3, 40000);
	r[0].ret = 4;
	r[1] = rec(OB_CLOSE, 3, 3, 40000);
	r[2] = rec(OB_EXIT, 899, -1, -1);
	r[3] = rec(OB_OPEN_AT_EXIT, 899, 4, 40000);
	assert_int_equal(ob_conns_build(&cs, s, NULL, 2, r, 4), 0);
	assert_int_equal(cs.n, 1);
	assert_int_equal(cs.v[0].ndups, 1);
	assert_int_equal(cs.v[0].ncloses, 1);
	assert_true(cs.v[0].open_at_exit);
	/* the close() call stands; the exit does not replace it */
	assert_int_equal(cs.v[0].close.call, OB_CLOSE);
	assert_int_equal(cs.v[0].t_fin, 900 * MS);
	ob_conns_free(&cs);
}

static void
test_closed_by_exit_only(void **state)
{
	struct ob_rec r[3];
	struct ob_conns cs;

	(void)state;
	r[0] = rec(OB_CONNECT, 1, 5, 41000);
	r[1] = rec(OB_SHUTDOWN, 2, 5, 41000);
	r[1].how = 1;
	r[2] = rec(OB_OPEN_AT_EXIT, 3, 5, 41000);
	r[2].lon = 1;
	r[2].lsec = 1;
	/* no segments: the connection comes from the records alone */
	assert_int_equal(ob_conns_build(&cs, NULL, NULL, 0, r, 3), 0);
	assert_int_equal(cs.n, 1);
	assert_int_equal(cs.v[0].close.call, OB_OPEN_AT_EXIT);
	assert_int_equal(cs.v[0].close.lsec, 1);
	assert_true(cs.v[0].shut_before_close);
	assert_int_equal(cs.v[0].end, OB_END_NONE);
	assert_int_equal(cs.v[0].first, OB_CLOSER_NONE);
	ob_conns_free(&cs);
}

static void
test_unconnected_close(void **state)
{
	struct ob_rec r[2];
	struct ob_conns cs;

	(void)state;
	r[0] = rec(OB_SOCKET, 1, 5, -1);
	r[0].ret = 5;
	r[1] = rec(OB_CLOSE, 2, 5, 0);
	assert_int_equal(ob_conns_build(&cs, NULL, NULL, 0, r, 2), 0);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cs.unconnected, 1);
	ob_conns_free(&cs);
}

static struct ob_seg_addrs
ends(const char *client, const char *peer)
{
	struct ob_seg_addrs a;

	assert_int_equal(ip_addr_parse(client, &a.client), 0);
	assert_int_equal(ip_addr_parse(peer, &a.peer), 0);
	return a;
}

/* Same ports over IPv4 and over IPv6: two connections, records to each. */
static void
test_v6_and_v4_on_same_ports(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40000, TCPF_SYN, 100),
		seg(2, true, 40000, TCPF_SYN, 500),
		seg(3, false, 40000, TCPF_SYN | TCPF_ACK, 900),
		seg(4, false, 40000, TCPF_SYN | TCPF_ACK, 990),
		seg(10, true, 40000, TCPF_RST | TCPF_ACK, 101),
		seg(20, true, 40000, TCPF_FIN | TCPF_ACK, 501),
	};
	struct ob_seg_addrs a[6];
	struct ob_rec r[3];
	struct ob_conns cs;
	char buf[IP_ADDR_PORT_STRLEN];

	(void)state;
	a[0] = a[2] = a[4] = ends("192.0.2.1", "192.0.2.2");
	a[1] = a[3] = a[5] = ends("2001:db8::1", "2001:db8::2");
	r[0] = rec(OB_HELLO, 0, -1, -1);
	/* the IPv6 socket's close: linger {1, 0} would be an RST, but the
	 * wire says FIN for the IPv6 one: the records must not swap */
	r[1] = rec(OB_CLOSE, 19, 6, 40000);
	r[1].fam = 10;
	r[1].laddr = a[1].client;
	r[1].raddr = a[1].peer;
	r[2] = rec(OB_CLOSE, 9, 5, 40000);
	r[2].fam = 2;
	r[2].laddr = a[0].client;
	r[2].raddr = a[0].peer;
	assert_int_equal(ob_conns_build(&cs, s, a, 6, r, 3), 0);
	assert_int_equal(cs.n, 2);
	assert_true(ip_addr_is_v4(&cs.v[0].raddr));
	assert_int_equal(cs.v[0].end, OB_END_RST);
	assert_int_equal(cs.v[0].close.fd, 5);
	assert_int_equal(cs.v[0].sock_family, 2);
	assert_true(ip_addr_is_v6(&cs.v[1].raddr));
	assert_int_equal(cs.v[1].end, OB_END_FIN);
	assert_int_equal(cs.v[1].close.fd, 6);
	assert_int_equal(cs.v[1].sock_family, 10);
	assert_false(cs.v[1].mapped);
	assert_string_equal(ob_addr_text(&cs.v[1].raddr, cs.v[1].rport, buf,
				sizeof(buf)),
	    "[2001:db8::2]:7000");
	assert_string_equal(ob_addr_text(&cs.v[0].laddr, cs.v[0].lport, buf,
				sizeof(buf)),
	    "192.0.2.1:40000");
	assert_string_equal(ob_family_name(&cs.v[1].raddr), "IPv6");
	ob_conns_free(&cs);
}

/* An IPv6 socket's v4-mapped connection is the IPv4 one on the wire. */
static void
test_v4_mapped_joins_the_wire(void **state)
{
	struct obs_segment s[] = {
		seg(1, true, 40001, TCPF_SYN, 100),
		seg(10, true, 40001, TCPF_FIN | TCPF_ACK, 101),
	};
	struct ob_seg_addrs a[2];
	struct ob_rec r;
	struct ob_conns cs;
	char err[128];
	const char *line =
	    "pid=3 tid=3 call=close fd=5 fam=10 lport=40001 rport=7000 "
	    "la=00000000000000000000ffffc0000201 "
	    "ra=00000000000000000000ffffc0000202 t0=10 t1=11 ret=0 err=0";

	(void)state;
	a[0] = a[1] = ends("192.0.2.1", "192.0.2.2");
	assert_int_equal(ob_rec_parse(line, strlen(line), &r, err, sizeof(err)),
	    0);
	assert_int_equal(ob_conns_build(&cs, s, a, 2, &r, 1), 0);
	assert_int_equal(cs.n, 1);
	assert_true(cs.v[0].mapped);
	assert_int_equal(cs.v[0].sock_family, 10);
	assert_int_equal(cs.v[0].close.call, OB_CLOSE);
	assert_true(ip_addr_is_v4(&cs.v[0].raddr));
	ob_conns_free(&cs);
}

/* Many connections, port reuse, interleaved: the index finds what the
 * old search found, connection for connection. */
static void
same_as_before(bool v6)
{
	const size_t nconns = 5200, per = 6;
	struct obs_segment *s = calloc(nconns * per, sizeof(*s));
	struct ob_seg_addrs *a = calloc(nconns * per, sizeof(*a));
	struct ob_conns now, before;
	char why[128];
	size_t n;

	assert_non_null(s);
	assert_non_null(a);
	n = ob_ref_fixture(s, a, nconns, per, 40, v6);
	assert_int_equal(n, nconns * per);
	assert_int_equal(ob_conns_build(&now, s, a, n, NULL, 0), 0);
	assert_int_equal(ob_ref_build(&before, s, a, n), 0);
	assert_int_equal(now.n, nconns);
	if (!ob_ref_same(&now, &before, why, sizeof(why)))
		fail_msg("%s", why);
	/* no addresses at all: by ports, as observe always did */
	ob_conns_free(&now);
	ob_conns_free(&before);
	assert_int_equal(ob_conns_build(&now, s, NULL, n, NULL, 0), 0);
	assert_int_equal(ob_ref_build(&before, s, NULL, n), 0);
	if (!ob_ref_same(&now, &before, why, sizeof(why)))
		fail_msg("without addresses: %s", why);
	ob_conns_free(&now);
	ob_conns_free(&before);
	free(s);
	free(a);
}

static void
test_index_same_as_before_v4(void **state)
{
	(void)state;
	same_as_before(false);
}

static void
test_index_same_as_before_v6(void **state)
{
	(void)state;
	same_as_before(true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program_closes_with_fin),
		cmocka_unit_test(test_rst_and_peer_first),
		cmocka_unit_test(test_port_reuse_makes_two),
		cmocka_unit_test(test_dup_and_exit),
		cmocka_unit_test(test_closed_by_exit_only),
		cmocka_unit_test(test_unconnected_close),
		cmocka_unit_test(test_v6_and_v4_on_same_ports),
		cmocka_unit_test(test_v4_mapped_joins_the_wire),
		cmocka_unit_test(test_index_same_as_before_v4),
		cmocka_unit_test(test_index_same_as_before_v6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
