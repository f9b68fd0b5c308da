/*
 * tcp_peer_cmd.c - what the control channel does to the peer: snapshots of
 * connections, live behaviour changes and one-shot commands.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_peer_int.h"

const char *
close_reason_name(enum close_reason r)
{
	switch (r) {
	case CR_NONE: return "none";
	case CR_GRACEFUL: return "graceful";
	case CR_RESET_IN: return "client-rst";
	case CR_RESET_OUT: return "peer-rst";
	case CR_TIMEOUT: return "timeout";
	}
	return "?";
}

const char *
peer_cmd_result_str(enum peer_cmd_result r)
{
	switch (r) {
	case PEER_CMD_OK: return "ok";
	case PEER_CMD_NO_CONN: return "no such connection";
	case PEER_CMD_BAD_STATE:
		return "not possible in the connection's state";
	case PEER_CMD_FULL: return "the connection table is full";
	case PEER_CMD_NO_ADDR: return "the peer owns no address of that family";
	}
	return "?";
}

const struct peer_stats *
peer_get_stats(const struct peer *p)
{
	return &p->stats;
}

void
peer_set_wire_stats(struct peer *p, peer_wire_stats_fn fn, void *arg)
{
	p->wire_stats = fn;
	p->wire_stats_arg = arg;
}

void
peer_get_wire_stats(const struct peer *p, struct peer_wire_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (p->wire_stats != NULL)
		p->wire_stats(p->wire_stats_arg, out);
}

const struct event_log *
peer_events(const struct peer *p)
{
	return p->log;
}

static void
fill_info(const struct peer *p, const struct conn *c, struct conn_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = c->id;
	out->raddr = c->raddr;
	out->rport = c->rport;
	out->lport = c->lport;
	out->state = (enum conn_state)c->state;
	out->closed_by = (enum close_reason)c->closed_by;
	out->behaviour = c->b;
	out->fin_held = (c->flags & CF_FIN_HELD) != 0;
	out->created_ns = c->created_ns;
	out->last_ns = c->last_ns;
	out->bytes_received = c->bytes_received;
	out->bytes_read = c->bytes_read;
	out->buffered = c->buffered;
	/* What the client sees: the window field times our scale, not the
	 * free bytes, which can be a few short of a scale unit. */
	out->window = out_window(p, c)
	    << ((c->flags & CF_WS_OK) && c->state != CS_SYN_RCVD ? p->cfg.wscale
								 : 0);
	out->segs_in = c->segs_in;
	out->segs_out = c->segs_out;
	out->fins_seen = c->fins_seen;
	out->fin_retx = c->fin_retx;
	out->data_retx = c->data_retx;
	out->zero_window_probes = c->zero_window_probes;
	out->rsts_seen = c->rsts_seen;
	out->syns_seen = c->syns_seen;
	out->bytes_sent = c->bytes_sent;
}

int
peer_conn_lookup(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport, uint32_t *id)
{
	const struct conn *c = conn_find(p->conns, raddr, rport, lport);

	if (c == NULL)
		return -1;
	*id = c->id;
	return 0;
}

int
peer_conn_info(const struct peer *p, uint32_t id, struct conn_info *out)
{
	const struct conn *c = conn_by_id(p->conns, id);

	if (c == NULL)
		return -1;
	fill_info(p, c, out);
	return 0;
}

int
peer_conn_newest_from(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint32_t *id)
{
	const struct conn *c = NULL, *best = NULL;

	/* The client end's own hash chain: a lookup, not a pass over every
	 * slot (4.5 ms a command at 100,000 connections when it was). */
	while ((c = conn_from_next(p->conns, raddr, rport, c)) != NULL)
		if (best == NULL || c->created_ns > best->created_ns ||
		    (c->created_ns == best->created_ns && c->id > best->id))
			best = c;
	if (best == NULL)
		return -1;
	*id = best->id;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	uint32_t x = ((const struct conn_info *)a)->id,
		 y = ((const struct conn_info *)b)->id;

	return x < y ? -1 : x > y;
}

