/*
 * timer_heap.c - binary min-heap keyed by (due, order), with handles.
 *
 * pos[handle] is where the handle's timer sits in v, kept up to date on
 * every move, so a timer can be removed from the middle in O(log n). A
 * free handle's pos slot links it into the free list instead; a handle is
 * live exactly when pos[handle] < len and v[pos[handle]] carries it back.
 */
#include "timer_heap.h"

#include <stdlib.h>
#include <string.h>

void
timer_heap_init(struct timer_heap *h, uint32_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
	h->fresh = 1;
}

void
timer_heap_free(struct timer_heap *h)
{
	uint32_t max = h->max;

	free(h->v);
	free(h->pos);
	timer_heap_init(h, max);
}

static bool
before(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

/* Put t at index i and record where its handle is. */
static void
place(struct timer_heap *h, uint32_t i, const struct timer *t)
{
	h->v[i] = *t;
	h->pos[t->handle] = i;
}

static int
grow(struct timer_heap *h)
{
	uint32_t ncap = h->cap ? h->cap * 2 : 64;
	struct timer *nv;
	uint32_t *npos;

	if (ncap > h->max)
		ncap = h->max;
	if (ncap <= h->cap)
		return -1;
	if ((nv = realloc(h->v, (size_t)ncap * sizeof(*nv))) == NULL)
		return -1;
	h->v = nv;
	/* Handles run from 1 to cap: one more slot than timers. */
	if ((npos = realloc(h->pos, ((size_t)ncap + 1) * sizeof(*npos))) ==
	    NULL)
		return -1;
	h->pos = npos;
	h->cap = ncap;
	return 0;
}

static uint32_t
take_handle(struct timer_heap *h)
{
	uint32_t hd = h->free_handle;

	if (hd != TIMER_NONE) {
		h->free_handle = h->pos[hd];
		return hd;
	}
	return h->fresh++; /* len < cap, so fresh <= cap */
}

static void
put_handle(struct timer_heap *h, uint32_t hd)
{
	h->pos[hd] = h->free_handle;
	h->free_handle = hd;
}

static void
sift_up(struct timer_heap *h, uint32_t i)
{
	struct timer t = h->v[i];
	uint32_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!before(&t, &h->v[parent]))
			break;
		place(h, i, &h->v[parent]);
		i = parent;
	}
	place(h, i, &t);
}

static void
sift_down(struct timer_heap *h, uint32_t i)
{
	struct timer t = h->v[i];
	uint32_t l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		if (l >= h->len)
			break;
		m = r < h->len && before(&h->v[r], &h->v[l]) ? r : l;
		if (!before(&h->v[m], &t))
			break;
		place(h, i, &h->v[m]);
		i = m;
	}
	place(h, i, &t);
}

int
timer_heap_add(struct timer_heap *h, uint64_t due, uint32_t kind, uint32_t ref,
    uint32_t id, uint32_t *handle)
{
	uint32_t i;

	if (h->len == h->cap && grow(h) < 0)
		return -1;
	i = h->len++;
	h->v[i] = (struct timer){ .due = due,
		.order = h->next_order++,
		.kind = kind,
		.ref = ref,
		.id = id,
		.handle = take_handle(h) };
	if (handle != NULL)
		*handle = h->v[i].handle;
	sift_up(h, i);
	return 0;
}

int
timer_heap_push(struct timer_heap *h, uint64_t due, uint32_t kind, uint32_t ref,
    uint32_t id)
{
	return timer_heap_add(h, due, kind, ref, id, NULL);
}

const struct timer *
timer_heap_get(const struct timer_heap *h, uint32_t handle)
{
	uint32_t i;

	if (handle == TIMER_NONE || handle >= h->fresh)
		return NULL;
	i = h->pos[handle];
	if (i >= h->len || h->v[i].handle != handle)
		return NULL;
	return &h->v[i];
}

/* Take the timer at index i out; the last one fills the gap. */
static void
remove_at(struct timer_heap *h, uint32_t i)
{
	uint32_t gone = h->v[i].handle;

	h->len--;
	if (i < h->len) {
		place(h, i, &h->v[h->len]);
		if (i > 0 && before(&h->v[i], &h->v[(i - 1) / 2]))
			sift_up(h, i);
		else
			sift_down(h, i);
	}
	put_handle(h, gone);
}

bool
timer_heap_cancel(struct timer_heap *h, uint32_t handle)
{
	const struct timer *t = timer_heap_get(h, handle);

	if (t == NULL)
		return false;
	remove_at(h, (uint32_t)(t - h->v));
	return true;
}

const struct timer *
timer_heap_peek(const struct timer_heap *h)
{
	return h->len > 0 ? &h->v[0] : NULL;
}

bool
timer_heap_pop(struct timer_heap *h, struct timer *out)
{
	if (h->len == 0)
		return false;
	*out = h->v[0];
	remove_at(h, 0);
	return true;
}
