/*
 * test_frame6.c - the packet codec over IPv6: TCP decoded and encoded with
 * the IPv6 pseudo-header, extension headers skipped or refused with a
 * reason, fragments counted, Neighbor Solicitations and Advertisements
 * both ways, and the rest of ICMPv6 taken for the link's noise.
 *
 * The reference frames were written out by hand; their checksums were
 * computed apart from the C code (tests/fuzz/make_frame_seeds.py, the
 * same values) and read back by tcpdump, which called each one correct.
 * Beside them, frames a Linux kernel sent on a veth at its defaults (the
 * fuzzer's real_*.bin seeds) must decode as what they are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "tcp_options.h"
#include "codec_asserts.h"

#define IP6_AT	 14 /* the IPv6 header in an untagged frame */
#define L4_AT	 54 /* what follows it when there is no extension header */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
/* 2001:db8::1 and 2001:db8::2 */
static const struct ip_addr client_ip = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const struct ip_addr peer_ip = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

/*
 * A SYN as Linux 6.x sends it over IPv6: [2001:db8::1]:45678 ->
 * [2001:db8::2]:8080, window 64800, MSS 1440, SACK-perm, TS 0x009c4e21/0,
 * NOP, WS 7. Hop limit 64, TCP checksum 0x784a.
 */
static const uint8_t syn6[94] = {
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x86,
	0xdd,
	0x60,
	0x00,
	0x00,
	0x00,
	0x00,
	0x28,
	0x06,
	0x40,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0xb2,
	0x6e,
	0x1f,
	0x90,
	0x1a,
	0x2b,
	0x3c,
	0x4d,
	0x00,
	0x00,
	0x00,
	0x00,
	0xa0,
	0x02,
	0xfd,
	0x20,
	0x78,
	0x4a,
	0x00,
	0x00,
	0x02,
	0x04,
	0x05,
	0xa0,
	0x04,
	0x02,
	0x08,
	0x0a,
	0x00,
	0x9c,
	0x4e,
	0x21,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x03,
	0x03,
	0x07,
};

/* Who has 2001:db8::2, from 2001:db8::1 to ff02::1:ff00:2, with its MAC. */
static const uint8_t ns6[86] = {
	0x33,
	0x33,
	0xff,
	0x00,
	0x00,
	0x02,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x86,
	0xdd,
	0x60,
	0x00,
	0x00,
	0x00,
	0x00,
	0x20,
	0x3a,
	0xff,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0xff,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0xff,
	0x00,
	0x00,
	0x02,
	0x87,
	0x00,
	0x1c,
	0x27,
	0x00,
	0x00,
	0x00,
	0x00,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x01,
	0x01,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
};

/* The answer: 2001:db8::2 is at 02:..:02, Solicited and Override. */
static const uint8_t na6[86] = {
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x86,
	0xdd,
	0x60,
	0x00,
	0x00,
	0x00,
	0x00,
	0x20,
	0x3a,
	0xff,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x88,
	0x00,
	0x8a,
	0x71,
	0x60,
	0x00,
	0x00,
	0x00,
	0x20,
	0x01,
	0x0d,
	0xb8,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
	0x02,
	0x01,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x02,
};

/* An MLDv2 report from ::, behind its Router Alert Hop-by-Hop header. */
static const uint8_t mld6[90] = {
	0x33,
	0x33,
	0x00,
	0x00,
	0x00,
	0x16,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x86,
	0xdd,
	0x60,
	0x00,
	0x00,
	0x00,
	0x00,
	0x24,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0xff,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x16,
	0x3a,
	0x00,
	0x05,
	0x02,
	0x00,
	0x00,
	0x01,
	0x00,
	0x8f,
	0x00,
	0x6f,
	0x89,
	0x00,
	0x00,
	0x00,
	0x01,
	0x04,
	0x00,
	0x00,
	0x00,
	0xff,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0xff,
	0x00,
	0x00,
	0x01,
};

