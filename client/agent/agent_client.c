/*
 * agent_client.c - the runner's end of lingerlab-agent (agent_client.h):
 * one TCP connection, one request at a time, each reply read with a
 * deadline. The runner runs on Linux, so this file is POSIX; the agent's
 * side of the protocol stays portable.
 */
#include "agent_client.h"
#include "agent_client_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "endpoint.h"
#include "monotime.h"

static int lose(struct agent_client *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* The agent is lost: say why, refuse everything after. */
static int
lose(struct agent_client *ac, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ac->err, sizeof(ac->err), fmt, ap);
	va_end(ap);
	ac->lost = true;
	return -1;
}

const char *
agent_client_error(const struct agent_client *ac)
{
	return ac->err;
}

bool
agent_client_lost(const struct agent_client *ac)
{
	return ac->lost;
}

void
agent_client_set_step_timeout(struct agent_client *ac, int ms)
{
	ac->step_ms = ms;
}

uint64_t
agent_signal_handled_ns(const struct agent_client *ac)
{
	return ac->signal_ns;
}

/* ---- the line transport ---- */

/* ms left to deadline (-1: none); 0 when it has passed. */
static int
left_ms(int64_t deadline)
{
	int64_t now;

	if (deadline < 0)
		return -1;
	now = monotime_ms();
	return now >= deadline ? 0 : (int)(deadline - now);
}

static int
send_line(struct agent_client *ac, const char *buf, size_t len,
    int64_t deadline)
{
	struct pollfd p = { .fd = ac->fd, .events = POLLOUT };
	ssize_t n;

	while (len > 0) {
		n = send(ac->fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return lose(ac, "cannot send to the agent: %s",
			    strerror(errno));
		if (left_ms(deadline) == 0)
			return lose(ac,
			    "the agent took no request for too long");
		(void)poll(&p, 1, left_ms(deadline));
	}
	return 0;
}

/* The next line from the agent, within deadline (-1: none). */
static int
read_line(struct agent_client *ac, int64_t deadline, const char **line,
    size_t *len)
{
	struct pollfd p = { .fd = ac->fd, .events = POLLIN };
	size_t room;
	char *space;
	ssize_t n;
	int k;

	for (;;) {
		if ((k = agent_lines_next(&ac->lines, line, len)) == 1)
			return 0;
		if (k == -1)
			return lose(ac, "the agent sent a line over %d bytes",
			    AGENT_LINE_MAX);
		space = agent_lines_space(&ac->lines, &room);
		n = recv(ac->fd, space, room, 0);
		if (n > 0) {
			agent_lines_added(&ac->lines, (size_t)n);
			continue;
		}
		if (n == 0)
			return lose(ac, "the agent closed the connection");
		if (errno != EAGAIN && errno != EINTR)
			return lose(ac, "cannot read from the agent: %s",
			    strerror(errno));
		if (left_ms(deadline) == 0)
			return lose(ac, "the agent did not answer in time");
		(void)poll(&p, 1, left_ms(deadline));
	}
}

int
agent_client_request(struct agent_client *ac, const struct agent_req *r,
    int timeout_ms, struct agent_reply *rep)
{
	int64_t deadline = timeout_ms < 0 ? -1 : monotime_ms() + timeout_ms;
	char buf[AGENT_LINE_MAX + 2];
	const char *line;
	size_t n, len;

	memset(rep, 0, sizeof(*rep));
	if (ac->lost)
		return -1;
	if ((n = agent_format_request(r, buf, sizeof(buf))) == 0)
		return lose(ac,
		    "the request '%s' cannot be written (a bug in "
		    "lingerlab: please report)",
		    agent_verb_name(r->verb));
	if (send_line(ac, buf, n, deadline) == -1 ||
	    read_line(ac, deadline, &line, &len) == -1)
		return -1;
	if (agent_parse_reply(line, len, rep) == -1)
		return lose(ac, "the agent answered %s with no reply: '%.*s'",
		    agent_verb_name(r->verb), len > 80 ? 80 : (int)len, line);
	return 0;
}

int
agent_client_ask(struct agent_client *ac, const struct agent_req *r,
    int timeout_ms, struct agent_reply *rep)
{
	if (agent_client_request(ac, r, timeout_ms, rep) == -1)
		return -1;
	if (rep->ok)
		return 0;
	snprintf(ac->err, sizeof(ac->err), "the agent refused %s: %s: %.300s",
	    agent_verb_name(r->verb), rep->code, rep->text);
	return -1;
}

/* ---- opening ---- */

/*
 * A network cut between runner and agent must end a step that waits for
 * a reply (a close lingering for a minute sends nothing meanwhile): the
 * keepalives the agent's kernel answers while the agent lives stop
 * coming back, and data not acknowledged within AGENT_LOSS_MS ends the
 * connection as well, so the runner says "agent lost" within seconds
 * rather than at the case's time limit. Best effort where the options
 * are missing.
 */
#define AGENT_LOSS_MS 5000

static void
quick_loss(int fd)
{
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
	int idle = 2, intvl = 1, cnt = 3;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#endif
#ifdef TCP_USER_TIMEOUT
	unsigned int ms = AGENT_LOSS_MS;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms));
