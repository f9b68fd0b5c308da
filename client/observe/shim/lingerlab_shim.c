/*
 * lingerlab_shim.c - liblingerlab-shim.so, preloaded (LD_PRELOAD) into a
 * program that `lingerlab observe` runs: what the program did with its TCP
 * sockets, one record per call, sent as one datagram each to the abstract
 * unix socket named by $LINGERLAB_SHIM_SOCK ("@NAME").
 *
 * This file holds the constructor and the wrappers; shim_rec.c builds the
 * records. A record is one text line (client/observe/observe_rec.c reads it):
 *   pid=12 tid=12 call=close fd=5 lport=43110 rport=7000 lon=1 lsec=0 nb=0
 *   st=1 t0=NS t1=NS ret=0 err=0
 * t0/t1 are CLOCK_MONOTONIC nanoseconds around the real call.
 *
 * Rules this file keeps, because it runs inside someone else's program:
 *  - It never changes what a call does or returns: the real call runs with
 *    the same arguments, and errno is the real call's when we return.
 *  - Async-signal-safe and thread-safe: no malloc, no stdio, no locks in the
 *    wrappers; records are built in a stack buffer and sent with one
 *    send(), which the kernel keeps whole (a datagram).
 *  - Only TCP sockets are recorded (SO_PROTOCOL says so), so the cost for
 *    anything else is one failing getsockopt() on close().
 *  - Its own socket sits at a high descriptor number with FD_CLOEXEC, and
 *    the program cannot close it by accident: close() of that number says
 *    EBADF, as it would if we were not there, and close_range()/closefrom()
 *    step around it.
 *
 * What it cannot see: statically linked programs, programs that make system
 * calls without libc (Go), setuid programs (the loader ignores
 * LD_PRELOAD), and calls libc makes internally. The observer notices the
 * missing "hello" record and says so.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "shim_int.h"

#define SHIM_ENV    "LINGERLAB_SHIM_SOCK"
#define SHIM_FD_MIN 900 /* out of the way of the program's numbers */

struct real_calls shim_real;
volatile int shim_out_fd = -1;
volatile int shim_exit_sent;

#define RESOLVE(f) shim_real.f = (__typeof__(shim_real.f))dlsym(RTLD_NEXT, #f)

/* Move fd above the program's usual numbers, close-on-exec. */
static int
park_fd(int fd)
{
	struct rlimit rl;
	int min = SHIM_FD_MIN, hi;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur <= (rlim_t)SHIM_FD_MIN + 16)
		min = rl.rlim_cur > 32 ? (int)rl.rlim_cur - 16 : 3;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, min);
	if (hi == -1)
		return fd;
	syscall(SYS_close, fd);
	return hi;
}

__attribute__((constructor)) static void
shim_init(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *name = getenv(SHIM_ENV);
	size_t len;
	struct rec r;
	uint64_t t;
	int e = errno, fd;

	RESOLVE(socket);
	RESOLVE(connect);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(setsockopt);
	RESOLVE(shutdown);
	RESOLVE(close);
	RESOLVE(dup);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(close_range);
	RESOLVE(closefrom);
	RESOLVE(exit);
	shim_real.u_exit =
	    (__typeof__(shim_real.u_exit))dlsym(RTLD_NEXT, "_exit");
	shim_real.u_Exit =
	    (__typeof__(shim_real.u_Exit))dlsym(RTLD_NEXT, "_Exit");
	if (name == NULL || name[0] != '@' ||
	    (len = strlen(name)) > sizeof(sa.sun_path)) {
		errno = e;
		return;
	}
	/* abstract: a leading NUL, no file, gone with the observer */
	memcpy(sa.sun_path + 1, name + 1, len - 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    connect(fd, (struct sockaddr *)&sa,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) ==
		-1) {
		if (fd != -1)
			syscall(SYS_close, fd);
		errno = e;
		return;
	}
	shim_out_fd = park_fd(fd);
	t = now_ns();
	rec_start(&r, "hello", -1);
	rec_result(&r, t, t, 0, 0);
	kv(&r, "ppid", (int64_t)getppid());
	kv_holdings(&r);
	rec_send(&r);
	errno = e;
}

__attribute__((destructor)) static void
shim_fini(void)
{
	/* main() returned, or exit() was called from inside libc */
	report_open_at_exit(-1);
}

