/*
 * ooo_queue.h - what lingerpeer holds of a connection's data that arrived
 * after a hole, until the hole fills.
 *
 * The peer keeps no payload (its application is emulated: it counts bytes),
 * so a queue is only sequence ranges and, if one came, the FIN beyond them.
 * Queues come from one pool shared by every connection, allocated once at
 * start, and a connection takes one only when a hole appears: a connection
 * that sees no reordering costs nothing, and the whole pool is bounded
 * (OOO_MAX_QUEUES queues of OOO_RANGES ranges) however many connections
 * reorder. Pure: no I/O, no clock.
 */
#ifndef LINGERLAB_OOO_QUEUE_H
#define LINGERLAB_OOO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define OOO_RANGES     8 /* separate runs of data past holes, per connection */
/* Connections with a hole at one time: struct conn names its queue in one
 * spare byte (1 + index), so the index costs it nothing. */
#define OOO_MAX_QUEUES 255

struct ooo_range {
	uint32_t start; /* first sequence number held */
	uint32_t end;	/* one past the last */
};

struct ooo_queue {
	uint32_t conn_slot; /* owner: its slot and id; conn_id 0 when free */
	uint32_t conn_id;
	uint32_t fin_seq; /* their FIN's sequence number, when has_fin */
	uint8_t n;	  /* ranges held */
	bool has_fin;
	/* ascending, disjoint and not touching: a gap between any two */
	struct ooo_range r[OOO_RANGES];
};

enum ooo_add_result {
	OOO_QUEUED, /* new bytes held (all of them, or the part not yet held) */
	OOO_DUP,    /* every byte was held already */
	OOO_FULL,   /* a new range past every held one, and no room: dropped */
};

/*
 * Hold [start, end), start after rcv_nxt. Touching or overlapping ranges
 * merge. With OOO_RANGES held already, a new range below the highest takes
 * the highest's place (*evicted its bytes: data nearest the hole is what the
 * next in-order segment will need first, as Linux prunes its queue from the
 * top); one above them all is refused (OOO_FULL).
 */
enum ooo_add_result ooo_add(struct ooo_queue *q, uint32_t start, uint32_t end,
    uint32_t *evicted);

/*
 * The bytes now contiguous at rcv_nxt, at most max: removed from the queue
 * (and anything below rcv_nxt with them) and returned.
 */
uint32_t ooo_pull(struct ooo_queue *q, uint32_t rcv_nxt, uint32_t max);

/* Their FIN at fin_seq: nothing at or past it is data, so it is dropped. */
void ooo_set_fin(struct ooo_queue *q, uint32_t fin_seq);

/* Bytes held. */
uint32_t ooo_bytes(const struct ooo_queue *q);

/* Whether the queue holds anything at all (data or a FIN). */
bool ooo_empty(const struct ooo_queue *q);

struct ooo_pool {
	struct ooo_queue *q; /* NULL when cap is 0 */
	uint32_t cap;	     /* at most OOO_MAX_QUEUES */
	uint32_t used;
};

/*
 * A pool of cap queues (clamped to OOO_MAX_QUEUES, 80 bytes each), allocated
 * now so that the packet path never allocates; -1 when out of memory.
 */
int ooo_pool_init(struct ooo_pool *pool, uint32_t cap);
void ooo_pool_free(struct ooo_pool *pool);

/*
 * A free queue for the connection in slot with id, or NULL when all are in
 * use. *index is what struct conn keeps.
 * stale, if not NULL, says whether a queue's owner has gone without giving
 * it back; such a queue is reused.
 */
struct ooo_queue *ooo_pool_take(struct ooo_pool *pool, uint32_t slot,
    uint32_t id, bool (*stale)(const struct ooo_queue *, void *), void *arg,
    uint32_t *index);

/* The queue at index if slot and id still own it, else NULL. */
struct ooo_queue *ooo_pool_get(struct ooo_pool *pool, uint32_t index,
    uint32_t slot, uint32_t id);

/* Give a queue back. */
void ooo_pool_put(struct ooo_pool *pool, struct ooo_queue *q);

#endif
