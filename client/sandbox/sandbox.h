/*
 * sandbox.h - a private test network that needs no host configuration and
 * leaves nothing behind.
 *
 *   client side (the calling process)          peer side (a child process)
 *   netns A: lo, llcli0 192.0.2.1/24  <-veth->  netns B: lo, llpeer0 (no address)
 *                   2001:db8::1/64
 *
 * sandbox_open() moves the *calling process* into netns A (and, when not root,
 * a new user namespace mapping the caller to root). It also makes a new PID
 * namespace whose init is a child that dies with the caller: every process
 * the sandbox starts (the peer, commands) lives in it, so the kernel kills
 * them all when the caller dies, even by SIGKILL. Both network namespaces are
 * anonymous (no /run/netns entry), so they and the veth pair vanish with the
 * last process inside them. Call it once per process, before starting threads.
 *
 * Both links have MTU 1500, IPv6 on but quiet, and TSO, GSO, GRO and TX
 * checksumming off, so a packet socket on either end sees the frames a real
 * wire would carry (unless sandbox_open_with() is asked to keep the veth's
 * offloads, to test how lingerpeer copes with them). IPv6 is quiet: no
 * link-local address, no router solicitations, no duplicate address
 * detection (2001:db8::1 is ready at once), and the one multicast listener
 * report its join sends is out before sandbox_open() returns, so a capture
 * sees only what a test does. Forwarding is off in netns B, so its kernel
 * stays silent (no RST, no ICMP, no ARP reply, no neighbor advertisement)
 * about 192.0.2.2 and 2001:db8::2: the userspace peer owns those addresses.
 * Where the kernel has no IPv6 at all, has_ipv6 is false and the sandbox
 * is IPv4 only.
 *
 * Consequences of the design, for callers:
 *  - After sandbox_open() every fork() of the caller, not only those made
 *    here, lands in the sandbox's PID namespace and so dies with it.
 *  - After sandbox_open() the caller cannot create threads: the kernel
 *    refuses (EINVAL) a thread whose PID namespace differs from the one its
 *    process's children go to. Programs that need threads must fork first.
 *  - PR_SET_PDEATHSIG follows the *thread* that called sandbox_open(); with
 *    no other threads (see above) that is the process.
 *  - As real root, sandbox_close() returns the caller to its original
 *    network and PID namespaces, so the sandbox can be opened again. In a
 *    user namespace that is impossible: after sandbox_close() the caller
 *    stays in netns A and can no longer fork (ENOMEM), so close it last.
 *  - Exit-time hooks that fork fail for the same reasons. LeakSanitizer's
 *    check spins forever if the sandbox is still open at exit(), and fails
 *    after sandbox_close() in a user namespace: close the sandbox before
 *    exit(), and in SANDBOX_USERNS mode leave with fflush(NULL); _exit().
 *    (After sandbox_open() fails, sb->mode still tells which it was.) It
 *    also fails in forked children, which see host pids in /proc but live
 *    in the sandbox's PID namespace: they should leave with _exit().
 */
#ifndef LINGERLAB_SANDBOX_H
#define LINGERLAB_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_CLIENT_ADDR  "192.0.2.1"
#define SANDBOX_PEER_ADDR    "192.0.2.2"
#define SANDBOX_PREFIX_LEN   24
/* IPv6, from the documentation prefix (RFC 3849), as the IPv4 pair is. */
#define SANDBOX_CLIENT_ADDR6 "2001:db8::1"
#define SANDBOX_PEER_ADDR6   "2001:db8::2"
#define SANDBOX_PREFIX6_LEN  64
/* Both, as lingerpeer's --addr and lingerlab run's --peer-addr take them. */
#define SANDBOX_PEER_ADDRS   SANDBOX_PEER_ADDR "," SANDBOX_PEER_ADDR6
#define SANDBOX_CLIENT_IFACE "llcli0"
#define SANDBOX_PEER_IFACE   "llpeer0"
#define SANDBOX_MTU	     1500

