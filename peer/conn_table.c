/*
 * conn_table.c - the fixed connection pool behind lingerpeer.
 *
 * Slots are linked by 32-bit indices instead of pointers to halve the link
 * cost; the hash is keyed with a per-run secret so that a client choosing its
 * ports (or, over IPv6, the 64 bits of its address a /64 lets it pick)
 * cannot force every connection into one chain.
 */
#include "conn_table.h"

#include <stdlib.h>
#include <string.h>

#include "tcp_peer.h"

struct lru {
	uint32_t head; /* least recent */
	uint32_t tail; /* most recent */
};

struct conn_table {
	struct conn *slots;
	uint32_t *buckets;	/* by four-tuple */
	uint32_t *id_buckets;	/* by id */
	uint32_t *addr_buckets; /* by the client's address and port */
	uint32_t nbuckets;	/* power of two, for all three */
	uint32_t capacity;
	uint32_t used;
	uint32_t free_head; /* slots [free_head, capacity) were never used */
	uint32_t next_id;
	uint64_t secret;
	struct lru open;
	struct lru closed;
};

static uint32_t
tuple_hash(const struct conn_table *t, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport)
{
	uint64_t h =
	    ip_addr_hash(raddr, t->secret) ^ ((uint32_t)rport << 16 | lport);

	/* splitmix64 finaliser again, so the ports reach every bit too. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (uint32_t)h & (t->nbuckets - 1);
}

/* The client's end alone: every connection from it, whatever our port. */
static uint32_t
addr_hash(const struct conn_table *t, const struct ip_addr *raddr,
    uint16_t rport)
{
	uint64_t h =
	    ip_addr_hash(raddr, t->secret ^ 0x5851f42d4c957f2dull) ^ rport;

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (uint32_t)h & (t->nbuckets - 1);
}

struct conn_table *
conn_table_new(uint32_t max_conns, uint64_t seed)
{
	struct conn_table *t;

	if (max_conns == 0 || max_conns > (1u << 26))
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->capacity = max_conns;
	for (t->nbuckets = 16; t->nbuckets < max_conns; t->nbuckets <<= 1)
		;
	t->slots = calloc(max_conns, sizeof(*t->slots));
	t->buckets = malloc((size_t)t->nbuckets * sizeof(*t->buckets));
	t->id_buckets = malloc((size_t)t->nbuckets * sizeof(*t->id_buckets));
	t->addr_buckets =
	    malloc((size_t)t->nbuckets * sizeof(*t->addr_buckets));
	if (t->slots == NULL || t->buckets == NULL || t->id_buckets == NULL ||
	    t->addr_buckets == NULL) {
		conn_table_free(t);
		return NULL;
	}
	memset(t->buckets, 0xff, (size_t)t->nbuckets * sizeof(*t->buckets));
	memset(t->id_buckets, 0xff,
	    (size_t)t->nbuckets * sizeof(*t->id_buckets));
	memset(t->addr_buckets, 0xff,
	    (size_t)t->nbuckets * sizeof(*t->addr_buckets));
	t->free_head = 0;
	t->next_id = 1;
	t->secret = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	t->open.head = t->open.tail = CONN_NONE;
	t->closed.head = t->closed.tail = CONN_NONE;
	return t;
}

void
conn_table_free(struct conn_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t->buckets);
	free(t->id_buckets);
	free(t->addr_buckets);
	free(t);
}

uint32_t
conn_table_capacity(const struct conn_table *t)
{
	return t->capacity;
}

uint32_t
conn_table_used(const struct conn_table *t)
{
	return t->used;
}

uint32_t
conn_slot(const struct conn_table *t, const struct conn *c)
{
	return (uint32_t)(c - t->slots);
}

static bool
slot_in_use(const struct conn *c)
{
	return c->id != 0;
}

struct conn *
conn_at(struct conn_table *t, uint32_t slot)
{
	if (slot >= t->capacity || !slot_in_use(&t->slots[slot]))
		return NULL;
	return &t->slots[slot];
}

