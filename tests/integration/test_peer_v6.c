/*
 * test_peer_v6.c - lingerpeer over IPv6, seen on the wire with kernel
 * AF_INET6 sockets on the client side: it owns 2001:db8::2 by answering
 * Neighbor Solicitations for it and for no other address, every behaviour
 * does over IPv6 what it does over IPv4, one peer serves both families at
 * once, an IPv6-only peer is not there for IPv4, it connects out over IPv6
 * asking for the client's address first, and its capture lets in nothing
 * but what concerns its addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "sockdiag.h"
#include "wire6.h"

#define SILENCE_MS  300
#define SERVER_PORT 9100
/* ff02::1:ff00:2 and ff02::1:ff00:3: who-has for 2001:db8::2 and ::3 */
#define GROUP2	    "ff02::1:ff00:2"
#define GROUP3	    "ff02::1:ff00:3"

static struct wire w;

static int
teardown(void **state)
{
	(void)state;
	wire_stop(&w);
	return 0;
}

static uint64_t
stat_u64(const char *key)
{
	struct control_reply r;
	char err[256];
	uint64_t v = 0;

	if (control_request(w.ctl, "stats", 5000, &r, err, sizeof(err)) < 0)
		fail_msg("stats: %s", err);
	if (!r.ok || r.nlines < 1 || control_field_u64(r.lines[0], key, &v) < 0)
		fail_msg("stats: no %s in '%s'", key,
		    r.nlines ? r.lines[0] : r.status);
	control_reply_free(&r);
	return v;
}

/* Until the peer's counter key reaches want (stats cannot notify: poll). */
static void
wait_stat(const char *key, uint64_t want)
{
	struct timespec tick = { 0, 5000000 };
	int64_t deadline = monotime_ms() + 5000;

	while (stat_u64(key) < want) {
		if (monotime_ms() > deadline)
			fail_msg("the peer's %s stayed at %" PRIu64
				 ", wanted %" PRIu64,
			    key, stat_u64(key), want);
		nanosleep(&tick, NULL);
	}
}

static void
expect_state6(const struct sockaddr_in6 *local, int want, int timeout_ms)
{
	int got = wire6_client_state(local, want, timeout_ms);

	if (got != want)
		fail_msg("client socket is %s, expected %s",
		    sockdiag_state_name(got), sockdiag_state_name(want));
}

/* Every frame the peer sent in the capture came from 2001:db8::2 or its NDP. */
static void
expect_peer_spoke_ipv6(void)
{
	size_t i, n = 0;

	wire_collect(&w);
	assert_int_equal(w.undecodable, 0);
	for (i = 0; i < w.nframes; i++) {
		if (!w.frames[i].from_peer || w.frames[i].f.kind != FRAME_TCP)
			continue;
		assert_true(ip_addr_is_v6(&w.frames[i].f.u.seg.saddr));
		n++;
	}
	assert_true(n > 0);
}

/* The next NA on cap within ms, decoded with checksums verified; false if none. */
static bool
next_na(pcap_t *cap, int ms, struct frame *f)
{
	const unsigned char *d;
	struct pcap_pkthdr *h;

	while (itest_pcap_next(cap, ms, &h, &d) == 1) {
		assert_int_equal(frame_decode(d, h->caplen, true, f), FRAME_OK);
		if (f->kind == FRAME_NDP && f->u.ndp.type == NDP_NA)
			return true;
	}
	return false;
}

/*
 * Ownership: an NS for 2001:db8::2, to its group or to the address itself,
 * is answered with a Solicited, Override NA carrying the peer's MAC; one
 * for 2001:db8::3, or for ::2 sent to ::3's group, never is.
 */
