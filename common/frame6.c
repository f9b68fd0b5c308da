/*
 * frame6.c - IPv6 in Ethernet frames: TCP in it both ways, the extension
 * headers on the way to it, and ICMPv6, of which Neighbor Solicitations
 * and Advertisements (RFC 4861) are decoded and encoded and the rest is
 * the link's own noise.
 *
 * As in frame.c, nothing read is trusted: the payload length is checked
 * against the bytes captured, every extension header's length against the
 * payload, every NDP option's against the message.
 *
 * Decisions worth knowing:
 *  - Bytes after the payload length (Ethernet padding) are ignored.
 *  - Hop-by-Hop Options (first only, as RFC 8200 4.1 says), Destination
 *    Options and Routing headers are skipped by their length, at most
 *    IP6_EXT_MAX of them, and counted in frame.ip6_ext; one that runs past
 *    the packet, a Hop-by-Hop header in second place or one more than the
 *    limit is FRAME_IP6_BAD_EXT. A Routing header with segments left is
 *    on its way to another node: FRAME_OTHER.
 *  - A Fragment header is FRAME_IP6_FRAGMENT: nothing is reassembled, and
 *    lingerpeer never sends IPv6 larger than the link's MTU.
 *  - A multicast source is FRAME_IP6_BAD_HEADER (RFC 4291, 2.7): a reply
 *    to it would go to a group.
 *  - A payload length of 0 (an empty packet, or a jumbogram's) holds no
 *    header: TCP or ICMPv6 in it is truncated, extension headers bad.
 *  - TCP checksums accept what checksum offload leaves, as over IPv4
 *    (l4_csum_check); so do ICMPv6 ones, which Linux never offloads.
 *  - ICMPv6 other than NS and NA (router solicitations, MLD reports, echo)
 *    is FRAME_LINK_NOISE: recognised by its type alone, its checksum
 *    never checked, since nothing is ever done with it.
 *  - An NS or NA is FRAME_ICMP6_MALFORMED unless it passes RFC 4861's
 *    checks (7.1.1, 7.1.2): hop limit 255, code 0, at least 24 bytes,
 *    every option of a nonzero length that fits, a target that is not
 *    multicast, no source link-layer option in a duplicate address probe
 *    (source ::, which must go to a solicited-node group), and no
 *    Solicited flag on an advertisement sent to a group.
 */
#include "frame_int.h"

#include <string.h>

#include "tcp_options.h"

#define IPV6_HDR_LEN	 40
#define IPV6_PAYLOAD_MAX 65535

#define NH_HOP_BY_HOP 0
#define NH_ROUTING    43
#define NH_FRAGMENT   44
#define NH_ICMPV6     58
#define NH_DEST_OPTS  60
#define IP6_EXT_MAX   8 /* a real packet has one or two */

#define ICMP6_CSUM_AT	2
#define NDP_HDR_LEN	24 /* type, code, checksum, flags, target */
#define NDP_HOP_LIMIT	255
#define NDP_OPT_SLLA	1
#define NDP_OPT_TLLA	2
#define NDP_OPT_LLA_LEN 8 /* type, length, an Ethernet address */

/* What the walk over the extension headers found. */
struct ip6_walk {
	uint8_t next; /* the upper-layer protocol */
	size_t off;   /* where it starts, from the IPv6 header */
};

/*
 * Skip the extension headers between the fixed header and the upper
 * layer. FRAME_OK with w filled; FRAME_OK with out->kind left FRAME_OTHER
 * and w->next NH_ROUTING for a packet on its way elsewhere; or an error.
 */
static enum frame_error
walk_ext(const uint8_t *p, size_t end, struct ip6_walk *w, struct frame *out)
{
	size_t hlen;

	w->next = p[6];
	w->off = IPV6_HDR_LEN;
	for (;;) {
		if (w->next == NH_FRAGMENT)
			return FRAME_IP6_FRAGMENT;
		if (w->next != NH_HOP_BY_HOP && w->next != NH_DEST_OPTS &&
		    w->next != NH_ROUTING)
			return FRAME_OK;
		if (out->ip6_ext == IP6_EXT_MAX ||
		    (w->next == NH_HOP_BY_HOP && out->ip6_ext > 0))
			return FRAME_IP6_BAD_EXT;
		/* Never trust the length byte before it is known to be there. */
		if (end - w->off < 8)
			return FRAME_IP6_BAD_EXT;
		hlen = ((size_t)p[w->off + 1] + 1) * 8;
		if (hlen > end - w->off)
			return FRAME_IP6_BAD_EXT;
		if (w->next == NH_ROUTING && p[w->off + 3] != 0)
			return FRAME_OK; /* segments left: not the last hop */
		out->ip6_ext++;
		w->next = p[w->off];
		w->off += hlen;
	}
}

