/*
 * control_client.c - endpoints and a blocking client for lingerpeer's
 * control channel.
 *
 * Blocking from the caller's view, but every wait is a poll() with a
 * deadline, so a peer that hangs turns into an error with a reason rather
 * than a test that hangs. Sends use MSG_NOSIGNAL: a peer that goes away
 * must not kill the test with SIGPIPE.
 */
#include "control_client.h"
#include "monotime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAX                                                              \
	(64u * 1024u * 1024u) /* more than any reply the server sends */
#define COMMAND_MAX 4096

struct control_client {
	int fd;
	bool broken;
	char name[128]; /* the endpoint, for messages */
	char *buf;	/* received, not yet taken */
	size_t len;
	size_t cap;
	size_t taken; /* reply bytes so far, against REPLY_MAX */
};

static int say(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Milliseconds left until deadline, for poll(); -1 means no deadline. */
static int
left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - monotime_ms();
	return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

static int64_t
deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : monotime_ms() + timeout_ms;
}

/* 1 when fd is ready for events, 0 on timeout, -1 on error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n, ms;

	do {
		ms = left_ms(deadline);
		n = poll(&pfd, 1, ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	} while (ms != 0 || n < 0);
	return 0;
}

static int
open_fd(struct control_client *c, const struct control_endpoint *ep, char *err,
    size_t errlen)
{
	int type;
	socklen_t len = sizeof(type);

	if (getsockopt(ep->fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return say(err, errlen,
		    "control endpoint fd:%d: %s. The parent must pass an "
		    "open stream socket as that descriptor",
		    ep->fd, strerror(errno));
	if (type != SOCK_STREAM)
		return say(err, errlen,
		    "control endpoint fd:%d is not a stream socket. Pass "
		    "one end of socketpair(AF_UNIX, SOCK_STREAM)",
		    ep->fd);
	if (fcntl(ep->fd, F_SETFL, fcntl(ep->fd, F_GETFL) | O_NONBLOCK) < 0)
		return say(err, errlen, "control endpoint fd:%d: %s", ep->fd,
		    strerror(errno));
	c->fd = ep->fd;
	return 0;
}

static int
open_socket(struct control_client *c, const struct control_endpoint *ep,
    int timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = deadline_of(timeout_ms);
	int fd, soerr = 0, r;
	socklen_t len = sizeof(soerr);

	fd = socket(ep->addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say(err, errlen, "cannot make a socket for %s: %s",
		    c->name, strerror(errno));
	if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	if ((r = wait_fd(fd, POLLOUT, deadline)) <= 0) {
		soerr = r == 0 ? ETIMEDOUT : errno;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr != 0)
		goto fail;
done:
	/*
	 * A command goes out as two sends (its words, its newline): over TCP,
	 * Nagle would hold the newline until the first is acknowledged, which
	 * a delayed ACK puts off by 40 ms, and a reply with it.
	 */
	if (ep->addr.ss_family == AF_INET || ep->addr.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
		    sizeof(int));
	c->fd = fd;
	return 0;
fail:
	close(fd);
	return say(err, errlen,
	    "cannot connect to control endpoint %s: %s. Is lingerpeer "
	    "running with --control %s?",
	    c->name, strerror(soerr), c->name);
}

struct control_client *
control_client_open(const char *endpoint, int timeout_ms, char *err,
    size_t errlen)
{
	return control_client_open_token(endpoint, NULL, timeout_ms, err,
	    errlen);
}

/* Send "auth TOKEN" and expect ok. 0, or -1 with why in err. */
static int
authenticate(struct control_client *c, const char *token, int timeout_ms,
    char *err, size_t errlen)
{
	struct control_reply r;
	char cmd[300];
	int rc = 0;

	if (snprintf(cmd, sizeof(cmd), "auth %s", token) >= (int)sizeof(cmd))
		return say(err, errlen, "the token for %s is too long",
		    c->name);
	rc = control_request(c, cmd, timeout_ms, &r, err, errlen);
	explicit_bzero(cmd, sizeof(cmd));
	if (rc < 0)
		return -1;
	if (!r.ok)
		rc = say(err, errlen,
		    "%s refused the token: %s: %s. Give the file that "
		    "lingerpeer's --control-token names",
		    c->name, r.code, r.message);
	control_reply_free(&r);
	return rc;
}

struct control_client *
control_client_open_token(const char *endpoint, const char *token,
    int timeout_ms, char *err, size_t errlen)
{
	struct control_endpoint ep;
	struct control_client *c;
	int r;

	if (control_endpoint_parse_flags(endpoint,
		token != NULL ? CEP_ALLOW_REMOTE : 0, &ep, err, errlen) < 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		say(err, errlen, "out of memory opening %s", endpoint);
		return NULL;
	}
	snprintf(c->name, sizeof(c->name), "%s", endpoint);
	if (ep.kind == CEP_FD)
		r = open_fd(c, &ep, err, errlen);
	else
		r = open_socket(c, &ep, timeout_ms, err, errlen);
	if (r < 0) {
		free(c);
		return NULL;
	}
	if (token != NULL &&
	    authenticate(c, token, timeout_ms, err, errlen) < 0) {
		control_client_close(c);
		return NULL;
	}
	return c;
}

void
control_client_close(struct control_client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c->buf);
	free(c);
}

static int
send_all(struct control_client *c, const char *data, size_t len,
    int64_t deadline, char *err, size_t errlen)
{
	ssize_t n;
	int r;

	while (len > 0) {
		n = send(c->fd, data, len, MSG_NOSIGNAL);
		if (n > 0) {
			data += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((r = wait_fd(c->fd, POLLOUT, deadline)) > 0)
				continue;
			return say(err, errlen, "sending to %s: %s", c->name,
			    r == 0 ? "timed out (the peer is not reading)"
				   : strerror(errno));
		}
		return say(err, errlen, "sending to %s: %s", c->name,
		    strerror(errno));
	}
	return 0;
}

