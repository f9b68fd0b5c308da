/*
 * peer_launch.c - lingerpeer on the peer side of a sandbox (see
 * peer_launch.h).
 */
#include "peer_launch.h"
#include "monotime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (fd >= 0 && len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* output gone: a lost line is no failure */
		buf += n;
		len -= (size_t)n;
	}
}

const char *
peer_launch_path(const char *fallback)
{
	const char *env = getenv("LINGERPEER");

	return env != NULL && *env != '\0' ? env : fallback;
}

void
peer_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status %#x", status);
}

static int
build_argv(const struct peer_launch_opts *o, char **argv, char *why,
    size_t whylen)
{
	size_t n = 0, i;

	argv[n++] = (char *)o->path;
	argv[n++] = "--iface";
	argv[n++] = SANDBOX_PEER_IFACE;
	argv[n++] = "--addr";
	argv[n++] = (char *)(o->addr != NULL ? o->addr : SANDBOX_PEER_ADDR);
	if (o->control_fd >= 0) {
		argv[n++] = "--control";
		argv[n++] = "fd:3";
	}
	for (i = 0; o->args != NULL && o->args[i] != NULL; i++) {
		if (i == PEER_LAUNCH_MAX_ARGS) {
			snprintf(why, whylen,
			    "more than %d lingerpeer arguments",
			    PEER_LAUNCH_MAX_ARGS);
			errno = E2BIG;
			return -1;
		}
		argv[n++] = (char *)o->args[i];
	}
	argv[n] = NULL;
	return 0;
}

int
peer_launch_start(struct sandbox *sb, const struct peer_launch_opts *o,
    struct peer_proc *out, char *why, size_t whylen)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	char *argv[PEER_LAUNCH_MAX_ARGS + 8];
	int pipefd[2], null_fd = -1, e;

	memset(out, 0, sizeof(*out));
	out->out_fd = -1;
	if (build_argv(o, argv, why, whylen) == -1)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) == -1 ||
	    (o->detach &&
		(null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)) {
		e = errno;
		snprintf(why, whylen, "cannot prepare lingerpeer's I/O: %s",
		    strerror(e));
		errno = e;
		return -1;
	}
	so.stdin_fd = null_fd;
	so.stdout_fd = pipefd[1];
	so.extra_fd = o->control_fd;
	so.new_pgrp = o->detach;
	out->pid = sandbox_spawn(sb, SANDBOX_PEER_SIDE, argv, &so);
	e = errno;
	close(pipefd[1]);
	if (null_fd >= 0)
		close(null_fd);
	if (out->pid == -1) {
		snprintf(why, whylen, "cannot start %s: %s", o->path,
		    sb->errbuf);
		close(pipefd[0]);
		out->pid = 0;
		errno = e;
		return -1;
	}
	out->out_fd = pipefd[0];
	return 0;
}

/*
 * A pidfd lets poll() wake us at the exit itself; kernels without one get
 * a WNOHANG loop.
 */
pid_t
peer_reap_within(pid_t pid, int *status, int timeout_ms)
{
	int64_t deadline = monotime_ms() + timeout_ms;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r != 0 || monotime_ms() >= deadline)
			break;
		if (fd >= 0)
			poll(&pfd, 1, (int)(deadline - monotime_ms()));
		else
			nanosleep(&tick, NULL);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/*
 * It closed its stdout: reap it if it exited, and say how. A stand-in that
 * closes stdout and lives on must not hang us: give it a second.
 */
static void
closed_stdout(struct peer_proc *p, char *why, size_t whylen)
{
	char how[64];
	int status;
	pid_t r;

	r = peer_reap_within(p->pid, &status, 1000);
	if (r != p->pid) {
		snprintf(why, whylen,
		    "lingerpeer closed its output before it "
		    "was ready");
		return;
	}
	p->pid = 0;
	peer_describe_status(status, how, sizeof(how));
	snprintf(why, whylen, "lingerpeer exited before it was ready (%s)",
	    how);
}

/*
 * Take the complete lines in buf[0..*have): echo them, keep the ready one.
 * Returns 1 once the ready line has gone by (the rest echoed too).
 */
static int
take_lines(struct peer_proc *p, const struct peer_launch_opts *o, char *buf,
    size_t *have)
{
	size_t l;
	char *nl;
	bool ready;

	while ((nl = memchr(buf, '\n', *have)) != NULL) {
		l = (size_t)(nl - buf);
		ready = strncmp(buf, PEER_READY_PREFIX,
			    strlen(PEER_READY_PREFIX)) == 0;
		if (ready)
			snprintf(p->ready_line, sizeof(p->ready_line), "%.*s",
			    (int)l, buf);
		if (!ready || o->echo_ready)
			write_all(o->echo_fd, buf, l + 1);
		memmove(buf, nl + 1, *have - l - 1);
		*have -= l + 1;
		if (ready) {
			write_all(o->echo_fd, buf, *have);
			return 1;
		}
	}
	return 0;
}

int
peer_launch_wait_ready(struct peer_proc *p, const struct peer_launch_opts *o,
    char *why, size_t whylen)
{
	struct pollfd pfd[2] = {
		{ .fd = p->out_fd, .events = POLLIN },
		{ .fd = o->interrupt_fd, .events = POLLIN },
	};
	int64_t deadline = monotime_ms() + PEER_READY_TIMEOUT_MS;
	char buf[4096];
	size_t have = 0;
	ssize_t n;

	while (monotime_ms() < deadline) {
		if (poll(pfd, 2, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if (pfd[1].revents != 0) {
			snprintf(why, whylen,
			    "interrupted while waiting for "
			    "lingerpeer's ready line");
			return -1;
		}
		n = read(p->out_fd, buf + have, sizeof(buf) - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			closed_stdout(p, why, whylen);
			return -1;
		}
		have += (size_t)n;
		if (take_lines(p, o, buf, &have) == 1)
			return 0;
		if (have == sizeof(buf) - 1) {
			write_all(o->echo_fd, buf, have);
			have = 0; /* an endless line: not the ready one */
		}
	}
	snprintf(why, whylen,
	    "lingerpeer printed no \"" PEER_READY_PREFIX "\" line within %d ms",
	    PEER_READY_TIMEOUT_MS);
	return -1;
}

int
peer_launch_pump(int from, int to)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) == -1 && errno == EINTR)
		;
	if (n <= 0)
		return -1;
	write_all(to, buf, (size_t)n);
	return 0;
}

int
peer_launch_control_listen(const char *tag, char *endpoint, size_t len,
    char *why, size_t whylen)
{
	static unsigned int counter;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t salen;
	int fd, n;

	n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
	    "lingerlab-%s-%d-%u", tag, (int)getpid(), ++counter);
	salen =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, salen) == -1 ||
	    listen(fd, 16) == -1) {
		snprintf(why, whylen,
		    "cannot make lingerpeer's control socket @%s: %s",
		    sa.sun_path + 1, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(endpoint, len, "unix:@%s", sa.sun_path + 1);
	return fd;
}
