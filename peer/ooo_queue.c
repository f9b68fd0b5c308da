/*
 * ooo_queue.c - out-of-order ranges per connection, and the pool they come
 * from. Sequence numbers wrap, so every comparison is seq_lt and friends,
 * which hold as long as a queue spans less than 2 GiB (it spans at most a
 * receive window).
 */
#include "ooo_queue.h"

#include <stdlib.h>
#include <string.h>

#include "segment.h"

static uint32_t
seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

static uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

/* Remove ranges [from, to). */
static void
drop_ranges(struct ooo_queue *q, uint32_t from, uint32_t to)
{
	if (to <= from)
		return;
	memmove(&q->r[from], &q->r[to], (q->n - to) * sizeof(q->r[0]));
	q->n = (uint8_t)(q->n - (to - from));
}

static enum ooo_add_result
insert_at(struct ooo_queue *q, uint32_t i, uint32_t start, uint32_t end,
    uint32_t *evicted)
{
	if (q->n == OOO_RANGES) {
		if (i == q->n)
			return OOO_FULL;
		*evicted = q->r[q->n - 1].end - q->r[q->n - 1].start;
		q->n--;
	}
	memmove(&q->r[i + 1], &q->r[i], (q->n - i) * sizeof(q->r[0]));
	q->r[i] = (struct ooo_range){ start, end };
	q->n++;
	return OOO_QUEUED;
}

enum ooo_add_result
ooo_add(struct ooo_queue *q, uint32_t start, uint32_t end, uint32_t *evicted)
{
	uint32_t i, j;

	*evicted = 0;
	if (!seq_lt(start, end))
		return OOO_DUP;
	/* i: the first range reaching start; j: past the last reaching end. */
	for (i = 0; i < q->n && seq_lt(q->r[i].end, start); i++)
		;
	for (j = i; j < q->n && seq_le(q->r[j].start, end); j++)
		;
	if (j == i)
		return insert_at(q, i, start, end, evicted);
	if (j == i + 1 && seq_le(q->r[i].start, start) &&
	    seq_ge(q->r[i].end, end))
		return OOO_DUP;
	/* Ranges i .. j-1 overlap or touch it: one range now. */
	q->r[i].start = seq_min(start, q->r[i].start);
	q->r[i].end = seq_max(end, q->r[j - 1].end);
	drop_ranges(q, i + 1, j);
	return OOO_QUEUED;
}

uint32_t
ooo_pull(struct ooo_queue *q, uint32_t rcv_nxt, uint32_t max)
{
	uint32_t got = 0, i, avail;

	for (i = 0; i < q->n; i++) {
		if (seq_le(q->r[i].end, rcv_nxt + got))
			continue; /* all below: had already */
		if (seq_gt(q->r[i].start, rcv_nxt + got))
			break; /* still a hole */
		avail = q->r[i].end - (rcv_nxt + got);
		if (avail > max - got) {
			/* the window takes only part: the rest stays */
			q->r[i].start = rcv_nxt + max;
			got = max;
			break;
		}
		got += avail;
	}
	drop_ranges(q, 0, i);
	return got;
}

void
ooo_set_fin(struct ooo_queue *q, uint32_t fin_seq)
{
	uint32_t i;

	if (q->has_fin)
		return; /* the first one counts; a moved FIN is the client's bug */
	q->has_fin = true;
	q->fin_seq = fin_seq;
	for (i = 0; i < q->n && seq_lt(q->r[i].start, fin_seq); i++)
		q->r[i].end = seq_min(q->r[i].end, fin_seq);
	drop_ranges(q, i, q->n);
}

uint32_t
ooo_bytes(const struct ooo_queue *q)
{
	uint32_t i, n = 0;

	for (i = 0; i < q->n; i++)
		n += q->r[i].end - q->r[i].start;
	return n;
}

bool
ooo_empty(const struct ooo_queue *q)
{
	return q->n == 0 && !q->has_fin;
}

int
ooo_pool_init(struct ooo_pool *pool, uint32_t cap)
{
	memset(pool, 0, sizeof(*pool));
	pool->cap = cap < OOO_MAX_QUEUES ? cap : OOO_MAX_QUEUES;
	if (pool->cap == 0)
		return 0;
	if ((pool->q = calloc(pool->cap, sizeof(*pool->q))) == NULL) {
		pool->cap = 0;
		return -1;
	}
	return 0;
}

void
ooo_pool_free(struct ooo_pool *pool)
{
	free(pool->q);
	memset(pool, 0, sizeof(*pool));
}

static struct ooo_queue *
claim(struct ooo_pool *pool, uint32_t i, uint32_t slot, uint32_t id,
    uint32_t *index)
{
	struct ooo_queue *q = &pool->q[i];

	if (q->conn_id == 0)
		pool->used++;
	memset(q, 0, sizeof(*q));
	q->conn_slot = slot;
	q->conn_id = id;
	*index = i;
	return q;
}

struct ooo_queue *
ooo_pool_take(struct ooo_pool *pool, uint32_t slot, uint32_t id,
    bool (*stale)(const struct ooo_queue *, void *), void *arg, uint32_t *index)
{
	uint32_t i;

	if (pool->cap == 0 || id == 0)
		return NULL;
	for (i = 0; i < pool->cap; i++)
		if (pool->q[i].conn_id == 0)
			return claim(pool, i, slot, id, index);
	for (i = 0; stale != NULL && i < pool->cap; i++)
		if (stale(&pool->q[i], arg))
			return claim(pool, i, slot, id, index);
	return NULL;
}

struct ooo_queue *
ooo_pool_get(struct ooo_pool *pool, uint32_t index, uint32_t slot, uint32_t id)
{
	struct ooo_queue *q;

	if (pool->q == NULL || index >= pool->cap)
		return NULL;
	q = &pool->q[index];
	return q->conn_id == id && q->conn_slot == slot && id != 0 ? q : NULL;
}

void
ooo_pool_put(struct ooo_pool *pool, struct ooo_queue *q)
{
	if (q == NULL || q->conn_id == 0)
		return;
	memset(q, 0, sizeof(*q));
	pool->used--;
}
