/*
 * control_listen.c - make the control server's sockets from endpoint text.
 *
 * The care is in unix:PATH: a socket file left by a crashed lingerpeer must
 * not stop the next one from starting, but a live one must never have its
 * socket stolen, so the file is removed only when a connect to it is
 * refused, and only if it is a socket at all.
 */
#include "control_listen.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int say(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Does something accept connections at this unix address? */
static bool
unix_alive(const struct control_endpoint *ep)
{
	int fd, r;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		 0)) < 0)
		return true; /* cannot tell: assume alive, never steal */
	r = connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen);
	/* EAGAIN: its backlog is full, so it is very much alive. */
	r = r == 0 || errno == EAGAIN || errno == EINPROGRESS;
	close(fd);
	return r;
}

static int
bind_unix(int fd, const char *text, const struct control_endpoint *ep,
    struct control_socket *cs, char *err, size_t errlen)
{
	struct stat st;

	if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0)
		goto bound;
	if (errno != EADDRINUSE)
		return say(err, errlen, "control endpoint %s: cannot bind: %s",
		    text, strerror(errno));
	if (ep->kind == CEP_UNIX_ABSTRACT)
		return say(err, errlen,
		    "control endpoint %s is in use by another program. "
		    "Choose another name",
		    text);
	if (lstat(ep->path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return say(err, errlen,
		    "control endpoint %s: %s exists and is not a socket. "
		    "Remove it or choose another path",
		    text, ep->path);
	if (unix_alive(ep))
		return say(err, errlen,
		    "control endpoint %s is in use: another program "
		    "answers on it (another lingerpeer?). Stop it or choose another path",
		    text);
	if (unlink(ep->path) < 0 && errno != ENOENT)
		return say(err, errlen,
		    "control endpoint %s: cannot remove the stale socket "
		    "file: %s",
		    text, strerror(errno));
	if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) < 0)
		return say(err, errlen,
		    "control endpoint %s: cannot bind after removing a "
		    "stale socket file: %s",
		    text, strerror(errno));
bound:
	if (ep->kind == CEP_UNIX && lstat(ep->path, &st) == 0) {
		cs->owns_path = true;
		cs->dev = st.st_dev;
		cs->ino = st.st_ino;
		memcpy(cs->path, ep->path, sizeof(cs->path));
	}
	return 0;
}

static int
open_listener(const char *text, const struct control_endpoint *ep,
    struct control_socket *cs, char *err, size_t errlen)
{
	int fd, on = 1;

	fd = socket(ep->addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say(err, errlen,
		    "control endpoint %s: cannot make a socket: %s", text,
		    strerror(errno));
	if (ep->kind == CEP_TCP) {
		/* A restarted peer must get its port back despite TIME_WAIT. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ep->addr.ss_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
			    sizeof(on));
		if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) <
		    0) {
			say(err, errlen,
			    "control endpoint %s: cannot bind: %s%s", text,
			    strerror(errno),
			    errno == EADDRINUSE ? ". Choose another port" : "");
			goto fail;
		}
	} else if (bind_unix(fd, text, ep, cs, err, errlen) < 0) {
		goto fail;
	}
	if (listen(fd, 64) < 0) {
		say(err, errlen, "control endpoint %s: cannot listen: %s", text,
		    strerror(errno));
		goto fail;
	}
	cs->fd = fd;
	return 0;
fail:
	if (cs->owns_path)
		unlink(cs->path);
	cs->owns_path = false;
	close(fd);
	return -1;
}

/* Is this inherited socket TCP, and if so, bound to loopback? */
static void
inherited_family(int fd, bool *is_tcp, bool *loopback)
{
	struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
	socklen_t len = sizeof(ss);

	*is_tcp = false;
	*loopback = true;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		*is_tcp = true;
		*loopback =
		    ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24 ==
		    127;
	} else if (ss.ss_family == AF_INET6) {
		*is_tcp = true;
		*loopback = IN6_IS_ADDR_LOOPBACK(
		    &((struct sockaddr_in6 *)&ss)->sin6_addr);
	}
}

/*
 * An inherited descriptor: a listening socket is served like any other; a
 * connected one is a single client (a supervisor's socketpair end). A TCP
 * one beyond loopback is held to the same rule as one we bind ourselves.
 */
static int
open_inherited(const char *text, int fd, unsigned flags,
    struct control_socket *cs, char *err, size_t errlen)
{
	int type, listening = 0, fl;
	socklen_t len = sizeof(type);
	bool loopback;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return say(err, errlen,
		    "control endpoint %s: %s. The parent must pass an "
		    "open stream socket as descriptor %d",
		    text, strerror(errno), fd);
	if (type != SOCK_STREAM)
		return say(err, errlen,
		    "control endpoint %s is not a stream socket. Pass a "
		    "listening socket or one end of socketpair(AF_UNIX, SOCK_STREAM)",
		    text);
	inherited_family(fd, &cs->is_tcp, &loopback);
	if (!loopback && !(flags & CEP_ALLOW_REMOTE))
		return say(err, errlen,
		    "control endpoint %s is a TCP socket beyond loopback: "
		    "give --control-token FILE so that its clients must authenticate",
		    text);
	len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0)
		return say(err, errlen, "control endpoint %s: %s", text,
		    strerror(errno));
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return say(err, errlen, "control endpoint %s: %s", text,
		    strerror(errno));
	cs->fd = fd;
	cs->is_client = listening == 0;
	return 0;
}

int
control_socket_open(const char *endpoint, unsigned flags,
    struct control_socket *cs, char *err, size_t errlen)
{
	struct control_endpoint ep;

	memset(cs, 0, sizeof(*cs));
	cs->fd = -1;
	if (control_endpoint_parse_flags(endpoint, flags, &ep, err, errlen) < 0)
		return -1;
	cs->is_tcp = ep.kind == CEP_TCP;
	if (ep.kind == CEP_FD)
		return open_inherited(endpoint, ep.fd, flags, cs, err, errlen);
	return open_listener(endpoint, &ep, cs, err, errlen);
}

void
control_socket_close(struct control_socket *cs)
{
	struct stat st;

	if (cs->fd >= 0)
		close(cs->fd);
	cs->fd = -1;
	/* Another process may have replaced the file since: leave theirs alone. */
	if (cs->owns_path && lstat(cs->path, &st) == 0 &&
	    st.st_dev == cs->dev && st.st_ino == cs->ino)
		unlink(cs->path);
	cs->owns_path = false;
}
