/*
 * agent_launch.c - lingerlab-agent started on a side of a sandbox, up to
 * its ready line (agent_launch.h). Nothing sleeps: the line is read with a
 * deadline, and a program that exits or stays silent is reported with
 * what it said and how it ended.
 */
#include "agent_launch.h"
#include "monotime.h"
#include "peer_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
echo(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (fd >= 0 && len > 0) {
		if ((n = write(fd, buf, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* output gone: a lost line is no failure */
		buf += n;
		len -= (size_t)n;
	}
}

static int
start(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    struct agent_proc *out, char *why, size_t whylen)
{
	struct sandbox_spawn_opts so = SANDBOX_SPAWN_OPTS_INIT;
	int p[2], null_fd;

	if (pipe2(p, O_CLOEXEC) == -1 ||
	    (null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "cannot prepare the agent's I/O: %s",
		    strerror(errno));
		return -1;
	}
	so.stdin_fd = null_fd;
	so.stdout_fd = p[1];
	so.new_pgrp = true; /* a ^C is for the command, not for it */
	out->pid = sandbox_spawn(sb, side, argv, &so);
	close(p[1]);
	close(null_fd);
	if (out->pid == -1) {
		snprintf(why, whylen, "cannot start %s: %s", argv[0],
		    sb->errbuf);
		close(p[0]);
		out->pid = 0;
		return -1;
	}
	out->out_fd = p[0];
	return 0;
}

/* It closed its stdout or stayed silent: stop it if need be, say how. */
static void
failed(struct agent_proc *a, const char *prog, bool silent, char *why,
    size_t whylen)
{
	char how[64];
	int status;

	if (silent)
		(void)kill(a->pid, SIGKILL);
	if (peer_reap_within(a->pid, &status, 2000) == a->pid) {
		peer_describe_status(status, how, sizeof(how));
		a->pid = 0;
	} else
		snprintf(how, sizeof(how), "still running");
	if (silent)
		snprintf(why, whylen,
		    "%s printed no \"" AGENT_READY_PREFIX
		    "\" line within %d ms (stopped: %s)",
		    prog, AGENT_READY_TIMEOUT_MS, how);
	else
		snprintf(why, whylen,
		    "%s ended before it was ready (%s); its "
		    "messages, if any, are above",
		    prog, how);
}

/* Echo the complete lines before the ready one. 1 once it came. */
static int
take_lines(struct agent_proc *a, int echo_fd, char *buf, size_t *have)
{
	bool ready;
	char *nl;
	size_t l;

	while ((nl = memchr(buf, '\n', *have)) != NULL) {
		l = (size_t)(nl - buf);
		ready = strncmp(buf, AGENT_READY_PREFIX,
			    strlen(AGENT_READY_PREFIX)) == 0;
		if (ready)
			snprintf(a->ready_line, sizeof(a->ready_line), "%.*s",
			    (int)(l > 0 && buf[l - 1] == '\r' ? l - 1 : l),
			    buf);
		echo(echo_fd, buf, l + 1);
		memmove(buf, nl + 1, *have - l - 1);
		*have -= l + 1;
		if (ready) {
			echo(echo_fd, buf, *have);
			return 1;
		}
	}
	return 0;
}

int
agent_launch(struct sandbox *sb, enum sandbox_side side, char *const argv[],
    int echo_fd, struct agent_proc *out, char *why, size_t whylen)
{
	int64_t deadline = monotime_ms() + AGENT_READY_TIMEOUT_MS;
	struct pollfd pfd = { .events = POLLIN };
	char buf[4096];
	size_t have = 0;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	out->out_fd = -1;
	if (start(sb, side, argv, out, why, whylen) == -1)
		return -1;
	pfd.fd = out->out_fd;
	while (monotime_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if ((n = read(out->out_fd, buf + have,
			 sizeof(buf) - 1 - have)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		if (take_lines(out, echo_fd, buf, &have) == 1)
			return 0;
		if (have == sizeof(buf) - 1) {
			echo(echo_fd, buf, have);
			have = 0; /* an endless line: not the ready one */
		}
	}
	failed(out, argv[0], monotime_ms() >= deadline, why, whylen);
	close(out->out_fd);
	out->out_fd = -1;
	return -1;
}
