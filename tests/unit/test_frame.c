/*
 * test_frame.c - the packet codec: checksums, Ethernet/ARP/IPv4/TCP decode
 * and encode. IPv6 and Neighbor Discovery: test_frame6.c. TCP options,
 * flag strings and error names: test_tcp_options.c.
 *
 * Reference bytes were written out by hand and their checksums computed
 * apart from the C code (tests/fuzz/make_frame_seeds.py does the same
 * arithmetic in Python), so the codec is never only checked against itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "tcp_options.h"
#include "codec_asserts.h"

#define IP_AT	 14 /* IPv4 header offset in an untagged frame */
#define TCP_AT	 34 /* TCP header offset when IPv4 has no options */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
#define CLIENT_IP  0x0a000001u /* 10.0.0.1 */
#define PEER_IP	   0x0a000002u /* 10.0.0.2 */
#define CLIENT_IPA IP_ADDR_V4_INIT(10, 0, 0, 1)
#define PEER_IPA   IP_ADDR_V4_INIT(10, 0, 0, 2)

/*
 * A SYN as Linux 6.x sends it: 10.0.0.1:45678 -> 10.0.0.2:8080, window
 * 64240, options MSS 1460, SACK-perm, TS 0x009c4e21/0, NOP, WS 7.
 * IP checksum 0x0a74, TCP checksum 0xc1d8 (computed in Python).
 */
