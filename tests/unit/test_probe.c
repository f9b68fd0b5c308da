/*
 * test_probe.c - the probe parsers on data captured from a real kernel
 * (tests/unit/data/: /proc/self/status, /proc/net/netstat, and sock_diag dump
 * replies of a namespace holding sockets in known states), and on malformed
 * variants of each, which must be refused rather than half counted.
 *
 * The dumps were captured in a fresh network namespace on loopback: one
 * listener, four connected pairs, one client closed (FIN_WAIT2 / CLOSE_WAIT),
 * one server closed first and then its client (TIME_WAIT); the IPv6 one holds
 * a listener and one connection whose server end was never accepted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define DATA_DIR LINGERLAB_SOURCE_DIR "/tests/unit/data/"

static char *
slurp(const char *name, size_t *len)
{
	FILE *fp = fopen(name, "rb");
	char *buf = NULL;
	long n = 0;

	if (fp == NULL)
		fail_msg("cannot open %s", name);
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("cannot read %s", name);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
test_status_captured(void **state)
{
	size_t len;
	char *text = slurp(DATA_DIR "proc-status.txt", &len);
	struct probe_proc p;

	(void)state;
	assert_int_equal(probe_proc_parse_status(text, len, &p), 0);
	assert_int_equal(p.threads, 1);
	assert_int_equal(p.rss_kib, 1744);
	assert_int_equal(p.fds, -1);
	free(text);
}

static void
test_status_variants(void **state)
{
	struct probe_proc p;
	static const char zombie[] =
	    "Name:\tx\nState:\tZ (zombie)\nThreads:\t1\n";
	static const char no_newline[] = "VmRSS:\t 12 kB\nThreads:\t7";
	static const char *const bad[] = {
		"Name:\tx\nVmRSS:\t12 kB\n",	       /* no Threads: */
		"Threads:\t\nVmRSS:\t1 kB\n",	       /* no value */
		"Threads:\t-3\n",		       /* negative */
		"Threads:\t3x\n",		       /* trailing junk */
		"Threads:\t1\nVmRSS:\t12 MB\n",	       /* unknown unit */
		"Threads:\t99999999999999999999999\n", /* overflow */
		"",
	};
	size_t i;

	(void)state;
	assert_int_equal(probe_proc_parse_status(zombie, sizeof(zombie) - 1,
			     &p),
	    0);
	assert_int_equal(p.threads, 1);
	assert_int_equal(p.rss_kib, -1);
	assert_int_equal(probe_proc_parse_status(no_newline,
			     sizeof(no_newline) - 1, &p),
	    0);
	assert_int_equal(p.threads, 7);
	assert_int_equal(p.rss_kib, 12);
	/* A length that cuts the value short is honoured: "Threads:\t" only. */
	assert_int_equal(probe_proc_parse_status("Threads:\t42", 9, &p), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (probe_proc_parse_status(bad[i], strlen(bad[i]), &p) != -1)
			fail_msg("accepted bad status #%zu: %s", i, bad[i]);
}

