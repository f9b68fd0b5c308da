/*
 * control_server.c - lingerpeer's control sockets: accept, read lines, check
 * the token (control_auth.c), run them through control_exec, queue and send
 * replies. Pending waits and deadlines: control_server_wait.c.
 *
 * Nothing here may block or grow without bound, because the same thread
 * moves the packets whose timing the tests measure:
 *   - sockets are non-blocking; each client is served at most READ_BUDGET
 *     bytes per poll round, so one chatty client cannot starve the rest;
 *   - a line longer than CONTROL_LINE_MAX is answered and then skipped up to
 *     its newline without being stored;
 *   - while a wait is pending, later lines stay in the client's fixed input
 *     buffer and, when it is full, in the kernel (we stop reading);
 *   - unsent replies are capped per client; past the cap the client is
 *     dropped, since it is not reading.
 */
#include "control_server.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_auth.h"
#include "control_server_int.h"
#include "monotime.h"

void
cs_log(struct control_server *s, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (s->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->cfg.log(s->cfg.log_arg, text);
}

struct control_server *
control_server_new(struct peer *p)
{
	return control_server_new_config(p, NULL);
}

struct control_server *
control_server_new_config(struct peer *p,
    const struct control_server_config *cfg)
{
	struct control_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->peer = p;
	if (cfg != NULL)
		s->cfg = *cfg;
	if (s->cfg.max_clients == 0)
		s->cfg.max_clients = CONTROL_MAX_CLIENTS_DEFAULT;
	if (s->cfg.out_max == 0)
		s->cfg.out_max = CONTROL_OUT_MAX_DEFAULT;
	if ((s->clients = calloc(s->cfg.max_clients,
		 sizeof(struct client *))) == NULL) {
		free(s);
		return NULL;
	}
	control_out_init(&s->scratch, CONTROL_REPLY_MAX);
	return s;
}

static void
client_free(struct client *c)
{
	close(c->fd);
	control_out_free(&c->out);
	free(c);
}

void
control_server_free(struct control_server *s)
{
	uint32_t i;
	size_t l;

	if (s == NULL)
		return;
	for (i = 0; i < s->cfg.max_clients; i++)
		if (s->clients[i] != NULL)
			client_free(s->clients[i]);
	for (l = 0; l < s->nlis; l++)
		control_socket_close(&s->lis[l]);
	control_out_free(&s->scratch);
	free(s->clients);
	free(s);
}

uint32_t
control_server_clients(const struct control_server *s)
{
	return s->nclients;
}

void
cs_drop(struct control_server *s, struct client *c, const char *why)
{
	if (c->dead)
		return;
	if (why != NULL)
		cs_log(s, "control client #%u dropped: %s", c->serial, why);
	c->dead = true;
}

static void
client_flush(struct control_server *s, struct client *c)
{
	ssize_t n;

	while (!c->dead && c->outoff < c->out.len) {
		n = send(c->fd, c->out.buf + c->outoff, c->out.len - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			/* EPIPE, ECONNRESET: it left; nothing to tell it. */
			cs_drop(s, c,
			    errno == EPIPE || errno == ECONNRESET
				? NULL
				: strerror(errno));
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->out.len) {
		control_out_reset(&c->out);
		c->outoff = 0;
	} else if (c->outoff > SEND_COMPACT) {
		control_out_consume(&c->out, c->outoff);
		c->outoff = 0;
	}
	if (c->closing && c->out.len == 0)
		c->dead = true;
}

/* Queue the reply in s->scratch for c and start sending it. */
void
cs_reply(struct control_server *s, struct client *c)
{
	if (s->scratch.failed) {
		cs_drop(s, c, "out of memory building a reply");
		return;
	}
	if (c->out.len - c->outoff + s->scratch.len > s->cfg.out_max) {
		cs_drop(s, c,
		    "it does not read its replies (output limit reached)");
		return;
	}
	if (control_out_append(&c->out, s->scratch.buf, s->scratch.len) < 0) {
		cs_drop(s, c, "out of memory queueing a reply");
		return;
	}
	client_flush(s, c);
}

/*
 * The token check (control_auth.c). A client that must authenticate gets
 * one try: anything but the right "auth TOKEN" is answered, then closed.
 * Returns true when the line was handled here (its reply queued).
 */
static bool
auth_line(struct control_server *s, struct client *c, const char *line,
    size_t len)
{
	enum control_auth a;

	control_out_reset(&s->scratch);
	a = control_auth_line(s->cfg.token, c->need_auth, line, len,
	    &s->scratch);
	if (a == CAUTH_PASS)
		return false;
	if (a == CAUTH_OK) {
		c->need_auth = false;
		s->nunauth--;
	} else if (a == CAUTH_REQUIRED || a == CAUTH_FAILED) {
		if (a == CAUTH_FAILED)
			cs_log(s, "control client #%u dropped: wrong token",
			    c->serial);
		c->closing = true;
	}
	cs_reply(s, c);
	return true;
}

static void
run_line(struct control_server *s, struct client *c, const char *line,
    size_t len, uint64_t now_ns)
{
	struct control_env env = { s->peer, s->nclients, s->cfg.max_clients };
	enum control_result r;

	if (auth_line(s, c, line, len))
		return;
	control_out_reset(&s->scratch);
	r = control_exec_line(&env, line, len, now_ns, &s->scratch, &c->wait);
	s->executed = true;
	if (r == CONTROL_PENDING) {
		c->waiting = true;
		s->nwaiting++;
		return;
	}
	if (r == CONTROL_QUIT)
		c->closing = true;
	cs_reply(s, c);
}

static void
too_long(struct control_server *s, struct client *c)
{
	control_out_reset(&s->scratch);
	control_out_status(&s->scratch,
	    "err " CONTROL_E_TOO_LONG ": the line is longer "
	    "than %d bytes and was discarded up to its newline. Send shorter commands",
	    CONTROL_LINE_MAX);
	if (c->need_auth)
		c->closing = true; /* one try, and this was not it */
	cs_reply(s, c);
}

/*
 * Run the complete lines in c->in, in order, until a wait blocks. A line
 * may end in "\r\n", hence the + 1 in the length checks.
 */
void
cs_process(struct control_server *s, struct client *c, uint64_t now_ns)
{
	char *nl;
	size_t len;

	while (!c->dead && !c->waiting && !c->closing) {
		nl = memchr(c->in, '\n', c->inlen);
		if (nl == NULL) {
			if (c->inlen > CONTROL_LINE_MAX + 1) {
				too_long(s, c);
				c->discarding = true;
				c->inlen = 0;
			} else if (c->eof && c->inlen > 0) {
				/* A last line without newline still counts. */
				run_line(s, c, c->in, c->inlen, now_ns);
				c->inlen = 0;
			}
			break;
		}
		len = (size_t)(nl - c->in);
		if (len > CONTROL_LINE_MAX + 1)
			too_long(s, c);
		else
			run_line(s, c, c->in, len, now_ns);
		c->inlen -= len + 1;
		memmove(c->in, nl + 1, c->inlen);
	}
	if (c->eof && !c->waiting && c->inlen == 0 && !c->closing) {
		c->closing = true;
		client_flush(s, c);
	}
}

/* Drop bytes up to and including a newline; keep what follows. */
static void
discard(struct client *c)
{
	char *nl = memchr(c->in, '\n', c->inlen);

	if (nl == NULL) {
		c->inlen = 0;
		return;
	}
	c->inlen -= (size_t)(nl + 1 - c->in);
	memmove(c->in, nl + 1, c->inlen);
	c->discarding = false;
}

static bool
wants_input(const struct client *c)
{
	return !c->dead && !c->eof && !c->closing && c->inlen < sizeof(c->in);
}

static void
client_read(struct control_server *s, struct client *c, uint64_t now_ns)
{
	size_t budget = READ_BUDGET;
	ssize_t n;

	while (budget > 0 && wants_input(c)) {
		n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen,
		    MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			cs_drop(s, c,
			    errno == ECONNRESET ? NULL : strerror(errno));
			break;
		}
		if (n == 0) {
			c->eof = true;
			break;
		}
		budget -= (size_t)n < budget ? (size_t)n : budget;
		c->inlen += (size_t)n;
		/*
		 * The lines just read are run at the time they were read, not
		 * at the batch's start: a client that sends its next line as
		 * soon as the last reply came is still read in this loop, and
		 * `clock` must not answer with a time before its request.
		 */
		now_ns = monotime_ns();
		if (c->discarding)
			discard(c);
		cs_process(s, c, now_ns);
	}
	cs_process(s, c, now_ns);
}

static void
client_event(struct control_server *s, struct client *c, short revents,
    uint64_t now_ns)
{
	if (revents & (POLLIN | POLLHUP | POLLERR))
		client_read(s, c, now_ns);
	if (revents & POLLOUT)
		client_flush(s, c);
	/*
	 * Hang-up means the client closed for good (a half-close only brings
	 * POLLIN): what it sent has been run above, no reply can reach it, and
	 * leaving it would make poll report it again at once.
	 */
	if (revents & (POLLHUP | POLLERR))
		cs_drop(s, c, NULL);
}

static struct client *
client_add(struct control_server *s, int fd, bool need_auth,
    uint64_t auth_deadline)
{
	struct client *c;
	uint32_t i;

	for (i = 0; i < s->cfg.max_clients && s->clients[i] != NULL; i++)
		;
	if (i == s->cfg.max_clients || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = fd;
	c->serial = ++s->serial;
	c->need_auth = need_auth;
	c->auth_deadline = auth_deadline;
	s->nunauth += need_auth;
	control_out_init(&c->out, SIZE_MAX);
	s->clients[i] = c;
	s->nclients++;
	return c;
}

/*
 * Over the limit: say so, then close. Shutting down our side and draining
 * what the client already sent first, so the close does not turn into a
 * reset that could destroy the message before it is read.
 */
static void
refuse_busy(struct control_server *s, int fd)
{
	char msg[160], junk[4096];
	int n, i;

	n = snprintf(msg, sizeof(msg),
	    "err " CONTROL_E_BUSY ": %u control clients are "
	    "connected, the limit. Close one or retry later\n",
	    s->cfg.max_clients);
	if (n > 0)
		(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_WR);
	for (i = 0; i < 16 && recv(fd, junk, sizeof(junk), MSG_DONTWAIT) > 0;
	     i++)
		;
	close(fd);
}

static void
accept_clients(struct control_server *s, size_t l, uint64_t now_ns)
{
	bool need_auth = s->cfg.token != NULL && s->lis[l].is_tcp;

	int fd, k;

	for (k = 0; k < ACCEPT_BUDGET; k++) {
		fd = accept4(s->lis[l].fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Poll would report it ready forever: pause until a client goes. */
				s->lis_paused[l] = true;
				cs_log(s,
				    "control: cannot accept: %s; paused until a client "
				    "disconnects",
				    strerror(errno));
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				cs_log(s, "control: accept failed: %s",
				    strerror(errno));
			}
			return;
		}
		/* a reply in two sends must not wait for a delayed ACK */
		if (s->lis[l].is_tcp)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
			    &(int){ 1 }, sizeof(int));
		if (client_add(s, fd, need_auth,
			now_ns + CONTROL_AUTH_TIMEOUT_NS) == NULL)
			refuse_busy(s, fd);
	}
}

