/*
 * segment.h - a TCP segment as lingerpeer's state machine sees it.
 *
 * The codec (frame.c) turns wire bytes into this and back; the state machine
 * (tcp_peer.c) never touches wire bytes. All numbers are in host byte order
 * so they can be compared and printed directly; the addresses are either
 * family's (ip_address.h).
 */
#ifndef LINGERLAB_SEGMENT_H
#define LINGERLAB_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"

enum tcp_flag {
	TCPF_FIN = 0x01,
	TCPF_SYN = 0x02,
	TCPF_RST = 0x04,
	TCPF_PSH = 0x08,
	TCPF_ACK = 0x10,
	TCPF_URG = 0x20,
	TCPF_ECE = 0x40,
	TCPF_CWR = 0x80,
};

/* The TCP options lingerpeer understands; everything else is skipped. */
struct tcp_opts {
	bool has_mss;
	bool has_wscale;
	bool sack_ok;
	bool has_ts;
	uint8_t wscale;
	uint16_t mss;
	uint32_t ts_val;
	uint32_t ts_ecr;
};

struct segment {
	struct ip_addr saddr; /* IPv4 or IPv6 source */
	struct ip_addr daddr; /* destination, of the same family */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;	 /* enum tcp_flag bits */
	uint16_t window; /* as on the wire, not scaled */
	struct tcp_opts opt;
	uint32_t payload_len;
	const uint8_t *payload; /* NULL when payload_len is 0 */
};

/* "S.", "F.", "R." ... in tcpdump's notation; buf needs 10 bytes. */
const char *tcp_flags_str(uint8_t flags, char buf[10]);

/* Sequence-space comparisons that survive wrap-around (RFC 1982 style). */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool
seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool
seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

#endif
