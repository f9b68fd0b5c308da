/*
 * arp_cache.h - which hardware address each client address has, IPv4 (from
 * ARP) or IPv6 (from Neighbor Discovery), learned from the frames clients
 * send (every TCP frame carries it, so a miss is rare). Direct-mapped and
 * fixed in size: a flood of addresses overwrites entries, it never grows
 * the peer.
 */
#ifndef LINGERLAB_ARP_CACHE_H
#define LINGERLAB_ARP_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "ip_address.h"

#define ARP_CACHE_SIZE 4096 /* power of two */

struct arp_entry {
	struct ip_addr ip; /* family IPF_NONE: empty */
	uint8_t mac[6];
};

struct arp_cache {
	struct arp_entry e[ARP_CACHE_SIZE];
};

void arp_cache_init(struct arp_cache *ac);
/* Remember ip's mac; an address of no family (or 0.0.0.0, ::) is not one. */
void arp_cache_learn(struct arp_cache *ac, const struct ip_addr *ip,
    const uint8_t mac[6]);
bool arp_cache_lookup(const struct arp_cache *ac, const struct ip_addr *ip,
    uint8_t mac[6]);

#endif
