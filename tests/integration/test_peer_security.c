/*
 * test_peer_security.c - what keeps a lingerpeer from hurting anyone:
 * the control token (required, accepted, refused; no endpoint beyond
 * loopback without one), the privilege drop seen in /proc/PID/status, the
 * refusal of an address the host already has, --addr never defaulted, and
 * no ARP answer for any address but its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blaster.h"
#include "control_client.h"
#include "frame.h"
#include "itest.h"
#include "monotime.h"
#include "peer_launch.h"
#include "proc_mem.h"

#define CTL_PORT "7901"
#define TOKEN	 "lingerlab-test-token-0123456789"

static char token_path[64];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int
group_setup(void **state)
{
	int fd;

	(void)state;
	snprintf(token_path, sizeof(token_path), "/tmp/lingerlab-token-XXXXXX");
	if ((fd = mkstemp(token_path)) < 0)
		return -1;
	close(fd);
	write_file(token_path, TOKEN "\n", 0600);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(token_path);
	return 0;
}

/*
 * Run lingerpeer on the client side with args; its output goes to err.
 * Returns its exit status. These runs all end before opening a link.
 * Started like every lingerpeer, in the sandbox's PID namespace with a
 * /proc of its own, so that a sanitizer build can do its exit-time checks.
 */
static int
run_peer(const char *const args[], char *err, size_t errlen)
{
	const char *argv[32] = { peer_launch_path(LINGERPEER_PATH) };
	struct sandbox_spawn_opts o = SANDBOX_SPAWN_OPTS_INIT;
	int p[2], st, i;
	pid_t pid;
	size_t n;

	for (i = 0; args[i] != NULL && i < 30; i++)
		argv[i + 1] = args[i];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	o.stdout_fd = o.stderr_fd = p[1];
	pid = sandbox_spawn(itest_enter_sandbox(), SANDBOX_CLIENT_SIDE,
	    (char *const *)argv, &o);
	assert_true(pid > 0);
	close(p[1]);
	n = itest_read_fd(p[0], err, errlen - 1, 10000);
	err[n] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
expect_refusal(const char *const args[], int code, const char *text)
{
	char err[2048];
	int rc = run_peer(args, err, sizeof(err));

	if (rc != code || strstr(err, text) == NULL)
		fail_msg(
		    "lingerpeer exited %d (want %d) saying: %s(want '%s' in it)",
		    rc, code, err, text);
}

static void
test_addr_never_defaulted(void **state)
{
	const char *const args[] = { "--iface", SANDBOX_CLIENT_IFACE, NULL };

	(void)state;
	expect_refusal(args, 2, "--addr");
}

static void
test_refuses_configured_address(void **state)
{
	/* 192.0.2.1 is llcli0's, here on the client side. */
	const char *const args[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		SANDBOX_CLIENT_ADDR, NULL };
	const char *const lo[] = { "--iface", "lo", "--addr", "127.0.0.1",
		NULL };
	/* 2001:db8::1 is llcli0's too: refused alone, or beside a free IPv4. */
	const char *const v6[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		SANDBOX_CLIENT_ADDR6, NULL };
	const char *const both[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"192.0.2.9," SANDBOX_CLIENT_ADDR6, NULL };
	/* One address of each family, and addresses a host can own. */
	const char *const two6[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"2001:db8::8", "--addr", "2001:db8::9", NULL };
	const char *const group[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"ff02::1", NULL };

	(void)state;
	expect_refusal(args, 3,
	    "already configured on interface " SANDBOX_CLIENT_IFACE);
	expect_refusal(lo, 3, "already configured on interface lo");
	if (itest_enter_sandbox()->has_ipv6) {
		expect_refusal(v6, 3,
		    "--addr " SANDBOX_CLIENT_ADDR6 " is already configured "
		    "on interface " SANDBOX_CLIENT_IFACE);
		expect_refusal(both, 3,
		    "--addr " SANDBOX_CLIENT_ADDR6 " is already");
	}
	expect_refusal(two6, 2, "a second IPv6 address");
	expect_refusal(group, 2, "not an address one host can own");
}

static void
test_remote_control_needs_token(void **state)
{
	const char *const any[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"192.0.2.9", "--control", "0.0.0.0:" CTL_PORT, NULL };
	const char *const lan[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"192.0.2.9", "--control", SANDBOX_CLIENT_ADDR ":" CTL_PORT,
		NULL };
	struct control_endpoint ep;
	char err[512];

	(void)state;
	expect_refusal(any, 2, "needs --control-token");
	expect_refusal(lan, 2, "needs --control-token");
	/* The client library refuses too, and says what would allow it. */
	assert_int_equal(control_endpoint_parse("192.0.2.2:" CTL_PORT, &ep, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "--peer-token"));
	assert_int_equal(control_endpoint_parse_flags("192.0.2.2:" CTL_PORT,
			     CEP_ALLOW_REMOTE, &ep, err, sizeof(err)),
	    0);
	assert_true(ep.remote);
}

static void
test_token_file_checked(void **state)
{
	char path[64];
	const char *const args[] = { "--iface", SANDBOX_CLIENT_IFACE, "--addr",
		"192.0.2.9", "--control", "0.0.0.0:" CTL_PORT,
		"--control-token", path, NULL };
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/lingerlab-badtoken-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	write_file(path, TOKEN "\n", 0644);
	expect_refusal(args, 2, "chmod 600");
	write_file(path, "short\n", 0600);
	expect_refusal(args, 2, "a token has 16 to 255");
	unlink(path);
}

/* A TCP connection to the peer's control port, made in the peer's netns. */
static int
peer_side_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(atoi(CTL_PORT)) };
	int fd;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = sandbox_socket_in_peer_ns(itest_enter_sandbox(), AF_INET,
	    SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Send line; the reply's first line must start with want, then the peer closes. */
static void
refused_then_closed(const char *line, const char *want)
{
	char buf[512], ep[16];
	struct control_client *c;
	struct control_reply r;
	size_t n;
	int fd = peer_side_connect();

	snprintf(ep, sizeof(ep), "fd:%d", fd);
	assert_non_null(c = control_client_open(ep, 5000, buf, sizeof(buf)));
	assert_int_equal(control_request(c, line, 5000, &r, buf, sizeof(buf)),
	    0);
	if (r.ok || strncmp(r.status, want, strlen(want)) != 0)
		fail_msg("'%s' got '%s', want '%s'", line, r.status, want);
	control_reply_free(&r);
	n = itest_read_fd(fd, buf, sizeof(buf),
	    5000); /* EOF: closed by the peer */
	assert_int_equal(n, 0);
	control_client_close(c);
}

static void
test_token(void **state)
{
	const char *const args[] = { "--control", "0.0.0.0:" CTL_PORT,
		"--control-token", token_path, NULL };
	struct control_client *c;
	struct control_reply r;
	struct itest_peer peer;
	char err[512], ep[16];

	(void)state;
	assert_int_equal(itest_start_peer(args, &peer), 0);
	/* Required: anything before the token is refused, and the client closed. */
	refused_then_closed("stats", "err auth-required");
	/* Refused: a wrong token, one try. */
	refused_then_closed("auth lingerlab-test-token-0123456788",
	    "err auth-failed");
	refused_then_closed("auth " TOKEN "x", "err auth-failed");
	/* Accepted: then everything works. */
	snprintf(ep, sizeof(ep), "fd:%d", peer_side_connect());
	assert_non_null(
	    c = control_client_open_token(ep, TOKEN, 5000, err, sizeof(err)));
	assert_int_equal(control_request(c, "stats", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok);
	control_reply_free(&r);
	control_client_close(c);
	/* The unix socket needs none (file permissions guard it). */
	assert_non_null(
	    c = control_client_open(peer.control, 5000, err, sizeof(err)));
	assert_int_equal(control_request(c, "stats", 5000, &r, err,
			     sizeof(err)),
	    0);
	assert_true(r.ok);
	control_reply_free(&r);
	control_client_close(c);
	assert_int_equal(itest_stop_peer(&peer), 0);
}

static void
test_privileges_dropped(void **state)
{
	char pcap_path[64], err[256];
	const char *const args[] = { "--port", "7000", "--pcap", pcap_path,
		NULL };
	struct sandbox *sb = itest_enter_sandbox();
	struct control_client *c;
	struct control_reply r;
	struct itest_peer peer;
	struct sockaddr_in local;
	socklen_t len;
	struct stat st;
	int fd;

	(void)state;
	snprintf(pcap_path, sizeof(pcap_path), "/tmp/lingerlab-drop-XXXXXX");
	assert_true((fd = mkstemp(pcap_path)) >= 0);
	close(fd);
	assert_int_equal(itest_start_peer(args, &peer), 0);
	printf("after start: Uid %" PRId64 " Gid %" PRId64 " CapEff %#" PRIx64
	       " CapPrm %#" PRIx64 " CapBnd %#" PRIx64 " NoNewPrivs %" PRId64
	       "\n",
	    proc_status_num(peer.pid, "Uid"), proc_status_num(peer.pid, "Gid"),
	    proc_status_hex(peer.pid, "CapEff"),
	    proc_status_hex(peer.pid, "CapPrm"),
	    proc_status_hex(peer.pid, "CapBnd"),
	    proc_status_num(peer.pid, "NoNewPrivs"));
	assert_int_equal(proc_status_hex(peer.pid, "CapEff"), 0);
	assert_int_equal(proc_status_hex(peer.pid, "CapPrm"), 0);
	assert_int_equal(proc_status_num(peer.pid, "NoNewPrivs"), 1);
	if (sb->mode == SANDBOX_ROOT) {
		/* Real root can become nobody; in a user namespace only uid 0 is mapped. */
		assert_int_equal(proc_status_num(peer.pid, "Uid"), 65534);
		assert_int_equal(proc_status_hex(peer.pid, "CapBnd"), 0);
	}
	/* What was opened before the drop still works: packets, control, --pcap. */
	fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, 7000);
	assert_true(fd >= 0);
	assert_non_null(
	    c = control_client_open(peer.control, 5000, err, sizeof(err)));
	len = sizeof(local);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&local, &len), 0);
	assert_int_equal(control_requestf(c, 8000, &r, err, sizeof(err),
			     "wait %s:%u "
			     "state=ESTABLISHED timeout=5s",
			     SANDBOX_CLIENT_ADDR, ntohs(local.sin_port)),
	    0);
	assert_true(r.ok);
	control_reply_free(&r);
	control_client_close(c);
	close(fd);
	assert_int_equal(itest_stop_peer(&peer), 0);
	assert_int_equal(stat(pcap_path, &st), 0);
	assert_true(
	    st.st_size > 24 + 2 * (16 + 54)); /* header and at least 2 frames */
	unlink(pcap_path);
}

