/*
 * agent_client_calls.c - the platform layer's calls carried out by
 * lingerlab-agent (agent_client.h): each a request, its reply read back
 * into what plat_X() would have given.
 */
#include "agent_client.h"
#include "agent_client_int.h"
#include "agent_proto_int.h"

#include <stdio.h>
#include <string.h>

#include "monotime.h"

/* Our plat_sock for an agent's handle and back. */
static uint32_t
handle(plat_sock s)
{
	return s == PLAT_SOCK_NONE || s <= 0 || s > (plat_sock)UINT32_MAX
	    ? AGENT_SOCK_NONE
	    : (uint32_t)s;
}

/*
 * A step: send r, read the call's reply into c (and a new socket into
 * *out when out is not NULL). 0, or -1.
 */
static int
call(struct agent_client *ac, const struct agent_req *r, struct plat_call *c,
    plat_sock *out)
{
	struct agent_names names;
	struct agent_reply rep;
	uint32_t sock;

	memset(c, 0, sizeof(*c));
	if (out != NULL)
		*out = PLAT_SOCK_NONE;
	if (agent_client_ask(ac, r, ac->step_ms, &rep) == -1)
		return -1;
	if (agent_reply_call(&rep, c, &sock, &names, &ac->signal_ns) == -1) {
		snprintf(ac->err, sizeof(ac->err),
		    "the agent's reply to %s "
		    "lacks a field: '%.200s'",
		    agent_verb_name(r->verb), rep.text);
		ac->lost = true;
		return -1;
	}
	if (out != NULL && sock != AGENT_SOCK_NONE)
		*out = (plat_sock)sock;
	return 0;
}

int
agent_socket(struct agent_client *ac, plat_sock *s, enum ip_family family,
    struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_SOCKET, .family = family };

	return call(ac, &r, c, s);
}

int
agent_setopt(struct agent_client *ac, plat_sock s, enum plat_opt opt,
    int64_t value, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_SET,
		.sock = handle(s),
		.opt = opt,
		.value = value };

	return call(ac, &r, c, NULL);
}

int
agent_connect(struct agent_client *ac, plat_sock s, const struct ip_addr *addr,
    uint16_t port, uint64_t timeout_ns, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_CONNECT,
		.sock = handle(s),
		.addr = *addr,
		.port = port,
		.duration_ns = timeout_ns };

	return call(ac, &r, c, NULL);
}

int
agent_send(struct agent_client *ac, plat_sock s, uint64_t size,
    bool until_blocked, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_SEND,
		.sock = handle(s),
		.size = size,
		.until_blocked = until_blocked };

	return call(ac, &r, c, NULL);
}

int
agent_recv(struct agent_client *ac, plat_sock s, uint64_t size,
    struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_RECV,
		.sock = handle(s),
		.size = size };

	return call(ac, &r, c, NULL);
}

int
agent_shutdown(struct agent_client *ac, plat_sock s, int how,
    struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_SHUTDOWN,
		.sock = handle(s),
		.how = how };

	return call(ac, &r, c, NULL);
}

int
agent_close(struct agent_client *ac, plat_sock s, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_CLOSE, .sock = handle(s) };

	return call(ac, &r, c, NULL);
}

int
agent_exit_close(struct agent_client *ac, plat_sock s, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_EXIT_CLOSE, .sock = handle(s) };

	return call(ac, &r, c, NULL);
}

int
agent_listen(struct agent_client *ac, plat_sock s, const struct ip_addr *addr,
    uint16_t port, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_LISTEN,
		.sock = handle(s),
		.addr = *addr,
		.port = port };

	return call(ac, &r, c, NULL);
}

int
agent_accept(struct agent_client *ac, plat_sock s, uint64_t timeout_ns,
    plat_sock *out, struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_ACCEPT,
		.sock = handle(s),
		.duration_ns = timeout_ns };

	return call(ac, &r, c, out);
}

int
agent_signal_after(struct agent_client *ac, uint64_t after_ns,
    struct plat_call *c)
{
	struct agent_req r = { .verb = AGENT_SIGNAL_AFTER,
		.duration_ns = after_ns };

	return call(ac, &r, c, NULL);
}

/* ---- questions ---- */

int
agent_sock_names(struct agent_client *ac, plat_sock s, struct ip_addr *laddr,
    uint16_t *lport, struct ip_addr *raddr, uint16_t *rport)
{
	struct agent_req r = { .verb = AGENT_NAMES, .sock = handle(s) };
	struct agent_names n;
	struct agent_reply rep;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	if (agent_reply_names(&rep, &n) == -1) {
		snprintf(ac->err, sizeof(ac->err),
		    "the agent's names reply is "
		    "malformed: '%.200s'",
		    rep.text);
		return -1;
	}
	*laddr = n.laddr;
	*lport = n.lport;
	*raddr = n.raddr;
	*rport = n.rport;
	return 0;
}

