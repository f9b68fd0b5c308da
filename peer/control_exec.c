/*
 * control_exec.c - run parsed control commands against the peer.
 *
 * Replies are built in a struct control_out; nothing here touches a socket
 * or reads a clock, so a command's effect and reply depend only on the
 * peer's state and the now_ns passed in. Waits live in control_wait.c,
 * the output buffer in control_out.c.
 */
#include "control_exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_int.h"

struct pick {
	const struct control_conn *cc;
	uint32_t after_id; /* CCONN_NEW: only ids above this */
	bool found;
	struct conn_info ci;
};

/*
 * The newest match wins for "last" (and for an address, which
 * peer_conn_newest_from resolves without this pass: a client may reuse its
 * port); for "new" the oldest connection created after the wait began, so
 * two quick connections resolve to the first.
 */
static int
pick_cb(const struct conn_info *ci, void *arg)
{
	struct pick *pk = arg;
	bool newer;

	if (pk->cc->kind == CCONN_NEW) {
		if (ci->id <= pk->after_id || (pk->found && ci->id > pk->ci.id))
			return 0;
	} else if (pk->found) {
		newer = ci->created_ns > pk->ci.created_ns ||
		    (ci->created_ns == pk->ci.created_ns && ci->id > pk->ci.id);
		if (!newer)
			return 0;
	}
	pk->found = true;
	pk->ci = *ci;
	return 0;
}

int
control_find_conn(const struct peer *p, const struct control_conn *cc,
    uint32_t after_id, struct conn_info *ci)
{
	struct pick pk;
	uint32_t id;

	if (cc->kind == CCONN_ID)
		return peer_conn_info(p, cc->id, ci) == 0 ? 0 : -1;
	if (cc->kind == CCONN_ADDR)
		return peer_conn_newest_from(p, &cc->addr, cc->port, &id) ==
			    0 &&
			peer_conn_info(p, id, ci) == 0
		    ? 0
		    : -1;
	memset(&pk, 0, sizeof(pk));
	pk.cc = cc;
	pk.after_id = after_id;
	peer_conn_foreach(p, pick_cb, &pk);
	if (!pk.found)
		return -1;
	*ci = pk.ci;
	return 0;
}

void
control_no_conn(struct control_out *out, const struct control_conn *cc)
{
	char who[IP_ADDR_PORT_STRLEN];

	if (cc->kind == CCONN_ID)
		control_out_status(out,
		    "err " CONTROL_E_NO_CONN ": there is no connection "
		    "%" PRIu32
		    ". See list for the connections there are; closed ones stay "
		    "until their slot is reused",
		    cc->id);
	else if (cc->kind == CCONN_ADDR)
		control_out_status(out,
		    "err " CONTROL_E_NO_CONN ": there is no connection "
		    "from %s. See list, or wait for it with: wait %s",
		    ip_addr_format_port(&cc->addr, cc->port, who, sizeof(who)),
		    who);
	else
		control_out_status(out,
		    "err " CONTROL_E_NO_CONN ": there are no "
		    "connections yet. Wait for one with: wait new");
}

/* Resolve CONN or write the no-conn reply. */
static int
need_conn(const struct control_env *env, const struct control_cmd *cmd,
    struct control_out *out, struct conn_info *ci)
{
	if (control_find_conn(env->peer, &cmd->conn, 0, ci) == 0)
		return 0;
	control_no_conn(out, &cmd->conn);
	return -1;
}

