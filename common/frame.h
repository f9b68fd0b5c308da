/*
 * frame.h - the packet codec: Ethernet frames carrying ARP, IPv4/TCP,
 * IPv6/TCP and IPv6 Neighbor Discovery, decoded with bounds checks and
 * encoded with correct checksums.
 *
 * Pure code: no I/O, no allocation. Every decode failure has a reason so the
 * peer can count what it dropped instead of trusting it.
 */
#ifndef LINGERLAB_FRAME_H
#define LINGERLAB_FRAME_H

#include "ip_address.h"
#include "segment.h"

#define ETH_ALEN_LL 6
#define FRAME_MAX   1518 /* largest frame the peer builds */

enum frame_kind {
	FRAME_ARP,
	FRAME_TCP,	  /* over IPv4 or IPv6: u.seg.saddr.family says */
	FRAME_OTHER,	  /* well-formed but not for us (UDP, VLAN, ...) */
	FRAME_NDP,	  /* an IPv6 Neighbor Solicitation or Advertisement */
	FRAME_LINK_NOISE, /* any other ICMPv6: router solicitations, MLD
				   reports; what a link says by itself */
};

enum frame_error {
	FRAME_OK = 0,
	FRAME_ETH_TRUNCATED, /* shorter than an Ethernet header */
	FRAME_ARP_MALFORMED, /* not Ethernet/IPv4 ARP, or truncated */
	FRAME_IP_TRUNCATED,  /* shorter than the IPv4 header claims */
	FRAME_IP_BAD_HEADER, /* version, IHL or total length wrong */
	FRAME_IP_BAD_CSUM,
	FRAME_IP_FRAGMENT, /* fragments are not reassembled */
	FRAME_TCP_TRUNCATED,
	FRAME_TCP_BAD_OFFSET, /* data offset below 5 or past the packet */
	FRAME_TCP_BAD_OPTION, /* an option runs past the header */
	FRAME_TCP_BAD_CSUM,
	/* Appended for IPv6, so the older counters keep their place. */
	FRAME_IP6_TRUNCATED, /* shorter than the IPv6 header or its payload length */
	FRAME_IP6_BAD_HEADER,  /* version not 6 */
	FRAME_IP6_BAD_EXT,     /* an extension header past the packet, out of
				   place, or one too many */
	FRAME_IP6_FRAGMENT,    /* a Fragment header: not reassembled */
	FRAME_ICMP6_MALFORMED, /* too short for its header, or an NS or NA that
				   breaks RFC 4861's checks */
	FRAME_ICMP6_BAD_CSUM,  /* an NS or NA with a wrong checksum */
	FRAME_ERROR_COUNT
};

/* The first error of IPv6's, for readers that print those after the rest. */
#define FRAME_ERROR_FIRST_IP6 FRAME_IP6_TRUNCATED

/*
 * How a TCP checksum checked out. A link with transmit checksum offload
 * (a veth, a tap, a bridge at their defaults) hands a capture the sender's
 * pseudo-header sum instead of the checksum: FRAME_CSUM_OFFLOADED.
 */
enum frame_csum {
	FRAME_CSUM_UNCHECKED = 0, /* decoded with verify_csum false */
	FRAME_CSUM_OK,		  /* correct */
	FRAME_CSUM_OFFLOADED,	  /* exactly what offload leaves: accepted */
	FRAME_CSUM_BAD,		  /* anything else: the frame is dropped */
};

enum arp_op { ARP_REQUEST = 1, ARP_REPLY = 2 };

struct arp_msg {
	uint16_t op;
	uint8_t sha[ETH_ALEN_LL]; /* sender hardware address */
	uint32_t spa;		  /* sender IPv4, host order */
	uint8_t tha[ETH_ALEN_LL];
	uint32_t tpa;
};

/* ICMPv6 types of Neighbor Discovery (RFC 4861) that the codec reads. */
enum ndp_type { NDP_NS = 135, NDP_NA = 136 };

/* The flags of a Neighbor Advertisement, as on the wire. */
enum ndp_na_flag {
	NDP_NA_ROUTER = 0x80,
	NDP_NA_SOLICITED = 0x40,
	NDP_NA_OVERRIDE = 0x20,
};

struct ndp_msg {
	uint8_t type;	  /* enum ndp_type */
	uint8_t na_flags; /* NA only: enum ndp_na_flag bits */
	bool has_lla;	  /* a source (NS) or target (NA) link-layer
					   address option was there */
	uint8_t lla[ETH_ALEN_LL];
	struct ip_addr src; /* the IPv6 header's addresses */
	struct ip_addr dst;
	struct ip_addr target; /* whose link-layer address is asked or told */
};

