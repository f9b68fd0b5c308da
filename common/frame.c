/*
 * frame.c - Ethernet II frames carrying ARP or IPv4/TCP, both directions,
 * and the TCP both families share (IPv6 and Neighbor Discovery: frame6.c).
 *
 * Decoding trusts nothing: every length field is checked against the bytes
 * actually captured before anything it covers is read, and all reads are
 * byte-wise (tcp_options.h) because capture buffers have no alignment.
 *
 * Decisions worth knowing:
 *  - Bytes after the IPv4 total length (Ethernet padding of short frames,
 *    or a trailing FCS some drivers hand up) are ignored, never payload.
 *  - 802.1Q-tagged frames are FRAME_OTHER (ethertype 0x8100). The encoder
 *    cannot tag replies, so answering a tagged segment would put the reply
 *    on the wrong VLAN; dropping it visibly is the honest option.
 *  - ARP other than request/reply (InARP and friends) is FRAME_OTHER.
 *  - Fragments are an error, not FRAME_OTHER: lingerpeer never expects
 *    them (DF is set both ways) so seeing one is worth counting.
 *  - Checksum offload: a TCP checksum that holds the sender's pseudo-header
 *    sum (CHECKSUM_PARTIAL, completed by hardware a veth or tap does not
 *    have) is accepted as FRAME_CSUM_OFFLOADED; the IPv4 header checksum
 *    is always computed in software, so it stays strict.
 *  - Segmentation offload: a TCP segment far above the MSS, up to the
 *    64 KiB an IPv4 total length allows, is decoded as the data it is. Only
 *    the lengths in the headers bound it, never the MTU: a veth or tap
 *    carries such super-segments whole, and GRO makes them on real NICs.
 *  - ARP frames are always encoded padded to 60 bytes, the Ethernet
 *    minimum without FCS, so a capture of our own output shows what a
 *    real NIC would put on the wire. TCP frames are not padded: the
 *    shortest (54 bytes, a bare ACK) only ever goes out through a driver
 *    that pads it, and its length then tells the reader nothing useful.
 *  - IPv6 (frame6.c) shares the TCP code here: one decoder, one writer, so
 *    a segment means the same whichever family carried it.
 */
#include "frame_int.h"

#include <string.h>

#include "tcp_options.h"

#define ARP_BODY_LEN	   28
#define ARP_HTYPE_ETHERNET 1
#define ARP_FRAME_LEN	   60 /* Ethernet minimum without FCS */

#define IPV4_HDR_MIN	 20
#define IPV4_TOTAL_MAX	 65535
#define IPV4_FLAG_DF	 0x4000
#define IPV4_FLAG_MF	 0x2000
#define IPV4_FRAG_OFFSET 0x1fff
#define IPV4_CSUM_AT	 10

static const char *const error_names[FRAME_ERROR_COUNT] = {
	[FRAME_OK] = "ok",
	[FRAME_ETH_TRUNCATED] = "eth-truncated",
	[FRAME_ARP_MALFORMED] = "arp-malformed",
	[FRAME_IP_TRUNCATED] = "ip-truncated",
	[FRAME_IP_BAD_HEADER] = "ip-bad-header",
	[FRAME_IP_BAD_CSUM] = "ip-bad-csum",
	[FRAME_IP_FRAGMENT] = "ip-fragment",
	[FRAME_TCP_TRUNCATED] = "tcp-truncated",
	[FRAME_TCP_BAD_OFFSET] = "tcp-bad-offset",
	[FRAME_TCP_BAD_OPTION] = "tcp-bad-option",
	[FRAME_TCP_BAD_CSUM] = "tcp-bad-csum",
	[FRAME_IP6_TRUNCATED] = "ip6-truncated",
	[FRAME_IP6_BAD_HEADER] = "ip6-bad-header",
	[FRAME_IP6_BAD_EXT] = "ip6-bad-ext",
	[FRAME_IP6_FRAGMENT] = "ip6-fragment",
	[FRAME_ICMP6_MALFORMED] = "icmp6-malformed",
	[FRAME_ICMP6_BAD_CSUM] = "icmp6-bad-csum",
};

