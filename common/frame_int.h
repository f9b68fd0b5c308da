/*
 * frame_int.h - what the codec's files share: frame.c (Ethernet, ARP,
 * IPv4, TCP) and frame6.c (IPv6, its extension headers, ICMPv6 and
 * Neighbor Discovery). Not for other modules: they see frame.h.
 */
#ifndef LINGERLAB_FRAME_INT_H
#define LINGERLAB_FRAME_INT_H

#include "frame.h"

#define ETH_HDR_LEN	   14
#define ETHERTYPE_IPV4_NUM 0x0800
#define ETHERTYPE_ARP_NUM  0x0806
#define ETHERTYPE_IPV6_NUM 0x86dd

#define IPPROTO_TCP_NUM 6
#define TCP_HDR_MIN	20
#define TCP_CSUM_AT	16 /* checksum offset in the TCP header */

/* What decoding TCP needs from the IP header around it, of either family. */
struct ip_view {
	struct ip_addr saddr;
	struct ip_addr daddr;
	uint32_t pseudo; /* pseudo-header sum: all TCP needs of IP's */
	const uint8_t *payload;
	size_t payload_len; /* what the IP header says: no padding */
};

/* frame.c */
enum frame_error frame_decode_tcp(const struct ip_view *ip, bool verify_csum,
    struct frame *out);
void frame_write_eth(uint8_t *p, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], uint16_t ethertype);
/*
 * The TCP segment for seg at tcp: header, opt_len bytes of options,
 * payload, and the checksum over pseudo. Returns its length.
 */
size_t frame_write_tcp(uint8_t *tcp, const struct segment *seg, size_t opt_len,
    uint32_t pseudo);

/* frame6.c: the IPv6 packet after the Ethernet header, and TCP in one. */
enum frame_error frame_decode_ipv6(const uint8_t *p, size_t len,
    bool verify_csum, struct frame *out);
size_t frame_encode_tcp6(uint8_t *buf, size_t cap,
    const uint8_t src_mac[ETH_ALEN_LL], const uint8_t dst_mac[ETH_ALEN_LL],
    const struct segment *seg, uint8_t hop_limit);

#endif