/* From an exact-size heap copy, so ASan sees any over-read. */
static enum frame_error
decode_exact(const uint8_t *bytes, size_t len, bool verify, struct frame *out)
{
	enum frame_error err;
	uint8_t *copy = malloc(len > 0 ? len : 1);

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	err = frame_decode(copy, len, verify, out);
	free(copy);
	return err;
}

/* Recompute the TCP or ICMPv6 checksum right after the IPv6 header. */
static void
fix_l4_csum(uint8_t *f)
{
	struct ip_addr src = ip_addr_v6(f + IP6_AT + 8),
		       dst = ip_addr_v6(f + IP6_AT + 24);
	size_t len = wire_get16(f + IP6_AT + 4),
	       at = f[IP6_AT + 6] == 6 ? 16 : 2;

	wire_put16(f + L4_AT + at, 0);
	wire_put16(f + L4_AT + at,
	    inet_csum(f + L4_AT, len,
		l4_pseudo_ipv6(&src, &dst, (uint32_t)len, f[IP6_AT + 6])));
}

/*
 * Put ext (a chain of extension headers, first its type) between the
 * IPv6 header and the TCP of syn6. Returns the frame's length.
 */
static size_t
with_ext(uint8_t *f, uint8_t first, const uint8_t *ext, size_t ext_len)
{
	memcpy(f, syn6, L4_AT);
	memcpy(f + L4_AT, ext, ext_len);
	memcpy(f + L4_AT + ext_len, syn6 + L4_AT, sizeof(syn6) - L4_AT);
	f[IP6_AT + 6] = first;
	wire_put16(f + IP6_AT + 4, (uint16_t)(40 + ext_len));
	return sizeof(syn6) + ext_len;
}

