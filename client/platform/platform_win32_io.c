/*
 * platform_win32_io.c - the steps that wait, on Windows (platform.h):
 * connect and accept, which wait in select() with the step's deadline,
 * send and recv, which block in Winsock as a program's would, and listen.
 *
 * Another thread may end a step (the watcher when the runner goes away,
 * the `signal after` timer): a select() of ours wakes every
 * PLAT_WIN32_SLICE_MS to look, and fails WSAEINTR, the name Winsock gives
 * an interrupted blocking call; a recv() or send() blocked in Winsock is
 * ended by CancelIoEx on its socket and fails as Winsock then says.
 */
#include "platform.h"
#include "platform_win32_int.h"

#include <windows.h>
#include <ws2tcpip.h>

#include <stdlib.h>
#include <string.h>

#include "timeunit.h"

#define SEND_CHUNK     65536
#define RECV_MAX       (16u << 20) /* larger recv sizes are cut to this */
#define LISTEN_BACKLOG 16

enum wait_for { WANT_READ, WANT_WRITE };

/*
 * Until s is readable (a connection to accept) or writable (a connect
 * done, either way), or the deadline: 0; or -1 with WSAETIMEDOUT,
 * WSAEINTR (ended from another thread) or select()'s error.
 */
static int
wait_for(SOCKET s, enum wait_for want, uint64_t deadline_ns)
{
	fd_set fs, ex;
	struct timeval tv;
	uint64_t now, left_ms;
	int n;

	for (;;) {
		if (plat_win32_interrupted()) {
			WSASetLastError(WSAEINTR);
			return -1;
		}
		now = plat_now_ns();
		if (now >= deadline_ns) {
			WSASetLastError(WSAETIMEDOUT);
			return -1;
		}
		left_ms = (deadline_ns - now) / NS_PER_MS + 1;
		if (left_ms > PLAT_WIN32_SLICE_MS)
			left_ms = PLAT_WIN32_SLICE_MS;
		tv.tv_sec = 0;
		tv.tv_usec = (long)(left_ms * 1000);
		FD_ZERO(&fs);
		FD_ZERO(&ex);
		FD_SET(s, &fs);
		/* A failed non-blocking connect shows in exceptfds only. */
		FD_SET(s, &ex);
		n = select(0, want == WANT_READ ? &fs : NULL,
		    want == WANT_WRITE ? &fs : NULL, &ex, &tv);
		/* A select() ended by CancelIoEx (Wine's is I/O on the
		 * socket) is the interruption, as any other. */
		if (n == SOCKET_ERROR && plat_win32_interrupted())
			continue;
		if (n == SOCKET_ERROR)
			return -1;
		if (n > 0)
			return 0;
	}
}

/* The handshake's outcome once select() said it ended: 0 or -1. */
static int
connect_result(SOCKET s)
{
	int soerr = 0, len = sizeof(soerr);

	if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&soerr, &len) ==
	    SOCKET_ERROR)
		return -1;
	if (soerr != 0) {
		WSASetLastError(soerr);
		return -1;
	}
	return 0;
}

void
plat_connect(plat_sock s, const struct ip_addr *addr, uint16_t port,
    uint64_t timeout_ns, struct plat_call *c)
{
	struct sockaddr_storage ss;
	int sl = plat_sockaddr(addr, port, &ss);
	SOCKET fd = (SOCKET)s;
	bool was_nb = plat_win32_nonblocking(fd);
	u_long on = 1, off = 0;
	int rc, e;

	plat_win32_begin(c, s);
	/* Non-blocking underneath, so that the wait has our deadline. */
	rc = was_nb ? 0 : ioctlsocket(fd, FIONBIO, &on);
	if (rc == 0 && sl == 0) {
		WSASetLastError(WSAEAFNOSUPPORT);
		rc = SOCKET_ERROR;
	}
	if (rc == 0) {
		rc = connect(fd, (struct sockaddr *)&ss, sl);
		if (rc == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK) {
			rc = wait_for(fd, WANT_WRITE,
			    c->t_start_ns + timeout_ns);
			if (rc == 0)
				rc = connect_result(fd);
		}
	}
	e = WSAGetLastError();
	if (!was_nb)
		(void)ioctlsocket(fd, FIONBIO, &off);
	plat_win32_end(c, rc == 0 ? 0 : -1, e);
}

/*
 * send() until size bytes went, or until it would block; with
 * until_blocked the socket is non-blocking for the step (Winsock has no
 * MSG_DONTWAIT) and its mode restored after.
 */