/*
 * The lab (sandbox_opts.lab): the two sides become two hosts of a lab, the
 * system under test (netns A, the caller's) and lingerpeer's (netns B), and
 * a third network namespace, the runner's (netns C), reaches both over a
 * control network beside the test link, as a Linux box reaches a lab's
 * machines over their management addresses (docs/lab.md):
 *
 *   netns C (runner)                     netns A (system under test)
 *   llrun0 198.51.100.1/30  <-veth->     llctl0 198.51.100.2/30, and llcli0
 *   llrun1 198.51.100.5/30  <-veth->     netns B: llctl0 198.51.100.6/30,
 *                                        and llpeer0 (no address, as ever)
 *
 * TEST-NET-2 (RFC 5737), never routed. With time namespaces in the kernel,
 * what is started on side A sees a monotonic clock SANDBOX_LAB_CLOCK_A_S
 * ahead of the runner's, side B's SANDBOX_LAB_CLOCK_B_S ahead: three
 * clocks, so that nothing can silently assume one.
 */
#define SANDBOX_LAB_RUNNER_SUT_ADDR   "198.51.100.1"
#define SANDBOX_LAB_SUT_ADDR	      "198.51.100.2"
#define SANDBOX_LAB_RUNNER_PEER_ADDR  "198.51.100.5"
#define SANDBOX_LAB_PEER_CTL_ADDR     "198.51.100.6"
#define SANDBOX_LAB_PREFIX_LEN	      30
#define SANDBOX_LAB_CTL_IFACE	      "llctl0" /* in A and in B */
#define SANDBOX_LAB_RUNNER_SUT_IFACE  "llrun0" /* in C, toward A */
#define SANDBOX_LAB_RUNNER_PEER_IFACE "llrun1" /* in C, toward B */
#define SANDBOX_LAB_CLOCK_A_S	      86400    /* a day */
#define SANDBOX_LAB_CLOCK_B_S	      172800   /* two */

/* Exit code of programs that could not build a sandbox (see docs). */
#define SANDBOX_EXIT_UNAVAILABLE 3

/* How many processes one sandbox can track for sandbox_close(). */
#define SANDBOX_MAX_CHILDREN 32

/* How long sandbox_close() lets its processes exit after SIGTERM. */
#define SANDBOX_TERM_GRACE_MS 1000

enum sandbox_mode {
	SANDBOX_ROOT,	/* real root: plain network namespaces */
	SANDBOX_USERNS, /* unprivileged: user + network ns */
};

enum sandbox_side {
	SANDBOX_CLIENT_SIDE, /* netns A, where the caller is */
	SANDBOX_PEER_SIDE,   /* netns B */
	SANDBOX_RUNNER_SIDE, /* netns C: the lab's runner (sandbox_opts.lab) */
};

struct sandbox_child {
	pid_t pid;
	int pidfd; /* -1 if the kernel has no pidfd_open */
};

/* What sandbox_open_with() may change; all false is sandbox_open(). */
struct sandbox_opts {
	/*
	 * Leave TSO, GSO, GRO and TX checksumming as the kernel made the veth
	 * pair (on): captures then see partial checksums and 64 KiB
	 * super-segments, as on a container's or VM's link.
	 */
	bool keep_offloads;
	/*
	 * The lab: netns C and the control network (above). Processes are
	 * started there with SANDBOX_RUNNER_SIDE.
	 */
	bool lab;
};

struct sandbox {
	enum sandbox_mode mode;
	bool is_open;
	bool keep_offloads; /* as sandbox_open_with() was asked */
	bool
	    has_ipv6; /* the kernel has IPv6: llcli0 has SANDBOX_CLIENT_ADDR6 */
	pid_t init_pid;	   /* the PID namespace's init (as seen by us) */
	pid_t peer_pid;	   /* process in the peer namespace, or 0 */
	int peer_ns_fd;	   /* open fd of the peer's netns, or -1 */
	int client_ns_fd;  /* open fd of netns A, or -1 */
	int runner_ns_fd;  /* the lab's netns C, or -1 */
	int time_ns_fd[2]; /* the lab's clocks of sides A and B, or -1 */
	/* private to sandbox.c */
	pid_t owner;	 /* the process that opened it */
	int orig_net_fd; /* root mode: where sandbox_close() returns */
	int orig_pid_fd;
	int life_fd; /* init exits when this pipe end closes */
	int init_pidfd;
	size_t nchildren;
	struct sandbox_child children[SANDBOX_MAX_CHILDREN];
	char errbuf[512]; /* after an error: what failed, what to do */
};

