/*
 * test_ooo_queue.c - out-of-order ranges: merging what touches or
 * overlaps, duplicates recognised, the bound on ranges (the highest goes
 * for a lower one; a new highest is refused), delivery in order as far as
 * the window allows, nothing held past a FIN, sequence numbers that wrap,
 * and the pool: bounded, a queue taken per connection, stale ones reused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ooo_queue.h"

static void
expect_ranges(const struct ooo_queue *q, uint32_t n, const uint32_t *se)
{
	uint32_t i;

	assert_int_equal(q->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(q->r[i].start, se[2 * i]);
		assert_int_equal(q->r[i].end, se[2 * i + 1]);
	}
}

static void
test_merge_and_dup(void **state)
{
	struct ooo_queue q;
	uint32_t ev;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_int_equal(ooo_add(&q, 300, 400, &ev), OOO_QUEUED);
	assert_int_equal(ooo_add(&q, 100, 200, &ev), OOO_QUEUED);
	expect_ranges(&q, 2, (const uint32_t[]){ 100, 200, 300, 400 });
	/* inside one range, or exactly it: nothing new */
	assert_int_equal(ooo_add(&q, 120, 180, &ev), OOO_DUP);
	assert_int_equal(ooo_add(&q, 300, 400, &ev), OOO_DUP);
	assert_int_equal(ooo_add(&q, 150, 150, &ev), OOO_DUP); /* empty */
	/* touching merges */
	assert_int_equal(ooo_add(&q, 400, 450, &ev), OOO_QUEUED);
	expect_ranges(&q, 2, (const uint32_t[]){ 100, 200, 300, 450 });
	/* overlapping both, and the gap between: one range */
	assert_int_equal(ooo_add(&q, 150, 320, &ev), OOO_QUEUED);
	expect_ranges(&q, 1, (const uint32_t[]){ 100, 450 });
	assert_int_equal(ev, 0);
	/* over both ends */
	assert_int_equal(ooo_add(&q, 50, 500, &ev), OOO_QUEUED);
	expect_ranges(&q, 1, (const uint32_t[]){ 50, 500 });
	assert_int_equal(ooo_bytes(&q), 450);
}

static void
test_bound(void **state)
{
	struct ooo_queue q;
	uint32_t ev, i;

	(void)state;
	memset(&q, 0, sizeof(q));
	for (i = 0; i < OOO_RANGES; i++)
		assert_int_equal(ooo_add(&q, 1000 + 100 * i, 1050 + 100 * i,
				     &ev),
		    OOO_QUEUED);
	assert_int_equal(q.n, OOO_RANGES);
	/* a new range past every one: refused, the held ones stay */
	assert_int_equal(ooo_add(&q, 5000, 5100, &ev), OOO_FULL);
	assert_int_equal(q.n, OOO_RANGES);
	assert_int_equal(q.r[OOO_RANGES - 1].start, 1000 + 100 * 7);
	/* one below the highest: the highest makes room */
	assert_int_equal(ooo_add(&q, 900, 950, &ev), OOO_QUEUED);
	assert_int_equal(ev, 50);
	assert_int_equal(q.n, OOO_RANGES);
	assert_int_equal(q.r[0].start, 900);
	assert_int_equal(q.r[OOO_RANGES - 1].start, 1000 + 100 * 6);
	/* merging into a held range needs no room */
	assert_int_equal(ooo_add(&q, 1050, 1100, &ev), OOO_QUEUED);
	assert_int_equal(ev, 0);
	assert_int_equal(q.n, OOO_RANGES - 1);
}

static void
test_pull(void **state)
{
	struct ooo_queue q;
	uint32_t ev;

	(void)state;
	memset(&q, 0, sizeof(q));
	ooo_add(&q, 200, 300, &ev);
	ooo_add(&q, 400, 500, &ev);
	assert_int_equal(ooo_pull(&q, 100, 10000), 0); /* still a hole */
	assert_int_equal(q.n, 2);
	/* rcv_nxt inside the first range: the rest of it, up to the hole */
	assert_int_equal(ooo_pull(&q, 250, 10000), 50);
	expect_ranges(&q, 1, (const uint32_t[]){ 400, 500 });
	/* the window takes 30: the rest of the range stays */
	assert_int_equal(ooo_pull(&q, 400, 30), 30);
	expect_ranges(&q, 1, (const uint32_t[]){ 430, 500 });
	assert_int_equal(ooo_pull(&q, 430, 0), 0);
	/* in-order data went past all of it: dropped as had already */
	assert_int_equal(ooo_pull(&q, 600, 10000), 0);
	assert_int_equal(q.n, 0);
	assert_true(ooo_empty(&q));
}

