/*
 * test_control_proto.c - the control protocol's parser on every command and
 * every kind of bad line, and the client library's pure helpers (endpoint
 * text, reply fields). The executor is tested in test_control_exec.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_client.h"
#include "control_proto.h"
#include "tcp_peer.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define CLIENT	 0xc0000201u /* 192.0.2.1 */

/* ---- parser ---- */

static struct control_cmd cmd;
static struct control_error perr;

static int
parse(const char *line)
{
	return control_parse(line, strlen(line), &cmd, &perr);
}

static void
test_parse_simple_verbs(void **state)
{
	(void)state;
	assert_int_equal(parse("help"), 0);
	assert_int_equal(cmd.verb, CTL_HELP);
	assert_string_equal(cmd.topic, "");
	assert_int_equal(parse("HELP Wait"), 0);
	assert_string_equal(cmd.topic, "wait");
	assert_int_equal(parse("help behaviors"), 0);
	assert_string_equal(cmd.topic, "behaviours");
	assert_int_equal(parse("  version  "), 0);
	assert_int_equal(cmd.verb, CTL_VERSION);
	assert_int_equal(parse("Stats"), 0);
	assert_int_equal(cmd.verb, CTL_STATS);
	assert_int_equal(parse("quit\r"), 0);
	assert_int_equal(cmd.verb, CTL_QUIT);
	assert_int_equal(parse("list"), 0);
	assert_false(cmd.has_port || cmd.has_state);
	assert_int_equal(parse("list\tport=80 state=fin-wait1"), 0);
	assert_true(cmd.has_port && cmd.has_state);
	assert_int_equal(cmd.port, 80);
	assert_int_equal(cmd.state, CS_FIN_WAIT1);
	assert_int_equal(parse("list state=closed"), 0);
	assert_int_equal(cmd.state, CS_CLOSED);
}

