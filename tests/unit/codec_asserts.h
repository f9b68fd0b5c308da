/*
 * codec_asserts.h - field-by-field comparisons shared by the codec tests,
 * so a mismatch names the field that differs. Include after cmocka.h.
 */
#ifndef LINGERLAB_CODEC_ASSERTS_H
#define LINGERLAB_CODEC_ASSERTS_H

#include "segment.h"

/* Whole addresses, with both written out when they differ. */
static inline void
assert_same_addr(const struct ip_addr *got, const struct ip_addr *want)
{
	char g[IP_ADDR_STRLEN], w[IP_ADDR_STRLEN];

	if (!ip_addr_eq(got, want))
		fail_msg("address %s (family %u), want %s (family %u)",
		    ip_addr_format(got, g, sizeof(g)), got->family,
		    ip_addr_format(want, w, sizeof(w)), want->family);
}

static inline void
assert_same_opts(const struct tcp_opts *got, const struct tcp_opts *want)
{
	assert_int_equal(got->has_mss, want->has_mss);
	assert_int_equal(got->mss, want->mss);
	assert_int_equal(got->has_wscale, want->has_wscale);
	assert_int_equal(got->wscale, want->wscale);
	assert_int_equal(got->sack_ok, want->sack_ok);
	assert_int_equal(got->has_ts, want->has_ts);
	assert_int_equal(got->ts_val, want->ts_val);
	assert_int_equal(got->ts_ecr, want->ts_ecr);
}

static inline void
assert_same_segment(const struct segment *got, const struct segment *want)
{
	assert_same_addr(&got->saddr, &want->saddr);
	assert_same_addr(&got->daddr, &want->daddr);
	assert_int_equal(got->sport, want->sport);
	assert_int_equal(got->dport, want->dport);
	assert_int_equal(got->seq, want->seq);
	assert_int_equal(got->ack, want->ack);
	assert_int_equal(got->flags, want->flags);
	assert_int_equal(got->window, want->window);
	assert_same_opts(&got->opt, &want->opt);
	assert_int_equal(got->payload_len, want->payload_len);
	if (want->payload_len > 0)
		assert_memory_equal(got->payload, want->payload,
		    want->payload_len);
	else
		assert_null(got->payload);
}

#endif
