/*
 * test_control_exec.c - the control protocol's executor against a real
 * struct peer fed with crafted segments: every command's reply, errors,
 * output limits, and waits driven by a hand-set clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_exec.h"
#include "control_proto.h"
#include "tcp_peer.h"
#include "timeunit.h"

#define SEC    NS_PER_S
#define CLIENT 0xc0000201u /* 192.0.2.1 */

/* 2001:db8::1 and 2001:db8::2: the peer owns both families' addresses. */
static const struct ip_addr client6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
static const struct ip_addr peer6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

static struct peer *P;
static uint64_t now;
static struct control_out out;
static struct control_wait wt;
static struct control_env env;

struct client {
	struct ip_addr addr; /* 192.0.2.1 or 2001:db8::1 */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq; /* next sequence number we send */
	uint32_t ack; /* next we expect from the peer */
};

static void
drain(struct client *c)
{
	struct segment s;

	while (peer_pop_output(P, &s)) {
		if (c != NULL && s.dport == c->sport && (s.flags & TCPF_SYN))
			c->ack = s.seq + 1;
	}
}

static void
send_seg(struct client *c, uint8_t flags, uint32_t len)
{
	static const uint8_t zeros[65536];
	struct segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = c->addr;
	s.daddr = ip_addr_is_v6(&c->addr) ? peer6 : ip_addr_v4(0xc0000202u);
	s.sport = c->sport;
	s.dport = c->dport;
	s.seq = c->seq;
	s.ack = c->ack;
	s.flags = flags;
	s.window = 65535;
	s.payload_len = len;
	s.payload = len ? zeros : NULL;
	peer_input(P, &s, now);
	c->seq += len + ((flags & (TCPF_SYN | TCPF_FIN)) ? 1 : 0);
	drain(c);
}

static void
connect_from(struct client *c, const struct ip_addr *addr, uint16_t sport,
    uint16_t dport)
{
	memset(c, 0, sizeof(*c));
	c->addr = *addr;
	c->sport = sport;
	c->dport = dport;
	c->seq = 1000;
	send_seg(c, TCPF_SYN, 0);
	send_seg(c, TCPF_ACK, 0);
}

static void
connect_client(struct client *c, uint16_t sport, uint16_t dport)
{
	struct ip_addr a = ip_addr_v4(CLIENT);

	connect_from(c, &a, sport, dport);
}

static int
setup_peer(void **state)
{
	struct peer_config cfg;

	(void)state;
	peer_config_default(&cfg);
	cfg.addr6 = peer6;
	cfg.max_conns = 16;
	cfg.event_capacity = 64;
	cfg.max_delayed = 16;
	P = peer_new(&cfg);
	assert_non_null(P);
	now = 5 * SEC;
	control_out_init(&out, CONTROL_REPLY_MAX);
	env = (struct control_env){ P, 1, 64 };
	return 0;
}

static int
teardown_peer(void **state)
{
	(void)state;
	control_out_free(&out);
	peer_free(P);
	return 0;
}

/* Run a line that must complete now; the reply as a string. */
static const char *
run(const char *line)
{
	enum control_result r;

	control_out_reset(&out);
	r = control_exec_line(&env, line, strlen(line), now, &out, &wt);
	assert_int_not_equal(r, CONTROL_PENDING);
	assert_true(out.len > 0 && out.buf[out.len - 1] == '\n');
	control_out_append(&out, "", 1);
	return out.buf;
}

/* The reply's last line: the status. */
static const char *
status(const char *reply)
{
	const char *p = reply + strlen(reply) - 1, *q = p;

	while (q > reply && q[-1] != '\n')
		q--;
	assert_true(p >= q);
	return q;
}

#define assert_status(line, prefix)                                            \
	do {                                                                   \
		const char *st_ = status(run(line));                           \
		if (strncmp(st_, prefix, strlen(prefix)) != 0)                 \
			fail_msg("'%s' replied '%s', wanted '%s...'", line,    \
			    st_, prefix);                                      \
	} while (0)

