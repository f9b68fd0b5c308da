/*
 * timer_heap.c - binary min-heap keyed by (due, order).
 */
#include "timer_heap.h"

#include <stdlib.h>
#include <string.h>

void
timer_heap_init(struct timer_heap *h, uint32_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
}

void
timer_heap_free(struct timer_heap *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static bool
before(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static void
swap(struct timer *a, struct timer *b)
{
	struct timer t = *a;

	*a = *b;
	*b = t;
}

static int
grow(struct timer_heap *h)
{
	uint32_t ncap = h->cap ? h->cap * 2 : 64;
	struct timer *nv;

	if (ncap > h->max)
		ncap = h->max;
	if (ncap <= h->cap)
		return -1;
	if ((nv = realloc(h->v, (size_t)ncap * sizeof(*nv))) == NULL)
		return -1;
	h->v = nv;
	h->cap = ncap;
	return 0;
}

int
timer_heap_push(struct timer_heap *h, uint64_t due, uint32_t kind, uint32_t ref,
    uint32_t id)
{
	uint32_t i, parent;

	if (h->len == h->cap && grow(h) < 0)
		return -1;
	i = h->len++;
	h->v[i] = (struct timer){ due, h->next_order++, kind, ref, id };
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!before(&h->v[i], &h->v[parent]))
			break;
		swap(&h->v[i], &h->v[parent]);
		i = parent;
	}
	return 0;
}

const struct timer *
timer_heap_peek(const struct timer_heap *h)
{
	return h->len > 0 ? &h->v[0] : NULL;
}

bool
timer_heap_pop(struct timer_heap *h, struct timer *out)
{
	uint32_t i = 0, l, r, m;

	if (h->len == 0)
		return false;
	*out = h->v[0];
	h->v[0] = h->v[--h->len];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < h->len && before(&h->v[l], &h->v[m]))
			m = l;
		if (r < h->len && before(&h->v[r], &h->v[m]))
			m = r;
		if (m == i)
			break;
		swap(&h->v[i], &h->v[m]);
		i = m;
	}
	return true;
}
