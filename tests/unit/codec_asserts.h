/*
 * codec_asserts.h - field-by-field comparisons shared by the codec tests,
 * so a mismatch names the field that differs. Include after cmocka.h.
 */
#ifndef LINGERLAB_CODEC_ASSERTS_H
#define LINGERLAB_CODEC_ASSERTS_H

#include "segment.h"

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

#endif