#define assert_reply_has(line, needle)                                         \
	do {                                                                   \
		const char *rp_ = run(line);                                   \
		if (strstr(rp_, needle) == NULL)                               \
			fail_msg("'%s' replied '%s', wanted '%s' in it", line, \
			    rp_, needle);                                      \
	} while (0)

static void
test_exec_info(void **state)
{
	(void)state;
	assert_reply_has("version", "version lingerpeer=");
	assert_reply_has("help", "help wait CONN|new");
	assert_reply_has("help wait", "help OP is");
	assert_reply_has("help behaviours", "help ");
	assert_status("list", "ok 0 conns");
	assert_status("show last", "err no-conn: there are no connections yet");
	assert_status("events all", "ok 0 events");
	assert_reply_has("stats", "stat conns=0 ");
	assert_reply_has("stats", "control-clients=1 control-max=64");
	assert_status("listen", "ok 0 ports");
	assert_status("listen 8080 swallow-fin",
	    "ok port=8080 behaviour=swallow-fin");
	assert_reply_has("listen",
	    "listen port=8080 behaviour=swallow-fin\nok 1 ports");
	assert_status("nonsense",
	    "err unknown-command: 'nonsense' is not a command");
	/* the clock events' t= is on, for a runner lining up times (lab mode) */
	assert_status("clock", "ok now=5.000000000");
	assert_status("clock 1", "err bad-argument");
	control_out_reset(&out);
	assert_int_equal(control_exec_line(&env, "quit", 4, now, &out, &wt),
	    CONTROL_QUIT);
}

static void
test_exec_conns(void **state)
{
	struct client a, b;

	(void)state;
	run("listen 8080 normal");
	connect_client(&a, 40000, 8080);
	now += SEC;
	connect_client(&b, 40001, 8080);
	assert_status("list", "ok 2 conns");
	assert_reply_has("list",
	    "conn id=1 client=192.0.2.1:40000 port=8080 "
	    "state=ESTABLISHED behaviour=normal rx=0 read=0 buffered=0 win=65535 fins=0");
	assert_reply_has("list state=ESTABLISHED port=8080", "ok 2 conns");
	assert_reply_has("list state=CLOSED", "ok 0 conns");
	assert_reply_has("list port=9", "ok 0 conns");
	assert_reply_has("show last", "conn id=2 ");
	assert_reply_has("show 192.0.2.1:40000", "conn id=1 ");
	assert_reply_has("show 1", "fin-held=no closed-by=none");
	assert_reply_has("show 1", "age=1.000s");
	assert_status("show 9", "err no-conn: there is no connection 9");
	assert_status("show 192.0.2.9:1",
	    "err no-conn: there is no connection from "
	    "192.0.2.9:1");
	assert_status("behaviour 1 swallow-fin",
	    "ok conn=1 behaviour=swallow-fin");
	send_seg(&a, TCPF_FIN | TCPF_ACK, 0);
	assert_reply_has("show 1", "fins=1 ");
	assert_reply_has("show 1", "fin-held=yes");
	assert_status("ack-fin 1", "ok conn=1 state=CLOSE_WAIT");
	assert_status("ack-fin 1",
	    "err bad-state: cannot ack-fin conn 1 in state CLOSE_WAIT");
	assert_status("fin 1", "ok conn=1 state=LAST_ACK");
	assert_status("fin 1", "err bad-state");
	assert_status("send 1 1KiB", "err bad-state");
	assert_status("send 2 1KiB",
	    "ok conn=2 state=ESTABLISHED queued=1024 sent=1024");
	assert_status("rst 2", "ok conn=2 state=CLOSED");
	assert_status("rst 2", "err bad-state");
	assert_reply_has("show 2", "closed-by=peer-rst");
}

