/*
 * test_flood.c - lingerpeer under a flood, inside the sandbox: a million
 * broken frames (every check of the decoder over IPv4 and IPv6, malformed
 * Neighbor Solicitations, NDP about other hosts and the link's MLD noise,
 * random bytes, ARP junk) and 200,000 SYNs from changing ports, half of
 * them from addresses that never answer. Meanwhile a kernel client keeps making real connections
 * (connect, data, close), and afterwards a scenario runs against the same
 * peer. It must stay up, stay within the memory its --max-conns and
 * --events allow, serve every real connection, and count what it dropped.
 *
 * The figures (frames, SYNs, peak memory, time, drops) are printed for
 * docs/reliability.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blaster.h"
#include "conn_table.h"
#include "control_client.h"
#include "event_log.h"
#include "itest.h"
#include "monotime.h"
#include "proc_mem.h"

#define PORT		7000
#define MAX_CONNS	1024
#define EVENTS		8192
#define JUNK_FRAMES	1000000u
#define SYNS		200000u
#define ROUNDS		20 /* junk and SYNs interleaved in this many rounds */
#define SPOOF_EVERY	2 /* every 2nd SYN from an address that never answers */
#define CONN_TIMEOUT_MS 10000 /* kernel SYN retries at 1 s and 3 s fit in it */
/*
 * Real connections that may fail, in parts per thousand. A connection whose
 * handshake-completing ACK is lost to the full capture buffer stays
 * half-open (SYN_RCVD) to the peer, and a flood of half-open connections
 * evicts those first (as a kernel's SYN backlog would drop them): its next
 * segment then meets a reset. Measured: 20 of 14166 (1.4 per thousand) on
 * two loaded cores; allowed: 10 per thousand.
 */
#define FAIL_PER_MILLE	10
/*
 * What lingerpeer may grow by past its resting size: its tables filling
 * up (computed below from the same structs it uses), the capture buffer
 * (CAPTURE_BUFFER in peer/capture.c) being touched, and slack for the
 * allocator and the sanitizers' shadow memory.
 */
#define CAPTURE_RING_KB (8u * 1024u)
#define SLACK_KB	(8u * 1024u)

struct blast_report {
	uint64_t junk_taken;
	uint64_t syns_taken;
	uint64_t refused;
	uint64_t sent[BK_COUNT];
	uint64_t ns;
};

