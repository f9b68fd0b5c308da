/*
 * tcp_peer_in.c - a segment for an existing connection, and the peer's
 * clock and output queue.
 *
 * The order of work per segment follows RFC 793's "segment arrives": RST,
 * SYN, ACK, data, FIN; each step may end the processing. Every segment is
 * logged once, with the class the peer gave it.
 */
#include <string.h>

#include "tcp_peer_int.h"

static bool
can_receive(const struct conn *c)
{
	return c->state == CS_ESTABLISHED || c->state == CS_FIN_WAIT1 ||
	    c->state == CS_FIN_WAIT2;
}

static void
on_rst(struct peer *p, struct conn *c, const struct segment *s)
{
	uint32_t wnd = peer_rcv_room(c);

	c->rsts_seen++;
	peer_log_in(p, c, s, SC_RST);
	/* RFC 5961 would demand an exact match; a test peer accepts any RST in
	 * the window so that what the client sent is what gets recorded. */
	if (c->state == CS_CLOSED ||
	    !(seq_ge(s->seq, c->rcv_nxt - 1) &&
		seq_le(s->seq, c->rcv_nxt + (wnd ? wnd : 1)))) {
		peer_say(p, c, "RST outside the window ignored");
		return;
	}
	peer_say(p, c, "RST from the client");
	peer_close_conn(p, c, CR_RESET_IN);
}

/* Their ACK of what we sent: the handshake, our data, our FIN. */
static void
on_ack(struct peer *p, struct conn *c, const struct segment *s)
{
	if (c->state == CS_SYN_RCVD && s->ack == c->iss + 1) {
		c->snd_una = s->ack;
		out_cancel_rto(p, c); /* out of the heap now, not in 1 s */
		c->rto_shift = 0;
		peer_set_state(p, c, CS_ESTABLISHED);
		if ((c->b.bits & BHV_SILENT) && c->b.silent_after == 0) {
			c->flags |= CF_QUIET;
			peer_say(p, c, "going silent (silent)");
		}
	}
	c->snd_wnd = (uint32_t)s->window << c->snd_wscale;
	if (!seq_gt(s->ack, c->snd_una) || seq_gt(s->ack, c->snd_nxt))
		return;
	c->snd_una = s->ack;
	c->rto_shift = 0;
	if (c->snd_una != c->snd_nxt)
		out_arm_rto(p, c);
	else
		out_cancel_rto(p, c);
	if (!(c->flags & CF_FIN_SENT) || c->snd_una != c->snd_nxt)
		return;
	c->flags |= CF_FIN_ACKED;
	if (c->state == CS_LAST_ACK)
		peer_close_conn(p, c, CR_GRACEFUL);
	else if (c->state == CS_FIN_WAIT1)
		peer_set_state(p, c, CS_FIN_WAIT2);
	else if (c->state == CS_CLOSING)
		peer_set_state(p, c, CS_TIME_WAIT);
}

/*
 * A zero-window probe: with our window shut, Linux sends a bare segment one
 * below rcv_nxt (tcp_xmit_probe_skb); BSD and Windows send one byte at it.
 */
static bool
is_zero_window_probe(const struct peer *p, const struct conn *c,
    const struct segment *s)
{
	if (out_window(p, c) != 0 || (s->flags & (TCPF_FIN | TCPF_SYN)))
		return false;
	return (s->payload_len == 0 && s->seq == c->rcv_nxt - 1) ||
	    (s->payload_len == 1 && s->seq == c->rcv_nxt);
}

/*
 * In-order payload into the emulated buffer, as far as it has room, and
 * what was held past a hole it fills; payload after a hole is held.
 */
static void
on_data(struct peer *p, struct conn *c, const struct segment *s,
    struct seg_outcome *v)
{
	uint32_t len = s->payload_len, skip, room, take;

	if (seq_gt(s->seq, c->rcv_nxt)) {
		ooo_hold(p, c, s, v);
		return;
	}
	skip = c->rcv_nxt - s->seq;
	if (skip >= len) {
		c->data_retx++;
		v->cls = SC_DATA_RETX;
		v->ack_needed = true;
		return;
	}
	room = peer_rcv_room(c);
	take = len - skip < room ? len - skip : room;
	if (skip > 0)
		c->data_retx++;
	c->rcv_nxt += take;
	c->buffered += take;
	c->bytes_received += take;
	v->cls = take < len - skip ? SC_DATA_BEYOND_WINDOW
	    : skip		   ? SC_DATA_RETX
				   : SC_DATA;
	v->ack_needed = true;
	if (take == len - skip && c->ooo != 0)
		ooo_fill(p, c); /* the hole may be filled: one ACK for all */
	if ((c->b.bits & BHV_SILENT) && !(c->flags & CF_QUIET) &&
	    c->bytes_received >= c->b.silent_after) {
		c->flags |= CF_QUIET;
		peer_say(p, c, "received %llu bytes: going silent (silent)",
		    (unsigned long long)c->bytes_received);
	}
}