/* The options after an NS or NA's 24 bytes: all must be well-formed. */
static enum frame_error
ndp_options(const uint8_t *p, size_t len, uint8_t lla_type, struct ndp_msg *m)
{
	size_t off = NDP_HDR_LEN, olen;

	while (off < len) {
		if (len - off < 2)
			return FRAME_ICMP6_MALFORMED;
		olen = (size_t)p[off + 1] * 8;
		if (olen == 0 || olen > len - off)
			return FRAME_ICMP6_MALFORMED;
		if (p[off] == lla_type && olen >= NDP_OPT_LLA_LEN) {
			m->has_lla = true;
			memcpy(m->lla, p + off + 2, ETH_ALEN_LL);
		}
		off += olen;
	}
	return FRAME_OK;
}

/* RFC 4861's checks that need the decoded fields (see the top). */
static bool
ndp_valid(const struct ndp_msg *m)
{
	if (ip_addr_is_multicast(&m->target))
		return false;
	if (m->type == NDP_NS && ip_addr_is_unspecified6(&m->src)) {
		struct ip_addr group = ip_addr_solicited_node(&m->target);

		return !m->has_lla && ip_addr_eq(&m->dst, &group);
	}
	if (m->type == NDP_NA && ip_addr_is_multicast(&m->dst))
		return (m->na_flags & NDP_NA_SOLICITED) == 0;
	return true;
}

static enum frame_error
decode_icmp6(const struct ip_view *ip, uint8_t hop_limit, bool verify_csum,
    struct frame *out)
{
	const uint8_t *p = ip->payload;
	struct ndp_msg *m = &out->u.ndp;
	enum frame_error err;
	size_t len = ip->payload_len;

	if (len < 4)
		return FRAME_ICMP6_MALFORMED;
	if (p[0] != NDP_NS && p[0] != NDP_NA) {
		out->kind = FRAME_LINK_NOISE;
		return FRAME_OK;
	}
	if (hop_limit != NDP_HOP_LIMIT || p[1] != 0 || len < NDP_HDR_LEN)
		return FRAME_ICMP6_MALFORMED;
	if (verify_csum &&
	    l4_csum_check(l4_pseudo_ipv6(&ip->saddr, &ip->daddr, (uint32_t)len,
			      NH_ICMPV6),
		p, len, ICMP6_CSUM_AT) == FRAME_CSUM_BAD)
		return FRAME_ICMP6_BAD_CSUM;
	memset(m, 0, sizeof(*m));
	m->type = p[0];
	m->na_flags = m->type == NDP_NA ? (uint8_t)(p[4] & 0xe0) : 0;
	m->src = ip->saddr;
	m->dst = ip->daddr;
	m->target = ip_addr_v6(p + 8);
	err = ndp_options(p, len,
	    m->type == NDP_NS ? NDP_OPT_SLLA : NDP_OPT_TLLA, m);
	if (err != FRAME_OK)
		return err;
	if (!ndp_valid(m))
		return FRAME_ICMP6_MALFORMED;
	out->kind = FRAME_NDP;
	return FRAME_OK;
}

/*
 * In the order that gives the most specific reason, as for IPv4: too
 * short to read, nonsensical, then what is inside.
 */
enum frame_error
frame_decode_ipv6(const uint8_t *p, size_t len, bool verify_csum,
    struct frame *out)
{
	struct ip6_walk w;
	struct ip_view ip;
	enum frame_error err;
	size_t end;

	if (len < IPV6_HDR_LEN)
		return FRAME_IP6_TRUNCATED;
	if (p[0] >> 4 != 6)
		return FRAME_IP6_BAD_HEADER;
	end = IPV6_HDR_LEN + (size_t)wire_get16(p + 4);
	if (end > len)
		return FRAME_IP6_TRUNCATED;
	ip.saddr = ip_addr_v6(p + 8);
	ip.daddr = ip_addr_v6(p + 24);
	if (ip_addr_is_multicast(&ip.saddr))
		return FRAME_IP6_BAD_HEADER;
	out->ip_ttl = p[7];
	out->ip_len = (uint32_t)end;
	if ((err = walk_ext(p, end, &w, out)) != FRAME_OK)
		return err;
	ip.payload = p + w.off;
	ip.payload_len = end - w.off;
	if (w.next == IPPROTO_TCP_NUM) {
		ip.pseudo = l4_pseudo_ipv6(&ip.saddr, &ip.daddr,
		    (uint32_t)ip.payload_len, IPPROTO_TCP_NUM);
		return frame_decode_tcp(&ip, verify_csum, out);
	}
	if (w.next == NH_ICMPV6)
		return decode_icmp6(&ip, out->ip_ttl, verify_csum, out);
	return FRAME_OK; /* UDP, ESP, no next header...: not ours */
}