static const struct segment synack6 = {
	.saddr = { .family = IPF_V6,
	    .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
	.daddr = { .family = IPF_V6,
	    .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	.sport = 8080,
	.dport = 45678,
	.seq = 0x5e6f7081,
	.ack = 0x1a2b3c4e,
	.flags = TCPF_SYN | TCPF_ACK,
	.window = 65535,
	.opt = { .has_mss = true,
	    .mss = 1440,
	    .sack_ok = true,
	    .has_ts = true,
	    .ts_val = 0xabcdef,
	    .ts_ecr = 0x9c4e21,
	    .has_wscale = true,
	    .wscale = 7 },
};

static void
test_decode_linux_syn6(void **state)
{
	const struct segment want = {
		.saddr = client_ip,
		.daddr = peer_ip,
		.sport = 45678,
		.dport = 8080,
		.seq = 0x1a2b3c4d,
		.flags = TCPF_SYN,
		.window = 64800,
		.opt = { .has_mss = true,
		    .mss = 1440,
		    .sack_ok = true,
		    .has_ts = true,
		    .ts_val = 0x009c4e21,
		    .has_wscale = true,
		    .wscale = 7 },
	};
	struct frame f;

	(void)state;
	/* The checksum, worked out over the IPv6 pseudo-header. */
	assert_int_equal(inet_csum(syn6 + L4_AT, 40,
			     l4_pseudo_ipv6(&client_ip, &peer_ip, 40, 6)),
	    0);
	assert_int_equal(tcp_pseudo(&client_ip, &peer_ip, 40),
	    l4_pseudo_ipv6(&client_ip, &peer_ip, 40, 6));
	assert_int_equal(decode_exact(syn6, sizeof(syn6), true, &f), FRAME_OK);
	assert_int_equal(f.kind, FRAME_TCP);
	assert_int_equal(f.ethertype, 0x86dd);
	assert_int_equal(f.ip_ttl, 64);
	assert_int_equal(f.ip_len, 80);
	assert_int_equal(f.ip6_ext, 0);
	assert_int_equal(f.tcp_csum, FRAME_CSUM_OK);
	assert_same_segment(&f.u.seg, &want);
}

/* Encode, check the header we promise, decode, compare; every smaller cap refused. */
static void
test_roundtrip_tcp6(void **state)
{
	static uint8_t bulk[1428];
	struct segment seg = synack6;
	uint8_t buf[FRAME_MAX];
	struct frame f;
	size_t n, cap, i;

	(void)state;
	n = frame_encode_tcp(buf, sizeof(buf), peer_mac, client_mac, &seg,
	    0xbeef, 63);
	assert_int_equal(n, 14 + 40 + 40);
	assert_memory_equal(buf + 12,
	    "\x86\xdd\x60\x00\x00\x00\x00\x28\x06\x3f", 10);
	assert_int_equal(frame_decode(buf, n, true, &f), FRAME_OK);
	assert_int_equal(f.ip_ttl, 63);
	assert_int_equal(f.ip_id, 0); /* IPv6 has none */
	assert_same_segment(&f.u.seg, &seg);
	for (cap = 0; cap < n; cap++)
		assert_int_equal(frame_encode_tcp(buf, cap, peer_mac,
				     client_mac, &seg, 1, 64),
		    0);
	/* A full segment for a 1500-byte link: MSS 1440 less 12 of timestamps. */
	for (i = 0; i < sizeof(bulk); i++)
		bulk[i] = (uint8_t)(i * 7);
	memset(&seg.opt, 0, sizeof(seg.opt));
	seg.opt.has_ts = true;
	seg.flags = TCPF_ACK | TCPF_PSH;
	seg.payload = bulk;
	seg.payload_len = sizeof(bulk);
	assert_int_equal(frame_encode_tcp(buf, sizeof(buf), peer_mac,
			     client_mac, &seg, 1, 64),
	    1514);
	assert_int_equal(frame_decode(buf, 1514, true, &f), FRAME_OK);
	assert_same_segment(&f.u.seg, &seg);
}

static void
test_encode_refuses_bad_input6(void **state)
{
	struct segment seg = synack6;
	size_t cap = 70000;
	uint8_t *out = calloc(1, cap), *payload = calloc(1, cap);

	(void)state;
	assert_non_null(out);
	assert_non_null(payload);
	/* 65535 - 20 (TCP) - 20 (options): the payload length is 16 bits. */
	seg.payload = payload;
	seg.payload_len = 65535 - 40 + 1;
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    0);
	seg.payload_len = 65535 - 40;
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    14 + 40 + 65535);
	/* Mixed or missing families: nothing is built. */
	seg = synack6;
	seg.daddr = ip_addr_v4(0x0a000001u);
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    0);
	seg.saddr = ip_addr_none();
	seg.daddr = ip_addr_none();
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    0);
	free(payload);
	free(out);
}

