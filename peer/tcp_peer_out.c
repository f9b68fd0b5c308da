/*
 * tcp_peer_out.c - everything lingerpeer sends: ACKs, FINs, RSTs, data,
 * their delays and retransmissions.
 *
 * A behaviour decides *whether* to send; this file decides *what* goes on the
 * wire, so options, windows and timestamps are right in one place.
 */
#include <stdlib.h>
#include <string.h>

#include "tcp_peer_int.h"
#include "timeunit.h"

/* Data we send is this pattern, so a client can check what it received. */
#define PATTERN_PERIOD 251u
/* NOP, NOP and the timestamp option: on every segment once agreed. */
#define TS_SPACE       12u
static uint8_t pattern[PATTERN_PERIOD + 65536];

static void
pattern_init(void)
{
	uint32_t i;

	if (pattern[1] != 0)
		return;
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i % PATTERN_PERIOD);
}

int
delay_pool_init(struct delay_pool *d, uint32_t cap)
{
	uint32_t i;

	memset(d, 0, sizeof(*d));
	if (cap == 0)
		return 0;
	d->items = calloc(cap, sizeof(*d->items));
	d->free_stack = calloc(cap, sizeof(*d->free_stack));
	if (d->items == NULL || d->free_stack == NULL) {
		delay_pool_free(d);
		return -1;
	}
	for (i = 0; i < cap; i++)
		d->free_stack[i] = cap - 1 - i;
	d->nfree = d->cap = cap;
	return 0;
}

void
delay_pool_free(struct delay_pool *d)
{
	free(d->items);
	free(d->free_stack);
	memset(d, 0, sizeof(*d));
}

/* The window we advertise: room left in the emulated receive buffer. */
uint32_t
out_window(const struct peer *p, const struct conn *c)
{
	uint32_t room =
	    c->b.rcvbuf > c->buffered ? c->b.rcvbuf - c->buffered : 0;

	if (c->state == CS_SYN_RCVD || c->state == CS_SYN_SENT ||
	    !(c->flags & CF_WS_OK))
		return room > 65535 ? 65535 : room;
	room >>= p->cfg.wscale;
	return room > 65535 ? 65535 : room;
}

static uint32_t
ts_now(const struct peer *p)
{
	return (uint32_t)(p->now / NS_PER_MS); /* a 1 ms clock, as Linux uses */
}

static void
log_out(struct peer *p, const struct out_item *it)
{
	const struct segment *s = &it->seg;
	struct peer_event ev = {
		.t_ns = p->now,
		.conn_id = it->conn_id,
		.type = EV_SEG_OUT,
		.cls = it->cls,
		.flags = s->flags,
		.win = s->window,
		.seq = s->seq,
		.ack = s->ack,
		.len = s->payload_len,
	};

	ev.opts = (uint8_t)((s->opt.has_mss ? EVO_MSS : 0) |
	    (s->opt.has_wscale ? EVO_WSCALE : 0) |
	    (s->opt.sack_ok ? EVO_SACK_OK : 0) | (s->opt.has_ts ? EVO_TS : 0));
	event_log_add(p->log, &ev);
}

/* Onto the transmit queue now; the caller drains it with peer_pop_output. */
static void
enqueue(struct peer *p, const struct out_item *it)
{
	struct conn *c;

	if (p->outq_len == PEER_OUTQ) {
		p->stats.delayed_dropped++;
		return;
	}
	p->outq[(p->outq_head + p->outq_len++) % PEER_OUTQ] = *it;
	p->stats.segs_out++;
	log_out(p, it);
	/* The connection may have been recycled while a reply was delayed. */
	c = it->conn_slot != CONN_NONE ? conn_at(p->conns, it->conn_slot)
				       : NULL;
	if (c != NULL && c->id == it->conn_id)
		c->segs_out++;
}

static void
enqueue_delayed(struct peer *p, const struct out_item *it, uint32_t delay_ms)
{
	uint32_t slot;

	if (p->delayed.nfree == 0) {
		p->stats.delayed_dropped++;
		return;
	}
	slot = p->delayed.free_stack[--p->delayed.nfree];
	p->delayed.items[slot] = *it;
	if (timer_heap_push(&p->timers, p->now + (uint64_t)delay_ms * NS_PER_MS,
		TK_DELAYED, slot, it->conn_id) < 0) {
		p->delayed.free_stack[p->delayed.nfree++] = slot;
		p->stats.delayed_dropped++;
	}
}

/*
 * Build and send (or delay) one segment of connection c. Unless force is set,
 * a connection that has gone quiet (silent) sends nothing.
 */