/* Ask who has tpa, from llcli0; the frame goes to everyone. */
static void
arp_ask(struct blaster *b, uint32_t tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct arp_msg a = { .op = ARP_REQUEST,
		.spa = ntohl(inet_addr(SANDBOX_CLIENT_ADDR)),
		.tpa = tpa };
	uint8_t buf[64];
	size_t n;

	memcpy(a.sha, b->src_mac, 6);
	assert_true((n = frame_encode_arp(buf, sizeof(buf), b->src_mac, bcast,
			 &a)) > 0);
	assert_int_equal(send(b->fd, buf, n, 0), (ssize_t)n);
}

static void
test_no_arp_for_others(void **state)
{
	static const char *const others[] = { "192.0.2.1", "192.0.2.3",
		"192.0.2.255", "10.0.0.1", "0.0.0.0", "127.0.0.1",
		"198.51.100.7" };
	const uint8_t none[6] = { 0 };
	const char *const args[] = { "--port", "7000", NULL };
	uint32_t ours = ntohl(inet_addr(SANDBOX_PEER_ADDR));
	const unsigned char *data;
	struct pcap_pkthdr *h;
	struct itest_peer peer;
	struct blaster b;
	struct frame f;
	pcap_t *cap;
	size_t i;
	int replies_ours = 0;

	(void)state;
	assert_int_equal(itest_start_peer(args, &peer), 0);
	assert_non_null(cap = itest_pcap_open_client("arp", PCAP_D_IN));
	assert_int_equal(blaster_open(&b, SANDBOX_CLIENT_IFACE, none, 0, 0, 0,
			     1),
	    0);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		arp_ask(&b, ntohl(inet_addr(others[i])));
	arp_ask(&b,
	    ours); /* the last: its answer comes after any other would */
	while (
	    replies_ours == 0 && itest_pcap_next(cap, 3000, &h, &data) == 1) {
		assert_int_equal(frame_decode(data, h->caplen, true, &f),
		    FRAME_OK);
		assert_int_equal(f.kind, FRAME_ARP);
		if (f.u.arp.op != ARP_REPLY)
			continue;
		if (f.u.arp.spa != ours)
			fail_msg("an ARP reply for %u.%u.%u.%u",
			    f.u.arp.spa >> 24, (f.u.arp.spa >> 16) & 255,
			    (f.u.arp.spa >> 8) & 255, f.u.arp.spa & 255);
		replies_ours++;
	}
	assert_int_equal(replies_ours, 1);
	blaster_close(&b);
	pcap_close(cap);
	assert_int_equal(itest_stop_peer(&peer), 0);
}