int
peer_conn_foreach(const struct peer *p,
    int (*fn)(const struct conn_info *, void *), void *arg)
{
	uint32_t cap = conn_table_capacity(p->conns),
		 used = conn_table_used(p->conns);
	struct conn_info *all;
	const struct conn *c;
	uint32_t i, n = 0;
	int rc = 0;

	if (used == 0)
		return 0;
	if ((all = calloc(used, sizeof(*all))) == NULL)
		return -1;
	for (i = 0; i < cap && n < used; i++)
		if ((c = conn_at_const(p->conns, i)) != NULL)
			fill_info(p, c, &all[n++]);
	qsort(all, n, sizeof(*all), by_id);
	for (i = 0; i < n && rc == 0; i++)
		rc = fn(&all[i], arg);
	free(all);
	return rc;
}

static bool
is_open(const struct conn *c)
{
	return c->state != CS_CLOSED && c->state != CS_TIME_WAIT;
}

/* A held FIN outlives an RST from the client; ACKing it then is wrong. */
static bool
fin_held_open(const struct conn *c)
{
	return (c->flags & CF_FIN_HELD) && is_open(c);
}

/* Our FIN or data: only while our side is open. */
static bool
may_send(const struct conn *c)
{
	return !(c->flags & CF_FIN_SENT) &&
	    (c->state == CS_ESTABLISHED || c->state == CS_CLOSE_WAIT);
}

static bool
not_closed(const struct conn *c)
{
	return c->state != CS_CLOSED;
}

/*
 * What every command starts with: the connection id names, if the command
 * may be done to it now (may NULL: in any state). NULL with *r set (no such
 * connection, or not in this state) when not.
 */
static struct conn *
target(struct peer *p, uint32_t id, uint64_t now_ns,
    bool (*may)(const struct conn *), enum peer_cmd_result *r)
{
	struct conn *c = conn_by_id(p->conns, id);

	p->now = now_ns;
	*r = c == NULL		     ? PEER_CMD_NO_CONN
	    : may != NULL && !may(c) ? PEER_CMD_BAD_STATE
				     : PEER_CMD_OK;
	return *r == PEER_CMD_OK ? c : NULL;
}

/* A one-shot command into the event log (arg: its size) and, if say, the narration. */
static void
logged(struct peer *p, const struct conn *c, uint32_t cmd, uint32_t arg,
    const char *say)
{
	peer_log_conn(p, c, EV_COMMAND, cmd, arg);
	if (say != NULL)
		peer_say(p, c, "%s", say);
}

enum peer_cmd_result
peer_set_behaviour(struct peer *p, uint32_t id, const struct behaviour *b,
    uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, NULL, &r);
	char spec[128];

	if (c == NULL)
		return r;
	c->b = *b;
	if (!(b->bits & BHV_SILENT))
		c->flags &= (uint8_t)~CF_QUIET;
	else if (c->state != CS_SYN_RCVD &&
	    c->bytes_received >= b->silent_after)
		c->flags |= CF_QUIET;
	behaviour_format(b, spec, sizeof(spec));
	peer_log_conn(p, c, EV_BEHAVIOUR, 0, 0);
	peer_say(p, c, "behaviour now %s", spec);
	if (!is_open(c))
		return PEER_CMD_OK;
	/* Read first: the new behaviour may read what the old one left, and
	 * EOF (our FIN) only comes once that is done. */
	peer_app_reads_by_behaviour(p, c);
	/* A held FIN is let through when swallow-fin is taken away. */
	if ((c->flags & CF_FIN_HELD) && !(b->bits & BHV_SWALLOW_FIN))
		return peer_ack_fin(p, id, now_ns);
	if (c->state == CS_ESTABLISHED || c->state == CS_CLOSE_WAIT)
		out_ack(p, c, SC_ACK); /* announce the window as it is now */
	peer_maybe_close(p, c);
	return PEER_CMD_OK;
}

