/*
 * sandbox.c - two anonymous network namespaces joined by a veth pair, and a
 * PID namespace that takes every process the sandbox started with it when
 * the caller dies (see sandbox.h for the picture and the caveats).
 *
 * This file makes the namespaces and their init, and takes them down;
 * sandbox_net.c builds the network inside them and sandbox_spawn.c starts
 * processes there.
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
#include "fd_close.h"
#include "sandbox_int.h"
#include "monotime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_REAP_TIMEOUT_MS 2000

static void teardown(struct sandbox *sb);

int
sandbox_fail(struct sandbox *sb, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sb->errbuf, sizeof(sb->errbuf), fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int
sandbox_write_text(const char *path, const char *text)
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

static const char *
userns_hint(int e)
{
	switch (e) {
	case EINVAL:
		return " (the process already runs threads: call sandbox_open "
		       "before starting any)";
	case ENOSPC:
		return " (the limit user.max_user_namespaces is 0 or reached)";
	case EUSERS: return " (user namespaces are nested too deep)";
	case EPERM:
		return " (unprivileged user namespaces are disabled, or a "
		       "seccomp or LSM policy forbids them)";
	default: return "";
	}
}

static int
fail_unavailable(struct sandbox *sb, int root_err, int user_err,
    const char *step)
{
	char as_root[160] = "";

	if (root_err != 0)
		snprintf(as_root, sizeof(as_root),
		    "as root, unshare("
		    "CLONE_NEWNET|CLONE_NEWPID) failed: %s%s; then ",
		    strerror(root_err),
		    root_err == EPERM ? " (no CAP_SYS_ADMIN: a container?)"
			: root_err == ENOSPC
			? " (user.max_net_namespaces or max_pid_namespaces is 0)"
			: "");
	errno = user_err;
	return sandbox_fail(sb,
	    "no sandbox possible: %s%s failed: %s%s. "
	    "Run as root, or allow unprivileged user namespaces "
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
	e = sandbox_write_text("/proc/self/setgroups", "deny");
	if (e != 0 && e != ENOENT)
		return fail_unavailable(sb, root_err, e,
		    "writing /proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	if ((e = sandbox_write_text("/proc/self/uid_map", map)) != 0)
		return fail_unavailable(sb, root_err, e,
		    e == EACCES
			? "writing /proc/self/uid_map (process not dumpable after "
			  "a uid change? exec first or prctl(PR_SET_DUMPABLE, 1))"
			: "writing /proc/self/uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	if ((e = sandbox_write_text("/proc/self/gid_map", map)) != 0)
		return fail_unavailable(sb, root_err, e,
		    "writing /proc/self/gid_map");
	return 0;
}

static int
open_ns(struct sandbox *sb, const char *path, int *out)
{
	*out = open(path, O_RDONLY | O_CLOEXEC);
	if (*out == -1)
		return sandbox_fail(sb,
		    "cannot open %s: %s; /proc must be "
		    "mounted",
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
	sb->mode = SANDBOX_USERNS; /* from here on, for good */
	if (unshare(CLONE_NEWNET | CLONE_NEWPID) == -1)
		return fail_unavailable(sb, root_err, errno,
		    errno == ENOSPC
			? "unshare(CLONE_NEWNET|CLONE_NEWPID) in a user namespace "
			  "(user.max_net_namespaces or max_pid_namespaces is 0?)"
			: "unshare(CLONE_NEWNET|CLONE_NEWPID) in a user namespace");
	return open_ns(sb, "/proc/self/ns/net", &sb->client_ns_fd);
}

/* Any event on a pipe nobody writes to means its write end closed. */
static bool
pipe_hung_up(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) != 0;
}

