/*
 * test_observe_report.c - what `lingerlab observe` prints: each
 * connection's close in words, the probes with their growth, the
 * expectations, the note when the shim saw nothing, and the same as JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "observe_prog.h"
#include "timeunit.h"

#define MS NS_PER_MS

struct fixture {
	struct ob_conn c[2];
	struct ob_conns cs;
	struct ob_sample x[2];
	struct ob_series s;
	struct ob_expect e[1];
	struct ob_verdict v[1];
	struct ob_report_in in;
};

static const char *const argv_curl[] = { "curl", "http://192.0.2.2:7000/",
	"a\"b", NULL };

static void
conn(struct ob_conn *c, uint16_t port)
{
	memset(c, 0, sizeof(*c));
	c->lport = port;
	c->rport = 7000;
	c->pid = 4;
	c->t_syn = 1 * MS;
	c->t_fin = c->t_rst = c->t_peer_fin = c->t_peer_rst = OB_NO_TIME;
	c->t_shutdown = OB_NO_TIME;
	c->shut_how = -1;
	c->close.call = OB_CALL_OTHER;
}

static void
fill(struct fixture *f)
{
	char err[128];

	memset(f, 0, sizeof(*f));
	conn(&f->c[0], 40000);
	f->c[0].t_fin = 10 * MS;
	f->c[0].end = OB_END_FIN;
	f->c[0].first = OB_CLOSER_PROGRAM;
	f->c[0].fin_retx = 3;
	f->c[0].retx = 3;
	f->c[0].close = (struct ob_rec){ .call = OB_CLOSE,
		.fd = 5,
		.t0 = 10 * MS,
		.t1 = 2010 * MS,
		.lon = 1,
		.lsec = 2,
		.nb = 1 };
	f->c[0].t_shutdown = 9 * MS;
	f->c[0].shut_how = 1;
	f->c[0].shut_before_close = true;
	snprintf(f->c[0].state_exit, sizeof(f->c[0].state_exit), "FIN_WAIT1");
	snprintf(f->c[0].state_end, sizeof(f->c[0].state_end), "gone");
	conn(&f->c[1], 40001);
	f->c[1].t_rst = 20 * MS;
	f->c[1].end = OB_END_RST;
	f->c[1].first = OB_CLOSER_PROGRAM;
	f->c[1].close = (struct ob_rec){ .call = OB_OPEN_AT_EXIT,
		.fd = 6,
		.t0 = 20 * MS,
		.lon = 1,
		.lsec = 0,
		.nb = 0 };
	f->cs = (struct ob_conns){ .v = f->c,
		.n = 2,
		.cap = 2,
		.shim_loaded = true };
	f->x[0] = (struct ob_sample){ .t_ns = 0,
		.running = true,
		.procs = 1,
		.threads = 1,
		.fds = 4,
		.rss_kib = 2048 };
	f->x[1] = (struct ob_sample){ .t_ns = 30 * MS,
		.running = true,
		.procs = 1,
		.threads = 1,
		.fds = 7,
		.rss_kib = 4096 };
	f->x[1].by_state[4] = 1;
	f->s = (struct ob_series){ .v = f->x, .n = 2, .cap = 2 };
	assert_int_equal(ob_expect_parse("growth fds <= 0", &f->e[0], err,
			     sizeof(err)),
	    0);
	ob_expect_eval(&f->e[0], &f->s, &f->cs, OB_NO_TIME, &f->v[0]);
	f->in.argv = argv_curl;
	f->in.behaviour = "swallow-fin";
	f->in.conns = &f->cs;
	f->in.series = &f->s;
	f->in.expects = f->e;
	f->in.verdicts = f->v;
	f->in.nexpects = 1;
	snprintf(f->in.exit_desc, sizeof(f->in.exit_desc), "exit status 0");
	f->in.t_exit = 2100 * MS;
	f->in.settle_ns = 2000 * MS;
	f->in.note = "";
	f->in.utf8 = true;
}

static char *
render(const struct ob_report_in *in, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	if (json)
		ob_report_json(fp, in);
	else
		ob_report_human(fp, in, false);
	fclose(fp);
	return buf;
}

static void
has(const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		fail_msg("missing '%s' in:\n%s", want, text);
}

/* IPv6 bracketed with its port; a v4-mapped one said to be IPv4. */
static void
test_addresses(void **state)
{
	struct fixture f;
	char *h, *j;

	(void)state;
	fill(&f);
	assert_int_equal(ip_addr_parse("2001:db8::1", &f.c[0].laddr), 0);
	assert_int_equal(ip_addr_parse("2001:db8::2", &f.c[0].raddr), 0);
	f.c[0].sock_family = AF_INET6;
	assert_int_equal(ip_addr_parse("192.0.2.1", &f.c[1].laddr), 0);
	assert_int_equal(ip_addr_parse("192.0.2.2", &f.c[1].raddr), 0);
	f.c[1].sock_family = AF_INET6;
	f.c[1].mapped = true;
	f.in.peer_addrs = "192.0.2.2, 2001:db8::2";
	h = render(&f.in, false);
	has(h, "peer address: 192.0.2.2, 2001:db8::2");
	has(h, "#1  [2001:db8::1]:40000 > [2001:db8::2]:7000  IPv6");
	has(h,
	    "192.0.2.1:40001 > 192.0.2.2:7000  IPv4 from an IPv6 socket "
	    "(::ffff:192.0.2.2)");
	j = render(&f.in, true);
	has(j,
	    "\"family\":\"ipv6\",\"socket_family\":\"ipv6\","
	    "\"v4_mapped\":false,\"address\":\"2001:db8::1\",\"port\":40000,"
	    "\"peer_address\":\"2001:db8::2\",\"peer_port\":7000,"
	    "\"endpoint\":\"[2001:db8::1]:40000\","
	    "\"peer_endpoint\":\"[2001:db8::2]:7000\"");
	has(j,
	    "\"family\":\"ipv4\",\"socket_family\":\"ipv6\","
	    "\"v4_mapped\":true");
	free(h);
	free(j);
}

