/*
 * sandbox_net.c - the sandbox's network: sysctls, the veth pair, the
 * client's address, IPv6 and offloads off, links up and running; and the
 * way into netns B for the code (and the callers) that need sockets there.
 *
 * Called by sandbox_open() once the caller is in netns A and init holds
 * netns B (see sandbox.c). Netlink and ethtool sockets act on the netns
 * they were created in, so those for llpeer0 are made while in netns B.
 */
#include "sandbox_int.h"
#include "ethtool_offload.h"
#include "netlink_link.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINK_RUNNING_TIMEOUT_MS 5000

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
	return sandbox_fail(sb, "cannot write %s to %s: %s; /proc must be the "
	    "host's procfs, mounted read-write", value, path, strerror(e));
}

static int
disable_ipv6(struct sandbox *sb, const char *iface)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "ipv6/conf/%s/disable_ipv6", iface);
	return set_net_sysctl(sb, rel, "1", true);
}

/* Before any link exists in the netns: "all" covers lo, "default" new links. */
static int
netns_defaults(struct sandbox *sb)
{
	if (disable_ipv6(sb, "all") == -1 || disable_ipv6(sb, "default") == -1)
		return -1;
	return 0;
}

int
sandbox_enter_peer_ns(struct sandbox *sb)
{
	if (setns(sb->peer_ns_fd, CLONE_NEWNET) == -1)
		return sandbox_fail(sb, "cannot enter the peer network "
		    "namespace (setns): %s", strerror(errno));
	return 0;
}

int
sandbox_leave_peer_ns(struct sandbox *sb)
{
	if (setns(sb->client_ns_fd, CLONE_NEWNET) == -1)
		return sandbox_fail(sb, "cannot return to the client network "
		    "namespace (setns): %s", strerror(errno));
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
		return sandbox_fail(sb, "socket(%d, %d, %d) in the peer "
		    "namespace: %s", domain, type, protocol, strerror(e));
	}
	return fd;
}

/*
 * Links up, IPv6 off, offloads off (unless the caller keeps them): on the
 * side whose sockets these are.
 */
static int
configure_link(struct sandbox *sb, int nl, int io, const char *iface)
{
	char err[256];

	if (disable_ipv6(sb, iface) == -1)
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
static int
wait_running(struct sandbox *sb, int nl, const char *iface)
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

	if (netns_defaults(sb) == -1)
		return -1;
	if (nl_veth_create(nl, SANDBOX_CLIENT_IFACE, SANDBOX_PEER_IFACE,
	    sb->peer_ns_fd, 0, err, sizeof(err)) == -1)
		return sandbox_fail(sb, "%s%s", err, veth_hint(errno));
	if (configure_link(sb, nl, io, SANDBOX_CLIENT_IFACE) == -1)
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
	rc = netns_defaults(sb);
	if (rc == 0)
		rc = set_net_sysctl(sb, "ipv4/conf/all/forwarding", "0",
		    false);
	if (sandbox_leave_peer_ns(sb) == -1)
		rc = -1;
	return rc;
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
	else if ((rc = configure_link(sb, nl, io, SANDBOX_PEER_IFACE)) == 0)
		rc = wait_running(sb, nl, SANDBOX_PEER_IFACE);
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
	    build_peer_side(sb) == 0)
		rc = wait_running(sb, nl, SANDBOX_CLIENT_IFACE);
	close(nl);
	if (io >= 0)
		close(io);
	return rc;
}
