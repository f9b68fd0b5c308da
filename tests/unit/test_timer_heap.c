/*
 * test_timer_heap.c - the deadline heap: earliest first, FIFO among equal
 * deadlines (delayed replies must leave in the order they were queued), a
 * hard size limit, and cancelling a timer by its handle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "timer_heap.h"

static void
test_empty(void **state)
{
	struct timer_heap h;
	struct timer t;

	(void)state;
	timer_heap_init(&h, 10);
	assert_null(timer_heap_peek(&h));
	assert_false(timer_heap_pop(&h, &t));
	timer_heap_free(&h);
	timer_heap_free(&h); /* free leaves it empty and reusable */
}

static void
test_order(void **state)
{
	static const uint64_t dues[] = { 50, 10, 90, 30, 70, 20, 80, 40, 60,
		0 };
	struct timer_heap h;
	struct timer t;
	uint32_t i;

	(void)state;
	timer_heap_init(&h, 100);
	for (i = 0; i < 10; i++)
		assert_int_equal(timer_heap_push(&h, dues[i], 1, i, 1000 + i),
		    0);
	assert_int_equal(timer_heap_peek(&h)->due, 0);
	for (i = 0; i < 10; i++) {
		assert_true(timer_heap_pop(&h, &t));
		assert_int_equal(t.due, i * 10);
		assert_int_equal(t.kind, 1);
		/* ref and id travel with their deadline */
		assert_int_equal(dues[t.ref], t.due);
		assert_int_equal(t.id, 1000 + t.ref);
	}
	assert_false(timer_heap_pop(&h, &t));
	timer_heap_free(&h);
}

/* Equal deadlines come out in insertion order, also across growth. */
static void
test_fifo_ties(void **state)
{
	struct timer_heap h;
	struct timer t;
	uint32_t i, n = 300;

	(void)state;
	timer_heap_init(&h, 1000);
	for (i = 0; i < n; i++)
		assert_int_equal(timer_heap_push(&h, i % 3 == 0 ? 5 : 7, 2, i,
				     0),
		    0);
	for (i = 0; i < n; i++) {
		assert_true(timer_heap_pop(&h, &t));
		if (i < 100) {
			assert_int_equal(t.due, 5);
			assert_int_equal(t.ref, i * 3);
		} else {
			uint32_t k =
			    i - 100; /* the k-th timer not divisible by 3 */

			assert_int_equal(t.due, 7);
			assert_int_equal(t.ref, k / 2 * 3 + 1 + k % 2);
		}
	}
	timer_heap_free(&h);
}

/* Pops interleaved with pushes: a pseudo-random workload checked against
 * the invariant that each pop is the smallest (due, order) still held. */
static void
test_interleaved(void **state)
{
	struct timer_heap h;
	struct timer t;
	uint64_t x = 88172645463325252ull, last_due = 0;
	uint32_t i, held = 0;

	(void)state;
	timer_heap_init(&h, 5000);
	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (held < 4000 && (x & 3) != 0) {
			/* never earlier than what was popped: time moves forward */
			assert_int_equal(timer_heap_push(&h,
					     last_due + (x >> 40) % 1000, 1, i,
					     0),
			    0);
			held++;
		} else if (held > 0) {
			assert_true(timer_heap_pop(&h, &t));
			assert_true(t.due >= last_due);
			last_due = t.due;
			held--;
		}
	}
	while (timer_heap_pop(&h, &t)) {
		assert_true(t.due >= last_due);
		last_due = t.due;
		held--;
	}
	assert_int_equal(held, 0);
	timer_heap_free(&h);
}

/* Cancel by handle: from the top, the middle and the bottom, each gone at
 * once, the rest still in order; a handle names nothing once its timer
 * fired or went, even after the handle is handed out again. */
