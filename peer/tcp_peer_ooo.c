/*
 * tcp_peer_ooo.c - data that arrives after a hole: held (as sequence
 * ranges, ooo_queue.h) until the segment that fills the hole comes, then
 * delivered in order with it, so the sender sees one ACK for all of it
 * instead of taking each duplicate ACK for a loss.
 *
 * Only what the window has room for is held, and nothing past a FIN; the
 * FIN itself is held too, and takes effect (ACKed, swallowed, answered with
 * RST, as the behaviour says) once every byte before it is in. A segment
 * that cannot be held is dropped as before (class out-of-order-dropped) and
 * counted; the sender repeats it.
 */
#include "tcp_peer_int.h"

/* Whether a queue's owner went without giving it back: a guard, since
 * every way out of a connection releases its queue (peer_forget, on_fin). */
static bool
stale(const struct ooo_queue *q, void *arg)
{
	struct peer *p = arg;
	const struct conn *c = conn_at(p->conns, q->conn_slot);

	return c == NULL || c->id != q->conn_id ||
	    c->ooo != (uint8_t)(q - p->ooo.q + 1) || c->state == CS_CLOSED;
}

/* c's queue, or NULL; with create, a new one if c has none and one is free. */
static struct ooo_queue *
queue_of(struct peer *p, struct conn *c, bool create)
{
	uint32_t slot = conn_slot(p->conns, c), index;
	struct ooo_queue *q = NULL;

	if (c->ooo != 0)
		q = ooo_pool_get(&p->ooo, c->ooo - 1u, slot, c->id);
	if (q == NULL)
		c->ooo = 0;
	if (q == NULL && create &&
	    (q = ooo_pool_take(&p->ooo, slot, c->id, stale, p, &index)) != NULL)
		c->ooo = (uint8_t)(index + 1);
	return q;
}

void
ooo_release(struct peer *p, struct conn *c)
{
	if (c->ooo == 0)
		return;
	ooo_pool_put(&p->ooo, queue_of(p, c, false));
	c->ooo = 0;
}

void
ooo_release_evicted(struct peer *p, const struct conn *c,
    const struct conn *evicted)
{
	if (evicted->ooo != 0)
		ooo_pool_put(&p->ooo,
		    ooo_pool_get(&p->ooo, evicted->ooo - 1u,
			conn_slot(p->conns, c), evicted->id));
}

static void
dropped(struct peer *p, struct seg_outcome *v)
{
	p->stats.ooo_dropped++;
	v->cls = SC_DATA_OOO_DROPPED;
}

/* Hold [start, end) and, if it came whole, the FIN after it. */
static void
hold(struct peer *p, struct conn *c, struct ooo_queue *q, uint32_t start,
    uint32_t end, bool fin, struct seg_outcome *v)
{
	uint32_t evicted;

	switch (ooo_add(q, start, end, &evicted)) {
	case OOO_QUEUED:
		p->stats.ooo_queued++;
		/* the highest range made room for it */
		if (evicted != 0)
			p->stats.ooo_dropped++;
		break;
	case OOO_DUP:
		if (start != end) {
			c->data_retx++;
			v->cls = SC_DATA_RETX;
		}
		break;
	case OOO_FULL: dropped(p, v); return;
	}
	if (fin)
		ooo_set_fin(q, end);
}

/*
 * A segment that starts past rcv_nxt (data, a FIN or both): held as far as
 * the window reaches, and answered with a duplicate ACK, as before, so the
 * sender's fast retransmit fills the hole.
 */
void
ooo_hold(struct peer *p, struct conn *c, const struct segment *s,
    struct seg_outcome *v)
{
	uint32_t start = s->seq, end = s->seq + s->payload_len,
		 limit = c->rcv_nxt + peer_rcv_room(c);
	bool fin = (s->flags & TCPF_FIN) != 0;
	struct ooo_queue *q;

	v->cls = SC_DATA_OUT_OF_ORDER;
	v->ack_needed = true;
	if (c->flags & (CF_FIN_HELD | CF_FIN_RCVD)) {
		dropped(p, v); /* past their FIN: not data */
		return;
	}
	if (seq_gt(end, limit)) {
		/* what the window cannot take goes, and a FIN after it */
		end = limit;
		fin = false;
		if (!seq_lt(start, end)) {
			v->cls = SC_DATA_BEYOND_WINDOW;
			return;
		}
	}
	if ((q = queue_of(p, c, true)) == NULL) {
		dropped(p, v); /* every queue in use: the pool's bound */
		return;
	}
	if (q->has_fin && seq_gt(end, q->fin_seq)) {
		end = q->fin_seq; /* nothing after their FIN is data */
		fin = false;
		if (!seq_lt(start, end)) {
			dropped(p, v);
			return;
		}
	}
	hold(p, c, q, start, end, fin, v);
	if (ooo_empty(q))
		ooo_release(p, c);
}

void
ooo_fill(struct peer *p, struct conn *c)
{
	struct ooo_queue *q;
	uint32_t n, room;

	if (c->ooo == 0 || (q = queue_of(p, c, false)) == NULL)
		return;
	room = peer_rcv_room(c);
	if ((n = ooo_pull(q, c->rcv_nxt, room)) > 0) {
		c->rcv_nxt += n;
		c->buffered += n;
		c->bytes_received += n;
		p->stats.ooo_filled++;
		peer_say(p, c, "hole filled: %u bytes held out of order now in",
		    n);
	}
	if (q->n > 0 && seq_le(q->r[0].start, c->rcv_nxt)) {
		/* The window shrank (a behaviour changed) since they were held:
		 * what it cannot take now goes, and the sender repeats it. */
		p->stats.ooo_dropped += q->n;
		q->n = 0;
	}
	if (ooo_empty(q))
		ooo_release(p, c);
}

bool
ooo_fin_reached(struct peer *p, struct conn *c)
{
	struct ooo_queue *q;

	if (c->ooo == 0 || (q = queue_of(p, c, false)) == NULL)
		return false;
	return q->has_fin && q->fin_seq == c->rcv_nxt;
}
