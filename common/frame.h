/*
 * frame.h - the packet codec: Ethernet frames carrying ARP or IPv4/TCP,
 * decoded with bounds checks and encoded with correct checksums.
 *
 * Pure code: no I/O, no allocation. Every decode failure has a reason so the
 * peer can count what it dropped instead of trusting it.
 */
#ifndef LINGERLAB_FRAME_H
#define LINGERLAB_FRAME_H

#include "segment.h"

#define ETH_ALEN_LL 6
#define FRAME_MAX 1518		/* largest frame the peer builds */

enum frame_kind {
	FRAME_ARP,
	FRAME_TCP,
	FRAME_OTHER,		/* well-formed but not for us (IPv6, UDP, ...) */
};

enum frame_error {
	FRAME_OK = 0,
	FRAME_ETH_TRUNCATED,	/* shorter than an Ethernet header */
	FRAME_ARP_MALFORMED,	/* not Ethernet/IPv4 ARP, or truncated */
	FRAME_IP_TRUNCATED,	/* shorter than the IPv4 header claims */
	FRAME_IP_BAD_HEADER,	/* version, IHL or total length wrong */
	FRAME_IP_BAD_CSUM,
	FRAME_IP_FRAGMENT,	/* fragments are not reassembled */
	FRAME_TCP_TRUNCATED,
	FRAME_TCP_BAD_OFFSET,	/* data offset below 5 or past the packet */
	FRAME_TCP_BAD_OPTION,	/* an option runs past the header */
	FRAME_TCP_BAD_CSUM,
	FRAME_ERROR_COUNT
};

/*
 * How a TCP checksum checked out. A link with transmit checksum offload
 * (a veth, a tap, a bridge at their defaults) hands a capture the sender's
 * pseudo-header sum instead of the checksum: FRAME_CSUM_OFFLOADED.
 */
enum frame_csum {
	FRAME_CSUM_UNCHECKED = 0,	/* decoded with verify_csum false */
	FRAME_CSUM_OK,			/* correct */
	FRAME_CSUM_OFFLOADED,		/* exactly what offload leaves: accepted */
	FRAME_CSUM_BAD,			/* anything else: the frame is dropped */
};

enum arp_op { ARP_REQUEST = 1, ARP_REPLY = 2 };

struct arp_msg {
	uint16_t op;
	uint8_t sha[ETH_ALEN_LL];	/* sender hardware address */
	uint32_t spa;			/* sender IPv4, host order */
	uint8_t tha[ETH_ALEN_LL];
	uint32_t tpa;
};

struct frame {
	uint8_t eth_dst[ETH_ALEN_LL];
	uint8_t eth_src[ETH_ALEN_LL];
	uint16_t ethertype;
	enum frame_kind kind;
	uint8_t ip_ttl;			/* FRAME_TCP only */
	uint16_t ip_id;			/* FRAME_TCP only */
	enum frame_csum tcp_csum;	/* FRAME_TCP only */
	/* FRAME_TCP only: the IP packet, header included. Above the link's
	 * MTU it is a segmentation-offload super-segment (see frame.c). */
	uint32_t ip_len;
	union {
		struct arp_msg arp;	/* FRAME_ARP */
		struct segment seg;	/* FRAME_TCP; payload points into the frame */
	} u;
};

/* Stable short name of an error, for counters and logs ("tcp-bad-csum"). */
const char *frame_error_name(enum frame_error err);

/*
 * Decode len bytes. With verify_csum, a bad IP header checksum and a bad
 * TCP checksum are errors, except a TCP checksum that is exactly what a
 * sender's checksum offload leaves (tcp_csum says which it was). With
 * verify_csum false, neither is checked (FRAME_CSUM_UNCHECKED).
 */
enum frame_error frame_decode(const uint8_t *buf, size_t len, bool verify_csum,
			      struct frame *out);

/*
 * Encode an Ethernet + IPv4 + TCP frame for seg (options included as set in
 * seg->opt, payload copied). Returns the frame length, or 0 if cap is too
 * small. The IPv4 header has DF set and no options.
 */
size_t frame_encode_tcp(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
			const uint8_t dst_mac[ETH_ALEN_LL], const struct segment *seg,
			uint16_t ip_id, uint8_t ttl);

/* Encode an ARP frame. Returns its length (42, or 60 padded), 0 if cap too small. */
size_t frame_encode_arp(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
			const uint8_t dst_mac[ETH_ALEN_LL], const struct arp_msg *arp);

/* Internet checksum helpers (RFC 1071), exposed for tests. */
uint16_t inet_csum(const void *data, size_t len, uint32_t initial);
uint16_t tcp_csum_ipv4(uint32_t saddr, uint32_t daddr, const uint8_t *tcp, size_t len);

/* The IPv4 pseudo-header of a TCP segment of len bytes, as an unfolded sum. */
uint32_t tcp_pseudo_ipv4(uint32_t saddr, uint32_t daddr, size_t len);

/*
 * Check the checksum of a received TCP (or UDP) segment of len bytes whose
 * checksum field is at csum_at, given its pseudo-header sum: OK, OFFLOADED
 * (the field holds the folded pseudo-header sum, as Linux leaves it for
 * offload), or BAD. Only the pseudo-header differs between IPv4 and IPv6.
 */
enum frame_csum l4_csum_check(uint32_t pseudo, const uint8_t *seg, size_t len,
			      size_t csum_at);

#endif
