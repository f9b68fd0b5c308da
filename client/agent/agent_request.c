/*
 * agent_request.c - the agent protocol's requests as the runner writes
 * them: a struct agent_req to the line agent_parse_request() (agent_proto.c)
 * takes back. Standard C only.
 */
#include "agent_proto.h"
#include "agent_proto_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* SOCK as the agent reads it. */
static void
sock_word(uint32_t sock, char *buf, size_t len)
{
	if (sock == AGENT_SOCK_NONE)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%" PRIu32, sock);
}

/*
 * Whether the request's addresses can be written: those of its verb of a
 * family (route, connect, listen: addr; state: both, of one family).
 */
static bool
addrs_ok(const struct agent_req *r)
{
	switch (r->verb) {
	case AGENT_STATE:
		if (r->raddr.family != r->addr.family)
			return false;
		/* FALLTHROUGH */
	case AGENT_ROUTE:
	case AGENT_CONNECT:
	case AGENT_LISTEN:
		return ip_addr_is_v4(&r->addr) || ip_addr_is_v6(&r->addr);
	default: return true;
	}
}

/* socket's line: bare for IPv4, as an agent of before IPv6 reads it. */
static int
format_socket(const struct agent_req *r, char *buf, size_t len)
{
	if (r->family == IPF_V6)
		return snprintf(buf, len, "socket ipv6\n");
	if (r->family == IPF_V4 || r->family == IPF_NONE)
		return snprintf(buf, len, "socket\n");
	return -1;
}

static int
format_set(const struct agent_req *r, const char *s, char *buf, size_t len)
{
	bool value = false;
	const char *o = agent_opt_word(r->opt, &value);

	if (o == NULL)
		return -1;
	if (!value)
		return snprintf(buf, len, "set %s %s\n", s, o);
	return snprintf(buf, len, "set %s %s %" PRId64 "\n", s, o, r->value);
}

static int
format_probe(const struct agent_req *r, char *buf, size_t len)
{
	size_t i, at;
	int n;

	if (r->verb == AGENT_PROBE_PROCESS)
		return snprintf(buf, len, "probe process\n");
	if (r->verb == AGENT_PROBE_SOCKETS)
		return snprintf(buf, len, "probe sockets\n");
	if (r->ncounters == 0 || r->ncounters > AGENT_COUNTERS_MAX)
		return -1;
	if ((n = snprintf(buf, len, "probe counters")) < 0)
		return -1;
	for (i = 0, at = (size_t)n; i < r->ncounters; i++, at += (size_t)n) {
		if (agent_counter_name_ok(r->counters[i],
			strlen(r->counters[i])) < 0 ||
		    at >= len ||
		    (n = snprintf(buf + at, len - at, " %s", r->counters[i])) <
			0)
			return -1;
	}
	return at < len ? snprintf(buf + at, len - at, "\n") + (int)at : -1;
}

static int
format_step(const struct agent_req *r, const char *s, char *buf, size_t len)
{
	static const char *const hows[] = { "rd", "wr", "rdwr" };
	char a[IP_ADDR_PORT_STRLEN];

	agent_ipport_word(&r->addr, r->port, a, sizeof(a));
	switch (r->verb) {
	case AGENT_SET: return format_set(r, s, buf, len);
	case AGENT_CONNECT:
		return snprintf(buf, len,
		    "connect %s %s timeout=%" PRIu64 "ns\n", s, a,
		    r->duration_ns);
	case AGENT_SEND:
		if (r->until_blocked)
			return snprintf(buf, len, "send %s until-blocked\n", s);
		return snprintf(buf, len, "send %s %" PRIu64 "\n", s, r->size);
	case AGENT_RECV:
		return snprintf(buf, len, "recv %s %" PRIu64 "\n", s, r->size);
	case AGENT_SHUTDOWN:
		if (r->how < 0 || r->how > 2)
			return -1;
		return snprintf(buf, len, "shutdown %s %s\n", s, hows[r->how]);
	case AGENT_LISTEN: return snprintf(buf, len, "listen %s %s\n", s, a);
	case AGENT_ACCEPT:
		return snprintf(buf, len, "accept %s timeout=%" PRIu64 "ns\n",
		    s, r->duration_ns);
	case AGENT_CLOSE:
	case AGENT_EXIT_CLOSE:
	case AGENT_NAMES:
		return snprintf(buf, len, "%s %s\n", agent_verb_name(r->verb),
		    s);
	default: return -1;
	}
}

size_t
agent_format_request(const struct agent_req *r, char *buf, size_t len)
{
	char s[16], a[IP_ADDR_PORT_STRLEN], b[IP_ADDR_PORT_STRLEN];
	int n;

	if (!addrs_ok(r))
		return 0;
	sock_word(r->sock, s, sizeof(s));
	agent_ipport_word(&r->addr, r->port, a, sizeof(a));
	agent_ipport_word(&r->raddr, r->rport, b, sizeof(b));
	switch (r->verb) {
	case AGENT_AUTH: n = snprintf(buf, len, "auth %s\n", r->token); break;
	case AGENT_HELLO:
		n = snprintf(buf, len, "hello %" PRIu32 "\n", r->protocol);
		break;
	case AGENT_HELP:
	case AGENT_QUIT:
	case AGENT_RESET:
	case AGENT_CLOCK:
		n = snprintf(buf, len, "%s\n", agent_verb_name(r->verb));
		break;
	case AGENT_SOCKET: n = format_socket(r, buf, len); break;
	case AGENT_SIGNAL_AFTER:
		n = snprintf(buf, len, "signal-after %" PRIu64 "ns\n",
		    r->duration_ns);
		break;
	case AGENT_ROUTE:
		n = snprintf(buf, len, "route %s\n",
		    ip_addr_format(&r->addr, a, sizeof(a)));
		break;
	case AGENT_STATE: n = snprintf(buf, len, "state %s %s\n", a, b); break;
	case AGENT_PROBE_PROCESS:
	case AGENT_PROBE_SOCKETS:
	case AGENT_PROBE_COUNTERS: n = format_probe(r, buf, len); break;
	default: n = format_step(r, s, buf, len); break;
	}
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}
