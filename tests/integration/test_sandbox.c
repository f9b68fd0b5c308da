/*
 * test_sandbox.c - the sandbox (common/sandbox.h), the itest helpers and
 * lingerlab-sandbox, for real: namespaces, links, packets, and that nothing
 * survives the owner however it ends.
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
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ethtool_offload.h"
#include "itest.h"
#include "netlink_link.h"
#include "sandbox.h"

#define GONE_TIMEOUT_MS 10000
#define SILENCE_MS 300

static char fake_dir[64];
static char fake_peer[128];

#define CHECK ITEST_CHECK
#define CHECKF ITEST_CHECKF

/* ---- (1) the layout ---- */

/* One side's link: up, running, MTU 1500, the IPv4 it should have. */
static void
check_link(int nl, const char *iface, const char *want_addr)
{
	struct nl_addr_info ai[4];
	struct nl_link_info li;
	char err[256], text[INET_ADDRSTRLEN];
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
	CHECKF(n == 0, "%d IPv6 addresses next to %s", n, iface);
}

/* IPv6 off and offloads off, for the netns the thread is in now. */
static void
check_knobs(const char *iface, int io)
{
	struct offload_state st;
	char rel[64], err[256];

	snprintf(rel, sizeof(rel), "ipv6/conf/%s/disable_ipv6", iface);
	CHECKF(itest_read_sysctl(rel) == 1, "IPv6 is on on %s", iface);
	CHECK(itest_read_sysctl("ipv6/conf/all/disable_ipv6") == 1);
	CHECK(itest_read_sysctl("ipv6/conf/default/disable_ipv6") == 1);
	CHECKF(ethtool_offload_get(io, iface, &st, err, sizeof(err)) == 0,
	    "%s", err);
	CHECKF(!st.tso && !st.gso && !st.gro && !st.tx_csum,
	    "offloads on %s: tso %d gso %d gro %d tx-csum %d", iface, st.tso,
	    st.gso, st.gro, st.tx_csum);
}