static void
test_cancel(void **state)
{
	struct timer_heap h;
	struct timer t;
	uint32_t hd[10], i, again;

	(void)state;
	timer_heap_init(&h, 100);
	for (i = 0; i < 10; i++) {
		assert_int_equal(timer_heap_add(&h, 100 + 10 * i, 1, i, 0,
				     &hd[i]),
		    0);
		assert_int_not_equal(hd[i], TIMER_NONE);
		assert_int_equal(timer_heap_get(&h, hd[i])->ref, i);
	}
	assert_true(timer_heap_cancel(&h, hd[0])); /* the earliest */
	assert_true(timer_heap_cancel(&h, hd[5])); /* one in the middle */
	assert_true(timer_heap_cancel(&h, hd[9])); /* the last */
	assert_false(timer_heap_cancel(&h, hd[5]));
	assert_false(timer_heap_cancel(&h, TIMER_NONE));
	assert_false(timer_heap_cancel(&h, 1000)); /* never handed out */
	assert_null(timer_heap_get(&h, hd[5]));
	assert_int_equal(h.len, 7);
	assert_int_equal(timer_heap_peek(&h)->ref, 1);
	assert_true(timer_heap_pop(&h, &t));
	assert_int_equal(t.ref, 1);
	assert_int_equal(t.handle, hd[1]);
	assert_null(timer_heap_get(&h, hd[1])); /* fired: free */
	/* Handles are reused; the old name does not reach the new timer
	 * unless it is the same handle, which its owner knows it gave up. */
	assert_int_equal(timer_heap_add(&h, 1, 1, 42, 0, &again), 0);
	assert_int_equal(timer_heap_peek(&h)->ref, 42);
	assert_int_equal(timer_heap_get(&h, again)->ref, 42);
	for (i = 2; i < 9; i++)
		if (i != 5)
			assert_int_equal(timer_heap_get(&h, hd[i])->ref, i);
	assert_true(timer_heap_pop(&h, &t));
	assert_int_equal(t.ref, 42);
	for (i = 2; i < 9; i++) {
		if (i == 5)
			continue;
		assert_true(timer_heap_pop(&h, &t));
		assert_int_equal(t.ref, i);
	}
	assert_false(timer_heap_pop(&h, &t));
	timer_heap_free(&h);
}

/* Pushes, pops and cancels at random against a plain array of what should
 * be held: every pop is the smallest (due, order) left, a cancelled timer
 * never comes out, and every handle still held finds its own timer. */
#define MODEL_MAX 600
static uint32_t handle[MODEL_MAX], ref[MODEL_MAX];
static uint64_t due[MODEL_MAX];

/* Forget entry k of n: the last one takes its place. */
static void
model_remove(uint32_t k, uint32_t n)
{
	handle[k] = handle[n - 1];
	ref[k] = ref[n - 1];
	due[k] = due[n - 1];
}

static void
test_cancel_random(void **state)
{
	struct timer_heap h;
	struct timer t;
	uint64_t x = 0x2545f4914f6cdd1dull;
	uint32_t k, n = 0, best, step;

	(void)state;
	timer_heap_init(&h, MODEL_MAX);
	for (step = 0; step < 30000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (n < MODEL_MAX && (x & 3) <= 1) {
			due[n] = (x >> 20) % 500;
			ref[n] = step;
			assert_int_equal(timer_heap_add(&h, due[n], 1, step, 0,
					     &handle[n]),
			    0);
			n++;
		} else if (n > 0 && (x & 3) == 2) {
			k = (uint32_t)((x >> 32) % n);
			assert_true(timer_heap_cancel(&h, handle[k]));
			assert_false(timer_heap_cancel(&h, handle[k]));
			model_remove(k, n--);
		} else if (n > 0) {
			/* the earliest; among equal dues, the first pushed */
			for (best = 0, k = 1; k < n; k++)
				if (due[k] < due[best] ||
				    (due[k] == due[best] && ref[k] < ref[best]))
					best = k;
			assert_true(timer_heap_pop(&h, &t));
			assert_int_equal(t.ref, ref[best]);
			assert_int_equal(t.handle, handle[best]);
			model_remove(best, n--);
		}
		assert_int_equal(h.len, n);
		if (step % 1000 == 0)
			for (k = 0; k < n; k++)
				assert_int_equal(
				    timer_heap_get(&h, handle[k])->ref, ref[k]);
	}
	timer_heap_free(&h);
}

static void
test_max(void **state)
{
	struct timer_heap h;
	struct timer t;
	uint32_t i;

	(void)state;
	timer_heap_init(&h, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(timer_heap_push(&h, 10 - i, 1, i, 0), 0);
	assert_int_equal(timer_heap_push(&h, 1, 1, 9, 0), -1);
	assert_int_equal(timer_heap_peek(&h)->ref,
	    2); /* the refused one is not in */
	assert_true(timer_heap_pop(&h, &t));
	assert_int_equal(timer_heap_push(&h, 1, 1, 9, 0), 0);
	assert_int_equal(timer_heap_peek(&h)->ref, 9);
	timer_heap_free(&h);

	timer_heap_init(&h, 0);
	assert_int_equal(timer_heap_push(&h, 1, 1, 0, 0), -1);
	timer_heap_free(&h);

	/* past the first allocation of 64 and up to a limit that is not a power of 2 */
	timer_heap_init(&h, 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(timer_heap_push(&h, i, 1, i, 0), 0);
	assert_int_equal(timer_heap_push(&h, 0, 1, 0, 0), -1);
	assert_int_equal(h.len, 100);
	timer_heap_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_fifo_ties),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