static const uint8_t linux_syn[] = {
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
	0x08,
	0x00,
	0x45,
	0x00,
	0x00,
	0x3c,
	0x1c,
	0x46,
	0x40,
	0x00,
	0x40,
	0x06,
	0x0a,
	0x74,
	0x0a,
	0x00,
	0x00,
	0x01,
	0x0a,
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
	0xfa,
	0xf0,
	0xc1,
	0xd8,
	0x00,
	0x00,
	0x02,
	0x04,
	0x05,
	0xb4,
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

/* who-has 10.0.0.2 tell 10.0.0.1, zero-padded to 60 as captured. */
static const uint8_t arp_request[60] = {
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0xff,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x08,
	0x06,
	0x00,
	0x01,
	0x08,
	0x00,
	0x06,
	0x04,
	0x00,
	0x01,
	0x02,
	0x00,
	0x00,
	0x00,
	0x00,
	0x01,
	0x0a,
	0x00,
	0x00,
	0x01,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x00,
	0x0a,
	0x00,
	0x00,
	0x02,
};

/*
 * Decode from an exact-size heap copy so ASan and valgrind see any
 * over-read. out->u.seg.payload dangles afterwards: look, don't touch.
 */
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

/* Recompute the IPv4 and TCP checksums of a (mutated) frame if they fit. */
static void
fix_checksums(uint8_t *f, size_t len)
{
	size_t ihl = (size_t)(f[IP_AT] & 0x0f) * 4;
	size_t total = wire_get16(f + IP_AT + 2);
	uint8_t *tcp = f + IP_AT + ihl;

	if (ihl < 20 || IP_AT + ihl > len)
		return;
	wire_put16(f + IP_AT + 10, 0);
	wire_put16(f + IP_AT + 10, inet_csum(f + IP_AT, ihl, 0));
	if (total < ihl + 18 || IP_AT + total > len)
		return;
	wire_put16(tcp + 16, 0);
	wire_put16(tcp + 16,
	    tcp_csum_ipv4(wire_get32(f + IP_AT + 12),
		wire_get32(f + IP_AT + 16), tcp, total - ihl));
}

static void
test_csum_vectors(void **state)
{
	const uint8_t words[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6,
		0xf7 };
	const uint8_t one[] = { 0xab };
	uint8_t shifted[sizeof(words) + 1];
	uint8_t hdr[] = {
		0x45,
		0x00,
		0x00,
		0x73,
		0x00,
		0x00,
		0x40,
		0x00,
		0x40,
		0x11,
		0xb8,
		0x61,
		0xc0,
		0xa8,
		0x00,
		0x01,
		0xc0,
		0xa8,
		0x00,
		0xc7,
	};

	(void)state;
	/* RFC 1071 section 3: the sum is 0xddf2. */
	assert_int_equal(inet_csum(words, sizeof(words), 0), 0x220d);
	/* The same sum split in two: 0x0001 + 0xf203 carried as initial. */
	assert_int_equal(inet_csum(words + 4, 4, 0xf204), 0x220d);
	/* A 32-bit initial must be folded, not truncated. */
	assert_int_equal(inet_csum(NULL, 0, 0xffffffffu), 0x0000);
	/* An unfolded partial sum: 0x1f203 folds to 0xf204. */
	assert_int_equal(inet_csum(words + 4, 4, 0x1f203u), 0x220d);
	/* Odd lengths pad the last byte on the right: ~(0x1e604 folded). */
	assert_int_equal(inet_csum(words, 5, 0), 0x19fa);
	assert_int_equal(inet_csum(one, 1, 0), 0x54ff); /* ~0xab00 */
	/* Unaligned input must give the same answer. */
	memcpy(shifted + 1, words, 5);
	assert_int_equal(inet_csum(shifted + 1, 5, 0), 0x19fa);
	/* A real IPv4 header (UDP, 192.168.0.1 -> .199), checksum 0xb861. */
	assert_int_equal(inet_csum(hdr, sizeof(hdr), 0), 0);
	hdr[10] = hdr[11] = 0;
	assert_int_equal(inet_csum(hdr, sizeof(hdr), 0), 0xb861);
}

static void
test_linux_syn_checksums(void **state)
{
	uint8_t f[sizeof(linux_syn)];

	(void)state;
	memcpy(f, linux_syn, sizeof(f));
	assert_int_equal(inet_csum(f + IP_AT, 20, 0), 0);
	f[TCP_AT + 16] = f[TCP_AT + 17] = 0;
	assert_int_equal(tcp_csum_ipv4(CLIENT_IP, PEER_IP, f + TCP_AT, 40),
	    0xc1d8);
	assert_int_equal(tcp_csum_ipv4(CLIENT_IP, PEER_IP, linux_syn + TCP_AT,
			     40),
	    0);
}

/*
 * Encode, check the IPv4 header we promise (no options, DF, TTL, id),
 * decode with checksums verified, compare, and check every smaller cap
 * is refused. Returns the frame length.
 */
static size_t
roundtrip(const struct segment *seg, uint8_t *buf, size_t expect_len)
{
	struct frame f;
	size_t n, cap;

	n = frame_encode_tcp(buf, FRAME_MAX, peer_mac, client_mac, seg, 0xbeef,
	    63);
	assert_int_equal(n, expect_len);
	assert_int_equal(buf[IP_AT], 0x45);
	/* DF and no fragment offset, TTL 63, protocol TCP. */
	assert_memory_equal(buf + IP_AT + 6, "\x40\x00\x3f\x06", 4);
	assert_int_equal(frame_decode(buf, n, true, &f), FRAME_OK);
	assert_int_equal(f.kind, FRAME_TCP);
	assert_memory_equal(f.eth_src, peer_mac, 6);
	assert_memory_equal(f.eth_dst, client_mac, 6);
	assert_int_equal(f.ip_id, 0xbeef);
	assert_int_equal(f.ip_ttl, 63);
	assert_same_segment(&f.u.seg, seg);
	for (cap = 0; cap < n; cap++)
		assert_int_equal(frame_encode_tcp(buf, cap, peer_mac,
				     client_mac, seg, 1, 64),
		    0);
	return n;
}

static void
test_decode_linux_syn(void **state)
{
	const struct segment want = {
		.saddr = CLIENT_IPA,
		.daddr = PEER_IPA,
		.sport = 45678,
		.dport = 8080,
		.seq = 0x1a2b3c4d,
		.ack = 0,
		.flags = TCPF_SYN,
		.window = 64240,
		.opt = { .has_mss = true,
		    .mss = 1460,
		    .sack_ok = true,
		    .has_ts = true,
		    .ts_val = 0x009c4e21,
		    .ts_ecr = 0,
		    .has_wscale = true,
		    .wscale = 7 },
	};
	struct frame f;

	(void)state;
	assert_int_equal(frame_decode(linux_syn, sizeof(linux_syn), true, &f),
	    FRAME_OK);
	assert_int_equal(f.kind, FRAME_TCP);
	assert_memory_equal(f.eth_dst, peer_mac, 6);
	assert_memory_equal(f.eth_src, client_mac, 6);
	assert_int_equal(f.ethertype, 0x0800);
	assert_int_equal(f.ip_ttl, 64);
	assert_int_equal(f.ip_id, 0x1c46);
	assert_same_segment(&f.u.seg, &want);
}

static const struct segment synack_template = {
	.saddr = PEER_IPA,
	.daddr = CLIENT_IPA,
	.sport = 8080,
	.dport = 45678,
	.seq = 0x5e6f7081,
	.ack = 0x1a2b3c4e,
	.flags = TCPF_SYN | TCPF_ACK,
	.window = 65160,
	.opt = { .has_mss = true,
	    .mss = 1460,
	    .sack_ok = true,
	    .has_ts = true,
	    .ts_val = 0xabcdef,
	    .ts_ecr = 0x9c4e21,
	    .has_wscale = true,
	    .wscale = 7 },
};

static void
test_roundtrip_synack_all_options(void **state)
{
	uint8_t buf[FRAME_MAX];
	/* Linux's layout: MSS, SACK-perm + TS, NOP + WS. */
	const uint8_t layout[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
		0x0a, 0x00, 0xab, 0xcd, 0xef, 0x00, 0x9c, 0x4e, 0x21, 0x01,
		0x03, 0x03, 0x07 };

	(void)state;
	roundtrip(&synack_template, buf, 74);
	assert_int_equal(buf[TCP_AT + 12], 0xa0);
	assert_memory_equal(buf + TCP_AT + 20, layout, sizeof(layout));
}

static void
test_roundtrip_data_fin_rst(void **state)
{
	static uint8_t bulk[1448];
	const char hello[] = "hello, lingerlab";
	struct segment seg = synack_template;
	uint8_t buf[FRAME_MAX];
	size_t i;

	(void)state;
	memset(&seg.opt, 0, sizeof(seg.opt));
	seg.opt.has_ts = true;
	seg.opt.ts_val = 7;
	seg.opt.ts_ecr = 0xffffffffu;
	seg.flags = TCPF_PSH | TCPF_ACK;
	seg.payload = (const uint8_t *)hello;
	seg.payload_len = 16;
	roundtrip(&seg, buf, 14 + 20 + 32 + 16);
	/* Non-SYN timestamp layout: NOP NOP TS. */
	assert_int_equal(buf[TCP_AT + 20], 1);
	assert_int_equal(buf[TCP_AT + 22], 8);

	for (i = 0; i < sizeof(bulk); i++)
		bulk[i] = (uint8_t)(i * 7);
	seg.payload = bulk;
	seg.payload_len = sizeof(bulk);
	roundtrip(&seg, buf, 1514);

	seg.flags = TCPF_FIN | TCPF_ACK;
	seg.payload = NULL;
	seg.payload_len = 0;
	seg.seq = 0xfffffff0u; /* sequence wrap is just a number */
	roundtrip(&seg, buf, 66);

	memset(&seg.opt, 0, sizeof(seg.opt));
	seg.flags = TCPF_RST;
	seg.ack = 0;
	seg.window = 0;
	roundtrip(&seg, buf, 54);
	seg.flags = TCPF_RST | TCPF_ACK;
	roundtrip(&seg, buf, 54);
}

static void
test_encode_refuses_bad_input(void **state)
{
	struct segment seg = synack_template;
	size_t cap = 70000;
	uint8_t *out = calloc(1, cap), *payload = calloc(1, cap);

	(void)state;
	assert_non_null(out);
	assert_non_null(payload);
	seg.payload_len = 10;
	seg.payload = NULL;
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    0);
	/* 65535 - 20 (IP) - 40 (TCP + 20 of options) is the most that fits. */
	seg.payload = payload;
	seg.payload_len = 65535 - 60 + 1;
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    0);
	seg.payload_len = 65535 - 60;
	assert_int_equal(frame_encode_tcp(out, cap, peer_mac, client_mac, &seg,
			     1, 64),
	    65535 + 14);
	assert_int_equal(wire_get16(out + IP_AT + 2), 65535);
	assert_int_equal(frame_encode_tcp(NULL, 100, peer_mac, client_mac,
			     &synack_template, 1, 64),
	    0);
	free(payload);
	free(out);
}

