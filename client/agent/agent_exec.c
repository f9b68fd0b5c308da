/*
 * agent_exec.c - lingerlab-agent carries out one request: a socket step
 * through the platform layer, timed there around the system call, or a
 * question (names, route, state, probes, clock); and its table of the
 * sockets it made for the runner.
 *
 * A call that fails is a result, reported with "ok" and its error: the
 * agent did what it was asked. "err" is for requests it could not carry
 * out at all (no such socket, the system could not be asked).
 */
#include "agent_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ---- */

int
agent_table_init(struct agent_table *t)
{
	t->slots = calloc(AGENT_MAX_SOCKS, sizeof(t->slots[0]));
	t->next_id = 1;
	t->nlive = 0;
	return t->slots != NULL ? 0 : -1;
}

void
agent_table_free(struct agent_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

size_t
agent_table_reset(struct agent_table *t)
{
	size_t i, n = 0;

	for (i = 0; i < AGENT_MAX_SOCKS && t->nlive > 0; i++) {
		if (t->slots[i].id == 0)
			continue;
		plat_reset(t->slots[i].s);
		t->slots[i].id = 0;
		t->nlive--;
		n++;
	}
	t->nlive = 0;
	/* And those a close left open on the system (Windows). */
	return n + plat_reset_kept();
}

/* A new id for s, or 0 when the table is full. */
static uint32_t
table_add(struct agent_table *t, plat_sock s)
{
	struct agent_slot *sl;
	uint32_t id;

	if (t->nlive >= AGENT_MAX_SOCKS)
		return 0;
	/* The next id whose slot is free; the table is not full. */
	for (;;) {
		id = t->next_id++;
		if (id == 0)
			continue; /* after 2^32 sockets in one session */
		sl = &t->slots[id % AGENT_MAX_SOCKS];
		if (sl->id == 0)
			break;
	}
	sl->id = id;
	sl->s = s;
	t->nlive++;
	return id;
}

static struct agent_slot *
table_find(struct agent_table *t, uint32_t id)
{
	struct agent_slot *sl = &t->slots[id % AGENT_MAX_SOCKS];

	return id != 0 && sl->id == id ? sl : NULL;
}

static void
table_remove(struct agent_table *t, struct agent_slot *sl)
{
	if (sl == NULL)
		return;
	sl->id = 0;
	t->nlive--;
}

/* ---- replies ---- */

static size_t
reply_call(const struct plat_call *c, uint32_t sock,
    const struct agent_names *n, char *buf, size_t len)
{
	return agent_format_call(c, sock, n, plat_signal_handled_ns(), buf,
	    len);
}

/* "err failed: what (ENAME)" with errno's name. */
static size_t
reply_failed(const char *what, int err, char *buf, size_t len)
{
	char en[64], msg[256];

	plat_err_name(err, en, sizeof(en));
	snprintf(msg, sizeof(msg), "%s (%s)", what, en);
	return agent_format_err("failed", msg, buf, len);
}

static size_t
reply_no_sock(uint32_t id, char *buf, size_t len)
{
	char msg[160];

	snprintf(msg, sizeof(msg),
	    "there is no socket %" PRIu32 " in this "
	    "session: it was closed, or never made (sock= of socket and accept "
	    "names one)",
	    id);
	return agent_format_err("no-sock", msg, buf, len);
}

static void
names_of(plat_sock s, struct agent_names *n)
{
	memset(n, 0, sizeof(*n));
	n->known =
	    plat_sock_names(s, &n->laddr, &n->lport, &n->raddr, &n->rport) == 0;
}

/* ---- steps ---- */

/* A new socket: socket, accept. */
static size_t
new_sock(struct agent_table *t, const struct agent_req *r, plat_sock from,
    plat_conn session, bool *gone, char *buf, size_t len)
{
	struct agent_names n = { .known = false };
	struct plat_call c;
	plat_sock s = PLAT_SOCK_NONE;
	uint32_t id = AGENT_SOCK_NONE;

	if (t->nlive >= AGENT_MAX_SOCKS)
		return agent_format_err("too-many-socks",
		    "this session has "
		    "16384 sockets open, the agent's limit: close some, or "
		    "reset",
		    buf, len);
	if (r->verb == AGENT_SOCKET)
		plat_socket(&s, r->family, &c);
	else {
		plat_net_watch_begin(session, from, false);
		plat_accept(from, r->duration_ns, &s, &c);
		*gone = plat_net_watch_end();
		if (s != PLAT_SOCK_NONE)
			names_of(s, &n);
	}
	if (s != PLAT_SOCK_NONE)
		id = table_add(t, s);
	return reply_call(&c, id, &n, buf, len);
}

/* The steps on a socket the runner names; s is it (or none). */
static size_t
step(struct agent_table *t, const struct agent_req *r, struct agent_slot *sl,
    plat_sock s, plat_conn session, bool *gone, char *buf, size_t len)
{
	struct agent_names n = { .known = false };
	struct plat_call c;

	switch (r->verb) {
	case AGENT_SET: plat_setopt(s, r->opt, r->value, &c); break;
	case AGENT_CONNECT:
		plat_net_watch_begin(session, s, false);
		plat_connect(s, &r->addr, r->port, r->duration_ns, &c);
		*gone = plat_net_watch_end();
		if (c.ret == 0)
			names_of(s, &n);
		break;
	case AGENT_SEND:
	case AGENT_RECV:
		plat_net_watch_begin(session, s, r->verb == AGENT_SEND);
		if (r->verb == AGENT_SEND)
			plat_send(s, r->size, r->until_blocked, &c);
		else
			plat_recv(s, r->size, &c);
		*gone = plat_net_watch_end();
		break;
	case AGENT_SHUTDOWN: plat_shutdown(s, r->how, &c); break;
	case AGENT_CLOSE:
	case AGENT_EXIT_CLOSE:
		/* Gone afterwards, whatever the call returned. */
		if (r->verb == AGENT_CLOSE)
			plat_close(s, &c);
		else
			plat_exit_close(s, &c);
		table_remove(t, sl);
		break;
	case AGENT_LISTEN: plat_listen(s, &r->addr, r->port, &c); break;
	default:
		return agent_format_err("bad-argument",
		    "not a socket step (a "
		    "bug in lingerlab-agent: please report)",
		    buf, len);
	}
	return reply_call(&c, AGENT_SOCK_NONE, &n, buf, len);
}

/* The steps and questions that name a socket. */
static size_t
on_sock(struct agent_table *t, const struct agent_req *r, plat_conn session,
    bool *gone, char *buf, size_t len)
{
	struct agent_slot *sl = NULL;
	struct agent_names n;
	plat_sock s = PLAT_SOCK_NONE;

	if (r->sock != AGENT_SOCK_NONE) {
		if ((sl = table_find(t, r->sock)) == NULL)
			return reply_no_sock(r->sock, buf, len);
		s = sl->s;
	}
	if (r->verb == AGENT_ACCEPT)
		return new_sock(t, r, s, session, gone, buf, len);
	if (r->verb != AGENT_NAMES)
		return step(t, r, sl, s, session, gone, buf, len);
	names_of(s, &n);
	if (!n.known)
		return reply_failed("the socket has no two ends to name", errno,
		    buf, len);
	return agent_format_names(&n, buf, len);
}

/* ---- questions ---- */

static size_t
route(const struct agent_req *r, char *buf, size_t len)
{
	struct ip_addr from;
	char a[IP_ADDR_STRLEN], text[IP_ADDR_STRLEN + 8];

	if (plat_source_addr(&r->addr, &from) == -1)
		return reply_failed("no route to that address", errno, buf,
		    len);
	snprintf(text, sizeof(text), "from=%s",
	    ip_addr_format(&from, a, sizeof(a)));
	return agent_format_ok(text, buf, len);
}

static size_t
state(const struct agent_req *r, char *buf, size_t len)
{
	char name[32], text[48];

	if (plat_tcp_state(&r->addr, r->port, &r->raddr, r->rport, name,
		sizeof(name)) == -1)
		return reply_failed("the system could not be asked for the "
				    "connection's state",
		    errno, buf, len);
	snprintf(text, sizeof(text), "state=%s", name);
	return agent_format_ok(text, buf, len);
}

static size_t
probe(const struct agent_req *r, char *buf, size_t len)
{
	const char *names[AGENT_COUNTERS_MAX];
	int64_t values[AGENT_COUNTERS_MAX];
	struct plat_proc p;
	struct plat_socks s;
	char err[256];
	size_t i;

	if (r->verb == AGENT_PROBE_PROCESS) {
		if (plat_probe_proc(&p, err, sizeof(err)) == -1)
			return agent_format_err("failed", err, buf, len);
		return agent_format_proc(&p, buf, len);
	}
	if (r->verb == AGENT_PROBE_SOCKETS) {
		if (plat_probe_socks(&s, err, sizeof(err)) == -1)
			return agent_format_err("failed", err, buf, len);
		return agent_format_socks(&s, buf, len);
	}
	for (i = 0; i < r->ncounters; i++)
		names[i] = r->counters[i];
	if (plat_probe_counters(names, values, r->ncounters, err,
		sizeof(err)) == -1)
		return agent_format_err("failed", err, buf, len);
	return agent_format_counters(r, values, buf, len);
}

size_t
agent_exec(struct agent_table *t, const struct agent_req *r, plat_conn session,
    bool *gone, char *buf, size_t len)
{
	char text[48];
	size_t n;

	*gone = false;
	switch (r->verb) {
	case AGENT_SOCKET:
		return new_sock(t, r, PLAT_SOCK_NONE, session, gone, buf, len);
	case AGENT_SIGNAL_AFTER: {
		struct plat_call c;

		plat_signal_after(r->duration_ns, &c);
		return reply_call(&c, AGENT_SOCK_NONE, NULL, buf, len);
	}
	case AGENT_ROUTE: return route(r, buf, len);
	case AGENT_STATE: return state(r, buf, len);
	case AGENT_PROBE_PROCESS:
	case AGENT_PROBE_SOCKETS:
	case AGENT_PROBE_COUNTERS: return probe(r, buf, len);
	case AGENT_CLOCK:
		snprintf(text, sizeof(text), "now=%" PRIu64, plat_now_ns());
		return agent_format_ok(text, buf, len);
	case AGENT_RESET:
		n = agent_table_reset(t);
		plat_signal_cancel();
		snprintf(text, sizeof(text), "reset=%u", (unsigned)n);
		return agent_format_ok(text, buf, len);
	default: return on_sock(t, r, session, gone, buf, len);
	}
}
