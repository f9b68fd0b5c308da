/*
 * test_peer_offload.c - lingerpeer on a veth left at its defaults: transmit
 * checksum offload and TSO on, as on a container's link (issue 16).
 *
 * The client's kernel then hands the capture segments whose TCP checksum is
 * only the pseudo-header sum, and bulk data in super-segments far above the
 * MTU. Every behaviour must hold there as on the sandbox's usual link, with
 * nothing dropped; a frame whose checksum is really wrong is still dropped,
 * and said once on stderr; over IPv6 as over IPv4. The sandbox is asked
 * to keep the offloads (sandbox_open_with()), and the test skips if the
 * kernel made the veth without them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ethtool_offload.h"
#include "monotime.h"
#include "sockdiag.h"
#include "tcp_options.h"
#include "wire6.h"

#define BULK_BYTES (1024u * 1024u)
#define STDERR_MAX 16384
#define NOTICE	   "with a bad checksum"
#define NOTICE_END "only counted (control command stats)\n"

static struct wire w;
static int peer_stderr = -1; /* read end of lingerpeer's stderr, one test */
static int raw = -1;	     /* a packet socket on llcli0, one test */

static int
teardown(void **state)
{
	(void)state;
	wire_stop(&w);
	if (peer_stderr >= 0)
		close(peer_stderr);
	if (raw >= 0)
		close(raw);
	peer_stderr = raw = -1;
	return 0;
}

/* A counter of the peer's stats line. */
static uint64_t
stat_u64(const char *key)
{
	struct control_reply r;
	char err[256];
	uint64_t v = 0;

	if (control_request(w.ctl, "stats", 5000, &r, err, sizeof(err)) < 0)
		fail_msg("stats: %s", err);
	if (!r.ok || r.nlines < 1 ||
	    control_field_u64(r.lines[0], key, &v) < 0) {
		print_error("stats: no %s in '%s'\n", key,
		    r.nlines ? r.lines[0] : r.status);
		control_reply_free(&r);
		fail();
	}
	control_reply_free(&r);
	return v;
}

/*
 * What the issue was about: the client's segments reached the peer with
 * offloaded checksums, and none was dropped for it.
 */
static void
expect_offloads_taken(void)
{
	if (stat_u64("tcp-csum-offloaded") == 0)
		fail_msg(
		    "no segment with an offloaded checksum reached the peer: "
		    "the link does not offload, so this test proves nothing");
	assert_int_equal(stat_u64("tcp-bad-csum"), 0);
	assert_int_equal(stat_u64("malformed"), 0);
}

static void
expect_state(const struct sockaddr_in *local, int want, int timeout_ms)
{
	int got = wire_client_state(local, want, timeout_ms);

	if (got != want)
		fail_msg("client socket is %s, expected %s",
		    sockdiag_state_name(got), sockdiag_state_name(want));
}

static void
send_all(int fd, size_t len)
{
	static char buf[65536];
	size_t left = len;
	ssize_t n;

	memset(buf, 'x', sizeof(buf));
	while (left > 0) {
		n = send(fd, buf, left < sizeof(buf) ? left : sizeof(buf),
		    MSG_NOSIGNAL);
		if (n <= 0)
			fail_msg("send: %zu of %zu bytes left: %s", left, len,
			    n < 0 ? strerror(errno) : "returned 0");
		left -= (size_t)n;
	}
}

/* Client frames of the connection from lport above the MTU; offloaded checksums. */
static void
count_client_frames(uint16_t lport, size_t *super, size_t *offloaded)
{
	const struct frame *f;
	size_t i;

	*super = *offloaded = 0;
	for (i = 0; i < w.nframes; i++) {
		f = &w.frames[i].f;
		if (w.frames[i].from_peer || f->kind != FRAME_TCP ||
		    f->u.seg.sport != lport)
			continue;
		*super += f->ip_len > SANDBOX_MTU;
		*offloaded += f->tcp_csum == FRAME_CSUM_OFFLOADED;
	}
}

/*
 * normal, with 1 MiB sent first: the bulk goes out in super-segments, the
 * peer takes every byte of them, and the close ends in TIME_WAIT.
 */