static int
conn_line(struct control_out *out, const struct conn_info *ci, uint64_t now_ns,
    bool detail)
{
	char who[IP_ADDR_PORT_STRLEN], spec[256], age[32], idle[32],
	    extra[160] = "";

	behaviour_format(&ci->behaviour, spec, sizeof(spec));
	control_secs_str(now_ns > ci->created_ns ? now_ns - ci->created_ns : 0,
	    age);
	if (detail)
		snprintf(extra, sizeof(extra),
		    " fin-held=%s closed-by=%s idle=%s",
		    ci->fin_held ? "yes" : "no",
		    close_reason_name(ci->closed_by),
		    control_secs_str(now_ns > ci->last_ns ? now_ns - ci->last_ns
							  : 0,
			idle));
	return control_out_data(out,
	    "conn id=%" PRIu32 " client=%s port=%u state=%s "
	    "behaviour=%s rx=%" PRIu64 " read=%" PRIu64 " buffered=%" PRIu32
	    " win=%" PRIu32 " fins=%" PRIu32 " fin-retx=%" PRIu32
	    " data-retx=%" PRIu32 " zwp=%" PRIu32 " rsts=%" PRIu32
	    " syns=%" PRIu32 " segs-in=%" PRIu32 " segs-out=%" PRIu32
	    " tx=%" PRIu64 " age=%s%s",
	    ci->id,
	    ip_addr_format_port(&ci->raddr, ci->rport, who, sizeof(who)),
	    ci->lport, conn_state_name(ci->state), spec, ci->bytes_received,
	    ci->bytes_read, ci->buffered, ci->window, ci->fins_seen,
	    ci->fin_retx, ci->data_retx, ci->zero_window_probes, ci->rsts_seen,
	    ci->syns_seen, ci->segs_in, ci->segs_out, ci->bytes_sent, age,
	    extra);
}

struct list_ctx {
	const struct control_cmd *cmd;
	struct control_out *out;
	uint64_t now_ns;
	uint32_t matched;
	uint32_t shown;
};

static int
list_cb(const struct conn_info *ci, void *arg)
{
	struct list_ctx *lc = arg;

	if (lc->cmd->has_port && ci->lport != lc->cmd->port)
		return 0;
	if (lc->cmd->has_state && (int)ci->state != lc->cmd->state)
		return 0;
	lc->matched++;
	if (conn_line(lc->out, ci, lc->now_ns, false) == 0)
		lc->shown++;
	return 0;
}

static void
exec_list(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out)
{
	struct list_ctx lc = { cmd, out, now_ns, 0, 0 };

	peer_conn_foreach(env->peer, list_cb, &lc);
	if (lc.shown < lc.matched)
		control_out_status(out,
		    "err " CONTROL_E_TOO_BIG ": %" PRIu32 " connections "
		    "match but only %" PRIu32
		    " fit in one reply. Narrow the list with "
		    "port=N or state=S",
		    lc.matched, lc.shown);
	else
		control_out_status(out, "ok %" PRIu32 " conns", lc.matched);
}

static int
count_cb(const struct conn_info *ci, void *arg)
{
	(void)ci;
	(*(uint64_t *)arg)++;
	return 0;
}

/* The wire counters, " key=value" each, for the stat line. */
static void
wire_fields(const struct peer *p, char *buf, size_t len)
{
	struct peer_wire_stats w;
	uint64_t bad = 0;
	size_t n;
	int i;

	peer_get_wire_stats(p, &w);
	for (i = 1; i < FRAME_ERROR_COUNT; i++)
		bad += w.frame_errors[i];
	n = (size_t)snprintf(buf, len,
	    " frames-in=%" PRIu64 " malformed=%" PRIu64, w.frames_in, bad);
	for (i = 1; i < FRAME_ERROR_FIRST_IP6 && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%" PRIu64,
		    frame_error_name((enum frame_error)i), w.frame_errors[i]);
	/* Appended last, so readers of the older fields are unaffected. */
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n,
		    " not-tcp=%" PRIu64 " arp-answered=%" PRIu64
		    " arp-ignored=%" PRIu64 " no-mac=%" PRIu64
		    " inject-errors=%" PRIu64 " capture-drops=%" PRIu64
		    " capture-cut=%" PRIu64 " tcp-csum-offloaded=%" PRIu64
		    " tcp-super-segments=%" PRIu64,
		    w.not_tcp, w.arp_answered, w.arp_ignored, w.no_mac,
		    w.inject_errors, w.capture_drops, w.capture_cut,
		    w.csum_offloaded, w.super_segments);
	/* IPv6's, after all of those: its decode errors, then the rest. */
	for (i = FRAME_ERROR_FIRST_IP6; i < FRAME_ERROR_COUNT && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%" PRIu64,
		    frame_error_name((enum frame_error)i), w.frame_errors[i]);
	if (n < len)
		snprintf(buf + n, len - n,
		    " ndp-answered=%" PRIu64 " ndp-ignored=%" PRIu64
		    " link-noise=%" PRIu64 " ip6-ext-skipped=%" PRIu64,
		    w.ndp_answered, w.ndp_ignored, w.link_noise,
		    w.ip6_ext_skipped);
}