/* The partial checksum of a veth's offload is taken over IPv6 as over IPv4. */
static void
test_partial_csum6(void **state)
{
	uint8_t f[sizeof(syn6)];
	uint32_t pseudo = l4_pseudo_ipv6(&client_ip, &peer_ip, 40, 6);
	struct frame fr;

	(void)state;
	memcpy(f, syn6, sizeof(f));
	while (pseudo > 0xffff)
		pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	wire_put16(f + L4_AT + 16, (uint16_t)pseudo);
	assert_int_equal(wire_get16(f + L4_AT + 16),
	    0x5ba3); /* what tcpdump read */
	assert_int_equal(frame_decode(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.tcp_csum, FRAME_CSUM_OFFLOADED);
	wire_put16(f + L4_AT + 16, 0x5ba4);
	assert_int_equal(frame_decode(f, sizeof(f), true, &fr),
	    FRAME_TCP_BAD_CSUM);
	assert_int_equal(frame_decode(f, sizeof(f), false, &fr), FRAME_OK);
	assert_int_equal(fr.tcp_csum, FRAME_CSUM_UNCHECKED);
}

static void
test_extension_headers(void **state)
{
	/* Hop-by-Hop (PadN) -> Destination Options (PadN) -> TCP */
	static const uint8_t hbh_dst[16] = { 60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1,
		4, 0, 0, 0, 0 };
	static const uint8_t routing_done[8] = { 6, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t routing_on[8] = { 6, 0, 0, 1, 0, 0, 0, 0 };
	static const uint8_t dst_hbh[16] = { 0, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4,
		0, 0, 0, 0 };
	static const uint8_t fragment[8] = { 6, 0, 0, 1, 0x12, 0x34, 0x56,
		0x78 };
	static const uint8_t past_end[8] = { 6, 200, 1, 4, 0, 0, 0, 0 };
	uint8_t f[256], chain[9 * 8];
	struct frame fr;
	size_t n, i;

	(void)state;
	n = with_ext(f, 0, hbh_dst, sizeof(hbh_dst));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_TCP);
	assert_int_equal(fr.ip6_ext, 2);
	assert_int_equal(fr.u.seg.opt.mss, 1440);
	n = with_ext(f, 43, routing_done, sizeof(routing_done));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_TCP);
	/* Still on its way to another node: not ours, not an error. */
	n = with_ext(f, 43, routing_on, sizeof(routing_on));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_OTHER);
	n = with_ext(f, 60, dst_hbh, sizeof(dst_hbh));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_IP6_BAD_EXT);
	n = with_ext(f, 44, fragment, sizeof(fragment));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_IP6_FRAGMENT);
	n = with_ext(f, 0, past_end, sizeof(past_end));
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_IP6_BAD_EXT);
	/* Eight Destination Options headers pass; a ninth is one too many. */
	for (i = 0; i < 9; i++) {
		memcpy(chain + i * 8, "\x3c\x00\x01\x04\x00\x00\x00\x00", 8);
		chain[i * 8] =
		    i == 8 ? 6 : 60; /* the next header: TCP after the last */
	}
	n = with_ext(f, 60, chain + 8, 8 * 8);
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_OK);
	assert_int_equal(fr.ip6_ext, 8);
	n = with_ext(f, 60, chain, 9 * 8);
	assert_int_equal(decode_exact(f, n, true, &fr), FRAME_IP6_BAD_EXT);
	/* Every cut of a frame with headers is an error of the right kind. */
	n = with_ext(f, 0, hbh_dst, sizeof(hbh_dst));
	for (i = 0; i < n; i++)
		assert_int_equal(decode_exact(f, i, true, &fr),
		    i < 14 ? FRAME_ETH_TRUNCATED : FRAME_IP6_TRUNCATED);
}

static void
test_decode_ns_na(void **state)
{
	struct ip_addr group = ip_addr_solicited_node(&peer_ip);
	struct frame f;

	(void)state;
	assert_int_equal(decode_exact(ns6, sizeof(ns6), true, &f), FRAME_OK);
	assert_int_equal(f.kind, FRAME_NDP);
	assert_int_equal(f.ip_ttl, 255);
	assert_int_equal(f.u.ndp.type, NDP_NS);
	assert_same_addr(&f.u.ndp.src, &client_ip);
	assert_same_addr(&f.u.ndp.dst, &group);
	assert_same_addr(&f.u.ndp.target, &peer_ip);
	assert_true(f.u.ndp.has_lla);
	assert_memory_equal(f.u.ndp.lla, client_mac, 6);
	assert_int_equal(decode_exact(na6, sizeof(na6), true, &f), FRAME_OK);
	assert_int_equal(f.kind, FRAME_NDP);
	assert_int_equal(f.u.ndp.type, NDP_NA);
	assert_int_equal(f.u.ndp.na_flags, NDP_NA_SOLICITED | NDP_NA_OVERRIDE);
	assert_same_addr(&f.u.ndp.target, &peer_ip);
	assert_memory_equal(f.u.ndp.lla, peer_mac, 6);
	/* Cut inside its option: the payload length says more was sent. */
	assert_int_equal(decode_exact(ns6, 78, true, &f), FRAME_IP6_TRUNCATED);
}