static void
test_normal_bulk_then_time_wait(void **state)
{
	struct sockaddr_in local;
	size_t super, offloaded;
	uint16_t lp;
	int fd;

	(void)state;
	wire_start(&w, "normal");
	fd = wire_connect(&local);
	lp = ntohs(local.sin_port);
	send_all(fd, BULK_BYTES);
	wire_wait(&w, &local, "rx>=1MiB", 15);
	assert_int_equal(wire_show_u64(&w, &local, "rx"), BULK_BYTES);
	assert_int_equal(close(fd), 0);
	wire_wait(&w, &local, "state=CLOSED", 5);
	expect_state(&local, TCP_TIME_WAIT, 2000);
	expect_offloads_taken();
	if (stat_u64("tcp-super-segments") == 0)
		fail_msg(
		    "1 MiB went out and the peer counted no super-segment");
	wire_collect(&w);
	assert_int_equal(w.undecodable, 0);
	count_client_frames(lp, &super, &offloaded);
	if (super == 0 || offloaded == 0)
		fail_msg(
		    "the capture of llcli0 shows %zu frames above the MTU and %zu "
		    "offloaded checksums: offloads are not at work",
		    super, offloaded);
}

/* swallow-fin: the FIN is retransmitted, the client stays in FIN_WAIT1. */
static void
test_swallow_fin_holds_fin_wait1(void **state)
{
	struct sockaddr_in local;
	int fd;

	(void)state;
	wire_start(&w, "swallow-fin");
	fd = wire_connect(&local);
	assert_int_equal(close(fd), 0);
	wire_wait(&w, &local, "fin-retx>=1", 15);
	expect_state(&local, TCP_FIN_WAIT1, 0);
	expect_offloads_taken();
	wire_collect(&w);
	assert_int_equal(wire_find(&w, 0, ntohs(local.sin_port), true, TCPF_FIN,
			     0),
	    -1);
	/* No orphan retransmitting into the next tests. */
	wire_ctl(&w, NULL, 0, "rst %s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local.sin_port));
}

/* half-close: the FIN is ACKed, ours never comes: FIN_WAIT2. */
static void
test_half_close_holds_fin_wait2(void **state)
{
	struct sockaddr_in local;
	int fd;

	(void)state;
	wire_start(&w, "half-close");
	fd = wire_connect(&local);
	assert_int_equal(close(fd), 0);
	wire_wait(&w, &local, "state=CLOSE_WAIT fins>=1", 5);
	expect_state(&local, TCP_FIN_WAIT2, 2000);
	expect_offloads_taken();
	wire_ctl(&w, NULL, 0, "rst %s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local.sin_port));
}

/*
 * stop-reading: the window closes though the data came in super-segments
 * (never more than the 64 KiB buffer taken), and probes get window 0.
 */
static void
test_stop_reading_zero_window(void **state)
{
	static char buf[16384];
	struct sockaddr_in local;
	ssize_t n;
	int fd;

	(void)state;
	wire_start(&w, "stop-reading:rcvbuf=64KiB");
	fd = wire_connect(&local);
	while (
	    (n = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
		;
	assert_true(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	wire_wait(&w, &local, "rx>=60KiB win=0 zwp>=1", 15);
	assert_true(wire_show_u64(&w, &local, "rx") <= 65536);
	expect_offloads_taken();
	wire_ctl(&w, NULL, 0, "rst %s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local.sin_port));
	close(fd);
}

/* silent: not even an ACK, so the client retransmits its data. */
static void
test_silent_gets_retransmissions(void **state)
{
	const struct linger zero_linger = { 1, 0 };
	struct sockaddr_in local;
	char data[1000] = { 0 };
	int fd;

	(void)state;
	wire_start(&w, "silent");
	fd = wire_connect(&local);
	assert_int_equal(send(fd, data, sizeof(data), 0),
	    (ssize_t)sizeof(data));
	wire_wait(&w, &local, "data-retx>=1", 15);
	assert_int_equal(wire_show_u64(&w, &local, "rx"), sizeof(data));
	expect_offloads_taken();
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_LINGER, &zero_linger,
			     sizeof(zero_linger)),
	    0);
	assert_int_equal(close(fd), 0); /* RST: nothing left behind */
	wire_wait(&w, &local, "rsts>=1 state=CLOSED", 5);
}

/* refuse: the SYN is taken (offloaded checksum) and answered with RST. */
static void
test_refuse_gives_econnrefused(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		.sin_port = htons(WIRE_PORT) };
	int fd, rc;

	(void)state;
	wire_start(&w, "refuse");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	inet_pton(AF_INET, SANDBOX_PEER_ADDR, &sin.sin_addr);
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ECONNREFUSED);
	close(fd);
	expect_offloads_taken();
}

/* reset-on-fin: the FIN (offloaded checksum) is answered with RST. */
static void
test_reset_on_fin_gives_econnreset(void **state)
{
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_in local;
	char buf[16];
	int fd;

	(void)state;
	wire_start(&w, "reset-on-fin");
	fd = wire_connect(&local);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ECONNRESET);
	close(fd);
	expect_offloads_taken();
}

/* drop-syn: the SYN is taken, counted and never answered. */
static void
test_drop_syn_unanswered(void **state)
{
	struct sockaddr_in local;
	socklen_t len = sizeof(local);
	int fd;

	(void)state;
	wire_start(&w, "drop-syn");
	fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, WIRE_PORT);
	assert_true(fd >= 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&local, &len), 0);
	wire_wait(&w, &local, "syns>=1", 5);
	expect_state(&local, TCP_SYN_SENT, 0);
	assert_true(stat_u64("syns-dropped") >= 1);
	expect_offloads_taken();
	close(fd);
}