/* Every strict prefix of a valid frame is an error of the right kind. */
static void
check_truncations(const uint8_t *frame, size_t meaningful,
    enum frame_error past_eth)
{
	struct frame f;
	size_t len;
	int verify;

	for (verify = 0; verify < 2; verify++) {
		for (len = 0; len < meaningful; len++)
			assert_int_equal(decode_exact(frame, len, verify, &f),
			    len < 14 ? FRAME_ETH_TRUNCATED : past_eth);
		assert_int_equal(decode_exact(frame, meaningful, verify, &f),
		    FRAME_OK);
	}
}

static void
test_truncations(void **state)
{
	uint8_t buf[FRAME_MAX];
	struct segment seg = synack_template;

	(void)state;
	check_truncations(linux_syn, sizeof(linux_syn), FRAME_IP_TRUNCATED);
	check_truncations(arp_request, 42, FRAME_ARP_MALFORMED);
	seg.payload = (const uint8_t *)"0123456789";
	seg.payload_len = 10;
	check_truncations(buf,
	    frame_encode_tcp(buf, sizeof(buf), peer_mac, client_mac, &seg, 1,
		64),
	    FRAME_IP_TRUNCATED);
}

struct mutation {
	const char *what;
	const uint8_t *base;
	size_t base_len;
	size_t at; /* byte to overwrite */
	uint8_t value;
	size_t len; /* bytes given to the decoder, 0: all */
	bool fix_csums;
	enum frame_error want;
};

