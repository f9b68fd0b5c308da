/*
 * platform_win32.c - the platform layer (platform.h) on Windows, with
 * Winsock 2: the clocks, the record of a call, the blocking mode Winsock
 * cannot be asked for, and the steps that never wait (socket, set,
 * shutdown, close, the reset), addresses (as sockaddrs: platform_addr.c),
 * the socket's names and the route. The
 * steps that wait are in platform_win32_io.c, exit-close in
 * platform_win32_exit.c, `signal after` in platform_win32_signal.c, what
 * the system is and holds in platform_win32_sys.c (docs/windows.md).
 *
 * Calls are timed with QueryPerformanceCounter around the Winsock call
 * itself; their error is WSAGetLastError()'s number, named by
 * plat_err_name() with the WSAE names scenarios write.
 */
#include "platform.h"
#include "platform_win32_int.h"

#include <windows.h>
#include <ws2tcpip.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeunit.h"

/* FILETIME counts 100 ns from 1601; the Unix epoch is this many later. */
#define FILETIME_UNIX_EPOCH 116444736000000000ull
/* Winsock's struct linger holds u_short fields. */
#define LINGER_MAX	    65535
/* The non-blocking sockets: a power of two, twice the agent's limit. */
#define NB_SLOTS	    32768u

/* ---- the clocks ---- */

uint64_t
plat_now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER c;
	uint64_t f, n;

	if (freq.QuadPart == 0)
		QueryPerformanceFrequency(&freq); /* never fails since XP */
	QueryPerformanceCounter(&c);
	f = (uint64_t)freq.QuadPart;
	n = (uint64_t)c.QuadPart;
	/* Whole seconds and the rest apart: n * 1e9 would overflow. */
	return n / f * NS_PER_S + n % f * NS_PER_S / f;
}

