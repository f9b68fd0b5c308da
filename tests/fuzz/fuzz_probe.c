/*
 * fuzz_probe.c - libFuzzer target for the resource probes' parsers
 * (client/probe/probe.c): /proc/PID/status text, sock_diag dump datagrams and
 * /proc/net/netstat text, all read from the kernel of the system under
 * test (which, for a remote or odd kernel, is outside data too).
 *
 * The same bytes go to each parser, copied to a buffer of exactly their
 * size (ASan sees any over-read) and, for the datagram, also at an odd
 * address (the parser must not assume alignment). Checked properties,
 * beyond no crash and no undefined behaviour:
 *  - status: a success has Threads: as a count, fds -1 and VmRSS a count
 *    or -1;
 *  - sock_diag: 1, 0 or -1, and no more sockets counted than the datagram
 *    has room for messages;
 *  - netstat: a counter found is found the same way twice;
 *  - every state number names itself back.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_probe: property violated: %s\n", what);
	abort();
}

static void
check_status(const char *text, size_t len)
{
	struct probe_proc pp;

	if (probe_proc_parse_status(text, len, &pp) != 0)
		return;
	require(pp.threads >= 0, "threads");
	require(pp.fds == -1, "fds from status");
	require(pp.rss_kib >= -1, "rss");
}

static void
check_socks(const uint8_t *data, size_t size)
{
	struct probe_socks a, b;
	uint8_t *odd;
	uint64_t n = 0;
	size_t i;
	int ra, rb;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = probe_socks_parse(data, size, &a);
	require(ra >= -1 && ra <= 1, "socks return");
	for (i = 0; i < 16; i++)
		n += a.by_state[i];
	require(n <= size / NLMSG_HDRLEN, "more sockets than messages");
	if ((odd = malloc(size + 1)) == NULL)
		return;
	memcpy(odd + 1, data, size);
	rb = probe_socks_parse(odd + 1, size, &b);
	require(ra == rb && memcmp(&a, &b, sizeof(a)) == 0,
	    "alignment changed the result");
	free(odd);
}

static void
check_netstat(const char *text, size_t len)
{
	static const char *names[] = { "TCPAbortOnLinger", "TCPAbortOnClose",
		"TCPTimeouts", "", "TcpExt:" };
	uint64_t v1, v2;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (probe_netstat_parse(text, len, names[k], &v1) != 0)
			continue;
		require(probe_netstat_parse(text, len, names[k], &v2) == 0 &&
			v1 == v2,
		    "netstat not the same twice");
	}
}

static void
check_state_names(void)
{
	unsigned s;

	for (s = 1; s <= 12; s++)
		require(probe_tcp_state_number(probe_tcp_state_name(s)) == s,
		    "state name round trip");
	require(strcmp(probe_tcp_state_name(0), "?") == 0, "state 0");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	check_status(text, size);
	check_netstat(text, size);
	free(text);
	check_socks(data, size);
	if (size == 0)
		check_state_names();
	return 0;
}