void
plat_send(plat_sock s, uint64_t size, bool until_blocked, struct plat_call *c)
{
	static char buf[SEND_CHUNK];
	SOCKET fd = (SOCKET)s;
	bool flip = until_blocked && !plat_win32_nonblocking(fd);
	u_long on = 1, off = 0;
	uint64_t total = 0;
	size_t want;
	int n = 0, e = 0;

	memset(buf, 'x', sizeof(buf));
	plat_win32_begin(c, s);
	if (flip && ioctlsocket(fd, FIONBIO, &on) == SOCKET_ERROR) {
		plat_win32_end(c, -1, WSAGetLastError());
		return;
	}
	for (;;) {
		want = sizeof(buf);
		if (!until_blocked && size - total < want)
			want = (size_t)(size - total);
		n = send(fd, buf, (int)want, 0);
		if (n == SOCKET_ERROR) {
			e = WSAGetLastError();
			break;
		}
		total += (uint64_t)n;
		if (!until_blocked && total >= size)
			break;
	}
	if (flip)
		(void)ioctlsocket(fd, FIONBIO, &off);
	/* Bytes accepted make it a success, as a short write is one. */
	plat_win32_end(c, total > 0 || n >= 0 ? (int64_t)total : -1, e);
	c->bytes = total;
}

void
plat_recv(plat_sock s, uint64_t size, struct plat_call *c)
{
	size_t want = size > RECV_MAX ? RECV_MAX : (size_t)size;
	char *buf = malloc(want > 0 ? want : 1);
	int n, e;

	plat_win32_begin(c, s);
	if (buf == NULL) {
		plat_win32_end(c, -1, WSAENOBUFS);
		return;
	}
	n = recv((SOCKET)s, buf, (int)want, 0);
	e = WSAGetLastError();
	plat_win32_end(c, n == SOCKET_ERROR ? -1 : n, e);
	c->bytes = n > 0 ? (uint64_t)n : 0;
	free(buf);
}

void
plat_listen(plat_sock s, const struct ip_addr *addr, uint16_t port,
    struct plat_call *c)
{
	struct sockaddr_storage ss;
	int sl = plat_sockaddr(addr, port, &ss);
	SOCKET fd = (SOCKET)s;
	BOOL one = TRUE;
	int rc;

	plat_win32_begin(c, s);
	/*
	 * SO_REUSEADDR as platform.h asks (a port whose connections linger
	 * on is listened on again). On Windows it also lets another socket
	 * bind the same port: harmless on a lab host, and what the servers
	 * the scenarios stand for set.
	 */
	rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, (const char *)&one,
	    sizeof(one));
	if (rc == 0 && sl == 0) {
		WSASetLastError(WSAEAFNOSUPPORT);
		rc = SOCKET_ERROR;
	}
	if (rc == 0)
		rc = bind(fd, (struct sockaddr *)&ss, sl);
	if (rc == 0)
		rc = listen(fd, LISTEN_BACKLOG);
	plat_win32_end(c, rc == 0 ? 0 : -1, WSAGetLastError());
}

/*
 * A blocking accept() with a deadline: wait in select() until a
 * connection is there, then take it without blocking, so that one gone
 * between the two cannot leave us blocked. A socket accept() returns has
 * its listener's mode on Windows: after the detour it is set back to
 * blocking, the listener's, so the detour never shows.
 */
static SOCKET
accept_within(SOCKET l, uint64_t deadline_ns)
{
	u_long on = 1, off = 0;
	SOCKET n = INVALID_SOCKET;
	int e;

	if (ioctlsocket(l, FIONBIO, &on) == SOCKET_ERROR)
		return INVALID_SOCKET;
	for (;;) {
		n = accept(l, NULL, NULL);
		if (n != INVALID_SOCKET || WSAGetLastError() != WSAEWOULDBLOCK)
			break;
		if (wait_for(l, WANT_READ, deadline_ns) == -1)
			break;
	}
	e = WSAGetLastError();
	(void)ioctlsocket(l, FIONBIO, &off);
	if (n != INVALID_SOCKET &&
	    ioctlsocket(n, FIONBIO, &off) == SOCKET_ERROR) {
		e = WSAGetLastError();
		closesocket(n);
		n = INVALID_SOCKET;
	}
	WSASetLastError(e);
	return n;
}

void
plat_accept(plat_sock s, uint64_t timeout_ns, plat_sock *out,
    struct plat_call *c)
{
	SOCKET l = (SOCKET)s, n;
	bool nb = plat_win32_nonblocking(l);
	int e;

	*out = PLAT_SOCK_NONE;
	plat_win32_begin(c, s);
	if (nb)
		n = accept(l, NULL, NULL);
	else
		n = accept_within(l, c->t_start_ns + timeout_ns);
	e = WSAGetLastError();
	plat_win32_end(c, n == INVALID_SOCKET ? -1 : (int64_t)n, e);
	if (n == INVALID_SOCKET)
		return;
	plat_win32_no_inherit(n);
	/* It is non-blocking as its listener is: remember so. */
	if (nb && plat_win32_set_nonblocking(n, true) == -1) {
		closesocket(n);
		c->ret = -1;
		c->err = WSAENOBUFS;
		plat_err_name(c->err, c->err_name, sizeof(c->err_name));
		return;
	}
	*out = (plat_sock)n;
}
