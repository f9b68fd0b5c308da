/*
 * test_sandbox.c - what the sandbox (client/sandbox/sandbox.h) builds, for real:
 * namespaces, links, the peer side's silence, and packets that look like a
 * wire's. test_sandbox_gone.c checks that none of it outlives its owner,
 * test_sandbox_tool.c the programs that start lingerpeer in it.
 *
 * Every sandbox is built in a forked child: a sandbox changes its process
 * for good (namespaces, no threads), and cmocka keeps running on the host.
 * A child reports a failed check as text through a pipe and exits 1, or
 * exits ITEST_EXIT_SKIP with the reason when no sandbox is possible here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ethtool_offload.h"
#include "frame.h"
#include "itest.h"
#include "monotime.h"
#include "netlink_link.h"
#include "sandbox.h"

#define SILENCE_MS 300
/*
 * How long a fresh sandbox's client link must stay silent. The noise IPv6
 * would make comes within milliseconds (MLD reports) or after a second
 * (router_solicitation_delay): 1.5 s covers both.
 */
#define QUIET_MS   1500

#define CHECK  ITEST_CHECK
#define CHECKF ITEST_CHECKF

/* ---- (1) the layout ---- */

/*
 * One side's link: up, running, MTU 1500, the IPv4 and IPv6 addresses it
 * should have (NULL: none) and no other, not even a link-local one.
 */
static void
check_link(int nl, const char *iface, const char *want_addr,
    const char *want_addr6)
{
	struct nl_addr_info ai[4];
	struct nl_link_info li;
	char err[256], text[INET6_ADDRSTRLEN];
	int n;

	CHECKF(nl_link_get(nl, iface, &li, err, sizeof(err)) == 0, "%s", err);
	CHECKF((li.flags & IFF_UP) && (li.flags & IFF_RUNNING),
	    "%s is not up and running (flags %#x)", iface, li.flags);
	CHECKF(li.mtu == SANDBOX_MTU, "%s has MTU %u", iface, li.mtu);
	n = nl_addr_list(nl, AF_INET, li.index, ai, 4, err, sizeof(err));
	CHECKF(n >= 0, "%s", err);
	CHECKF(n == (want_addr != NULL ? 1 : 0), "%s has %d IPv4 addresses",
	    iface, n);
	if (want_addr != NULL) {
		inet_ntop(AF_INET, ai[0].addr, text, sizeof(text));
		CHECKF(strcmp(text, want_addr) == 0 &&
			ai[0].prefix_len == SANDBOX_PREFIX_LEN,
		    "%s has %s/%u", iface, text, ai[0].prefix_len);
	}
	n = nl_addr_list(nl, AF_INET6, 0, ai, 4, err, sizeof(err));
	CHECKF(n == (want_addr6 != NULL ? 1 : 0),
	    "%d IPv6 addresses next to %s", n, iface);
	if (want_addr6 != NULL) {
		inet_ntop(AF_INET6, ai[0].addr, text, sizeof(text));
		CHECKF(strcmp(text, want_addr6) == 0 &&
			ai[0].index == li.index &&
			ai[0].prefix_len == SANDBOX_PREFIX6_LEN,
		    "%s has %s/%u", iface, text, ai[0].prefix_len);
	}
}

/* A knob of the link's IPv6 has the value it should. */
static void
check_ipv6_knob(const char *iface, const char *knob, int want)
{
	char rel[96];
	int got;

	snprintf(rel, sizeof(rel), "ipv6/conf/%s/%s", iface, knob);
	got = itest_read_sysctl(rel);
	CHECKF(got == want, "%s is %d, not %d", rel, got, want);
}

/*
 * IPv6 on the link but quiet (off on lo), offloads off, for the netns the
 * thread is in now.
 */
static void
check_knobs(struct sandbox *sb, const char *iface, int io)
{
	struct offload_state st;
	char err[256];

	if (sb->has_ipv6) {
		check_ipv6_knob(iface, "disable_ipv6", 0);
		check_ipv6_knob("lo", "disable_ipv6", 1);
		check_ipv6_knob(iface, "addr_gen_mode", 1);
		check_ipv6_knob(iface, "accept_ra", 0);
		check_ipv6_knob(iface, "router_solicitations", 0);
		check_ipv6_knob(iface, "accept_dad", 0);
		check_ipv6_knob("all", "forwarding", 0);
	}
	CHECKF(ethtool_offload_get(io, iface, &st, err, sizeof(err)) == 0, "%s",
	    err);
	CHECKF(!st.tso && !st.gso && !st.gro && !st.tx_csum,
	    "offloads on %s: tso %d gso %d gro %d tx-csum %d", iface, st.tso,
	    st.gso, st.gro, st.tx_csum);
}

