/*
 * platform_win32_net.c - lingerlab-agent's own connections on Windows
 * (platform_net.h): Winsock started, the listening socket, the runner's
 * connection, waiting on both, and a console stop (Ctrl+C, Ctrl+Break,
 * the console closed; under Wine, SIGINT) as the stop POSIX takes from
 * SIGINT and SIGTERM. The watcher of a blocking step is in
 * platform_win32_watch.c.
 *
 * Waiting: an event per socket (WSAEventSelect) and the stop event, in
 * WaitForMultipleObjects; what is ready is then asked of select() with no
 * timeout, which is level-triggered where the events are not (FD_CLOSE
 * is posted once), so nothing is missed between two waits.
 *
 * The address grammar is the one lingerpeer's control channel and the
 * POSIX agent use (common/endpoint.c), for TCP: ADDR:PORT, [V6]:PORT,
 * localhost:PORT. The token file has the same rules; "only its owner may
 * read it" is the file's DACL here (docs/windows.md, "The token").
 */
#include "platform_net.h"
#include "platform_win32_int.h"

#include <windows.h>
#include <mstcpip.h>
#include <ws2tcpip.h>

#include <stdio.h>
#include <string.h>

#define LISTEN_BACKLOG 4
/* A cut network ends a session after about 10 + 5 s times the probes
 * (3 where TCP_KEEPCNT is taken, Windows 10 1703 and later; else 10). */
#define KEEP_IDLE_MS   10000
#define KEEP_INTVL_MS  5000
#define KEEP_CNT       3
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16 /* ws2ipdef.h of newer SDKs */
#endif

static HANDLE stop_ev;	  /* set by a console stop; never reset */
static HANDLE listen_ev;  /* FD_ACCEPT of the listening socket */
static HANDLE session_ev; /* FD_READ, FD_CLOSE of a runner's socket */

static BOOL WINAPI
on_console(DWORD type)
{
	SetEvent(stop_ev);
	/*
	 * A closed console, a logoff or a shutdown ends the process when
	 * this returns: give the main thread time to reset the runner's
	 * sockets and exit first.
	 */
	if (type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT ||
	    type == CTRL_SHUTDOWN_EVENT)
		Sleep(5000);
	return TRUE;
}

int
plat_net_init(char *err, size_t errlen)
{
	WSADATA wsa;
	int rc;

	if ((rc = WSAStartup(MAKEWORD(2, 2), &wsa)) != 0) {
		snprintf(err, errlen, "cannot start Winsock 2.2 (error %d)",
		    rc);
		return -1;
	}
	plat_win32_exit_helper(); /* returns unless we are the helper */
	stop_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	listen_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	session_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (stop_ev == NULL || listen_ev == NULL || session_ev == NULL) {
		snprintf(err, errlen,
		    "cannot make an event (Windows error "
		    "%lu)",
		    GetLastError());
		return -1;
	}
	if (!SetConsoleCtrlHandler(on_console, TRUE)) {
		snprintf(err, errlen, "cannot catch Ctrl+C (Windows error %lu)",
		    GetLastError());
		return -1;
	}
	if (plat_win32_signal_init(err, errlen) == -1)
		return -1;
	return plat_win32_watch_init(stop_ev, session_ev, err, errlen);
}

/* ---- listening ---- */

/* "192.0.2.1:7900" or "[::1]:7900" for people. */
static void
addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
	} else {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
	}
}

/* A port from 1 to 65535, or 0. */
static unsigned
parse_port(const char *s)
{
	unsigned long v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9' ||
		    (v = v * 10 + (unsigned long)(*s - '0')) > 65535)
			return 0;
	return (unsigned)v;
}