enum peer_cmd_result
peer_ack_fin(struct peer *p, uint32_t id, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, fin_held_open, &r);

	if (c == NULL)
		return r;
	logged(p, c, ECMD_ACK_FIN, 0, NULL);
	c->rcv_nxt = c->fin_seq;
	if (c->state == CS_ESTABLISHED || c->state == CS_FIN_WAIT1 ||
	    c->state == CS_FIN_WAIT2) {
		c->flags |= CF_FIN_RCVD;
		c->flags &= (uint8_t)~CF_FIN_HELD;
		c->rcv_nxt = c->fin_seq + 1;
		peer_set_state(p, c,
		    c->state == CS_ESTABLISHED ? CS_CLOSE_WAIT
			: c->state == CS_FIN_WAIT2 || (c->flags & CF_FIN_ACKED)
			? CS_TIME_WAIT
			: CS_CLOSING);
	}
	peer_say(p, c, "held FIN ACKed on command");
	out_emit(p, c, TCPF_ACK, c->snd_nxt, c->rcv_nxt, 0, SC_FIN, true);
	if (!(c->b.bits & BHV_SWALLOW_FIN))
		peer_maybe_close(p, c);
	return PEER_CMD_OK;
}

enum peer_cmd_result
peer_read(struct peer *p, uint32_t id, uint32_t n, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, NULL, &r);
	uint32_t before;

	if (c == NULL)
		return r;
	before = c->buffered;
	peer_app_read(p, c, n == 0 ? UINT32_MAX : n);
	logged(p, c, ECMD_READ, before - c->buffered, NULL);
	peer_say(p, c, "read %u bytes on command, %u still buffered",
	    before - c->buffered, c->buffered);
	if (is_open(c))
		out_emit(p, c, TCPF_ACK, c->snd_nxt, c->rcv_nxt, 0, SC_ACK,
		    true);
	peer_maybe_close(p, c);
	return PEER_CMD_OK;
}

enum peer_cmd_result
peer_resume(struct peer *p, uint32_t id, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, NULL, &r);

	if (c == NULL)
		return r;
	logged(p, c, ECMD_RESUME, c->buffered, "reading resumed");
	c->b.bits &= (uint16_t)~BHV_STOP_READING;
	return peer_read(p, id, 0, now_ns);
}

enum peer_cmd_result
peer_send_fin(struct peer *p, uint32_t id, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, may_send, &r);

	if (c == NULL)
		return r;
	logged(p, c, ECMD_FIN, 0, "sending FIN on command");
	c->flags &= (uint8_t)~CF_QUIET; /* an explicit act overrides silent */
	out_fin(p, c);
	peer_set_state(p, c,
	    c->state == CS_CLOSE_WAIT ? CS_LAST_ACK : CS_FIN_WAIT1);
	return PEER_CMD_OK;
}

enum peer_cmd_result
peer_send_rst(struct peer *p, uint32_t id, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, not_closed, &r);

	if (c == NULL)
		return r;
	logged(p, c, ECMD_RST, 0, "sending RST on command");
	out_rst(p, c);
	peer_close_conn(p, c, CR_RESET_OUT);
	return PEER_CMD_OK;
}

enum peer_cmd_result
peer_send_data(struct peer *p, uint32_t id, uint32_t n, uint64_t now_ns)
{
	enum peer_cmd_result r;
	struct conn *c = target(p, id, now_ns, may_send, &r);

	if (c == NULL)
		return r;
	logged(p, c, ECMD_SEND, n, NULL);
	c->pending_send =
	    n > UINT32_MAX - c->pending_send ? UINT32_MAX : c->pending_send + n;
	c->flags &= (uint8_t)~CF_QUIET;
	out_push_data(p, c);
	return PEER_CMD_OK;
}