void
out_emit(struct peer *p, struct conn *c, uint8_t flags, uint32_t seq,
    uint32_t ack, uint32_t len, enum seg_class cls, bool force)
{
	const struct ip_addr *ours = peer_local_addr(p, &c->raddr);
	struct out_item it;
	struct segment *s = &it.seg;
	uint32_t off;

	/* No address of c's family: the connection could not have been made. */
	if (((c->flags & CF_QUIET) && !force) || ours == NULL)
		return;
	memset(&it, 0, sizeof(it));
	it.conn_id = c->id;
	it.conn_slot = conn_slot(p->conns, c);
	it.cls = (uint8_t)cls;
	s->saddr = *ours;
	s->daddr = c->raddr;
	s->sport = c->lport;
	s->dport = c->rport;
	s->seq = seq;
	s->ack = (flags & TCPF_ACK) ? ack : 0;
	s->flags = flags;
	s->window = (flags & TCPF_RST) ? 0 : (uint16_t)out_window(p, c);
	if (flags & TCPF_SYN) {
		s->opt.has_mss = true;
		s->opt.mss = peer_mss(p, c);
		if (c->flags & CF_WS_OK) {
			s->opt.has_wscale = true;
			s->opt.wscale = p->cfg.wscale;
		}
	}
	if ((c->flags & CF_TS_OK) && !(flags & TCPF_RST)) {
		s->opt.has_ts = true;
		s->opt.ts_val = ts_now(p);
		s->opt.ts_ecr = c->ts_recent;
	}
	if (len > 0) {
		pattern_init();
		off = (seq - c->iss - 1) % PATTERN_PERIOD;
		s->payload = pattern + off;
		s->payload_len = len;
	}
	if (c->b.delay_ms != 0)
		enqueue_delayed(p, &it, c->b.delay_ms);
	else
		enqueue(p, &it);
}

void
out_ack(struct peer *p, struct conn *c, enum seg_class cls)
{
	out_emit(p, c, TCPF_ACK, c->snd_nxt, c->rcv_nxt, 0, cls, false);
}

void
out_fin(struct peer *p, struct conn *c)
{
	c->flags |= CF_FIN_SENT;
	out_emit(p, c, TCPF_FIN | TCPF_ACK, c->snd_nxt, c->rcv_nxt, 0, SC_FIN,
	    false);
	c->snd_nxt++;
	out_arm_rto(p, c);
}

/* An RST is an explicit act (command or behaviour): it ignores silence. */
void
out_rst(struct peer *p, struct conn *c)
{
	out_emit(p, c, TCPF_RST | TCPF_ACK, c->snd_nxt, c->rcv_nxt, 0, SC_RST,
	    true);
}

/* RST for a segment that belongs to no connection (RFC 793, "reset generation"). */
void
out_reset_for(struct peer *p, const struct segment *seg)
{
	struct out_item it;

	if (seg->flags & TCPF_RST)
		return;
	memset(&it, 0, sizeof(it));
	it.conn_slot = CONN_NONE;
	it.cls = SC_RST;
	it.seg.saddr = seg->daddr; /* ours: peer_input checked */
	it.seg.daddr = seg->saddr;
	it.seg.sport = seg->dport;
	it.seg.dport = seg->sport;
	if (seg->flags & TCPF_ACK) {
		it.seg.seq = seg->ack;
		it.seg.flags = TCPF_RST;
	} else {
		it.seg.ack = seg->seq + seg->payload_len +
		    ((seg->flags & TCPF_SYN) ? 1 : 0) +
		    ((seg->flags & TCPF_FIN) ? 1 : 0);
		it.seg.flags = TCPF_RST | TCPF_ACK;
	}
	p->stats.rst_unknown++;
	enqueue(p, &it);
}

/*
 * Take c's retransmission timer out of the heap: nothing is outstanding any
 * more, or a new one replaces it. c may be a copy of a connection that was
 * evicted, so the timer must still be c's to be cancelled.
 */
void
out_cancel_rto(struct peer *p, struct conn *c)
{
	const struct timer *t = timer_heap_get(&p->timers, c->rto_timer);

	if (t != NULL && t->kind == TK_RTO && t->id == c->id)
		timer_heap_cancel(&p->timers, c->rto_timer);
	c->rto_timer = TIMER_NONE;
}

/* (Re)start the retransmission timer: one per connection in the heap. */
void
out_arm_rto(struct peer *p, struct conn *c)
{
	uint64_t due;

	out_cancel_rto(p, c);
	due = p->now + (PEER_RTO_INITIAL_NS << c->rto_shift);
	if (timer_heap_add(&p->timers, due, TK_RTO, conn_slot(p->conns, c),
		c->id, &c->rto_timer) < 0)
		c->rto_timer = TIMER_NONE;
}

