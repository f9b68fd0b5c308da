/*
 * test_conn_table.c - the fixed connection pool: allocation order, lookups
 * through hash chains, recycling closed slots first, evicting the least
 * recently active open one, renewing a four-tuple, and ids that never repeat.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "conn_table.h"

static const struct ip_addr raddr4 = IP_ADDR_V4_INIT(192, 0, 2, 1);
static const struct ip_addr next4 = IP_ADDR_V4_INIT(192, 0, 2, 2);
/* 2001:db8::1, and an IPv6 address whose first bytes are 192.0.2.1's */
static const struct ip_addr raddr6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const struct ip_addr lookalike6 = { .family = IPF_V6,
	.b = { 192, 0, 2, 1 } };
#define RADDR (&raddr4)
#define LPORT 8080

static struct conn *
alloc_port(struct conn_table *t, uint16_t rport, bool evict, uint32_t *evicted)
{
	struct conn gone;
	struct conn *c = conn_alloc(t, RADDR, rport, LPORT, evict, &gone);

	*evicted = gone.id;
	return c;
}

/* The same ports from an IPv4 and an IPv6 client are two connections. */
static void
test_both_families(void **state)
{
	struct conn_table *t = conn_table_new(8, 42);
	struct conn gone, *a, *b;

	(void)state;
	assert_non_null(t);
	a = conn_alloc(t, &raddr4, 1000, LPORT, false, &gone);
	b = conn_alloc(t, &raddr6, 1000, LPORT, false, &gone);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(conn_find(t, &raddr4, 1000, LPORT), a);
	assert_ptr_equal(conn_find(t, &raddr6, 1000, LPORT), b);
	assert_null(conn_find(t, &lookalike6, 1000, LPORT));
	assert_true(ip_addr_eq(&b->raddr, &raddr6));
	conn_renew(t, b); /* keeps its address */
	assert_ptr_equal(conn_find(t, &raddr6, 1000, LPORT), b);
	conn_table_free(t);
}

static void
test_limits(void **state)
{
	struct conn_table *t;

	(void)state;
	assert_null(conn_table_new(0, 1));
	assert_null(conn_table_new((1u << 26) + 1, 1));
	t = conn_table_new(4, 1);
	assert_non_null(t);
	assert_int_equal(conn_table_capacity(t), 4);
	assert_int_equal(conn_table_used(t), 0);
	assert_null(conn_at(t, 0)); /* never used */
	assert_null(conn_at(t, 4)); /* out of range */
	assert_null(conn_at_const(t, 99));
	assert_null(conn_by_id(t, 0));
	assert_null(conn_by_id(t, 1));
	assert_null(conn_find(t, RADDR, 1000, LPORT));
	conn_table_free(t);
	conn_table_free(NULL);
}

/* Fresh slots go out in order with ids 1, 2, ...; a full table says NULL. */
static void
test_alloc_and_find(void **state)
{
	struct conn_table *t = conn_table_new(4, 7);
	struct conn *c[4];
	uint32_t ev = 99, i;

	(void)state;
	for (i = 0; i < 4; i++) {
		c[i] = alloc_port(t, (uint16_t)(1000 + i), false, &ev);
		assert_non_null(c[i]);
		assert_int_equal(ev, 0);
		assert_int_equal(c[i]->id, i + 1);
		assert_int_equal(conn_slot(t, c[i]), i);
		assert_true(ip_addr_eq(&c[i]->raddr, RADDR));
		assert_int_equal(c[i]->rport, 1000 + i);
		assert_int_equal(c[i]->lport, LPORT);
		assert_int_equal(c[i]->state, 0);
		assert_int_equal(c[i]->flags, 0);
	}
	assert_int_equal(conn_table_used(t), 4);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(conn_find(t, RADDR, (uint16_t)(1000 + i),
				     LPORT),
		    c[i]);
		assert_ptr_equal(conn_by_id(t, i + 1), c[i]);
		assert_ptr_equal(conn_at(t, i), c[i]);
		assert_ptr_equal(conn_at_const(t, i), c[i]);
	}
	/* every part of the tuple counts */
	assert_null(conn_find(t, &next4, 1000, LPORT));
	assert_null(
	    conn_find(t, &lookalike6, 1000, LPORT)); /* the family too */
	assert_null(conn_find(t, RADDR, 1000, LPORT + 1));
	assert_null(conn_find(t, RADDR, 999, LPORT));
	ev = 99;
	assert_null(alloc_port(t, 2000, false, &ev));
	assert_int_equal(ev, 0);
	assert_int_equal(conn_table_used(t), 4);
	conn_table_free(t);
}

