/*
 * test_offload.c - what a link with offloads on hands a capture, and what
 * lingerpeer makes of it (issue 16): the partial checksum of transmit
 * checksum offload accepted and flagged, every other wrong checksum still
 * refused, super-segments decoded whole, and the notices said when frames
 * are lost anyway.
 *
 * The expected partial checksums are worked out by hand in the comments,
 * apart from the C code, so the codec is never only checked against itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "frame.h"
#include "link_notice.h"
#include "tcp_options.h"

#define TCP_AT	  34 /* TCP header offset when IPv4 has no options */
#define CSUM_AT	  (TCP_AT + 16)
#define CLIENT_IP 0x0a000001u /* 10.0.0.1 */
#define PEER_IP	  0x0a000002u /* 10.0.0.2 */

/* The largest IPv4 datagram, framed: what a 64 KiB super-segment needs. */
#define SUPER_FRAME (14 + 65535)

static const uint8_t client_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/*
 * The Linux SYN of test_frame.c: 10.0.0.1:45678 -> 10.0.0.2:8080, 40 bytes
 * of TCP, checksum 0xc1d8. Its pseudo-header sum: 0x0a00 + 0x0001 + 0x0a00
 * + 0x0002 + 6 (TCP) + 0x28 (length) = 0x1431, what Linux stores there
 * with checksum offload on.
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
#define SYN_CSUM    0xc1d8
#define SYN_PARTIAL 0x1431

/* The SYN with its TCP checksum field set to csum, decoded with verify. */
static enum frame_error
decode_syn_with(uint16_t csum, struct frame *f)
{
	uint8_t buf[sizeof(linux_syn)];

	memcpy(buf, linux_syn, sizeof(buf));
	wire_put16(buf + CSUM_AT, csum);
	return frame_decode(buf, sizeof(buf), true, f);
}

static void
test_partial_checksum_accepted_and_flagged(void **state)
{
	struct frame good, partial;

	(void)state;
	assert_int_equal(tcp_pseudo_ipv4(CLIENT_IP, PEER_IP, 40), SYN_PARTIAL);
	assert_int_equal(decode_syn_with(SYN_CSUM, &good), FRAME_OK);
	assert_int_equal(good.tcp_csum, FRAME_CSUM_OK);
	assert_int_equal(decode_syn_with(SYN_PARTIAL, &partial), FRAME_OK);
	assert_int_equal(partial.tcp_csum, FRAME_CSUM_OFFLOADED);
	/* Nothing else differs: the same segment reaches the state machine. */
	assert_int_equal(partial.kind, FRAME_TCP);
	assert_int_equal(partial.u.seg.seq, good.u.seg.seq);
	assert_int_equal(partial.u.seg.flags, TCPF_SYN);
	assert_int_equal(partial.u.seg.opt.mss, 1460);
	assert_int_equal(partial.u.seg.opt.wscale, 7);
	assert_int_equal(partial.ip_len, 60);
	/* Unverified, nothing is said about the checksum at all. */
	assert_int_equal(frame_decode(linux_syn, sizeof(linux_syn), false,
			     &good),
	    FRAME_OK);
	assert_int_equal(good.tcp_csum, FRAME_CSUM_UNCHECKED);
}

/*
 * Only the exact seed passes: every near miss, complement, other length or
 * other address is the corruption the checksum is there to catch.
 */
static void
test_wrong_checksums_still_rejected(void **state)
{
	static const uint16_t bad[] = {
		SYN_CSUM ^ 0x0001,	/* one bit off the right one */
		(uint16_t)~SYN_CSUM,	/* the complement of the right one */
		(uint16_t)~SYN_PARTIAL, /* the seed complemented: 0xebce */
		SYN_PARTIAL + 1,
		SYN_PARTIAL - 1,
		0x141d, /* seed of a 20-byte segment: wrong length */
		0x1531, /* seed for 10.0.1.2: wrong address */
		0x0000,
		0xffff,
	};
	struct frame f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decode_syn_with(bad[i], &f) != FRAME_TCP_BAD_CSUM)
			fail_msg("checksum 0x%04x accepted", bad[i]);
	/* The IPv4 header is never offloaded: its checksum stays strict. */
	{
		uint8_t buf[sizeof(linux_syn)];

		memcpy(buf, linux_syn, sizeof(buf));
		wire_put16(buf + CSUM_AT, SYN_PARTIAL);
		buf[14 + 10] ^= 0x01;
		assert_int_equal(frame_decode(buf, sizeof(buf), true, &f),
		    FRAME_IP_BAD_CSUM);
	}
}

/*
 * l4_csum_check() knows nothing of IPv4: with an IPv6 pseudo-header sum
 * (2001:db8::1 -> 2001:db8::2, next header 6, length 40) the same bytes
 * check out, and the IPv4 seed is then wrong.
 */
static void
test_check_is_a_function_of_the_pseudo_sum(void **state)
{
	/* 0x2001 + 0x0db8 + 0x0001 + 0x2001 + 0x0db8 + 0x0002 + 6 + 40 */
	const uint32_t pseudo6 = 0x5ba3;
	uint8_t tcp[40];
	uint16_t c6;

	(void)state;
	memcpy(tcp, linux_syn + TCP_AT, sizeof(tcp));
	wire_put16(tcp + 16, 0);
	c6 = inet_csum(tcp, sizeof(tcp), pseudo6);
	wire_put16(tcp + 16, c6);
	assert_int_equal(l4_csum_check(pseudo6, tcp, sizeof(tcp), 16),
	    FRAME_CSUM_OK);
	wire_put16(tcp + 16, 0x5ba3);
	assert_int_equal(l4_csum_check(pseudo6, tcp, sizeof(tcp), 16),
	    FRAME_CSUM_OFFLOADED);
	wire_put16(tcp + 16, SYN_PARTIAL);
	assert_int_equal(l4_csum_check(pseudo6, tcp, sizeof(tcp), 16),
	    FRAME_CSUM_BAD);
	/* A checksum field past the end is never read. */
	assert_int_equal(l4_csum_check(pseudo6, tcp, 16, 16), FRAME_CSUM_BAD);
}