static void
test_ndp_ownership(void **state)
{
	pcap_t *cap = itest_pcap_open_client("icmp6", PCAP_D_IN);
	uint8_t mac[6], cmac[6];
	struct ip_addr peer6, client6;
	struct frame f;

	(void)state;
	assert_non_null(cap);
	wire_start_addr(&w, WIRE6_BOTH, "normal");
	wire6_peer_mac(&w.peer, mac);
	wire6_client_mac(cmac);
	assert_int_equal(ip_addr_parse(SANDBOX_PEER_ADDR6, &peer6), 0);
	assert_int_equal(ip_addr_parse(SANDBOX_CLIENT_ADDR6, &client6), 0);
	wire6_send_ns(SANDBOX_PEER_ADDR6, GROUP2, NULL);
	if (!next_na(cap, 2000, &f))
		fail_msg("no Neighbor Advertisement for %s",
		    SANDBOX_PEER_ADDR6);
	assert_int_equal(f.u.ndp.na_flags, NDP_NA_SOLICITED | NDP_NA_OVERRIDE);
	assert_true(ip_addr_eq(&f.u.ndp.target, &peer6));
	assert_true(ip_addr_eq(&f.u.ndp.src, &peer6));
	assert_true(ip_addr_eq(&f.u.ndp.dst, &client6));
	assert_true(f.u.ndp.has_lla);
	assert_memory_equal(f.u.ndp.lla, mac, 6);
	assert_memory_equal(f.eth_src, mac, 6);
	assert_memory_equal(f.eth_dst, cmac, 6);
	/* Another address, or ours asked in another's group: silence. */
	wire6_send_ns("2001:db8::3", GROUP3, NULL);
	wire6_send_ns(SANDBOX_PEER_ADDR6, GROUP3, NULL);
	if (next_na(cap, SILENCE_MS, &f))
		fail_msg(
		    "the peer advertised for a question not about its address");
	/* Unicast to the address itself, as reachability probes are. */
	wire6_send_ns(SANDBOX_PEER_ADDR6, SANDBOX_PEER_ADDR6, mac);
	assert_true(next_na(cap, 2000, &f));
	assert_int_equal(stat_u64("ndp-answered"), 2);
	/* Its filter let in the NS for ::2 in ::3's group, never the one for ::3. */
	assert_int_equal(stat_u64("ndp-ignored"), 1);
	pcap_close(cap);
}

/* normal: the peer ACKs the FIN and closes too; the client ends in TIME_WAIT. */
static void
test_normal6(void **state)
{
	struct sockaddr_in6 local;
	char conn[64];
	int fd;

	(void)state;
	/* Forget 2001:db8::2's MAC, so the kernel asks and the peer answers. */
	assert_int_equal(system("ip -6 neigh flush dev " SANDBOX_CLIENT_IFACE),
	    0);
	wire_start_addr(&w, WIRE6_BOTH, "normal");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	assert_int_equal(send(fd, "hello", 5, 0), 5);
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "state=CLOSED rx=5", 5);
	expect_state6(&local, TCP_TIME_WAIT, 2000);
	expect_peer_spoke_ipv6();
	assert_true(
	    wire_find(&w, 0, ntohs(local.sin6_port), true, TCPF_FIN, 0) >= 0);
	assert_true(stat_u64("ndp-answered") >= 1);
}

/* swallow-fin: the FIN is retransmitted unanswered; FIN_WAIT1 holds. */
static void
test_swallow_fin6(void **state)
{
	struct sockaddr_in6 local;
	char conn[64];
	int fd;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "swallow-fin");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "fin-retx>=1", 15);
	expect_state6(&local, TCP_FIN_WAIT1, 0);
	expect_peer_spoke_ipv6();
	assert_int_equal(wire_find(&w, 0, ntohs(local.sin6_port), true,
			     TCPF_FIN, 0),
	    -1);
	wire_ctl(&w, NULL, 0, "rst %s",
	    conn); /* no orphan left retransmitting */
}

/* half-close: the FIN is ACKed, the peer's never comes: FIN_WAIT2. */
static void
test_half_close6(void **state)
{
	struct sockaddr_in6 local;
	char conn[64];
	int fd;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "half-close");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "state=CLOSE_WAIT fins>=1", 5);
	expect_state6(&local, TCP_FIN_WAIT2, 2000);
	wire_ctl(&w, NULL, 0, "rst %s", conn);
}

/* stop-reading: the window closes; probes are answered with window 0. */
static void
test_stop_reading6(void **state)
{
	static char buf[16384];
	struct sockaddr_in6 local;
	char conn[64];
	ssize_t n, i;
	bool zero = false;
	int fd;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "stop-reading:rcvbuf=64KiB");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	while (
	    (n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
		;
	assert_true(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	wire_wait_conn(&w, conn, "rx>=60KiB win=0 zwp>=1", 15);
	assert_true(wire_show_conn_u64(&w, conn, "rx") <= 65536);
	wire_collect(&w);
	for (i = 0; i < (ssize_t)w.nframes; i++)
		zero |= w.frames[i].from_peer &&
		    w.frames[i].f.kind == FRAME_TCP &&
		    w.frames[i].f.u.seg.dport == ntohs(local.sin6_port) &&
		    w.frames[i].f.u.seg.window == 0;
	assert_true(zero);
	wire_ctl(&w, NULL, 0, "rst %s", conn);
	close(fd);
}

/* silent: not even an ACK; the client retransmits, then resets on linger 0. */
static void
test_silent6(void **state)
{
	const struct linger zero_linger = { 1, 0 };
	struct sockaddr_in6 local;
	char data[1000] = { 0 }, conn[64];
	int fd;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "silent");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	assert_int_equal(send(fd, data, sizeof(data), 0),
	    (ssize_t)sizeof(data));
	wire_wait_conn(&w, conn, "data-retx>=1", 15);
	wire_collect(&w);
	/* From the peer: the SYN-ACK and nothing after it. */
	assert_true(
	    wire_find(&w, 0, ntohs(local.sin6_port), true, TCPF_SYN, 0) >= 0);
	assert_int_equal(wire_find(&w, 0, ntohs(local.sin6_port), true,
			     TCPF_ACK, TCPF_SYN),
	    -1);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &zero_linger,
			     sizeof(zero_linger)),
	    0);
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "rsts>=1 state=CLOSED", 5);
}