/* ADDR:PORT to an address; 0, or -1 with what to write in err. */
static int
parse_listen(const char *text, struct sockaddr_storage *ss, int *sl,
    bool *loopback, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *colon, *h = text;
	char host[64];
	size_t hlen;
	unsigned port;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		colon = strstr(text, "]:");
		h = text + 1;
		hlen = colon != NULL ? (size_t)(colon - h) : 0;
		colon = colon != NULL ? colon + 1 : NULL;
	} else {
		colon = strrchr(text, ':');
		hlen = colon != NULL ? (size_t)(colon - text) : 0;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof(host) ||
	    (port = parse_port(colon + 1)) == 0) {
		snprintf(err, errlen,
		    "'%s': lingerlab-agent listens on TCP "
		    "only; write ADDR:PORT, e.g. 127.0.0.1:7900 or "
		    "0.0.0.0:7900",
		    text);
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((u_short)port);
		*sl = sizeof(*sin);
		*loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((u_short)port);
		*sl = sizeof(*sin6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		return 0;
	}
	snprintf(err, errlen,
	    "'%s': '%s' is not an IP address. Write "
	    "127.0.0.1:PORT, [::1]:PORT, localhost:PORT or ADDR:PORT (names "
	    "are not looked up)",
	    text, host);
	return -1;
}

int
plat_net_listen(const char *text, plat_conn *out, bool *loopback, char *bound,
    size_t blen, bool *usage, char *err, size_t errlen)
{
	struct sockaddr_storage ss, me;
	int sl = 0, ml = sizeof(me), e;
	BOOL one = TRUE;
	SOCKET s;

	*usage = true;
	if (parse_listen(text, &ss, &sl, loopback, err, errlen) == -1)
		return -1;
	*usage = false;
	memset(&me, 0, sizeof(me));
	/* SO_EXCLUSIVEADDRUSE: no other program may bind our port too. */
	s = WSASocketW(ss.ss_family, SOCK_STREAM, IPPROTO_TCP, NULL, 0,
	    WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
	if (s == INVALID_SOCKET ||
	    setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one,
		sizeof(one)) != 0 ||
	    bind(s, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(s, LISTEN_BACKLOG) != 0 ||
	    WSAEventSelect(s, listen_ev, FD_ACCEPT) != 0 ||
	    getsockname(s, (struct sockaddr *)&me, &ml) != 0) {
		e = WSAGetLastError();
		snprintf(err, errlen, "cannot listen on %s: Winsock error %d%s",
		    text, e,
		    e == WSAEADDRINUSE ? " (another program listens "
					 "there: pick another port)"
			: e == WSAEADDRNOTAVAIL
			? " (no interface of this host has that address)"
			: e == WSAEACCES
			? " (the port is reserved or blocked: pick "
			  "another)"
			: "");
		if (s != INVALID_SOCKET)
			closesocket(s);
		return -1;
	}
	plat_win32_no_inherit(s);
	addr_text((struct sockaddr *)&me, bound, blen);
	*out = (plat_conn)s;
	return 0;
}

/* ---- waiting ---- */

/* Which of the two is readable now (a connection, bytes, or an end). */
static int
ready_now(SOCKET listener, SOCKET session, bool *l_ready, bool *s_ready)
{
	struct timeval zero = { 0, 0 };
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(listener, &rd);
	if (session != INVALID_SOCKET)
		FD_SET(session, &rd);
	if (select(0, &rd, NULL, NULL, &zero) == SOCKET_ERROR)
		return -1;
	*l_ready = FD_ISSET(listener, &rd) != 0;
	*s_ready = session != INVALID_SOCKET && FD_ISSET(session, &rd) != 0;
	return 0;
}

enum plat_net_event
plat_net_wait(plat_conn listener, plat_conn session, uint64_t deadline_ns,
    char *err, size_t errlen)
{
	HANDLE evs[3] = { stop_ev, listen_ev, session_ev };
	SOCKET ss =
	    session == PLAT_CONN_NONE ? INVALID_SOCKET : (SOCKET)session;
	bool l_ready, s_ready;
	uint64_t now;
	DWORD ms, r;

	for (;;) {
		if (WaitForSingleObject(stop_ev, 0) == WAIT_OBJECT_0)
			return PLAT_NET_STOP;
		/* Reset first: what comes after the look below wakes us. */
		ResetEvent(listen_ev);
		ResetEvent(session_ev);
		if (ready_now((SOCKET)listener, ss, &l_ready, &s_ready) == -1) {
			snprintf(err, errlen, "select: Winsock error %d",
			    WSAGetLastError());
			return PLAT_NET_ERROR;
		}
		if (s_ready)
			return PLAT_NET_SESSION;
		if (l_ready)
			return PLAT_NET_LISTENER;
		ms = INFINITE;
		if (deadline_ns != 0) {
			now = plat_now_ns();
			if (now >= deadline_ns)
				return PLAT_NET_TIMEOUT;
			ms = (DWORD)((deadline_ns - now) / 1000000u + 1);
		}
		r = WaitForMultipleObjects(ss == INVALID_SOCKET ? 2 : 3, evs,
		    FALSE, ms);
		if (r == WAIT_FAILED) {
			snprintf(err, errlen,
			    "WaitForMultipleObjects: Windows "
			    "error %lu",
			    GetLastError());
			return PLAT_NET_ERROR;
		}
	}
}

/* Keepalives: the only way to learn of a runner cut off mid-session. */
static void
keepalive(SOCKET s)
{
	struct tcp_keepalive ka = { 1, KEEP_IDLE_MS, KEEP_INTVL_MS };
	DWORD got = 0;
	int cnt = KEEP_CNT;
	BOOL on = TRUE;

	(void)WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &got,
	    NULL, NULL);
	(void)setsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, (const char *)&cnt,
	    sizeof(cnt));
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&on,
	    sizeof(on));
}

