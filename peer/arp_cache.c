/*
 * arp_cache.c - see arp_cache.h.
 */
#include "arp_cache.h"

#include <string.h>

/* A fixed key: the slot only spreads addresses, it guards nothing. */
#define SLOT_KEY 0x6c696e6765727065ull

static uint32_t
slot(const struct ip_addr *ip)
{
	return (uint32_t)ip_addr_hash(ip, SLOT_KEY) & (ARP_CACHE_SIZE - 1);
}

/* 0.0.0.0 (an ARP probe's sender) and :: name no one. */
static bool
is_address(const struct ip_addr *ip)
{
	if (ip_addr_is_v4(ip))
		return ip_addr_to_v4(ip) != 0;
	return ip_addr_is_v6(ip) && !ip_addr_is_unspecified6(ip);
}

void
arp_cache_init(struct arp_cache *ac)
{
	memset(ac, 0, sizeof(*ac));
}

void
arp_cache_learn(struct arp_cache *ac, const struct ip_addr *ip,
    const uint8_t mac[6])
{
	struct arp_entry *e = &ac->e[slot(ip)];

	if (!is_address(ip))
		return;
	e->ip = *ip;
	memcpy(e->mac, mac, 6);
}

bool
arp_cache_lookup(const struct arp_cache *ac, const struct ip_addr *ip,
    uint8_t mac[6])
{
	const struct arp_entry *e = &ac->e[slot(ip)];

	if (!is_address(ip) || !ip_addr_eq(&e->ip, ip))
		return false;
	memcpy(mac, e->mac, 6);
	return true;
}
