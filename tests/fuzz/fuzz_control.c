/*
 * fuzz_control.c - libFuzzer target for the control protocol.
 *
 * The input is split into lines as the server splits them; each line is
 * parsed and then run against a small real peer that has one listening port
 * and three connections, two over IPv4 and one over IPv6. Checked properties, beyond no crash and no
 * undefined behaviour:
 *  - a refused line has an error code and a one-line printable message;
 *  - every reply is printable lines ending in exactly one status line
 *    ("ok..." or "err CODE: ..."), and no data line looks like a status;
 *  - a pending wait always completes once its deadline has passed.
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_exec.h"
#include "control_proto.h"
#include "tcp_peer.h"
#include "timeunit.h"

#define SEC NS_PER_S

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what, const char *text, size_t len)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_control: property violated: %s: '%.*s'\n", what,
	    (int)(len > 300 ? 300 : len), text);
	abort();
}

static bool
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static bool
is_status(const char *s, size_t len)
{
	return (len == 2 && memcmp(s, "ok", 2) == 0) ||
	    (len > 2 && memcmp(s, "ok ", 3) == 0) ||
	    (len > 4 && memcmp(s, "err ", 4) == 0 &&
		memchr(s, ':', len) != NULL);
}

/* The reply must be lines; only the last may be, and must be, a status. */
static void
check_reply(const struct control_out *out)
{
	const char *p = out->buf, *end = out->buf + out->len, *nl;

	require(out->len > 0 && out->buf[out->len - 1] == '\n',
	    "reply not ended", out->buf, out->len);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		require(printable(p, (size_t)(nl - p)),
		    "unprintable reply line", p, (size_t)(nl - p));
		require(is_status(p, (size_t)(nl - p)) == (nl + 1 == end),
		    "status line misplaced", p, (size_t)(nl - p));
	}
}

/* 2001:db8::1 and 2001:db8::2: the peer owns an address of each family. */
static const struct ip_addr client6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const struct ip_addr peer6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

/* From 192.0.2.1, or from 2001:db8::1 for the ports 40002 and up. */
static void
segment_in(struct peer *p, uint16_t sport, uint8_t flags, uint32_t seq,
    uint32_t ack, uint64_t now)
{
	struct segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = sport >= 40002 ? client6 : ip_addr_v4(0xc0000201);
	s.daddr = sport >= 40002 ? peer6 : ip_addr_v4(0xc0000202);
	s.sport = sport;
	s.dport = 80;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.window = 65535;
	peer_input(p, &s, now);
}

/* Complete a handshake from sport; the SYN-ACK tells the ack to send. */
static void
make_conn(struct peer *p, uint16_t sport, uint64_t now)
{
	struct segment s;
	uint32_t ack = 0;

	segment_in(p, sport, TCPF_SYN, 1000, 0, now);
	while (peer_pop_output(p, &s))
		if (s.flags & TCPF_SYN)
			ack = s.seq + 1;
	segment_in(p, sport, TCPF_ACK, 1001, ack, now);
	while (peer_pop_output(p, &s))
		;
}

static struct peer *
make_peer(uint64_t now)
{
	struct peer_config cfg;
	struct behaviour b;
	struct peer *p;

	peer_config_default(&cfg);
	cfg.addr6 = peer6;
	cfg.max_conns = 8;
	cfg.event_capacity = 64;
	cfg.max_delayed = 8;
	if ((p = peer_new(&cfg)) == NULL)
		abort();
	behaviour_default(&b);
	peer_listen(p, 80, &b);
	make_conn(p, 40000, now);
	make_conn(p, 40001, now);
	make_conn(p, 40002, now);
	return p;
}

static void
run_line(struct peer *p, const char *line, size_t len, uint64_t *now,
    struct control_out *out)
{
	struct control_env env = { p, 1, 64 };
	struct control_cmd cmd;
	struct control_error err;
	struct control_wait w;
	struct segment s;

	if (control_parse(line, len, &cmd, &err) < 0) {
		require(err.code != NULL && err.msg[0] != '\0',
		    "error without text", line, len);
		require(printable(err.msg, strlen(err.msg)),
		    "unprintable error", err.msg, strlen(err.msg));
	}
	control_out_reset(out);
	if (control_exec_line(&env, line, len, *now, out, &w) ==
	    CONTROL_PENDING) {
		require(out->len == 0, "pending wait wrote a reply", out->buf,
		    out->len);
		require(control_wait_check(p, &w, w.deadline_ns, out) ==
			CONTROL_DONE,
		    "wait still pending at its deadline", line, len);
	}
	check_reply(out);
	while (peer_pop_output(p, &s))
		;
	*now += SEC / 1000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size, *nl;
	struct control_out out;
	uint64_t now = 10 * SEC;
	struct peer *p = make_peer(now);

	control_out_init(&out, 64 * 1024);
	while (text < end) {
		if ((nl = memchr(text, '\n', (size_t)(end - text))) == NULL)
			nl = end;
		run_line(p, text, (size_t)(nl - text), &now, &out);
		text = nl + 1;
	}
	control_out_free(&out);
	peer_free(p);
	return 0;
}