static ino_t
ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Anonymous and private: not the host's, not in /run/netns. */
static void
check_namespaces(struct sandbox *sb)
{
	struct stat b;
	struct dirent *de;
	char path[300];
	ino_t a = ns_ino("/proc/self/ns/net");
	DIR *d;

	CHECK(fstat(sb->peer_ns_fd, &b) == 0);
	CHECK(a != 0 && a != b.st_ino);
	CHECK(a != ns_ino("/proc/1/ns/net") && b.st_ino !=
	    ns_ino("/proc/1/ns/net"));
	if ((d = opendir("/run/netns")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		CHECKF(ns_ino(path) != a && ns_ino(path) != b.st_ino,
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
	check_link(nl, SANDBOX_CLIENT_IFACE, SANDBOX_CLIENT_ADDR);
	close(nl);
	CHECK((io = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	check_knobs(SANDBOX_CLIENT_IFACE, io);
	close(io);
	nl = nl_open_in_peer_ns(sb);
	check_link(nl, SANDBOX_PEER_IFACE, NULL);
	close(nl);
	CHECKF((io = sandbox_socket_in_peer_ns(sb, AF_INET, SOCK_DGRAM, 0))
	    >= 0, "%s", sb->errbuf);
	CHECK(sandbox_enter_peer_ns(sb) == 0);
	check_knobs(SANDBOX_PEER_IFACE, io);
	CHECKF(itest_read_sysctl("ipv4/ip_forward") == 0, "forwarding on in B");
	CHECK(sandbox_leave_peer_ns(sb) == 0);
	close(io);
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
	    "dst host 192.0.2.2 and dst port 7000", PCAP_D_OUT);
	CHECK(in != NULL && arp != NULL && syn != NULL);
	fd = start_connect_to(7000);
	expect_unanswered(arp, in, fd, "ARP request for 192.0.2.2");
	close(fd);
	/* Skip ARP with a static entry, so that a SYN reaches netns B. */
	nl = nl_open_in_peer_ns(sb);
	CHECKF(nl_link_get(nl, SANDBOX_PEER_IFACE, &peer, err, sizeof(err))
	    == 0, "%s", err);
	close(nl);
	CHECKF((nl = nl_open(err, sizeof(err))) >= 0, "%s", err);
	CHECKF(nl_neigh_add_ipv4(nl, SANDBOX_CLIENT_IFACE, SANDBOX_PEER_ADDR,
	    peer.hwaddr, err, sizeof(err)) == 0, "%s", err);
	close(nl);
	fd = start_connect_to(7000);
	expect_unanswered(syn, in, fd, "SYN to 192.0.2.2:7000");
	close(fd);
	pcap_close(in);
	pcap_close(arp);
	pcap_close(syn);
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

/* ---- the wire: real 1500-byte segments with full checksums ---- */

#define WIRE_BYTES (200 * 1024)
#define WIRE_PORT 7001

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
	    SANDBOX_PREFIX_LEN, err, sizeof(err)) == 0, "%s", err);
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
	long deadline = itest_now_ms() + 20000;
	ssize_t n;
	int cfd, sfd;

	cfd = start_connect_to(WIRE_PORT);
	CHECK((sfd = accept(lfd, NULL, NULL)) >= 0);
	CHECK(fcntl(sfd, F_SETFL, O_NONBLOCK) == 0);
	while (got < WIRE_BYTES && itest_now_ms() < deadline) {
		p[0] = (struct pollfd){ .fd = cfd, .events =
		    sent < WIRE_BYTES ? POLLOUT : 0 };
		p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		CHECK(poll(p, 2, 1000) >= 0);
		if ((p[0].revents & POLLOUT) && (n = write(cfd, buf,
		    WIRE_BYTES - sent < sizeof(buf) ? WIRE_BYTES - sent :
		    sizeof(buf))) > 0)
			sent += (size_t)n;
		if ((p[1].revents & POLLIN) && (n = read(sfd, buf,
		    sizeof(buf))) > 0)
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
	struct itest_tcp_frame f;
	struct pcap_pkthdr *h;
	const unsigned char *d;
	size_t frames = 0, max = 0, payload = 0, bad = 0;

	/* A tap sees each frame before the receiving socket does. */
	while (itest_pcap_next(cap, 0, &h, &d) == 1) {
		CHECKF(itest_parse_tcp(d, h->caplen, &f) == 0 &&
		    h->caplen == h->len, "%s frame %zu: not a whole TCP frame",
		    iface, frames);
		bad += !f.ip_csum_ok || !f.tcp_csum_ok;
		frames++;
		max = f.frame_len > max ? f.frame_len : max;
		if (f.dport == WIRE_PORT)
			payload += f.payload_len;
	}
	CHECKF(max <= 14 + SANDBOX_MTU, "a %zu-byte frame crossed %s: "
	    "segmentation offload is on", max, iface);
	CHECKF(max >= 1400, "largest frame on %s: %zu bytes: no full-size "
	    "segments", iface, max);
	CHECKF(bad == 0, "%zu of %zu frames on %s with bad checksums: tx "
	    "checksum offload is on", bad, frames, iface);
	CHECKF(payload == WIRE_BYTES, "%s: captured %zu payload bytes of %d "
	    "in %zu frames", iface, payload, WIRE_BYTES, frames);
	pcap_close(cap);
}

static void
wire_child(void)
{
	struct sandbox *sb = itest_enter_sandbox();
	pcap_t *peer_cap, *client_cap;
	int lfd;

	lfd = peer_kernel_listener(sb);
	peer_cap = itest_pcap_open(SANDBOX_PEER_SIDE, "tcp port 7001",
	    PCAP_D_INOUT);
	client_cap = itest_pcap_open_client("tcp port 7001", PCAP_D_INOUT);
	CHECK(peer_cap != NULL && client_cap != NULL);
	transfer(lfd);
	check_capture(peer_cap, SANDBOX_PEER_IFACE);
	check_capture(client_cap, SANDBOX_CLIENT_IFACE);
	close(lfd);
}

/* ---- nothing survives the owner: SIGKILL, exit, sandbox_close ---- */

enum ending { END_SIGKILL, END_EXIT, END_CLOSE };

/* What to look for; the owner itself only once it is gone. */
#define GONE_NET_A 0x01
#define GONE_NET_B 0x02
#define GONE_PID_NS 0x04
#define GONE_USER_NS 0x08
#define GONE_CHILDREN 0x10	/* init and the two sleepers */
#define GONE_OWNER 0x20
#define GONE_ALL 0x3f

struct owner_report {
	enum sandbox_mode mode;
	unsigned long ino[4];	/* net A, net B, pid ns, user ns (or 0) */
	pid_t pid[4];		/* owner, init, peer side, client side */
};

static const unsigned int ino_bit[4] = {
	GONE_NET_A, GONE_NET_B, GONE_PID_NS, GONE_USER_NS,
};

__attribute__((noreturn))
static void
owner_main(int rep, int cmd, bool as_nobody)
{
	char *sleeper[] = { "sleep", "1000", NULL };
	struct owner_report r;
	struct sandbox sb;
	struct stat st;
	char c = 0;

	memset(&r, 0, sizeof(r));
	if (as_nobody)
		itest_become_nobody();
	if (sandbox_open(&sb) == -1)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", sb.errbuf);
	r.mode = sb.mode;
	r.pid[0] = getpid();
	r.pid[1] = sb.init_pid;
	r.pid[2] = sandbox_spawn_peer_side(&sb, sleeper, -1);
	r.pid[3] = sandbox_spawn_client_side(&sb, sleeper);
	CHECKF(r.pid[2] > 0 && r.pid[3] > 0, "%s", sb.errbuf);
	r.ino[0] = (unsigned long)ns_ino("/proc/self/ns/net");
	CHECK(fstat(sb.peer_ns_fd, &st) == 0);
	r.ino[1] = (unsigned long)st.st_ino;
	r.ino[2] = (unsigned long)ns_ino("/proc/self/ns/pid_for_children");
	if (sb.mode == SANDBOX_USERNS)
		r.ino[3] = (unsigned long)ns_ino("/proc/self/ns/user");
	/* A tag tells the report from a itest_child_exit() message. */
	CHECK(write(rep, "\001", 1) == 1);
	CHECK(write(rep, &r, sizeof(r)) == sizeof(r));
	if (read(cmd, &c, 1) == 1 && c == 'c') {
		sandbox_close(&sb);
		CHECK(write(rep, "C", 1) == 1);
		CHECK(read(cmd, &c, 1) >= 0);
	}
	/* A normal exit, without sandbox_close(); _exit so that no
	 * sanitizer's exit-time work runs inside the sandbox. */
	_exit(0);
}

/* /proc/PID/stat's start time, or 0 if no such process (or a zombie). */
static unsigned long long
start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] != 'Z') {
		for (i = 0, p += 2; i < 19 && p != NULL; i++)
			if ((p = strchr(p, ' ')) != NULL)
				p++;
		if (p != NULL)
			t = strtoull(p, NULL, 10);
	}
	fclose(f);
	return t;
}

