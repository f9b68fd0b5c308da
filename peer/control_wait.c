/*
 * control_wait.c - wait conditions: how they are written, how they are
 * checked, and the life of a pending wait.
 *
 * A wait is what makes the control channel usable from a test: instead of
 * polling "show" in a loop, the test says what it expects ("fins>=2
 * state=TIME_WAIT") and gets one answer, either when it holds or, at the
 * timeout, with the values reached so a failing test explains itself.
 */
#include "control_exec.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control_int.h"

uint64_t
control_key_value(const struct conn_info *ci, enum control_key k)
{
	switch (k) {
	case CKEY_STATE: return (uint64_t)ci->state;
	case CKEY_FINS: return ci->fins_seen;
	case CKEY_FIN_RETX: return ci->fin_retx;
	case CKEY_DATA_RETX: return ci->data_retx;
	case CKEY_ZWP: return ci->zero_window_probes;
	case CKEY_RSTS: return ci->rsts_seen;
	case CKEY_SYNS: return ci->syns_seen;
	case CKEY_RX: return ci->bytes_received;
	case CKEY_READ: return ci->bytes_read;
	case CKEY_BUFFERED: return ci->buffered;
	case CKEY_WIN: return ci->window;
	case CKEY_SEGS_IN: return ci->segs_in;
	case CKEY_SEGS_OUT: return ci->segs_out;
	case CKEY_TX: return ci->bytes_sent;
	case CKEY_COUNT: break;
	}
	return 0;
}

static int
max_id_cb(const struct conn_info *ci, void *arg)
{
	uint32_t *max = arg;

	if (ci->id > *max)
		*max = ci->id;
	return 0;
}

enum control_result
control_wait_start(struct peer *p, const struct control_cmd *cmd,
    uint64_t now_ns, struct control_out *out, struct control_wait *w)
{
	struct conn_info ci;

	memset(w, 0, sizeof(*w));
	w->conn = cmd->conn;
	w->start_ns = now_ns;
	w->deadline_ns = now_ns + cmd->timeout_ns;
	w->ev_start = w->ev_next = event_log_next(peer_events(p));
	w->ncond = cmd->ncond;
	memcpy(w->cond, cmd->cond, cmd->ncond * sizeof(cmd->cond[0]));
	if (cmd->conn.kind == CCONN_ID || cmd->conn.kind == CCONN_LAST) {
		/* These name a connection that exists now; "last" stays that one. */
		if (control_find_conn(p, &cmd->conn, 0, &ci) < 0) {
			control_no_conn(out, &cmd->conn);
			return CONTROL_DONE;
		}
		w->conn.kind = CCONN_ID;
		w->conn.id = ci.id;
	} else if (cmd->conn.kind == CCONN_NEW) {
		/* Ids only grow, so "new" is any id above today's largest. */
		peer_conn_foreach(p, max_id_cb, &w->max_id_at_start);
	}
	return control_wait_check(p, w, now_ns, out);
}

static int
state_cb(uint64_t num, const struct peer_event *ev, void *arg)
{
	struct control_wait *w = arg;

	(void)num;
	if (ev->type == EV_STATE && ev->state < 32)
		w->states_seen |= 1u << ev->state;
	return 0;
}

/*
 * Note the states entered since the wait began. Checks happen once per
 * batch of packets, and a batch can carry a connection through several
 * states (ACK, data and FIN together: SYN_RCVD to CLOSE_WAIT), so the
 * current state alone would miss the ESTABLISHED a test waits for. Only the
 * events added since the last check are read.
 */
static void
scan_states(struct peer *p, struct control_wait *w)
{
	const struct event_log *log = peer_events(p);

	event_log_foreach(log, w->id, w->ev_next, state_cb, w);
	w->ev_next = event_log_next(log);
}

/*
 * An address is looked up afresh whenever connections were opened, so a
 * client that reconnects from the same port is followed to its newest
 * connection. Searching the table is the costly part, and waits are checked
 * after every batch of packets, so it is done only when something new can
 * be found. A connection that leaves the table keeps its last values and
 * counts as CLOSED.
 */