int
agent_source_addr(struct agent_client *ac, const struct ip_addr *addr,
    struct ip_addr *from)
{
	struct agent_req r = { .verb = AGENT_ROUTE, .addr = *addr };
	struct agent_reply rep;
	char text[IP_ADDR_STRLEN];
	int n;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	if ((n = agent_reply_field(&rep, "from", text, sizeof(text))) < 0 ||
	    !agent_parse_ip(text, (size_t)n, from)) {
		snprintf(ac->err, sizeof(ac->err),
		    "the agent's route reply is "
		    "malformed: '%.200s'",
		    rep.text);
		return -1;
	}
	return 0;
}

int
agent_tcp_state(struct agent_client *ac, const struct ip_addr *laddr,
    uint16_t lport, const struct ip_addr *raddr, uint16_t rport, char *name,
    size_t len)
{
	struct agent_req r = { .verb = AGENT_STATE,
		.addr = *laddr,
		.port = lport,
		.raddr = *raddr,
		.rport = rport };
	struct agent_reply rep;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	if (agent_reply_field(&rep, "state", name, len) < 0) {
		snprintf(ac->err, sizeof(ac->err),
		    "the agent's state reply is "
		    "malformed: '%.200s'",
		    rep.text);
		return -1;
	}
	return 0;
}

int
agent_probe_proc(struct agent_client *ac, struct plat_proc *p)
{
	struct agent_req r = { .verb = AGENT_PROBE_PROCESS };
	struct agent_reply rep;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	if (agent_reply_proc(&rep, p) == 0)
		return 0;
	snprintf(ac->err, sizeof(ac->err),
	    "the agent's probe reply is "
	    "malformed: '%.200s'",
	    rep.text);
	return -1;
}

int
agent_probe_socks(struct agent_client *ac, struct plat_socks *s)
{
	struct agent_req r = { .verb = AGENT_PROBE_SOCKETS };
	struct agent_reply rep;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	if (agent_reply_socks(&rep, s) == 0)
		return 0;
	snprintf(ac->err, sizeof(ac->err),
	    "the agent's probe reply is "
	    "malformed: '%.200s'",
	    rep.text);
	return -1;
}

int
agent_probe_counters(struct agent_client *ac, const char *const *names,
    int64_t *values, size_t n)
{
	struct agent_req r = { .verb = AGENT_PROBE_COUNTERS };
	struct agent_reply rep;
	size_t i, k;

	/* At most AGENT_COUNTERS_MAX a request. */
	for (i = 0; i < n; i += r.ncounters) {
		r.ncounters =
		    n - i > AGENT_COUNTERS_MAX ? AGENT_COUNTERS_MAX : n - i;
		for (k = 0; k < r.ncounters; k++)
			snprintf(r.counters[k], sizeof(r.counters[k]), "%s",
			    names[i + k]);
		if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
			return -1;
		if (agent_reply_counters(&rep, names + i, r.ncounters,
			values + i) == -1) {
			snprintf(ac->err, sizeof(ac->err),
			    "the agent's "
			    "counters reply is malformed: '%.200s'",
			    rep.text);
			return -1;
		}
	}
	return 0;
}

int
agent_reset(struct agent_client *ac, size_t *n)
{
	struct agent_req r = { .verb = AGENT_RESET };
	struct agent_reply rep;
	int64_t v = 0;

	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	(void)agent_reply_i64(&rep, "reset", &v);
	*n = v > 0 ? (size_t)v : 0;
	return 0;
}

/* One clock exchange: the agent's time and our send and receive times. */
static int
clock_once(struct agent_client *ac, uint64_t *agent, uint64_t *t0, uint64_t *t1)
{
	struct agent_req r = { .verb = AGENT_CLOCK };
	struct agent_reply rep;
	int64_t v;

	*t0 = monotime_ns();
	if (agent_client_ask(ac, &r, AGENT_QUESTION_MS, &rep) == -1)
		return -1;
	*t1 = monotime_ns();
	if (agent_reply_i64(&rep, "now", &v) == -1 || v < 0) {
		snprintf(ac->err, sizeof(ac->err),
		    "the agent's clock reply is "
		    "malformed: '%.200s'",
		    rep.text);
		return -1;
	}
	*agent = (uint64_t)v;
	return 0;
}

int
agent_clock_offset(struct agent_client *ac, unsigned rounds, int64_t *offset_ns,
    uint64_t *bound_ns)
{
	uint64_t agent, t0, t1, best = UINT64_MAX;
	unsigned i;

	for (i = 0; i < (rounds > 0 ? rounds : 1); i++) {
		if (clock_once(ac, &agent, &t0, &t1) == -1)
			return -1;
		/* The agent read its clock between t0 and t1: in the middle,
		 * give or take half the round trip. */
		if (t1 - t0 >= best)
			continue;
		best = t1 - t0;
		*offset_ns = (int64_t)(agent - (t0 + best / 2));
		*bound_ns = best / 2 + best % 2;
	}
	return 0;
}