static void
test_human(void **state)
{
	struct fixture f;
	char *t;

	(void)state;
	fill(&f);
	t = render(&f.in, false);
	has(t, "== lingerlab observe: curl http://192.0.2.2:7000/ a\"b\n");
	has(t, "peer behaviour: swallow-fin");
	has(t, "exit status 0 at +2.100s; sockets watched 2s more");
	has(t, "connections: 2\n");
	has(t, "#1  port 40000 > peer port 7000  (pid 4)");
	has(t,
	    "closed:   the program first; the program sent FIN (at "
	    "+0.010s), the peer's FIN/RST never");
	has(t, "retx:     3 segments sent again (3 of them FIN)");
	has(t,
	    "close():  fd 5 at +0.010s returned 0 after 2000.0 ms; "
	    "SO_LINGER {1, 2}; non-blocking");
	has(t, "shutdown: SHUT_WR at +0.009s, 1.0 ms before close()");
	has(t, "state:    FIN_WAIT1 at exit, gone after settling");
	has(t,
	    "close():  never called: fd 6 was still open when its process "
	    "exited at +0.020s, and the kernel closed it; SO_LINGER {1, 0}");
	has(t, "in all: 1 sent FIN, 1 RST, 0 FIN then RST, 0 neither");
	has(t, "fds");
	has(t, "growth +3  \u2581\u2588 4..7\n");
	has(t, "sockets FIN_WAIT1");
	has(t, "FAIL  growth fds <= 0\n         fds grew by 3 (4 -> 7");
	has(t, "0 passed, 1 failed");
	free(t);
}

static void
test_human_without_shim(void **state)
{
	struct fixture f;
	char *t;

	(void)state;
	fill(&f);
	f.cs.shim_loaded = false;
	f.c[0].close.call = OB_CALL_OTHER;
	f.in.nexpects = 0;
	f.in.capture_drops = 2;
	f.in.utf8 = false;
	t = render(&f.in, false);
	has(t,
	    "close timings unavailable: the program does not use the "
	    "dynamic libc");
	has(t, "close():  not seen (no shim in the program)");
	has(t, "the capture lost 2 frames");
	/* ASCII charts where the locale is not UTF-8 */
	has(t, "growth +3  _# 4..7\n");
	assert_null(strstr(t, "expectations:"));
	free(t);
}

static void
test_json(void **state)
{
	struct fixture f;
	char *t;

	(void)state;
	fill(&f);
	t = render(&f.in, true);
	assert_int_equal(t[0], '{');
	assert_string_equal(t + strlen(t) - 3, "]}\n");
	has(t, "\"command\":[\"curl\",\"http://192.0.2.2:7000/\",\"a\\\"b\"]");
	has(t, "\"behaviour\":\"swallow-fin\"");
	has(t, "\"sent\":\"FIN\",\"fin_at\":0.010000000,\"rst_at\":null");
	has(t,
	    "\"close\":{\"by\":\"close\",\"fd\":5,\"at\":0.010000000,"
	    "\"seconds\":2.000000000,\"ret\":0,\"errno\":0,\"linger_onoff\":1,"
	    "\"linger_seconds\":2,\"nonblocking\":1}");
	has(t, "\"close\":{\"by\":\"exit\",\"fd\":6");
	has(t, "\"fds\":{\"start\":4,\"peak\":7,\"end\":7");
	has(t,
	    "\"expectations\":[{\"expect\":\"growth fds <= 0\",\"result\":"
	    "\"fail\",\"actual\":3");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_human_without_shim),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