const struct conn *
conn_at_const(const struct conn_table *t, uint32_t slot)
{
	if (slot >= t->capacity || !slot_in_use(&t->slots[slot]))
		return NULL;
	return &t->slots[slot];
}

/* Ids are handed out in sequence, so the low bits already spread well. */
static uint32_t *
id_bucket(struct conn_table *t, uint32_t id)
{
	return &t->id_buckets[id & (t->nbuckets - 1)];
}

struct conn *
conn_by_id(struct conn_table *t, uint32_t id)
{
	uint32_t s;

	for (s = id != 0 ? *id_bucket(t, id) : CONN_NONE; s != CONN_NONE;
	     s = t->slots[s].id_next)
		if (t->slots[s].id == id)
			return &t->slots[s];
	return NULL;
}

/* Give c the next id and index it. */
static void
assign_id(struct conn_table *t, struct conn *c)
{
	uint32_t *head;

	c->id = t->next_id++;
	if (t->next_id == 0)
		t->next_id = 1;
	head = id_bucket(t, c->id);
	c->id_next = *head;
	*head = conn_slot(t, c);
}

static void
id_remove(struct conn_table *t, const struct conn *c)
{
	uint32_t *link = id_bucket(t, c->id), s = conn_slot(t, c);

	while (*link != CONN_NONE && *link != s)
		link = &t->slots[*link].id_next;
	if (*link == s)
		*link = c->id_next;
}

struct conn *
conn_find(struct conn_table *t, const struct ip_addr *raddr, uint16_t rport,
    uint16_t lport)
{
	uint32_t s = t->buckets[tuple_hash(t, raddr, rport, lport)];
	struct conn *c;

	for (; s != CONN_NONE; s = c->hash_next) {
		c = &t->slots[s];
		if (c->rport == rport && c->lport == lport &&
		    ip_addr_eq(&c->raddr, raddr))
			return c;
	}
	return NULL;
}

const struct conn *
conn_from_next(const struct conn_table *t, const struct ip_addr *raddr,
    uint16_t rport, const struct conn *prev)
{
	uint32_t s = prev != NULL ? prev->addr_next
				  : t->addr_buckets[addr_hash(t, raddr, rport)];
	const struct conn *c;

	for (; s != CONN_NONE; s = c->addr_next) {
		c = &t->slots[s];
		if (c->rport == rport && ip_addr_eq(&c->raddr, raddr))
			return c;
	}
	return NULL;
}

static void
lru_unlink(struct conn_table *t, struct lru *l, struct conn *c)
{
	if (c->lru_prev != CONN_NONE)
		t->slots[c->lru_prev].lru_next = c->lru_next;
	else
		l->head = c->lru_next;
	if (c->lru_next != CONN_NONE)
		t->slots[c->lru_next].lru_prev = c->lru_prev;
	else
		l->tail = c->lru_prev;
	c->lru_prev = c->lru_next = CONN_NONE;
}

static void
lru_append(struct conn_table *t, struct lru *l, struct conn *c)
{
	uint32_t s = conn_slot(t, c);

	c->lru_prev = l->tail;
	c->lru_next = CONN_NONE;
	if (l->tail != CONN_NONE)
		t->slots[l->tail].lru_next = s;
	else
		l->head = s;
	l->tail = s;
}

static struct lru *
list_of(struct conn_table *t, const struct conn *c)
{
	return (c->flags & CF_ON_CLOSED) ? &t->closed : &t->open;
}

void
conn_touch(struct conn_table *t, struct conn *c)
{
	struct lru *l = list_of(t, c);

	if (l->tail == conn_slot(t, c))
		return;
	lru_unlink(t, l, c);
	lru_append(t, l, c);
}