static void
test_exec_read(void **state)
{
	struct client a;

	(void)state;
	run("listen 80 stop-reading:rcvbuf=8KiB");
	connect_client(&a, 41000, 80);
	send_seg(&a, TCPF_ACK | TCPF_PSH, 3000);
	assert_reply_has("show last", "rx=3000 read=0 buffered=3000 win=5192");
	assert_status("read last 1000",
	    "ok conn=1 state=ESTABLISHED read=1000 "
	    "buffered=2000 win=6192");
	assert_status("read last",
	    "ok conn=1 state=ESTABLISHED read=2000 buffered=0");
	send_seg(&a, TCPF_ACK | TCPF_PSH, 500);
	assert_status("resume 1",
	    "ok conn=1 state=ESTABLISHED read=500 buffered=0");
}

static void
test_exec_events(void **state)
{
	struct client a;
	const char *r;
	int i;

	(void)state;
	run("listen 80 normal");
	connect_client(&a, 42000, 80);
	r = run("events 1");
	assert_non_null(strstr(r, "event n=0 conn=1 t=5.000000000 in S "));
	assert_non_null(strstr(r, "class=syn"));
	assert_status("events 1 limit=1", "ok 1 events, more since=1");
	assert_status("events 1 since=1 limit=1", "ok 1 events, more since=2");
	assert_status("events 9", "ok 0 events");
	assert_status("events 0", "err no-conn");
	assert_status("events 192.0.2.1:1", "err no-conn");
	/* The ring holds 64 events: make it wrap and ask from the start. */
	for (i = 0; i < 40; i++)
		send_seg(&a, TCPF_ACK | TCPF_PSH, 10);
	r = status(run("events all limit=100000"));
	assert_non_null(strstr(r, " lost"));
	assert_non_null(strstr(r, "ok 64 events, "));
}

static enum control_result
start(const char *line)
{
	control_out_reset(&out);
	return control_exec_line(&env, line, strlen(line), now, &out, &wt);
}

static const char *
check(void)
{
	control_out_reset(&out);
	if (control_wait_check(P, &wt, now, &out) == CONTROL_PENDING)
		return NULL;
	control_out_append(&out, "", 1);
	return out.buf;
}

static void
test_exec_wait(void **state)
{
	struct client a, b, c, d;
	const char *r;

	(void)state;
	run("listen 80 swallow-fin");
	connect_client(&a, 43000, 80);
	assert_status("wait 1 state=ESTABLISHED", "ok conn=1 waited=0.000s");
	assert_status("wait 7 fins>=1", "err no-conn");
	assert_int_equal(start("wait last fins>=2 timeout=3s"),
	    CONTROL_PENDING);
	assert_int_equal(out.len, 0);
	now += SEC;
	send_seg(&a, TCPF_FIN | TCPF_ACK, 0);
	assert_null(check());
	now += SEC / 2;
	a.seq--; /* a retransmission of the same FIN */
	send_seg(&a, TCPF_FIN | TCPF_ACK, 0);
	r = check();
	assert_non_null(r);
	assert_string_equal(r, "ok conn=1 waited=1.500s\n");
	/* A timeout tells what was reached. */
	assert_int_equal(start("wait 1 fins>=5 state=CLOSED timeout=2s"),
	    CONTROL_PENDING);
	now += 2 * SEC - 1;
	assert_null(check());
	now += 1;
	r = check();
	assert_non_null(r);
	assert_string_equal(r,
	    "err timeout: conn 1 did not reach fins>=5 state=CLOSED "
	    "within 2.000s (state=ESTABLISHED fins=2). See events 1 for what happened\n");
	/* Connections that do not exist yet. */
	assert_int_equal(start("wait new state=ESTABLISHED"), CONTROL_PENDING);
	assert_null(check());
	connect_client(&b, 43001, 80);
	assert_string_equal(check(), "ok conn=2 waited=0.000s\n");
	assert_int_equal(start("wait 192.0.2.1:43002 syns>=1 timeout=0s"),
	    CONTROL_DONE);
	assert_non_null(strstr(out.buf,
	    "err timeout: no connection from 192.0.2.1:43002 "));
	assert_int_equal(start("wait 192.0.2.1:43002 syns>=1"),
	    CONTROL_PENDING);
	connect_client(&c, 43002, 80);
	assert_string_equal(check(), "ok conn=3 waited=0.000s\n");
	assert_int_equal(start("wait new timeout=1s"), CONTROL_PENDING);
	now += SEC;
	assert_non_null(strstr(check(),
	    "err timeout: no new connection appeared within 1.000s"));
	/* A state passed through between two checks still counts. */
	run("listen 81 normal");
	assert_int_equal(start("wait new state=ESTABLISHED fins=1"),
	    CONTROL_PENDING);
	connect_client(&d, 43003, 81);
	send_seg(&d, TCPF_FIN | TCPF_ACK, 0);
	assert_string_equal(check(), "ok conn=4 waited=0.000s\n");
	assert_reply_has("show 4", "state=LAST_ACK");
	assert_status("wait 4 state=ESTABLISHED timeout=0s", "err timeout");
	/* A connection that ends while waited on counts as closed. */
	assert_int_equal(start("wait 3 state=CLOSED"), CONTROL_PENDING);
	send_seg(&c, TCPF_RST, 0);
	assert_string_equal(check(), "ok conn=3 waited=0.000s\n");
}