int
plat_net_accept(plat_conn listener, plat_conn *out, char *peer, size_t plen)
{
	struct sockaddr_storage ss;
	int sl = sizeof(ss);
	SOCKET s;

	memset(&ss, 0, sizeof(ss));
	snprintf(peer, plen, "?");
	s = accept((SOCKET)listener, (struct sockaddr *)&ss, &sl);
	if (s == INVALID_SOCKET)
		return -1;
	plat_win32_no_inherit(s);
	/* Its own events (and non-blocking, which WSAEventSelect makes it). */
	if (WSAEventSelect(s, session_ev, FD_READ | FD_CLOSE) != 0) {
		closesocket(s);
		return -1;
	}
	keepalive(s);
	addr_text((struct sockaddr *)&ss, peer, plen);
	*out = (plat_conn)s;
	return 0;
}

long
plat_net_recv(plat_conn c, char *buf, size_t len)
{
	int n = recv((SOCKET)c, buf, len > 65536 ? 65536 : (int)len, 0);

	if (n == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK)
		return -2;
	return n == SOCKET_ERROR ? -1 : (long)n;
}

int
plat_net_send(plat_conn c, const char *buf, size_t len, uint64_t deadline_ns)
{
	struct timeval tv;
	uint64_t now, ms;
	fd_set wr;
	int n;

	while (len > 0) {
		n = send((SOCKET)c, buf, len > 65536 ? 65536 : (int)len, 0);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == SOCKET_ERROR && WSAGetLastError() != WSAEWOULDBLOCK)
			return -1;
		now = plat_now_ns();
		if (now >= deadline_ns)
			return -1;
		ms = (deadline_ns - now) / 1000000u + 1;
		tv.tv_sec = (long)(ms / 1000);
		tv.tv_usec = (long)(ms % 1000 * 1000);
		FD_ZERO(&wr);
		FD_SET((SOCKET)c, &wr);
		if (select(0, NULL, &wr, NULL, &tv) == SOCKET_ERROR)
			return -1;
	}
	return 0;
}

void
plat_net_close(plat_conn c)
{
	char buf[4096];
	int n = 16;

	if (c == PLAT_CONN_NONE)
		return;
	/*
	 * Bytes of the runner's left unread would make the close a RST,
	 * which may overtake our last reply: end our half first, and drop
	 * what has come already.
	 */
	(void)shutdown((SOCKET)c, SD_SEND);
	while (n-- > 0 && recv((SOCKET)c, buf, sizeof(buf), 0) > 0)
		;
	closesocket((SOCKET)c);
}