static int
parse_mac(const char *ready, uint8_t mac[6])
{
	char text[32];
	unsigned m[6];
	int i;

	if (control_field(ready, "mac", text, sizeof(text)) < 0 ||
	    sscanf(text, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
		&m[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

/* The child: flood, then report what the kernel took. */
static void __attribute__((noreturn))
blast(const uint8_t peer_mac[6], int report_fd)
{
	struct blast_report rep;
	struct ip_addr src6, dst6;
	struct blaster b;
	uint64_t t0 = monotime_ns();
	int r;

	memset(&rep, 0, sizeof(rep));
	if (blaster_open(&b, SANDBOX_CLIENT_IFACE, peer_mac,
		ntohl(inet_addr(SANDBOX_CLIENT_ADDR)),
		ntohl(inet_addr(SANDBOX_PEER_ADDR)), PORT, 0x5eed) < 0) {
		fprintf(stderr, "blaster: cannot open a raw socket on %s: %s\n",
		    SANDBOX_CLIENT_IFACE, strerror(errno));
		_exit(1);
	}
	/* The peer owns an IPv6 address too: aim the IPv6 and NDP kinds at it. */
	if (ip_addr_parse(SANDBOX_CLIENT_ADDR6, &src6) == 0 &&
	    ip_addr_parse(SANDBOX_PEER_ADDR6, &dst6) == 0 &&
	    itest_enter_sandbox()->has_ipv6)
		blaster_set_ipv6(&b, &src6, &dst6);
	for (r = 0; r < ROUNDS; r++) {
		rep.junk_taken += blaster_junk(&b, JUNK_FRAMES / ROUNDS);
		rep.syns_taken += blaster_syns(&b, SYNS / ROUNDS, SPOOF_EVERY);
	}
	rep.refused = b.refused;
	memcpy(rep.sent, b.sent, sizeof(rep.sent));
	rep.ns = monotime_ns() - t0;
	blaster_close(&b);
	if (write(report_fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(1);
	_exit(0);
}

static int
wait_for(int fd, short ev, int64_t deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int64_t left;

	for (;;) {
		left = deadline_ms - monotime_ms();
		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) > 0)
			return 1;
	}
}

/*
 * One real connection from the kernel: connect, 4 KiB of data, half-close,
 * the peer's FIN back (a normal peer closes when we do), close. 0 when all
 * of it happened within CONN_TIMEOUT_MS.
 */
static int
one_connection(void)
{
	static char data[4096];
	int64_t deadline = monotime_ms() + CONN_TIMEOUT_MS;
	int fd, soerr = 0, ok = -1;
	const char *stage = "connect";
	socklen_t len = sizeof(soerr);
	size_t sent = 0;
	ssize_t n;
	char buf[512];

	if ((fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, PORT)) < 0)
		return -1;
	if (!wait_for(fd, POLLOUT, deadline) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 ||
	    soerr != 0)
		goto out;
	stage = "send";
	while (sent < sizeof(data)) {
		if ((n = send(fd, data + sent, sizeof(data) - sent,
			 MSG_NOSIGNAL)) > 0)
			sent += (size_t)n;
		else if ((n < 0 && errno != EAGAIN) ||
		    !wait_for(fd, POLLOUT, deadline))
			goto out;
	}
	stage = "close";
	if (shutdown(fd, SHUT_WR) < 0)
		goto out;
	for (;;) {
		if (!wait_for(fd, POLLIN, deadline))
			goto out;
		if ((n = recv(fd, buf, sizeof(buf), 0)) == 0)
			break;
		if (n < 0 && errno != EAGAIN)
			goto out;
	}
	ok = 0;
out:
	if (ok < 0)
		fprintf(stderr,
		    "flood: a real connection failed at %s after %" PRId64
		    " ms: %s\n",
		    stage, CONN_TIMEOUT_MS - (deadline - monotime_ms()),
		    soerr != 0	     ? strerror(soerr)
			: errno != 0 ? strerror(errno)
				     : "timed out");
	close(fd);
	return ok;
}

static uint64_t
stat_u64(struct control_client *c, const char *key)
{
	struct control_reply r;
	char err[256];
	uint64_t v = 0;

	assert_int_equal(control_request(c, "stats", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok && r.nlines == 1);
	if (control_field_u64(r.lines[0], key, &v) < 0)
		fail_msg("stats has no %s: %s", key, r.lines[0]);
	control_reply_free(&r);
	return v;
}

static bool
alive(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

/* lingerlab runs a scenario against the flooded peer, through its control socket. */
static void
scenario_after(const char *control)
{
#if defined(LINGERLAB_PATH) && defined(LINGERLAB_SOURCE_DIR)
	char cmd[1024];
	int rc;

	snprintf(cmd, sizeof(cmd),
	    "'%s' run --peer '%s' --peer-addr %s "
	    "--iface " SANDBOX_CLIENT_IFACE " "
	    "'%s/scenarios/examples/linger-off.scn' >&2",
	    LINGERLAB_PATH, control, SANDBOX_PEER_ADDR, LINGERLAB_SOURCE_DIR);
	rc = system(cmd);
	assert_true(WIFEXITED(rc));
	assert_int_equal(WEXITSTATUS(rc), 0);
#else
	(void)control;
	fprintf(stderr,
	    "flood: no lingerlab in this build: scenario run skipped\n");
#endif
}

static void
print_stats(struct control_client *c)
{
	struct control_reply r;
	char err[256];

	assert_int_equal(control_request(c, "stats", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok && r.nlines == 1);
	printf("flood: %s\n", r.lines[0]);
	control_reply_free(&r);
}

static void
report(const struct blast_report *rep, int64_t rss0, int64_t hwm,
    int64_t bound_kb, unsigned conns, uint64_t t_ns, struct control_client *c)
{
	unsigned k;

	printf("flood: junk frames taken by the kernel %" PRIu64
	       ", SYNs %" PRIu64 ", refused %" PRIu64
	       ", blaster time %.2f s, test time %.2f s\n",
	    rep->junk_taken, rep->syns_taken, rep->refused,
	    (double)rep->ns / 1e9, (double)t_ns / 1e9);
	for (k = 0; k < BK_COUNT; k++)
		printf("flood:   %-15s %" PRIu64 "\n",
		    blaster_kind_name((enum blast_kind)k), rep->sent[k]);
	printf("flood: lingerpeer VmRSS at rest %" PRId64
	       " kB, VmHWM after %" PRId64 " kB, bound %" PRId64 " kB\n",
	    rss0, hwm, bound_kb);
	printf("flood: real connections completed during the flood: %u\n",
	    conns);
	printf("flood: peer counted frames-in=%" PRIu64 " malformed=%" PRIu64
	       " capture-drops=%" PRIu64 " conns-opened=%" PRIu64
	       " conns-evicted=%" PRIu64 " conns-rejected=%" PRIu64
	       " arp-answered=%" PRIu64 " segs-in=%" PRIu64 "\n",
	    stat_u64(c, "frames-in"), stat_u64(c, "malformed"),
	    stat_u64(c, "capture-drops"), stat_u64(c, "conns-opened"),
	    stat_u64(c, "conns-evicted"), stat_u64(c, "conns-rejected"),
	    stat_u64(c, "arp-answered"), stat_u64(c, "segs-in"));
	print_stats(c);
}

static void
test_flood(void **state)
{
	const char *const args[] = { "--port", "7000", "--max-conns", "1024",
		"--events", "8192", "--when-full", "evict", NULL };
	/* What the tables may take when full, from the structs lingerpeer uses. */
	const int64_t tables_kb =
	    (int64_t)(MAX_CONNS * (sizeof(struct conn) + 64) +
		EVENTS * sizeof(struct peer_event)) /
		1024 +
	    1;
	struct control_client *c;
	struct itest_peer peer;
	struct blast_report rep;
	uint8_t mac[6];
	int pfd[2], st;
	int64_t rss0, hwm, bound;
	uint64_t t0 = monotime_ns(), malformed, bad_sent;
	unsigned conns = 0, failures = 0;
	pid_t child;
	char err[256];

	(void)state;
	assert_int_equal(itest_start_peer_addr(itest_enter_sandbox()->has_ipv6
				 ? SANDBOX_PEER_ADDR "," SANDBOX_PEER_ADDR6
				 : NULL,
			     args, &peer),
	    0);
	assert_int_equal(parse_mac(peer.ready_line, mac), 0);
	assert_non_null(
	    c = control_client_open(peer.control, 5000, err, sizeof(err)));
	assert_int_equal(one_connection(),
	    0); /* warm: ARP done, code paged in */
	rss0 = proc_status_num(peer.pid, "VmRSS");
	assert_true(rss0 > 0);
	bound = rss0 + tables_kb + CAPTURE_RING_KB + SLACK_KB;

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	if ((child = fork()) == 0) {
		close(pfd[0]);
		blast(mac, pfd[1]);
	}
	assert_true(child > 0);
	close(pfd[1]);
	/* Real connections while the flood runs; each must complete. */
	while (alive(child)) {
		if (one_connection() == 0) {
			if (alive(child))
				conns++;
		} else {
			failures++;
		}
		assert_true(alive(peer.pid) || kill(peer.pid, 0) == 0);
	}
	assert_int_equal(itest_read_fd(pfd[0], &rep, sizeof(rep), 5000),
	    sizeof(rep));
	close(pfd[0]);
	/* The child was reaped by alive(); its report says it finished. */
	(void)st;

	assert_int_equal(kill(peer.pid, 0), 0);
	hwm = proc_status_num(peer.pid, "VmHWM");
	report(&rep, rss0, hwm, bound, conns, monotime_ns() - t0, c);
	printf("flood: real connections that failed: %u\n", failures);
	assert_true(conns >= 3);
	assert_true(failures * 1000 <= (conns + failures) * FAIL_PER_MILLE);
	assert_true(hwm > 0 && hwm <= bound);
	assert_true(rep.junk_taken >= JUNK_FRAMES * 99 / 100);
	assert_true(rep.syns_taken == SYNS);
	/* Every kind that reaches the peer and is broken is counted or was lost
	 * to a full capture buffer, which is counted too. */
	bad_sent = rep.sent[BK_IP_BAD_CSUM] + rep.sent[BK_TCP_BAD_CSUM] +
	    rep.sent[BK_TCP_BAD_OFFSET] + rep.sent[BK_IP_BAD_LENGTH] +
	    rep.sent[BK_IP6_TRUNCATED] + rep.sent[BK_IP6_BAD_EXT] +
	    rep.sent[BK_IP6_FRAGMENT] + rep.sent[BK_IP6_TCP_BAD_CSUM] +
	    rep.sent[BK_NDP_MALFORMED];
	malformed = stat_u64(c, "malformed");
	assert_true(malformed + stat_u64(c, "capture-drops") >= bad_sent);
	assert_true(stat_u64(c, "conns-evicted") > 0);
	assert_true(stat_u64(c, "conns") <= MAX_CONNS);
	/* The filter keeps out NDP about others and the link's noise. */
	assert_int_equal(stat_u64(c, "ndp-ignored"), 0);
	assert_int_equal(stat_u64(c, "link-noise"), 0);
	if (rep.sent[BK_IP6_FRAGMENT] > 0)
		assert_true(
		    stat_u64(c, "ip6-fragment") + stat_u64(c, "capture-drops") >
		    0);

	/* Afterwards: a connection, then a whole scenario, on the same peer. */
	assert_int_equal(one_connection(), 0);
	control_client_close(c);
	scenario_after(peer.control);
	assert_int_equal(kill(peer.pid, 0), 0);
	st = itest_stop_peer(&peer);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	itest_enter_sandbox();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