static void
test_exec_output_limit(void **state)
{
	struct client a;
	int i;

	(void)state;
	run("listen 80 normal");
	for (i = 0; i < 8; i++)
		connect_client(&a, (uint16_t)(44000 + i), 80);
	control_out_free(&out);
	control_out_init(&out, 1000); /* room for a few conn lines */
	assert_status("list", "err too-big: 8 connections match but only ");
	assert_reply_has("list", "conn id=1 ");
	assert_status("events all", "ok ");
	assert_reply_has("events all", " events, more since=");
	assert_status("stats", "ok");
}

/* One client port to two of our ports: its address names the newest connection. */
static void
test_exec_addr_newest(void **state)
{
	struct client a, b, c;

	(void)state;
	run("listen 8080 normal");
	run("listen 8081 normal");
	connect_client(&a, 40000, 8080);
	now += SEC;
	connect_client(&b, 40001, 8080);
	now += SEC;
	connect_client(&c, 40000, 8081);
	assert_reply_has("show 192.0.2.1:40000",
	    "conn id=3 client=192.0.2.1:40000 port=8081");
	assert_reply_has("show 192.0.2.1:40001", "conn id=2 ");
	assert_status("show 192.0.2.1:40002",
	    "err no-conn: there is no connection from "
	    "192.0.2.1:40002");
}

/* The I/O's counters as lingerpeer.c would report them. */
static void
fake_wire_stats(void *arg, struct peer_wire_stats *ws)
{
	(void)arg;
	memset(ws, 0, sizeof(*ws));
	ws->frames_in = 40;
	ws->frame_errors[FRAME_TCP_BAD_CSUM] = 2;
	ws->capture_drops = 1;
	ws->capture_cut = 3;
	ws->csum_offloaded = 37;
	ws->super_segments = 12;
}

/* What offloads did is in stats, after the fields older readers know. */
static void
test_exec_stats_offloads(void **state)
{
	(void)state;
	assert_reply_has("stats", " tcp-csum-offloaded=0 tcp-super-segments=0");
	peer_set_wire_stats(P, fake_wire_stats, NULL);
	assert_reply_has("stats", " frames-in=40 malformed=2 ");
	assert_reply_has("stats", " tcp-bad-csum=2 ");
	assert_reply_has("stats",
	    " capture-drops=1 capture-cut=3 tcp-csum-offloaded=37 "
	    "tcp-super-segments=12 ip6-truncated=");
}

/* IPv6's counters: after every older field, decode errors first. */
static void
fake_wire_stats6(void *arg, struct peer_wire_stats *ws)
{
	fake_wire_stats(arg, ws);
	ws->frame_errors[FRAME_IP6_FRAGMENT] = 5;
	ws->frame_errors[FRAME_ICMP6_BAD_CSUM] = 1;
	ws->ndp_answered = 3;
	ws->ndp_ignored = 4;
	ws->link_noise = 6;
	ws->ip6_ext_skipped = 7;
}

