/*
 * sandbox_net.c - the sandbox's network: sysctls, the veth pair, the
 * client's addresses (IPv4 and IPv6), IPv6 kept quiet, offloads off, links
 * up and running; and the way into netns B for the code (and the callers)
 * that need sockets there.
 *
 * Called by sandbox_open() once the caller is in netns A and init holds
 * netns B (see sandbox.c). Netlink and ethtool sockets act on the netns
 * they were created in, so those for llpeer0 are made while in netns B.
 */
#include "sandbox_int.h"
#include "ethtool_offload.h"
#include "netlink_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "timeunit.h"

#define LINK_RUNNING_TIMEOUT_MS 5000
#define MLD_QUIET_TIMEOUT_MS	1000

/*
 * Write a net sysctl for the netns the calling thread is in. IPv6 knobs are
 * absent when the kernel runs without IPv6, and then nothing IPv6 can
 * appear anyway, so ENOENT is fine there.
 */
static int
set_net_sysctl(struct sandbox *sb, const char *rel, const char *value,
    bool may_be_absent)
{
	char path[128];
	int e;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", rel);
	e = sandbox_write_text(path, value);
	if (e == 0 || (e == ENOENT && may_be_absent))
		return 0;
	errno = e;
	return sandbox_fail(sb,
	    "cannot write %s to %s: %s; /proc must be the "
	    "host's procfs, mounted read-write",
	    value, path, strerror(e));
}

/*
 * IPv6 on a sandbox link speaks only when spoken to: no address of the
 * kernel's making (addr_gen_mode 1: not even a link-local one, so no
 * duplicate address probe for it and no router solicitation after it), no
 * router solicitations or advertisements, no duplicate address detection.
 * What is left is the Multicast Listener Report an address's
 * solicited-node group is joined with: MLDv1 with no delay sends it twice
 * at once, and wait_mld_quiet() waits until both are out, so no capture
 * opened after sandbox_open() ever sees them. Set on "default" before a
 * link exists, so each link is born with them (docs/references.md,
 * "IPv6 noise").
 */
static const struct {
	const char *knob;
	const char *value;
} ipv6_quiet[] = {
	{ "addr_gen_mode", "1" },
	{ "accept_ra", "0" },
	{ "router_solicitations", "0" },
	{ "accept_dad", "0" },
	{ "force_mld_version", "1" },
	{ "mldv1_unsolicited_report_interval", "0" },
	{ "mldv2_unsolicited_report_interval", "0" },
};

static int
set_ipv6(struct sandbox *sb, const char *iface, const char *knob,
    const char *value)
{
	char rel[96];

	snprintf(rel, sizeof(rel), "ipv6/conf/%s/%s", iface, knob);
	return set_net_sysctl(sb, rel, value, true);
}

/*
 * Before any link exists in the netns: "all" turns IPv6 off on lo,
 * "default" has new links born with it off and quiet;
 * sandbox_configure_link() turns it on for a link. sb->has_ipv6 says
 * whether the kernel has IPv6 at all.
 */
int
sandbox_netns_defaults(struct sandbox *sb)
{
	char probe[] = "/proc/sys/net/ipv6/conf/default/disable_ipv6";
	size_t i;

	sb->has_ipv6 = access(probe, F_OK) == 0;
	if (set_ipv6(sb, "all", "disable_ipv6", "1") == -1 ||
	    set_ipv6(sb, "default", "disable_ipv6", "1") == -1 ||
	    set_ipv6(sb, "all", "forwarding", "0") == -1)
		return -1;
	for (i = 0; i < sizeof(ipv6_quiet) / sizeof(ipv6_quiet[0]); i++)
		if (set_ipv6(sb, "default", ipv6_quiet[i].knob,
			ipv6_quiet[i].value) == -1)
			return -1;
	return 0;
}

int
sandbox_enter_peer_ns(struct sandbox *sb)
{
	if (setns(sb->peer_ns_fd, CLONE_NEWNET) == -1)
		return sandbox_fail(sb,
		    "cannot enter the peer network "
		    "namespace (setns): %s",
		    strerror(errno));
	return 0;
}

