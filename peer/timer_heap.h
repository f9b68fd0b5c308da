/*
 * timer_heap.h - a min-heap of deadlines for lingerpeer's timers (delayed
 * replies, our own retransmissions). Every timer has a handle, so its owner
 * can cancel it in O(log n) the moment it is no longer wanted (a handshake
 * completing, an ACK covering what was sent): the heap then holds only live
 * timers, and a burst of handshakes leaves nothing behind to pop later.
 */
#ifndef LINGERLAB_TIMER_HEAP_H
#define LINGERLAB_TIMER_HEAP_H

#include <stdbool.h>
#include <stdint.h>

/* No timer: handles start at 1, so a zeroed owner holds none. */
#define TIMER_NONE 0u

struct timer {
	uint64_t due;
	uint64_t order; /* ties broken by insertion order: FIFO per instant */
	uint32_t kind;
	uint32_t ref;	 /* what the owner needs to find its object */
	uint32_t id;	 /* and to tell whether it is still the same one */
	uint32_t handle; /* names this timer until it fires or is cancelled */
};

struct timer_heap {
	struct timer *v;
	/* by handle: its index in v if live, else the next free handle */
	uint32_t *pos;
	uint32_t len;
	uint32_t cap;
	uint32_t max;	      /* never grows past this */
	uint32_t free_handle; /* recycled handles, TIMER_NONE-terminated */
	uint32_t fresh;	      /* handles >= fresh were never handed out */
	uint64_t next_order;
};

void timer_heap_init(struct timer_heap *h, uint32_t max);
void timer_heap_free(struct timer_heap *h);
/* -1 when full (max reached) or out of memory. */
int timer_heap_push(struct timer_heap *h, uint64_t due, uint32_t kind,
    uint32_t ref, uint32_t id);
/* The same, and *handle names the timer (handle may be NULL). */
int timer_heap_add(struct timer_heap *h, uint64_t due, uint32_t kind,
    uint32_t ref, uint32_t id, uint32_t *handle);
/* Remove the timer named by handle; false if it already fired or went. */
bool timer_heap_cancel(struct timer_heap *h, uint32_t handle);
/* The live timer named by handle, or NULL. */
const struct timer *timer_heap_get(const struct timer_heap *h, uint32_t handle);
/* The earliest timer, or NULL. */
const struct timer *timer_heap_peek(const struct timer_heap *h);
/* Remove the earliest into *out (its handle is then free); false when empty. */
bool timer_heap_pop(struct timer_heap *h, struct timer *out);

#endif
