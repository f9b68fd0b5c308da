/*
 * platform.h - everything the runner, or lingerlab-agent on a system under
 * test far away, asks of the operating system under test: its TCP socket
 * calls, their error names, the state of a connection after close(), what
 * the system is, the resource probes, the clocks, and a few process chores.
 *
 * The runner (run_*.c) and the agent (client/agent/) are written against
 * this header only, so that a FreeBSD or Windows build adds a
 * platform_freebsd.c or the platform_win32*.c files (Winsock, built into
 * lingerlab-agent.exe: docs/windows.md) and leaves both alone. One
 * implementation is linked per build. The header needs nothing but
 * standard C and common/ip_address.h (an IPv4 or IPv6 address in one type,
 * pure C too): the agent builds from the platform files, its own and that
 * one (docs/agent.md), so the scenario language's words stay out of it;
 * the runner maps them (client/runner/run_plat.c).
 *
 * Sockets are TCP over IPv4 or IPv6, as plat_socket() is asked. An IPv6
 * socket is made IPV6_V6ONLY: it never speaks IPv4 through a mapped
 * address, so a case's family is the family on the wire.
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

#include "ip_address.h"

/* A socket handle: an int on POSIX, a SOCKET (pointer-sized) on Windows. */
typedef intptr_t plat_sock;
#define PLAT_SOCK_NONE ((plat_sock)-1)