/* Does this "net:[123]"-style link name one of the inodes in mask? */
static bool
names_ns(const char *link, const struct owner_report *r, unsigned int mask)
{
	unsigned long ino;
	int i;

	if (sscanf(link, "%*[a-z_]:[%lu]", &ino) != 1)
		return false;
	for (i = 0; i < 4; i++)
		if ((mask & ino_bit[i]) && r->ino[i] != 0 && r->ino[i] == ino)
			return true;
	return false;
}

/* Every ns link and fd of one process; the first hit goes into why. */
static int
scan_process(const char *pid, const struct owner_report *r,
    unsigned int mask, char *why, size_t len)
{
	static const char *const dirs[] = { "ns", "fd" };
	char path[300], link[128];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int i, hits = 0;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%s/%s", pid, dirs[i]);
		if ((d = opendir(path)) == NULL)
			continue;	/* gone meanwhile */
		while ((de = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%s/%s/%s", pid,
			    dirs[i], de->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (names_ns(link, r, mask) && hits++ == 0)
				snprintf(why, len, "%s -> %s", path, link);
		}
		closedir(d);
	}
	return hits;
}

/* How many traces of the sandbox (in mask) the host still has. */
static int
leftovers(const struct owner_report *r, const unsigned long long *start,
    unsigned int mask, char *why, size_t len)
{
	struct dirent *de;
	DIR *d;
	int i, hits = 0;

	for (i = 0; i < 4; i++)
		if ((mask & (i == 0 ? GONE_OWNER : GONE_CHILDREN)) &&
		    start[i] != 0 && start_time(r->pid[i]) == start[i] &&
		    hits++ == 0)
			snprintf(why, len, "pid %d still runs", (int)r->pid[i]);
	CHECK((d = opendir("/proc")) != NULL);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			hits += scan_process(de->d_name, r, mask, why, len);
	closedir(d);
	return hits;
}