/* The shell words that keep LeakSanitizer out of a lingerlab run below. */
#define NO_LSAN                                                                \
	"ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" "

/* lingerlab --peer-token: refused without it beyond loopback; sent and accepted. */
static void
test_lingerlab_peer_token(void **state)
{
#if defined(LINGERLAB_PATH) && defined(LINGERLAB_SOURCE_DIR)
	const char *const args[] = { "--port", "7000", NULL };
	struct itest_peer peer;
	char cmd[1024];
	int rc;

	(void)state;
	/* LeakSanitizer (in a sanitizer build) reads /proc/self/task at exit;
	 * in this test's PID namespace /proc is the host's, so it cannot, and
	 * it would replace lingerlab's own exit status with its own. */
	snprintf(cmd, sizeof(cmd),
	    NO_LSAN
	    "'%s' run --peer 192.0.2.9:" CTL_PORT " --peer-addr %s "
	    "'%s/scenarios/examples/linger-off.scn' 2>&1 | grep -q -- --peer-token",
	    LINGERLAB_PATH, SANDBOX_PEER_ADDR, LINGERLAB_SOURCE_DIR);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
	    NO_LSAN "'%s' run --peer 192.0.2.9:" CTL_PORT " --peer-addr %s "
		    "'%s/scenarios/examples/linger-off.scn' >/dev/null 2>&1",
	    LINGERLAB_PATH, SANDBOX_PEER_ADDR, LINGERLAB_SOURCE_DIR);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	/* With a token the client authenticates first; this peer's unix socket
	 * needs none and says so, and the run goes on. */
	assert_int_equal(itest_start_peer(args, &peer), 0);
	snprintf(cmd, sizeof(cmd),
	    NO_LSAN "'%s' run --peer '%s' --peer-token '%s' --peer-addr %s "
		    "--iface %s '%s/scenarios/examples/linger-off.scn' >&2",
	    LINGERLAB_PATH, peer.control, token_path, SANDBOX_PEER_ADDR,
	    SANDBOX_CLIENT_IFACE, LINGERLAB_SOURCE_DIR);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	assert_int_equal(itest_stop_peer(&peer), 0);
#else
	(void)state;
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_never_defaulted),
		cmocka_unit_test(test_refuses_configured_address),
		cmocka_unit_test(test_remote_control_needs_token),
		cmocka_unit_test(test_token_file_checked),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_privileges_dropped),
		cmocka_unit_test(test_no_arp_for_others),
		cmocka_unit_test(test_lingerlab_peer_token),
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	itest_enter_sandbox();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