static void
test_exec_stats_ipv6(void **state)
{
	(void)state;
	peer_set_wire_stats(P, fake_wire_stats6, NULL);
	assert_reply_has("stats", " frames-in=40 malformed=8 ");
	assert_reply_has("stats",
	    " tcp-super-segments=12 ip6-truncated=0 ip6-bad-header=0 "
	    "ip6-bad-ext=0 ip6-fragment=5 icmp6-malformed=0 icmp6-bad-csum=1 "
	    "ndp-answered=3 ndp-ignored=4 link-noise=6 ip6-ext-skipped=7\n");
}

/* Every command that names a connection by address, over IPv6, in brackets. */
static void
test_exec_ipv6(void **state)
{
	struct client a, b;

	(void)state;
	run("listen 8080 swallow-fin");
	connect_from(&a, &client6, 40000, 8080);
	connect_client(&b, 40000, 8080); /* the same port over IPv4 */
	assert_status("list", "ok 2 conns");
	assert_reply_has("list",
	    "conn id=1 client=[2001:db8::1]:40000 port=8080 "
	    "state=ESTABLISHED behaviour=swallow-fin");
	assert_reply_has("list", "conn id=2 client=192.0.2.1:40000 port=8080 ");
	assert_reply_has("show [2001:db8::1]:40000",
	    "conn id=1 client=[2001:db8::1]:40000 ");
	assert_reply_has("show [2001:db8:0::1]:40000", "conn id=1 ");
	assert_reply_has("show 192.0.2.1:40000", "conn id=2 ");
	assert_status("show [2001:db8::9]:1",
	    "err no-conn: there is no connection from "
	    "[2001:db8::9]:1. See list, or wait for it with: wait [2001:db8::9]:1");
	assert_status("events [2001:db8::1]:40000", "ok ");
	assert_int_equal(start("wait [2001:db8::1]:40000 fins>=1"),
	    CONTROL_PENDING);
	send_seg(&a, TCPF_FIN | TCPF_ACK, 0);
	assert_string_equal(check(), "ok conn=1 waited=0.000s\n");
	assert_status("ack-fin [2001:db8::1]:40000",
	    "ok conn=1 state=CLOSE_WAIT");
	assert_int_equal(start("wait [2001:db8::7]:1 timeout=0s"),
	    CONTROL_DONE);
	assert_non_null(strstr(out.buf,
	    "err timeout: no connection from [2001:db8::7]:1 "));
	/* The peer connects out over IPv6 from its own IPv6 address. */
	assert_status("connect [2001:db8::1]:9000 from=41000",
	    "ok conn=3 port=41000 "
	    "state=SYN_SENT");
	assert_reply_has("show 3",
	    "client=[2001:db8::1]:9000 port=41000 state=SYN_SENT");
}

/* A peer that owns no IPv6 address cannot connect over IPv6, and says why. */
static void
test_exec_connect_no_ipv6(void **state)
{
	struct peer_config cfg;

	(void)state;
	peer_config_default(&cfg);
	cfg.max_conns = 4;
	cfg.event_capacity = 16;
	cfg.max_delayed = 4;
	peer_free(P);
	P = peer_new(&cfg);
	assert_non_null(P);
	env.peer = P;
	assert_status("connect [2001:db8::1]:9000",
	    "err bad-argument: cannot connect to "
	    "[2001:db8::1]:9000: the peer owns no address of that family. Start lingerpeer "
	    "with an --addr of that family too");
	assert_status("connect 192.0.2.1:9000", "ok conn=1 ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_info, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_conns, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_read, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_events, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_wait, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_addr_newest,
		    setup_peer, teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_output_limit,
		    setup_peer, teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_stats_offloads,
		    setup_peer, teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_stats_ipv6,
		    setup_peer, teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_ipv6, setup_peer,
		    teardown_peer),
		cmocka_unit_test_setup_teardown(test_exec_connect_no_ipv6,
		    setup_peer, teardown_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