/* Poll /proc until the traces in mask are gone, reaping orphans meanwhile. */
static void
wait_gone(const struct owner_report *r, const unsigned long long *start,
    unsigned int mask, const char *when)
{
	long deadline = itest_now_ms() + GONE_TIMEOUT_MS;
	char why[400] = "";
	int n;

	/* We are a child subreaper: the sandbox's orphans come to us. */
	while ((n = leftovers(r, start, mask, why, sizeof(why))) > 0 &&
	    itest_now_ms() < deadline) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		poll(NULL, 0, 20);
	}
	CHECKF(n == 0, "%d ms %s, %d traces left, e.g. %s", GONE_TIMEOUT_MS,
	    when, n, why);
}

/* The running test case, for the children to read. */
struct test_case {
	void (*fn)(void);	/* what the child runs */
	bool as_nobody;		/* the child (or the owner) as nobody */
	enum ending ending;	/* for nothing_left_child */
};

static const struct test_case *tc;

static void
end_owner(pid_t owner, int rep, int cmd, const struct owner_report *r,
    const unsigned long long *start)
{
	int status;
	char c = 0;

	switch (tc->ending) {
	case END_SIGKILL:
		CHECK(kill(owner, SIGKILL) == 0);
		break;
	case END_EXIT:
		CHECK(write(cmd, "x", 1) == 1);
		break;
	case END_CLOSE:
		CHECK(write(cmd, "c", 1) == 1);
		CHECK(itest_read_fd(rep, &c, 1, ITEST_CHILD_TIMEOUT_MS) == 1 &&
		    c == 'C');
		/* As root the owner went home; in a userns it cannot. */
		wait_gone(r, start, r->mode == SANDBOX_ROOT ?
		    GONE_ALL & ~GONE_OWNER : GONE_NET_B | GONE_CHILDREN,
		    "after sandbox_close");
		CHECK(write(cmd, "x", 1) == 1);
		break;
	}
	CHECK(waitpid(owner, &status, 0) == owner);
	CHECKF(tc->ending == END_SIGKILL || (WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0), "owner ended with status %#x", status);
}

