/*
 * neighbour.h - the link-layer half of owning an address: ARP for the
 * peer's IPv4 address and Neighbor Discovery (RFC 4861) for its IPv6 one,
 * answered for those addresses and never for another; the clients'
 * hardware addresses, learned from what they send; and, when the peer must
 * speak first (it connects out), the question for an address, with the
 * segments that wait for its answer.
 *
 * Pure: frames come in decoded, frames and segments leave through the
 * caller's functions. Fixed size, no allocation, no clock, so the
 * per-frame path stays as cheap as it was with ARP alone.
 */
#ifndef LINGERLAB_NEIGHBOUR_H
#define LINGERLAB_NEIGHBOUR_H

#include <stddef.h>
#include <stdint.h>

#include "arp_cache.h"
#include "frame.h"
#include "ip_address.h"
#include "segment.h"

#define NEIGH_MAX_HELD 64 /* segments waiting for an answer */

struct neigh_stats {
	uint64_t arp_answered;
	uint64_t arp_ignored;  /* ARP about another address */
	uint64_t ndp_answered; /* Neighbor Solicitations for our address */
	uint64_t
	    ndp_ignored; /* NS or NA about another address, or ours claimed */
	uint64_t no_mac; /* segments dropped: no MAC, and no room to wait */
};

/* Put a whole frame on the link. */
typedef void (*neigh_frame_fn)(void *arg, const uint8_t *frame, size_t len);
/* Encode and send a segment to mac. */
typedef void (*neigh_segment_fn)(void *arg, const struct segment *seg,
    const uint8_t mac[6]);

struct neigh {
	struct ip_addr addr4; /* ours; family IPF_NONE: none */
	struct ip_addr addr6;
	uint8_t mac[6]; /* the link's, which we answer with */
	neigh_frame_fn send_frame;
	neigh_segment_fn send_segment;
	void *arg;
	struct arp_cache cache;
	struct segment held[NEIGH_MAX_HELD];
	size_t nheld;
	struct neigh_stats st;
};

void neigh_init(struct neigh *n, const struct ip_addr *addr4,
    const struct ip_addr *addr6, const uint8_t mac[6],
    neigh_frame_fn send_frame, neigh_segment_fn send_segment, void *arg);

/* An ARP request or reply (FRAME_ARP): answered if it asks for addr4. */
void neigh_on_arp(struct neigh *n, const struct frame *f);

/*
 * An NS or NA (FRAME_NDP). An NS for addr6, sent to addr6 or to its
 * solicited-node group, is answered (to all nodes when it is a duplicate
 * address probe, from ::); any other NS is ignored. An NA about another
 * address teaches its link-layer address.
 */
void neigh_on_ndp(struct neigh *n, const struct frame *f);

/* A TCP frame from ip came from mac. */
void neigh_learn(struct neigh *n, const struct ip_addr *ip,
    const uint8_t mac[6]);

/*
 * Send seg to its destination: at once when its MAC is known; otherwise
 * ask for it and hold seg until the answer if it carries no data (a SYN,
 * an ACK); data is dropped (no_mac) and TCP sends it again.
 */
void neigh_output(struct neigh *n, const struct segment *seg);

#endif