/* Anonymous and private: not the host's, not in /run/netns. */
static void
check_namespaces(struct sandbox *sb)
{
	struct stat b;
	struct dirent *de;
	char path[300];
	ino_t a = itest_ns_ino("/proc/self/ns/net");
	DIR *d;

	CHECK(fstat(sb->peer_ns_fd, &b) == 0);
	CHECK(a != 0 && a != b.st_ino);
	CHECK(a != itest_ns_ino("/proc/1/ns/net") &&
	    b.st_ino != itest_ns_ino("/proc/1/ns/net"));
	if ((d = opendir("/run/netns")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		CHECKF(itest_ns_ino(path) != a &&
			itest_ns_ino(path) != b.st_ino,
		    "a sandbox netns is named in %s", path);
	}
	closedir(d);
}

static int
nl_open_in_peer_ns(struct sandbox *sb)
{
	char err[256];
	int nl;

	CHECKF(sandbox_enter_peer_ns(sb) == 0, "%s", sb->errbuf);
	nl = nl_open(err, sizeof(err));
	CHECKF(sandbox_leave_peer_ns(sb) == 0, "%s", sb->errbuf);
	CHECKF(nl >= 0, "%s", err);
	return nl;
}

static void
check_layout(struct sandbox *sb)
{
	char err[256];
	int nl, io;

	check_namespaces(sb);
	CHECKF((nl = nl_open(err, sizeof(err))) >= 0, "%s", err);
	check_link(nl, SANDBOX_CLIENT_IFACE, SANDBOX_CLIENT_ADDR,
	    sb->has_ipv6 ? SANDBOX_CLIENT_ADDR6 : NULL);
	close(nl);
	CHECK((io = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	check_knobs(sb, SANDBOX_CLIENT_IFACE, io);
	close(io);
	nl = nl_open_in_peer_ns(sb);
	check_link(nl, SANDBOX_PEER_IFACE, NULL, NULL);
	close(nl);
	CHECKF((io = sandbox_socket_in_peer_ns(sb, AF_INET, SOCK_DGRAM, 0)) >=
		0,
	    "%s", sb->errbuf);
	CHECK(sandbox_enter_peer_ns(sb) == 0);
	check_knobs(sb, SANDBOX_PEER_IFACE, io);
	CHECKF(itest_read_sysctl("ipv4/ip_forward") == 0, "forwarding on in B");
	CHECK(sandbox_leave_peer_ns(sb) == 0);
	close(io);
}

/* Connect to [2001:db8::2]:port without waiting, as start_connect_to. */
static int
start_connect6_to(uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
		.sin6_port = htons(port) };
	int fd =
	    socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0 &&
	    inet_pton(AF_INET6, SANDBOX_PEER_ADDR6, &sa.sin6_addr) == 1);
	CHECKF(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
		errno == EINPROGRESS,
	    "connect to [%s]:%u: %s", SANDBOX_PEER_ADDR6, port,
	    strerror(errno));
	return fd;
}

/* Connect to 192.0.2.2:port without waiting; the SYN may go or not. */
static int
start_connect_to(uint16_t port)
{
	int fd = itest_connect_nonblock(SANDBOX_PEER_ADDR, port);

	CHECKF(fd >= 0, "connect to %s:%u: %s", SANDBOX_PEER_ADDR, port,
	    strerror(errno));
	return fd;
}

/* What the client sent must show up; nothing may come back; no error. */
static void
expect_unanswered(pcap_t *out, pcap_t *in, int fd, const char *what)
{
	struct pcap_pkthdr *h;
	const unsigned char *d;
	socklen_t len = sizeof(int);
	int e = -1;

	CHECKF(itest_pcap_next(out, 2000, &h, &d) == 1, "no %s left llcli0",
	    what);
	CHECKF(itest_pcap_next(in, SILENCE_MS, &h, &d) == 0,
	    "after the %s, a %u-byte frame came back to llcli0", what, h->len);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0);
	CHECKF(e == 0, "connect failed at once (%s): an RST or ICMP came",
	    strerror(e));
}

/*
 * The same over IPv6: no Neighbor Advertisement for 2001:db8::2, and, the
 * neighbour set by hand, no RST or ICMPv6 for a SYN to it. The peer side's
 * kernel has IPv6 on, but no address and no forwarding.
 */
