/*
 * ip_address.c - see ip_address.h.
 *
 * Text goes through inet_pton and inet_ntop, which are pure functions of
 * their arguments (no socket, no resolver): strict dotted quads for IPv4,
 * every IPv6 form RFC 4291 allows, and the short form out.
 */
#include "ip_address.h"

#ifdef _WIN32
/* lingerlab-agent.exe reads addresses too: Winsock has the same two. */
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif
#include <stdio.h>
#include <string.h>

struct ip_addr
ip_addr_v4(uint32_t host_order)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	a.family = IPF_V4;
	a.b[0] = (uint8_t)(host_order >> 24);
	a.b[1] = (uint8_t)(host_order >> 16);
	a.b[2] = (uint8_t)(host_order >> 8);
	a.b[3] = (uint8_t)host_order;
	return a;
}

struct ip_addr
ip_addr_v6(const uint8_t bytes[16])
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	a.family = IPF_V6;
	memcpy(a.b, bytes, 16);
	return a;
}

struct ip_addr
ip_addr_none(void)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	return a;
}

uint32_t
ip_addr_to_v4(const struct ip_addr *a)
{
	if (a->family != IPF_V4)
		return 0;
	return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
	    (uint32_t)a->b[2] << 8 | a->b[3];
}

bool
ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

int
ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->b, b->b, sizeof(a->b));
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

static uint64_t
load64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

uint64_t
ip_addr_hash(const struct ip_addr *a, uint64_t key)
{
	uint64_t h = key ^ ((uint64_t)a->family << 56);

	h = mix64(h ^ load64(a->b));
	return mix64(h ^ load64(a->b + 8));
}

uint32_t
ip_addr_key32(const struct ip_addr *a)
{
	if (a->family == IPF_V4)
		return ip_addr_to_v4(a);
	return (uint32_t)(ip_addr_hash(a, 0) >> 32);
}

bool
ip_addr_is_multicast(const struct ip_addr *a)
{
	if (a->family == IPF_V6)
		return a->b[0] == 0xff;
	return a->family == IPF_V4 && (a->b[0] & 0xf0) == 0xe0;
}

bool
ip_addr_is_unspecified6(const struct ip_addr *a)
{
	static const uint8_t zero[16];

	return a->family == IPF_V6 && memcmp(a->b, zero, 16) == 0;
}

/* ff02::1:ffXX:XXXX, the low 24 bits of a. */
struct ip_addr
ip_addr_solicited_node(const struct ip_addr *a)
{
	uint8_t g[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	g[13] = a->b[13];
	g[14] = a->b[14];
	g[15] = a->b[15];
	return ip_addr_v6(g);
}

int
ip_addr_parse(const char *s, struct ip_addr *out)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1) {
		*out = ip_addr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) == 1) {
		*out = ip_addr_v6(b);
		return 0;
	}
	return -1;
}

/* Digits only, 1 to 65535: no sign, no spaces, no hex. */
static int
parse_port(const char *s, uint16_t *port)
{
	uint32_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
ip_addr_parse_port(const char *s, struct ip_addr *out, uint16_t *port)
{
	char host[IP_ADDR_STRLEN];
	const char *colon, *start = s, *end;
	uint8_t b[16];

	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			return -1;
		start = s + 1;
		colon = end + 1;
	} else {
		/* One colon only: more would make it IPv6 without brackets. */
		if ((colon = strchr(s, ':')) == NULL ||
		    strchr(colon + 1, ':') != NULL)
			return -1;
		end = colon;
	}
	if ((size_t)(end - start) >= sizeof(host))
		return -1;
	memcpy(host, start, (size_t)(end - start));
	host[end - start] = '\0';
	if (parse_port(colon + 1, port) < 0)
		return -1;
	if (s[0] == '[') {
		if (inet_pton(AF_INET6, host, b) != 1)
			return -1;
		*out = ip_addr_v6(b);
		return 0;
	}
	if (inet_pton(AF_INET, host, b) != 1)
		return -1;
	*out = ip_addr_v4((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]);
	return 0;
}

/*
 * IPv4 by hand, exactly as the peer always wrote it; IPv6 by inet_ntop,
 * whose output glibc keeps to RFC 5952 (lower case, the longest run of
 * zero groups shortened).
 */
const char *
ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (a->family == IPF_V4)
		snprintf(buf, len, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2],
		    a->b[3]);
	else if (a->family != IPF_V6 ||
	    inet_ntop(AF_INET6, a->b, buf,
		(socklen_t)(len > IP_ADDR_STRLEN ? IP_ADDR_STRLEN : len)) ==
		NULL)
		snprintf(buf, len, "-");
	return buf;
}

const char *
ip_addr_format_port(const struct ip_addr *a, uint16_t port, char *buf,
    size_t len)
{
	char text[IP_ADDR_STRLEN];

	ip_addr_format(a, text, sizeof(text));
	if (a->family == IPF_V6)
		snprintf(buf, len, "[%s]:%u", text, port);
	else
		snprintf(buf, len, "%s:%u", text, port);
	return buf;
}