/* A full-size data segment from the client, payload 'x', checksum correct. */
static size_t
encode_data(uint8_t *buf, uint32_t payload_len)
{
	static uint8_t payload[65535];
	struct segment s = {
		.saddr = ip_addr_v4(CLIENT_IP),
		.daddr = ip_addr_v4(PEER_IP),
		.sport = 45678,
		.dport = 8080,
		.seq = 0x1a2b3c4e,
		.ack = 0x5e6f7082,
		.flags = TCPF_ACK | TCPF_PSH,
		.window = 502,
		.opt = { .has_ts = true, .ts_val = 1, .ts_ecr = 2 },
		.payload_len = payload_len,
		.payload = payload,
	};

	memset(payload, 'x', payload_len);
	return frame_encode_tcp(buf, SUPER_FRAME, client_mac, peer_mac, &s, 7,
	    64);
}

/*
 * The largest super-segment IPv4 allows, 65483 bytes of data after a
 * 32-byte header (45 segments of MSS 1448 would be 65160), as TSO hands it
 * over: decoded whole, with the seed of the whole length. Worked out: 0x0a00
 * + 0x0001 + 0x0a00 + 0x0002 + 6 + 0xffeb (65515) = 0x113f4, folded 0x13f5.
 */
static void
test_super_segment_decoded(void **state)
{
	static uint8_t buf[SUPER_FRAME];
	struct frame f;
	size_t n;

	(void)state;
	n = encode_data(buf, 65483);
	assert_int_equal(n, SUPER_FRAME);
	assert_int_equal(frame_decode(buf, n, true, &f), FRAME_OK);
	assert_int_equal(f.tcp_csum, FRAME_CSUM_OK);
	wire_put16(buf + CSUM_AT, 0x13f5);
	assert_int_equal(frame_decode(buf, n, true, &f), FRAME_OK);
	assert_int_equal(f.tcp_csum, FRAME_CSUM_OFFLOADED);
	assert_int_equal(f.ip_len, 65535);
	assert_int_equal(f.u.seg.payload_len, 65483);
	assert_ptr_equal(f.u.seg.payload, buf + TCP_AT + 32);
	assert_int_equal(f.u.seg.payload[65482], 'x');
	assert_true(f.u.seg.opt.has_ts);
	/* The seed of one 1448-byte segment is not the seed of this one. */
	wire_put16(buf + CSUM_AT,
	    (uint16_t)tcp_pseudo_ipv4(CLIENT_IP, PEER_IP, 32 + 1448));
	assert_int_equal(frame_decode(buf, n, true, &f), FRAME_TCP_BAD_CSUM);
	/* Cut short by a capture, it is an error, never a smaller segment. */
	wire_put16(buf + CSUM_AT, 0x13f5);
	assert_int_equal(frame_decode(buf, 1514, true, &f), FRAME_IP_TRUNCATED);
}

static void
test_notice_bad_csum(void **state)
{
	char buf[LINK_NOTICE_MAX];

	(void)state;
	link_notice_bad_csum(buf, sizeof(buf), "veth1", 1, 0);
	assert_non_null(strstr(buf,
	    "dropped 1 frame with a bad checksum on veth1 "
	    "(tcp-bad-csum=1 ip-bad-csum=0)"));
	assert_non_null(strstr(buf, "'ethtool -K IFACE tx off'"));
	assert_non_null(strstr(buf, "--no-verify-checksums"));
	link_notice_bad_csum(buf, sizeof(buf), "veth1", 3, 2);
	assert_non_null(strstr(buf, "dropped 5 frames with"));
	assert_non_null(strstr(buf, "(tcp-bad-csum=3 ip-bad-csum=2)"));
	/* The longest interface name and counts still fit whole. */
	link_notice_bad_csum(buf, sizeof(buf), "abcdefghijklmno",
	    UINT64_MAX / 2, UINT64_MAX / 2);
	assert_true(strlen(buf) < sizeof(buf) - 1);
	assert_non_null(strstr(buf, "(control command stats)"));
}

static void
test_notice_cut(void **state)
{
	char buf[LINK_NOTICE_MAX];

	(void)state;
	link_notice_cut(buf, sizeof(buf), "veth1", 1);
	assert_non_null(strstr(buf, "1 frame on veth1 was longer"));
	assert_non_null(strstr(buf, "capture-cut"));
	assert_non_null(strstr(buf, "'ethtool -K veth1 gro on'"));
	link_notice_cut(buf, sizeof(buf), "veth1", 7);
	assert_non_null(strstr(buf, "7 frames on veth1 were longer"));
	link_notice_cut(buf, sizeof(buf), "abcdefghijklmno", UINT64_MAX);
	assert_true(strlen(buf) < sizeof(buf) - 1);
	assert_non_null(strstr(buf, "(control command stats)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partial_checksum_accepted_and_flagged),
		cmocka_unit_test(test_wrong_checksums_still_rejected),
		cmocka_unit_test(test_check_is_a_function_of_the_pseudo_sum),
		cmocka_unit_test(test_super_segment_decoded),
		cmocka_unit_test(test_notice_bad_csum),
		cmocka_unit_test(test_notice_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
