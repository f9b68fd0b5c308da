/*
 * tcp_options.c - TCP options (RFC 9293 3.2, RFC 7323, RFC 2018).
 *
 * Parsing is strict where Linux is lenient: a known option with the wrong
 * length makes the whole segment FRAME_TCP_BAD_OPTION instead of being
 * silently ignored. lingerpeer is a test instrument; a malformed header
 * should be counted and visible, not half-understood.
 */
#include "tcp_options.h"

#include <string.h>

/*
 * Store one option of a known kind. body points at the bytes after the
 * kind and length bytes. Returns false if optlen is wrong for the kind.
 */
static bool
store_known_option(uint8_t kind, const uint8_t *body, size_t optlen,
    struct tcp_opts *out)
{
	switch (kind) {
	case TCPOPT_KIND_MSS:
		if (optlen != TCPOPT_LEN_MSS)
			return false;
		out->has_mss = true;
		out->mss = wire_get16(body);
		return true;
	case TCPOPT_KIND_WSCALE:
		if (optlen != TCPOPT_LEN_WSCALE)
			return false;
		out->has_wscale = true;
		out->wscale = body[0];
		return true;
	case TCPOPT_KIND_SACK_PERM:
		if (optlen != TCPOPT_LEN_SACK_PERM)
			return false;
		out->sack_ok = true;
		return true;
	case TCPOPT_KIND_TIMESTAMP:
		if (optlen != TCPOPT_LEN_TIMESTAMP)
			return false;
		out->has_ts = true;
		out->ts_val = wire_get32(body);
		out->ts_ecr = wire_get32(body + 4);
		return true;
	default:
		/* Unknown kinds are skipped by length; nothing to check. */
		return true;
	}
}

bool
tcp_opts_parse(const uint8_t *opts, size_t len, struct tcp_opts *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		uint8_t kind = opts[pos];
		size_t optlen;

		if (kind == TCPOPT_KIND_EOL)
			break; /* the rest is padding by definition */
		if (kind == TCPOPT_KIND_NOP) {
			pos++;
			continue;
		}
		/* Every other kind carries a length byte that counts itself. */
		if (len - pos < 2)
			return false;
		optlen = opts[pos + 1];
		if (optlen < 2 || optlen > len - pos)
			return false;
		if (!store_known_option(kind, opts + pos + 2, optlen, out))
			return false;
		pos += optlen;
	}
	return true;
}

size_t
tcp_opts_encoded_len(const struct tcp_opts *o)
{
	size_t len = 0;

	if (o->has_mss)
		len += 4;
	if (o->has_ts)
		len += 12; /* SACK-perm or NOP NOP, then TS */
	else if (o->sack_ok)
		len += 4; /* NOP NOP SACK-perm */
	if (o->has_wscale)
		len += 4; /* NOP WS */
	return len;
}

/*
 * The layout follows Linux's tcp_options_write() so a lingerpeer SYN-ACK
 * looks like a Linux one in a capture: SACK-permitted shares a 12-byte
 * word group with the timestamp when both are present, and each odd-sized
 * option is aligned by leading NOPs rather than trailing EOL padding.
 */
size_t
tcp_opts_encode(const struct tcp_opts *o, uint8_t *buf, size_t cap)
{
	uint8_t *p = buf;

	if (cap < tcp_opts_encoded_len(o))
		return 0;
	if (o->has_mss) {
		*p++ = TCPOPT_KIND_MSS;
		*p++ = TCPOPT_LEN_MSS;
		wire_put16(p, o->mss);
		p += 2;
	}
	if (o->has_ts) {
		if (o->sack_ok) {
			*p++ = TCPOPT_KIND_SACK_PERM;
			*p++ = TCPOPT_LEN_SACK_PERM;
		} else {
			*p++ = TCPOPT_KIND_NOP;
			*p++ = TCPOPT_KIND_NOP;
		}
		*p++ = TCPOPT_KIND_TIMESTAMP;
		*p++ = TCPOPT_LEN_TIMESTAMP;
		wire_put32(p, o->ts_val);
		wire_put32(p + 4, o->ts_ecr);
		p += 8;
	} else if (o->sack_ok) {
		*p++ = TCPOPT_KIND_NOP;
		*p++ = TCPOPT_KIND_NOP;
		*p++ = TCPOPT_KIND_SACK_PERM;
		*p++ = TCPOPT_LEN_SACK_PERM;
	}
	if (o->has_wscale) {
		*p++ = TCPOPT_KIND_NOP;
		*p++ = TCPOPT_KIND_WSCALE;
		*p++ = TCPOPT_LEN_WSCALE;
		*p++ = o->wscale;
	}
	return (size_t)(p - buf);
}