#define SYN_MUT(what, at, value, len, fix, want)                               \
	{                                                                      \
		what, linux_syn, sizeof(linux_syn), at, value, len, fix, want  \
	}
#define ARP_MUT(what, at, value, len, want)                                    \
	{                                                                      \
		what, arp_request, sizeof(arp_request), at, value, len, false, \
		    want                                                       \
	}

static const struct mutation mutations[] = {
	SYN_MUT("13 bytes", 0, 0x02, 13, false, FRAME_ETH_TRUNCATED),
	ARP_MUT("htype 6", 15, 0x06, 0, FRAME_ARP_MALFORMED),
	ARP_MUT("ptype IPv6", 16, 0x86, 0, FRAME_ARP_MALFORMED),
	ARP_MUT("hlen 8", 18, 0x08, 0, FRAME_ARP_MALFORMED),
	ARP_MUT("plen 16", 19, 0x10, 0, FRAME_ARP_MALFORMED),
	ARP_MUT("ARP body cut", 0, 0xff, 41, FRAME_ARP_MALFORMED),
	SYN_MUT("IP header cut", 0, 0x02, 33, false, FRAME_IP_TRUNCATED),
	SYN_MUT("total past capture", IP_AT + 3, 0x3d, 0, true,
	    FRAME_IP_TRUNCATED),
	SYN_MUT("IHL 15 past capture", IP_AT, 0x4f, 60, false,
	    FRAME_IP_TRUNCATED),
	SYN_MUT("version 6", IP_AT, 0x65, 0, true, FRAME_IP_BAD_HEADER),
	SYN_MUT("IHL 4", IP_AT, 0x44, 0, true, FRAME_IP_BAD_HEADER),
	SYN_MUT("total below IHL", IP_AT + 3, 0x13, 0, true,
	    FRAME_IP_BAD_HEADER),
	SYN_MUT("IP checksum", IP_AT + 11, 0x75, 0, false, FRAME_IP_BAD_CSUM),
	SYN_MUT("MF set", IP_AT + 6, 0x60, 0, true, FRAME_IP_FRAGMENT),
	SYN_MUT("offset 8", IP_AT + 7, 0x01, 0, true, FRAME_IP_FRAGMENT),
	SYN_MUT("19 TCP bytes", IP_AT + 3, 0x27, 0, true, FRAME_TCP_TRUNCATED),
	SYN_MUT("doff 4", TCP_AT + 12, 0x40, 0, true, FRAME_TCP_BAD_OFFSET),
	SYN_MUT("doff 15", TCP_AT + 12, 0xf0, 0, true, FRAME_TCP_BAD_OFFSET),
	SYN_MUT("MSS len 0", TCP_AT + 21, 0x00, 0, true, FRAME_TCP_BAD_OPTION),
	SYN_MUT("MSS len 3", TCP_AT + 21, 0x03, 0, true, FRAME_TCP_BAD_OPTION),
	SYN_MUT("WS runs past", TCP_AT + 38, 0x04, 0, true,
	    FRAME_TCP_BAD_OPTION),
	SYN_MUT("TCP checksum", TCP_AT + 17, 0xd9, 0, false,
	    FRAME_TCP_BAD_CSUM),
	/* Well-formed but not ours: FRAME_OK, kind FRAME_OTHER. */
	SYN_MUT("UDP", IP_AT + 9, 17, 0, true, FRAME_OK),
	SYN_MUT("unknown ethertype", 13, 0x42, 0, false, FRAME_OK),
	ARP_MUT("InARP request", 21, 0x08, 0, FRAME_OK),
};

