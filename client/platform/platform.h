/*
 * platform.h - everything the runner asks of the operating system under
 * test: its TCP socket calls, their error names, the state of a connection
 * after close(), the clocks, and a few process chores.
 *
 * The runner (run_*.c) is written against this header only, so that a
 * FreeBSD or Windows build adds a platform_freebsd.c or platform_win.c and
 * leaves the runner alone. One implementation is linked per build.
 *
 * Every socket call fills a struct plat_call: what it returned, the OS's
 * error number when it failed, and when it started and ended on the
 * monotonic clock, measured around the system call itself (not around the
 * bookkeeping), because how long a close() blocked is the point.
 */
#ifndef LINGERLAB_PLATFORM_H
#define LINGERLAB_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* A socket handle: an int on POSIX, a SOCKET (pointer-sized) on Windows. */
typedef intptr_t plat_sock;
#define PLAT_SOCK_NONE ((plat_sock)-1)

/* The result of one socket step. */
struct plat_call {
	int64_t ret;		/* as the call returned it; send: bytes in all */
	int err;		/* the OS's error number when ret < 0, else 0 */
	uint64_t bytes;		/* send, recv: bytes moved */
	uint64_t t_start_ns;	/* CLOCK_MONOTONIC, absolute */
	uint64_t t_end_ns;
	/*
	 * Of t_end - t_start, the time the calling thread was ready to run but
	 * waited for a CPU (Linux: schedstat's run_delay); 0 when unknown. On
	 * a loaded machine a close() that slept its 1 s linger returns late by
	 * this much: the evaluator takes it out (docs/reliability.md).
	 */
	uint64_t cpu_wait_ns;
};

/* The monotonic clock in nanoseconds. */
uint64_t	plat_now_ns(void);

/*
 * The wall clock minus the monotonic clock, in nanoseconds: capture
 * timestamps come from the wall clock and are turned into monotonic ones
 * with it.
 */
int64_t		plat_realtime_offset_ns(void);

/* The system the runner runs on: its enum scn_os bit and "Linux 6.1.0". */
uint32_t	plat_os(char *name, size_t len);

/*
 * The portable name of an error number, as scenarios write it:
 * "EWOULDBLOCK" for EAGAIN, "ECONNRESET", ...; "E<number>" when unknown.
 */
void		plat_err_name(int err, char *buf, size_t len);

/* A new TCP/IPv4 socket in *s (PLAT_SOCK_NONE when it failed). */
void		plat_socket(plat_sock *s, struct plat_call *c);

/* One `set` step: SO_LINGER, O_NONBLOCK, SO_SNDBUF, ... (scenario.h). */
void		plat_setopt(plat_sock s, enum scn_opt opt, int64_t value,
		    struct plat_call *c);

/*
 * Connect to addr:port (IPv4, host order) and wait for the handshake up to
 * timeout_ns, also on a non-blocking socket: the call returns 0 once the
 * connection is established, or -1 with the handshake's error (ETIMEDOUT
 * when it took too long). The socket's blocking mode is left as it was.
 */
void		plat_connect(plat_sock s, uint32_t addr, uint16_t port,
		    uint64_t timeout_ns, struct plat_call *c);

/*
 * Send size bytes: as many calls as it takes on a blocking socket, until
 * the call would block on a non-blocking one. With until_blocked, send
 * without blocking (whatever the socket's mode) until the call would block;
 * size is ignored. ret is the bytes accepted in all, or -1 with the error
 * when the first call failed.
 */
void		plat_send(plat_sock s, uint64_t size, bool until_blocked,
		    struct plat_call *c);

/* One recv() of up to size bytes. */
void		plat_recv(plat_sock s, uint64_t size, struct plat_call *c);

/* shutdown(); how is 0, 1, 2 for SHUT_RD, SHUT_WR, SHUT_RDWR. */
void		plat_shutdown(plat_sock s, int how, struct plat_call *c);

/* close(). The handle is gone afterwards, whatever it returned. */
void		plat_close(plat_sock s, struct plat_call *c);

/*
 * The close a process exit makes: a child process is made that holds the
 * socket alone, our handle is closed (which does nothing on the wire while
 * the child holds it), and the child exits. Timed from the child's being
 * told to exit until it is gone. ret 0 when the child exited normally.
 */
void		plat_exit_close(plat_sock s, struct plat_call *c);

/*
 * Make s listen on addr:port (IPv4, host order): bind() and listen(), with
 * SO_REUSEADDR first, as servers set it, so that a port whose earlier
 * connections linger on (FIN_WAIT1, TIME_WAIT: what these tests leave
 * behind) can be listened on again by the next case.
 */
void		plat_listen(plat_sock s, uint32_t addr, uint16_t port,
		    struct plat_call *c);

/*
 * Accept a connection on the listening socket s into *out (PLAT_SOCK_NONE
 * when none was accepted). On a non-blocking socket this is one accept(),
 * which fails EWOULDBLOCK when no connection is waiting. On a blocking one
 * it waits for a connection, as accept() does, but only up to timeout_ns:
 * then it fails ETIMEDOUT, where accept() would wait for ever. The new
 * socket's own mode is the system's default for accepted sockets.
 */
void		plat_accept(plat_sock s, uint64_t timeout_ns, plat_sock *out,
		    struct plat_call *c);

/*
 * The address this system sends from to reach addr (both IPv4, host
 * order), from its routing table; nothing is sent. 0, or -1 with errno
 * (ENETUNREACH: no route).
 */
int		plat_source_addr(uint32_t addr, uint32_t *from);

/* The socket's own and remote IPv4 address and port (host order). */
int		plat_sock_names(plat_sock s, uint32_t *laddr, uint16_t *lport,
		    uint32_t *raddr, uint16_t *rport);

/*
 * The TCP state of the connection with this four-tuple, also after close:
 * "ESTABLISHED", "FIN_WAIT1", ..., or "gone" when there is none. Returns
 * 0, or -1 with errno when the system could not be asked.
 */
int		plat_tcp_state(uint32_t laddr, uint16_t lport, uint32_t raddr,
		    uint16_t rport, char *name, size_t len);

/*
 * A signal that much later, once (the `signal after` step): a handler that
 * does nothing is installed without SA_RESTART and a one-shot timer armed,
 * so the call that blocks when it fires is interrupted as a program's would
 * be by its own timer (SIGALRM on POSIX). Records the arming as a call
 * that took no time. 0, or -1 with the error in c.
 */
void		plat_signal_after(uint64_t after_ns, struct plat_call *c);

/* When the last signal armed by plat_signal_after was handled, 0: not yet. */
uint64_t	plat_signal_handled_ns(void);

/*
 * Ask the system to kill this process when its parent (whose process id
 * the caller read before it was made) dies, so that a runner killed by
 * SIGKILL leaves no worker behind. 0, or -1 with errno (ESRCH: the parent
 * is already gone).
 */
int		plat_die_with_parent(long parent);

#endif
