/*
 * blaster.h - hostile frames for the flood test: a raw AF_PACKET socket on
 * one link of the sandbox, and frames that are broken in every way the
 * peer's decoder checks for, plus SYNs from ever-changing ports.
 *
 * Built on the project's own encoder: every frame starts as a well-formed
 * SYN from frame_encode_tcp() (over IPv6 for the IPv6 kinds) or NS from
 * frame_encode_ndp() and is then broken in exactly one way, so each kind
 * exercises one check. Only ever used inside the sandbox.
 */
#ifndef LINGERLAB_BLASTER_H
#define LINGERLAB_BLASTER_H

#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"

enum blast_kind {
	BK_RANDOM,	 /* random bytes, random length */
	BK_ETH_SHORT,	 /* an Ethernet header and under 20 bytes of IPv4 */
	BK_IP_TRUNCATED, /* cut short of what the IP header claims */
	BK_IP_BAD_CSUM,
	BK_IP_BAD_HEADER, /* version or IHL wrong */
	BK_IP_BAD_LENGTH, /* total length below the header or past the frame */
	BK_IP_FRAGMENT,
	BK_TCP_BAD_CSUM,
	BK_TCP_BAD_OFFSET, /* data offset below 5 or past the segment */
	BK_TCP_BAD_OPTION, /* an option that runs past the header */
	BK_TCP_RANDOM,	   /* well-formed, random flags, ports and numbers */
	BK_IPV6,
	BK_ARP_JUNK,
	BK_UDP,
	/* IPv6 to the peer's IPv6 address (blaster_set_ipv6), and NDP */
	BK_IP6_TRUNCATED, /* cut inside the TCP header: payload length past the frame */
	BK_IP6_BAD_EXT, /* a Hop-by-Hop header whose length runs past the packet */
	BK_IP6_FRAGMENT, /* a Fragment header */
	BK_IP6_TCP_BAD_CSUM,
	BK_IP6_TCP_RANDOM, /* well-formed, random flags, ports and numbers */
	BK_NDP_MALFORMED, /* an NS for the peer's address, hop limit or option wrong */
	BK_NDP_OTHER, /* a well-formed NS for another address */
	BK_MLD_NOISE, /* an MLDv2 report, as a link makes by itself */
	BK_COUNT
};

/* The IPv6 kinds: without blaster_set_ipv6() they are sent as BK_IPV6. */
#define BK_FIRST_IP6 BK_IP6_TRUNCATED

struct blaster {
	int fd;
	uint8_t dst_mac[6]; /* the peer's */
	uint8_t src_mac[6]; /* the link's own */
	uint32_t src_ip;    /* host order */
	uint32_t dst_ip;
	struct ip_addr src6; /* family IPF_NONE: no IPv6 kinds */
	struct ip_addr dst6;
	uint16_t dst_port;
	uint64_t rng;
	uint64_t sent[BK_COUNT]; /* frames the kernel took, by kind */
	uint64_t syns;		 /* SYNs the kernel took */
	uint64_t refused;	 /* frames the kernel would not send */
};

/*
 * Open a raw socket on iface (in this netns). dst_mac is the peer's MAC;
 * src/dst addresses and port are host order. 0, or -1 with errno.
 */
int blaster_open(struct blaster *b, const char *iface, const uint8_t dst_mac[6],
    uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port, uint64_t seed);
void blaster_close(struct blaster *b);

/* The IPv6 addresses of the IPv6 and NDP kinds: the client's and the peer's. */
void blaster_set_ipv6(struct blaster *b, const struct ip_addr *src6,
    const struct ip_addr *dst6);

/* Send n broken frames, kinds in turn. Returns how many the kernel took. */
uint64_t blaster_junk(struct blaster *b, uint64_t n);

/*
 * Send n SYNs, each from a new source port; every spoof_every-th one from
 * a made-up address and MAC in 198.51.100.0/24 (no one answers those, so
 * they stay half-open), the rest from src_ip (whose kernel resets them).
 * Returns how many the kernel took.
 */
uint64_t blaster_syns(struct blaster *b, uint64_t n, unsigned spoof_every);

/* "ip-bad-csum" style name of a kind, for reports. */
const char *blaster_kind_name(enum blast_kind k);

#endif