const char *
frame_error_name(enum frame_error err)
{
	/* err may come from a cast counter index; never index out of range. */
	if ((unsigned)err >= FRAME_ERROR_COUNT || error_names[err] == NULL)
		return "unknown";
	return error_names[err];
}

/*
 * ARP for IPv4 over Ethernet only (RFC 826 with the only parameters that
 * make sense here); anything else claiming ethertype ARP is malformed.
 */
static enum frame_error
decode_arp(const uint8_t *p, size_t len, struct frame *out)
{
	struct arp_msg *arp = &out->u.arp;
	uint16_t op;

	if (len < ARP_BODY_LEN)
		return FRAME_ARP_MALFORMED;
	if (wire_get16(p) != ARP_HTYPE_ETHERNET ||
	    wire_get16(p + 2) != ETHERTYPE_IPV4_NUM || p[4] != ETH_ALEN_LL ||
	    p[5] != 4)
		return FRAME_ARP_MALFORMED;
	op = wire_get16(p + 6);
	if (op != ARP_REQUEST && op != ARP_REPLY)
		return FRAME_OK; /* kind stays FRAME_OTHER */
	arp->op = op;
	memcpy(arp->sha, p + 8, ETH_ALEN_LL);
	arp->spa = wire_get32(p + 14);
	memcpy(arp->tha, p + 18, ETH_ALEN_LL);
	arp->tpa = wire_get32(p + 24);
	out->kind = FRAME_ARP;
	return FRAME_OK;
}

enum frame_error
frame_decode_tcp(const struct ip_view *ip, bool verify_csum, struct frame *out)
{
	const uint8_t *tcp = ip->payload;
	struct segment *seg = &out->u.seg;
	size_t hdr_len;

	if (ip->payload_len < TCP_HDR_MIN)
		return FRAME_TCP_TRUNCATED;
	hdr_len = (size_t)(tcp[12] >> 4) * 4;
	if (hdr_len < TCP_HDR_MIN || hdr_len > ip->payload_len)
		return FRAME_TCP_BAD_OFFSET;
	/* Checksum first: options of a corrupted segment are noise. */
	if (verify_csum) {
		out->tcp_csum = l4_csum_check(ip->pseudo, tcp, ip->payload_len,
		    TCP_CSUM_AT);
		if (out->tcp_csum == FRAME_CSUM_BAD)
			return FRAME_TCP_BAD_CSUM;
	}
	if (!tcp_opts_parse(tcp + TCP_HDR_MIN, hdr_len - TCP_HDR_MIN,
		&seg->opt))
		return FRAME_TCP_BAD_OPTION;

	seg->saddr = ip->saddr;
	seg->daddr = ip->daddr;
	seg->sport = wire_get16(tcp);
	seg->dport = wire_get16(tcp + 2);
	seg->seq = wire_get32(tcp + 4);
	seg->ack = wire_get32(tcp + 8);
	seg->flags = tcp[13];
	seg->window = wire_get16(tcp + 14);
	seg->payload_len = (uint32_t)(ip->payload_len - hdr_len);
	seg->payload = seg->payload_len > 0 ? tcp + hdr_len : NULL;
	out->kind = FRAME_TCP;
	return FRAME_OK;
}

/*
 * Validate the IPv4 header in the order that gives the most specific
 * reason: too short to read, nonsensical, corrupted, unsupported.
 */
