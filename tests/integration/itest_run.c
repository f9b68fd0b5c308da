/*
 * itest_run.c - a program run with its output collected under a deadline
 * (itest_run.h), for the integration tests that run lingerlab as a user.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest_run.h"
#include "monotime.h"

#define OUT_START (1u << 16)

void
itest_proc_start(struct itest_proc *p, char *const argv[],
    const struct itest_proc_opts *opts)
{
	int op[2], ep[2], in = -1;

	memset(p, 0, sizeof(*p));
	if (opts != NULL)
		p->opts = *opts;
	p->ocap = p->ecap = OUT_START;
	p->out = calloc(1, p->ocap);
	p->err = calloc(1, p->ecap);
	assert_true(p->out != NULL && p->err != NULL);
	assert_int_equal(pipe2(op, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ep, O_CLOEXEC), 0);
	if (p->opts.stdin_path != NULL) {
		in = open(p->opts.stdin_path, O_RDONLY | O_CLOEXEC);
		assert_true(in >= 0);
	}
	fflush(NULL);
	p->t0 = monotime_ms();
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		if (p->opts.own_group)
			setpgid(0, 0);
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		dup2(op[1], STDOUT_FILENO);
		dup2(ep[1], STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	if (p->opts.own_group)
		setpgid(p->pid, p->pid); /* either of us may be first */
	if (in >= 0)
		close(in);
	close(op[1]);
	close(ep[1]);
	p->ofd = op[0];
	p->efd = ep[0];
	p->status = -1;
}

/* Room for more in a stream's buffer: grown, or 0 past ITEST_OUT_MAX. */
static size_t
room(char **buf, size_t *cap, size_t len)
{
	char *nb;

	if (*cap - 1 - len > 0)
		return *cap - 1 - len;
	if (*cap >= ITEST_OUT_MAX)
		return 0;
	if ((nb = realloc(*buf, *cap * 2)) == NULL)
		return 0; /* dropped, like past the limit */
	*buf = nb;
	*cap *= 2;
	return *cap - 1 - len;
}

/* Read what is there from *fd into the buffer; closed and -1 at EOF. */
static void
pump(int *fd, char **buf, size_t *cap, size_t *len)
{
	char drop[4096];
	size_t r = room(buf, cap, *len);
	ssize_t n;

	n = r > 0 ? read(*fd, *buf + *len, r) : read(*fd, drop, sizeof(drop));
	if (n == -1 && errno == EINTR)
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (r == 0)
		return;
	*len += (size_t)n;
	(*buf)[*len] = '\0';
}

/* Hand each complete stdout line not yet handed to on_line. */
static void
take_lines(struct itest_proc *p, int64_t now)
{
	char *l, *nl;

	while ((nl = memchr(p->out + p->line_off, '\n',
		    p->olen - p->line_off)) != NULL) {
		l = p->out + p->line_off;
		p->opts.on_line(p, l, (size_t)(nl - l), now - p->t0,
		    p->opts.arg);
		p->line_off = (size_t)(nl - p->out) + 1;
	}
}

static bool
seen(const struct itest_proc *p, const char *text)
{
	return strstr(p->out, text) != NULL || strstr(p->err, text) != NULL;
}

bool
itest_proc_read_until(struct itest_proc *p, const char *text,
    int64_t timeout_ms)
{
	int64_t until = monotime_ms() + timeout_ms;
	struct pollfd f[2];

	while (p->ofd >= 0 || p->efd >= 0) {
		if (text != NULL && seen(p, text))
			return true;
		if (monotime_ms() >= until)
			return false;
		f[0] = (struct pollfd){ .fd = p->ofd, .events = POLLIN };
		f[1] = (struct pollfd){ .fd = p->efd, .events = POLLIN };
		if (poll(f, 2, (int)(until - monotime_ms())) <= 0)
			continue;
		if (f[0].revents != 0) {
			pump(&p->ofd, &p->out, &p->ocap, &p->olen);
			if (p->opts.on_line != NULL)
				take_lines(p, monotime_ms());
		}
		if (f[1].revents != 0)
			pump(&p->efd, &p->err, &p->ecap, &p->elen);
	}
	return text == NULL || seen(p, text);
}

void
itest_proc_kill(const struct itest_proc *p, int sig)
{
	(void)kill(p->opts.own_group ? -p->pid : p->pid, sig);
}

void
itest_proc_finish(struct itest_proc *p, int64_t timeout_ms)
{
	int status = 0;
	pid_t r;

	if (!itest_proc_read_until(p, NULL, timeout_ms))
		itest_proc_kill(p, SIGKILL); /* it hung: the checks say so */
	while ((r = waitpid(p->pid, &status, 0)) == -1 && errno == EINTR)
		;
	p->ms = (long)(monotime_ms() - p->t0);
	p->status = r == p->pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (p->ofd >= 0)
		close(p->ofd);
	if (p->efd >= 0)
		close(p->efd);
	p->ofd = p->efd = -1;
}

void
itest_proc_free(struct itest_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

void
itest_run(char *const argv[], struct itest_proc *p, int64_t timeout_ms)
{
	itest_proc_start(p, argv, NULL);
	itest_proc_finish(p, timeout_ms);
}

static void
on_alarm(int sig)
{
	(void)sig; /* only to interrupt waitpid() */
}

bool
itest_reap_all(int timeout_s)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	pid_t r;

	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0); /* no SA_RESTART */
	alarm((unsigned)timeout_s);
	while ((r = waitpid(-1, NULL, 0)) > 0)
		;
	alarm(0);
	return r == -1 && errno == ECHILD;
}

void
itest_proc_skip_if_unavailable(const struct itest_proc *p)
{
	if (p->status != 3)
		return;
	print_message("SKIP: lingerlab cannot set up a sandbox here: %s%s\n",
	    p->err, p->out);
	skip();
}

void
itest_proc_expect_status(const struct itest_proc *p, int want)
{
	if (p->status != want)
		fail_msg(
		    "lingerlab exited %d, not %d\nstdout:\n%s\nstderr:\n%s",
		    p->status, want, p->out, p->err);
}

void
itest_proc_expect_text(const struct itest_proc *p, const char *what)
{
	if (strstr(p->out, what) == NULL && strstr(p->err, what) == NULL)
		fail_msg(
		    "no '%s' in lingerlab's output\nstdout:\n%s\nstderr:\n%s",
		    what, p->out, p->err);
}

int
itest_become_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return -1;
	}
	return 0;
}

int
itest_tmpdir_make(char *tmpl)
{
	return mkdtemp(tmpl) == NULL ? -1 : 0;
}

int
itest_tmpdir_remove(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}