/* The result of one socket step. */
struct plat_call {
	int64_t ret; /* as the call returned it; send: bytes in all */
	int err;     /* the OS's error number when ret < 0, else 0 */
	/*
	 * Its portable name (plat_err_name), named where the call ran: a
	 * runner driving a Windows agent must not name Winsock's numbers by
	 * its own system's table. "" when err is 0.
	 */
	char err_name[32];
	uint64_t bytes;	     /* send, recv: bytes moved */
	uint64_t t_start_ns; /* CLOCK_MONOTONIC, absolute */
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
uint64_t plat_now_ns(void);

/*
 * The wall clock minus the monotonic clock, in nanoseconds: capture
 * timestamps come from the wall clock and are turned into monotonic ones
 * with it.
 */
int64_t plat_realtime_offset_ns(void);

/*
 * What a value the system cannot give is written as, in the structs below
 * and in the agent's replies: never a made-up number.
 */
#define PLAT_UNKNOWN (-1)

/*
 * The system: each field a string, "unknown" when the system does not say.
 *   name     "Linux", "FreeBSD", "Windows" (what selects a scenario's
 *            linux:, freebsd: and windows: expectations)
 *   version  the release as its vendor names it: "Debian GNU/Linux 12
 *            (bookworm)", "14.0-RELEASE", "10.0.19045"
 *   kernel   the kernel's own release: "6.1.0-18-amd64"
 *   host     the host name
 *   wine     "no", or Wine's version when the Windows API is Wine's
 */
struct plat_os_info {
	char name[32];
	char version[128];
	char kernel[128];
	char host[256];
	char wine[32];
};

void plat_os_describe(struct plat_os_info *out);

/*
 * The portable name of an error number, as scenarios write it:
 * "EWOULDBLOCK" for EAGAIN, "ECONNRESET", ...; "E<number>" when unknown.
 */
void plat_err_name(int err, char *buf, size_t len);

/*
 * A new TCP socket of family (IPF_V4 or IPF_V6; IPv6 with IPV6_V6ONLY on)
 * in *s, PLAT_SOCK_NONE when it failed. Another family fails as the system
 * fails an unknown one (EAFNOSUPPORT) without asking it.
 */
void plat_socket(plat_sock *s, enum ip_family family, struct plat_call *c);

/* What a `set` step sets; value is the option's own. */
enum plat_opt {
	PLAT_OPT_LINGER_OFF = 1, /* SO_LINGER { 0, 0 } */
	PLAT_OPT_LINGER,	 /* SO_LINGER { 1, value }: seconds, raw */
	PLAT_OPT_BLOCKING,	 /* O_NONBLOCK off (FIONBIO 0) */
	PLAT_OPT_NONBLOCKING,	 /* O_NONBLOCK on */
	PLAT_OPT_SNDBUF,	 /* SO_SNDBUF, bytes */
	PLAT_OPT_RCVBUF,	 /* SO_RCVBUF, bytes */
	PLAT_OPT_NODELAY,	 /* TCP_NODELAY, 0 or 1 */
	PLAT_OPT_USER_TIMEOUT,	 /* TCP_USER_TIMEOUT, milliseconds */
	PLAT_OPT_LINGER2,	 /* TCP_LINGER2, seconds, raw */
};

/*
 * One `set` step. An option the system does not have fails as the system
 * would fail it (ENOPROTOOPT), so the expectations see it.
 */
void plat_setopt(plat_sock s, enum plat_opt opt, int64_t value,
    struct plat_call *c);

/*
 * Connect to addr:port (either family; one that is not the socket's fails
 * as the system fails it) and wait for the handshake up to
 * timeout_ns, also on a non-blocking socket: the call returns 0 once the
 * connection is established, or -1 with the handshake's error (ETIMEDOUT
 * when it took too long). The socket's blocking mode is left as it was.
 */
void plat_connect(plat_sock s, const struct ip_addr *addr, uint16_t port,
    uint64_t timeout_ns, struct plat_call *c);

/*
 * Send size bytes: as many calls as it takes on a blocking socket, until
 * the call would block on a non-blocking one. With until_blocked, send
 * without blocking (whatever the socket's mode) until the call would block;
 * size is ignored. ret is the bytes accepted in all, or -1 with the error
 * when the first call failed.
 */
void plat_send(plat_sock s, uint64_t size, bool until_blocked,
    struct plat_call *c);

/* One recv() of up to size bytes. */
void plat_recv(plat_sock s, uint64_t size, struct plat_call *c);

/* shutdown(); how is 0, 1, 2 for SHUT_RD, SHUT_WR, SHUT_RDWR. */
void plat_shutdown(plat_sock s, int how, struct plat_call *c);

/* close(). The handle is gone afterwards, whatever it returned. */
void plat_close(plat_sock s, struct plat_call *c);

/*
 * Abort s: SO_LINGER { 1, 0 } and close, so that a connection ends with a
 * RST and leaves nothing behind on the system. Not a step (not timed): how
 * lingerlab-agent cleans up after a runner that went away.
 */
void plat_reset(plat_sock s);

/*
 * The sockets plat_close() could not release: on Windows, closesocket()
 * on a non-blocking socket with a non-zero linger fails WSAEWOULDBLOCK
 * and leaves the handle open (the closesocket reference), as a program
 * that never tries again would leak it. The platform keeps such handles
 * open (the handles probe counts them, the wire shows what they do) until
 * this resets them all, as plat_reset() does; it returns how many. The
 * caller's handle is gone after plat_close() either way. 0 where close()
 * always releases the descriptor (POSIX).
 */
size_t plat_reset_kept(void);

/*
 * The close a process exit makes: a child process is made that holds the
 * socket alone, our handle is closed (which does nothing on the wire while
 * the child holds it), and the child exits. Timed from the child's being
 * told to exit until it is gone. ret 0 when the child exited normally.
 */
void plat_exit_close(plat_sock s, struct plat_call *c);

/*
 * Make s listen on addr:port (of the socket's family; 0.0.0.0 or :: for
 * any): bind() and listen(), with
 * SO_REUSEADDR first, as servers set it, so that a port whose earlier
 * connections linger on (FIN_WAIT1, TIME_WAIT: what these tests leave
 * behind) can be listened on again by the next case.
 */
void plat_listen(plat_sock s, const struct ip_addr *addr, uint16_t port,
    struct plat_call *c);

/*
 * Accept a connection on the listening socket s into *out (PLAT_SOCK_NONE
 * when none was accepted). On a non-blocking socket this is one accept(),
 * which fails EWOULDBLOCK when no connection is waiting. On a blocking one
 * it waits for a connection, as accept() does, but only up to timeout_ns:
 * then it fails ETIMEDOUT, where accept() would wait for ever. The new
 * socket's own mode is the system's default for accepted sockets.
 */
void plat_accept(plat_sock s, uint64_t timeout_ns, plat_sock *out,
    struct plat_call *c);

/*
 * The address this system sends from to reach addr (*from of addr's
 * family), from its routing table; nothing is sent. 0, or -1 with errno
 * (ENETUNREACH: no route; EAFNOSUPPORT: addr is neither family).
 */
int plat_source_addr(const struct ip_addr *addr, struct ip_addr *from);

/*
 * The socket's own and remote address and port, of the socket's family.
 * 0, or -1 with errno (ENOTCONN: no remote end).
 */
int plat_sock_names(plat_sock s, struct ip_addr *laddr, uint16_t *lport,
    struct ip_addr *raddr, uint16_t *rport);

/*
 * The TCP state of the connection with this four-tuple, also after close:
 * "ESTABLISHED", "FIN_WAIT1", ..., or "gone" when there is none. Returns
 * 0, or -1 with errno when the system could not be asked.
 */
int plat_tcp_state(const struct ip_addr *laddr, uint16_t lport,
    const struct ip_addr *raddr, uint16_t rport, char *name, size_t len);

/*
 * The resource probes of this process: its threads, its descriptors (or
 * handles, on Windows), its resident memory and, where the system counts
 * it apart, its private memory. PLAT_UNKNOWN in a field the system does
 * not give. 0, or -1 with what failed in err.
 */
struct plat_proc {
	int64_t threads;
	int64_t fds;
	int64_t rss_kib;
	int64_t private_kib;
};

int plat_probe_proc(struct plat_proc *out, char *err, size_t errlen);

/*
 * The system's TCP sockets (of this network namespace, on Linux) by state,
 * indexed 1 ESTABLISHED, 2 SYN_SENT, 3 SYN_RECV, 4 FIN_WAIT1, 5 FIN_WAIT2,
 * 6 TIME_WAIT, 7 CLOSE, 8 CLOSE_WAIT, 9 LAST_ACK, 10 LISTEN, 11 CLOSING,
 * 12 NEW_SYN_RECV: Linux's numbering, into which the other systems map
 * theirs; PLAT_UNKNOWN for a state the system does not count. 0, or -1
 * with what failed in err.
 */
#define PLAT_TCP_NSTATES 13

struct plat_socks {
	int64_t by_state[PLAT_TCP_NSTATES];
};

int plat_probe_socks(struct plat_socks *out, char *err, size_t errlen);

/*
 * The system's TCP counters by name (Linux: TcpExt of /proc/net/netstat,
 * "TCPAbortOnLinger"): values[i] for names[i], PLAT_UNKNOWN for a name the
 * system does not have. 0, or -1 with what failed in err when none could
 * be read.
 */
int plat_probe_counters(const char *const *names, int64_t *values, size_t n,
    char *err, size_t errlen);

/*
 * A signal that much later, once (the `signal after` step): a handler that
 * does nothing is installed without SA_RESTART and a one-shot timer armed,
 * so the call that blocks when it fires is interrupted as a program's would
 * be by its own timer (SIGALRM on POSIX). Records the arming as a call
 * that took no time. 0, or -1 with the error in c.
 */
void plat_signal_after(uint64_t after_ns, struct plat_call *c);

/* When the last signal armed by plat_signal_after was handled, 0: not yet. */
uint64_t plat_signal_handled_ns(void);

/* Disarm the timer plat_signal_after armed, if it has not fired yet. */
void plat_signal_cancel(void);

/*
 * Ask the system to kill this process when its parent (whose process id
 * the caller read before it was made) dies, so that a runner killed by
 * SIGKILL leaves no worker behind. 0, or -1 with errno (ESRCH: the parent
 * is already gone).
 */
int plat_die_with_parent(long parent);

#endif
