/*
 * timer_heap.h - a min-heap of deadlines for lingerpeer's timers (delayed
 * replies, our own retransmissions). Entries are never removed early: the
 * owner checks on expiry whether a timer is still wanted ("lazy deletion"),
 * which keeps every operation O(log n) and the structure trivial.
 */
#ifndef LINGERLAB_TIMER_HEAP_H
#define LINGERLAB_TIMER_HEAP_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
	uint64_t due;
	uint64_t order; /* ties broken by insertion order: FIFO per instant */
	uint32_t kind;
	uint32_t ref; /* what the owner needs to find its object */
	uint32_t id;  /* and to tell whether it is still the same one */
};

struct timer_heap {
	struct timer *v;
	uint32_t len;
	uint32_t cap;
	uint32_t max; /* never grows past this */
	uint64_t next_order;
};

void timer_heap_init(struct timer_heap *h, uint32_t max);
void timer_heap_free(struct timer_heap *h);
/* -1 when full (max reached) or out of memory. */
int timer_heap_push(struct timer_heap *h, uint64_t due, uint32_t kind,
    uint32_t ref, uint32_t id);
/* The earliest timer, or NULL. */
const struct timer *timer_heap_peek(const struct timer_heap *h);
/* Remove the earliest into *out; false when empty. */
bool timer_heap_pop(struct timer_heap *h, struct timer *out);

#endif
