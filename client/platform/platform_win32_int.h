/*
 * platform_win32_int.h - what the Windows platform files share: the
 * blocking mode Winsock keeps and cannot be asked for, the call in
 * progress (so that the watcher and the `signal after` timer can end it),
 * the sockets closesocket() left open, and the pieces plat_net_init()
 * starts (the timer's thread, the exit-close helper's own entry).
 *
 * Only the Windows build (client/agent/windows/CMakeLists.txt) includes it.
 */
#ifndef LINGERLAB_PLATFORM_WIN32_INT_H
#define LINGERLAB_PLATFORM_WIN32_INT_H

#include <winsock2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "platform_addr.h"

/*
 * The longest a wait of ours (connect, accept) sleeps in select() before
 * it looks whether the call was ended from another thread: select()
 * cannot wait for an event as well, so this is how late an interruption
 * can be noticed there.
 */
#define PLAT_WIN32_SLICE_MS 10

/*
 * FIONBIO can be set but not read, so the platform remembers which
 * sockets it made non-blocking. A socket it never saw is blocking, as
 * socket() makes it.
 */
bool plat_win32_nonblocking(SOCKET s);
/* 0, or -1 with WSAGetLastError() (the table is full: WSAENOBUFS). */
int plat_win32_set_nonblocking(SOCKET s, bool on);
void plat_win32_forget(SOCKET s);

/* A socket that child processes do not inherit (SOCK_CLOEXEC's like). */
void plat_win32_no_inherit(SOCKET s);

/*
 * The call in progress, and ending it from another thread. A waiting call
 * of ours (select() in slices) sees plat_win32_interrupted(); one blocked
 * inside Winsock (recv, send) is ended by CancelIoEx on its socket.
 *   ..._cancel(sock)   the watcher: the runner is gone. Holds until the
 *                      call ends (or plat_win32_cancel_clear()), also for a
 *                      call not begun yet; the watcher repeats it until the
 *                      step ends, since such a call has no I/O to cancel.
 *   ..._cancel_call()  the timer: ends the call in progress, if any, once
 *                      (a signal between two steps interrupts nothing)
 */
void plat_win32_cancel(plat_sock sock);
void plat_win32_cancel_call(void);
void plat_win32_cancel_clear(void);
bool plat_win32_interrupted(void);

/* The call record of platform_win32.c, for the other files' steps:
 * begin on socket s (PLAT_SOCK_NONE: none), end with rc and, when rc < 0,
 * err (a Winsock or Windows error number). */
void plat_win32_begin(struct plat_call *c, plat_sock s);
void plat_win32_end(struct plat_call *c, int64_t rc, int err);

/*
 * The `signal after` timer's thread, made once by plat_net_init() so that
 * the thread count does not change when a scenario first arms it. 0, or
 * -1 with err.
 */
int plat_win32_signal_init(char *err, size_t errlen);

/*
 * The exit-close helper: when this process is one (plat_exit_close made
 * it, with LINGERLAB_AGENT_HELPER=exit-close in its environment), it does
 * its work and exits here, never returning. Called by plat_net_init()
 * once Winsock is started, before anything else.
 */
void plat_win32_exit_helper(void);

/*
 * The watcher of platform_net.h: stop is the event a console stop sets
 * (never reset), session the event of the runner's connection
 * (WSAEventSelect: FD_READ, FD_CLOSE). 0, or -1 with err.
 */
int plat_win32_watch_init(HANDLE stop, HANDLE session, char *err,
    size_t errlen);

#endif