/* Closed connections are reused first, least recently active first. */
static void
test_recycle_closed_first(void **state)
{
	struct conn_table *t = conn_table_new(4, 7);
	struct conn *c[4], *n;
	uint32_t ev, i;

	(void)state;
	for (i = 0; i < 4; i++)
		c[i] = alloc_port(t, (uint16_t)(1000 + i), false, &ev);
	conn_retire(t, c[2]);
	conn_retire(t, c[0]);
	conn_retire(t, c[0]); /* twice is harmless */
	assert_true(c[0]->flags & CF_ON_CLOSED);
	conn_touch(t, c[2]); /* now c[0] is the least recent closed one */
	/* evict_open is not needed while a closed slot exists */
	n = alloc_port(t, 2000, false, &ev);
	assert_ptr_equal(n, c[0]);
	assert_int_equal(ev, 0);
	assert_int_equal(n->id, 5);
	assert_int_equal(n->flags, 0); /* reset, and on the open list again */
	assert_null(conn_find(t, RADDR, 1000, LPORT));
	assert_ptr_equal(conn_find(t, RADDR, 2000, LPORT), n);
	assert_null(conn_by_id(t, 1));
	n = alloc_port(t, 2001, false, &ev);
	assert_ptr_equal(n, c[2]);
	assert_int_equal(n->id, 6);
	assert_null(alloc_port(t, 2002, false, &ev));
	assert_int_equal(conn_table_used(t), 4);
	conn_table_free(t);
}

/* With evict_open the least recently active open connection goes. */
static void
test_evict_open(void **state)
{
	struct conn_table *t = conn_table_new(4, 3);
	struct conn *c[4], *n;
	uint32_t ev, i;

	(void)state;
	for (i = 0; i < 4; i++)
		c[i] = alloc_port(t, (uint16_t)(1000 + i), false, &ev);
	conn_touch(t, c[0]);
	conn_touch(t, c[2]);
	conn_touch(t, c[2]); /* already the most recent */
	/* activity order now: 1, 3, 0, 2 */
	n = alloc_port(t, 3000, true, &ev);
	assert_ptr_equal(n, c[1]);
	assert_int_equal(ev, 2);
	assert_int_equal(n->id, 5);
	assert_null(conn_find(t, RADDR, 1001, LPORT));
	n = alloc_port(t, 3001, true, &ev);
	assert_ptr_equal(n, c[3]);
	assert_int_equal(ev, 4);
	/* a closed one is still preferred over evicting */
	conn_retire(t, c[2]);
	n = alloc_port(t, 3002, true, &ev);
	assert_ptr_equal(n, c[2]);
	assert_int_equal(ev, 0);
	assert_int_equal(n->id, 7);
	assert_int_equal(conn_table_used(t), 4);
	conn_table_free(t);
}

/* A four-tuple opening again keeps its slot, gets a new id, rejoins open. */
static void
test_renew(void **state)
{
	struct conn_table *t = conn_table_new(2, 3);
	struct conn *a, *b;
	uint32_t ev;

	(void)state;
	a = alloc_port(t, 1000, false, &ev);
	b = alloc_port(t, 1001, false, &ev);
	a->state = 3;
	a->bytes_received = 1234;
	conn_retire(t, a);
	conn_renew(t, a);
	assert_int_equal(a->id, 3);
	assert_int_equal(a->state, 0);
	assert_int_equal(a->bytes_received, 0);
	assert_int_equal(a->flags & CF_ON_CLOSED, 0);
	assert_int_equal(a->rport, 1000);
	assert_ptr_equal(conn_find(t, RADDR, 1000, LPORT), a);
	assert_ptr_equal(conn_by_id(t, 3), a);
	assert_null(conn_by_id(t, 1));
	assert_int_equal(conn_table_used(t), 2);
	/* back on the open list as the most recent: b is evicted first */
	assert_ptr_equal(alloc_port(t, 1002, true, &ev), b);
	assert_int_equal(ev, 2);
	/* renewing an open connection works the same */
	conn_renew(t, a);
	assert_int_equal(a->id, 5);
	assert_ptr_equal(conn_find(t, RADDR, 1000, LPORT), a);
	conn_table_free(t);
}

