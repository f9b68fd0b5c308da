/*
 * wire_peer.c - which end of the wire a segment came from, and the
 * capture's filter, for a peer that owns addresses of both families.
 */
#include "wire_peer.h"

#include <stdio.h>
#include <string.h>

#include "textbuf.h"

bool
wire_from_client(const struct ip_addr *peers, size_t npeers,
    const struct ip_addr *src)
{
	size_t i;

	for (i = 0; i < npeers; i++)
		if (peers[i].family != IPF_NONE && ip_addr_eq(&peers[i], src))
			return false;
	return true;
}

size_t
wire_peer_filter(const struct ip_addr *peers, size_t npeers, char *buf,
    size_t len)
{
	char a[IP_ADDR_STRLEN];
	struct tbuf tb;
	size_t i, n = 0;

	tb_init(&tb, buf, len);
	tb_printf(&tb, "tcp and (");
	for (i = 0; i < npeers; i++) {
		if (peers[i].family == IPF_NONE)
			continue;
		tb_printf(&tb, "%shost %s", n++ > 0 ? " or " : "",
		    ip_addr_format(&peers[i], a, sizeof(a)));
	}
	tb_printf(&tb, ")");
	if (n == 0) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	return tb.off;
}

int
wire_peer_parse(const char *text, struct ip_addr peers[2])
{
	char part[IP_ADDR_STRLEN];
	struct ip_addr a;
	size_t n, k;

	peers[0] = peers[1] = ip_addr_none();
	for (k = 0; k < 2; k++) {
		n = strcspn(text, ",");
		if (n == 0 || n >= sizeof(part))
			return -1;
		memcpy(part, text, n);
		part[n] = '\0';
		if (ip_addr_parse(part, &a) == -1 ||
		    peers[a.family == IPF_V6].family != IPF_NONE)
			return -1;
		peers[a.family == IPF_V6] = a;
		if (text[n] == '\0')
			return 0;
		text += n + 1;
	}
	return -1; /* a third one */
}