int
control_server_listen(struct control_server *s, const char *endpoint, char *err,
    size_t errlen)
{
	struct control_socket cs;

	if (s->nlis == CONTROL_MAX_LISTENERS) {
		snprintf(err, errlen,
		    "control endpoint %s: at most %u endpoints can be "
		    "served. Use fewer --control options",
		    endpoint, CONTROL_MAX_LISTENERS);
		return -1;
	}
	if (control_socket_open(endpoint,
		s->cfg.token != NULL ? CEP_ALLOW_REMOTE : 0, &cs, err,
		errlen) < 0)
		return -1;
	if (cs.is_client) {
		/* A supervisor's socket: no clock yet, so no deadline for its token. */
		if (client_add(s, cs.fd, s->cfg.token != NULL && cs.is_tcp,
			UINT64_MAX) == NULL) {
			snprintf(err, errlen,
			    "control endpoint %s: no room for another client "
			    "(limit %u)",
			    endpoint, s->cfg.max_clients);
			control_socket_close(&cs);
			return -1;
		}
		return 0;
	}
	s->lis[s->nlis] = cs;
	s->lis_paused[s->nlis++] = false;
	return 0;
}

size_t
control_server_pollfds(struct control_server *s, struct pollfd *pfd, size_t max)
{
	struct client *c;
	size_t n = 0, l;
	uint32_t i;

	for (l = 0; l < s->nlis && n < max; l++) {
		if (s->lis_paused[l])
			continue;
		pfd[n].fd = s->lis[l].fd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
	}
	for (i = 0; i < s->cfg.max_clients && n < max; i++) {
		if ((c = s->clients[i]) == NULL || c->dead)
			continue;
		/* Always listed, even with no events: POLLHUP and POLLERR still come. */
		pfd[n].fd = c->fd;
		pfd[n].events = (short)((wants_input(c) ? POLLIN : 0) |
		    (c->outoff < c->out.len ? POLLOUT : 0));
		pfd[n++].revents = 0;
	}
	return n;
}