static void
check_silence6(const struct nl_link_info *peer)
{
	pcap_t *in, *ns, *syn;
	char err[256];
	int nl, fd;

	in = itest_pcap_open_client(NULL, PCAP_D_IN);
	ns = itest_pcap_open_client("icmp6 and ip6[40] = 135", PCAP_D_OUT);
	/* libpcap reads no tcp[] over IPv6: the flags are ip6[40 + 13]. */
	syn =
	    itest_pcap_open_client("ip6 proto 6 and ip6[53] & 2 != 0 and "
				   "dst host 2001:db8::2 and ip6[42:2] = 7000",
		PCAP_D_OUT);
	CHECK(in != NULL && ns != NULL && syn != NULL);
	fd = start_connect6_to(7000);
	expect_unanswered(ns, in, fd, "Neighbor Solicitation for 2001:db8::2");
	close(fd);
	CHECKF((nl = nl_open(err, sizeof(err))) >= 0, "%s", err);
	CHECKF(nl_neigh_add_ipv6(nl, SANDBOX_CLIENT_IFACE, SANDBOX_PEER_ADDR6,
		   peer->hwaddr, err, sizeof(err)) == 0,
	    "%s", err);
	close(nl);
	fd = start_connect6_to(7000);
	expect_unanswered(syn, in, fd, "SYN to [2001:db8::2]:7000");
	close(fd);
	pcap_close(in);
	pcap_close(ns);
	pcap_close(syn);
}

/* The peer side's kernel must stay silent: no ARP reply, no RST, no ICMP. */
static void
check_silence(struct sandbox *sb)
{
	struct nl_link_info peer;
	pcap_t *in, *arp, *syn;
	char err[256];
	int nl, fd;

	in = itest_pcap_open_client(NULL, PCAP_D_IN);
	arp = itest_pcap_open_client("arp[6:2] = 1 and arp[24:4] = 0xc0000202",
	    PCAP_D_OUT);
	syn = itest_pcap_open_client("tcp[tcpflags] & tcp-syn != 0 and "
				     "dst host 192.0.2.2 and dst port 7000",
	    PCAP_D_OUT);
	CHECK(in != NULL && arp != NULL && syn != NULL);
	fd = start_connect_to(7000);
	expect_unanswered(arp, in, fd, "ARP request for 192.0.2.2");
	close(fd);
	/* Skip ARP with a static entry, so that a SYN reaches netns B. */
	nl = nl_open_in_peer_ns(sb);
	CHECKF(nl_link_get(nl, SANDBOX_PEER_IFACE, &peer, err, sizeof(err)) ==
		0,
	    "%s", err);
	close(nl);
	CHECKF((nl = nl_open(err, sizeof(err))) >= 0, "%s", err);
	CHECKF(nl_neigh_add_ipv4(nl, SANDBOX_CLIENT_IFACE, SANDBOX_PEER_ADDR,
		   peer.hwaddr, err, sizeof(err)) == 0,
	    "%s", err);
	close(nl);
	fd = start_connect_to(7000);
	expect_unanswered(syn, in, fd, "SYN to 192.0.2.2:7000");
	close(fd);
	pcap_close(in);
	pcap_close(arp);
	pcap_close(syn);
	if (sb->has_ipv6)
		check_silence6(&peer);
}

static void
layout_child(void)
{
	bool root = geteuid() == 0;
	struct sandbox *sb = itest_enter_sandbox();
	int status;
	pid_t pid;

	CHECK(sb->mode == (root ? SANDBOX_ROOT : SANDBOX_USERNS));
	check_layout(sb);
	check_silence(sb);
	/* A forked child's exit() (and sandbox_close) must leave it be. */
	CHECK((pid = fork()) >= 0);
	if (pid == 0)
		exit(0);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECKF(kill(sb->init_pid, 0) == 0 && sb->is_open,
	    "a child's exit closed its parent's sandbox");
}

/*
 * A new sandbox's client link says nothing of its own: no router
 * solicitation, no MLD report, no duplicate address probe, in either
 * direction, from the moment sandbox_open() returns. What a runner's
 * capture sees is then only what its case did (docs/references.md, "IPv6
 * noise").
 */
static void
quiet_child(void)
{
	struct sandbox *sb = itest_enter_sandbox();
	pcap_t *all = itest_pcap_open_client(NULL, PCAP_D_INOUT);
	struct pcap_pkthdr *h;
	const unsigned char *d;
	struct frame f;

	CHECK(all != NULL);
	if (!sb->has_ipv6)
		itest_child_exit(ITEST_EXIT_SKIP, "this kernel has no IPv6");
	if (itest_pcap_next(all, QUIET_MS, &h, &d) == 1) {
		frame_decode(d, h->caplen, false, &f);
		itest_child_exit(1,
		    "a fresh sandbox's %s sent a %u-byte frame by "
		    "itself (ethertype %#x, kind %d)",
		    SANDBOX_CLIENT_IFACE, h->len, f.ethertype, f.kind);
	}
	pcap_close(all);
}

/* ---- the wire: real 1500-byte segments with full checksums ---- */

#define WIRE_BYTES (200 * 1024)
#define WIRE_PORT  7001