__attribute__((noreturn)) static void
init_main(int life_rd, int life_wr, int ready_wr)
{
	ssize_t n;
	char c;
	int e = 0;

	close(life_wr);
	(void)prctl(PR_SET_NAME, "sandbox-init"); /* for ps(1) */
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
	close_fds_except(0, &life_rd, 1);
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
		return sandbox_fail(sb, "pipe2: %s", strerror(errno));
	if (pipe2(ready, O_CLOEXEC) == -1) {
		close(life[0]);
		close(life[1]);
		return sandbox_fail(sb, "pipe2: %s", strerror(errno));
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
		return sandbox_fail(sb, "cannot fork the sandbox's init: %s",
		    strerror(e));
	}
	sb->init_pidfd = pidfd_open(sb->init_pid, 0);
	do {
		n = read(ready[0], &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	close(ready[0]);
	if (n != sizeof(e))
		return sandbox_fail(sb, "the sandbox's init died during setup");
	if (e != 0) {
		errno = e;
		return sandbox_fail(sb,
		    "the sandbox's init could not create "
		    "the peer network namespace: %s",
		    strerror(e));
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)sb->init_pid);
	return open_ns(sb, path, &sb->peer_ns_fd);
}

static void
reset(struct sandbox *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->peer_ns_fd = sb->client_ns_fd = -1;
	sb->runner_ns_fd = sb->time_ns_fd[0] = sb->time_ns_fd[1] = -1;
	sb->orig_net_fd = sb->orig_pid_fd = -1;
	sb->life_fd = sb->init_pidfd = -1;
}

int
sandbox_open(struct sandbox *sb)
{
	return sandbox_open_with(sb, NULL);
}

int
sandbox_open_with(struct sandbox *sb, const struct sandbox_opts *opts)
{
	int e;

	reset(sb);
	sb->keep_offloads = opts != NULL && opts->keep_offloads;
	if (make_namespaces(sb) == -1 || start_init(sb) == -1 ||
	    sandbox_build_network(sb) == -1 ||
	    (opts != NULL && opts->lab && sandbox_build_lab(sb) == -1)) {
		e = errno;
		teardown(sb);
		errno = e;
		return -1;
	}
	sb->owner = getpid();
	sb->is_open = true;
	return 0;
}

/* Give the tracked children SANDBOX_TERM_GRACE_MS to exit on SIGTERM. */
static void
terminate_children(struct sandbox *sb)
{
	struct pollfd pfd[SANDBOX_MAX_CHILDREN];
	int64_t deadline = monotime_ms() + SANDBOX_TERM_GRACE_MS;
	size_t i, n = 0;
	int left;

	for (i = 0; i < sb->nchildren; i++) {
		if (sb->children[i].pidfd < 0 ||
		    pidfd_send_signal(sb->children[i].pidfd, SIGTERM, NULL,
			0) == -1)
			continue; /* gone, or reaped by the caller */
		pfd[n].fd = sb->children[i].pidfd;
		pfd[n++].events = POLLIN;
	}
	/* A pidfd polls readable once its process has exited. */
	while (n > 0 && (left = (int)(deadline - monotime_ms())) > 0) {
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
				   WEXITED) == -1 &&
			    errno == EINTR)
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
		while (
		    poll(&p, 1, INIT_REAP_TIMEOUT_MS) == -1 && errno == EINTR)
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
	close_fd(&sb->life_fd); /* init exits on EOF ... */
	if (sb->init_pid > 0) {
		kill(sb->init_pid, SIGKILL); /* ... or now */
		reap_children(sb);
		reap_init(sb);
	}
	close_fd(&sb->peer_ns_fd);
	close_fd(&sb->runner_ns_fd);
	close_fd(&sb->time_ns_fd[0]);
	close_fd(&sb->time_ns_fd[1]);
	/* Root can go home: the netns A it leaves has nobody left in it. */
	if (sb->orig_net_fd >= 0)
		(void)setns(sb->orig_net_fd, CLONE_NEWNET);
	if (sb->orig_pid_fd >= 0)
		(void)setns(sb->orig_pid_fd, CLONE_NEWPID);
	close_fd(&sb->orig_net_fd);
	close_fd(&sb->orig_pid_fd);
	close_fd(&sb->client_ns_fd);
	sb->init_pid = sb->peer_pid = 0;
	sb->init_pidfd = -1; /* closed by reap_init */
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
	close_fd(&sb->runner_ns_fd);
	close_fd(&sb->time_ns_fd[0]);
	close_fd(&sb->time_ns_fd[1]);
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