/* Our encoder gives the very bytes written out by hand above. */
static void
test_encode_ns_na(void **state)
{
	struct ndp_msg na = { .type = NDP_NA,
		.has_lla = true,
		.na_flags = NDP_NA_SOLICITED | NDP_NA_OVERRIDE };
	struct ndp_msg ns = { .type = NDP_NS, .has_lla = true };
	uint8_t buf[128], mac[6];
	size_t cap;

	(void)state;
	na.src = peer_ip;
	na.dst = client_ip;
	na.target = peer_ip;
	memcpy(na.lla, peer_mac, 6);
	assert_int_equal(frame_encode_ndp(buf, sizeof(buf), peer_mac,
			     client_mac, &na),
	    86);
	assert_memory_equal(buf, na6, sizeof(na6));
	ns.src = client_ip;
	ns.dst = ip_addr_solicited_node(&peer_ip);
	ns.target = peer_ip;
	memcpy(ns.lla, client_mac, 6);
	eth_multicast6(&ns.dst, mac);
	assert_memory_equal(mac, "\x33\x33\xff\x00\x00\x02", 6);
	assert_int_equal(frame_encode_ndp(buf, sizeof(buf), client_mac, mac,
			     &ns),
	    86);
	assert_memory_equal(buf, ns6, sizeof(ns6));
	for (cap = 0; cap < 86; cap++)
		assert_int_equal(frame_encode_ndp(buf, cap, client_mac, mac,
				     &ns),
		    0);
	ns.has_lla = false;
	assert_int_equal(frame_encode_ndp(buf, sizeof(buf), client_mac, mac,
			     &ns),
	    78);
	ns.target = ip_addr_v4(1);
	assert_int_equal(frame_encode_ndp(buf, sizeof(buf), client_mac, mac,
			     &ns),
	    0);
}