/*
 * Over IPv6 the same: the client's kernel leaves the pseudo-header sum of
 * IPv6 (addresses, length, next header) in each segment and sends its
 * bulk in super-segments; the peer takes every byte, and the close ends
 * in TIME_WAIT.
 */
static void
test_ipv6_partial_checksums(void **state)
{
	struct sockaddr_in6 local;
	size_t i, offloaded = 0;
	char conn[64];
	int fd;

	(void)state;
	if (!itest_enter_sandbox()->has_ipv6)
		skip();
	wire_start_addr(&w, WIRE6_BOTH, "normal");
	fd = wire6_connect(&local);
	wire6_conn(&local, conn, sizeof(conn));
	send_all(fd, BULK_BYTES);
	wire_wait_conn(&w, conn, "rx>=1MiB", 15);
	assert_int_equal(wire_show_conn_u64(&w, conn, "rx"), BULK_BYTES);
	assert_int_equal(close(fd), 0);
	wire_wait_conn(&w, conn, "state=CLOSED", 5);
	assert_int_equal(wire6_client_state(&local, TCP_TIME_WAIT, 2000),
	    TCP_TIME_WAIT);
	expect_offloads_taken();
	assert_true(stat_u64("tcp-super-segments") > 0);
	wire_collect(&w);
	assert_int_equal(w.undecodable, 0);
	for (i = 0; i < w.nframes; i++)
		offloaded += !w.frames[i].from_peer &&
		    w.frames[i].f.kind == FRAME_TCP &&
		    ip_addr_is_v6(&w.frames[i].f.u.seg.saddr) &&
		    w.frames[i].f.tcp_csum == FRAME_CSUM_OFFLOADED;
	if (offloaded == 0)
		fail_msg(
		    "no IPv6 segment in the capture of llcli0 had an offloaded checksum");
}

/* The peer's MAC, from its ready line ("mac=02:..."). */
static void
peer_mac(const char *ready, uint8_t mac[6])
{
	const char *m = strstr(ready, " mac=");
	unsigned v[6];
	int i;

	if (m == NULL ||
	    sscanf(m + 5, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3],
		&v[4], &v[5]) != 6)
		fail_msg("no mac= in the ready line '%s'", ready);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
}

/*
 * Send a SYN to the peer on llcli0 from a raw socket, with its TCP or its
 * IP checksum made wrong (and neither correct nor what offload leaves).
 */
static void
send_bad_syn(const uint8_t dst[6], bool bad_ip)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0x16, 0x01 };
	struct segment seg = { .saddr = IP_ADDR_V4_INIT(192, 0, 2, 1),
		.daddr = IP_ADDR_V4_INIT(192, 0, 2, 2),
		.sport = 31016,
		.dport = WIRE_PORT,
		.seq = 1,
		.flags = TCPF_SYN,
		.window = 1000 };
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t buf[128];
	struct frame f;
	size_t n;

	n = frame_encode_tcp(buf, sizeof(buf), src, dst, &seg, 1, 64);
	assert_true(n > 0);
	if (bad_ip)
		buf[14 + 10] ^= 0x5a;
	else
		wire_put16(buf + 34 + 16,
		    (uint16_t)(wire_get16(buf + 34 + 16) ^ 0x5a5a));
	assert_int_equal(frame_decode(buf, n, true, &f),
	    bad_ip ? FRAME_IP_BAD_CSUM : FRAME_TCP_BAD_CSUM);
	to.sll_ifindex = (int)if_nametoindex(SANDBOX_CLIENT_IFACE);
	memcpy(to.sll_addr, dst, 6);
	assert_int_equal(sendto(raw, buf, n, 0, (struct sockaddr *)&to,
			     sizeof(to)),
	    (ssize_t)n);
}