static enum frame_error
decode_ipv4(const uint8_t *p, size_t len, bool verify_csum, struct frame *out)
{
	struct ip_view ip;
	size_t hdr_len, total_len;
	uint16_t frag;

	if (len < IPV4_HDR_MIN)
		return FRAME_IP_TRUNCATED;
	if (p[0] >> 4 != 4)
		return FRAME_IP_BAD_HEADER;
	hdr_len = (size_t)(p[0] & 0x0f) * 4;
	if (hdr_len < IPV4_HDR_MIN)
		return FRAME_IP_BAD_HEADER;
	if (hdr_len > len)
		return FRAME_IP_TRUNCATED;
	total_len = wire_get16(p + 2);
	if (total_len < hdr_len)
		return FRAME_IP_BAD_HEADER;
	if (total_len > len)
		return FRAME_IP_TRUNCATED;
	if (verify_csum && inet_csum(p, hdr_len, 0) != 0)
		return FRAME_IP_BAD_CSUM;
	frag = wire_get16(p + 6);
	if ((frag & IPV4_FLAG_MF) != 0 || (frag & IPV4_FRAG_OFFSET) != 0)
		return FRAME_IP_FRAGMENT;

	out->ip_id = wire_get16(p + 4);
	out->ip_ttl = p[8];
	out->ip_len = (uint32_t)total_len;
	if (p[9] != IPPROTO_TCP_NUM)
		return FRAME_OK; /* kind stays FRAME_OTHER */
	/* IPv4 options, if any, are skipped: hdr_len already covers them. */
	ip.saddr = ip_addr_v4(wire_get32(p + 12));
	ip.daddr = ip_addr_v4(wire_get32(p + 16));
	ip.payload = p + hdr_len;
	ip.payload_len = total_len - hdr_len;
	ip.pseudo = tcp_pseudo_ipv4(wire_get32(p + 12), wire_get32(p + 16),
	    ip.payload_len);
	return frame_decode_tcp(&ip, verify_csum, out);
}

/*
 * On error out->kind is FRAME_OTHER and only the Ethernet fields (when
 * len allowed them) mean anything; the rest is zero or half-filled.
 */
enum frame_error
frame_decode(const uint8_t *buf, size_t len, bool verify_csum,
    struct frame *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = FRAME_OTHER;
	if (len < ETH_HDR_LEN)
		return FRAME_ETH_TRUNCATED;
	memcpy(out->eth_dst, buf, ETH_ALEN_LL);
	memcpy(out->eth_src, buf + ETH_ALEN_LL, ETH_ALEN_LL);
	out->ethertype = wire_get16(buf + 12);

	switch (out->ethertype) {
	case ETHERTYPE_ARP_NUM:
		return decode_arp(buf + ETH_HDR_LEN, len - ETH_HDR_LEN, out);
	case ETHERTYPE_IPV4_NUM:
		return decode_ipv4(buf + ETH_HDR_LEN, len - ETH_HDR_LEN,
		    verify_csum, out);
	case ETHERTYPE_IPV6_NUM:
		return frame_decode_ipv6(buf + ETH_HDR_LEN, len - ETH_HDR_LEN,
		    verify_csum, out);
	default: return FRAME_OK; /* 802.1Q, LLDP...: not ours */
	}
}

void
frame_write_eth(uint8_t *p, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], uint16_t ethertype)
{
	memcpy(p, dst_mac, ETH_ALEN_LL);
	memcpy(p + ETH_ALEN_LL, src_mac, ETH_ALEN_LL);
	wire_put16(p + 12, ethertype);
}

/* A 20-byte IPv4 header: no options, DF set, TOS/ECN zero. */
static void
write_ipv4(uint8_t *p, size_t total_len, uint16_t ip_id, uint8_t ttl,
    uint32_t saddr, uint32_t daddr)
{
	p[0] = 0x45;
	p[1] = 0;
	wire_put16(p + 2, (uint16_t)total_len);
	wire_put16(p + 4, ip_id);
	wire_put16(p + 6, IPV4_FLAG_DF);
	p[8] = ttl;
	p[9] = IPPROTO_TCP_NUM;
	wire_put16(p + IPV4_CSUM_AT, 0);
	wire_put32(p + 12, saddr);
	wire_put32(p + 16, daddr);
	wire_put16(p + IPV4_CSUM_AT, inet_csum(p, IPV4_HDR_MIN, 0));
}

