/*
 * ip_address.h - an IPv4 or an IPv6 address in one type: parsed and written
 * the way people write them ("192.0.2.1", "2001:db8::1", and with a port
 * "192.0.2.1:40112" and "[2001:db8::1]:40112"), compared, and hashed with
 * a key. The codec, the peer's connection table and neighbour cache, and
 * the control protocol all speak it, so an address of either family goes
 * everywhere an IPv4 one did.
 *
 * Pure code, no allocation. The bytes are in network order; an IPv4
 * address keeps its four bytes first and the other twelve (and the
 * padding) zero, so two addresses are equal exactly when all their bytes
 * are. Build them with the functions below, never field by field.
 */
#ifndef LINGERLAB_IP_ADDRESS_H
#define LINGERLAB_IP_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" and its NUL. */
#define IP_ADDR_STRLEN	    46
/* The same in brackets, a colon and a five-digit port. */
#define IP_ADDR_PORT_STRLEN (IP_ADDR_STRLEN + 8)

enum ip_family {
	IPF_NONE = 0, /* no address: "the peer owns none of this family" */
	IPF_V4 = 4,
	IPF_V6 = 6,
};

struct ip_addr {
	uint8_t family;	 /* enum ip_family */
	uint8_t pad_[3]; /* always zero */
	uint8_t b[16];	 /* network order; IPv4 in b[0..3] */
};

/* An IPv4 address as a constant initializer: IP_ADDR_V4_INIT(192, 0, 2, 1). */
#define IP_ADDR_V4_INIT(b0, b1, b2, b3)                                        \
	{                                                                      \
		.family = IPF_V4, .b = { b0, b1, b2, b3 }                      \
	}

/* From a host-order IPv4 address, and from 16 IPv6 bytes. */
struct ip_addr ip_addr_v4(uint32_t host_order);
struct ip_addr ip_addr_v6(const uint8_t bytes[16]);
/* No address at all (family IPF_NONE). */
struct ip_addr ip_addr_none(void);

/* The IPv4 address in host order, or 0 when a is not IPv4. */
uint32_t ip_addr_to_v4(const struct ip_addr *a);

static inline bool
ip_addr_is_v4(const struct ip_addr *a)
{
	return a->family == IPF_V4;
}

static inline bool
ip_addr_is_v6(const struct ip_addr *a)
{
	return a->family == IPF_V6;
}

/* Equal family and bytes. Two "none" addresses are equal. */
bool ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b);
/* A total order (family, then bytes), for sorting: <0, 0, >0. */
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);

/*
 * A 64-bit hash of the address keyed with key: a client that picks its
 * addresses cannot predict where they land without the key.
 */
uint64_t ip_addr_hash(const struct ip_addr *a, uint64_t key);

/*
 * 32 bits that stand for the address in a seed: an IPv4 address itself
 * (host order), an IPv6 address folded by an unkeyed hash.
 */
uint32_t ip_addr_key32(const struct ip_addr *a);

/* IPv6 multicast (ff00::/8) or IPv4 multicast (224.0.0.0/4). */
bool ip_addr_is_multicast(const struct ip_addr *a);
/* IPv6 :: (the source of a duplicate address detection probe). */
bool ip_addr_is_unspecified6(const struct ip_addr *a);
/* The solicited-node multicast group of an IPv6 address (RFC 4291, 2.7.1). */
struct ip_addr ip_addr_solicited_node(const struct ip_addr *a);

/*
 * Parse an address alone: dotted IPv4 or IPv6 text (no brackets, no zone,
 * no port). 0, or -1 when s is neither.
 */
int ip_addr_parse(const char *s, struct ip_addr *out);

/*
 * Parse an address and a port: "192.0.2.1:40112" or "[2001:db8::1]:40112",
 * the port a decimal from 1 to 65535. IPv6 needs its brackets, since its
 * own colons would swallow the port. 0, or -1.
 */
int ip_addr_parse_port(const char *s, struct ip_addr *out, uint16_t *port);

/*
 * Write the address (IPv6 in its short form, RFC 5952) into buf, which
 * should hold IP_ADDR_STRLEN bytes; "-" for none. Returns buf.
 */
const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len);

/*
 * The address and a port: "192.0.2.1:40112", "[2001:db8::1]:40112"; buf
 * should hold IP_ADDR_PORT_STRLEN bytes. Returns buf.
 */
const char *ip_addr_format_port(const struct ip_addr *a, uint16_t port,
    char *buf, size_t len);

#endif