SHIM_EXPORT int
socket(int domain, int type, int protocol)
{
	uint64_t t0 = now_ns(), t1;
	struct rec r;
	int ret, e;

	ret = shim_real.socket != NULL
	    ? shim_real.socket(domain, type, protocol)
	    : (int)syscall(SYS_socket, domain, type, protocol);
	e = errno;
	t1 = now_ns();
	if ((domain == AF_INET || domain == AF_INET6) &&
	    (type & 0xf) == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP)) {
		rec_start(&r, "socket", ret);
		rec_result(&r, t0, t1, ret, e);
		kv(&r, "nb", (type & SOCK_NONBLOCK) != 0);
		rec_send(&r);
	}
	errno = e;
	return ret;
}

SHIM_EXPORT int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	bool tcp = is_tcp(fd);
	uint64_t t0 = now_ns(), t1;
	struct rec r;
	int ret, e;

	ret = shim_real.connect != NULL
	    ? shim_real.connect(fd, sa, len)
	    : (int)syscall(SYS_connect, fd, sa, len);
	e = errno;
	t1 = now_ns();
	if (tcp) {
		rec_start(&r, "connect", fd);
		rec_result(&r, t0, t1, ret, e);
		kv_ends(&r, fd, sa, len);
		rec_send(&r);
	}
	errno = e;
	return ret;
}

static void
rec_accept(int fd, int ret, int e, uint64_t t0, uint64_t t1)
{
	struct rec r;

	if (ret < 0 || !is_tcp(ret))
		return;
	rec_start(&r, "accept", fd);
	rec_result(&r, t0, t1, ret, e);
	kv_ports(&r, ret);
	rec_send(&r);
}

SHIM_EXPORT int
accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	uint64_t t0 = now_ns();
	int ret, e;

	ret = shim_real.accept != NULL ? shim_real.accept(fd, sa, len)
				       : (int)syscall(SYS_accept, fd, sa, len);
	e = errno;
	rec_accept(fd, ret, e, t0, now_ns());
	errno = e;
	return ret;
}

SHIM_EXPORT int
accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	uint64_t t0 = now_ns();
	int ret, e;

	ret = shim_real.accept4 != NULL
	    ? shim_real.accept4(fd, sa, len, flags)
	    : (int)syscall(SYS_accept4, fd, sa, len, flags);
	e = errno;
	rec_accept(fd, ret, e, t0, now_ns());
	errno = e;
	return ret;
}

SHIM_EXPORT int
setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	bool tcp = is_tcp(fd);
	uint64_t t0 = now_ns(), t1;
	struct rec r;
	int ret, e, iv;

	ret = shim_real.setsockopt != NULL
	    ? shim_real.setsockopt(fd, level, opt, val, len)
	    : (int)syscall(SYS_setsockopt, fd, level, opt, val, len);
	e = errno;
	t1 = now_ns();
	if (tcp) {
		rec_start(&r, "setsockopt", fd);
		rec_result(&r, t0, t1, ret, e);
		kv(&r, "level", level);
		kv(&r, "opt", opt);
		/* the program's memory: read only what it says is there */
		if (val != NULL && level == SOL_SOCKET && opt == SO_LINGER &&
		    len >= (socklen_t)sizeof(struct linger)) {
			const struct linger *l = val;

			kv(&r, "lon", l->l_onoff != 0);
			kv(&r, "lsec", l->l_linger);
		} else if (val != NULL && len >= (socklen_t)sizeof(int)) {
			memcpy(&iv, val, sizeof(iv));
			kv(&r, "val", iv);
		}
		rec_send(&r);
	}
	errno = e;
	return ret;
}

SHIM_EXPORT int
shutdown(int fd, int how)
{
	bool tcp = is_tcp(fd);
	uint64_t t0 = now_ns(), t1;
	struct rec r;
	int ret, e;

	ret = shim_real.shutdown != NULL ? shim_real.shutdown(fd, how)
					 : (int)syscall(SYS_shutdown, fd, how);
	e = errno;
	t1 = now_ns();
	if (tcp) {
		rec_start(&r, "shutdown", fd);
		rec_result(&r, t0, t1, ret, e);
		kv(&r, "how", how);
		kv_ports(&r, fd);
		rec_send(&r);
	}
	errno = e;
	return ret;
}