static void
nothing_left_child(void)
{
	unsigned long long start[4];
	struct owner_report r;
	char text[512];
	int rep[2], cmd[2], status, i;
	size_t got;
	pid_t owner;

	if (tc->as_nobody && geteuid() != 0)
		itest_child_exit(ITEST_EXIT_SKIP, "already unprivileged: the "
		    "other tests cover the user-namespace path");
	CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
	CHECK(pipe2(rep, O_CLOEXEC) == 0 && pipe2(cmd, O_CLOEXEC) == 0);
	CHECK((owner = fork()) >= 0);
	if (owner == 0) {
		itest_set_report_fd(rep[1]);
		owner_main(rep[1], cmd[0], tc->as_nobody);
	}
	close(rep[1]);
	close(cmd[0]);
	got = itest_read_fd(rep[0], text, 1, ITEST_CHILD_TIMEOUT_MS);
	if (got == 0 || text[0] != '\001' ||
	    itest_read_fd(rep[0], &r, sizeof(r), ITEST_CHILD_TIMEOUT_MS) !=
	    sizeof(r)) {
		got += itest_read_fd(rep[0], text + got, sizeof(text) - 1 - got,
		    ITEST_CHILD_TIMEOUT_MS);
		text[got] = '\0';
		CHECK(waitpid(owner, &status, 0) == owner);
		itest_child_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1,
		    "sandbox owner: %s", text);
	}
	for (i = 0; i < 4; i++) {
		start[i] = start_time(r.pid[i]);
		CHECKF(start[i] != 0, "pid %d is not running", (int)r.pid[i]);
		/* Make sure the scan would see each namespace at all. */
		CHECKF(r.ino[i] == 0 || leftovers(&r, start, ino_bit[i], text,
		    sizeof(text)) > 0, "the scan misses namespace %d", i);
	}
	end_owner(owner, rep[0], cmd[1], &r, start);
	wait_gone(&r, start, GONE_ALL, "after the owner ended");
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;	/* zombies must not pass to the host's init */
}


/* ---- itest_start_peer, with a stand-in and with the real lingerpeer ---- */

static void
connect_control(const char *control)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = control + strlen("unix:@");
	int fd;

	CHECKF(strncmp(control, "unix:@", 6) == 0, "control is %s", control);
	memcpy(sa.sun_path + 1, name, strlen(name));
	CHECK((fd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	CHECKF(connect(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(
	    struct sockaddr_un, sun_path) + 1 + strlen(name))) == 0,
	    "connect to %s: %s", control, strerror(errno));
	close(fd);
}