static void
wait_update(struct peer *p, struct control_wait *w)
{
	uint64_t opened = peer_get_stats(p)->conns_opened;
	struct conn_info ci;
	bool found;

	if ((w->conn.kind == CCONN_ADDR || !w->resolved) &&
	    (!w->scanned || opened != w->opened_seen)) {
		w->scanned = true;
		w->opened_seen = opened;
		found = control_find_conn(p, &w->conn, w->max_id_at_start,
			    &ci) == 0;
	} else if (w->resolved) {
		found = peer_conn_info(p, w->id, &ci) == 0;
	} else {
		return;
	}
	if (found) {
		if (!w->resolved || w->id != ci.id) {
			w->states_seen = 0;
			w->ev_next = w->ev_start;
		}
		w->resolved = true;
		w->gone = false;
		w->id = ci.id;
		w->info = ci;
		scan_states(p, w);
	} else if (w->resolved) {
		w->gone = true;
		w->info.state = CS_CLOSED;
	}
}

static bool
conds_hold(const struct control_wait *w)
{
	const struct control_cond *c;
	size_t i;

	for (i = 0; i < w->ncond; i++) {
		c = &w->cond[i];
		/* state=S also holds for a state passed through since the start. */
		if (c->key == CKEY_STATE && c->op == COP_EQ && c->value < 32 &&
		    (w->states_seen & (1u << c->value)))
			continue;
		if (!control_cond_holds(c, control_key_value(&w->info, c->key)))
			return false;
	}
	return true;
}

static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* snprintf at an offset that saturates instead of overflowing. */
static size_t
put(char *buf, size_t len, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (at >= len)
		return at;
	va_start(ap, fmt);
	n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	return n < 0 ? at : at + (size_t)n;
}

static size_t
put_value(char *buf, size_t len, size_t at, enum control_key k, uint64_t v)
{
	if (k == CKEY_STATE)
		return put(buf, len, at, "%s",
		    conn_state_name((enum conn_state)v));
	return put(buf, len, at, "%" PRIu64, v);
}

static void
wait_timeout(const struct control_wait *w, uint64_t now_ns,
    struct control_out *out)
{
	char want[400] = "", have[400] = "", who[IP_ADDR_PORT_STRLEN], secs[32];
	size_t i, j, a = 0, b = 0;

	control_secs_str(w->deadline_ns - w->start_ns, secs);
	if (!w->resolved && w->conn.kind == CCONN_ADDR) {
		control_out_status(out,
		    "err " CONTROL_E_TIMEOUT ": no connection from %s "
		    "appeared within %s. Check that the client connects to this peer; list "
		    "shows what arrived",
		    ip_addr_format_port(&w->conn.addr, w->conn.port, who,
			sizeof(who)),
		    secs);
		return;
	}
	if (!w->resolved) {
		control_out_status(out,
		    "err " CONTROL_E_TIMEOUT ": no new connection appeared "
		    "within %s. Check that the client connects to a port this peer listens "
		    "on (listen shows them)",
		    secs);
		return;
	}
	for (i = 0; i < w->ncond; i++) {
		a = put(want, sizeof(want), a, "%s%s%s", i ? " " : "",
		    control_key_name(w->cond[i].key),
		    control_op_name(w->cond[i].op));
		a = put_value(want, sizeof(want), a, w->cond[i].key,
		    w->cond[i].value);
	}
	b = put(have, sizeof(have), b, "state=%s",
	    conn_state_name(w->info.state));
	for (i = 0; i < w->ncond; i++) {
		for (j = 0; j < i && w->cond[j].key != w->cond[i].key; j++)
			;
		if (j < i || w->cond[i].key == CKEY_STATE)
			continue;
		b = put(have, sizeof(have), b,
		    " %s=", control_key_name(w->cond[i].key));
		b = put_value(have, sizeof(have), b, w->cond[i].key,
		    control_key_value(&w->info, w->cond[i].key));
	}
	(void)now_ns;
	control_out_status(out,
	    "err " CONTROL_E_TIMEOUT ": conn %" PRIu32 " did not reach "
	    "%s within %s (%s%s). See events %" PRIu32 " for what happened",
	    w->id, want, secs, have, w->gone ? ", gone from the table" : "",
	    w->id);
}

enum control_result
control_wait_check(struct peer *p, struct control_wait *w, uint64_t now_ns,
    struct control_out *out)
{
	char secs[32];

	wait_update(p, w);
	if (w->resolved && conds_hold(w)) {
		control_out_status(out, "ok conn=%" PRIu32 " waited=%s", w->id,
		    control_secs_str(now_ns - w->start_ns, secs));
		return CONTROL_DONE;
	}
	if (now_ns >= w->deadline_ns) {
		wait_timeout(w, now_ns, out);
		return CONTROL_DONE;
	}
	return CONTROL_PENDING;
}