struct frame {
	uint8_t eth_dst[ETH_ALEN_LL];
	uint8_t eth_src[ETH_ALEN_LL];
	uint16_t ethertype;
	enum frame_kind kind;
	uint8_t ip_ttl;	 /* TTL or hop limit: FRAME_TCP, FRAME_NDP */
	uint8_t ip6_ext; /* IPv6 extension headers skipped on the way */
	uint16_t ip_id;	 /* FRAME_TCP over IPv4 only */
	enum frame_csum tcp_csum; /* FRAME_TCP only */
	/* FRAME_TCP only: the IP packet, header included. Above the link's
	 * MTU it is a segmentation-offload super-segment (see frame.c). */
	uint32_t ip_len;
	union {
		struct arp_msg arp; /* FRAME_ARP */
		struct segment
		    seg; /* FRAME_TCP; payload points into the frame */
		struct ndp_msg ndp; /* FRAME_NDP */
	} u;
};

/* Stable short name of an error, for counters and logs ("tcp-bad-csum"). */
const char *frame_error_name(enum frame_error err);

/*
 * Decode len bytes. With verify_csum, a bad IPv4 header checksum, a bad
 * TCP checksum and a bad NS or NA checksum are errors, except a checksum
 * that is exactly what a sender's checksum offload leaves (tcp_csum says
 * which it was for TCP). With verify_csum false, none is checked
 * (FRAME_CSUM_UNCHECKED).
 */
enum frame_error frame_decode(const uint8_t *buf, size_t len, bool verify_csum,
    struct frame *out);

/*
 * Encode an Ethernet + IP + TCP frame for seg (options included as set in
 * seg->opt, payload copied), IPv4 or IPv6 as seg->saddr's family says (the
 * destination must be of the same family). Returns the frame length, or 0
 * if cap is too small or the addresses are wrong. The IPv4 header has DF
 * set and no options; ttl is IPv6's hop limit, and ip_id is IPv4's only.
 */
size_t frame_encode_tcp(uint8_t *buf, size_t cap,
    const uint8_t src_mac[ETH_ALEN_LL], const uint8_t dst_mac[ETH_ALEN_LL],
    const struct segment *seg, uint16_t ip_id, uint8_t ttl);

/* Encode an ARP frame. Returns its length (42, or 60 padded), 0 if cap too small. */
size_t frame_encode_arp(uint8_t *buf, size_t cap,
    const uint8_t src_mac[ETH_ALEN_LL], const uint8_t dst_mac[ETH_ALEN_LL],
    const struct arp_msg *arp);

/*
 * Encode an NS or NA (RFC 4861) from m->src to m->dst about m->target, with
 * m->lla as its source (NS) or target (NA) link-layer address option when
 * has_lla, hop limit 255 and the ICMPv6 checksum. Returns the frame length
 * (78, or 86 with the option), 0 if cap is too small or an address is not
 * IPv6.
 */
size_t frame_encode_ndp(uint8_t *buf, size_t cap,
    const uint8_t src_mac[ETH_ALEN_LL], const uint8_t dst_mac[ETH_ALEN_LL],
    const struct ndp_msg *m);

/* The Ethernet address of an IPv6 multicast group: 33:33 and its low 32 bits. */
void eth_multicast6(const struct ip_addr *group, uint8_t mac[ETH_ALEN_LL]);

/* Internet checksum helpers (RFC 1071), exposed for tests. */
uint16_t inet_csum(const void *data, size_t len, uint32_t initial);
uint16_t tcp_csum_ipv4(uint32_t saddr, uint32_t daddr, const uint8_t *tcp,
    size_t len);

/* The IPv4 pseudo-header of a TCP segment of len bytes, as an unfolded sum. */
uint32_t tcp_pseudo_ipv4(uint32_t saddr, uint32_t daddr, size_t len);

/*
 * The IPv6 pseudo-header (RFC 8200, 8.1: addresses, upper-layer length,
 * next header) of len bytes of protocol proto, as an unfolded sum.
 */
uint32_t l4_pseudo_ipv6(const struct ip_addr *src, const struct ip_addr *dst,
    uint32_t len, uint8_t proto);

/* The pseudo-header of a TCP segment of len bytes, for either family. */
uint32_t tcp_pseudo(const struct ip_addr *src, const struct ip_addr *dst,
    size_t len);

/*
 * Check the checksum of a received TCP (or UDP) segment of len bytes whose
 * checksum field is at csum_at, given its pseudo-header sum: OK, OFFLOADED
 * (the field holds the folded pseudo-header sum, as Linux leaves it for
 * offload), or BAD. Only the pseudo-header differs between IPv4 and IPv6.
 */
enum frame_csum l4_csum_check(uint32_t pseudo, const uint8_t *seg, size_t len,
    size_t csum_at);

#endif
