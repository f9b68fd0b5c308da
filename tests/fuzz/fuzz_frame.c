/*
 * fuzz_frame.c - libFuzzer target for the packet codec.
 *
 * Feeds arbitrary bytes to frame_decode() with and without checksum
 * verification and checks the properties the rest of lingerpeer relies on:
 *  - no crash, no over-read (ASan), no undefined behaviour (UBSan);
 *  - verification only ever adds a checksum error, nothing else changes;
 *  - a TCP checksum is flagged as checked (correct or offloaded) exactly
 *    when verified, and never flagged offloaded unless the field holds the
 *    pseudo-header sum;
 *  - the payload pointer stays inside the input;
 *  - a decoded TCP (over IPv4 or IPv6), ARP or NDP frame re-encodes into
 *    something that decodes, checksums verified, to the same fields, and
 *    encoding that again gives the same bytes;
 *  - the link's noise and NDP appear only in IPv6 frames.
 * Any violation aborts, which libFuzzer reports as a crash with its input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* Ethernet header plus the largest IPv6 packet (IPv4's is 40 bytes less). */
#define REENCODE_CAP   (14 + 40 + 65535)
#define ETHERTYPE_IPV6 0x86dd

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_frame: property violated: %s\n", what);
	abort();
}

static bool
is_csum_error(enum frame_error err)
{
	return err == FRAME_IP_BAD_CSUM || err == FRAME_TCP_BAD_CSUM ||
	    err == FRAME_ICMP6_BAD_CSUM;
}

static bool
same_opts(const struct tcp_opts *a, const struct tcp_opts *b)
{
	return a->has_mss == b->has_mss && a->mss == b->mss &&
	    a->has_wscale == b->has_wscale && a->wscale == b->wscale &&
	    a->sack_ok == b->sack_ok && a->has_ts == b->has_ts &&
	    a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr;
}

static bool
same_segment(const struct segment *a, const struct segment *b)
{
	if (!ip_addr_eq(&a->saddr, &b->saddr) ||
	    !ip_addr_eq(&a->daddr, &b->daddr) || a->sport != b->sport ||
	    a->dport != b->dport || a->seq != b->seq || a->ack != b->ack ||
	    a->flags != b->flags || a->window != b->window ||
	    !same_opts(&a->opt, &b->opt) || a->payload_len != b->payload_len)
		return false;
	if (a->payload_len == 0)
		return a->payload == NULL && b->payload == NULL;
	return memcmp(a->payload, b->payload, a->payload_len) == 0;
}

/* Field by field: memcmp would compare struct padding too. */
static bool
same_arp(const struct arp_msg *a, const struct arp_msg *b)
{
	return a->op == b->op && a->spa == b->spa && a->tpa == b->tpa &&
	    memcmp(a->sha, b->sha, ETH_ALEN_LL) == 0 &&
	    memcmp(a->tha, b->tha, ETH_ALEN_LL) == 0;
}

static bool
same_ndp(const struct ndp_msg *a, const struct ndp_msg *b)
{
	return a->type == b->type && a->na_flags == b->na_flags &&
	    a->has_lla == b->has_lla &&
	    (!a->has_lla || memcmp(a->lla, b->lla, ETH_ALEN_LL) == 0) &&
	    ip_addr_eq(&a->src, &b->src) && ip_addr_eq(&a->dst, &b->dst) &&
	    ip_addr_eq(&a->target, &b->target);
}

static bool
same_frame(const struct frame *a, const struct frame *b)
{
	if (memcmp(a->eth_dst, b->eth_dst, ETH_ALEN_LL) != 0 ||
	    memcmp(a->eth_src, b->eth_src, ETH_ALEN_LL) != 0 ||
	    a->ethertype != b->ethertype || a->kind != b->kind)
		return false;
	if (a->kind == FRAME_ARP)
		return same_arp(&a->u.arp, &b->u.arp);
	if (a->kind == FRAME_NDP)
		return a->ip_ttl == b->ip_ttl && same_ndp(&a->u.ndp, &b->u.ndp);
	if (a->kind == FRAME_TCP)
		return a->ip_id == b->ip_id && a->ip_ttl == b->ip_ttl &&
		    same_segment(&a->u.seg, &b->u.seg);
	return true;
}

static size_t
encode(const struct frame *f, uint8_t *buf)
{
	if (f->kind == FRAME_ARP)
		return frame_encode_arp(buf, REENCODE_CAP, f->eth_src,
		    f->eth_dst, &f->u.arp);
	if (f->kind == FRAME_NDP)
		return frame_encode_ndp(buf, REENCODE_CAP, f->eth_src,
		    f->eth_dst, &f->u.ndp);
	return frame_encode_tcp(buf, REENCODE_CAP, f->eth_src, f->eth_dst,
	    &f->u.seg, f->ip_id, f->ip_ttl);
}

