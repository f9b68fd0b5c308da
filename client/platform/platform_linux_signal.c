/*
 * platform_linux_signal.c - the `signal after D` step on Linux: SIGALRM
 * from a one-shot ITIMER_REAL, caught by a handler installed without
 * SA_RESTART, so that a close() lingering when it fires is interrupted the
 * way a program's own timer would interrupt it.
 *
 * The handler only notes the time (clock_gettime is async-signal-safe).
 * The runner's own waits (poll, read, waitpid) already retry on EINTR, so
 * a signal that fires between two steps disturbs nothing but the call the
 * scenario is making.
 */
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "timeunit.h"

/* Signal flags: written by the handler, read by the runner. */
static volatile sig_atomic_t handled;
static volatile uint64_t handled_ns;

static void
on_alarm(int sig)
{
	struct timespec ts;
	int e = errno;

	(void)sig;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	handled_ns = (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
	handled = 1;
	errno = e;
}

void
plat_signal_after(uint64_t after_ns, struct plat_call *c)
{
	struct sigaction sa;
	struct itimerval it;

	memset(c, 0, sizeof(*c));
	memset(&sa, 0, sizeof(sa));
	memset(&it, 0, sizeof(it));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: interrupting is the point */
	it.it_value.tv_sec = (time_t)(after_ns / NS_PER_S);
	it.it_value.tv_usec = (suseconds_t)(after_ns % NS_PER_S / NS_PER_US);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1; /* 0 would disarm the timer */
	handled = 0;
	handled_ns = 0;
	c->t_start_ns = plat_now_ns();
	if (sigaction(SIGALRM, &sa, NULL) == -1 ||
	    setitimer(ITIMER_REAL, &it, NULL) == -1) {
		c->err = errno;
		c->ret = -1;
		plat_err_name(c->err, c->err_name, sizeof(c->err_name));
	}
	c->t_end_ns = plat_now_ns();
}

uint64_t
plat_signal_handled_ns(void)
{
	return handled ? handled_ns : 0;
}

void
plat_signal_cancel(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	(void)setitimer(ITIMER_REAL, &it, NULL);
}