static void
exec_stats(const struct control_env *env, struct control_out *out)
{
	const struct peer_stats *st = peer_get_stats(env->peer);
	const struct event_log *log = peer_events(env->peer);
	uint64_t conns = 0;
	char wire[1280];

	peer_conn_foreach(env->peer, count_cb, &conns);
	wire_fields(env->peer, wire, sizeof(wire));
	control_out_data(out,
	    "stat conns=%" PRIu64 " conns-opened=%" PRIu64
	    " conns-rejected=%" PRIu64 " conns-evicted=%" PRIu64
	    " syns-refused=%" PRIu64 " syns-dropped=%" PRIu64
	    " segs-in=%" PRIu64 " segs-out=%" PRIu64 " rst-unknown=%" PRIu64
	    " delayed-dropped=%" PRIu64 " not-for-us=%" PRIu64
	    " ooo-queued=%" PRIu64 " ooo-filled=%" PRIu64
	    " ooo-dropped=%" PRIu64 " events-oldest=%" PRIu64
	    " events-next=%" PRIu64 " control-clients=%" PRIu32
	    " control-max=%" PRIu32 "%s",
	    conns, st->conns_opened, st->conns_rejected, st->conns_evicted,
	    st->syns_refused, st->syns_dropped, st->segs_in, st->segs_out,
	    st->rst_unknown, st->delayed_dropped, st->not_for_us,
	    st->ooo_queued, st->ooo_filled, st->ooo_dropped,
	    event_log_oldest(log), event_log_next(log), env->clients,
	    env->max_clients, wire);
	control_out_status(out, "ok");
}

static void
exec_show(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out)
{
	struct conn_info ci;

	if (need_conn(env, cmd, out, &ci) < 0)
		return;
	conn_line(out, &ci, now_ns, true);
	control_out_status(out, "ok");
}

static void
exec_behaviour(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out)
{
	struct conn_info ci;
	char spec[256];

	if (need_conn(env, cmd, out, &ci) < 0)
		return;
	if (peer_set_behaviour(env->peer, ci.id, &cmd->behaviour, now_ns) !=
	    PEER_CMD_OK) {
		control_no_conn(out, &cmd->conn);
		return;
	}
	behaviour_format(&cmd->behaviour, spec, sizeof(spec));
	control_out_status(out, "ok conn=%" PRIu32 " behaviour=%s", ci.id,
	    spec);
}

static void
exec_listen(const struct control_env *env, const struct control_cmd *cmd,
    struct control_out *out)
{
	const struct behaviour *b;
	char spec[256];
	uint32_t port, n = 0;

	if (!cmd->has_behaviour) {
		/* The peer keeps a handful of ports; asking about each is cheap. */
		for (port = 1; port <= 65535; port++) {
			if ((b = peer_port_behaviour(env->peer,
				 (uint16_t)port)) == NULL)
				continue;
			behaviour_format(b, spec, sizeof(spec));
			control_out_data(out,
			    "listen port=%" PRIu32 " behaviour=%s", port, spec);
			n++;
		}
		control_out_status(out, "ok %" PRIu32 " ports", n);
		return;
	}
	if (peer_listen(env->peer, cmd->port, &cmd->behaviour) < 0) {
		control_out_status(out,
		    "err " CONTROL_E_FAILED ": the peer cannot listen on "
		    "one more port (%u); its table of listening ports is full. Reuse a "
		    "port that listen shows",
		    cmd->port);
		return;
	}
	behaviour_format(&cmd->behaviour, spec, sizeof(spec));
	control_out_status(out, "ok port=%u behaviour=%s", cmd->port, spec);
}