static void
peer_child(void)
{
	const char *const args[] = { "--port", "7000", NULL };
	struct itest_peer peer;
	int status;

	CHECK(itest_start_peer(args, &peer) == 0);
	CHECKF(strncmp(peer.ready_line, "lingerpeer ready", 16) == 0,
	    "ready line: %s", peer.ready_line);
	connect_control(peer.control);
	status = itest_stop_peer(&peer);
	CHECKF((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
	    (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM),
	    "lingerpeer stopped with status %#x", status);
}

static void
fake_peer_child(void)
{
	CHECK(setenv("LINGERPEER", fake_peer, 1) == 0);
	peer_child();
}

static void
failing_peer_child(void)
{
	struct itest_peer peer;

	CHECK(setenv("LINGERPEER", "/bin/false", 1) == 0);
	CHECK(itest_start_peer(NULL, &peer) == -1);
}

static void
real_peer_child(void)
{
	CHECK(unsetenv("LINGERPEER") == 0);
	peer_child();
}


/* ---- lingerlab-sandbox ---- */

/*
 * An honest "no sandbox possible": a user namespace of our own whose limits
 * allow no further network or user namespaces.
 */
static void
forbid_namespaces(void)
{
	char map[32];
	int fd, i;
	static const char *const files[] = {
		"/proc/self/setgroups", "/proc/self/uid_map",
		"/proc/self/gid_map", "/proc/sys/user/max_net_namespaces",
		"/proc/sys/user/max_user_namespaces",
	};
	const char *text[5] = { "deny", map, map + 16, "0", "0" };

	snprintf(map, 16, "0 %u 1", (unsigned int)geteuid());
	snprintf(map + 16, 16, "0 %u 1", (unsigned int)getegid());
	if (unshare(CLONE_NEWUSER) == -1)
		itest_child_exit(ITEST_EXIT_SKIP, "unshare(CLONE_NEWUSER): %s",
		    strerror(errno));
	for (i = 0; i < 5; i++)
		if ((fd = open(files[i], O_WRONLY)) == -1 ||
		    write(fd, text[i], strlen(text[i])) < 0 || close(fd) == -1)
			itest_child_exit(ITEST_EXIT_SKIP, "%s: %s", files[i],
			    strerror(errno));
}

/* Run lingerlab-sandbox with argv; its output (both streams) into out. */
static int
run_tool(char *const argv[], bool forbid, char *out, size_t len)
{
	int p[2], status;
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		itest_set_report_fd(p[1]);
		if (dup2(p[1], 1) == -1 || dup2(p[1], 2) == -1)
			_exit(126);
		if (forbid)
			forbid_namespaces();
		execv(LINGERLAB_SANDBOX_PATH, argv);
		itest_child_exit(126, "exec %s: %s", LINGERLAB_SANDBOX_PATH,
		    strerror(errno));
	}
	close(p[1]);
	out[itest_read_fd(p[0], out, len - 1, ITEST_CHILD_TIMEOUT_MS)] = '\0';
	close(p[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == ITEST_EXIT_SKIP)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", out);
	CHECKF(WIFEXITED(status), "lingerlab-sandbox: status %#x: %s", status,
	    out);
	if (!forbid && WEXITSTATUS(status) == SANDBOX_EXIT_UNAVAILABLE)
		itest_child_exit(ITEST_EXIT_SKIP, "%s", out);
	return WEXITSTATUS(status);
}

static void
tool_child(void)
{
	char *argv[] = { "lingerlab-sandbox", "--", "/bin/sh", "-c",
	    "test \"$LINGERPEER_ADDR\" = 192.0.2.2 && "
	    "test \"$LINGERLAB_CLIENT_ADDR\" = 192.0.2.1 && "
	    "test -S \"${LINGERPEER_CONTROL#unix:}\" && exit 7; exit 1", NULL };
	char *no_peer[] = { "lingerlab-sandbox", "--no-peer", "--", "/bin/sh",
	    "-c", "test -z \"$LINGERPEER_CONTROL\" && exit 5", NULL };
	char out[2048], tmp[128];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/tmp", fake_dir);
	CHECK(setenv("LINGERPEER", fake_peer, 1) == 0);
	CHECK(setenv("TMPDIR", tmp, 1) == 0);
	rc = run_tool(argv, false, out, sizeof(out));
	CHECKF(rc == 7, "exit status %d, not 7: %s", rc, out);
	CHECKF(strstr(out, "lingerpeer ready") != NULL, "no ready line: %s",
	    out);
	CHECKF(rmdir(tmp) == 0 && mkdir(tmp, 0700) == 0,
	    "%s is not empty after the run", tmp);
	rc = run_tool(no_peer, false, out, sizeof(out));
	CHECKF(rc == 5, "--no-peer: exit status %d, not 5: %s", rc, out);
}

static void
tool_unavailable_child(void)
{
	char *argv[] = { "lingerlab-sandbox", "--", "true", NULL };
	char out[2048];
	int rc;

	rc = run_tool(argv, true, out, sizeof(out));
	CHECKF(rc == SANDBOX_EXIT_UNAVAILABLE, "exit status %d, not 3: %s", rc,
	    out);
	CHECKF(strstr(out, "cannot build the sandbox") != NULL &&
	    strstr(out, "Run as root") != NULL, "unclear message: %s", out);
}


/* ---- setup: a stand-in lingerpeer that checks the calling contract ---- */

static const char fake_script[] =
    "#!/bin/sh\n"
    "# Stand-in for lingerpeer: check the contract, say ready, wait.\n"
    "case \" $* \" in\n"
    "*' --iface llpeer0 --addr 192.0.2.2 --control fd:3 '*) ;;\n"
    "*) echo \"fake lingerpeer: bad arguments: $*\" >&2; exit 9;;\n"
    "esac\n"
    "[ -S /proc/self/fd/3 ] || { echo 'fake lingerpeer: no fd 3' >&2; "
    "exit 8; }\n"
    "trap 'exit 0' TERM\n"
    "echo \"lingerpeer ready (stand-in) $*\"\n"
    "while :; do sleep 1000 & wait $!; done\n";

static int
setup(void **state)
{
	char tmp[128];
	FILE *f;

	(void)state;
	snprintf(fake_dir, sizeof(fake_dir), "/tmp/lingerlab-test.XXXXXX");
	/* nobody must be able to run the stand-in too */
	if (mkdtemp(fake_dir) == NULL || chmod(fake_dir, 0755) == -1)
		return -1;
	snprintf(fake_peer, sizeof(fake_peer), "%s/fake-lingerpeer", fake_dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", fake_dir);
	if (mkdir(tmp, 0700) == -1 || (f = fopen(fake_peer, "w")) == NULL)
		return -1;
	fputs(fake_script, f);
	return fclose(f) == 0 && chmod(fake_peer, 0755) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char tmp[128];

	(void)state;
	snprintf(tmp, sizeof(tmp), "%s/tmp", fake_dir);
	(void)unlink(fake_peer);
	(void)rmdir(tmp);
	return rmdir(fake_dir);
}

/* If no sandbox can be built here at all, ctest should say SKIP, not OK. */
static void
skip_all_unless_possible(void)
{
	struct sandbox sb;
	int status;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(sandbox_open(&sb) == 0 ? 0 : (printf("SKIP: cannot build "
		    "a sandbox: %s\n", sb.errbuf), ITEST_EXIT_SKIP));
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == ITEST_EXIT_SKIP)
		exit(ITEST_EXIT_SKIP);
}

static void
run_case(void **state)
{
	tc = *state;
	/* nothing_left_child makes the owner nobody, not itself */
	itest_run_in_child(tc->fn, tc->as_nobody &&
	    tc->fn != nothing_left_child);
}

#define CASE(name, fn, nobody, ending) { name, run_case, NULL, NULL, \
	&(struct test_case){ fn, nobody, ending } }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CASE("layout_and_silence", layout_child, false, 0),
		CASE("wire_segments", wire_child, false, 0),
		CASE("gone_after_sigkill", nothing_left_child, false,
		    END_SIGKILL),
		CASE("gone_after_exit", nothing_left_child, false, END_EXIT),
		CASE("gone_after_close", nothing_left_child, false, END_CLOSE),
		CASE("nobody_layout_and_silence", layout_child, true, 0),
		CASE("nobody_gone_after_sigkill", nothing_left_child, true,
		    END_SIGKILL),
		CASE("nobody_gone_after_exit", nothing_left_child, true,
		    END_EXIT),
		CASE("nobody_gone_after_close", nothing_left_child, true,
		    END_CLOSE),
		CASE("itest_fake_peer", fake_peer_child, false, 0),
		CASE("itest_failing_peer", failing_peer_child, false, 0),
		CASE("itest_real_peer", real_peer_child, false, 0),
		CASE("tool_runs_command", tool_child, false, 0),
		CASE("tool_unavailable", tool_unavailable_child, false, 0),
	};

	/* stdout is a pipe under ctest: no child must inherit a full buffer */
	setvbuf(stdout, NULL, _IONBF, 0);
	/* What a failing child leaves behind comes to us, not to init. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		perror("PR_SET_CHILD_SUBREAPER");
	skip_all_unless_possible();
	return cmocka_run_group_tests(tests, setup, teardown);
}
