/*
 * tcp_options.h - TCP option parsing and encoding, part of the packet codec.
 *
 * Internal to the codec (frame.c) and its tests; the state machine only ever
 * sees the parsed struct tcp_opts in struct segment.
 */
#ifndef LINGERLAB_TCP_OPTIONS_H
#define LINGERLAB_TCP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "segment.h"

enum tcp_opt_kind {
	TCPOPT_KIND_EOL = 0,
	TCPOPT_KIND_NOP = 1,
	TCPOPT_KIND_MSS = 2,
	TCPOPT_KIND_WSCALE = 3,
	TCPOPT_KIND_SACK_PERM = 4,
	TCPOPT_KIND_TIMESTAMP = 8,
};

#define TCPOPT_LEN_MSS	     4
#define TCPOPT_LEN_WSCALE    3
#define TCPOPT_LEN_SACK_PERM 2
#define TCPOPT_LEN_TIMESTAMP 10

#define TCP_OPTS_SPACE_MAX   40 /* (15 - 5) * 4: data offset limit */
#define TCP_OPTS_ENCODED_MAX 20 /* MSS + SACK-perm/TS + NOP/WS */

/*
 * Parse the option bytes of a TCP header (everything between the fixed
 * 20-byte header and the data offset). Options lingerpeer does not know
 * (SACK blocks, MD5, ...) are skipped by their length. A repeated option
 * overwrites the earlier one. Values are taken as on the wire: a window
 * scale above 14 is reported as is, clamping is the state machine's call.
 * Returns false when an option is malformed: its length byte is missing,
 * below 2, runs past the header, or is wrong for a kind we know.
 * On failure *out holds whatever had been parsed before the bad option.
 */
bool tcp_opts_parse(const uint8_t *opts, size_t len, struct tcp_opts *out);

/* Bytes tcp_opts_encode() writes for o; a multiple of 4, at most 20. */
size_t tcp_opts_encoded_len(const struct tcp_opts *o);

/*
 * Write the options set in o (has_mss, sack_ok, has_ts, has_wscale) in the
 * order Linux uses, NOP-padded to a multiple of 4. Returns the bytes
 * written, which is 0 both when nothing is set and when cap is smaller than
 * tcp_opts_encoded_len(o) (then nothing is written).
 */
size_t tcp_opts_encode(const struct tcp_opts *o, uint8_t *buf, size_t cap);

/*
 * Big-endian wire accessors shared by the codec files. Byte-wise on
 * purpose: frames sit at any alignment in capture buffers, so casting to
 * uint16_t/uint32_t pointers would be undefined behaviour.
 */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