static void
exec_connect(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out)
{
	char who[IP_ADDR_PORT_STRLEN];
	struct behaviour b;
	struct conn_info ci;
	enum peer_cmd_result r;
	uint32_t id;

	if (cmd->has_behaviour)
		b = cmd->behaviour;
	else
		behaviour_default(&b);
	r = peer_connect(env->peer, &cmd->conn.addr, cmd->conn.port, cmd->port,
	    &b, now_ns, &id);
	if (r != PEER_CMD_OK) {
		control_out_status(out, "err %s: cannot connect to %s: %s. %s",
		    r == PEER_CMD_FULL		? CONTROL_E_FAILED
			: r == PEER_CMD_NO_ADDR ? CONTROL_E_BAD_ARG
						: CONTROL_E_BAD_STATE,
		    ip_addr_format_port(&cmd->conn.addr, cmd->conn.port, who,
			sizeof(who)),
		    peer_cmd_result_str(r),
		    r == PEER_CMD_FULL
			? "Close connections or raise --max-conns"
			: r == PEER_CMD_NO_ADDR
			? "Start lingerpeer with an --addr of that family "
			  "too (--addr may be given twice)"
			: "Pick another from= port");
		return;
	}
	peer_conn_info(env->peer, id, &ci);
	control_out_status(out, "ok conn=%" PRIu32 " port=%u state=%s", id,
	    ci.lport, conn_state_name(ci.state));
}

static enum peer_cmd_result
run_oneshot(struct peer *p, const struct control_cmd *cmd, uint32_t id,
    uint64_t now_ns)
{
	switch (cmd->verb) {
	case CTL_ACK_FIN: return peer_ack_fin(p, id, now_ns);
	case CTL_READ: return peer_read(p, id, cmd->size, now_ns);
	case CTL_RESUME: return peer_resume(p, id, now_ns);
	case CTL_FIN: return peer_send_fin(p, id, now_ns);
	case CTL_RST: return peer_send_rst(p, id, now_ns);
	case CTL_SEND: return peer_send_data(p, id, cmd->size, now_ns);
	default: return PEER_CMD_BAD_STATE;
	}
}

static const char *
bad_state_hint(enum control_verb v)
{
	switch (v) {
	case CTL_ACK_FIN:
		return "ack-fin needs a FIN held by swallow-fin (show says "
		       "fin-held=yes); wait for it with: wait CONN fins>=1";
	case CTL_FIN: return "fin works once, in ESTABLISHED or CLOSE_WAIT";
	case CTL_SEND:
		return "send works in ESTABLISHED and CLOSE_WAIT, before our FIN";
	case CTL_RST: return "the connection is already closed";
	default: return "see show CONN for its state";
	}
}

static void
exec_oneshot(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out)
{
	struct conn_info before, after;
	enum peer_cmd_result r;

	if (need_conn(env, cmd, out, &before) < 0)
		return;
	r = run_oneshot(env->peer, cmd, before.id, now_ns);
	if (r == PEER_CMD_NO_CONN) {
		control_no_conn(out, &cmd->conn);
		return;
	}
	if (r != PEER_CMD_OK) {
		control_out_status(out,
		    "err " CONTROL_E_BAD_STATE ": cannot %s conn %" PRIu32
		    " in state %s (%s). %s",
		    control_verb_name(cmd->verb), before.id,
		    conn_state_name(before.state), peer_cmd_result_str(r),
		    bad_state_hint(cmd->verb));
		return;
	}
	/* rst may take the connection out of the table: report it closed then. */
	if (peer_conn_info(env->peer, before.id, &after) != 0) {
		after = before;
		after.state = CS_CLOSED;
	}
	if (cmd->verb == CTL_READ || cmd->verb == CTL_RESUME)
		control_out_status(out,
		    "ok conn=%" PRIu32 " state=%s read=%" PRIu64
		    " buffered=%" PRIu32 " win=%" PRIu32,
		    after.id, conn_state_name(after.state),
		    after.bytes_read - before.bytes_read, after.buffered,
		    after.window);
	else if (cmd->verb == CTL_SEND)
		control_out_status(out,
		    "ok conn=%" PRIu32 " state=%s queued=%" PRIu32
		    " sent=%" PRIu64,
		    after.id, conn_state_name(after.state), cmd->size,
		    after.bytes_sent - before.bytes_sent);
	else
		control_out_status(out, "ok conn=%" PRIu32 " state=%s",
		    after.id, conn_state_name(after.state));
}

