/*
 * segment.c - helpers around struct segment.
 */
#include "segment.h"

#include <string.h>

/*
 * tcpdump's order, checked against its print-tcp.c: ACK prints as "." and
 * sits between PSH and URG, so a SYN-ACK is "S.", an ECN SYN-ACK "S.E".
 */
static const struct {
	uint8_t bit;
	char letter;
} flag_letters[] = {
	{ TCPF_FIN, 'F' },
	{ TCPF_SYN, 'S' },
	{ TCPF_RST, 'R' },
	{ TCPF_PSH, 'P' },
	{ TCPF_ACK, '.' },
	{ TCPF_URG, 'U' },
	{ TCPF_ECE, 'E' },
	{ TCPF_CWR, 'W' },
};

/*
 * At most 8 letters and the NUL, so buf[10] always suffices. No flag at
 * all prints as "none", like tcpdump, rather than an empty string that
 * would vanish in a log line.
 */
const char *
tcp_flags_str(uint8_t flags, char buf[10])
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++) {
		if (flags & flag_letters[i].bit)
			buf[n++] = flag_letters[i].letter;
	}
	if (n == 0) {
		memcpy(buf, "none", sizeof("none"));
		return buf;
	}
	buf[n] = '\0';
	return buf;
}