/* Read fd into buf until it holds what (NULL: until EOF) or timeout_ms. */
static bool
read_until(int fd, char *buf, size_t *have, const char *what, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t deadline = monotime_ms() + timeout_ms;
	ssize_t n;
	int left;

	while (what == NULL || strstr(buf, what) == NULL) {
		left = (int)(deadline - monotime_ms());
		if (left <= 0 || *have + 1 >= STDERR_MAX)
			return false;
		if (poll(&p, 1, left) <= 0)
			continue;
		if ((n = read(fd, buf + *have, STDERR_MAX - 1 - *have)) <= 0)
			return what == NULL && n == 0;
		*have += (size_t)n;
		buf[*have] = '\0';
	}
	return true;
}

/* lingerpeer with its stderr (and its later stdout) into a pipe we read. */
static void
start_peer_stderr_piped(void)
{
	const char *const args[] = { "--port", "7000", NULL };
	int p[2], saved, rc;
	char err[256];

	memset(&w, 0, sizeof(w));
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(p[1], STDERR_FILENO) == STDERR_FILENO);
	rc = itest_start_peer(args, &w.peer);
	assert_true(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	close(saved);
	close(p[1]); /* only lingerpeer and its forwarder write now */
	peer_stderr = p[0];
	if (rc != 0) {
		char why[2048];

		why[itest_read_fd(peer_stderr, why, sizeof(why) - 1, 1000)] =
		    '\0';
		fail_msg("lingerpeer did not start: %s", why);
	}
	w.ctl = control_client_open(w.peer.control, 5000, err, sizeof(err));
	if (w.ctl == NULL)
		fail_msg("control connection to %s: %s", w.peer.control, err);
}

/* Until the peer has counted n TCP and n_ip IP checksum drops. */
static void
wait_bad_csum(uint64_t n, uint64_t n_ip)
{
	struct timespec tick = { 0, 5000000 }; /* stats cannot notify: poll */
	int64_t deadline = monotime_ms() + 5000;

	while (
	    stat_u64("tcp-bad-csum") != n || stat_u64("ip-bad-csum") != n_ip) {
		if (monotime_ms() > deadline)
			fail_msg("the peer counted tcp-bad-csum=%" PRIu64
				 " ip-bad-csum=%" PRIu64 ", expected %" PRIu64
				 " and %" PRIu64,
			    stat_u64("tcp-bad-csum"), stat_u64("ip-bad-csum"),
			    n, n_ip);
		nanosleep(&tick, NULL);
	}
}

/*
 * Still dropped: a checksum that is wrong (not the offload seed). The
 * first drop is said on stderr, once, with the count and the remedy; the
 * later ones only counted; the summary at exit has them all.
 */
static void
test_bad_checksum_dropped_and_said_once(void **state)
{
	static char out[STDERR_MAX];
	const char *first;
	size_t have = 0;
	uint8_t mac[6];
	int i;

	(void)state;
	start_peer_stderr_piped();
	peer_mac(w.peer.ready_line, mac);
	raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(raw >= 0);
	send_bad_syn(mac, false);
	if (!read_until(peer_stderr, out, &have, NOTICE_END, 5000))
		fail_msg(
		    "no notice of the dropped frame on stderr; it said: %s",
		    out);
	first = strstr(out, "dropped 1 frame " NOTICE);
	if (first == NULL ||
	    strstr(first, "tcp-bad-csum=1 ip-bad-csum=0") == NULL)
		fail_msg("the notice does not give the count: %s", out);
	assert_non_null(strstr(first, "ethtool -K IFACE tx off"));
	assert_non_null(strstr(first, "--no-verify-checksums"));
	for (i = 0; i < 3; i++)
		send_bad_syn(mac, i == 2);
	wait_bad_csum(3, 1);
	assert_int_equal(stat_u64("conns-opened"), 0);
	assert_int_equal(stat_u64("tcp-csum-offloaded"), 0);
	wire_stop(&w);
	assert_true(read_until(peer_stderr, out, &have, NULL, 10000));
	if (strstr(strstr(out, NOTICE) + 1, NOTICE) != NULL)
		fail_msg("the notice came more than once:\n%s", out);
	if (strstr(out, " bad-csum=4 ") == NULL)
		fail_msg("no bad-csum=4 in the summary:\n%s", out);
}