void
conn_retire(struct conn_table *t, struct conn *c)
{
	if (c->flags & CF_ON_CLOSED)
		return;
	lru_unlink(t, &t->open, c);
	c->flags |= CF_ON_CLOSED;
	lru_append(t, &t->closed, c);
}

/* Out of both address hashes: the four-tuple's and the client end's. */
static void
hash_remove(struct conn_table *t, struct conn *c)
{
	uint32_t *link =
	    &t->buckets[tuple_hash(t, &c->raddr, c->rport, c->lport)];
	uint32_t s = conn_slot(t, c);

	while (*link != CONN_NONE && *link != s)
		link = &t->slots[*link].hash_next;
	if (*link == s)
		*link = c->hash_next;
	link = &t->addr_buckets[addr_hash(t, &c->raddr, c->rport)];
	while (*link != CONN_NONE && *link != s)
		link = &t->slots[*link].addr_next;
	if (*link == s)
		*link = c->addr_next;
}

/* Never-used slots are handed out in order first, so a fresh table touches
 * no memory it does not need; after that slots are only recycled in place. */
static struct conn *
take_free(struct conn_table *t)
{
	if (t->free_head >= t->capacity)
		return NULL;
	return &t->slots[t->free_head++];
}

/*
 * Which open connection to evict: a half-open one (SYN_RCVD) among the
 * least recently active EVICT_SCAN if there is one, else the least recently
 * active. Under a SYN flood from addresses that never answer, the table
 * fills with half-open connections; taking those first keeps a real
 * client's established connection alive, and the scan stays bounded.
 */
#define EVICT_SCAN 64

static uint32_t
evict_victim(const struct conn_table *t, const struct lru *l)
{
	uint32_t s = l->head;
	int n;

	for (n = 0; s != CONN_NONE && n < EVICT_SCAN;
	     n++, s = t->slots[s].lru_next)
		if (t->slots[s].state == CS_SYN_RCVD)
			return s;
	return l->head;
}

static struct conn *
recycle(struct conn_table *t, struct lru *l)
{
	struct conn *c;

	if (l->head == CONN_NONE || t->slots == NULL)
		return NULL;
	c = &t->slots[l == &t->open ? evict_victim(t, l) : l->head];
	lru_unlink(t, l, c);
	hash_remove(t, c);
	id_remove(t, c);
	t->used--;
	return c;
}

struct conn *
conn_alloc(struct conn_table *t, const struct ip_addr *raddr, uint16_t rport,
    uint16_t lport, bool evict_open, struct conn *evicted)
{
	struct conn *c;
	uint32_t b;

	evicted->id = 0;
	if ((c = take_free(t)) == NULL &&
	    (c = recycle(t, &t->closed)) == NULL) {
		if (!evict_open || (c = recycle(t, &t->open)) == NULL)
			return NULL;
		*evicted = *c;
	}
	memset(c, 0, sizeof(*c));
	c->raddr = *raddr;
	c->rport = rport;
	c->lport = lport;
	assign_id(t, c);
	b = tuple_hash(t, raddr, rport, lport);
	c->hash_next = t->buckets[b];
	t->buckets[b] = conn_slot(t, c);
	b = addr_hash(t, raddr, rport);
	c->addr_next = t->addr_buckets[b];
	t->addr_buckets[b] = conn_slot(t, c);
	lru_append(t, &t->open, c);
	t->used++;
	return c;
}

void
conn_renew(struct conn_table *t, struct conn *c)
{
	uint32_t hash_next = c->hash_next, addr_next = c->addr_next;
	struct ip_addr raddr = c->raddr;
	uint16_t rport = c->rport, lport = c->lport;

	lru_unlink(t, list_of(t, c), c);
	id_remove(t, c);
	memset(c, 0, sizeof(*c));
	c->raddr = raddr;
	c->rport = rport;
	c->lport = lport;
	c->hash_next = hash_next;
	c->addr_next = addr_next;
	assign_id(t, c);
	lru_append(t, &t->open, c);
}