static void
fin_accept(struct peer *p, struct conn *c)
{
	c->flags |= CF_FIN_RCVD;
	c->flags &= (uint8_t)~CF_FIN_HELD;
	c->rcv_nxt = c->fin_seq + 1;
	if (c->state == CS_ESTABLISHED)
		peer_set_state(p, c, CS_CLOSE_WAIT);
	else if (c->state == CS_FIN_WAIT1)
		peer_set_state(p, c,
		    (c->flags & CF_FIN_ACKED) ? CS_TIME_WAIT : CS_CLOSING);
	else if (c->state == CS_FIN_WAIT2)
		peer_set_state(p, c, CS_TIME_WAIT);
}

/* Their FIN at fin_seq, once every byte before it is in. */
static void
on_fin(struct peer *p, struct conn *c, uint32_t fin_seq, struct seg_outcome *v)
{
	bool again =
	    (c->flags & (CF_FIN_HELD | CF_FIN_RCVD)) && fin_seq == c->fin_seq;
	char n[16], who[IP_ADDR_PORT_STRLEN];

	c->fins_seen++;
	if (again)
		c->fin_retx++;
	c->fin_seq = fin_seq;
	ooo_release(p, c); /* nothing after it is data; a held FIN is this */
	if (c->flags & CF_FIN_RCVD) {
		v->cls = SC_FIN_RETX;
		v->ack_needed = true; /* our ACK was lost: repeat it */
		return;
	}
	if (c->b.bits & BHV_RESET_ON_FIN) {
		v->cls = SC_FIN;
		v->ack_needed = false;
		v->reset =
		    true; /* sent by on_segment, so the log shows the FIN first */
		return;
	}
	if (c->b.bits & BHV_SWALLOW_FIN) {
		c->flags |= CF_FIN_HELD;
		v->cls = again ? SC_FIN_RETX : SC_FIN_SWALLOWED;
		peer_say(p, c, "FIN from %s swallowed, %s time",
		    peer_client_str(c, who), peer_nth(c->fins_seen, n));
		return; /* data in it was ACKed by on_data's outcome */
	}
	v->cls = SC_FIN;
	v->ack_needed = true;
	fin_accept(p, c);
	peer_say(p, c, "FIN from %s ACKed", peer_client_str(c, who));
}

/*
 * A segment for a connection that is over but still in the table for its
 * record: answer as a host that has no such connection would (RFC 793,
 * "reset generation"), so a client retransmitting into a reset or timed
 * out connection learns it, unless the peer was told to stay silent.
 */
static void
on_closed(struct peer *p, struct conn *c, const struct segment *s)
{
	if (c->flags & CF_QUIET) {
		peer_log_in(p, c, s, SC_SILENCED);
		return;
	}
	peer_log_in(p, c, s, SC_ACK);
	out_reset_for(p, s);
}