/* seg->payload must not overlap the frame being built. */
size_t
frame_write_tcp(uint8_t *p, const struct segment *seg, size_t opt_len,
    uint32_t pseudo)
{
	size_t hdr_len = TCP_HDR_MIN + opt_len;
	size_t tcp_len = hdr_len + seg->payload_len;

	wire_put16(p, seg->sport);
	wire_put16(p + 2, seg->dport);
	wire_put32(p + 4, seg->seq);
	wire_put32(p + 8, seg->ack);
	p[12] = (uint8_t)(hdr_len / 4 << 4);
	p[13] = seg->flags;
	wire_put16(p + 14, seg->window);
	wire_put16(p + TCP_CSUM_AT, 0);
	wire_put16(p + 18, 0); /* urgent pointer: never used */
	(void)tcp_opts_encode(&seg->opt, p + TCP_HDR_MIN, opt_len);
	if (seg->payload_len > 0)
		memcpy(p + hdr_len, seg->payload, seg->payload_len);
	wire_put16(p + TCP_CSUM_AT, inet_csum(p, tcp_len, pseudo));
	return tcp_len;
}

/*
 * seg->payload must not overlap buf. The frame is built in place, so on
 * a 0 return buf is untouched.
 */
size_t
frame_encode_tcp(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], const struct segment *seg,
    uint16_t ip_id, uint8_t ttl)
{
	size_t opt_len = tcp_opts_encoded_len(&seg->opt);
	size_t tcp_len, ip_len, frame_len;
	uint32_t saddr, daddr;
	uint8_t *ip;

	if (seg->payload_len > 0 && seg->payload == NULL)
		return 0;
	if (seg->saddr.family != seg->daddr.family)
		return 0;
	if (ip_addr_is_v6(&seg->saddr))
		return frame_encode_tcp6(buf, cap, src_mac, dst_mac, seg, ttl);
	if (!ip_addr_is_v4(&seg->saddr))
		return 0;
	/* The IPv4 total length field is 16 bits; refuse what cannot fit. */
	if (seg->payload_len >
	    IPV4_TOTAL_MAX - IPV4_HDR_MIN - TCP_HDR_MIN - opt_len)
		return 0;
	tcp_len = TCP_HDR_MIN + opt_len + seg->payload_len;
	ip_len = IPV4_HDR_MIN + tcp_len;
	frame_len = ETH_HDR_LEN + ip_len;
	if (buf == NULL || cap < frame_len)
		return 0;

	ip = buf + ETH_HDR_LEN;
	saddr = ip_addr_to_v4(&seg->saddr);
	daddr = ip_addr_to_v4(&seg->daddr);
	frame_write_eth(buf, src_mac, dst_mac, ETHERTYPE_IPV4_NUM);
	write_ipv4(ip, ip_len, ip_id, ttl, saddr, daddr);
	frame_write_tcp(ip + IPV4_HDR_MIN, seg, opt_len,
	    tcp_pseudo_ipv4(saddr, daddr, tcp_len));
	return frame_len;
}

size_t
frame_encode_arp(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], const struct arp_msg *arp)
{
	uint8_t *p;

	if (buf == NULL || cap < ARP_FRAME_LEN)
		return 0;
	memset(buf, 0, ARP_FRAME_LEN); /* the padding must not leak memory */
	frame_write_eth(buf, src_mac, dst_mac, ETHERTYPE_ARP_NUM);
	p = buf + ETH_HDR_LEN;
	wire_put16(p, ARP_HTYPE_ETHERNET);
	wire_put16(p + 2, ETHERTYPE_IPV4_NUM);
	p[4] = ETH_ALEN_LL;
	p[5] = 4;
	wire_put16(p + 6, arp->op);
	memcpy(p + 8, arp->sha, ETH_ALEN_LL);
	wire_put32(p + 14, arp->spa);
	memcpy(p + 18, arp->tha, ETH_ALEN_LL);
	wire_put32(p + 24, arp->tpa);
	return ARP_FRAME_LEN;
}