static void
test_parse_conn_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("show 7"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_ID);
	assert_int_equal(cmd.conn.id, 7);
	assert_int_equal(parse("show LAST"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_LAST);
	assert_int_equal(parse("show 192.0.2.1:40112"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_ADDR);
	assert_int_equal(ip_addr_to_v4(&cmd.conn.addr), CLIENT);
	assert_int_equal(cmd.conn.port, 40112);
	/* IPv6 in brackets, in any of its forms */
	assert_int_equal(parse("show [2001:db8::1]:40112"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_ADDR);
	assert_int_equal(cmd.conn.addr.family, IPF_V6);
	assert_memory_equal(cmd.conn.addr.b,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(cmd.conn.port, 40112);
	assert_int_equal(parse(
			     "wait [2001:DB8:0:0:0:0:0:1]:65535 state=CLOSED"),
	    0);
	assert_int_equal(cmd.conn.addr.b[15], 1);
	assert_int_equal(cmd.conn.port, 65535);
	assert_int_equal(parse("show [::ffff:192.0.2.1]:80"),
	    0); /* mapped: IPv6 */
	assert_int_equal(cmd.conn.addr.family, IPF_V6);
	assert_int_equal(parse("events all since=5 limit=10"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_ALL);
	assert_int_equal(cmd.since, 5);
	assert_int_equal(cmd.limit, 10);
	assert_int_equal(parse("events 3"), 0);
	assert_int_equal(cmd.limit, CONTROL_EVENTS_DEFAULT_LIMIT);
	assert_int_equal(parse("wait new"), 0);
	assert_int_equal(cmd.conn.kind, CCONN_NEW);
	assert_int_equal(cmd.ncond, 0);
}

static void
test_parse_commands(void **state)
{
	(void)state;
	assert_int_equal(
	    parse("behaviour 1 stop-reading:rcvbuf=8KiB+swallow-fin"), 0);
	assert_int_equal(cmd.verb, CTL_BEHAVIOUR);
	assert_true(cmd.has_behaviour);
	assert_true(cmd.behaviour.bits & BHV_STOP_READING);
	assert_true(cmd.behaviour.bits & BHV_SWALLOW_FIN);
	assert_int_equal(cmd.behaviour.rcvbuf, 8192);
	assert_int_equal(parse("behavior last normal"), 0);
	assert_int_equal(cmd.verb, CTL_BEHAVIOUR);
	assert_int_equal(parse("listen 8080 swallow-fin"), 0);
	assert_int_equal(cmd.port, 8080);
	assert_true(cmd.has_behaviour);
	assert_int_equal(parse("listen"), 0);
	assert_false(cmd.has_behaviour);
	assert_int_equal(parse("ack-fin 1"), 0);
	assert_int_equal(cmd.verb, CTL_ACK_FIN);
	assert_int_equal(parse("read 1"), 0);
	assert_int_equal(cmd.size, 0);
	assert_int_equal(parse("read 1 10KiB"), 0);
	assert_int_equal(cmd.size, 10240);
	assert_int_equal(parse("send last 1500"), 0);
	assert_int_equal(cmd.size, 1500);
	assert_int_equal(parse("resume 1"), 0);
	assert_int_equal(parse("fin 1"), 0);
	assert_int_equal(cmd.verb, CTL_FIN);
	assert_int_equal(parse("rst 1"), 0);
	assert_int_equal(cmd.verb, CTL_RST);
	assert_int_equal(parse("connect 192.0.2.1:8080"), 0);
	assert_int_equal(cmd.verb, CTL_CONNECT);
	assert_int_equal(ip_addr_to_v4(&cmd.conn.addr), 0xc0000201u);
	assert_int_equal(cmd.conn.port, 8080);
	assert_false(cmd.has_behaviour);
	assert_int_equal(cmd.port, 0);
	assert_int_equal(parse("connect [2001:db8::1]:8080 half-close"), 0);
	assert_int_equal(cmd.conn.addr.family, IPF_V6);
	assert_int_equal(cmd.conn.port, 8080);
	assert_true(cmd.behaviour.bits & BHV_HALF_CLOSE);
	assert_int_equal(parse("connect 192.0.2.1:8080 from=41000 swallow-fin"),
	    0);
	assert_int_equal(cmd.port, 41000);
	assert_true(cmd.behaviour.bits & BHV_SWALLOW_FIN);
}

static void
test_parse_wait(void **state)
{
	(void)state;
	assert_int_equal(parse(
			     "wait 3 state=TIME_WAIT fins>=2 rx>=10KiB win==0 "
			     "zwp>1 rsts<1 syns!=0 timeout=1.5s"),
	    0);
	assert_int_equal(cmd.verb, CTL_WAIT);
	assert_int_equal(cmd.timeout_ns, 1500000000ull);
	assert_int_equal(cmd.ncond, 7);
	assert_int_equal(cmd.cond[0].key, CKEY_STATE);
	assert_int_equal(cmd.cond[0].value, CS_TIME_WAIT);
	assert_int_equal(cmd.cond[1].key, CKEY_FINS);
	assert_int_equal(cmd.cond[1].op, COP_GE);
	assert_int_equal(cmd.cond[2].value, 10240);
	assert_int_equal(cmd.cond[3].op, COP_EQ);
	assert_int_equal(cmd.cond[4].op, COP_GT);
	assert_int_equal(cmd.cond[5].op, COP_LT);
	assert_int_equal(cmd.cond[6].op, COP_NE);
	assert_int_equal(parse("wait 192.0.2.1:5000 state!=closed"), 0);
	assert_int_equal(cmd.timeout_ns, CONTROL_WAIT_DEFAULT_NS);
	assert_int_equal(cmd.cond[0].op, COP_NE);
	assert_int_equal(
	    parse("wait 1 FIN-RETX>=1 data-retx=0 read<=1MiB buffered>0 "
		  "segs-in>=1 segs-out>=1 tx>=0 timeout=0s"),
	    0);
	assert_int_equal(cmd.ncond, 7);
	assert_int_equal(cmd.cond[0].key, CKEY_FIN_RETX);
	assert_int_equal(cmd.timeout_ns, 0);
	assert_true(control_cond_holds(&cmd.cond[0], 1));
	assert_false(control_cond_holds(&cmd.cond[0], 0));
}

struct bad_line {
	const char *line;
	const char *code;
	const char *needle; /* must appear in the message */
};

static const struct bad_line bad_lines[] = {
	{ "", CONTROL_E_EMPTY, "no command" },
	{ "    \t  ", CONTROL_E_EMPTY, "help" },
	{ "frobnicate 1", CONTROL_E_UNKNOWN, "'frobnicate'" },
	{ "list\x01", CONTROL_E_BAD_CHAR, "0x01 at column 5" },
	{ "list \x1b[31m", CONTROL_E_BAD_CHAR, "control character" },
	{ "show caf\xc3\xa9", CONTROL_E_BAD_CHAR, "not ASCII" },
	{ "show", CONTROL_E_BAD_ARG, "Usage: show CONN" },
	{ "show 1 2", CONTROL_E_BAD_ARG, "word 3" },
	{ "show x7", CONTROL_E_BAD_ARG, "is not a connection" },
	{ "show 99999999999", CONTROL_E_BAD_ARG, "too large" },
	{ "show -1", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show 1.2.3.4", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show 1.2.3.4:0", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show 1.2.3.4:70000", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show 300.2.3.4:80", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show 2001:db8::1:80", CONTROL_E_BAD_ARG, "in brackets" },
	{ "show [2001:db8::1]", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [2001:db8::1]:0", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [2001:db8::1]:65536", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [2001:db8::g]:80", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [192.0.2.1]:80", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [2001:db8::1%eth0]:80", CONTROL_E_BAD_ARG, "not a connection" },
	{ "show [2001:db8::1]:80x", CONTROL_E_BAD_ARG, "not a connection" },
	{ "connect 2001:db8::1:80", CONTROL_E_BAD_ARG, "in brackets" },
	{ "show new", CONTROL_E_BAD_ARG, "only works with wait" },
	{ "connect", CONTROL_E_BAD_ARG, "Usage: connect IP:PORT" },
	{ "connect 7", CONTROL_E_BAD_ARG, "is not IP:PORT" },
	{ "connect 192.0.2.1:80 from=0", CONTROL_E_BAD_ARG,
	    "from= takes a port" },
	{ "connect 192.0.2.1:80 normal half-close", CONTROL_E_BAD_ARG,
	    "one behaviour spec only" },
	{ "show all", CONTROL_E_BAD_ARG, "only works with events" },
	{ "events", CONTROL_E_BAD_ARG, "Usage: events" },
	{ "events all limit=0", CONTROL_E_BAD_ARG, "limit=0" },
	{ "events all limit=100001", CONTROL_E_BAD_ARG, "out of range" },
	{ "events all since=x", CONTROL_E_BAD_ARG, "since=x" },
	{ "events all since=1 since=2", CONTROL_E_BAD_ARG, "each option once" },
	{ "events all bogus=1", CONTROL_E_BAD_ARG, "not an events option" },
	{ "list port=0", CONTROL_E_BAD_ARG, "port=0" },
	{ "list state=LISTENING", CONTROL_E_BAD_ARG, "not a TCP state" },
	{ "list colour=red", CONTROL_E_BAD_ARG, "not a list filter" },
	{ "read 1 10KB", CONTROL_E_BAD_ARG, "binary" },
	{ "read 1 10parsecs", CONTROL_E_BAD_ARG, "unknown size unit" },
	{ "read 1 0", CONTROL_E_BAD_ARG, "Leave SIZE out" },
	{ "read 1 8GiB", CONTROL_E_BAD_ARG, "limit" },
	{ "send 1", CONTROL_E_BAD_ARG, "Usage: send CONN SIZE" },
	{ "send 1 -5", CONTROL_E_BAD_ARG, "word 3" },
	{ "behaviour 1", CONTROL_E_BAD_ARG, "Usage: behaviour" },
	{ "behaviour 1 swallow-fin extra", CONTROL_E_BAD_ARG, "one too many" },
	{ "behaviour 1 nonsense", CONTROL_E_BAD_ARG, "behaviour spec" },
	{ "listen 80", CONTROL_E_BAD_ARG, "listen 80 normal" },
	{ "listen http normal", CONTROL_E_BAD_ARG, "not a port" },
	{ "listen 0 normal", CONTROL_E_BAD_ARG, "not a port" },
	{ "version now", CONTROL_E_BAD_ARG, "at most 0" },
	{ "help me please", CONTROL_E_BAD_ARG, "at most 1" },
	{ "help coffee", CONTROL_E_BAD_ARG, "no help on" },
	{ "wait", CONTROL_E_BAD_ARG, "Usage: wait" },
	{ "wait 1 fins", CONTROL_E_BAD_ARG, "not a condition" },
	{ "wait 1 fins >= 2", CONTROL_E_BAD_ARG, "without spaces" },
	{ "wait 1 >=2", CONTROL_E_BAD_ARG, "no key" },
	{ "wait 1 fins=>2", CONTROL_E_BAD_ARG, "bad operator" },
	{ "wait 1 fins<>2", CONTROL_E_BAD_ARG, "bad operator" },
	{ "wait 1 fins!2", CONTROL_E_BAD_ARG, "bad operator" },
	{ "wait 1 fins>=", CONTROL_E_BAD_ARG, "no value" },
	{ "wait 1 finz>=2", CONTROL_E_BAD_ARG, "unknown key 'finz'" },
	{ "wait 1 timeout>5s", CONTROL_E_BAD_ARG, "timeout=DURATION" },
	{ "wait 1 fins>=two", CONTROL_E_BAD_ARG, "not a whole number" },
	{ "wait 1 state>=CLOSED", CONTROL_E_BAD_ARG, "= or !=" },
	{ "wait 1 state=OPEN", CONTROL_E_BAD_ARG, "not a TCP state" },
	{ "wait 1 rx>=1KB", CONTROL_E_BAD_ARG, "binary" },
	{ "wait 1 timeout=5", CONTROL_E_BAD_ARG, "no unit" },
	{ "wait 1 timeout=5fortnights", CONTROL_E_BAD_ARG,
	    "unknown time unit" },
	{ "wait 1 timeout=2h", CONTROL_E_BAD_ARG, "unknown time unit" },
	{ "wait 1 timeout=61min", CONTROL_E_BAD_ARG, "limit of 1h" },
	{ "wait 1 timeout=1s timeout=2s", CONTROL_E_BAD_ARG, "twice" },
	{ "wait all", CONTROL_E_BAD_ARG, "only works with events" },
	{ "wait 1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 "
	  "fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1 fins>=1",
	    CONTROL_E_BAD_ARG, "at most 16 conditions" },
	{ "a b c d e f g h i j k l m n o p q r s t u v w x y",
	    CONTROL_E_BAD_ARG, "more than 24 words" },
};

static void
test_parse_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(bad_lines); i++) {
		if (parse(bad_lines[i].line) == 0)
			fail_msg("accepted: '%s'", bad_lines[i].line);
		assert_non_null(perr.code);
		if (strcmp(perr.code, bad_lines[i].code) != 0 ||
		    strstr(perr.msg, bad_lines[i].needle) == NULL)
			fail_msg("'%s': got %s: %s; wanted %s with '%s'",
			    bad_lines[i].line, perr.code, perr.msg,
			    bad_lines[i].code, bad_lines[i].needle);
	}
}

static void
test_parse_raw_bytes(void **state)
{
	static const char nul[] = "list\0port=1";
	char *long_line, word[400];

	(void)state;
	assert_int_equal(control_parse(nul, sizeof(nul) - 1, &cmd, &perr), -1);
	assert_string_equal(perr.code, CONTROL_E_BAD_CHAR);
	assert_non_null(strstr(perr.msg, "0x00 at column 5"));
	/* A word over the limit is named, not echoed whole. */
	memset(word, 'x', sizeof(word));
	memcpy(word, "show ", 5);
	word[sizeof(word) - 1] = '\0';
	assert_int_equal(parse(word), -1);
	assert_string_equal(perr.code, CONTROL_E_BAD_ARG);
	assert_non_null(strstr(perr.msg, "word 2"));
	assert_true(strlen(perr.msg) < 200);
	long_line = malloc(CONTROL_LINE_MAX + 2);
	assert_non_null(long_line);
	memset(long_line, ' ', CONTROL_LINE_MAX + 1);
	memcpy(long_line, "list", 4);
	assert_int_equal(control_parse(long_line, CONTROL_LINE_MAX, &cmd,
			     &perr),
	    0);
	assert_int_equal(control_parse(long_line, CONTROL_LINE_MAX + 1, &cmd,
			     &perr),
	    -1);
	assert_string_equal(perr.code, CONTROL_E_TOO_LONG);
	long_line[CONTROL_LINE_MAX] = '\r'; /* "\r\n" endings do not count */
	assert_int_equal(control_parse(long_line, CONTROL_LINE_MAX + 1, &cmd,
			     &perr),
	    0);
	free(long_line);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(control_verb_name(CTL_ACK_FIN), "ack-fin");
	assert_string_equal(control_key_name(CKEY_FIN_RETX), "fin-retx");
	assert_string_equal(control_op_name(COP_GE), ">=");
	assert_non_null(
	    strstr(control_verb_usage(CTL_WAIT), "timeout=DURATION"));
}

/* ---- client library: pure parts ---- */

static void
test_client_fields(void **state)
{
	const char *line =
	    "conn id=12 client=192.0.2.1:5 behaviour=stop-reading:rcvbuf=8KiB "
	    "rx=100 empty= big=99999999999999999999";
	char buf[64];
	uint64_t v;

	(void)state;
	assert_int_equal(control_field(line, "id", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "12");
	assert_int_equal(control_field(line, "behaviour", buf, sizeof(buf)),
	    24);
	assert_string_equal(buf, "stop-reading:rcvbuf=8KiB");
	assert_int_equal(control_field(line, "rcvbuf", buf, sizeof(buf)), -1);
	assert_int_equal(control_field(line, "empty", buf, sizeof(buf)), 0);
	assert_int_equal(control_field(line, "client", buf, 4), -1);
	assert_int_equal(control_field(line, "r", buf, sizeof(buf)), -1);
	assert_int_equal(control_field_u64(line, "rx", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(control_field_u64(line, "client", &v), -1);
	assert_int_equal(control_field_u64(line, "big", &v), -1);
	assert_int_equal(control_field_u64(line, "none", &v), -1);
}

static void
test_client_endpoints(void **state)
{
	static const char *const bad[] = {
		"",
		"unix:",
		"unix:@",
		"fd:",
		"fd:x",
		"fd:-1",
		"10.0.0.1:80",
		"0.0.0.0:80",
		"[::]:80",
		"[2001:db8::1]:80",
		"example.com:80",
		"127.0.0.1",
		"127.0.0.1:0",
		"127.0.0.1:65536",
		"[::1]80",
		"tcp:127.0.0.1:80",
	};
	struct control_endpoint ep;
	char err[256], longpath[200];
	size_t i;

	(void)state;
	assert_int_equal(control_endpoint_parse("unix:/run/lp.sock", &ep, err,
			     sizeof(err)),
	    0);
	assert_int_equal(ep.kind, CEP_UNIX);
	assert_string_equal(ep.path, "/run/lp.sock");
	assert_int_equal(control_endpoint_parse("unix:@lp", &ep, err,
			     sizeof(err)),
	    0);
	assert_int_equal(ep.kind, CEP_UNIX_ABSTRACT);
	assert_int_equal(control_endpoint_parse("127.1.2.3:9000", &ep, err,
			     sizeof(err)),
	    0);
	assert_int_equal(ep.kind, CEP_TCP);
	assert_int_equal(control_endpoint_parse("[::1]:9000", &ep, err,
			     sizeof(err)),
	    0);
	assert_int_equal(control_endpoint_parse("localhost:9000", &ep, err,
			     sizeof(err)),
	    0);
	assert_int_equal(control_endpoint_parse("fd:3", &ep, err, sizeof(err)),
	    0);
	assert_int_equal(ep.kind, CEP_FD);
	assert_int_equal(ep.fd, 3);
	for (i = 0; i < NELEM(bad); i++)
		if (control_endpoint_parse(bad[i], &ep, err, sizeof(err)) == 0)
			fail_msg("endpoint '%s' accepted", bad[i]);
	control_endpoint_parse("10.0.0.1:80", &ep, err, sizeof(err));
	assert_non_null(strstr(err, "not a loopback address"));
	memset(longpath, 'a', sizeof(longpath));
	memcpy(longpath, "unix:/", 6);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(control_endpoint_parse(longpath, &ep, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "shorter path"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_simple_verbs),
		cmocka_unit_test(test_parse_conn_forms),
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_parse_wait),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_raw_bytes),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_client_fields),
		cmocka_unit_test(test_client_endpoints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