static void
test_fin(void **state)
{
	struct ooo_queue q;
	uint32_t ev;

	(void)state;
	memset(&q, 0, sizeof(q));
	ooo_add(&q, 200, 300, &ev);
	ooo_add(&q, 400, 500, &ev);
	ooo_set_fin(&q, 450); /* data past a FIN is not data */
	expect_ranges(&q, 2, (const uint32_t[]){ 200, 300, 400, 450 });
	assert_true(q.has_fin);
	assert_int_equal(q.fin_seq, 450);
	ooo_set_fin(&q, 480); /* the first FIN counts */
	assert_int_equal(q.fin_seq, 450);
	ooo_set_fin(&q, 100);
	assert_int_equal(q.fin_seq, 450);
	memset(&q, 0, sizeof(q));
	ooo_add(&q, 200, 300, &ev);
	ooo_add(&q, 400, 500, &ev);
	ooo_set_fin(&q, 300);
	expect_ranges(&q, 1, (const uint32_t[]){ 200, 300 });
	assert_false(ooo_empty(&q));
	assert_int_equal(ooo_pull(&q, 200, 1000), 100);
	assert_false(ooo_empty(&q)); /* the FIN is still to come in */
}

/* Across the wrap of the sequence space. */
static void
test_wrap(void **state)
{
	struct ooo_queue q;
	uint32_t ev, base = UINT32_MAX - 150;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_int_equal(ooo_add(&q, base + 200, base + 300, &ev), OOO_QUEUED);
	assert_int_equal(ooo_add(&q, base + 100, base + 200, &ev), OOO_QUEUED);
	expect_ranges(&q, 1, (const uint32_t[]){ base + 100, base + 300 });
	assert_int_equal(ooo_pull(&q, base + 100, 1000), 200);
	assert_int_equal(q.n, 0);
}

struct owners {
	bool gone[4];
};

static bool
is_stale(const struct ooo_queue *q, void *arg)
{
	const struct owners *o = arg;

	return o->gone[q->conn_slot];
}

static void
test_pool(void **state)
{
	struct ooo_pool pool;
	struct ooo_queue *a, *b, *c;
	struct owners o = { { false } };
	uint32_t ia, ib, ic;

	(void)state;
	assert_int_equal(ooo_pool_init(&pool, 2), 0);
	assert_int_equal(pool.used, 0);
	assert_null(ooo_pool_take(&pool, 0, 0, NULL, NULL, &ia)); /* id 0 */
	assert_non_null(a = ooo_pool_take(&pool, 0, 10, is_stale, &o, &ia));
	assert_non_null(b = ooo_pool_take(&pool, 1, 11, is_stale, &o, &ib));
	assert_int_not_equal(ia, ib);
	assert_int_equal(pool.used, 2);
	/* full: a third connection gets none */
	assert_null(ooo_pool_take(&pool, 2, 12, is_stale, &o, &ic));
	assert_ptr_equal(ooo_pool_get(&pool, ia, 0, 10), a);
	assert_null(ooo_pool_get(&pool, ia, 0, 99)); /* another id */
	assert_null(ooo_pool_get(&pool, ia, 5, 10)); /* another slot */
	assert_null(ooo_pool_get(&pool, 7, 0, 10));
	/* an owner gone without giving it back: reused */
	o.gone[1] = true;
	assert_non_null(c = ooo_pool_take(&pool, 2, 12, is_stale, &o, &ic));
	assert_int_equal(ic, ib);
	assert_null(ooo_pool_get(&pool, ib, 1, 11));
	assert_int_equal(pool.used, 2);
	ooo_pool_put(&pool, a);
	ooo_pool_put(&pool, a); /* twice: no effect */
	assert_int_equal(pool.used, 1);
	assert_null(ooo_pool_get(&pool, ia, 0, 10));
	ooo_pool_put(&pool, c);
	assert_int_equal(pool.used, 0);
	ooo_pool_free(&pool);
	/* never more than OOO_MAX_QUEUES: struct conn keeps the index in a byte */
	assert_int_equal(ooo_pool_init(&pool, 100000), 0);
	assert_int_equal(pool.cap, OOO_MAX_QUEUES);
	ooo_pool_free(&pool);
	assert_int_equal(ooo_pool_init(&pool, 0), 0);
	assert_null(ooo_pool_take(&pool, 0, 1, NULL, NULL, &ia));
	ooo_pool_free(&pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_dup),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_pull),
		cmocka_unit_test(test_fin),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
