/*
 * arp_cache.c - see arp_cache.h.
 */
#include "arp_cache.h"

#include <string.h>

static uint32_t
slot(uint32_t ip)
{
	return (ip * 2654435761u) >> 20 & (ARP_CACHE_SIZE - 1);
}

void
arp_cache_init(struct arp_cache *ac)
{
	memset(ac, 0, sizeof(*ac));
}

void
arp_cache_learn(struct arp_cache *ac, uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e = &ac->e[slot(ip)];

	if (ip == 0)
		return;
	e->ip = ip;
	memcpy(e->mac, mac, 6);
}

bool
arp_cache_lookup(const struct arp_cache *ac, uint32_t ip, uint8_t mac[6])
{
	const struct arp_entry *e = &ac->e[slot(ip)];

	if (ip == 0 || e->ip != ip)
		return false;
	memcpy(mac, e->mac, 6);
	return true;
}