static void
test_proc_read_self(void **state)
{
	struct probe_proc a, b;
	char err[256];
	int fd;

	(void)state;
	assert_int_equal(probe_proc_read(getpid(), &a, err, sizeof(err)), 0);
	assert_true(a.threads >= 1);
	assert_true(a.rss_kib > 0);
	assert_true(a.fds >= 3);
	fd = dup(0);
	assert_true(fd >= 0);
	assert_int_equal(probe_proc_read(getpid(), &b, err, sizeof(err)), 0);
	assert_int_equal(b.fds, a.fds + 1);
	close(fd);
	assert_int_equal(probe_proc_read(-5, &b, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/proc/-5/status"));
}

static void
test_netstat_captured(void **state)
{
	size_t len;
	char *text = slurp(DATA_DIR "proc-net-netstat.txt", &len);
	uint64_t v = 99;

	(void)state;
	assert_int_equal(probe_netstat_parse(text, len, "TCPAbortOnData", &v),
	    0);
	assert_int_equal(v, 8);
	assert_int_equal(probe_netstat_parse(text, len, "TCPAbortOnLinger", &v),
	    0);
	assert_int_equal(v, 0);
	assert_int_equal(probe_netstat_parse(text, len, "SyncookiesSent", &v),
	    0);
	assert_int_equal(v, 0);
	/* IpExt's names are not TcpExt's; case matters as in nstat. */
	assert_int_equal(probe_netstat_parse(text, len, "InOctets", &v), -1);
	assert_int_equal(probe_netstat_parse(text, len, "tcpabortondata", &v),
	    -1);
	assert_int_equal(probe_netstat_parse(text, len, "", &v), -1);
	assert_int_equal(probe_netstat_parse(text, len, "TCPAbortOn", &v), -1);
	free(text);
}

static void
test_netstat_variants(void **state)
{
	static const char ok[] =
	    "IpExt: A B\nIpExt: 1 2\nTcpExt: A B C\nTcpExt: 4 5 6";
	static const char *const bad[] = {
		"TcpExt: A B C\n",		  /* no value line */
		"TcpExt: A B C\nIpExt: 1 2 3\n",  /* wrong value line */
		"TcpExt: A B C\nTcpExt: 1 2\n",	  /* fewer values */
		"TcpExt: A B\nTcpExt: 1 2 3\n",	  /* more values */
		"TcpExt: A B C\nTcpExt: 1 2 x\n", /* not a number */
		"TcpExt: A B C\nTcpExt: 1 2 -3\n",
		"TcpExt: A B C\nTcpExt: 1 2 99999999999999999999\n",
		"",
	};
	uint64_t v;
	size_t i;

	(void)state;
	assert_int_equal(probe_netstat_parse(ok, sizeof(ok) - 1, "C", &v), 0);
	assert_int_equal(v, 6);
	assert_int_equal(probe_netstat_parse(ok, sizeof(ok) - 1, "A", &v), 0);
	assert_int_equal(v, 4);
	/* The length is honoured: the value "6" is cut off. */
	assert_int_equal(probe_netstat_parse(ok, sizeof(ok) - 2, "C", &v), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (probe_netstat_parse(bad[i], strlen(bad[i]), "C", &v) != -1)
			fail_msg("accepted bad netstat #%zu: %s", i, bad[i]);
}

static void
test_netstat_read(void **state)
{
	static const char *const names[] = { "TCPAbortOnLinger",
		"TCPAbortOnClose" };
	static const char *const missing[] = { "TCPAbortOnClose",
		"NoSuchCounter" };
	uint64_t v[2];
	char err[256];

	(void)state;
	if (access("/proc/self/net/netstat", R_OK) != 0) {
		print_message("SKIP: no /proc/self/net/netstat\n");
		return;
	}
	assert_int_equal(probe_netstat_read(names, v, 2, err, sizeof(err)), 0);
	assert_int_equal(probe_netstat_read(missing, v, 2, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "\"NoSuchCounter\""));
}

/* The counts the captured IPv4 dump must give (see the top of this file). */
static void
assert_v4_counts(const struct probe_socks *s)
{
	assert_int_equal(s->by_state[1], 4);  /* ESTABLISHED */
	assert_int_equal(s->by_state[5], 1);  /* FIN_WAIT2 */
	assert_int_equal(s->by_state[6], 1);  /* TIME_WAIT */
	assert_int_equal(s->by_state[8], 1);  /* CLOSE_WAIT */
	assert_int_equal(s->by_state[10], 1); /* LISTEN */
	assert_int_equal(s->by_state[4], 0);
}

static void
test_socks_captured(void **state)
{
	size_t len4, len6;
	char *d4 = slurp(DATA_DIR "sockdiag-tcp4.bin", &len4);
	char *d6 = slurp(DATA_DIR "sockdiag-tcp6.bin", &len6);
	struct probe_socks s;
	char *shifted;

	(void)state;
	memset(&s, 0, sizeof(s));
	/* As received: the records, then a datagram with NLMSG_DONE alone. */
	assert_int_equal(probe_socks_parse(d4, len4 - NLMSG_LENGTH(4), &s), 0);
	assert_int_equal(probe_socks_parse(d4 + len4 - NLMSG_LENGTH(4),
			     NLMSG_LENGTH(4), &s),
	    1);
	assert_v4_counts(&s);
	/* Both families add up in one accumulator. */
	assert_int_equal(probe_socks_parse(d6, len6, &s), 1);
	assert_int_equal(s.by_state[1], 6);
	assert_int_equal(s.by_state[10], 2);
	/* Unaligned input is fine (the parser copies headers out). */
	shifted = malloc(len4 + 1);
	assert_non_null(shifted);
	memcpy(shifted + 1, d4, len4);
	memset(&s, 0, sizeof(s));
	assert_int_equal(probe_socks_parse(shifted + 1, len4, &s), 1);
	assert_v4_counts(&s);
	free(shifted);
	free(d4);
	free(d6);
}

/* A copy of the captured dump with one header field changed. */
static int
parse_patched(const char *d, size_t len, size_t off, uint32_t value,
    size_t width)
{
	struct probe_socks s;
	char *copy = malloc(len);
	int rc;

	assert_non_null(copy);
	memcpy(copy, d, len);
	memcpy(copy + off, &value, width);
	memset(&s, 0, sizeof(s));
	rc = probe_socks_parse(copy, len, &s);
	free(copy);
	return rc;
}

static void
test_socks_malformed(void **state)
{
	size_t len, first, cut;
	char *d = slurp(DATA_DIR "sockdiag-tcp4.bin", &len);
	struct nlmsghdr h;
	struct probe_socks s;
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} err;

	(void)state;
	memcpy(&h, d, sizeof(h));
	first = h.nlmsg_len;
	/* Every truncation inside a message is refused, never half counted. */
	for (cut = 1; cut < len; cut++) {
		size_t off = 0, end;
		bool boundary = false;

		/* A cut after a whole message (padding or not) leaves a valid prefix. */
		while (off < cut) {
			memcpy(&h, d + off, sizeof(h));
			end = off + h.nlmsg_len;
			if (cut >= end && cut <= NLMSG_ALIGN(end))
				boundary = true;
			off = NLMSG_ALIGN(end);
		}
		memset(&s, 0, sizeof(s));
		if (boundary)
			assert_int_equal(probe_socks_parse(d, cut, &s), 0);
		else if (probe_socks_parse(d, cut, &s) != -1)
			fail_msg("a dump cut at %zu of %zu bytes was accepted",
			    cut, len);
	}
	/* nlmsg_len too small, past the end, and short of an inet_diag_msg. */
	assert_int_equal(parse_patched(d, len, 0, 4, 4), -1);
	assert_int_equal(parse_patched(d, len, 0, (uint32_t)len + 4, 4), -1);
	assert_int_equal(parse_patched(d, len, 0, NLMSG_HDRLEN + 8, 4), -1);
	/* An unknown message type. */
	assert_int_equal(parse_patched(d, len,
			     offsetof(struct nlmsghdr, nlmsg_type), 99, 2),
	    -1);
	/* An error reply (what a kernel without IPv6 diag sends). */
	memset(&err, 0, sizeof(err));
	err.h.nlmsg_len = sizeof(err);
	err.h.nlmsg_type = NLMSG_ERROR;
	err.e.error = -22;
	memset(&s, 0, sizeof(s));
	assert_int_equal(probe_socks_parse(&err, sizeof(err), &s), -1);
	/* Empty input: nothing yet, not done. */
	assert_int_equal(probe_socks_parse(d, 0, &s), 0);
	assert_true(first > NLMSG_HDRLEN);
	free(d);
}

static void
test_socks_read(void **state)
{
	struct probe_socks s;
	char err[256];

	(void)state;
	/* The namespace's own sockets, whatever they are: the reader works. */
	if (probe_socks_read(&s, err, sizeof(err)) != 0)
		print_message("SKIP: sock_diag unavailable: %s\n", err);
}

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(probe_tcp_state_name(1), "ESTABLISHED");
	assert_string_equal(probe_tcp_state_name(4), "FIN_WAIT1");
	assert_string_equal(probe_tcp_state_name(12), "NEW_SYN_RECV");
	assert_string_equal(probe_tcp_state_name(0), "?");
	assert_string_equal(probe_tcp_state_name(13), "?");
	assert_int_equal(probe_tcp_state_number("fin_wait1"), 4);
	assert_int_equal(probe_tcp_state_number("TIME_WAIT"), 6);
	assert_int_equal(probe_tcp_state_number("?"), 0);
	assert_int_equal(probe_tcp_state_number("FIN"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_captured),
		cmocka_unit_test(test_status_variants),
		cmocka_unit_test(test_proc_read_self),
		cmocka_unit_test(test_netstat_captured),
		cmocka_unit_test(test_netstat_variants),
		cmocka_unit_test(test_netstat_read),
		cmocka_unit_test(test_socks_captured),
		cmocka_unit_test(test_socks_malformed),
		cmocka_unit_test(test_socks_read),
		cmocka_unit_test(test_state_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