/*
 * The other trouble: with llpeer0's offloads off and the client's on,
 * libpcap keeps MTU-sized frames and cuts the super-segments short; the
 * peer says so once. Runs last: it changes the link for good.
 */
static void
test_cut_super_segments_said(void **state)
{
	static char out[STDERR_MAX], buf[16384];
	struct sockaddr_in local;
	size_t have = 0;
	char err[256];
	int io, fd;

	(void)state;
	io = sandbox_socket_in_peer_ns(itest_enter_sandbox(), AF_INET,
	    SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(io >= 0);
	if (ethtool_offload_disable(io, SANDBOX_PEER_IFACE, err, sizeof(err)) ==
	    -1) {
		close(io);
		fail_msg("%s", err);
	}
	close(io);
	start_peer_stderr_piped();
	fd = wire_connect(&local);
	while (send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
	if (!read_until(peer_stderr, out, &have, "restart lingerpeer", 10000) ||
	    strstr(out, "arrived cut short") == NULL)
		fail_msg("no notice of the cut frames on stderr; it said: %s",
		    out);
	assert_non_null(strstr(out, "'ethtool -K llpeer0 gro on'"));
	assert_true(stat_u64("capture-cut") > 0);
	wire_ctl(&w, NULL, 0, "rst %s:%u", SANDBOX_CLIENT_ADDR,
	    ntohs(local.sin_port));
	close(fd);
}

/* SKIP unless the kernel made the veth with checksum offload and TSO. */
static void
require_offloads(struct sandbox *sb)
{
	struct offload_state cli = { 0 }, peer = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int pfd = sandbox_socket_in_peer_ns(sb, AF_INET,
	    SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char err[256] = "no socket for SIOCETHTOOL";
	int rc = -1;

	if (fd >= 0 && pfd >= 0 &&
	    ethtool_offload_get(fd, SANDBOX_CLIENT_IFACE, &cli, err,
		sizeof(err)) == 0)
		rc = ethtool_offload_get(pfd, SANDBOX_PEER_IFACE, &peer, err,
		    sizeof(err));
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	if (rc == 0 && (!cli.tx_csum || !cli.tso))
		snprintf(err, sizeof(err),
		    "the kernel made %s with tx-checksumming %s "
		    "and TSO %s: no offload to test",
		    SANDBOX_CLIENT_IFACE, cli.tx_csum ? "on" : "off",
		    cli.tso ? "on" : "off");
	else if (rc == 0) {
		printf(
		    "offloads: %s tx-csum=%d tso=%d gso=%d gro=%d; %s tx-csum=%d "
		    "tso=%d gso=%d gro=%d\n",
		    SANDBOX_CLIENT_IFACE, cli.tx_csum, cli.tso, cli.gso,
		    cli.gro, SANDBOX_PEER_IFACE, peer.tx_csum, peer.tso,
		    peer.gso, peer.gro);
		return;
	}
	printf("SKIP: %s\n", err);
	fflush(NULL);
	exit(ITEST_EXIT_SKIP);
}

int
main(void)
{
	const struct sandbox_opts keep = { .keep_offloads = true };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_normal_bulk_then_time_wait,
		    teardown),
		cmocka_unit_test_teardown(test_swallow_fin_holds_fin_wait1,
		    teardown),
		cmocka_unit_test_teardown(test_half_close_holds_fin_wait2,
		    teardown),
		cmocka_unit_test_teardown(test_stop_reading_zero_window,
		    teardown),
		cmocka_unit_test_teardown(test_silent_gets_retransmissions,
		    teardown),
		cmocka_unit_test_teardown(test_refuse_gives_econnrefused,
		    teardown),
		cmocka_unit_test_teardown(test_reset_on_fin_gives_econnreset,
		    teardown),
		cmocka_unit_test_teardown(test_drop_syn_unanswered, teardown),
		cmocka_unit_test_teardown(test_ipv6_partial_checksums,
		    teardown),
		cmocka_unit_test_teardown(
		    test_bad_checksum_dropped_and_said_once, teardown),
		cmocka_unit_test_teardown(test_cut_super_segments_said,
		    teardown),
	};

	require_offloads(itest_enter_sandbox_with(&keep));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