/* decode -> encode -> decode keeps the fields; encode is deterministic. */
static void
check_reencode(const struct frame *orig)
{
	static uint8_t first[REENCODE_CAP], second[REENCODE_CAP];
	struct frame again;
	size_t n1, n2;

	n1 = encode(orig, first);
	require(n1 > 0, "a decoded frame must fit when encoded again");
	require(frame_decode(first, n1, true, &again) == FRAME_OK,
	    "our own encoding must decode with checksums verified");
	require(again.kind != FRAME_TCP || again.tcp_csum == FRAME_CSUM_OK,
	    "our own encoding must carry a complete checksum");
	require(same_frame(orig, &again), "round trip changed a field");
	n2 = encode(&again, second);
	require(n1 == n2 && memcmp(first, second, n1) == 0,
	    "encoding the round-tripped frame gave different bytes");
}

/*
 * Where the TCP header of a decoded frame starts, and the segment's
 * length: after IPv4's header, or after IPv6's and the extension headers
 * the decoder skipped (it checked their lengths, so walking them is safe).
 */
static const uint8_t *
tcp_header(const struct frame *f, const uint8_t *data, size_t *len)
{
	const uint8_t *ip = data + 14;
	size_t off;
	unsigned i;

	if (f->ethertype == ETHERTYPE_IPV6) {
		for (off = 40, i = 0; i < f->ip6_ext; i++)
			off += ((size_t)ip[off + 1] + 1) * 8;
		*len = f->ip_len - off;
		return ip + off;
	}
	off = (size_t)(ip[0] & 0x0f) * 4;
	*len = f->ip_len - off;
	return ip + off;
}

/* The checksum flag says what was checked, and an offloaded one is exact. */
static void
check_csum_flags(const struct frame *verified, const struct frame *unverified,
    const uint8_t *data)
{
	const uint8_t *tcp;
	uint32_t pseudo;
	size_t len;

	require(unverified->tcp_csum == FRAME_CSUM_UNCHECKED,
	    "a checksum flagged as checked with verification off");
	if (verified->kind != FRAME_TCP)
		return;
	require(verified->tcp_csum == FRAME_CSUM_OK ||
		verified->tcp_csum == FRAME_CSUM_OFFLOADED,
	    "a verified TCP frame without a checked checksum");
	if (verified->tcp_csum != FRAME_CSUM_OFFLOADED)
		return;
	tcp = tcp_header(verified, data, &len);
	pseudo =
	    tcp_pseudo(&verified->u.seg.saddr, &verified->u.seg.daddr, len);
	while (pseudo > 0xffff)
		pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	require((uint32_t)(tcp[16] << 8 | tcp[17]) == pseudo,
	    "flagged offloaded without the pseudo-header sum in the field");
}

static void
check_payload_inside(const struct frame *f, const uint8_t *data, size_t size)
{
	const struct segment *s = &f->u.seg;

	if (f->kind != FRAME_TCP || s->payload_len == 0)
		return;
	require(s->payload >= data && s->payload_len <= size &&
		(size_t)(s->payload - data) <= size - s->payload_len,
	    "payload points outside the input");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame verified, unverified;
	enum frame_error ev, eu;
	char flags[10];

	ev = frame_decode(data, size, true, &verified);
	eu = frame_decode(data, size, false, &unverified);
	require(strcmp(frame_error_name(ev), "unknown") != 0 &&
		strcmp(frame_error_name(eu), "unknown") != 0,
	    "decode returned an error without a name");
	require(!is_csum_error(eu), "checksum error with verification off");
	require(ev == eu || is_csum_error(ev),
	    "verification changed more than the checksum verdict");
	if (ev == FRAME_OK) {
		require(same_frame(&verified, &unverified),
		    "verification changed the decoded fields");
		check_csum_flags(&verified, &unverified, data);
	}
	if (eu != FRAME_OK)
		return 0;

	check_payload_inside(&unverified, data, size);
	if (unverified.kind == FRAME_TCP) {
		tcp_flags_str(unverified.u.seg.flags, flags);
		require(strlen(flags) < sizeof(flags), "flag string too long");
		require(unverified.u.seg.saddr.family ==
			(unverified.ethertype == ETHERTYPE_IPV6 ? IPF_V6
								: IPF_V4),
		    "an address of the wrong family");
	}
	if (unverified.kind == FRAME_NDP || unverified.kind == FRAME_LINK_NOISE)
		require(unverified.ethertype == ETHERTYPE_IPV6,
		    "NDP outside IPv6");
	/* The codec encodes what the peer sends; not the link's noise. */
	if (unverified.kind == FRAME_ARP || unverified.kind == FRAME_TCP ||
	    unverified.kind == FRAME_NDP)
		check_reencode(&unverified);
	return 0;
}