/* Bytes in flight that are data (not SYN or FIN). */
static uint32_t
data_in_flight(const struct conn *c)
{
	uint32_t f = c->snd_nxt - c->snd_una;

	if ((c->flags & CF_FIN_SENT) && f > 0)
		f--;
	if ((c->state == CS_SYN_RCVD || c->state == CS_SYN_SENT) && f > 0)
		f--;
	return f;
}

/*
 * Payload bytes in one segment: the smaller of the two MSSs, less the
 * timestamp option once agreed (RFC 6691: the MSS counts no options), as
 * Linux sends 1448 bytes against an MSS of 1460. More would not fit the
 * link's MTU.
 */
static uint32_t
seg_payload_max(const struct peer *p, const struct conn *c)
{
	uint32_t mss = c->snd_mss ? c->snd_mss : 536, ours = peer_mss(p, c);

	if (mss > ours)
		mss = ours; /* never above what we announced */
	if ((c->flags & CF_TS_OK) && mss > 2 * TS_SPACE)
		mss -= TS_SPACE;
	return mss;
}

/* Send what the send command queued, as far as the client's window allows. */
void
out_push_data(struct peer *p, struct conn *c)
{
	uint32_t room, n, mss = seg_payload_max(p, c);
	bool sent = false;

	while (c->pending_send > 0 && !(c->flags & CF_FIN_SENT) &&
	    p->outq_len + 1 < PEER_OUTQ) {
		room = c->snd_wnd > data_in_flight(c)
		    ? c->snd_wnd - data_in_flight(c)
		    : 0;
		if ((n = c->pending_send < mss ? c->pending_send : mss) > room)
			n = room;
		if (n == 0)
			break;
		out_emit(p, c, TCPF_ACK | TCPF_PSH, c->snd_nxt, c->rcv_nxt, n,
		    SC_DATA, false);
		c->snd_nxt += n;
		c->pending_send -= n;
		c->bytes_sent += n;
		sent = true;
	}
	if (sent && c->rto_timer == TIMER_NONE)
		out_arm_rto(p, c);
}

static void
retransmit(struct peer *p, struct conn *c)
{
	uint32_t n = data_in_flight(c), mss = seg_payload_max(p, c);

	if (c->state == CS_SYN_RCVD) {
		out_emit(p, c, TCPF_SYN | TCPF_ACK, c->iss, c->rcv_nxt, 0,
		    SC_SYNACK, false);
		return;
	}
	if (c->state == CS_SYN_SENT) {
		out_emit(p, c, TCPF_SYN, c->iss, 0, 0, SC_SYN_RETX, false);
		return;
	}
	if (n > 0) {
		out_emit(p, c, TCPF_ACK | TCPF_PSH, c->snd_una, c->rcv_nxt,
		    n < mss ? n : mss, SC_DATA_RETX, false);
		return;
	}
	if (c->flags & CF_FIN_SENT)
		out_emit(p, c, TCPF_FIN | TCPF_ACK, c->snd_nxt - 1, c->rcv_nxt,
		    0, SC_FIN_RETX, false);
}

static void
fire_rto(struct peer *p, const struct timer *t)
{
	struct conn *c = conn_at(p->conns, t->ref);

	/* Every connection cancels its timer when it rearms or stops it,
	 * so this is a guard, not the rule: a slot recycled meanwhile. */
	if (c == NULL || c->id != t->id || c->rto_timer != t->handle)
		return;
	c->rto_timer = TIMER_NONE;
	if (c->snd_una == c->snd_nxt || c->state == CS_CLOSED)
		return;
	if (c->rto_shift > PEER_RTO_MAX_SHIFT) {
		/* As a kernel does after its last retry: drop the connection
		 * without a word (no RST), so its slot is not held forever. */
		peer_say(p, c, "no ACK after %u retransmissions: giving up",
		    c->rto_shift);
		peer_close_conn(p, c, CR_TIMEOUT);
		return;
	}
	retransmit(p, c);
	c->rto_shift++;
	out_arm_rto(p, c);
}

static void
fire_delayed(struct peer *p, const struct timer *t)
{
	struct out_item it = p->delayed.items[t->ref];

	p->delayed.free_stack[p->delayed.nfree++] = t->ref;
	enqueue(p, &it);
}

void
out_fire_timer(struct peer *p, const struct timer *t)
{
	if (t->kind == TK_RTO)
		fire_rto(p, t);
	else if (t->kind == TK_DELAYED)
		fire_delayed(p, t);
}