SHIM_EXPORT int
close(int fd)
{
	uint64_t t0, t1;
	struct rec r;
	bool tcp;
	int ret, e;

	if (fd >= 0 && fd == shim_out_fd) {
		/* not the program's: as if we were not there */
		errno = EBADF;
		return -1;
	}
	tcp = is_tcp(fd);
	if (tcp) {
		rec_start(&r, "close", fd);
		kv_ports(&r, fd);
		kv_close_state(&r, fd);
	}
	t0 = now_ns();
	ret = shim_real.close != NULL ? shim_real.close(fd)
				      : (int)syscall(SYS_close, fd);
	e = errno;
	t1 = now_ns();
	if (tcp) {
		rec_result(&r, t0, t1, ret, e);
		rec_send(&r);
	}
	errno = e;
	return ret;
}

/* A copy of a TCP socket: the connection outlives close() of either. */
static void
rec_dup(int fd, int ret, int e, uint64_t t0, uint64_t t1)
{
	struct rec r;

	if (ret < 0 || !is_tcp(ret))
		return;
	rec_start(&r, "dup", fd);
	rec_result(&r, t0, t1, ret, e);
	kv_ports(&r, ret);
	rec_send(&r);
}

SHIM_EXPORT int
dup(int fd)
{
	uint64_t t0 = now_ns();
	int ret, e;

	ret = shim_real.dup != NULL ? shim_real.dup(fd)
				    : (int)syscall(SYS_dup, fd);
	e = errno;
	rec_dup(fd, ret, e, t0, now_ns());
	errno = e;
	return ret;
}

SHIM_EXPORT int
dup2(int fd, int to)
{
	uint64_t t0 = now_ns();
	int ret, e;

	if (to >= 0 && to == shim_out_fd)
		/* the program takes the number: we go quiet */
		shim_out_fd = -1;
	ret = shim_real.dup2 != NULL ? shim_real.dup2(fd, to)
				     : (int)syscall(SYS_dup2, fd, to);
	e = errno;
	rec_dup(fd, ret, e, t0, now_ns());
	errno = e;
	return ret;
}

SHIM_EXPORT int
dup3(int fd, int to, int flags)
{
	uint64_t t0 = now_ns();
	int ret, e;

	if (to >= 0 && to == shim_out_fd)
		shim_out_fd = -1;
	ret = shim_real.dup3 != NULL ? shim_real.dup3(fd, to, flags)
				     : (int)syscall(SYS_dup3, fd, to, flags);
	e = errno;
	rec_dup(fd, ret, e, t0, now_ns());
	errno = e;
	return ret;
}

static int
raw_close_range(unsigned lo, unsigned hi, int flags)
{
	return shim_real.close_range != NULL
	    ? shim_real.close_range(lo, hi, flags)
	    : (int)syscall(SYS_close_range, lo, hi, flags);
}

/* Close [lo, hi] but our own descriptor. */
SHIM_EXPORT int
close_range(unsigned lo, unsigned hi, int flags)
{
	int me = shim_out_fd, ret;

	if (me < 0 || (unsigned)me < lo || (unsigned)me > hi)
		return raw_close_range(lo, hi, flags);
	ret = 0;
	if ((unsigned)me > lo)
		ret = raw_close_range(lo, (unsigned)me - 1, flags);
	if (ret == 0 && (unsigned)me < hi)
		ret = raw_close_range((unsigned)me + 1, hi, flags);
	return ret;
}

SHIM_EXPORT void
closefrom(int lo)
{
	int e = errno, me = shim_out_fd;

	if (me >= 0 && lo >= 0 && me >= lo) {
		if (close_range((unsigned)lo, ~0u, 0) == 0) {
			errno = e;
			return;
		}
		/* it goes with the rest: never write to it */
		shim_out_fd = -1;
	}
	errno = e;
	if (shim_real.closefrom != NULL)
		shim_real.closefrom(lo);
	else
		(void)syscall(SYS_close_range, lo, ~0u, 0);
}

SHIM_EXPORT void
exit(int status)
{
	report_open_at_exit(status);
	if (shim_real.exit != NULL)
		shim_real.exit(status);
	syscall(SYS_exit_group, status);
	for (;;)
		;
}

SHIM_EXPORT void
_exit(int status)
{
	report_open_at_exit(status);
	if (shim_real.u_exit != NULL)
		shim_real.u_exit(status);
	syscall(SYS_exit_group, status);
	for (;;)
		;
}

SHIM_EXPORT void
_Exit(int status)
{
	report_open_at_exit(status);
	if (shim_real.u_Exit != NULL)
		shim_real.u_Exit(status);
	syscall(SYS_exit_group, status);
	for (;;)
		;
}
