/*
 * platform_win32_watch.c - the watcher of platform_net.h on Windows: one
 * thread, made at start, that watches the runner's connection while a
 * step that may block runs in the main thread, and ends the step if the
 * runner goes away or the agent is told to stop, so that a recv() on a
 * silent connection or a send() to a peer that stopped reading returns
 * instead of holding the agent (and every later runner) for ever.
 *
 * Ending the step: shutdown() does not wake a recv() blocked in Winsock
 * (measured under Wine 8.0, SD_RECEIVE and SD_BOTH alike), so the step's
 * socket has its I/O cancelled (CancelIoEx), and a wait of our own
 * (connect, accept) sees the interruption (platform_win32_int.h). A
 * cancel that comes before the main thread has entered its call finds no
 * I/O to cancel: it is repeated every CANCEL_EVERY_MS until the step ends.
 * Nothing is sent by it; the session's reset follows, a RST.
 *
 * A runner speaks only after its reply, so bytes from it during a step
 * are its next request sent early: they are left for the main thread,
 * and the connection is not watched further (Windows has no POLLRDHUP to
 * tell its close apart behind them); the close is then seen when the
 * step ends, as on POSIX systems without POLLRDHUP.
 */
#include "platform_net.h"
#include "platform_win32_int.h"

#include <windows.h>

#include <stdio.h>

#define CANCEL_EVERY_MS 20

enum wstate { W_IDLE, W_WATCHING };

static SRWLOCK mu = SRWLOCK_INIT;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static enum wstate state = W_IDLE;
static SOCKET w_conn = INVALID_SOCKET;
static plat_sock w_sock = PLAT_SOCK_NONE;
static bool w_gone;
static HANDLE wake_ev;	  /* the main thread: "the step is over" */
static HANDLE stop_ev;	  /* set: the agent must stop */
static HANDLE session_ev; /* the runner's connection has news */
static bool started;

/* 1 the runner is gone, 2 it sent bytes (for later), 0 nothing yet. */
static int
runner_news(SOCKET conn)
{
	struct timeval zero = { 0, 0 };
	fd_set rd;
	char c;
	int n;

	FD_ZERO(&rd);
	FD_SET(conn, &rd);
	n = select(0, &rd, NULL, NULL, &zero);
	if (n == SOCKET_ERROR)
		return 1;
	if (n == 0)
		return 0;
	n = recv(conn, &c, 1, MSG_PEEK);
	if (n > 0)
		return 2;
	return n == 0 || WSAGetLastError() != WSAEWOULDBLOCK ? 1 : 0;
}

/* One step: until the main thread says it is over. */
static void
watch(SOCKET conn, plat_sock sock)
{
	HANDLE evs[3] = { wake_ev, stop_ev, session_ev };
	bool watching = true, gone = false;
	DWORD r;
	int news;

	for (;;) {
		if (!gone) {
			/* Reset first: what comes after the look wakes us. */
			ResetEvent(session_ev);
			news = watching ? runner_news(conn) : 0;
			if (news == 2)
				watching = false;
			gone = news == 1 ||
			    WaitForSingleObject(stop_ev, 0) == WAIT_OBJECT_0;
			if (gone) {
				AcquireSRWLockExclusive(&mu);
				w_gone = true;
				ReleaseSRWLockExclusive(&mu);
			}
		}
		if (gone)
			plat_win32_cancel(sock);
		r = WaitForMultipleObjects(gone ? 1
			: watching		? 3
						: 2,
		    evs, FALSE, gone ? CANCEL_EVERY_MS : INFINITE);
		if (r == WAIT_OBJECT_0 || r == WAIT_FAILED)
			return; /* over (or unwatched from here) */
	}
}

static DWORD WINAPI
watcher(LPVOID arg)
{
	SOCKET conn;
	plat_sock sock;

	(void)arg;
	for (;;) {
		AcquireSRWLockExclusive(&mu);
		while (state != W_WATCHING)
			SleepConditionVariableSRW(&cv, &mu, INFINITE, 0);
		conn = w_conn;
		sock = w_sock;
		ReleaseSRWLockExclusive(&mu);
		watch(conn, sock);
		AcquireSRWLockExclusive(&mu);
		state = W_IDLE;
		WakeAllConditionVariable(&cv);
		ReleaseSRWLockExclusive(&mu);
	}
	return 0;
}

int
plat_win32_watch_init(HANDLE stop, HANDLE session, char *err, size_t errlen)
{
	HANDLE th;

	stop_ev = stop;
	session_ev = session;
	if ((wake_ev = CreateEventW(NULL, FALSE, FALSE, NULL)) == NULL) {
		snprintf(err, errlen,
		    "cannot make an event (Windows error "
		    "%lu)",
		    GetLastError());
		return -1;
	}
	if ((th = CreateThread(NULL, 0, watcher, NULL, 0, NULL)) == NULL) {
		snprintf(err, errlen,
		    "cannot start the watcher thread (Windows "
		    "error %lu)",
		    GetLastError());
		return -1;
	}
	CloseHandle(th);
	started = true;
	return 0;
}

void
plat_net_watch_begin(plat_conn session, plat_sock sock, bool sending)
{
	/* Windows ends a send as it ends any other step: by cancelling. */
	(void)sending;
	if (!started)
		return;
	plat_win32_cancel_clear();
	AcquireSRWLockExclusive(&mu);
	w_conn = (SOCKET)session;
	w_sock = sock;
	w_gone = false;
	state = W_WATCHING;
	WakeAllConditionVariable(&cv);
	ReleaseSRWLockExclusive(&mu);
}

bool
plat_net_watch_end(void)
{
	bool gone;

	if (!started)
		return false;
	/* Auto-reset: the watcher takes it before it idles again. */
	SetEvent(wake_ev);
	AcquireSRWLockExclusive(&mu);
	while (state == W_WATCHING)
		SleepConditionVariableSRW(&cv, &mu, INFINITE, 0);
	gone = w_gone;
	ReleaseSRWLockExclusive(&mu);
	plat_win32_cancel_clear();
	return gone;
}