/* refuse: the SYN meets an RST from 2001:db8::2. */
static void
test_refuse6(void **state)
{
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
		.sin6_port = htons(WIRE_PORT) };
	int fd;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "refuse");
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(inet_pton(AF_INET6, SANDBOX_PEER_ADDR6,
			     &sin.sin6_addr),
	    1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
	expect_peer_spoke_ipv6();
	assert_true(wire_find(&w, 0, 0, true, TCPF_RST | TCPF_ACK, 0) >= 0);
	assert_int_equal(stat_u64("syns-refused"), 1);
}

/* One peer, both families, the same port, at once: two connections. */
static void
test_both_families(void **state)
{
	struct sockaddr_in local4;
	struct sockaddr_in6 local6;
	char conn4[64], conn6[64];
	int fd4, fd6;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "half-close");
	assert_non_null(strstr(w.peer.ready_line, " addr=" WIRE6_BOTH " "));
	fd4 = wire_connect(&local4);
	fd6 = wire6_connect(&local6);
	snprintf(conn4, sizeof(conn4), "%s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local4.sin_port));
	wire6_conn(&local6, conn6, sizeof(conn6));
	assert_int_equal(close(fd4), 0);
	assert_int_equal(close(fd6), 0);
	wire_wait_conn(&w, conn4, "state=CLOSE_WAIT", 5);
	wire_wait_conn(&w, conn6, "state=CLOSE_WAIT", 5);
	assert_int_equal(wire_client_state(&local4, TCP_FIN_WAIT2, 2000),
	    TCP_FIN_WAIT2);
	expect_state6(&local6, TCP_FIN_WAIT2, 2000);
	assert_int_equal(wire_show_conn_u64(&w, conn4, "port"), WIRE_PORT);
	assert_int_equal(wire_show_conn_u64(&w, conn6, "port"), WIRE_PORT);
	assert_int_equal(stat_u64("conns-opened"), 2);
	wire_ctl(&w, NULL, 0, "rst %s", conn4);
	wire_ctl(&w, NULL, 0, "rst %s", conn6);
}

/* --addr 2001:db8::2 alone: IPv6 served, IPv4 not there at all. */
static void
test_ipv6_only_peer(void **state)
{
	struct sockaddr_in6 local;
	struct pollfd p;
	char conn[64];
	int fd;

	(void)state;
	wire_start_addr(&w, SANDBOX_PEER_ADDR6, "normal");
	assert_non_null(
	    strstr(w.peer.ready_line, " addr=" SANDBOX_PEER_ADDR6 " "));
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "state=CLOSED", 5);
	p.fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, WIRE_PORT);
	p.events = POLLOUT;
	assert_true(p.fd >= 0);
	/* 1.5 s: past the first SYN (or ARP) retry at 1 s; nothing answers. */
	assert_int_equal(poll(&p, 1, 1500), 0);
	close(p.fd);
	assert_int_equal(stat_u64("conns-opened"), 1);
	assert_int_equal(stat_u64("arp-answered"), 0);
}

