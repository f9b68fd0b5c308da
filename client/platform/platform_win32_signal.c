/*
 * platform_win32_signal.c - the `signal after D` step on Windows, which
 * has no signals to deliver into a blocked call. What a Windows program
 * does instead to bound a blocking socket call with its own timer is to
 * end that call from the timer: CancelIoEx on the socket, which makes
 * a blocked recv or send return with the error of cancelled I/O (under
 * Wine 8.0 WSA_OPERATION_ABORTED, 995; on Windows to be measured), the
 * way SIGALRM without SA_RESTART makes it return EINTR on POSIX; a wait
 * of ours (connect, accept) fails WSAEINTR. So the step arms a one-shot
 * waitable timer; when it fires, a thread of ours notes the time and
 * ends the call in progress, if there is one, once: a timer that fires
 * between two steps interrupts nothing, as a signal would not.
 *
 * The alternatives were weighed under Wine 8.0 and against the
 * references (docs/windows.md, "signal after"): a user APC (QueueUserAPC)
 * reaches only an alertable wait, which Winsock's blocking calls are not
 * documented to make, and under Wine it ended nothing; CancelSynchronousIo
 * cancels synchronous file I/O, which a socket's is not (Wine:
 * ERROR_NOT_FOUND); WSACancelBlockingCall was removed in Winsock 2.
 * A closesocket() that lingers is not I/O that can be cancelled: the
 * timer then only records when it fired.
 *
 * The thread is made by plat_net_init() (plat_win32_signal_init), so the
 * threads probe does not see it appear when a scenario first uses it.
 */
#include "platform.h"
#include "platform_win32_int.h"

#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "timeunit.h"

#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif

static HANDLE timer;
static volatile LONG handled;
static volatile LONG64 handled_ns;

static DWORD WINAPI
timer_thread(LPVOID arg)
{
	(void)arg;
	for (;;) {
		if (WaitForSingleObject(timer, INFINITE) != WAIT_OBJECT_0)
			return 1;
		InterlockedExchange64(&handled_ns, (LONG64)plat_now_ns());
		InterlockedExchange(&handled, 1);
		plat_win32_cancel_call();
	}
}

/* A high-resolution timer where Windows has one (10 1803 and later); the
 * 15.6 ms tick of an ordinary one otherwise. */
static HANDLE
make_timer(void)
{
	HANDLE t = CreateWaitableTimerExW(NULL, NULL,
	    CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, TIMER_ALL_ACCESS);

	return t != NULL ? t : CreateWaitableTimerW(NULL, FALSE, NULL);
}

int
plat_win32_signal_init(char *err, size_t errlen)
{
	HANDLE th;

	if ((timer = make_timer()) == NULL) {
		snprintf(err, errlen,
		    "cannot make a waitable timer (Windows "
		    "error %lu)",
		    GetLastError());
		return -1;
	}
	if ((th = CreateThread(NULL, 0, timer_thread, NULL, 0, NULL)) == NULL) {
		snprintf(err, errlen,
		    "cannot start the timer thread (Windows "
		    "error %lu)",
		    GetLastError());
		return -1;
	}
	CloseHandle(th);
	return 0;
}

void
plat_signal_after(uint64_t after_ns, struct plat_call *c)
{
	LARGE_INTEGER due;

	memset(c, 0, sizeof(*c));
	InterlockedExchange(&handled, 0);
	InterlockedExchange64(&handled_ns, 0);
	/* Negative: relative, in 100 ns units; at least one. */
	due.QuadPart = -(LONGLONG)(after_ns / 100 > 0 ? after_ns / 100 : 1);
	c->t_start_ns = plat_now_ns();
	if (timer == NULL ||
	    !SetWaitableTimer(timer, &due, 0, NULL, NULL, FALSE)) {
		c->ret = -1;
		c->err =
		    timer == NULL ? WSANOTINITIALISED : (int)GetLastError();
		plat_err_name(c->err, c->err_name, sizeof(c->err_name));
	}
	c->t_end_ns = plat_now_ns();
}

uint64_t
plat_signal_handled_ns(void)
{
	return InterlockedCompareExchange(&handled, 0, 0) != 0
	    ? (uint64_t)InterlockedCompareExchange64(&handled_ns, 0, 0)
	    : 0;
}

void
plat_signal_cancel(void)
{
	if (timer != NULL)
		(void)CancelWaitableTimer(timer);
}