/* Close the dead; closing fds only here keeps fd numbers stable within a round. */
void
cs_reap(struct control_server *s)
{
	struct client *c;
	uint32_t i;
	size_t l;

	for (i = 0; i < s->cfg.max_clients; i++) {
		if ((c = s->clients[i]) == NULL || !c->dead)
			continue;
		if (c->waiting)
			s->nwaiting--;
		if (c->need_auth)
			s->nunauth--;
		client_free(c);
		s->clients[i] = NULL;
		s->nclients--;
		for (l = 0; l < s->nlis; l++)
			s->lis_paused[l] = false;
	}
}

static struct client *
client_by_fd(struct control_server *s, int fd)
{
	uint32_t i;

	for (i = 0; i < s->cfg.max_clients; i++)
		if (s->clients[i] != NULL && s->clients[i]->fd == fd)
			return s->clients[i];
	return NULL;
}

void
control_server_handle(struct control_server *s, const struct pollfd *pfd,
    size_t n, uint64_t now_ns)
{
	struct client *c;
	size_t i, l;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0 || pfd[i].fd < 0)
			continue;
		if ((c = client_by_fd(s, pfd[i].fd)) != NULL && !c->dead)
			client_event(s, c, pfd[i].revents, now_ns);
	}
	cs_reap(s);
	for (i = 0; i < n; i++) {
		if ((pfd[i].revents & POLLIN) == 0)
			continue;
		for (l = 0; l < s->nlis; l++)
			if (s->lis[l].fd == pfd[i].fd && !s->lis_paused[l])
				accept_clients(s, l, now_ns);
	}
	cs_check_waits(s, now_ns);
	cs_reap(s);
}
