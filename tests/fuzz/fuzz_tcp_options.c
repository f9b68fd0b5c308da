/*
 * fuzz_tcp_options.c - libFuzzer target for the TCP option parser
 * (common/tcp_options.c) on its own. fuzz_frame reaches it too, but only
 * through a frame whose lengths hold together; here every byte string up
 * to the header's 40 bytes of option space goes straight in.
 *
 * Checked properties, beyond no crash, no over-read (ASan: the input is
 * copied to a buffer of exactly its size) and no undefined behaviour:
 *  - what parses re-encodes into at most TCP_OPTS_ENCODED_MAX bytes, a
 *    multiple of 4, that parse again to the same options;
 *  - a failed parse keeps the options parsed before the bad one, which
 *    then encode and parse back as well.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_tcp_options: property violated: %s\n", what);
	abort();
}

static bool
same_opts(const struct tcp_opts *a, const struct tcp_opts *b)
{
	return a->has_mss == b->has_mss && (!a->has_mss || a->mss == b->mss) &&
	    a->has_wscale == b->has_wscale &&
	    (!a->has_wscale || a->wscale == b->wscale) &&
	    a->sack_ok == b->sack_ok && a->has_ts == b->has_ts &&
	    (!a->has_ts || (a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_opts a, b;
	uint8_t *copy, enc[TCP_OPTS_SPACE_MAX];
	size_t n;

	if (size > TCP_OPTS_SPACE_MAX)
		return 0;
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	memset(&a, 0, sizeof(a));
	(void)tcp_opts_parse(copy, size, &a);
	n = tcp_opts_encode(&a, enc, sizeof(enc));
	require(n == tcp_opts_encoded_len(&a), "encoded length");
	require(n <= TCP_OPTS_ENCODED_MAX && n % 4 == 0, "encoded size");
	memset(&b, 0, sizeof(b));
	require(tcp_opts_parse(enc, n, &b), "own encoding refused");
	require(same_opts(&a, &b), "options changed in a round trip");
	free(copy);
	return 0;
}