static void
test_every_error_reachable(void **state)
{
	bool seen[FRAME_ERROR_COUNT] = { false };
	enum frame_error got;
	struct frame fr;
	uint8_t f[FRAME_MAX];
	size_t i;
	int e;

	(void)state;
	for (i = 0; i < NELEM(mutations); i++) {
		const struct mutation *m = &mutations[i];
		size_t len = m->len ? m->len : m->base_len;

		memcpy(f, m->base, m->base_len);
		f[m->at] = m->value;
		if (m->fix_csums)
			fix_checksums(f, m->base_len);
		got = decode_exact(f, len, true, &fr);
		if (got != m->want)
			fail_msg("%s: got %s, want %s", m->what,
			    frame_error_name(got), frame_error_name(m->want));
		if (got == FRAME_OK && fr.kind != FRAME_OTHER)
			fail_msg("%s: decoded as ours", m->what);
		seen[m->want] = true;
		/* Unverified, bad checksums go through; nothing else does. */
		got = decode_exact(f, len, false, &fr);
		if (m->want == FRAME_IP_BAD_CSUM ||
		    m->want == FRAME_TCP_BAD_CSUM)
			assert_true(got == FRAME_OK && fr.kind == FRAME_TCP &&
			    fr.u.seg.opt.mss == 1460);
		else
			assert_int_equal(got, m->want);
	}
	/* IPv6's own errors are reached in test_frame6.c. */
	for (e = 1; e < FRAME_ERROR_FIRST_IP6; e++) {
		if (!seen[e])
			fail_msg("no test reaches %s",
			    frame_error_name((enum frame_error)e));
	}
}

static void
test_ethernet_padding_ignored(void **state)
{
	struct segment seg = synack_template;
	uint8_t buf[FRAME_MAX];
	struct frame f;
	size_t n;

	(void)state;
	memset(&seg.opt, 0, sizeof(seg.opt));
	seg.flags = TCPF_ACK;
	n = frame_encode_tcp(buf, sizeof(buf), peer_mac, client_mac, &seg, 1,
	    64);
	assert_int_equal(n, 54);
	memset(buf + n, 0xaa, 10); /* 6 bytes padding + a 4-byte "FCS" */
	assert_int_equal(frame_decode(buf, 64, true, &f), FRAME_OK);
	assert_int_equal(f.u.seg.payload_len, 0);
	assert_null(f.u.seg.payload);

	seg.payload = (const uint8_t *)"xy";
	seg.payload_len = 2;
	n = frame_encode_tcp(buf, sizeof(buf), peer_mac, client_mac, &seg, 1,
	    64);
	memset(buf + n, 0xaa, 60 - n);
	assert_int_equal(frame_decode(buf, 60, true, &f), FRAME_OK);
	assert_int_equal(f.u.seg.payload_len, 2);
	assert_ptr_equal(f.u.seg.payload, buf + n - 2);
}

