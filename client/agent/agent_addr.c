/*
 * agent_addr.c - addresses in the agent protocol's words, either family:
 * "192.0.2.2" and "2001:db8::2" alone, "192.0.2.2:80" and
 * "[2001:db8::2]:80" with a port (brackets around an IPv6 address beside
 * a port, whose colons would swallow it otherwise). The addresses
 * themselves are common/ip_address.c's to read and write; what is here is
 * the word around them and the port, which may be 0 (none, or any).
 * Standard C only.
 */
#include "agent_proto.h"
#include "agent_proto_int.h"

#include <string.h>

bool
agent_parse_ip(const char *s, size_t len, struct ip_addr *out)
{
	char text[IP_ADDR_STRLEN];

	/* A word is not NUL-terminated; one too long is no address. */
	if (len == 0 || len >= sizeof(text) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	return ip_addr_parse(text, out) == 0;
}

bool
agent_parse_ipport(const char *s, size_t len, struct ip_addr *addr,
    uint16_t *port)
{
	const char *colon;
	size_t alen;
	uint64_t p;

	if (len > 0 && s[0] == '[') {
		/* "[V6]:PORT": the address ends at the bracket. */
		colon = memchr(s, ']', len);
		if (colon == NULL || (size_t)(colon - s) + 1 >= len ||
		    colon[1] != ':')
			return false;
		alen = (size_t)(colon - s) - 1;
		if (!agent_parse_ip(s + 1, alen, addr) || !ip_addr_is_v6(addr))
			return false;
		colon++;
	} else {
		/* "V4:PORT": one colon; an IPv6 address needs its brackets. */
		colon = memchr(s, ':', len);
		if (colon == NULL ||
		    !agent_parse_ip(s, (size_t)(colon - s), addr) ||
		    !ip_addr_is_v4(addr))
			return false;
	}
	if (!agent_parse_u64(colon + 1, len - (size_t)(colon - s) - 1, 65535,
		&p))
		return false;
	*port = (uint16_t)p;
	return true;
}

void
agent_ipport_word(const struct ip_addr *a, uint16_t port, char *buf, size_t len)
{
	ip_addr_format_port(a, port, buf, len);
}
