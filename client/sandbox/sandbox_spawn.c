/*
 * sandbox_spawn.c - starting processes inside the sandbox: on either side,
 * in its PID namespace (so they die with it), with only the descriptors
 * asked for and clean signal dispositions.
 *
 * A failed exec is reported through a close-on-exec pipe, so the caller
 * learns ENOENT and friends from sandbox_spawn() itself rather than from
 * an exit status later.
 */
#include "fd_close.h"
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noreturn)) static void
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
	close_fds_except(o->extra_fd >= 0 ? 4 : 3, &report, 1);
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

__attribute__((noreturn)) static void
child_exec(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    const struct sandbox_spawn_opts *o, int report)
{
	sigset_t none;
	int sig;

	report = fcntl(report, F_DUPFD_CLOEXEC, 10);
	if (report == -1)
		_exit(127);
	if (side == SANDBOX_PEER_SIDE &&
	    setns(sb->peer_ns_fd, CLONE_NEWNET) == -1)
		child_fail(report, errno);
	if (side == SANDBOX_RUNNER_SIDE &&
	    (sb->runner_ns_fd < 0 ||
		setns(sb->runner_ns_fd, CLONE_NEWNET) == -1))
		child_fail(report, sb->runner_ns_fd < 0 ? EINVAL : errno);
	/* A lab's sides keep clocks of their own (sandbox_lab.c). */
	if (side != SANDBOX_RUNNER_SIDE && sb->time_ns_fd[side] >= 0 &&
	    setns(sb->time_ns_fd[side], CLONE_NEWTIME) == -1)
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
		if (c->pidfd >= 0 &&
		    waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si,
			WEXITED | WNOHANG | WNOWAIT) == -1 &&
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
	const char *where = side == SANDBOX_PEER_SIDE ? "peer"
	    : side == SANDBOX_RUNNER_SIDE	      ? "runner"
						      : "client";
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
		return sandbox_fail(sb,
		    "sandbox_spawn: no sandbox or no "
		    "command");
	}
	prune_children(sb);
	if (sb->nchildren == SANDBOX_MAX_CHILDREN) {
		errno = ENOSPC;
		return sandbox_fail(sb,
		    "cannot start %s: the sandbox already "
		    "tracks %d processes",
		    argv[0], SANDBOX_MAX_CHILDREN);
	}
	if (pipe2(rep, O_CLOEXEC) == -1)
		return sandbox_fail(sb, "pipe2: %s", strerror(errno));
	pid = fork();
	if (pid == 0)
		child_exec(sb, side, argv, opts, rep[1]);
	e = errno;
	close(rep[1]);
	if (pid == -1) {
		close(rep[0]);
		errno = e;
		return sandbox_fail(sb, "cannot fork for %s: %s%s", argv[0],
		    strerror(e),
		    e == ENOMEM
			? " (the sandbox's init has "
			  "died, so its PID namespace takes no new process)"
			: "");
	}
	/* The report pipe is close-on-exec: EOF means the exec worked. */
	do {
		n = read(rep[0], &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	close(rep[0]);
	if (n == sizeof(e)) {
		(void)waitpid(pid, NULL, 0);
		errno = e;
		return sandbox_fail(sb, "cannot run %s on the %s side: %s",
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