static void
help_lines(struct control_out *out, const char *text)
{
	const char *nl;

	for (; *text != '\0'; text = *nl ? nl + 1 : nl) {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		if (nl > text)
			control_out_data(out, "help %.*s", (int)(nl - text),
			    text);
	}
}

static const char help_overview[] =
    "CONN is a connection id (7), CLIENTIP:PORT (the newest connection from there) or last\n"
    "an IPv6 CLIENTIP goes in brackets: [2001:db8::1]:40112\n"
    "every reply ends with one line: ok [...] or err CODE: what happened. What to do\n"
    "data lines start with a keyword (conn, event, stat, listen, version, help)\n"
    "and carry KEY=VALUE words; split each at its first =\n"
    "more: help COMMAND, help conditions, help behaviours\n";

static const char help_conditions[] =
    "wait CONN|new [KEY OP VALUE]... [timeout=DURATION]: every condition must hold\n"
    "OP is = != >= <= > <, written without spaces: fins>=2 state=TIME_WAIT\n"
    "state: = or != a state name (ESTABLISHED, FIN_WAIT1, ..., closed)\n"
    "counts: fins fin-retx data-retx zwp rsts syns segs-in segs-out\n"
    "bytes (10KiB allowed): rx read buffered win tx\n"
    "CONN may name a connection still to come: CLIENTIP:PORT, or new for the next one\n"
    "timeout defaults to 10s, at most 1h; a timed-out wait shows the values reached\n";

static void
exec_help(const struct control_cmd *cmd, struct control_out *out)
{
	int v;

	if (strcmp(cmd->topic, "behaviours") == 0) {
		help_lines(out, behaviour_help());
	} else if (strcmp(cmd->topic, "conditions") == 0) {
		help_lines(out, help_conditions);
	} else {
		for (v = CTL_HELP; v < CTL_VERB_COUNT; v++) {
			if (cmd->topic[0] != '\0' &&
			    strcmp(cmd->topic,
				control_verb_name((enum control_verb)v)) != 0)
				continue;
			control_out_data(out, "help %s: %s",
			    control_verb_usage((enum control_verb)v),
			    control_verb_summary((enum control_verb)v));
		}
		if (cmd->topic[0] == '\0')
			help_lines(out, help_overview);
		else if (strcmp(cmd->topic, "wait") == 0)
			help_lines(out, help_conditions);
	}
	control_out_status(out, "ok");
}

struct events_ctx {
	struct control_out *out;
	uint32_t limit;
	uint32_t count;
	bool more;
	uint64_t next;
};

static const char *
state_name_int(int s)
{
	return conn_state_name((enum conn_state)s);
}

static int
events_cb(uint64_t num, const struct peer_event *ev, void *arg)
{
	struct events_ctx *ec = arg;
	char text[256];

	if (ec->count < ec->limit) {
		event_format(ev, state_name_int, text, sizeof(text));
		if (control_out_data(ec->out,
			"event n=%" PRIu64 " conn=%" PRIu32 " %s", num,
			ev->conn_id, text) == 0) {
			ec->count++;
			return 0;
		}
	}
	ec->more = true;
	ec->next = num;
	return 1;
}

