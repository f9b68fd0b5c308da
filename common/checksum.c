/*
 * checksum.c - the Internet checksum (RFC 1071) for IPv4, TCP and ICMPv6,
 * the pseudo-headers of both families, and the check of a received one
 * that knows what checksum offload leaves behind.
 *
 * Words are assembled big-endian from bytes, so the result is the value
 * to store on the wire with a big-endian write, whatever the host order,
 * and the input may sit at any alignment.
 */
#include "frame.h"

#include "tcp_options.h"

#define IPPROTO_TCP_NUM 6

/* Fold a wide one's-complement sum into 16 bits (end-around carry). */
static uint16_t
fold_sum(uint64_t sum)
{
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * One's-complement checksum of data, continuing from the partial sum
 * initial (for pseudo-headers). An odd trailing byte counts as the high
 * half of a word padded with zero, as RFC 1071 specifies. Over a header
 * that already carries a correct checksum the result is 0.
 */
uint16_t
inet_csum(const void *data, size_t len, uint32_t initial)
{
	const uint8_t *p = data;
	uint64_t sum = initial;
	size_t i;

	/* 64 bits cannot overflow before ~2^48 bytes; fold once at the end. */
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len % 2 != 0)
		sum += (uint32_t)p[len - 1] << 8;
	return (uint16_t)~fold_sum(sum);
}

/*
 * The RFC 9293 pseudo-header (addresses, zero, protocol, TCP length) as
 * an unfolded sum, the start of every TCP checksum over IPv4. len is at
 * most 65515 in IPv4; the pseudo-header carries it in 16 bits.
 */
uint32_t
tcp_pseudo_ipv4(uint32_t saddr, uint32_t daddr, size_t len)
{
	uint32_t pseudo = 0;

	pseudo += saddr >> 16;
	pseudo += saddr & 0xffff;
	pseudo += daddr >> 16;
	pseudo += daddr & 0xffff;
	pseudo += IPPROTO_TCP_NUM;
	pseudo += (uint16_t)len;
	return pseudo;
}

/*
 * RFC 8200, 8.1: source, destination, the upper-layer length in 32 bits
 * and the next header, as an unfolded sum. Sixteen words of at most
 * 0xffff and the rest stay far below 2^32.
 */
uint32_t
l4_pseudo_ipv6(const struct ip_addr *src, const struct ip_addr *dst,
    uint32_t len, uint8_t proto)
{
	uint32_t pseudo = 0;
	int i;

	for (i = 0; i < 16; i += 2)
		pseudo +=
		    wire_get16(src->b + i) + (uint32_t)wire_get16(dst->b + i);
	pseudo += len >> 16;
	pseudo += len & 0xffff;
	pseudo += proto;
	return pseudo;
}

uint32_t
tcp_pseudo(const struct ip_addr *src, const struct ip_addr *dst, size_t len)
{
	if (src->family == IPF_V6)
		return l4_pseudo_ipv6(src, dst, (uint32_t)len, IPPROTO_TCP_NUM);
	return tcp_pseudo_ipv4(ip_addr_to_v4(src), ip_addr_to_v4(dst), len);
}

/* TCP checksum over the pseudo-header and len bytes of header plus payload. */
uint16_t
tcp_csum_ipv4(uint32_t saddr, uint32_t daddr, const uint8_t *tcp, size_t len)
{
	return inet_csum(tcp, len, tcp_pseudo_ipv4(saddr, daddr, len));
}

/*
 * A sender with transmit checksum offload (Linux: CHECKSUM_PARTIAL) stores
 * the folded pseudo-header sum, not complemented, and leaves the rest to
 * hardware that adds the header and payload. On a veth, a tap or a bridge
 * no hardware ever does, and a capture sees that seed. It depends only on
 * the pseudo-header, so it is recognised exactly, whatever the payload:
 * nothing else is accepted. A pseudo-header sum is never zero (protocol
 * and length are in it), so fold_sum() gives the same 1..0xffff value the
 * kernel's csum_fold() does.
 */
enum frame_csum
l4_csum_check(uint32_t pseudo, const uint8_t *seg, size_t len, size_t csum_at)
{
	if (inet_csum(seg, len, pseudo) == 0)
		return FRAME_CSUM_OK;
	if (csum_at + 2 <= len && wire_get16(seg + csum_at) == fold_sum(pseudo))
		return FRAME_CSUM_OFFLOADED;
	return FRAME_CSUM_BAD;
}