static void
test_inserted_headers(void **state)
{
	uint8_t f[sizeof(linux_syn) + 4];
	struct frame fr;

	(void)state;
	/* Insert NOP NOP NOP EOL after the IPv4 header: IHL 6, total 64. */
	memcpy(f, linux_syn, TCP_AT);
	memcpy(f + TCP_AT, "\x01\x01\x01\x00", 4);
	memcpy(f + TCP_AT + 4, linux_syn + TCP_AT, sizeof(linux_syn) - TCP_AT);
	f[IP_AT] = 0x46;
	f[IP_AT + 3] = 0x40;
	fix_checksums(f, sizeof(f));
	assert_int_equal(frame_decode(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_TCP);
	assert_int_equal(fr.u.seg.sport, 45678);
	assert_int_equal(fr.u.seg.opt.wscale, 7);

	/* An 802.1Q tag: we could not answer on that VLAN, so not ours. */
	memcpy(f, linux_syn, 12);
	memcpy(f + 12, "\x81\x00\x00\x64", 4);
	memcpy(f + 16, linux_syn + 12, sizeof(linux_syn) - 12);
	assert_int_equal(frame_decode(f, sizeof(f), true, &fr), FRAME_OK);
	assert_int_equal(fr.kind, FRAME_OTHER);
	assert_int_equal(fr.ethertype, 0x8100);
	memcpy(f + 12, "\x86\xdd", 2); /* IPv6 with no header: test_frame6.c */
	assert_int_equal(frame_decode(f, 14, true, &fr), FRAME_IP6_TRUNCATED);
	assert_int_equal(fr.kind, FRAME_OTHER);
}

static void
test_arp_request_decode(void **state)
{
	const uint8_t zero_mac[6] = { 0 };
	struct frame f;

	(void)state;
	assert_int_equal(frame_decode(arp_request, sizeof(arp_request), true,
			     &f),
	    FRAME_OK);
	assert_int_equal(f.kind, FRAME_ARP);
	assert_int_equal(f.ethertype, 0x0806);
	assert_memory_equal(f.eth_src, client_mac, 6);
	assert_int_equal(f.u.arp.op, ARP_REQUEST);
	assert_memory_equal(f.u.arp.sha, client_mac, 6);
	assert_int_equal(f.u.arp.spa, CLIENT_IP);
	assert_memory_equal(f.u.arp.tha, zero_mac, 6);
	assert_int_equal(f.u.arp.tpa, PEER_IP);
	/* Unpadded, as a sender's own capture shows it. */
	assert_int_equal(frame_decode(arp_request, 42, true, &f), FRAME_OK);
	assert_int_equal(f.kind, FRAME_ARP);
}

static void
test_arp_reply_encode(void **state)
{
	const uint8_t want[60] = {
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
		0x08,
		0x06,
		0x00,
		0x01,
		0x08,
		0x00,
		0x06,
		0x04,
		0x00,
		0x02,
		0x02,
		0x00,
		0x00,
		0x00,
		0x00,
		0x02,
		0x0a,
		0x00,
		0x00,
		0x02,
		0x02,
		0x00,
		0x00,
		0x00,
		0x00,
		0x01,
		0x0a,
		0x00,
		0x00,
		0x01,
	};
	struct arp_msg reply = { .op = ARP_REPLY,
		.spa = PEER_IP,
		.tpa = CLIENT_IP };
	uint8_t buf[64];
	struct frame f;
	size_t cap;

	(void)state;
	memcpy(reply.sha, peer_mac, 6);
	memcpy(reply.tha, client_mac, 6);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(frame_encode_arp(buf, sizeof(buf), peer_mac,
			     client_mac, &reply),
	    60);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[60], 0xee); /* nothing past the frame */
	for (cap = 0; cap < 60; cap++)
		assert_int_equal(frame_encode_arp(buf, cap, peer_mac,
				     client_mac, &reply),
		    0);
	assert_int_equal(frame_decode(want, 60, true, &f), FRAME_OK);
	assert_int_equal(f.u.arp.op, ARP_REPLY);
	assert_int_equal(f.u.arp.spa, PEER_IP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_vectors),
		cmocka_unit_test(test_linux_syn_checksums),
		cmocka_unit_test(test_decode_linux_syn),
		cmocka_unit_test(test_roundtrip_synack_all_options),
		cmocka_unit_test(test_roundtrip_data_fin_rst),
		cmocka_unit_test(test_encode_refuses_bad_input),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_every_error_reachable),
		cmocka_unit_test(test_ethernet_padding_ignored),
		cmocka_unit_test(test_inserted_headers),
		cmocka_unit_test(test_arp_request_decode),
		cmocka_unit_test(test_arp_reply_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
