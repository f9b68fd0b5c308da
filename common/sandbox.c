/*
 * sandbox.c - two anonymous network namespaces joined by a veth pair, and a
 * PID namespace that takes every process the sandbox started with it when
 * the caller dies (see sandbox.h for the picture and the caveats).
 *
 * The SIGKILL guarantee, step by step:
 *  1. The caller unshares CLONE_NEWNET (it is now in netns A) and
 *     CLONE_NEWPID, which only affects its children: its first child
 *     becomes PID 1 ("init") of a new PID namespace, every later child
 *     lands in that namespace too.
 *  2. init sets PR_SET_PDEATHSIG to SIGKILL, then unshares CLONE_NEWNET:
 *     netns B lives as long as init (or our fd to it).
 *  3. When the caller dies, the kernel closes its fds (peer_ns_fd, and the
 *     write end of a pipe init reads) and SIGKILLs init. When init dies,
 *     the kernel SIGKILLs every process in its PID namespace. With no
 *     process and no fd left, both netns go, and the veth pair with them.
 */
#include "sandbox.h"
#include "ethtool_offload.h"
#include "netlink_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INIT_REAP_TIMEOUT_MS 2000
#define LINK_RUNNING_TIMEOUT_MS 5000

static void teardown(struct sandbox *sb);

__attribute__((format(printf, 2, 3)))
static int
sb_fail(struct sandbox *sb, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sb->errbuf, sizeof(sb->errbuf), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

/* Write text to a file; returns 0 or an errno value. */
static int
write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, e = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return errno;
	n = write(fd, text, len);
	if (n == -1)
		e = errno;
	else if ((size_t)n != len)
		e = EIO;
	if (close(fd) == -1 && e == 0)
		e = errno;
	return e;
}