/* MLD reports, router solicitations, echo: the link's noise, not errors. */
static void
test_link_noise(void **state)
{
	uint8_t f[sizeof(ns6)];
	struct frame fr;

	(void)state;
	assert_int_equal(decode_exact(mld6, sizeof(mld6), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_LINK_NOISE);
	assert_int_equal(fr.ip6_ext, 1);
	memcpy(f, ns6, sizeof(f));
	f[L4_AT] = 133; /* a router solicitation, checksum never looked at */
	assert_int_equal(decode_exact(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_LINK_NOISE);
	f[L4_AT] = 128; /* echo request */
	assert_int_equal(decode_exact(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_LINK_NOISE);
	f[IP6_AT + 6] = 17; /* UDP: well-formed, not ours */
	assert_int_equal(decode_exact(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_OTHER);
}

struct mutation {
	const char *what;
	const uint8_t *base;
	size_t base_len;
	size_t at; /* byte to overwrite */
	uint8_t value;
	size_t len; /* bytes given to the decoder, 0: all */
	bool fix_csum;
	enum frame_error want;
};

#define SYN_MUT(what, at, value, len, fix, want)                               \
	{                                                                      \
		what, syn6, sizeof(syn6), at, value, len, fix, want            \
	}
#define NS_MUT(what, at, value, len, fix, want)                                \
	{                                                                      \
		what, ns6, sizeof(ns6), at, value, len, fix, want              \
	}
#define NA_MUT(what, at, value, len, fix, want)                                \
	{                                                                      \
		what, na6, sizeof(na6), at, value, len, fix, want              \
	}

static const struct mutation mutations[] = {
	SYN_MUT("39 bytes of IPv6", 0, 0x02, 53, false, FRAME_IP6_TRUNCATED),
	SYN_MUT("payload past capture", IP6_AT + 5, 0x29, 0, false,
	    FRAME_IP6_TRUNCATED),
	SYN_MUT("version 4", IP6_AT, 0x40, 0, false, FRAME_IP6_BAD_HEADER),
	SYN_MUT("multicast source", IP6_AT + 8, 0xff, 0, true,
	    FRAME_IP6_BAD_HEADER),
	SYN_MUT("Hop-by-Hop past the end", IP6_AT + 6, 0, 0, false,
	    FRAME_IP6_BAD_EXT),
	SYN_MUT("a fragment", IP6_AT + 6, 44, 0, false, FRAME_IP6_FRAGMENT),
	SYN_MUT("19 TCP bytes", IP6_AT + 5, 0x13, 0, false,
	    FRAME_TCP_TRUNCATED),
	SYN_MUT("doff 15", L4_AT + 12, 0xf0, 0, true, FRAME_TCP_BAD_OFFSET),
	SYN_MUT("MSS len 3", L4_AT + 21, 0x03, 0, true, FRAME_TCP_BAD_OPTION),
	SYN_MUT("TCP checksum", L4_AT + 17, 0x4b, 0, false, FRAME_TCP_BAD_CSUM),
	NS_MUT("3 ICMPv6 bytes", IP6_AT + 5, 3, 0, false,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("hop limit 64", IP6_AT + 7, 64, 0, false, FRAME_ICMP6_MALFORMED),
	NS_MUT("code 1", L4_AT + 1, 1, 0, true, FRAME_ICMP6_MALFORMED),
	NS_MUT("23 bytes of NS", IP6_AT + 5, 23, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("option of length 0", L4_AT + 25, 0, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("option past the end", L4_AT + 25, 2, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("a lone option byte", IP6_AT + 5, 25, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("multicast target", L4_AT + 8, 0xff, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("probe with an option", IP6_AT + 8, 0, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NS_MUT("NS checksum", L4_AT + 3, 0x28, 0, false, FRAME_ICMP6_BAD_CSUM),
	NA_MUT("Solicited to a group", IP6_AT + 24, 0xff, 0, true,
	    FRAME_ICMP6_MALFORMED),
	NA_MUT("NA checksum", L4_AT + 2, 0x8b, 0, false, FRAME_ICMP6_BAD_CSUM),
};

static void
test_every_ip6_error_reachable(void **state)
{
	bool seen[FRAME_ERROR_COUNT] = { false };
	uint8_t f[FRAME_MAX];
	enum frame_error got;
	struct frame fr;
	size_t i;
	int e;

	(void)state;
	for (i = 0; i < NELEM(mutations); i++) {
		const struct mutation *m = &mutations[i];
		size_t len = m->len ? m->len : m->base_len;

		memcpy(f, m->base, m->base_len);
		f[m->at] = m->value;
		if (m->value == 0 &&
		    m->at == IP6_AT + 8) /* a probe: source :: */
			memset(f + IP6_AT + 8, 0, 16);
		if (m->fix_csum)
			fix_l4_csum(f);
		got = decode_exact(f, len, true, &fr);
		if (got != m->want)
			fail_msg("%s: got %s, want %s", m->what,
			    frame_error_name(got), frame_error_name(m->want));
		assert_int_equal(fr.kind, FRAME_OTHER);
		seen[m->want] = true;
		/* Unverified, a bad checksum goes through, and nothing else does. */
		got = decode_exact(f, len, false, &fr);
		if (m->want == FRAME_TCP_BAD_CSUM ||
		    m->want == FRAME_ICMP6_BAD_CSUM)
			assert_true(got == FRAME_OK && fr.kind != FRAME_OTHER);
		else if (got != m->want)
			fail_msg("%s unverified: got %s", m->what,
			    frame_error_name(got));
	}
	for (e = FRAME_ERROR_FIRST_IP6; e < FRAME_ERROR_COUNT; e++)
		if (!seen[e])
			fail_msg("no test reaches %s",
			    frame_error_name((enum frame_error)e));
	assert_string_equal(frame_error_name(FRAME_IP6_BAD_EXT), "ip6-bad-ext");
	assert_string_equal(frame_error_name(FRAME_ICMP6_MALFORMED),
	    "icmp6-malformed");
}

/* Ethernet padding after the payload length is never taken as data. */
static void
test_padding_ignored6(void **state)
{
	uint8_t f[sizeof(na6) + 10];
	struct frame fr;

	(void)state;
	memcpy(f, na6, sizeof(na6));
	memset(f + sizeof(na6), 0xaa, 10);
	assert_int_equal(frame_decode(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_NDP);
	assert_int_equal(fr.ip_len, 72);
}

#ifdef FRAME_CORPUS
struct capture_case {
	const char *file;
	enum frame_error err;
	enum frame_kind kind;
	enum frame_csum csum; /* TCP only */
};

/*
 * Captured on the sending veth with its offloads on: TCP checksums are
 * the pseudo-header sums left for offload; everything else is complete.
 */
static const struct capture_case captures[] = {
	{ "real_syn6", FRAME_OK, FRAME_TCP, FRAME_CSUM_OFFLOADED },
	{ "real_synack6", FRAME_OK, FRAME_TCP, FRAME_CSUM_OFFLOADED },
	{ "real_data6", FRAME_OK, FRAME_TCP, FRAME_CSUM_OFFLOADED },
	{ "real_fin6", FRAME_OK, FRAME_TCP, FRAME_CSUM_OFFLOADED },
	{ "real_ns", FRAME_OK, FRAME_NDP, FRAME_CSUM_UNCHECKED },
	{ "real_ns_dad", FRAME_OK, FRAME_NDP, FRAME_CSUM_UNCHECKED },
	{ "real_na", FRAME_OK, FRAME_NDP, FRAME_CSUM_UNCHECKED },
	{ "real_mld1_report", FRAME_OK, FRAME_LINK_NOISE,
	    FRAME_CSUM_UNCHECKED },
	{ "real_mld2_report", FRAME_OK, FRAME_LINK_NOISE,
	    FRAME_CSUM_UNCHECKED },
	{ "real_mld2_report_ll", FRAME_OK, FRAME_LINK_NOISE,
	    FRAME_CSUM_UNCHECKED },
	{ "real_router_solicitation", FRAME_OK, FRAME_LINK_NOISE,
	    FRAME_CSUM_UNCHECKED },
	{ "real_icmp6_unreachable", FRAME_OK, FRAME_LINK_NOISE,
	    FRAME_CSUM_UNCHECKED },
	{ "real_fragment_first", FRAME_IP6_FRAGMENT, FRAME_OTHER,
	    FRAME_CSUM_UNCHECKED },
	{ "real_fragment_middle", FRAME_IP6_FRAGMENT, FRAME_OTHER,
	    FRAME_CSUM_UNCHECKED },
};

static void
test_real_captures(void **state)
{
	static uint8_t buf[FRAME_MAX];
	char path[512];
	struct frame fr;
	size_t i, n;
	FILE *f;

	(void)state;
	for (i = 0; i < NELEM(captures); i++) {
		snprintf(path, sizeof(path), "%s/%s.bin", FRAME_CORPUS,
		    captures[i].file);
		if ((f = fopen(path, "rb")) == NULL)
			fail_msg("%s: cannot open it", path);
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (decode_exact(buf, n, true, &fr) != captures[i].err ||
		    fr.kind != captures[i].kind ||
		    fr.tcp_csum != captures[i].csum)
			fail_msg("%s: decoded as kind %d checksum %d, error %s",
			    path, fr.kind, fr.tcp_csum,
			    frame_error_name(decode_exact(buf, n, true, &fr)));
	}
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_linux_syn6),
		cmocka_unit_test(test_roundtrip_tcp6),
		cmocka_unit_test(test_encode_refuses_bad_input6),
		cmocka_unit_test(test_partial_csum6),
		cmocka_unit_test(test_extension_headers),
		cmocka_unit_test(test_decode_ns_na),
		cmocka_unit_test(test_encode_ns_na),
		cmocka_unit_test(test_link_noise),
		cmocka_unit_test(test_every_ip6_error_reachable),
		cmocka_unit_test(test_padding_ignored6),
#ifdef FRAME_CORPUS
		cmocka_unit_test(test_real_captures),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