/*
 * A numeric id needs no live connection: the ring may still hold the
 * history of one whose slot was reused. Losses are counted over all
 * connections, since the ring does not remember whose events it dropped.
 */
static void
exec_events(const struct control_env *env, const struct control_cmd *cmd,
    struct control_out *out)
{
	const struct event_log *log = peer_events(env->peer);
	struct events_ctx ec = { out, cmd->limit, 0, false, 0 };
	uint64_t oldest = event_log_oldest(log);
	uint32_t id = 0;
	struct conn_info ci;
	char lost[48] = "", more[48] = "";

	if (cmd->conn.kind == CCONN_ID && cmd->conn.id == 0) {
		control_no_conn(out, &cmd->conn);
		return;
	}
	if (cmd->conn.kind == CCONN_ID) {
		id = cmd->conn.id;
	} else if (cmd->conn.kind != CCONN_ALL) {
		if (control_find_conn(env->peer, &cmd->conn, 0, &ci) < 0) {
			control_no_conn(out, &cmd->conn);
			return;
		}
		id = ci.id;
	}
	event_log_foreach(log, id, cmd->since, events_cb, &ec);
	if (cmd->since < oldest)
		snprintf(lost, sizeof(lost), ", %" PRIu64 " lost",
		    oldest - cmd->since);
	if (ec.more)
		snprintf(more, sizeof(more), ", more since=%" PRIu64, ec.next);
	control_out_status(out, "ok %" PRIu32 " events%s%s", ec.count, lost,
	    more);
}

static void
exec_version(struct control_out *out)
{
	control_out_data(out, "version lingerpeer=%s protocol=%d",
	    LINGERLAB_VERSION, CONTROL_PROTOCOL_VERSION);
	control_out_status(out, "ok");
}

enum control_result
control_exec(const struct control_env *env, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out, struct control_wait *wait)
{
	switch (cmd->verb) {
	case CTL_HELP: exec_help(cmd, out); break;
	case CTL_VERSION: exec_version(out); break;
	case CTL_STATS: exec_stats(env, out); break;
	case CTL_LIST: exec_list(env, cmd, now_ns, out); break;
	case CTL_SHOW: exec_show(env, cmd, now_ns, out); break;
	case CTL_EVENTS: exec_events(env, cmd, out); break;
	case CTL_BEHAVIOUR: exec_behaviour(env, cmd, now_ns, out); break;
	case CTL_LISTEN: exec_listen(env, cmd, out); break;
	case CTL_CONNECT: exec_connect(env, cmd, now_ns, out); break;
	case CTL_ACK_FIN:
	case CTL_READ:
	case CTL_RESUME:
	case CTL_FIN:
	case CTL_RST:
	case CTL_SEND: exec_oneshot(env, cmd, now_ns, out); break;
	case CTL_WAIT:
		return control_wait_start(env->peer, cmd, now_ns, out, wait);
	case CTL_CLOCK:
		/* now_ns was read after the request arrived and before the
		 * reply leaves: a runner that times the exchange brackets it. */
		control_out_status(out, "ok now=%" PRIu64 ".%09" PRIu64,
		    now_ns / NS_PER_S, now_ns % NS_PER_S);
		break;
	case CTL_QUIT: control_out_status(out, "ok bye"); return CONTROL_QUIT;
	case CTL_NONE:
	case CTL_VERB_COUNT:
		control_out_status(out,
		    "err " CONTROL_E_UNKNOWN ": no command given. Type "
		    "help for the list of commands");
		break;
	}
	return CONTROL_DONE;
}

enum control_result
control_exec_line(const struct control_env *env, const char *line, size_t len,
    uint64_t now_ns, struct control_out *out, struct control_wait *wait)
{
	struct control_cmd cmd;
	struct control_error err;

	if (control_parse(line, len, &cmd, &err) < 0) {
		control_reply_error(out, &err);
		return CONTROL_DONE;
	}
	return control_exec(env, &cmd, now_ns, out, wait);
}