/* A 40-byte IPv6 header: traffic class and flow label zero. */
static void
write_ipv6(uint8_t *p, size_t payload_len, uint8_t next, uint8_t hop_limit,
    const struct ip_addr *src, const struct ip_addr *dst)
{
	wire_put32(p, 0x60000000u);
	wire_put16(p + 4, (uint16_t)payload_len);
	p[6] = next;
	p[7] = hop_limit;
	memcpy(p + 8, src->b, 16);
	memcpy(p + 24, dst->b, 16);
}

size_t
frame_encode_tcp6(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], const struct segment *seg,
    uint8_t hop_limit)
{
	size_t opt_len = tcp_opts_encoded_len(&seg->opt);
	size_t tcp_len, frame_len;
	uint8_t *ip;

	/* The payload length field is 16 bits; no jumbograms. */
	if (seg->payload_len > IPV6_PAYLOAD_MAX - TCP_HDR_MIN - opt_len)
		return 0;
	tcp_len = TCP_HDR_MIN + opt_len + seg->payload_len;
	frame_len = ETH_HDR_LEN + IPV6_HDR_LEN + tcp_len;
	if (buf == NULL || cap < frame_len)
		return 0;
	ip = buf + ETH_HDR_LEN;
	frame_write_eth(buf, src_mac, dst_mac, ETHERTYPE_IPV6_NUM);
	write_ipv6(ip, tcp_len, IPPROTO_TCP_NUM, hop_limit, &seg->saddr,
	    &seg->daddr);
	frame_write_tcp(ip + IPV6_HDR_LEN, seg, opt_len,
	    l4_pseudo_ipv6(&seg->saddr, &seg->daddr, (uint32_t)tcp_len,
		IPPROTO_TCP_NUM));
	return frame_len;
}

size_t
frame_encode_ndp(uint8_t *buf, size_t cap, const uint8_t src_mac[ETH_ALEN_LL],
    const uint8_t dst_mac[ETH_ALEN_LL], const struct ndp_msg *m)
{
	size_t icmp_len = NDP_HDR_LEN + (m->has_lla ? NDP_OPT_LLA_LEN : 0);
	size_t frame_len = ETH_HDR_LEN + IPV6_HDR_LEN + icmp_len;
	uint8_t *ip, *icmp;

	if (buf == NULL || cap < frame_len || !ip_addr_is_v6(&m->src) ||
	    !ip_addr_is_v6(&m->dst) || !ip_addr_is_v6(&m->target) ||
	    (m->type != NDP_NS && m->type != NDP_NA))
		return 0;
	memset(buf, 0, frame_len); /* reserved bits, and no stale bytes */
	ip = buf + ETH_HDR_LEN;
	icmp = ip + IPV6_HDR_LEN;
	frame_write_eth(buf, src_mac, dst_mac, ETHERTYPE_IPV6_NUM);
	write_ipv6(ip, icmp_len, NH_ICMPV6, NDP_HOP_LIMIT, &m->src, &m->dst);
	icmp[0] = m->type;
	if (m->type == NDP_NA)
		icmp[4] = m->na_flags &
		    (NDP_NA_ROUTER | NDP_NA_SOLICITED | NDP_NA_OVERRIDE);
	memcpy(icmp + 8, m->target.b, 16);
	if (m->has_lla) {
		icmp[NDP_HDR_LEN] =
		    m->type == NDP_NS ? NDP_OPT_SLLA : NDP_OPT_TLLA;
		icmp[NDP_HDR_LEN + 1] = 1; /* in units of 8 bytes */
		memcpy(icmp + NDP_HDR_LEN + 2, m->lla, ETH_ALEN_LL);
	}
	wire_put16(icmp + ICMP6_CSUM_AT,
	    inet_csum(icmp, icmp_len,
		l4_pseudo_ipv6(&m->src, &m->dst, (uint32_t)icmp_len,
		    NH_ICMPV6)));
	return frame_len;
}

void
eth_multicast6(const struct ip_addr *group, uint8_t mac[ETH_ALEN_LL])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->b + 12, 4);
}
