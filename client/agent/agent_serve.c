/*
 * agent_serve.c - lingerlab-agent's sessions: one runner at a time, from
 * its greeting through the token and hello to its end, and "busy" for
 * any other runner meanwhile (docs/agent-protocol.md).
 *
 * Every wait has a deadline where a runner could otherwise hold the agent:
 * the handshake, a line begun and not ended, a reply not taken. A step
 * that blocks is watched (platform_net.h). However a session ends, every
 * socket made in it is reset, so no experiment lingers on the host.
 */
#include "agent_int.h"

#include <stdio.h>
#include <string.h>

/* S_NONE: the runner was gone before it was accepted. */
enum session_end { S_NONE, S_DONE, S_STOP, S_ERROR };

struct session {
	plat_conn conn;
	char peer[64];
	const struct agent_serve_opts *o;
	struct agent_table *t;
	bool authed, said_hello, over;
	char why[160];	    /* why it ended, for the log */
	uint64_t t_connect; /* when it began */
	uint64_t t_line;    /* when the line held began; 0: none */
	struct agent_lines lines;
};

static const char help_text[] =
    "commands: auth hello help quit reset "
    "clock socket set connect send recv shutdown close exit-close listen "
    "accept signal-after names route state probe (docs/agent-protocol.md)";

static void
end_session(struct session *s, const char *why)
{
	if (s->over)
		return;
	s->over = true;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

static void
send_reply(struct session *s, const char *buf, size_t n)
{
	if (s->over || n == 0)
		return;
	if (plat_net_send(s->conn, buf, n, plat_now_ns() + AGENT_SEND_NS) == -1)
		end_session(s, "it did not take its reply");
}

static void
send_err(struct session *s, const char *code, const char *msg)
{
	char buf[AGENT_REPLY_MAX];

	send_reply(s, buf, agent_format_err(code, msg, buf, sizeof(buf)));
}

static void
send_ok(struct session *s, const char *text)
{
	char buf[AGENT_REPLY_MAX];

	send_reply(s, buf, agent_format_ok(text, buf, sizeof(buf)));
}

/* auth, before anything else when a token is needed. */
static void
on_auth(struct session *s, const struct agent_req *r)
{
	if (s->o->token == NULL) {
		send_ok(s, "no token is needed here");
		return;
	}
	if (s->authed) {
		send_ok(s, "authenticated already");
		return;
	}
	if (!agent_token_equal(s->o->token, r->token)) {
		send_err(s, "auth-failed",
		    "wrong token: use the one in the "
		    "agent's --token-file (one try per connection)");
		end_session(s, "it gave a wrong token");
		return;
	}
	s->authed = true;
	send_ok(s, "authenticated");
}

static void
on_hello(struct session *s, const struct agent_req *r)
{
	struct plat_os_info os;
	char buf[AGENT_REPLY_MAX], msg[200];

	if (r->protocol != AGENT_PROTOCOL) {
		snprintf(msg, sizeof(msg),
		    "this agent speaks protocol %d, the "
		    "runner asked for %u: use a lingerlab and a lingerlab-agent "
		    "of the same release (lingerlab-agent --version)",
		    AGENT_PROTOCOL, (unsigned)r->protocol);
		send_err(s, "version", msg);
		end_session(s, "it speaks another protocol version");
		return;
	}
	s->said_hello = true;
	plat_os_describe(&os);
	send_reply(s, buf,
	    agent_format_hello(&os, s->o->version, plat_now_ns(), buf,
		sizeof(buf)));
}

static void
on_request(struct session *s, const struct agent_req *r)
{
	char buf[AGENT_REPLY_MAX];
	bool gone = false;
	size_t n;

	if (r->verb == AGENT_QUIT) {
		send_ok(s, "bye");
		end_session(s, "it said quit");
		return;
	}
	if (r->verb == AGENT_HELP) {
		send_ok(s, help_text);
		return;
	}
	if (r->verb == AGENT_HELLO) {
		on_hello(s, r);
		return;
	}
	if (!s->said_hello) {
		send_err(s, "hello-required",
		    "say hello 1 first: the agent "
		    "answers only a runner of its protocol version");
		return;
	}
	n = agent_exec(s->t, r, s->conn, &gone, buf, sizeof(buf));
	/* The step was cut short: the runner went, or the agent must stop. */
	if (gone)
		end_session(s,
		    "it went away during a step, or the agent was "
		    "told to stop");
	else
		send_reply(s, buf, n);
}

static void
on_line(struct session *s, const char *line, size_t len)
{
	struct agent_error err;
	struct agent_req r;

	if (agent_parse_request(line, len, &r, &err) == -1) {
		/* Before the token, nothing but auth is answered at length. */
		if (s->o->token != NULL && !s->authed) {
			send_err(s, "auth-required", "send auth TOKEN first");
			end_session(s, "it did not authenticate");
			return;
		}
		send_err(s, err.code, err.msg);
		if (agent_error_fatal(err.code))
			end_session(s, "it sent what is not a request line");
		return;
	}
	if (r.verb == AGENT_AUTH) {
		on_auth(s, &r);
		return;
	}
	if (s->o->token != NULL && !s->authed) {
		send_err(s, "auth-required",
		    "this agent needs auth TOKEN "
		    "first (its --token-file); one try per connection");
		end_session(s, "it did not authenticate");
		return;
	}
	on_request(s, &r);
}

/* Read what the runner sent and act on every whole line of it. */
static void
on_readable(struct session *s)
{
	const char *line;
	size_t room, len;
	char *space;
	long n;
	int k;

	space = agent_lines_space(&s->lines, &room);
	/* No room: a line over the limit that agent_lines_next() reported. */
	n = room > 0 ? plat_net_recv(s->conn, space, room) : -1;
	if (n == -2)
		return;
	if (n <= 0) {
		end_session(s,
		    n == 0 ? "it closed its connection"
			   : "its connection failed");
		return;
	}
	agent_lines_added(&s->lines, (size_t)n);
	while (
	    !s->over && (k = agent_lines_next(&s->lines, &line, &len)) != 0) {
		if (k == -1) {
			send_err(s, "line-too-long",
			    "a line is at most 4096 "
			    "bytes; the session ends");
			end_session(s, "it sent a line over the limit");
			return;
		}
		on_line(s, line, len);
	}
	if (!agent_lines_partial(&s->lines))
		s->t_line = 0;
	else if (s->t_line == 0)
		s->t_line = plat_now_ns();
}

/* A second runner while one is served: told so, and closed. */
static void
refuse_busy(plat_conn listener, const char *current)
{
	char buf[AGENT_REPLY_MAX], peer[64];
	plat_conn c;
	size_t n;

	if (plat_net_accept(listener, &c, peer, sizeof(peer)) == -1)
		return;
	n = agent_format_err("busy",
	    "another runner is using this agent; "
	    "it serves one at a time: try again when that one is done",
	    buf, sizeof(buf));
	(void)plat_net_send(c, buf, n, plat_now_ns() + AGENT_SEND_NS / 10);
	plat_net_close(c);
	fprintf(stderr, "lingerlab-agent: runner %s refused: busy with %s\n",
	    peer, current);
}

/* When the session must have done something by: 0 for never. */
static uint64_t
deadline(const struct session *s)
{
	uint64_t d = 0;

	if (!s->said_hello)
		d = s->t_connect + AGENT_HANDSHAKE_NS;
	if (s->t_line != 0 && (d == 0 || s->t_line + AGENT_LINE_NS < d))
		d = s->t_line + AGENT_LINE_NS;
	return d;
}

static void
on_timeout(struct session *s)
{
	if (s->t_line != 0 && s->t_line + AGENT_LINE_NS <= plat_now_ns()) {
		send_err(s, "timeout",
		    "a line was begun and not ended within "
		    "10 s; the session ends");
		end_session(s, "it left a line unfinished");
		return;
	}
	send_err(s, "timeout",
	    "no hello within 10 s of connecting; the "
	    "session ends");
	end_session(s, "it did not say hello in time");
}

static enum session_end
run_session(struct session *s, plat_conn listener, char *err, size_t errlen)
{
	char buf[AGENT_REPLY_MAX];

	send_reply(s, buf,
	    agent_format_greeting(s->o->token != NULL, buf, sizeof(buf)));
	while (!s->over) {
		switch (plat_net_wait(listener, s->conn, deadline(s), err,
		    errlen)) {
		case PLAT_NET_STOP:
			end_session(s, "the agent was told to stop");
			return S_STOP;
		case PLAT_NET_ERROR:
			end_session(s, "the agent failed");
			return S_ERROR;
		case PLAT_NET_LISTENER: refuse_busy(listener, s->peer); break;
		case PLAT_NET_TIMEOUT: on_timeout(s); break;
		case PLAT_NET_SESSION: on_readable(s); break;
		}
	}
	return S_DONE;
}

static enum session_end
session(struct agent_table *t, plat_conn listener,
    const struct agent_serve_opts *o, char *err, size_t errlen)
{
	struct session s;
	enum session_end e;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.t = t;
	if (plat_net_accept(listener, &s.conn, s.peer, sizeof(s.peer)) == -1)
		return S_NONE;
	fprintf(stderr, "lingerlab-agent: runner %s connected\n", s.peer);
	s.t_connect = plat_now_ns();
	agent_lines_init(&s.lines);
	t->next_id = 1;
	e = run_session(&s, listener, err, errlen);
	/* Whatever happened, nothing made for this runner outlives it. */
	n = agent_table_reset(t);
	plat_signal_cancel();
	plat_net_close(s.conn);
	fprintf(stderr,
	    "lingerlab-agent: runner %s gone (%s); %u socket%s "
	    "reset\n",
	    s.peer, s.why, (unsigned)n, n == 1 ? "" : "s");
	return e;
}

int
agent_serve(plat_conn listener, const struct agent_serve_opts *o, char *err,
    size_t errlen)
{
	struct agent_table t;
	enum session_end e = S_DONE;

	if (agent_table_init(&t) == -1) {
		snprintf(err, errlen, "out of memory for the socket table");
		return 1;
	}
	for (;;) {
		switch (
		    plat_net_wait(listener, PLAT_CONN_NONE, 0, err, errlen)) {
		case PLAT_NET_STOP: e = S_STOP; break;
		case PLAT_NET_ERROR: e = S_ERROR; break;
		case PLAT_NET_LISTENER:
			e = session(&t, listener, o, err, errlen);
			if (o->once && e == S_DONE)
				e = S_STOP;
			break;
		default: continue;
		}
		if (e == S_STOP || e == S_ERROR)
			break;
	}
	agent_table_free(&t);
	return e == S_ERROR ? 1 : 0;
}