/* A kernel listener on the peer side: for this test only, B gets the IP. */
static int
peer_kernel_listener(struct sandbox *sb)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(WIRE_PORT) };
	char err[256];
	int nl, fd;

	nl = nl_open_in_peer_ns(sb);
	CHECKF(nl_addr_add_ipv4(nl, SANDBOX_PEER_IFACE, SANDBOX_PEER_ADDR,
		   SANDBOX_PREFIX_LEN, err, sizeof(err)) == 0,
	    "%s", err);
	close(nl);
	inet_pton(AF_INET, SANDBOX_PEER_ADDR, &sa.sin_addr);
	fd = sandbox_socket_in_peer_ns(sb, AF_INET, SOCK_STREAM, 0);
	CHECKF(fd >= 0, "%s", sb->errbuf);
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(listen(fd, 1) == 0);
	return fd;
}

/* Push WIRE_BYTES from a client socket to the peer side, one process. */
static void
transfer(int lfd)
{
	static char buf[65536];
	struct pollfd p[2];
	size_t sent = 0, got = 0;
	int64_t deadline = monotime_ms() + 20000;
	ssize_t n;
	int cfd, sfd;

	cfd = start_connect_to(WIRE_PORT);
	CHECK((sfd = accept(lfd, NULL, NULL)) >= 0);
	CHECK(fcntl(sfd, F_SETFL, O_NONBLOCK) == 0);
	while (got < WIRE_BYTES && monotime_ms() < deadline) {
		p[0] = (struct pollfd){ .fd = cfd,
			.events = sent < WIRE_BYTES ? POLLOUT : 0 };
		p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		CHECK(poll(p, 2, 1000) >= 0);
		if ((p[0].revents & POLLOUT) &&
		    (n = write(cfd, buf,
			 WIRE_BYTES - sent < sizeof(buf) ? WIRE_BYTES - sent
							 : sizeof(buf))) > 0)
			sent += (size_t)n;
		if ((p[1].revents & POLLIN) &&
		    (n = read(sfd, buf, sizeof(buf))) > 0)
			got += (size_t)n;
	}
	CHECKF(got == WIRE_BYTES, "only %zu of %d bytes arrived", got,
	    WIRE_BYTES);
	close(cfd);
	close(sfd);
}

/* Every frame of the transfer as one capture saw it: wire-sized, whole. */
static void
check_capture(pcap_t *cap, const char *iface)
{
	struct frame f, checked;
	struct pcap_pkthdr *h;
	const unsigned char *d;
	size_t frames = 0, max = 0, payload = 0, bad = 0;

	/* A tap sees each frame before the receiving socket does. */
	while (itest_pcap_next(cap, 0, &h, &d) == 1) {
		CHECKF(frame_decode(d, h->caplen, false, &f) == FRAME_OK &&
			f.kind == FRAME_TCP && h->caplen == h->len,
		    "%s frame %zu: not a whole TCP frame", iface, frames);
		/*
		 * Again, checking both checksums as a receiver does; apart,
		 * so that a bad one is counted here, not as a broken frame.
		 */
		bad += frame_decode(d, h->caplen, true, &checked) != FRAME_OK;
		frames++;
		max = h->caplen > max ? h->caplen : max;
		if (f.u.seg.dport == WIRE_PORT)
			payload += f.u.seg.payload_len;
	}
	CHECKF(max <= 14 + SANDBOX_MTU,
	    "a %zu-byte frame crossed %s: "
	    "segmentation offload is on",
	    max, iface);
	CHECKF(max >= 1400,
	    "largest frame on %s: %zu bytes: no full-size "
	    "segments",
	    iface, max);
	CHECKF(bad == 0,
	    "%zu of %zu frames on %s with bad checksums: tx "
	    "checksum offload is on",
	    bad, frames, iface);
	CHECKF(payload == WIRE_BYTES,
	    "%s: captured %zu payload bytes of %d "
	    "in %zu frames",
	    iface, payload, WIRE_BYTES, frames);
	pcap_close(cap);
}

static void
wire_child(void)
{
	struct sandbox *sb = itest_enter_sandbox();
	pcap_t *peer_cap, *client_cap;
	int lfd;

	lfd = peer_kernel_listener(sb);
	peer_cap =
	    itest_pcap_open(SANDBOX_PEER_SIDE, "tcp port 7001", PCAP_D_INOUT);
	client_cap = itest_pcap_open_client("tcp port 7001", PCAP_D_INOUT);
	CHECK(peer_cap != NULL && client_cap != NULL);
	transfer(lfd);
	check_capture(peer_cap, SANDBOX_PEER_IFACE);
	check_capture(client_cap, SANDBOX_CLIENT_IFACE);
	close(lfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ITEST_CASE("quiet_link", quiet_child, false),
		ITEST_CASE("layout_and_silence", layout_child, false),
		ITEST_CASE("wire_segments", wire_child, false),
		ITEST_CASE("nobody_layout_and_silence", layout_child, true),
	};

	itest_child_runner_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