/*
 * Many connections from one address: whatever chains the hash builds,
 * lookups stay exact through recycling, and ids are never handed out twice.
 */
static void
test_many_and_ids_unique(void **state)
{
	enum { N = 1000 };
	struct conn_table *t = conn_table_new(N, 12345);
	static uint8_t id_used[4 * N + 1];
	struct conn *c;
	uint32_t ev, i, round;

	(void)state;
	memset(id_used, 0, sizeof(id_used));
	for (round = 0; round < 4; round++) {
		for (i = 0; i < N; i++) {
			c = alloc_port(t, (uint16_t)(round * N + i), round > 0,
			    &ev);
			assert_non_null(c);
			assert_true(c->id <= 4 * N);
			assert_int_equal(id_used[c->id], 0);
			id_used[c->id] = 1;
		}
		/* the previous round went: half recycled as closed, half evicted */
		if (round > 0)
			for (i = 0; i < N; i++)
				assert_null(conn_find(t, RADDR,
				    (uint16_t)((round - 1) * N + i), LPORT));
		for (i = 0; i < N; i++) {
			c = conn_find(t, RADDR, (uint16_t)(round * N + i),
			    LPORT);
			assert_non_null(c);
			assert_int_equal(c->rport, round * N + i);
			if (i % 2 == 0)
				conn_retire(t, c);
		}
	}
	assert_int_equal(conn_table_used(t), N);
	conn_table_free(t);
}

/* Every connection from one client end, whatever our port, and no other:
 * through recycling, eviction and renewal. */
static int
count_from(const struct conn_table *t, const struct ip_addr *a, uint16_t rport)
{
	const struct conn *c = NULL;
	int n = 0;

	while ((c = conn_from_next(t, a, rport, c)) != NULL) {
		assert_int_equal(c->rport, rport);
		assert_true(ip_addr_eq(&c->raddr, a));
		n++;
	}
	return n;
}

static void
test_from_index(void **state)
{
	struct conn_table *t = conn_table_new(6, 7);
	struct conn gone, *a, *b, *c;

	(void)state;
	assert_non_null(t);
	assert_int_equal(count_from(t, &raddr4, 1000), 0);
	a = conn_alloc(t, &raddr4, 1000, 80, false, &gone);
	b = conn_alloc(t, &raddr4, 1000, 81, false, &gone);
	c = conn_alloc(t, &raddr6, 1000, 80, false, &gone);
	assert_non_null(conn_alloc(t, &raddr4, 1001, 80, false, &gone));
	assert_non_null(conn_alloc(t, &lookalike6, 1000, 80, false, &gone));
	assert_non_null(c);
	assert_int_equal(count_from(t, &raddr4, 1000), 2);
	assert_int_equal(count_from(t, &raddr6, 1000), 1);
	assert_int_equal(count_from(t, &raddr4, 1001), 1);
	assert_int_equal(count_from(t, &next4, 1000), 0);
	conn_renew(t, b); /* the same tuple: still indexed, once */
	assert_int_equal(count_from(t, &raddr4, 1000), 2);
	/* a closed slot reused for another client: gone from the old chain */
	conn_retire(t, a);
	assert_non_null(conn_alloc(t, &raddr4, 1002, 80, false, &gone));
	assert_non_null(conn_alloc(t, &next4, 1000, 80, false, &gone));
	assert_int_equal(count_from(t, &raddr4, 1000), 1);
	assert_int_equal(count_from(t, &next4, 1000), 1);
	/* evicted the same way */
	assert_non_null(conn_alloc(t, &next4, 1003, 80, true, &gone));
	assert_int_not_equal(gone.id, 0);
	assert_int_equal(count_from(t, &gone.raddr, gone.rport), 0);
	conn_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_families),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_alloc_and_find),
		cmocka_unit_test(test_recycle_closed_first),
		cmocka_unit_test(test_evict_open),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_many_and_ids_unique),
		cmocka_unit_test(test_from_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
