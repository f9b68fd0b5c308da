/*
 * observe_index.c - connections found by their four-tuple in constant time
 * (issue 13: observe matched every segment against every connection, a
 * segments-by-connections product that took minutes for a busy program).
 *
 * Slots are numbered in the order they were added; two chained hash tables
 * lead to them, one by the whole four-tuple and one by the ports alone
 * (for a record whose addresses are not known). A new slot goes to the
 * front of its chains, so a walk meets the newest first: what a port
 * reused by a later connection needs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "observe_prog.h"

/* Not a secret: the program observed is ours, not an adversary. */
#define KEY_L 0x6c696e6765726c61ull
#define KEY_R 0x62206f6273657276ull

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static uint64_t
hash_ports(uint16_t lport, uint16_t rport)
{
	return mix((uint64_t)lport << 16 | rport);
}

static uint64_t
hash_tuple(const struct ob_tuple *k)
{
	return mix(ip_addr_hash(&k->laddr, KEY_L) ^
	    ip_addr_hash(&k->raddr, KEY_R) ^ hash_ports(k->lport, k->rport));
}

bool
ob_tuple_eq(const struct ob_tuple *a, const struct ob_tuple *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	    ip_addr_eq(&a->laddr, &b->laddr) &&
	    ip_addr_eq(&a->raddr, &b->raddr);
}

void
ob_index_init(struct ob_index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void
ob_index_free(struct ob_index *ix)
{
	free(ix->keys);
	free(ix->next_t);
	free(ix->next_p);
	free(ix->head_t);
	free(ix->head_p);
	ob_index_init(ix);
}

/* Twice the buckets, every slot chained again oldest first. */
static int
rehash(struct ob_index *ix)
{
	size_t nb = ix->nbuckets == 0 ? 64 : ix->nbuckets * 2, i, b;
	uint32_t *ht = calloc(nb, sizeof(*ht)), *hp = calloc(nb, sizeof(*hp));

	if (ht == NULL || hp == NULL) {
		free(ht);
		free(hp);
		return -1;
	}
	free(ix->head_t);
	free(ix->head_p);
	ix->head_t = ht;
	ix->head_p = hp;
	ix->nbuckets = nb;
	for (i = 0; i < ix->n; i++) {
		b = hash_tuple(&ix->keys[i]) & (nb - 1);
		ix->next_t[i] = ht[b];
		ht[b] = (uint32_t)i + 1;
		b = hash_ports(ix->keys[i].lport, ix->keys[i].rport) & (nb - 1);
		ix->next_p[i] = hp[b];
		hp[b] = (uint32_t)i + 1;
	}
	return 0;
}

/* Room for one more slot in the per-slot arrays. */
static int
grow(struct ob_index *ix)
{
	size_t cap = ix->cap == 0 ? 64 : ix->cap * 2;
	struct ob_tuple *k;
	uint32_t *nt, *np;

	if (cap > UINT32_MAX - 1)
		return -1;
	if ((k = realloc(ix->keys, cap * sizeof(*k))) == NULL)
		return -1;
	ix->keys = k;
	if ((nt = realloc(ix->next_t, cap * sizeof(*nt))) == NULL)
		return -1;
	ix->next_t = nt;
	if ((np = realloc(ix->next_p, cap * sizeof(*np))) == NULL)
		return -1;
	ix->next_p = np;
	ix->cap = cap;
	return 0;
}

long
ob_index_add(struct ob_index *ix, const struct ob_tuple *k)
{
	size_t b;

	if ((ix->n == ix->cap && grow(ix) == -1) ||
	    (ix->n >= ix->nbuckets && rehash(ix) == -1)) {
		errno = ENOMEM;
		return -1;
	}
	ix->keys[ix->n] = *k;
	b = hash_tuple(k) & (ix->nbuckets - 1);
	ix->next_t[ix->n] = ix->head_t[b];
	ix->head_t[b] = (uint32_t)ix->n + 1;
	b = hash_ports(k->lport, k->rport) & (ix->nbuckets - 1);
	ix->next_p[ix->n] = ix->head_p[b];
	ix->head_p[b] = (uint32_t)ix->n + 1;
	return (long)ix->n++;
}

long
ob_index_find(const struct ob_index *ix, const struct ob_tuple *k)
{
	uint32_t s;

	if (ix->nbuckets == 0)
		return -1;
	for (s = ix->head_t[hash_tuple(k) & (ix->nbuckets - 1)]; s != 0;
	     s = ix->next_t[s - 1])
		if (ob_tuple_eq(&ix->keys[s - 1], k))
			return (long)s - 1;
	return -1;
}

long
ob_index_find_ports(const struct ob_index *ix, uint16_t lport, uint16_t rport)
{
	uint32_t s;

	if (ix->nbuckets == 0)
		return -1;
	for (s = ix->head_p[hash_ports(lport, rport) & (ix->nbuckets - 1)];
	     s != 0; s = ix->next_p[s - 1])
		if (ix->keys[s - 1].lport == lport &&
		    ix->keys[s - 1].rport == rport)
			return (long)s - 1;
	return -1;
}