/* Close every fd from lo up, except keep: in init, and before exec. */
static void
close_from(int lo, int keep)
{
	unsigned int l = (unsigned int)lo, k = (unsigned int)keep;
	bool ok;
	int fd;

	if (keep < lo)
		ok = close_range(l, ~0U, 0) == 0;
	else
		ok = (keep == lo || close_range(l, k - 1, 0) == 0) &&
		    close_range(k + 1, ~0U, 0) == 0;
	if (ok)
		return;
	for (fd = lo; fd < 65536; fd++)	/* kernels before 5.9 */
		if (fd != keep)
			(void)close(fd);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
	e = write_text(path, value);
	if (e == 0 || (e == ENOENT && may_be_absent))
		return 0;
	errno = e;
	return sb_fail(sb, "cannot write %s to %s: %s; /proc must be the "
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

static const char *
userns_hint(int e)
{
	switch (e) {
	case EINVAL:
		return " (the process already runs threads: call sandbox_open "
		    "before starting any)";
	case ENOSPC:
		return " (the limit user.max_user_namespaces is 0 or reached)";
	case EUSERS:
		return " (user namespaces are nested too deep)";
	case EPERM:
		return " (unprivileged user namespaces are disabled, or a "
		    "seccomp or LSM policy forbids them)";
	default:
		return "";
	}
}

static int
fail_unavailable(struct sandbox *sb, int root_err, int user_err,
    const char *step)
{
	char as_root[160] = "";

	if (root_err != 0)
		snprintf(as_root, sizeof(as_root), "as root, unshare("
		    "CLONE_NEWNET|CLONE_NEWPID) failed: %s%s; then ",
		    strerror(root_err), root_err == EPERM ?
		    " (no CAP_SYS_ADMIN: a container?)" : root_err == ENOSPC ?
		    " (user.max_net_namespaces or max_pid_namespaces is 0)" :
		    "");
	errno = user_err;
	return sb_fail(sb, "no sandbox possible: %s%s failed: %s%s. Run as "
	    "root, or allow unprivileged user namespaces "
	    "(sysctl user.max_user_namespaces=10000, and "
	    "kernel.unprivileged_userns_clone=1 where it exists)",
	    as_root, step, strerror(user_err), userns_hint(user_err));
}

/* Map the caller to root in a new user namespace. Returns 0 or -1. */
static int
enter_userns(struct sandbox *sb, int root_err)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int e;

	if (unshare(CLONE_NEWUSER) == -1)
		return fail_unavailable(sb, root_err, errno,
		    "unshare(CLONE_NEWUSER)");
	/* Without "deny", an unprivileged gid_map write is refused. */
	e = write_text("/proc/self/setgroups", "deny");
	if (e != 0 && e != ENOENT)
		return fail_unavailable(sb, root_err, e,
		    "writing /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	if ((e = write_text("/proc/self/uid_map", map)) != 0)
		return fail_unavailable(sb, root_err, e, e == EACCES ?
		    "writing /proc/self/uid_map (process not dumpable after "
		    "a uid change? exec first or prctl(PR_SET_DUMPABLE, 1))" :
		    "writing /proc/self/uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	if ((e = write_text("/proc/self/gid_map", map)) != 0)
		return fail_unavailable(sb, root_err, e,
		    "writing /proc/self/gid_map");
	return 0;
}

static int
open_ns(struct sandbox *sb, const char *path, int *out)
{
	*out = open(path, O_RDONLY | O_CLOEXEC);
	if (*out == -1)
		return sb_fail(sb, "cannot open %s: %s; /proc must be mounted",
		    path, strerror(errno));
	return 0;
}

/* Step 1: put the caller in netns A, its future children in a new PID ns. */
static int
make_namespaces(struct sandbox *sb)
{
	int root_err = 0;

	if (geteuid() == 0) {
		if (open_ns(sb, "/proc/self/ns/net", &sb->orig_net_fd) == -1 ||
		    open_ns(sb, "/proc/self/ns/pid", &sb->orig_pid_fd) == -1)
			return -1;
		if (unshare(CLONE_NEWNET | CLONE_NEWPID) == 0) {
			sb->mode = SANDBOX_ROOT;
			return open_ns(sb, "/proc/self/ns/net",
			    &sb->client_ns_fd);
		}
		/* Root without CAP_SYS_ADMIN (a container): try a userns. */
		root_err = errno;
		close(sb->orig_net_fd);
		close(sb->orig_pid_fd);
		sb->orig_net_fd = sb->orig_pid_fd = -1;
	}
	if (enter_userns(sb, root_err) == -1)
		return -1;
	sb->mode = SANDBOX_USERNS;	/* from here on, for good */
	if (unshare(CLONE_NEWNET | CLONE_NEWPID) == -1)
		return fail_unavailable(sb, root_err, errno, errno == ENOSPC ?
		    "unshare(CLONE_NEWNET|CLONE_NEWPID) in a user namespace "
		    "(user.max_net_namespaces or max_pid_namespaces is 0?)" :
		    "unshare(CLONE_NEWNET|CLONE_NEWPID) in a user namespace");
	return open_ns(sb, "/proc/self/ns/net", &sb->client_ns_fd);
}

/* Any event on a pipe nobody writes to means its write end closed. */
static bool
pipe_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

__attribute__((noreturn))
static void
init_main(int life_rd, int life_wr, int ready_wr)
{
	ssize_t n;
	char c;
	int e = 0;

	close(life_wr);
	(void)prctl(PR_SET_NAME, "sandbox-init");	/* for ps(1) */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		e = errno;
	/*
	 * The caller may have died before the prctl. The usual re-check of
	 * getppid() does not work here: a PID namespace's init always sees
	 * 0. The pipe does: its only write end was the caller's.
	 */
	if (e == 0 && pipe_hung_up(life_rd))
		_exit(0);
	if (e == 0 && unshare(CLONE_NEWNET) == -1)
		e = errno;
	if (write(ready_wr, &e, sizeof(e)) != sizeof(e) || e != 0)
		_exit(1);
	/* Orphans are re-parented to us: let the kernel reap them. */
	signal(SIGCHLD, SIG_IGN);
	close_from(0, life_rd);
	for (;;) {
		n = read(life_rd, &c, 1);
		if (n == 0 || (n == -1 && errno != EINTR))
			_exit(0);
	}
}

/* Step 2: fork the PID namespace's init, which makes and holds netns B. */
static int
start_init(struct sandbox *sb)
{
	int life[2], ready[2], e = 0;
	char path[64];
	ssize_t n;

	if (pipe2(life, O_CLOEXEC) == -1)
		return sb_fail(sb, "pipe2: %s", strerror(errno));
	if (pipe2(ready, O_CLOEXEC) == -1) {
		close(life[0]);
		close(life[1]);
		return sb_fail(sb, "pipe2: %s", strerror(errno));
	}
	sb->init_pid = fork();
	if (sb->init_pid == 0)
		init_main(life[0], life[1], ready[1]);
	e = errno;
	close(life[0]);
	close(ready[1]);
	sb->life_fd = life[1];
	if (sb->init_pid == -1) {
		close(ready[0]);
		errno = e;
		return sb_fail(sb, "cannot fork the sandbox's init: %s",
		    strerror(e));
	}
	sb->init_pidfd = pidfd_open(sb->init_pid, 0);
	do {
		n = read(ready[0], &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	close(ready[0]);
	if (n != sizeof(e))
		return sb_fail(sb, "the sandbox's init died during setup");
	if (e != 0) {
		errno = e;
		return sb_fail(sb, "the sandbox's init could not create the "
		    "peer network namespace: %s", strerror(e));
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)sb->init_pid);
	return open_ns(sb, path, &sb->peer_ns_fd);
}

int
sandbox_enter_peer_ns(struct sandbox *sb)
{
	if (setns(sb->peer_ns_fd, CLONE_NEWNET) == -1)
		return sb_fail(sb, "cannot enter the peer network namespace "
		    "(setns): %s", strerror(errno));
	return 0;
}

int
sandbox_leave_peer_ns(struct sandbox *sb)
{
	if (setns(sb->client_ns_fd, CLONE_NEWNET) == -1)
		return sb_fail(sb, "cannot return to the client network "
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
		return sb_fail(sb, "socket(%d, %d, %d) in the peer namespace: "
		    "%s", domain, type, protocol, strerror(e));
	}
	return fd;
}

/* Links up, IPv6 off, offloads off: on the side whose sockets these are. */
static int
configure_link(struct sandbox *sb, int nl, int io, const char *iface)
{
	char err[256];

	if (disable_ipv6(sb, iface) == -1)
		return -1;
	if (ethtool_offload_disable(io, iface, err, sizeof(err)) == -1 ||
	    nl_link_set_up(nl, "lo", err, sizeof(err)) == -1 ||
	    nl_link_set_up(nl, iface, err, sizeof(err)) == -1)
		return sb_fail(sb, "%s", err);
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
		return sb_fail(sb, "%s", err);
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
		return sb_fail(sb, "%s%s", err, veth_hint(errno));
	if (configure_link(sb, nl, io, SANDBOX_CLIENT_IFACE) == -1)
		return -1;
	if (nl_addr_add_ipv4(nl, SANDBOX_CLIENT_IFACE, SANDBOX_CLIENT_ADDR,
	    SANDBOX_PREFIX_LEN, err, sizeof(err)) == -1)
		return sb_fail(sb, "%s", err);
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
		sb_fail(sb, "%s", err);
	else if ((io = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		sb_fail(sb, "socket(AF_INET) in netns B: %s", strerror(errno));
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

static int
build_network(struct sandbox *sb)
{
	int nl, io, rc = -1;
	char err[256];

	if (peer_sysctls(sb) == -1)
		return -1;
	if ((nl = nl_open(err, sizeof(err))) == -1)
		return sb_fail(sb, "%s", err);
	io = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (io == -1)
		sb_fail(sb, "socket(AF_INET): %s", strerror(errno));
	else if (build_client_side(sb, nl, io) == 0 &&
	    build_peer_side(sb) == 0)
		rc = wait_running(sb, nl, SANDBOX_CLIENT_IFACE);
	close(nl);
	if (io >= 0)
		close(io);
	return rc;
}

static void
reset(struct sandbox *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->peer_ns_fd = sb->client_ns_fd = -1;
	sb->orig_net_fd = sb->orig_pid_fd = -1;
	sb->life_fd = sb->init_pidfd = -1;
}

int
sandbox_open(struct sandbox *sb)
{
	int e;

	reset(sb);
	if (make_namespaces(sb) == -1 || start_init(sb) == -1 ||
	    build_network(sb) == -1) {
		e = errno;
		teardown(sb);
		errno = e;
		return -1;
	}
	sb->owner = getpid();
	sb->is_open = true;
	return 0;
}

__attribute__((noreturn))
static void
child_fail(int report, int e)
{
	/* If even this fails, the parent sees EOF and waitpid tells. */
	if (write(report, &e, sizeof(e)) != sizeof(e))
		_exit(126);
	_exit(127);
}

/* In the child: fds 0-3 as asked, everything else closed but report. */
static void
child_fds(const struct sandbox_spawn_opts *o, int report)
{
	int want[4] = { o->stdin_fd, o->stdout_fd, o->stderr_fd, o->extra_fd };
	int i;

	/* First move the sources out of 0-3 so no dup2 clobbers another. */
	for (i = 0; i < 4; i++)
		if (want[i] >= 0 &&
		    (want[i] = fcntl(want[i], F_DUPFD_CLOEXEC, 10)) == -1)
			child_fail(report, errno);
	for (i = 0; i < 4; i++)
		if (want[i] >= 0 && dup2(want[i], i) == -1)
			child_fail(report, errno);
	close_from(o->extra_fd >= 0 ? 4 : 3, report);
}

/*
 * A /proc that matches the PID namespace. With the host's, a process that
 * builds /proc/<getpid()> paths (LeakSanitizer at exit, ps) reads another
 * process, or none. Best effort: the host's still serves /proc/self.
 */
static void
private_proc(void)
{
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return;
	(void)mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    NULL);
}

__attribute__((noreturn))
static void
child_exec(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    const struct sandbox_spawn_opts *o, int report)
{
	sigset_t none;
	int sig;

	report = fcntl(report, F_DUPFD_CLOEXEC, 10);
	if (report == -1)
		_exit(127);
	if (side == SANDBOX_PEER_SIDE && setns(sb->peer_ns_fd,
	    CLONE_NEWNET) == -1)
		child_fail(report, errno);
	private_proc();
	child_fds(o, report);
	/* Ignored signals stay ignored across exec: not the caller's. */
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (o->new_pgrp && setpgid(0, 0) == -1)
		child_fail(report, errno);
	execvp(argv[0], argv);
	child_fail(report, errno);
}

/* Forget children the caller has reaped already, to make room. */
static void
prune_children(struct sandbox *sb)
{
	struct sandbox_child *c;
	siginfo_t si;
	size_t i = 0;

	while (i < sb->nchildren) {
		c = &sb->children[i];
		if (c->pidfd >= 0 && waitid((idtype_t)P_PIDFD, (id_t)c->pidfd,
		    &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
		    errno == ECHILD) {
			close(c->pidfd);
			*c = sb->children[--sb->nchildren];
		} else
			i++;
	}
}

pid_t
sandbox_spawn(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    const struct sandbox_spawn_opts *opts)
{
	const char *where = side == SANDBOX_PEER_SIDE ? "peer" : "client";
	static const struct sandbox_spawn_opts defaults =
	    SANDBOX_SPAWN_OPTS_INIT;
	struct sandbox_child *c;
	int rep[2], e;
	ssize_t n;
	pid_t pid;

	if (opts == NULL)
		opts = &defaults;
	if (!sb->is_open || argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return sb_fail(sb, "sandbox_spawn: no sandbox or no command");
	}
	prune_children(sb);
	if (sb->nchildren == SANDBOX_MAX_CHILDREN) {
		errno = ENOSPC;
		return sb_fail(sb, "cannot start %s: the sandbox already "
		    "tracks %d processes", argv[0], SANDBOX_MAX_CHILDREN);
	}
	if (pipe2(rep, O_CLOEXEC) == -1)
		return sb_fail(sb, "pipe2: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		child_exec(sb, side, argv, opts, rep[1]);
	e = errno;
	close(rep[1]);
	if (pid == -1) {
		close(rep[0]);
		errno = e;
		return sb_fail(sb, "cannot fork for %s: %s%s", argv[0],
		    strerror(e), e == ENOMEM ? " (the sandbox's init has "
		    "died, so its PID namespace takes no new process)" : "");
	}
	/* The report pipe is close-on-exec: EOF means the exec worked. */
	do {
		n = read(rep[0], &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	close(rep[0]);
	if (n == sizeof(e)) {
		(void)waitpid(pid, NULL, 0);
		errno = e;
		return sb_fail(sb, "cannot run %s on the %s side: %s",
		    argv[0], where, strerror(e));
	}
	c = &sb->children[sb->nchildren++];
	c->pid = pid;
	c->pidfd = pidfd_open(pid, 0);
	if (side == SANDBOX_PEER_SIDE)
		sb->peer_pid = pid;
	return pid;
}

pid_t
sandbox_spawn_peer_side(struct sandbox *sb, char *const argv[], int extra_fd)
{
	struct sandbox_spawn_opts o = SANDBOX_SPAWN_OPTS_INIT;

	o.extra_fd = extra_fd;
	return sandbox_spawn(sb, SANDBOX_PEER_SIDE, argv, &o);
}

pid_t
sandbox_spawn_client_side(struct sandbox *sb, char *const argv[])
{
	struct sandbox_spawn_opts o = SANDBOX_SPAWN_OPTS_INIT;

	return sandbox_spawn(sb, SANDBOX_CLIENT_SIDE, argv, &o);
}

/* Give the tracked children SANDBOX_TERM_GRACE_MS to exit on SIGTERM. */
static void
terminate_children(struct sandbox *sb)
{
	struct pollfd pfd[SANDBOX_MAX_CHILDREN];
	long deadline = now_ms() + SANDBOX_TERM_GRACE_MS;
	size_t i, n = 0;
	int left;

	for (i = 0; i < sb->nchildren; i++) {
		if (sb->children[i].pidfd < 0 || pidfd_send_signal(
		    sb->children[i].pidfd, SIGTERM, NULL, 0) == -1)
			continue;	/* gone, or reaped by the caller */
		pfd[n].fd = sb->children[i].pidfd;
		pfd[n++].events = POLLIN;
	}
	/* A pidfd polls readable once its process has exited. */
	while (n > 0 && (left = (int)(deadline - now_ms())) > 0) {
		if (poll(pfd, n, left) == -1 && errno != EINTR)
			return;
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				pfd[i--] = pfd[--n];
	}
}

static void
reap_children(struct sandbox *sb)
{
	struct sandbox_child *c;
	siginfo_t si;
	size_t i;

	for (i = 0; i < sb->nchildren; i++) {
		c = &sb->children[i];
		if (c->pidfd >= 0) {
			/* ECHILD: the caller reaped it already. */
			while (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si,
			    WEXITED) == -1 && errno == EINTR)
				;
			close(c->pidfd);
		} else
			while (waitpid(c->pid, NULL, 0) == -1 && errno == EINTR)
				;
	}
	sb->nchildren = 0;
}

/*
 * init dies only once every process of its namespace is reaped, and the
 * caller may have forked children of its own in there: wait a bounded time.
 */
static void
reap_init(struct sandbox *sb)
{
	struct pollfd p = { .fd = sb->init_pidfd, .events = POLLIN };

	if (sb->init_pidfd >= 0) {
		while (poll(&p, 1, INIT_REAP_TIMEOUT_MS) == -1 &&
		    errno == EINTR)
			;
		(void)waitpid(sb->init_pid, NULL, WNOHANG);
		close(sb->init_pidfd);
	} else
		(void)waitpid(sb->init_pid, NULL, 0);
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Undo whatever sandbox_open() got to; also the second half of close. */
static void
teardown(struct sandbox *sb)
{
	close_fd(&sb->life_fd);		/* init exits on EOF ... */
	if (sb->init_pid > 0) {
		kill(sb->init_pid, SIGKILL);	/* ... or now */
		reap_children(sb);
		reap_init(sb);
	}
	close_fd(&sb->peer_ns_fd);
	/* Root can go home: the netns A it leaves has nobody left in it. */
	if (sb->orig_net_fd >= 0)
		(void)setns(sb->orig_net_fd, CLONE_NEWNET);
	if (sb->orig_pid_fd >= 0)
		(void)setns(sb->orig_pid_fd, CLONE_NEWPID);
	close_fd(&sb->orig_net_fd);
	close_fd(&sb->orig_pid_fd);
	close_fd(&sb->client_ns_fd);
	sb->init_pid = sb->peer_pid = 0;
	sb->init_pidfd = -1;	/* closed by reap_init */
	sb->is_open = false;
}

/* A forked child's copy: drop the fds, leave the owner's sandbox alone. */
static void
forget(struct sandbox *sb)
{
	size_t i;

	for (i = 0; i < sb->nchildren; i++)
		close_fd(&sb->children[i].pidfd);
	close_fd(&sb->life_fd);
	close_fd(&sb->init_pidfd);
	close_fd(&sb->peer_ns_fd);
	close_fd(&sb->client_ns_fd);
	close_fd(&sb->orig_net_fd);
	close_fd(&sb->orig_pid_fd);
	sb->nchildren = 0;
	sb->init_pid = sb->peer_pid = 0;
	sb->is_open = false;
}

void
sandbox_close(struct sandbox *sb)
{
	if (!sb->is_open)
		return;
	if (getpid() != sb->owner) {
		forget(sb);
		return;
	}
	terminate_children(sb);
	teardown(sb);
}