#endif
	(void)fd;
}

static int
connect_within(struct agent_client *ac, const struct control_endpoint *ep,
    int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : monotime_ms() + timeout_ms;
	struct pollfd p = { .events = POLLOUT };
	socklen_t sl = sizeof(int);
	int soerr = 0, one = 1;

	ac->fd = socket(ep->addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ac->fd == -1)
		return lose(ac, "socket: %s", strerror(errno));
	(void)setsockopt(ac->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(ac->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	quick_loss(ac->fd);
	if (connect(ac->fd, (const struct sockaddr *)&ep->addr, ep->addrlen) ==
	    0)
		return 0;
	if (errno != EINPROGRESS)
		return lose(ac, "%s", strerror(errno));
	p.fd = ac->fd;
	if (poll(&p, 1, left_ms(deadline)) <= 0)
		return lose(ac, "no answer within %d ms", timeout_ms);
	if (getsockopt(ac->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
	    soerr != 0)
		return lose(ac, "%s", strerror(soerr != 0 ? soerr : errno));
	return 0;
}

/* The greeting, and the token if the agent wants one. */
static int
greet(struct agent_client *ac, const char *token, int timeout_ms)
{
	struct agent_req r = { .verb = AGENT_AUTH };
	struct agent_reply rep;
	const char *line;
	uint32_t proto;
	bool need;
	size_t len;

	if (read_line(ac, monotime_ms() + timeout_ms, &line, &len) == -1)
		return -1;
	if (agent_parse_reply(line, len, &rep) == 0 && !rep.ok)
		return lose(ac, "%s: %s", rep.code, rep.text);
	if (agent_parse_greeting(line, len, &proto, &need) == -1)
		return lose(ac, "this is no lingerlab-agent: it said '%.*s'",
		    len > 80 ? 80 : (int)len, line);
	if (!need || token == NULL)
		return 0; /* without a token, hello meets auth-required */
	snprintf(r.token, sizeof(r.token), "%s", token);
	if (agent_client_request(ac, &r, timeout_ms, &rep) == -1)
		return -1;
	return rep.ok ? 0 : lose(ac, "%s: %s", rep.code, rep.text);
}

static int
hello(struct agent_client *ac, int timeout_ms, struct agent_hello *h)
{
	struct agent_req r = { .verb = AGENT_HELLO,
		.protocol = AGENT_PROTOCOL };
	struct agent_reply rep;

	memset(h, 0, sizeof(*h));
	if (agent_client_request(ac, &r, timeout_ms, &rep) == -1)
		return -1;
	if (!rep.ok)
		return lose(ac, "%s: %s", rep.code, rep.text);
	if (agent_reply_hello(&rep, &h->protocol, &h->os, &h->now_ns) == -1)
		return lose(ac, "its hello lacks a field: '%.200s'", rep.text);
	if (agent_reply_field(&rep, "agent", h->agent_version,
		sizeof(h->agent_version)) < 0)
		snprintf(h->agent_version, sizeof(h->agent_version), "unknown");
	return 0;
}

struct agent_client *
agent_client_open(const char *endpoint, const char *token, int timeout_ms,
    struct agent_hello *h, char *err, size_t errlen)
{
	struct control_endpoint ep;
	struct agent_client *ac;

	memset(&ep, 0, sizeof(ep));
	if (control_endpoint_parse_flags(endpoint,
		token != NULL ? CEP_ALLOW_REMOTE : 0, &ep, err, errlen) == -1)
		return NULL;
	if (ep.kind != CEP_TCP) {
		snprintf(err, errlen,
		    "'%s': an agent is reached over TCP: "
		    "write ADDR:PORT",
		    endpoint);
		return NULL;
	}
	if ((ac = calloc(1, sizeof(*ac))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ac->fd = -1;
	ac->step_ms = -1;
	agent_lines_init(&ac->lines);
	if (connect_within(ac, &ep, timeout_ms) == -1 ||
	    greet(ac, token, timeout_ms) == -1 ||
	    hello(ac, timeout_ms, h) == -1) {
		snprintf(err, errlen, "lingerlab-agent at %s: %s", endpoint,
		    ac->err);
		if (ac->fd >= 0)
			close(ac->fd);
		free(ac);
		return NULL;
	}
	return ac;
}

void
agent_client_close(struct agent_client *ac)
{
	struct agent_req r = { .verb = AGENT_QUIT };
	struct agent_reply rep;

	if (ac == NULL)
		return;
	if (!ac->lost)
		(void)agent_client_request(ac, &r, 1000, &rep);
	close(ac->fd);
	free(ac);
}