/* Read more bytes into c->buf; 0 on success. */
static int
fill(struct control_client *c, int64_t deadline, char *err, size_t errlen)
{
	ssize_t n;
	char *nbuf;
	int r;

	if (c->cap - c->len < 4096) {
		if ((nbuf = realloc(c->buf, c->cap * 2 + 8192)) == NULL)
			return say(err, errlen, "out of memory reading from %s",
			    c->name);
		c->buf = nbuf;
		c->cap = c->cap * 2 + 8192;
	}
	for (;;) {
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0) {
			c->len += (size_t)n;
			return 0;
		}
		if (n == 0)
			return say(err, errlen,
			    "%s closed the connection before the reply "
			    "was complete",
			    c->name);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return say(err, errlen, "reading from %s: %s", c->name,
			    strerror(errno));
		if ((r = wait_fd(c->fd, POLLIN, deadline)) <= 0)
			return say(err, errlen,
			    "no complete reply from %s in time%s", c->name,
			    r < 0 ? " (poll failed)" : "");
	}
}

/* Take one line out of c->buf into a new string; NULL with err on failure. */
static char *
next_line(struct control_client *c, int64_t deadline, char *err, size_t errlen)
{
	size_t scanned = 0, n;
	char *nl, *line;

	for (;;) {
		nl = c->len > scanned
		    ? memchr(c->buf + scanned, '\n', c->len - scanned)
		    : NULL;
		if (nl != NULL)
			break;
		scanned = c->len;
		if (c->taken + c->len > REPLY_MAX) {
			say(err, errlen,
			    "the reply from %s is larger than %u bytes",
			    c->name, REPLY_MAX);
			return NULL;
		}
		if (fill(c, deadline, err, errlen) < 0)
			return NULL;
	}
	n = (size_t)(nl - c->buf);
	if ((line = malloc(n + 1)) == NULL) {
		say(err, errlen, "out of memory reading from %s", c->name);
		return NULL;
	}
	memcpy(line, c->buf, n);
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	c->taken += n + 1;
	return line;
}

static bool
is_status(const char *line)
{
	return strcmp(line, "ok") == 0 || strncmp(line, "ok ", 3) == 0 ||
	    strncmp(line, "err ", 4) == 0;
}

static void
set_status(struct control_reply *r, char *line)
{
	size_t n;

	r->status = line;
	r->ok = line[0] == 'o';
	if (r->ok) {
		r->message = line[2] == ' ' ? line + 3 : line + 2;
		return;
	}
	n = strcspn(line + 4, ": ");
	snprintf(r->code, sizeof(r->code), "%.*s", (int)n, line + 4);
	r->message = line + 4 + n;
	while (*r->message == ':' || *r->message == ' ')
		r->message++;
}

static int
add_line(struct control_reply *r, char *line)
{
	char **nl;

	if ((nl = realloc(r->lines, (r->nlines + 1) * sizeof(*nl))) == NULL)
		return -1;
	r->lines = nl;
	r->lines[r->nlines++] = line;
	return 0;
}

int
control_request(struct control_client *c, const char *command, int timeout_ms,
    struct control_reply *reply, char *err, size_t errlen)
{
	int64_t deadline = deadline_of(timeout_ms);
	size_t n = strlen(command);
	char *line;

	memset(reply, 0, sizeof(*reply));
	if (c->broken)
		return say(err, errlen,
		    "the connection to %s lost step with the server after "
		    "an earlier failure. Open a new one",
		    c->name);
	if (strchr(command, '\n') != NULL || n > COMMAND_MAX)
		return say(err, errlen,
		    "a command is one line of at most %d bytes", COMMAND_MAX);
	c->taken = 0;
	if (send_all(c, command, n, deadline, err, errlen) < 0 ||
	    send_all(c, "\n", 1, deadline, err, errlen) < 0)
		goto broken;
	while ((line = next_line(c, deadline, err, errlen)) != NULL) {
		if (is_status(line)) {
			set_status(reply, line);
			return 0;
		}
		if (add_line(reply, line) < 0) {
			free(line);
			say(err, errlen, "out of memory reading from %s",
			    c->name);
			break;
		}
	}
broken:
	c->broken = true;
	control_reply_free(reply);
	return -1;
}

int
control_requestf(struct control_client *c, int timeout_ms,
    struct control_reply *reply, char *err, size_t errlen, const char *fmt, ...)
{
	char cmd[COMMAND_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		memset(reply, 0, sizeof(*reply));
		return say(err, errlen,
		    "a command is one line of at most %d bytes", COMMAND_MAX);
	}
	return control_request(c, cmd, timeout_ms, reply, err, errlen);
}

void
control_reply_free(struct control_reply *r)
{
	size_t i;

	for (i = 0; i < r->nlines; i++)
		free(r->lines[i]);
	free(r->lines);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

int
control_field(const char *line, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), vlen;
	const char *p = line;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		vlen = strcspn(p, " ");
		if (vlen > klen && strncmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			vlen -= klen + 1;
			if (vlen + 1 > len)
				return -1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			return (int)vlen;
		}
		p += vlen;
	}
	return -1;
}

int
control_field_u64(const char *line, const char *key, uint64_t *out)
{
	char buf[32];
	uint64_t v = 0;
	int n, i;

	if ((n = control_field(line, key, buf, sizeof(buf))) <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	*out = v;
	return 0;
}