int64_t
plat_realtime_offset_ns(void)
{
	FILETIME ft;
	uint64_t m1, m2, r;

	m1 = plat_now_ns();
	GetSystemTimePreciseAsFileTime(&ft);
	m2 = plat_now_ns();
	r = ((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) -
	    FILETIME_UNIX_EPOCH;
	return (int64_t)(r * 100 - (m1 + (m2 - m1) / 2));
}

/* ---- the call in progress ---- */

static SRWLOCK call_mu = SRWLOCK_INIT;
static bool in_call;
static SOCKET call_sock = INVALID_SOCKET;
static volatile LONG interrupted;

void
plat_win32_begin(struct plat_call *c, plat_sock s)
{
	memset(c, 0, sizeof(*c));
	AcquireSRWLockExclusive(&call_mu);
	in_call = true;
	call_sock = s == PLAT_SOCK_NONE ? INVALID_SOCKET : (SOCKET)s;
	ReleaseSRWLockExclusive(&call_mu);
	/* Windows does not say how long a thread waited for a CPU. */
	c->t_start_ns = plat_now_ns();
}

void
plat_win32_end(struct plat_call *c, int64_t rc, int err)
{
	c->t_end_ns = plat_now_ns();
	AcquireSRWLockExclusive(&call_mu);
	in_call = false;
	call_sock = INVALID_SOCKET;
	/* An interruption ends one call: the next starts afresh (the
	 * watcher, whose is sticky, repeats its own until the step ends). */
	InterlockedExchange(&interrupted, 0);
	ReleaseSRWLockExclusive(&call_mu);
	c->ret = rc;
	c->err = rc < 0 ? err : 0;
	if (c->err != 0)
		plat_err_name(c->err, c->err_name, sizeof(c->err_name));
}

void
plat_win32_cancel(plat_sock sock)
{
	InterlockedExchange(&interrupted, 1);
	if (sock != PLAT_SOCK_NONE)
		(void)CancelIoEx((HANDLE)sock, NULL);
}

void
plat_win32_cancel_call(void)
{
	AcquireSRWLockExclusive(&call_mu);
	if (in_call) {
		InterlockedExchange(&interrupted, 1);
		if (call_sock != INVALID_SOCKET)
			(void)CancelIoEx((HANDLE)call_sock, NULL);
	}
	ReleaseSRWLockExclusive(&call_mu);
}

void
plat_win32_cancel_clear(void)
{
	InterlockedExchange(&interrupted, 0);
}

bool
plat_win32_interrupted(void)
{
	return InterlockedCompareExchange(&interrupted, 0, 0) != 0;
}

/* ---- the blocking mode ---- */

/* Open addressing with tombstones; a slot holds a SOCKET or one of these. */
#define NB_FREE INVALID_SOCKET
#define NB_GONE ((SOCKET)(INVALID_SOCKET - 1))

static SOCKET *nb_slots;

static size_t
nb_hash(SOCKET s)
{
	/* Handles are multiples of 4: drop the bits that never vary. */
	return (size_t)((uint64_t)s >> 2) & (NB_SLOTS - 1);
}

/* Where s is, or NULL; with free_slot, where it would go instead. */
static SOCKET *
nb_find(SOCKET s, SOCKET **free_slot)
{
	size_t i, h = nb_hash(s);

	*free_slot = NULL;
	if (nb_slots == NULL)
		return NULL;
	for (i = 0; i < NB_SLOTS; i++) {
		SOCKET *p = &nb_slots[(h + i) & (NB_SLOTS - 1)];

		if (*p == s)
			return p;
		if (*free_slot == NULL && (*p == NB_FREE || *p == NB_GONE))
			*free_slot = p;
		if (*p == NB_FREE)
			break;
	}
	return NULL;
}

bool
plat_win32_nonblocking(SOCKET s)
{
	SOCKET *fs;

	return nb_find(s, &fs) != NULL;
}

static int
nb_remember(SOCKET s, bool on)
{
	SOCKET *p, *fs;
	size_t i;

	if (nb_slots == NULL && on) {
		if ((nb_slots = malloc(NB_SLOTS * sizeof(*nb_slots))) == NULL)
			return -1;
		for (i = 0; i < NB_SLOTS; i++)
			nb_slots[i] = NB_FREE;
	}
	p = nb_find(s, &fs);
	if (p != NULL && !on)
		*p = NB_GONE;
	else if (p == NULL && on) {
		if (fs == NULL)
			return -1;
		*fs = s;
	}
	return 0;
}

int
plat_win32_set_nonblocking(SOCKET s, bool on)
{
	u_long arg = on ? 1 : 0;

	if (ioctlsocket(s, FIONBIO, &arg) == SOCKET_ERROR)
		return -1;
	if (nb_remember(s, on) == -1) {
		/* The mode we cannot remember is not left set. */
		arg = 0;
		(void)ioctlsocket(s, FIONBIO, &arg);
		WSASetLastError(WSAENOBUFS);
		return -1;
	}
	return 0;
}

void
plat_win32_forget(SOCKET s)
{
	(void)nb_remember(s, false);
}

void
plat_win32_no_inherit(SOCKET s)
{
	(void)SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
}

/* ---- the steps that never wait ---- */

/* ---- addresses ---- */

/* struct ip_addr as a sockaddr and back: platform_addr.c. */

/* A TCP socket of af; IPv6 speaking IPv6 only (Windows' default, said). */
static SOCKET
tcp_socket(int af)
{
	DWORD on = 1;
	SOCKET fd;
	int e;

	/* socket()'s own flags, but not inherited: the exit-close helper
	 * must hold the one socket it is given, and no other. */
	fd = WSASocketW(af, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
	    WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (fd == INVALID_SOCKET || af != AF_INET6 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&on,
		sizeof(on)) == 0)
		return fd;
	e = WSAGetLastError();
	closesocket(fd);
	WSASetLastError(e);
	return INVALID_SOCKET;
}

void
plat_socket(plat_sock *s, enum ip_family family, struct plat_call *c)
{
	SOCKET fd = INVALID_SOCKET;
	int e = WSAEAFNOSUPPORT;

	plat_win32_begin(c, PLAT_SOCK_NONE);
	if (family == IPF_V4 || family == IPF_V6) {
		fd = tcp_socket(family == IPF_V4 ? AF_INET : AF_INET6);
		e = WSAGetLastError();
	}
	plat_win32_end(c, fd == INVALID_SOCKET ? -1 : (int64_t)fd, e);
	if (fd != INVALID_SOCKET)
		plat_win32_no_inherit(fd);
	*s = fd != INVALID_SOCKET ? (plat_sock)fd : PLAT_SOCK_NONE;
}

/* Values past an int are the parser's to refuse; clamp rather than wrap. */
static int
to_int(int64_t v)
{
	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

static int
setopt_int(SOCKET s, int level, int name, int64_t v)
{
	int i = to_int(v);

	return setsockopt(s, level, name, (const char *)&i, sizeof(i));
}

/*
 * SO_LINGER: l_linger is a u_short, so a value outside 0..65535 would be
 * cut to another one by the assignment. It is refused instead, with
 * WSAEINVAL, and setsockopt() is not called (docs/windows.md).
 */
static int
set_linger(SOCKET s, bool on, int64_t secs)
{
	struct linger l = { 0, 0 };

	if (on && (secs < 0 || secs > LINGER_MAX)) {
		WSASetLastError(WSAEINVAL);
		return SOCKET_ERROR;
	}
	l.l_onoff = on ? 1 : 0;
	l.l_linger = on ? (u_short)secs : 0;
	return setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&l,
	    sizeof(l));
}

void
plat_setopt(plat_sock s, enum plat_opt opt, int64_t value, struct plat_call *c)
{
	SOCKET fd = (SOCKET)s;
	int rc;

	plat_win32_begin(c, PLAT_SOCK_NONE);
	switch (opt) {
	case PLAT_OPT_LINGER_OFF:
	case PLAT_OPT_LINGER:
		rc = set_linger(fd, opt == PLAT_OPT_LINGER, value);
		break;
	case PLAT_OPT_BLOCKING:
	case PLAT_OPT_NONBLOCKING:
		rc =
		    plat_win32_set_nonblocking(fd, opt == PLAT_OPT_NONBLOCKING);
		break;
	case PLAT_OPT_SNDBUF:
		rc = setopt_int(fd, SOL_SOCKET, SO_SNDBUF, value);
		break;
	case PLAT_OPT_RCVBUF:
		rc = setopt_int(fd, SOL_SOCKET, SO_RCVBUF, value);
		break;
	case PLAT_OPT_NODELAY:
		rc = setopt_int(fd, IPPROTO_TCP, TCP_NODELAY, value != 0);
		break;
	case PLAT_OPT_USER_TIMEOUT:
	case PLAT_OPT_LINGER2:
		/* Linux's options: Windows has neither, so it fails as
		 * setsockopt fails an option it does not know. */
		WSASetLastError(WSAENOPROTOOPT);
		rc = SOCKET_ERROR;
		break;
	default: /* a number from outside (the agent's codec checks) */
		WSASetLastError(WSAEINVAL);
		rc = SOCKET_ERROR;
		break;
	}
	plat_win32_end(c, rc == SOCKET_ERROR ? -1 : 0, WSAGetLastError());
}

void
plat_shutdown(plat_sock s, int how, struct plat_call *c)
{
	static const int hows[] = { SD_RECEIVE, SD_SEND, SD_BOTH };
	int rc;

	plat_win32_begin(c, s);
	if (how < 0 || how > 2) {
		plat_win32_end(c, -1, WSAEINVAL);
		return;
	}
	rc = shutdown((SOCKET)s, hows[how]);
	plat_win32_end(c, rc == SOCKET_ERROR ? -1 : 0, WSAGetLastError());
}

/* ---- close, and the sockets it leaves open ---- */

/*
 * closesocket() on a non-blocking socket with a non-zero linger fails
 * WSAEWOULDBLOCK and leaves the handle valid (the closesocket reference):
 * that is the result the step reports, and the handle stays open, as it
 * does in a program that does not try again, until plat_reset_kept().
 */
static SOCKET *kept;
static size_t nkept, kept_cap;

static void
keep(SOCKET s)
{
	SOCKET *n;
	size_t cap;

	if (nkept == kept_cap) {
		cap = kept_cap == 0 ? 64 : kept_cap * 2;
		if ((n = realloc(kept, cap * sizeof(*n))) == NULL) {
			plat_reset((plat_sock)s); /* never lose it */
			return;
		}
		kept = n;
		kept_cap = cap;
	}
	kept[nkept++] = s;
}

void
plat_close(plat_sock s, struct plat_call *c)
{
	int rc, e;

	plat_win32_begin(c, s);
	rc = closesocket((SOCKET)s);
	e = WSAGetLastError();
	plat_win32_end(c, rc == SOCKET_ERROR ? -1 : 0, e);
	if (rc == SOCKET_ERROR && e == WSAEWOULDBLOCK)
		keep((SOCKET)s);
	else
		plat_win32_forget((SOCKET)s);
}

void
plat_reset(plat_sock s)
{
	struct linger l = { 1, 0 };

	(void)setsockopt((SOCKET)s, SOL_SOCKET, SO_LINGER, (const char *)&l,
	    sizeof(l));
	(void)closesocket((SOCKET)s);
	plat_win32_forget((SOCKET)s);
}

size_t
plat_reset_kept(void)
{
	size_t i, n = nkept;

	for (i = 0; i < n; i++)
		plat_reset((plat_sock)kept[i]);
	nkept = 0;
	return n;
}

/* ---- names and routes ---- */

int
plat_source_addr(const struct ip_addr *addr, struct ip_addr *from)
{
	struct sockaddr_storage ss;
	int len = plat_sockaddr(addr, 9, &ss), rc = -1, e;
	uint16_t port;
	SOCKET fd;

	if (len == 0) {
		errno = WSAEAFNOSUPPORT;
		return -1;
	}
	/* Connecting a UDP socket only looks up the route. */
	fd = WSASocketW(ss.ss_family, SOCK_DGRAM, IPPROTO_UDP, NULL, 0,
	    WSA_FLAG_NO_HANDLE_INHERIT);
	if (fd == INVALID_SOCKET) {
		errno = WSAGetLastError();
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		len = (int)sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			rc = plat_ip_addr(&ss, from, &port);
	}
	e = WSAGetLastError();
	closesocket(fd);
	errno = e;
	return rc;
}

int
plat_sock_names(plat_sock s, struct ip_addr *laddr, uint16_t *lport,
    struct ip_addr *raddr, uint16_t *rport)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss);

	/* errno carries Winsock's number: the agent names it from there. */
	memset(&ss, 0, sizeof(ss));
	if (getsockname((SOCKET)s, (struct sockaddr *)&ss, &len) ==
		SOCKET_ERROR ||
	    plat_ip_addr(&ss, laddr, lport) == -1) {
		errno = WSAGetLastError();
		return -1;
	}
	len = (int)sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername((SOCKET)s, (struct sockaddr *)&ss, &len) ==
		SOCKET_ERROR ||
	    plat_ip_addr(&ss, raddr, rport) == -1) {
		errno = WSAGetLastError();
		return -1;
	}
	return 0;
}

/*
 * Windows kills no process when its parent dies (a job object would, but
 * only for processes made into it): the runner, which needs this, does
 * not run on Windows.
 */
int
plat_die_with_parent(long parent)
{
	(void)parent;
	errno = ENOSYS;
	return -1;
}