static void
on_segment(struct peer *p, struct conn *c, const struct segment *s)
{
	struct seg_outcome v = { SC_ACK, false, false };

	c->segs_in++;
	c->last_ns = p->now;
	conn_touch(p->conns, c);
	if (c->state == CS_SYN_SENT) {
		peer_on_syn_sent(p, c, s);
		return;
	}
	if (s->flags & TCPF_RST) {
		on_rst(p, c, s);
		return;
	}
	if (c->state == CS_CLOSED) {
		on_closed(p, c, s);
		return;
	}
	if ((c->flags & CF_TS_OK) && s->opt.has_ts &&
	    seq_le(s->seq, c->rcv_nxt))
		c->ts_recent = s->opt.ts_val;
	if (s->flags & TCPF_SYN) {
		c->syns_seen++;
		peer_log_in(p, c, s, SC_SYN_RETX);
		if (c->state == CS_SYN_RCVD)
			out_emit(p, c, TCPF_SYN | TCPF_ACK, c->iss, c->rcv_nxt,
			    0, SC_SYNACK, false);
		else
			out_ack(p, c, SC_ACK); /* RFC 5961 challenge ACK */
		return;
	}
	if (s->flags & TCPF_ACK)
		on_ack(p, c, s);
	if (c->state == CS_CLOSED) {
		peer_log_in(p, c, s, SC_ACK);
		return;
	}
	if (is_zero_window_probe(p, c, s)) {
		c->zero_window_probes++;
		peer_log_in(p, c, s, SC_ZERO_WINDOW_PROBE);
		out_ack(p, c, SC_ZERO_WINDOW_PROBE);
		return;
	}
	if (s->payload_len > 0 && (can_receive(c) || (c->flags & CF_FIN_HELD)))
		on_data(p, c, s, &v);
	else if (s->payload_len > 0)
		v = (struct seg_outcome){ SC_DATA_RETX, true, false };
	else if ((s->flags & TCPF_FIN) && seq_gt(s->seq, c->rcv_nxt) &&
	    can_receive(c))
		ooo_hold(p, c, s, &v); /* a bare FIN after a hole */
	if ((s->flags & TCPF_FIN) &&
	    seq_le(s->seq + s->payload_len, c->rcv_nxt) &&
	    (can_receive(c) || (c->flags & (CF_FIN_HELD | CF_FIN_RCVD))))
		on_fin(p, c, s->seq + s->payload_len, &v);
	else if (c->ooo != 0 && can_receive(c) && ooo_fin_reached(p, c))
		on_fin(p, c, c->rcv_nxt, &v); /* the FIN held past the hole */
	peer_log_in(p, c, s, v.cls);
	if (v.reset) {
		peer_say(p, c, "FIN answered with RST (reset-on-fin)");
		out_rst(p, c);
		peer_close_conn(p, c, CR_RESET_OUT);
		return;
	}
	peer_app_reads_by_behaviour(p, c);
	if (v.ack_needed && c->state != CS_CLOSED)
		out_ack(p, c, v.cls);
	out_push_data(p, c);
	peer_maybe_close(p,
	    c); /* after the push: it may have sent the last byte */
}

/*
 * Whether the port drops SYNs now: the listener decides, not the closed
 * connection left by an earlier dropped SYN, so a port switched to accept
 * answers the client's next retransmission.
 */
static bool
port_drops_syn(const struct peer *p, uint16_t port)
{
	const struct behaviour *b = peer_port_behaviour(p, port);

	return b != NULL && (b->bits & BHV_DROP_SYN);
}

void
peer_input(struct peer *p, const struct segment *s, uint64_t now_ns)
{
	const struct ip_addr *ours = peer_local_addr(p, &s->daddr);
	struct conn *c;

	p->now = now_ns;
	p->stats.segs_in++;
	if (ours == NULL || !ip_addr_eq(ours, &s->daddr) ||
	    s->saddr.family != s->daddr.family) {
		p->stats.not_for_us++;
		return;
	}
	c = conn_find(p->conns, &s->saddr, s->sport, s->dport);
	if ((s->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN) {
		if (c != NULL && c->state == CS_CLOSED &&
		    (c->b.bits & BHV_DROP_SYN) && port_drops_syn(p, s->dport)) {
			c->syns_seen++; /* the client retrying a dropped SYN */
			c->segs_in++;
			c->last_ns = now_ns;
			p->stats.syns_dropped++;
			peer_log_in(p, c, s, SC_SYN_RETX);
			return;
		}
		if (c == NULL || c->state == CS_CLOSED ||
		    c->state == CS_TIME_WAIT) {
			peer_on_syn(p, c, s);
			return;
		}
	}
	if (c == NULL) {
		out_reset_for(p, s);
		return;
	}
	on_segment(p, c, s);
}

void
peer_tick(struct peer *p, uint64_t now_ns)
{
	const struct timer *t;
	struct timer due;

	p->now = now_ns;
	while ((t = timer_heap_peek(&p->timers)) != NULL && t->due <= now_ns &&
	    p->outq_len + 2 < PEER_OUTQ) {
		timer_heap_pop(&p->timers, &due);
		out_fire_timer(p, &due);
	}
}

uint64_t
peer_next_deadline(const struct peer *p)
{
	const struct timer *t = timer_heap_peek(&p->timers);

	return t != NULL ? t->due : UINT64_MAX;
}

bool
peer_pop_output(struct peer *p, struct segment *out)
{
	if (p->outq_len == 0)
		return false;
	*out = p->outq[p->outq_head].seg;
	p->outq_head = (p->outq_head + 1) % PEER_OUTQ;
	p->outq_len--;
	return true;
}
