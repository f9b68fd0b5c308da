/*
 * test_agent_proto.c - the agent protocol's codec (client/agent/
 * agent_proto.h): every request parsed and written back the same, every
 * kind of bad line refused with its code, replies formatted and read
 * back, lines out of a stream at and past the limit, the token check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_proto.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct agent_req req;
static struct agent_error perr;

static int
parse(const char *line)
{
	return agent_parse_request(line, strlen(line), &req, &perr);
}

/* Parse, write back, parse again: the same request, the same line. */
static void
round_trip(const char *line, const char *canonical)
{
	struct agent_req again;
	struct agent_error e2;
	char buf[AGENT_LINE_MAX + 2];
	size_t n;

	assert_int_equal(parse(line), 0);
	n = agent_format_request(&req, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\n');
	buf[n - 1] = '\0';
	assert_string_equal(buf, canonical);
	assert_int_equal(agent_parse_request(buf, n - 1, &again, &e2), 0);
	assert_memory_equal(&again, &req, sizeof(req));
}

static void
test_requests_round_trip(void **state)
{
	static const char *const lines[][2] = {
		{ "socket", "socket" },
		{ "SOCKET", "socket" },
		{ "set 1 linger-off", "set 1 linger-off" },
		{ "set 1 linger 1", "set 1 linger 1" },
		{ "set 1 LINGER -5", "set 1 linger -5" },
		{ "set 7 nonblocking", "set 7 nonblocking" },
		{ "set 7 blocking", "set 7 blocking" },
		{ "set 2 sndbuf 65536", "set 2 sndbuf 65536" },
		{ "set 2 rcvbuf 4096", "set 2 rcvbuf 4096" },
		{ "set 2 nodelay 1", "set 2 nodelay 1" },
		{ "set 2 user-timeout 3000", "set 2 user-timeout 3000" },
		{ "set 2 linger2 -1", "set 2 linger2 -1" },
		{ "connect 1 192.0.2.2:80",
		    "connect 1 192.0.2.2:80 timeout=10000000000ns" },
		{ "connect 1 192.0.2.2:80 timeout=2s",
		    "connect 1 192.0.2.2:80 timeout=2000000000ns" },
		{ "send 1 10240", "send 1 10240" },
		{ "send 1 until-blocked", "send 1 until-blocked" },
		{ "recv 3 65536", "recv 3 65536" },
		{ "shutdown 1 wr", "shutdown 1 wr" },
		{ "shutdown 1 RDWR", "shutdown 1 rdwr" },
		{ "close 1", "close 1" },
		{ "close none", "close none" },
		{ "exit-close 4", "exit-close 4" },
		{ "listen 1 192.0.2.1:8000", "listen 1 192.0.2.1:8000" },
		{ "accept 1", "accept 1 timeout=10000000000ns" },
		{ "accept 1 timeout=250ms", "accept 1 timeout=250000000ns" },
		{ "signal-after 1500ms", "signal-after 1500000000ns" },
		{ "names 2", "names 2" },
		{ "route 192.0.2.2", "route 192.0.2.2" },
		{ "state 192.0.2.1:40000 192.0.2.2:80",
		    "state 192.0.2.1:40000 192.0.2.2:80" },
		/* IPv6: the family asked for, addresses in brackets by a
		 * port, written back in their short form (RFC 5952). */
		{ "socket IPv4", "socket" },
		{ "socket ipv6", "socket ipv6" },
		{ "connect 1 [2001:db8::2]:80",
		    "connect 1 [2001:db8::2]:80 timeout=10000000000ns" },
		{ "connect 1 [2001:DB8:0:0:0:0:0:2]:80 timeout=1s",
		    "connect 1 [2001:db8::2]:80 timeout=1000000000ns" },
		{ "listen 1 [::]:8000", "listen 1 [::]:8000" },
		{ "route 2001:db8::2", "route 2001:db8::2" },
		{ "state [2001:db8::1]:40000 [2001:db8::2]:80",
		    "state [2001:db8::1]:40000 [2001:db8::2]:80" },
		{ "probe process", "probe process" },
		{ "probe sockets", "probe sockets" },
		{ "probe counters TCPAbortOnLinger TCPAbortOnClose",
		    "probe counters TCPAbortOnLinger TCPAbortOnClose" },
		{ "clock", "clock" },
		{ "reset", "reset" },
		{ "help", "help" },
		{ "quit\r", "quit" },
		{ "hello 1", "hello 1" },
		{ "auth 3q2+7kR0b0Jm8aUqXlq1s8yI2W3Yk2vB",
		    "auth 3q2+7kR0b0Jm8aUqXlq1s8yI2W3Yk2vB" },
		{ "\t close \t 9 ", "close 9" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(lines); i++)
		round_trip(lines[i][0], lines[i][1]);
}

static void
test_request_fields(void **state)
{
	(void)state;
	assert_int_equal(parse("connect 12 192.0.2.2:8080 timeout=3s"), 0);
	assert_int_equal(req.verb, AGENT_CONNECT);
	assert_int_equal(req.sock, 12);
	assert_int_equal(ip_addr_to_v4(&req.addr), 0xc0000202u);
	assert_int_equal(req.port, 8080);
	assert_int_equal(req.duration_ns, 3000000000ull);
	assert_int_equal(parse("set none linger 2147483648"), 0);
	assert_int_equal(req.sock, AGENT_SOCK_NONE);
	assert_int_equal(req.opt, PLAT_OPT_LINGER);
	assert_int_equal(req.value, 2147483648LL);
	assert_int_equal(parse("set 1 linger -9223372036854775808"), 0);
	assert_true(req.value == INT64_MIN);
	assert_int_equal(parse("send 1 until-blocked"), 0);
	assert_true(req.until_blocked);
	assert_int_equal(parse("shutdown 1 rd"), 0);
	assert_int_equal(req.how, 0);
	assert_int_equal(parse("state 192.0.2.1:0 192.0.2.2:65535"), 0);
	assert_int_equal(req.port, 0);
	assert_int_equal(req.rport, 65535);
	assert_int_equal(parse("probe counters A B_1"), 0);
	assert_int_equal(req.verb, AGENT_PROBE_COUNTERS);
	assert_int_equal(req.ncounters, 2);
	assert_string_equal(req.counters[1], "B_1");
	assert_int_equal(parse("hello 2"), 0);
	assert_int_equal(req.protocol, 2);
	assert_string_equal(agent_verb_name(AGENT_EXIT_CLOSE), "exit-close");
	assert_string_equal(agent_verb_name(AGENT_PROBE_SOCKETS), "probe");
}

/* IPv6 through the agent: the family and addresses of either kind. */
static void
test_ipv6_requests(void **state)
{
	static const uint8_t peer6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct agent_req r;
	char buf[AGENT_LINE_MAX + 2];

	(void)state;
	assert_int_equal(parse("socket"), 0);
	assert_int_equal(req.family, IPF_V4);
	assert_int_equal(parse("socket ipv6"), 0);
	assert_int_equal(req.family, IPF_V6);
	assert_int_equal(parse("connect 3 [2001:db8::2]:7001"), 0);
	assert_true(ip_addr_is_v6(&req.addr));
	assert_memory_equal(req.addr.b, peer6, 16);
	assert_int_equal(req.port, 7001);
	assert_int_equal(parse("state [2001:db8::1]:0 [2001:db8::2]:7001"), 0);
	assert_true(ip_addr_is_v6(&req.raddr));
	assert_int_equal(req.port, 0);
	assert_int_equal(parse("route ::1"), 0);
	assert_int_equal(req.addr.b[15], 1);
	/* The runner's half writes only what the agent reads back. */
	memset(&r, 0, sizeof(r));
	r.verb = AGENT_CONNECT;
	r.sock = 1;
	r.port = 80;
	assert_int_equal(agent_format_request(&r, buf, sizeof(buf)), 0);
	r.addr = ip_addr_v6(peer6);
	assert_true(agent_format_request(&r, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "connect 1 [2001:db8::2]:80 timeout=0ns\n");
	r.verb = AGENT_STATE;
	r.raddr = ip_addr_v4(0xc0000202u);
	assert_int_equal(agent_format_request(&r, buf, sizeof(buf)), 0);
	r.verb = AGENT_SOCKET;
	r.family = IPF_V6;
	assert_true(agent_format_request(&r, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "socket ipv6\n");
	r.family = (enum ip_family)5;
	assert_int_equal(agent_format_request(&r, buf, sizeof(buf)), 0);
}

static void
test_ipv6_replies(void **state)
{
	static const uint8_t all[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct agent_names n = { .known = true, .lport = 40000, .rport = 7001 };
	struct agent_names got;
	struct agent_reply r;
	struct plat_call c, back;
	char buf[AGENT_REPLY_MAX];
	uint64_t sig;
	uint32_t sock;
	size_t len;

	(void)state;
	assert_int_equal(ip_addr_parse("2001:db8::1", &n.laddr), 0);
	assert_int_equal(ip_addr_parse("2001:db8::2", &n.raddr), 0);
	memset(&c, 0, sizeof(c));
	len = agent_format_call(&c, AGENT_SOCK_NONE, &n, 0, buf, sizeof(buf));
	assert_true(len > 0);
	assert_non_null(strstr(buf,
	    " local=[2001:db8::1]:40000 remote=[2001:db8::2]:7001\n"));
	assert_int_equal(agent_parse_reply(buf, len, &r), 0);
	assert_int_equal(agent_reply_call(&r, &back, &sock, &got, &sig), 0);
	assert_true(got.known);
	assert_true(ip_addr_eq(&got.laddr, &n.laddr));
	assert_true(ip_addr_eq(&got.raddr, &n.raddr));
	assert_int_equal(got.rport, 7001);
	/* The longest names there are fit, and read back. */
	n.laddr = ip_addr_v6(all);
	n.raddr = ip_addr_v6(all);
	n.lport = n.rport = 65535;
	len = agent_format_names(&n, buf, sizeof(buf));
	assert_true(len > 0);
	assert_string_equal(buf,
	    "ok local=[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535 "
	    "remote=[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535\n");
	assert_int_equal(agent_parse_reply(buf, len, &r), 0);
	assert_int_equal(agent_reply_names(&r, &got), 0);
	assert_true(ip_addr_eq(&got.raddr, &n.raddr));
	/* A v6 address without brackets by its port is no name. */
	snprintf(buf, sizeof(buf), "ok local=2001:db8::1:5 remote=[::1]:5");
	assert_int_equal(agent_parse_reply(buf, strlen(buf), &r), 0);
	assert_int_equal(agent_reply_names(&r, &got), -1);
	assert_false(got.known);
}

struct bad {
	const char *line;
	size_t len; /* 0: strlen */
	const char *code;
	const char *says; /* in the message */
};

static void
test_bad_requests(void **state)
{
	static const struct bad bad[] = {
		{ "", 0, "empty-line", "no request" },
		{ "   \t ", 0, "empty-line", "no request" },
		{ "sock\0et", 7, "bad-char", "0x00 at column 5" },
		{ "close \x7f", 0, "bad-char", "0x7f" },
		{ "close \x80", 0, "bad-char", "0x80" },
		{ "close 1\n", 0, "bad-char", "0x0a" },
		{ "frobnicate", 0, "unknown-command", "'frobnicate'" },
		{ "socket 1", 0, "bad-argument", "is not a family" },
		{ "socket ipv6 ipv4", 0, "bad-argument",
		    "socket takes 0 to 1" },
		{ "socket inet6", 0, "bad-argument", "socket ipv6" },
		{ "close", 0, "bad-argument", "close takes 1 to 1" },
		{ "close 0", 0, "bad-argument", "is not a socket" },
		{ "close -1", 0, "bad-argument", "is not a socket" },
		{ "close 4294967296", 0, "bad-argument", "is not a socket" },
		{ "set 1 linger", 0, "bad-argument", "needs a whole number" },
		{ "set 1 linger x", 0, "bad-argument", "needs a whole number" },
		{ "set 1 linger 9223372036854775808", 0, "bad-argument",
		    "whole number" },
		{ "set 1 nonblocking 1", 0, "bad-argument", "takes no value" },
		{ "set 1 keepalive 1", 0, "bad-argument", "is no option" },
		{ "connect 1 192.0.2.2", 0, "bad-argument",
		    "not an address and port" },
		{ "connect 1 192.0.2.256:80", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 192.0.2:80", 0, "bad-argument", "not an address" },
		{ "connect 1 192.0.2.2:65536", 0, "bad-argument",
		    "not an address" },
		/* IPv6 beside a port needs its brackets; IPv4 has none. */
		{ "connect 1 2001:db8::2:80", 0, "bad-argument",
		    "[2001:db8::2]:80 for IPv6" },
		{ "connect 1 [2001:db8::2]", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 [2001:db8::2]80", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 [192.0.2.2]:80", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 [2001:db8::g]:80", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 [fe80::1%eth0]:80", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 []:80", 0, "bad-argument", "not an address" },
		{ "connect 1 [2001:db8::2]:", 0, "bad-argument",
		    "not an address" },
		{ "connect 1 [2001:db8::2]:65536", 0, "bad-argument",
		    "not an address" },
		{ "route [2001:db8::2]", 0, "bad-argument", "not an address" },
		{ "state 192.0.2.1:1 [2001:db8::2]:80", 0, "bad-argument",
		    "two families" },
		{ "connect 1 192.0.2.2:80 timeout=2", 0, "bad-argument",
		    "not a timeout" },
		{ "connect 1 192.0.2.2:80 timeout=3601s", 0, "bad-argument",
		    "not a timeout" },
		{ "connect 1 192.0.2.2:80 wait=2s", 0, "bad-argument",
		    "not a timeout" },
		{ "send 1 lots", 0, "bad-argument", "or until-blocked" },
		{ "send 1 1099511627777", 0, "bad-argument", "not a size" },
		{ "recv 1 until-blocked", 0, "bad-argument", "not a size" },
		{ "shutdown 1 both", 0, "bad-argument", "not a direction" },
		{ "signal-after 1", 0, "bad-argument", "not a duration" },
		{ "signal-after 1min", 0, "bad-argument", "not a duration" },
		{ "signal-after 99999999999999999999999s", 0, "bad-argument",
		    "not a duration" },
		{ "route 1.2.3", 0, "bad-argument", "not an address" },
		{ "state 1.2.3.4:5", 0, "bad-argument", "state takes 2 to 2" },
		{ "probe", 0, "bad-argument", "probe takes 1" },
		{ "probe memory", 0, "bad-argument", "probe what?" },
		{ "probe counters", 0, "bad-argument", "probe what?" },
		{ "probe sockets x", 0, "bad-argument", "probe what?" },
		{ "probe counters Tcp-Ext", 0, "bad-argument",
		    "not a counter name" },
		{ "hello", 0, "bad-argument", "hello takes 1" },
		{ "hello one", 0, "bad-argument", "not a protocol version" },
		{ "hello 0", 0, "bad-argument", "not a protocol version" },
		{ "a b c d e f g h i j k l m n o p q r s t u v w x y", 0,
		    "bad-argument", "more than 24 words" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < NELEM(bad); i++) {
		len = bad[i].len ? bad[i].len : strlen(bad[i].line);
		assert_int_equal(agent_parse_request(bad[i].line, len, &req,
				     &perr),
		    -1);
		assert_non_null(perr.code);
		if (strcmp(perr.code, bad[i].code) != 0 ||
		    strstr(perr.msg, bad[i].says) == NULL)
			fail_msg("'%s': got %s: %s; wanted %s: ...%s...",
			    bad[i].line, perr.code, perr.msg, bad[i].code,
			    bad[i].says);
	}
	assert_true(agent_error_fatal("bad-char"));
	assert_true(agent_error_fatal("line-too-long"));
	assert_false(agent_error_fatal("bad-argument"));
}

static void
test_long_words_and_lines(void **state)
{
	char *line = malloc(AGENT_LINE_MAX + 2);

	(void)state;
	assert_non_null(line);
	/* A word of 256 bytes. */
	memset(line, 'a', 300);
	memcpy(line, "auth ", 5);
	assert_int_equal(agent_parse_request(line, 5 + 255, &req, &perr), 0);
	assert_int_equal(strlen(req.token), 255);
	assert_int_equal(agent_parse_request(line, 5 + 256, &req, &perr), -1);
	assert_string_equal(perr.code, "bad-argument");
	/* The whole line: the limit, and one past it. */
	memset(line, ' ', AGENT_LINE_MAX + 1);
	memcpy(line, "clock", 5);
	assert_int_equal(agent_parse_request(line, AGENT_LINE_MAX, &req, &perr),
	    0);
	assert_int_equal(agent_parse_request(line, AGENT_LINE_MAX + 1, &req,
			     &perr),
	    -1);
	assert_string_equal(perr.code, "line-too-long");
	free(line);
}

/* ---- replies ---- */

static void
test_call_reply_round_trip(void **state)
{
	struct agent_names n = { true, IP_ADDR_V4_INIT(192, 0, 2, 1),
		IP_ADDR_V4_INIT(192, 0, 2, 2), 40000, 80 };
	struct agent_names got;
	struct agent_reply r;
	struct plat_call c, back;
	char buf[AGENT_REPLY_MAX];
	uint64_t sig;
	uint32_t sock;
	size_t len;

	(void)state;
	memset(&c, 0, sizeof(c)); /* padding too: compared whole below */
	c.ret = -1;
	c.err = 11;
	snprintf(c.err_name, sizeof(c.err_name), "EWOULDBLOCK");
	c.t_start_ns = 1000;
	c.t_end_ns = 1001001000;
	c.cpu_wait_ns = 12;
	len = agent_format_call(&c, 7, &n, 1000500, buf, sizeof(buf));
	assert_true(len > 0);
	assert_string_equal(buf,
	    "ok ret=-1 err=11 errname=EWOULDBLOCK "
	    "start=1000 end=1001001000 cpu-wait=12 bytes=0 signal=1000500 "
	    "sock=7 local=192.0.2.1:40000 remote=192.0.2.2:80\n");
	assert_int_equal(agent_parse_reply(buf, len - 1, &r), 0);
	assert_true(r.ok);
	assert_int_equal(agent_reply_call(&r, &back, &sock, &got, &sig), 0);
	assert_memory_equal(&back, &c, sizeof(c));
	assert_int_equal(sock, 7);
	assert_int_equal(sig, 1000500);
	assert_true(got.known);
	assert_int_equal(got.lport, 40000);
	assert_int_equal(ip_addr_to_v4(&got.raddr), 0xc0000202u);
	/* A success: no name, no socket, no names. */
	memset(&c, 0, sizeof(c));
	c.ret = 10240;
	c.bytes = 10240;
	len = agent_format_call(&c, AGENT_SOCK_NONE, NULL, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "err=0 errname=none "));
	assert_null(strstr(buf, "sock="));
	assert_int_equal(agent_parse_reply(buf, len, &r), 0);
	assert_int_equal(agent_reply_call(&r, &back, &sock, &got, &sig), 0);
	assert_int_equal(back.ret, 10240);
	assert_string_equal(back.err_name, "");
	assert_int_equal(sock, AGENT_SOCK_NONE);
	assert_false(got.known);
	/* Too small a buffer: nothing half written counts. */
	assert_int_equal(agent_format_call(&c, 1, NULL, 0, buf, 20), 0);
}

static void
test_hello_and_greeting(void **state)
{
	struct plat_os_info os = { "Linux", "Debian GNU/Linux 12 (bookworm)",
		"6.1.0-18-amd64", "lab 1%", "no" },
			    back;
	struct agent_reply r;
	char buf[AGENT_REPLY_MAX];
	uint32_t proto;
	uint64_t now;
	bool auth;
	size_t len;

	(void)state;
	len = agent_format_hello(&os, "0.1.0", 42, buf, sizeof(buf));
	assert_non_null(
	    strstr(buf, "os-version=Debian%20GNU/Linux%2012%20(bookworm) "));
	assert_non_null(strstr(buf, "host=lab%201%25 "));
	assert_int_equal(agent_parse_reply(buf, len, &r), 0);
	assert_int_equal(agent_reply_hello(&r, &proto, &back, &now), 0);
	assert_int_equal(proto, AGENT_PROTOCOL);
	assert_int_equal(now, 42);
	assert_memory_equal(&back, &os, sizeof(os));
	/* The longest fields still make one reply. */
	memset(&os, 'x', sizeof(os));
	os.name[sizeof(os.name) - 1] = os.version[sizeof(os.version) - 1] =
	    '\0';
	os.kernel[sizeof(os.kernel) - 1] = os.host[sizeof(os.host) - 1] = '\0';
	os.wine[sizeof(os.wine) - 1] = '\0';
	os.version[0] = ' ';
	assert_true(agent_format_hello(&os, "0.1.0", 1, buf, sizeof(buf)) > 0);

	len = agent_format_greeting(true, buf, sizeof(buf));
	assert_string_equal(buf, "lingerlab-agent protocol=1 auth=required\n");
	assert_int_equal(agent_parse_greeting(buf, len - 1, &proto, &auth), 0);
	assert_true(auth);
	snprintf(buf, sizeof(buf), "lingerlab-agent protocol=7 auth=none\r");
	assert_int_equal(agent_parse_greeting(buf, strlen(buf), &proto, &auth),
	    0);
	assert_int_equal(proto, 7);
	assert_false(auth);
	assert_int_equal(agent_parse_greeting("lingerpeer ready", 16, &proto,
			     &auth),
	    -1);
	assert_int_equal(agent_parse_greeting("lingerlab-agent auth=none", 25,
			     &proto, &auth),
	    -1);
}

static void
test_err_and_plain_replies(void **state)
{
	struct agent_reply r;
	char buf[AGENT_REPLY_MAX];
	int64_t v;

	(void)state;
	agent_format_err("bad-char", "byte \x01 here\n", buf, sizeof(buf));
	assert_string_equal(buf, "err bad-char: byte ? here?\n");
	assert_int_equal(agent_parse_reply(buf, strlen(buf) - 1, &r), 0);
	assert_false(r.ok);
	assert_string_equal(r.code, "bad-char");
	assert_string_equal(r.text, "byte ? here?");
	assert_int_equal(agent_reply_field(&r, "x", buf, sizeof(buf)), -1);
	assert_int_equal(agent_parse_reply("ok", 2, &r), 0);
	assert_true(r.ok);
	assert_string_equal(r.text, "");
	assert_int_equal(agent_parse_reply("ok state=FIN_WAIT1", 18, &r), 0);
	assert_int_equal(agent_reply_field(&r, "state", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "FIN_WAIT1");
	assert_int_equal(agent_reply_field(&r, "stat", buf, sizeof(buf)), -1);
	assert_int_equal(agent_reply_i64(&r, "state", &v), -1);
	/* Not replies. */
	assert_int_equal(agent_parse_reply("okay", 4, &r), -1);
	assert_int_equal(agent_parse_reply("err nocolon", 11, &r), -1);
	assert_int_equal(agent_parse_reply("err : x", 7, &r), -1);
	assert_int_equal(agent_parse_reply("ok a\0b", 6, &r), -1);
	assert_int_equal(agent_parse_reply("hello", 5, &r), -1);
}

static void
test_probe_replies(void **state)
{
	struct plat_proc p = { 3, 12, 2048, PLAT_UNKNOWN }, pb;
	struct plat_socks s, sb;
	struct agent_req cr;
	struct agent_reply r;
	const char *names[] = { "TCPAbortOnLinger", "NoSuch" };
	int64_t vals[2] = { 17, PLAT_UNKNOWN }, vb[2];
	char buf[AGENT_REPLY_MAX];
	unsigned i;

	(void)state;
	agent_format_proc(&p, buf, sizeof(buf));
	assert_string_equal(buf,
	    "ok threads=3 fds=12 rss-kib=2048 private-kib=unknown\n");
	assert_int_equal(agent_parse_reply(buf, strlen(buf), &r), 0);
	assert_int_equal(agent_reply_proc(&r, &pb), 0);
	assert_memory_equal(&pb, &p, sizeof(p));

	for (i = 0; i < PLAT_TCP_NSTATES; i++)
		s.by_state[i] = i == 7 ? PLAT_UNKNOWN : (int64_t)i * 10;
	s.by_state[0] = PLAT_UNKNOWN;
	agent_format_socks(&s, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ok ESTABLISHED=10 SYN_SENT=20 "));
	assert_non_null(strstr(buf, " CLOSE=unknown "));
	assert_non_null(strstr(buf, " NEW_SYN_RECV=120\n"));
	assert_int_equal(agent_parse_reply(buf, strlen(buf), &r), 0);
	assert_int_equal(agent_reply_socks(&r, &sb), 0);
	assert_memory_equal(&sb, &s, sizeof(s));
	assert_string_equal(agent_tcp_state_name(4), "FIN_WAIT1");
	assert_null(agent_tcp_state_name(PLAT_TCP_NSTATES));

	assert_int_equal(parse("probe counters TCPAbortOnLinger NoSuch"), 0);
	cr = req;
	agent_format_counters(&cr, vals, buf, sizeof(buf));
	assert_string_equal(buf, "ok TCPAbortOnLinger=17 NoSuch=unknown\n");
	assert_int_equal(agent_parse_reply(buf, strlen(buf), &r), 0);
	assert_int_equal(agent_reply_counters(&r, names, 2, vb), 0);
	assert_memory_equal(vb, vals, sizeof(vals));
}

/* ---- lines ---- */

static void
feed(struct agent_lines *lb, const char *data, size_t n)
{
	size_t room;
	char *p = agent_lines_space(lb, &room);

	assert_true(room >= n);
	memcpy(p, data, n);
	agent_lines_added(lb, n);
}

static void
test_lines(void **state)
{
	struct agent_lines *lb = malloc(sizeof(*lb));
	const char *line;
	char *big;
	size_t len, room;

	(void)state;
	assert_non_null(lb);
	agent_lines_init(lb);
	assert_false(agent_lines_partial(lb));
	feed(lb, "soc", 3);
	assert_int_equal(agent_lines_next(lb, &line, &len), 0);
	assert_true(agent_lines_partial(lb));
	feed(lb, "ket\r\nclose 1\nclo", 16);
	assert_int_equal(agent_lines_next(lb, &line, &len), 1);
	assert_int_equal(len, 6);
	assert_memory_equal(line, "socket", 6);
	assert_int_equal(agent_lines_next(lb, &line, &len), 1);
	assert_int_equal(len, 7);
	assert_memory_equal(line, "close 1", 7);
	assert_int_equal(agent_lines_next(lb, &line, &len), 0);
	assert_true(agent_lines_partial(lb));
	feed(lb, "se 2\n", 5);
	assert_int_equal(agent_lines_next(lb, &line, &len), 1);
	assert_memory_equal(line, "close 2", 7);
	assert_int_equal(agent_lines_next(lb, &line, &len), 0);
	assert_false(agent_lines_partial(lb));

	/* The limit exactly, with "\r\n": a line. */
	big = malloc(AGENT_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', AGENT_LINE_MAX);
	big[AGENT_LINE_MAX] = '\r';
	big[AGENT_LINE_MAX + 1] = '\n';
	feed(lb, big, AGENT_LINE_MAX + 1);
	assert_int_equal(agent_lines_next(lb, &line, &len), 0);
	feed(lb, big + AGENT_LINE_MAX + 1, 1);
	assert_int_equal(agent_lines_next(lb, &line, &len), 1);
	assert_int_equal(len, AGENT_LINE_MAX);
	/* One byte past it: refused at once, without waiting for its end. */
	feed(lb, big, AGENT_LINE_MAX);
	assert_int_equal(agent_lines_next(lb, &line, &len), 0);
	feed(lb, "y", 1);
	assert_int_equal(agent_lines_next(lb, &line, &len), -1);
	agent_lines_init(lb);
	/* The limit with '\r' and more than '\n' after it. */
	big[AGENT_LINE_MAX] = '\r';
	big[AGENT_LINE_MAX + 1] = 'z';
	feed(lb, big, AGENT_LINE_MAX + 2);
	assert_int_equal(agent_lines_next(lb, &line, &len), -1);
	(void)agent_lines_space(lb, &room);
	assert_int_equal(room, 0);
	free(big);
	free(lb);
}

static void
test_token_and_encoding(void **state)
{
	char out[64], back[64];
	int n;

	(void)state;
	assert_true(agent_token_equal("0123456789abcdef", "0123456789abcdef"));
	assert_false(agent_token_equal("0123456789abcdef", "0123456789abcdeg"));
	assert_false(agent_token_equal("0123456789abcdef", "0123456789abcde"));
	assert_false(
	    agent_token_equal("0123456789abcdef", "0123456789abcdefg"));
	assert_false(agent_token_equal("0123456789abcdef", ""));

	assert_int_equal(agent_pct_encode("a b%c\x01\xff", out, sizeof(out)),
	    15);
	assert_string_equal(out, "a%20b%25c%01%FF");
	n = agent_pct_decode(out, strlen(out), back, sizeof(back));
	assert_int_equal(n, 7);
	assert_string_equal(back, "a b%c\x01\xff");
	assert_int_equal(agent_pct_decode("%2", 2, back, sizeof(back)), -1);
	assert_int_equal(agent_pct_decode("%zz", 3, back, sizeof(back)), -1);
	assert_int_equal(agent_pct_decode("%00", 3, back, sizeof(back)), -1);
	assert_int_equal(agent_pct_decode("abcd", 4, back, 4), -1);
	/* Cut where a whole %XX does not fit, never in the middle of one. */
	assert_int_equal(agent_pct_encode("ab cd", out, 5), 2);
	assert_string_equal(out, "ab");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_round_trip),
		cmocka_unit_test(test_request_fields),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_long_words_and_lines),
		cmocka_unit_test(test_call_reply_round_trip),
		cmocka_unit_test(test_hello_and_greeting),
		cmocka_unit_test(test_ipv6_requests),
		cmocka_unit_test(test_ipv6_replies),
		cmocka_unit_test(test_err_and_plain_replies),
		cmocka_unit_test(test_probe_replies),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_token_and_encoding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