int
sandbox_leave_peer_ns(struct sandbox *sb)
{
	if (setns(sb->client_ns_fd, CLONE_NEWNET) == -1)
		return sandbox_fail(sb,
		    "cannot return to the client network "
		    "namespace (setns): %s",
		    strerror(errno));
	return 0;
}

int
sandbox_socket_in_peer_ns(struct sandbox *sb, int domain, int type,
    int protocol)
{
	int fd, e;

	if (sandbox_enter_peer_ns(sb) == -1)
		return -1;
	fd = socket(domain, type, protocol);
	e = errno;
	if (sandbox_leave_peer_ns(sb) == -1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd == -1) {
		errno = e;
		return sandbox_fail(sb,
		    "socket(%d, %d, %d) in the peer "
		    "namespace: %s",
		    domain, type, protocol, strerror(e));
	}
	return fd;
}

/*
 * Links up, IPv6 on but quiet (ipv6_quiet), offloads off (unless the
 * caller keeps them): on the side whose sockets these are. The peer's end
 * has no address of either family, so its kernel answers nothing for
 * 192.0.2.2 or 2001:db8::2: forwarding off, it drops what is not for it.
 */
int
sandbox_configure_link(struct sandbox *sb, int nl, int io, const char *iface)
{
	char err[256];

	if (set_ipv6(sb, iface, "disable_ipv6", "0") == -1)
		return -1;
	if ((!sb->keep_offloads &&
		ethtool_offload_disable(io, iface, err, sizeof(err)) == -1) ||
	    nl_link_set_up(nl, "lo", err, sizeof(err)) == -1 ||
	    nl_link_set_up(nl, iface, err, sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	return 0;
}

/*
 * A link that is up but whose carrier the kernel has not processed yet
 * still drops what is sent: a test's first SYN could vanish.
 */
int
sandbox_wait_running(struct sandbox *sb, int nl, const char *iface)
{
	char err[256];

	if (nl_link_wait_running(nl, iface, LINK_RUNNING_TIMEOUT_MS, err,
		sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	return 0;
}

static const char *
veth_hint(int e)
{
	if (e == EOPNOTSUPP || e == ENOENT)
		return "; this kernel lacks veth (CONFIG_VETH): as root, run "
		       "'modprobe veth' once";
	return "";
}

/* Step 3, then: netns A's sysctls, the veth pair, llcli0 and lo. */
static int
build_client_side(struct sandbox *sb, int nl, int io)
{
	char err[256];

	if (sandbox_netns_defaults(sb) == -1)
		return -1;
	if (nl_veth_create(nl, SANDBOX_CLIENT_IFACE, SANDBOX_PEER_IFACE,
		sb->peer_ns_fd, 0, err, sizeof(err)) == -1)
		return sandbox_fail(sb, "%s%s", err, veth_hint(errno));
	if (sandbox_configure_link(sb, nl, io, SANDBOX_CLIENT_IFACE) == -1)
		return -1;
	if (nl_addr_add_ipv4(nl, SANDBOX_CLIENT_IFACE, SANDBOX_CLIENT_ADDR,
		SANDBOX_PREFIX_LEN, err, sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	return 0;
}

/*
 * Step 3, first: netns B's defaults, before llpeer0 exists there. Net
 * sysctls are opened while in netns B: /proc/sys/net shows the opener's.
 */
static int
peer_sysctls(struct sandbox *sb)
{
	int rc;

	if (sandbox_enter_peer_ns(sb) == -1)
		return -1;
	rc = sandbox_netns_defaults(sb);
	if (rc == 0)
		rc = set_net_sysctl(sb, "ipv4/conf/all/forwarding", "0", false);
	if (sandbox_leave_peer_ns(sb) == -1)
		rc = -1;
	return rc;
}

/*
 * The client's IPv6 address joins its solicited-node group, and MLDv1
 * reports the join twice, the second from a timer of no delay. Done when
 * /proc/net/igmp6 shows the group on llcli0 with the report sent
 * (MAF_LAST_REPORTER, 2) and its timer no longer running
 * (MAF_TIMER_RUNNING, 1). /proc cannot notify, so it is polled, a
 * millisecond at a time; it takes about one. Should a kernel not report
 * at all, the sandbox goes on after MLD_QUIET_TIMEOUT_MS.
 */
/* One line of /proc/net/igmp6: index, link, group, users, flags, timer. */
static bool
group_reported(char *line, const char *group)
{
	char *field[5], *save = NULL, *end;
	unsigned long flags;
	int n;

	for (n = 0; n < 5; n++)
		if ((field[n] = strtok_r(n == 0 ? line : NULL, " \t\n",
			 &save)) == NULL)
			return false;
	if (strcmp(field[1], SANDBOX_CLIENT_IFACE) != 0 ||
	    strcmp(field[2], group) != 0)
		return false;
	flags = strtoul(field[4], &end, 16);
	return *end == '\0' && (flags & 3) == 2;
}

static bool
mld_done(const char *group)
{
	char line[256];
	bool done = false;
	FILE *f;

	if ((f = fopen("/proc/net/igmp6", "re")) == NULL)
		return true; /* no IPv6 multicast here: nothing to wait for */
	while (!done && fgets(line, sizeof(line), f) != NULL)
		done = group_reported(line, group);
	fclose(f);
	return done;
}

static void
wait_mld_quiet(void)
{
	const struct timespec tick = { 0, NS_PER_MS };
	int64_t deadline = monotime_ms() + MLD_QUIET_TIMEOUT_MS;
	unsigned char a[16];
	char group[40];

	if (inet_pton(AF_INET6, SANDBOX_CLIENT_ADDR6, a) != 1)
		return;
	snprintf(group, sizeof(group), "ff0200000000000000000001ff%02x%02x%02x",
	    a[13], a[14], a[15]);
	while (!mld_done(group) && monotime_ms() < deadline)
		nanosleep(&tick, NULL);
}

/* Last: 2001:db8::1, once both links run, and its MLD out of the way. */
static int
add_client_ipv6(struct sandbox *sb, int nl)
{
	char err[256];

	if (!sb->has_ipv6)
		return 0;
	if (nl_addr_add_ipv6(nl, SANDBOX_CLIENT_IFACE, SANDBOX_CLIENT_ADDR6,
		SANDBOX_PREFIX6_LEN, err, sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	wait_mld_quiet();
	return 0;
}

/* Step 3, last: llpeer0 and lo in netns B. */
static int
build_peer_side(struct sandbox *sb)
{
	int nl = -1, io = -1, rc = -1;
	char err[256];

	if (sandbox_enter_peer_ns(sb) == -1)
		return -1;
	if ((nl = nl_open(err, sizeof(err))) == -1)
		sandbox_fail(sb, "%s", err);
	else if ((io = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		sandbox_fail(sb, "socket(AF_INET) in netns B: %s",
		    strerror(errno));
	else if ((rc = sandbox_configure_link(sb, nl, io,
		      SANDBOX_PEER_IFACE)) == 0)
		rc = sandbox_wait_running(sb, nl, SANDBOX_PEER_IFACE);
	if (sandbox_leave_peer_ns(sb) == -1)
		rc = -1;
	if (nl >= 0)
		close(nl);
	if (io >= 0)
		close(io);
	return rc;
}

int
sandbox_build_network(struct sandbox *sb)
{
	int nl, io, rc = -1;
	char err[256];

	if (peer_sysctls(sb) == -1)
		return -1;
	if ((nl = nl_open(err, sizeof(err))) == -1)
		return sandbox_fail(sb, "%s", err);
	io = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (io == -1)
		sandbox_fail(sb, "socket(AF_INET): %s", strerror(errno));
	else if (build_client_side(sb, nl, io) == 0 &&
	    build_peer_side(sb) == 0 &&
	    sandbox_wait_running(sb, nl, SANDBOX_CLIENT_IFACE) == 0)
		rc = add_client_ipv6(sb, nl);
	close(nl);
	if (io >= 0)
		close(io);
	return rc;
}
