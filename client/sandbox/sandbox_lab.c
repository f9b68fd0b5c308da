/*
 * sandbox_lab.c - a sandbox made a lab (sandbox.h, "The lab"): a third
 * network namespace for the runner, a control network that joins it to
 * the system under test's side and to lingerpeer's, and a clock of its own
 * for each of those two sides, so that what runs there shares nothing with
 * the runner but a routed TCP connection, as hosts of a real lab do.
 *
 * netns C is held by an open descriptor only (no process lives there until
 * one is started), so it goes with the caller like A and B; the control
 * links are veth pairs, which go with the last of their two namespaces.
 * The clocks are time namespaces held the same way, entered by what
 * sandbox_spawn() starts on sides A and B.
 */
#include "netlink_link.h"
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A netlink and an ioctl socket in the netns the caller is in now. */
static int
open_sockets(struct sandbox *sb, int *nl, int *io)
{
	char err[256];

	*io = -1;
	if ((*nl = nl_open(err, sizeof(err))) == -1)
		return sandbox_fail(sb, "%s", err);
	if ((*io = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		close(*nl);
		*nl = -1;
		return sandbox_fail(sb, "socket(AF_INET): %s", strerror(errno));
	}
	return 0;
}

static void
close_sockets(int nl, int io)
{
	if (nl >= 0)
		close(nl);
	if (io >= 0)
		close(io);
}

/* One end of the control network: up, with its address. */
static int
control_end(struct sandbox *sb, int nl, int io, const char *iface,
    const char *addr)
{
	char err[256];

	if (sandbox_configure_link(sb, nl, io, iface) == -1)
		return -1;
	if (nl_addr_add_ipv4(nl, iface, addr, SANDBOX_LAB_PREFIX_LEN, err,
		sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	return 0;
}

/*
 * netns C, with its two links whose other ends go to A and B. Leaves the
 * caller in C (the caller returns it to A) and nl, io open in C.
 */
static int
build_runner_side(struct sandbox *sb, int *nl, int *io)
{
	char err[256];

	if (unshare(CLONE_NEWNET) == -1)
		return sandbox_fail(sb,
		    "cannot make the lab's runner network "
		    "namespace (unshare): %s",
		    strerror(errno));
	if ((sb->runner_ns_fd =
		    open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		return sandbox_fail(sb,
		    "cannot open /proc/self/ns/net: %s; "
		    "/proc must be mounted",
		    strerror(errno));
	if (sandbox_netns_defaults(sb) == -1 || open_sockets(sb, nl, io) == -1)
		return -1;
	if (nl_veth_create(*nl, SANDBOX_LAB_RUNNER_SUT_IFACE,
		SANDBOX_LAB_CTL_IFACE, sb->client_ns_fd, 0, err,
		sizeof(err)) == -1 ||
	    nl_veth_create(*nl, SANDBOX_LAB_RUNNER_PEER_IFACE,
		SANDBOX_LAB_CTL_IFACE, sb->peer_ns_fd, 0, err,
		sizeof(err)) == -1)
		return sandbox_fail(sb, "%s", err);
	if (control_end(sb, *nl, *io, SANDBOX_LAB_RUNNER_SUT_IFACE,
		SANDBOX_LAB_RUNNER_SUT_ADDR) == -1 ||
	    control_end(sb, *nl, *io, SANDBOX_LAB_RUNNER_PEER_IFACE,
		SANDBOX_LAB_RUNNER_PEER_ADDR) == -1)
		return -1;
	return 0;
}

/* llctl0 of the netns the caller is in: up, addressed, running. */
static int
build_far_end(struct sandbox *sb, const char *addr)
{
	int nl, io, rc = -1;

	if (open_sockets(sb, &nl, &io) == -1)
		return -1;
	if (control_end(sb, nl, io, SANDBOX_LAB_CTL_IFACE, addr) == 0)
		rc = sandbox_wait_running(sb, nl, SANDBOX_LAB_CTL_IFACE);
	close_sockets(nl, io);
	return rc;
}

static int
back_to_a(struct sandbox *sb)
{
	if (setns(sb->client_ns_fd, CLONE_NEWNET) == -1)
		return sandbox_fail(sb,
		    "cannot return to the client network "
		    "namespace (setns): %s",
		    strerror(errno));
	return 0;
}

static int
build_network(struct sandbox *sb)
{
	int nl = -1, io = -1, rc;

	rc = build_runner_side(sb, &nl, &io);
	if (back_to_a(sb) == -1)
		rc = -1;
	if (rc == 0)
		rc = build_far_end(sb, SANDBOX_LAB_SUT_ADDR);
	if (rc == 0 && sandbox_enter_peer_ns(sb) == 0) {
		rc = build_far_end(sb, SANDBOX_LAB_PEER_CTL_ADDR);
		if (sandbox_leave_peer_ns(sb) == -1)
			rc = -1;
	} else
		rc = -1;
	/* nl still speaks for netns C, which the caller has left */
	if (rc == 0 &&
	    (sandbox_wait_running(sb, nl, SANDBOX_LAB_RUNNER_SUT_IFACE) == -1 ||
		sandbox_wait_running(sb, nl, SANDBOX_LAB_RUNNER_PEER_IFACE) ==
		    -1))
		rc = -1;
	close_sockets(nl, io);
	return rc;
}

/* In a helper child: a time namespace for its children, offset_s ahead. */
__attribute__((noreturn)) static void
clock_helper(long offset_s, int report, int hold)
{
	char text[80];
	int e = 0, fd;

	if (unshare(CLONE_NEWTIME) == -1)
		e = errno;
	snprintf(text, sizeof(text), "monotonic %ld 0\nboottime %ld 0\n",
	    offset_s, offset_s);
	/* The offsets are written once, before anything lives in it. */
	if (e == 0 &&
	    ((fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC)) ==
		    -1 ||
		write(fd, text, strlen(text)) < 0 || close(fd) == -1))
		e = errno != 0 ? errno : EIO;
	if (write(report, &e, sizeof(e)) != sizeof(e))
		_exit(1);
	/* Until the caller has opened our time_for_children. */
	while (read(hold, text, 1) == -1 && errno == EINTR)
		;
	_exit(0);
}

/*
 * The clock of one side. A kernel without time namespaces (before 5.6,
 * or built without them) leaves *fd at -1: the lab then has one clock,
 * which the runner does not rely on either way.
 */
static void
make_clock(long offset_s, int *fd)
{
	int report[2], hold[2], e = -1;
	char path[64];
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) == -1)
		return;
	if (pipe2(hold, O_CLOEXEC) == -1) {
		close(report[0]);
		close(report[1]);
		return;
	}
	if ((pid = fork()) == 0) {
		close(report[0]);
		close(hold[1]); /* or its read would never end */
		clock_helper(offset_s, report[1], hold[0]);
	}
	close(report[1]);
	close(hold[0]);
	if (pid > 0 && read(report[0], &e, sizeof(e)) == sizeof(e) && e == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children",
		    (int)pid);
		*fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(report[0]);
	close(hold[1]);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
}

int
sandbox_build_lab(struct sandbox *sb)
{
	if (build_network(sb) == -1)
		return -1;
	make_clock(SANDBOX_LAB_CLOCK_A_S, &sb->time_ns_fd[SANDBOX_CLIENT_SIDE]);
	make_clock(SANDBOX_LAB_CLOCK_B_S, &sb->time_ns_fd[SANDBOX_PEER_SIDE]);
	return 0;
}
