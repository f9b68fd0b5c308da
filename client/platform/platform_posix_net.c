/*
 * platform_posix_net.c - lingerlab-agent's own connections on POSIX
 * systems (platform_net.h): the listening socket, the runner's connection,
 * waiting on both, and SIGINT/SIGTERM as a stop. The watcher that guards
 * a blocking step is in platform_posix_watch.c.
 *
 * The address is read by the endpoint grammar lingerpeer's control channel
 * uses (common/endpoint.c), so both programs accept the same words; the
 * token file by common/control_token.c, with the same rules.
 */
#include "platform_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_token.h"
#include "endpoint.h"
#include "platform_posix_int.h"

#define LISTEN_BACKLOG 4
/* A cut network ends a session after about 10 + 3 * 5 s of silence. */
#define KEEP_IDLE_S    10
#define KEEP_INTVL_S   5
#define KEEP_CNT       3

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* SIGPIPE is ignored anyway */
#endif

/* SIGINT and SIGTERM write a byte here; plat_net_wait() polls it. */
static int stop_pipe[2] = { -1, -1 };

static void
on_stop(int sig)
{
	int e = errno;
	char c = (char)sig;

	/* A full pipe holds a stop already: nothing is lost. */
	if (write(stop_pipe[1], &c, 1) == -1)
		errno = e;
	errno = e;
}

static int
nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
plat_net_init(char *err, size_t errlen)
{
	struct sigaction sa;

	if (pipe(stop_pipe) == -1 || nonblock_cloexec(stop_pipe[0]) == -1 ||
	    nonblock_cloexec(stop_pipe[1]) == -1) {
		snprintf(err, errlen, "cannot make a pipe: %s",
		    strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	/* A runner gone while we write is an error to handle, not a death. */
	(void)sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1) {
		snprintf(err, errlen, "cannot catch SIGINT and SIGTERM: %s",
		    strerror(errno));
		return -1;
	}
	return plat_posix_watch_init(stop_pipe[0], err, errlen);
}

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

int
plat_net_listen(const char *text, plat_conn *out, bool *loopback, char *bound,
    size_t blen, bool *usage, char *err, size_t errlen)
{
	struct control_endpoint ep;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	*usage = true;
	memset(&ep, 0, sizeof(ep));
	if (control_endpoint_parse_flags(text, CEP_ALLOW_REMOTE, &ep, err,
		errlen) == -1)
		return -1;
	if (ep.kind != CEP_TCP) {
		snprintf(err, errlen,
		    "'%s': lingerlab-agent listens on TCP only; "
		    "write ADDR:PORT, e.g. 127.0.0.1:7900 or 0.0.0.0:7900",
		    text);
		return -1;
	}
	*usage = false;
	*loopback = !ep.remote;
	fd = socket(ep.addr.ss_family, SOCK_STREAM, 0);
	if (fd == -1 || nonblock_cloexec(fd) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&ep.addr, ep.addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		snprintf(err, errlen, "cannot listen on %s: %s%s", text,
		    strerror(errno),
		    errno == EADDRINUSE ? " (another program "
					  "listens there: pick another port)"
			: errno == EADDRNOTAVAIL
			? " (no interface of this host has that "
			  "address)"
			: "");
		if (fd != -1)
			close(fd);
		return -1;
	}
	addr_text((struct sockaddr *)&ss, bound, blen);
	*out = (plat_conn)fd;
	return 0;
}

enum plat_net_event
plat_net_wait(plat_conn listener, plat_conn session, uint64_t deadline_ns,
    char *err, size_t errlen)
{
	struct pollfd p[3] = {
		{ .fd = stop_pipe[0], .events = POLLIN },
		{ .fd = (int)listener, .events = POLLIN },
		{ .fd = (int)session, .events = POLLIN },
	};
	uint64_t now;
	int ms, n;

	for (;;) {
		ms = -1;
		if (deadline_ns != 0) {
			now = plat_now_ns();
			if (now >= deadline_ns)
				return PLAT_NET_TIMEOUT;
			ms = (int)((deadline_ns - now) / 1000000u + 1);
		}
		n = poll(p, session == PLAT_CONN_NONE ? 2 : 3, ms);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return PLAT_NET_ERROR;
		}
		if (p[0].revents != 0)
			return PLAT_NET_STOP;
		if (session != PLAT_CONN_NONE && p[2].revents != 0)
			return PLAT_NET_SESSION;
		if (p[1].revents & (POLLERR | POLLNVAL)) {
			snprintf(err, errlen, "the listening socket failed");
			return PLAT_NET_ERROR;
		}
		if (p[1].revents != 0)
			return PLAT_NET_LISTENER;
	}
}

/* Keepalives: the only way to learn of a runner cut off mid-session. */
static void
keepalive(int fd)
{
	int on = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
#ifdef TCP_KEEPIDLE
	on = KEEP_IDLE_S;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &on, sizeof(on));
#endif
#ifdef TCP_KEEPINTVL
	on = KEEP_INTVL_S;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &on, sizeof(on));
#endif
#ifdef TCP_KEEPCNT
	on = KEEP_CNT;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &on, sizeof(on));
#endif
	on = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int
plat_net_accept(plat_conn listener, plat_conn *out, char *peer, size_t plen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd;

	memset(&ss, 0, sizeof(ss));
	snprintf(peer, plen, "?");
	while (
	    (fd = accept((int)listener, (struct sockaddr *)&ss, &sl)) == -1 &&
	    errno == EINTR)
		;
	if (fd == -1)
		return -1;
	if (nonblock_cloexec(fd) == -1) {
		close(fd);
		return -1;
	}
	keepalive(fd);
	addr_text((struct sockaddr *)&ss, peer, plen);
	*out = (plat_conn)fd;
	return 0;
}

long
plat_net_recv(plat_conn c, char *buf, size_t len)
{
	ssize_t n;

	while ((n = recv((int)c, buf, len, 0)) == -1 && errno == EINTR)
		;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -2;
	return (long)n;
}

int
plat_net_send(plat_conn c, const char *buf, size_t len, uint64_t deadline_ns)
{
	struct pollfd p = { .fd = (int)c, .events = POLLOUT };
	uint64_t now;
	ssize_t n;

	while (len > 0) {
		n = send((int)c, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return -1;
		now = plat_now_ns();
		if (now >= deadline_ns)
			return -1;
		if (poll(&p, 1, (int)((deadline_ns - now) / 1000000u + 1)) ==
			-1 &&
		    errno != EINTR)
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
	 * which may overtake our last reply (an err line-too-long, say):
	 * end our half first, and drop what has come already.
	 */
	(void)shutdown((int)c, SHUT_WR);
	while (n-- > 0 && recv((int)c, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close((int)c);
}

int
plat_net_read_token(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	return control_token_read(path, buf, len, err, errlen);
}