/* connect over IPv6: the peer asks for the client's MAC first, then SYNs. */
static void
test_connects_out6(void **state)
{
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
		.sin6_port = htons(SERVER_PORT),
		.sin6_addr = IN6ADDR_ANY_INIT };
	struct pollfd p;
	size_t i, ns = 0;
	int lfd, cfd, one = 1;

	(void)state;
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(lfd >= 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	wire_start_addr(&w, WIRE6_BOTH, "normal");
	wire_ctl(&w, NULL, 0, "connect [%s]:%d from=41000",
	    SANDBOX_CLIENT_ADDR6, SERVER_PORT);
	p = (struct pollfd){ .fd = lfd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	wire_wait_conn(&w, "[" SANDBOX_CLIENT_ADDR6 "]:9100",
	    "state=ESTABLISHED", 5);
	wire_collect(&w);
	for (i = 0; i < w.nframes; i++)
		ns += w.frames[i].from_peer &&
		    w.frames[i].f.kind == FRAME_NDP &&
		    w.frames[i].f.u.ndp.type == NDP_NS;
	assert_int_equal(ns, 1); /* one question, then the SYN that waited */
	close(cfd);
	close(lfd);
	wire_wait_conn(&w, "[" SANDBOX_CLIENT_ADDR6 "]:9100", "state=CLOSED",
	    5);
}

/* A frame the filter must keep from the peer: the link's noise, others' traffic. */
static void
send_unwanted(const uint8_t peer_mac[6])
{
	/* A router solicitation to ff02::2 (type 133, its checksum never read). */
	static const uint8_t rs_head[] = { 0x33, 0x33, 0, 0, 0, 0x02 };
	struct segment syn = { .sport = 40999,
		.dport = WIRE_PORT,
		.flags = TCPF_SYN,
		.seq = 1,
		.window = 1000 };
	uint8_t f[128], cmac[6];
	size_t n;

	wire6_client_mac(cmac);
	memset(f, 0, sizeof(f));
	memcpy(f, rs_head, 6);
	memcpy(f + 6, cmac, 6);
	memcpy(f + 12, "\x86\xdd\x60\0\0\0\0\x08\x3a\xff", 10);
	f[22] = 0xfe; /* from fe80::1 */
	f[23] = 0x80;
	f[22 + 15] = 1;
	f[38] = 0xff; /* to ff02::2, all routers */
	f[39] = 0x02;
	f[38 + 15] = 2;
	f[54] = 133;
	wire6_send_frame(f, 62);
	/* TCP to 2001:db8::3, an address the peer does not own. */
	assert_int_equal(ip_addr_parse(SANDBOX_CLIENT_ADDR6, &syn.saddr), 0);
	assert_int_equal(ip_addr_parse("2001:db8::3", &syn.daddr), 0);
	n = frame_encode_tcp(f, sizeof(f), cmac, peer_mac, &syn, 0, 64);
	assert_true(n > 0);
	wire6_send_frame(f, n);
	/* UDP to ours: IPv6 to the address, but neither TCP nor NDP. */
	assert_int_equal(ip_addr_parse(SANDBOX_PEER_ADDR6, &syn.daddr), 0);
	n = frame_encode_tcp(f, sizeof(f), cmac, peer_mac, &syn, 0, 64);
	assert_true(n > 0);
	f[14 + 6] = 17;
	wire6_send_frame(f, n);
	/* Neighbor Discovery about someone else. */
	wire6_send_ns("2001:db8::3", GROUP3, NULL);
}

/* The capture's filter: nothing but what concerns the peer's addresses. */
static void
test_filter_only_ours(void **state)
{
	uint8_t mac[6];
	uint64_t before;

	(void)state;
	wire_start_addr(&w, WIRE6_BOTH, "normal");
	wire6_peer_mac(&w.peer, mac);
	before = stat_u64("frames-in");
	send_unwanted(mac);
	wire6_send_ns(SANDBOX_PEER_ADDR6, GROUP2,
	    NULL); /* the one that is ours */
	wait_stat("ndp-answered", 1);
	assert_int_equal(stat_u64("frames-in"), before + 1);
	assert_int_equal(stat_u64("link-noise"), 0);
	assert_int_equal(stat_u64("not-tcp"), 0);
	assert_int_equal(stat_u64("malformed"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ndp_ownership, teardown),
		cmocka_unit_test_teardown(test_normal6, teardown),
		cmocka_unit_test_teardown(test_swallow_fin6, teardown),
		cmocka_unit_test_teardown(test_half_close6, teardown),
		cmocka_unit_test_teardown(test_stop_reading6, teardown),
		cmocka_unit_test_teardown(test_silent6, teardown),
		cmocka_unit_test_teardown(test_refuse6, teardown),
		cmocka_unit_test_teardown(test_both_families, teardown),
		cmocka_unit_test_teardown(test_ipv6_only_peer, teardown),
		cmocka_unit_test_teardown(test_connects_out6, teardown),
		cmocka_unit_test_teardown(test_filter_only_ours, teardown),
	};
	struct sandbox *sb = itest_enter_sandbox();

	if (!sb->has_ipv6) {
		printf("SKIP: this kernel has no IPv6\n");
		return ITEST_EXIT_SKIP;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