/* How sandbox_spawn() sets up the child's file descriptors. */
struct sandbox_spawn_opts {
	int stdin_fd;  /* -1: inherit the caller's */
	int stdout_fd; /* -1: inherit the caller's */
	int stderr_fd; /* -1: inherit the caller's */
	int extra_fd;  /* if >= 0, becomes fd 3 */
	bool new_pgrp; /* own process group: no tty ^C */
};

#define SANDBOX_SPAWN_OPTS_INIT                                                \
	{                                                                      \
		-1, -1, -1, -1, false                                          \
	}

/*
 * Build the sandbox and move the caller into its client side. Returns 0, or
 * -1 with sb->errbuf saying what failed and what to try (for example, that
 * unprivileged user namespaces are disabled and the program must run as root).
 */
int sandbox_open(struct sandbox *sb);

/*
 * The peer's addresses in this sandbox, as lingerpeer's --addr takes
 * them: both families where the kernel has IPv6, else IPv4's.
 */
static inline const char *
sandbox_peer_addrs(const struct sandbox *sb)
{
	return sb->has_ipv6 ? SANDBOX_PEER_ADDRS : SANDBOX_PEER_ADDR;
}

/* The same with opts (NULL: the defaults, as sandbox_open()). */
int sandbox_open_with(struct sandbox *sb, const struct sandbox_opts *opts);

/*
 * Start argv (searched in PATH) on one side of the sandbox, inside its PID
 * namespace, with fds as opts says (NULL: all defaults). Every other
 * inherited descriptor is closed and signal dispositions and mask are
 * reset. The child gets a mount namespace of its own with a /proc that
 * shows the sandbox's PID namespace (if the kernel lets it mount one). Returns the child's pid (a child of the caller: reap it with
 * waitpid, or leave that to sandbox_close), or -1 with errno (ENOENT if
 * argv[0] was not found, ...) and sb->errbuf set.
 */
pid_t sandbox_spawn(struct sandbox *sb, enum sandbox_side side,
    char *const argv[], const struct sandbox_spawn_opts *opts);

/*
 * Start argv inside the peer side (netns B) with extra_fd (if >= 0) kept open
 * as file descriptor 3. The child dies with the caller. Returns its pid or -1.
 */
pid_t sandbox_spawn_peer_side(struct sandbox *sb, char *const argv[],
    int extra_fd);

/*
 * Start argv on the client side (the caller's namespace), inside the sandbox's
 * PID namespace so it dies with the caller. Returns its pid or -1.
 */
pid_t sandbox_spawn_client_side(struct sandbox *sb, char *const argv[]);

/*
 * Switch the calling thread to netns B, and back to netns A. Sockets keep the
 * namespace they were created in, so this is how to get a socket (or to open
 * /proc/sys/net files) on the peer side. Return 0, or -1 with sb->errbuf.
 */
int sandbox_enter_peer_ns(struct sandbox *sb);
int sandbox_leave_peer_ns(struct sandbox *sb);

/* socket(2) in netns B. Returns the fd, or -1 with errno and sb->errbuf. */
int sandbox_socket_in_peer_ns(struct sandbox *sb, int domain, int type,
    int protocol);

/*
 * Kill and reap everything the sandbox started: SIGTERM to what
 * sandbox_spawn() started, SIGKILL to all of them after
 * SANDBOX_TERM_GRACE_MS, then the PID namespace's init, which takes every
 * remaining process in the namespace with it. The namespaces go with them.
 * Safe to call more than once, and after a failed sandbox_open(). In a
 * forked child of the owner it only closes the child's copies of the fds:
 * the sandbox stays the owner's.
 */
void sandbox_close(struct sandbox *sb);

#endif
