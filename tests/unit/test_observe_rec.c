/*
 * test_observe_rec.c - the shim's records are read field by field, unknown
 * keys and calls are tolerated (a newer shim, an older observer), and a
 * malformed record is refused with the column that is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "observe_prog.h"

static void
test_close_record(void **state)
{
	const char *line =
	    "pid=12 tid=13 call=close fd=5 lport=43110 "
	    "rport=7000 lon=1 lsec=2 nb=1 st=1 t0=1000 t1=2001000 ret=0 "
	    "err=0\n";
	struct ob_rec r;
	char err[128];

	(void)state;
	assert_int_equal(ob_rec_parse(line, strlen(line), &r, err, sizeof(err)),
	    0);
	assert_int_equal(r.call, OB_CLOSE);
	assert_int_equal(r.pid, 12);
	assert_int_equal(r.tid, 13);
	assert_int_equal(r.fd, 5);
	assert_int_equal(r.lport, 43110);
	assert_int_equal(r.rport, 7000);
	assert_int_equal(r.lon, 1);
	assert_int_equal(r.lsec, 2);
	assert_int_equal(r.nb, 1);
	assert_int_equal(r.st, 1);
	assert_int_equal(r.t0, 1000);
	assert_int_equal(r.t1, 2001000);
	assert_int_equal(r.ret, 0);
	/* fields a close record does not carry stay -1 */
	assert_int_equal(r.how, -1);
	assert_int_equal(r.fds, -1);
}

static void
test_every_call_and_holdings(void **state)
{
	static const struct {
		const char *name;
		enum ob_call c;
	} calls[] = {
		{ "hello", OB_HELLO },
		{ "socket", OB_SOCKET },
		{ "connect", OB_CONNECT },
		{ "accept", OB_ACCEPT },
		{ "setsockopt", OB_SETSOCKOPT },
		{ "shutdown", OB_SHUTDOWN },
		{ "close", OB_CLOSE },
		{ "dup", OB_DUP },
		{ "exit", OB_EXIT },
		{ "open-at-exit", OB_OPEN_AT_EXIT },
		{ "sendfile", OB_CALL_OTHER },
	};
	char line[160], err[128];
	struct ob_rec r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		snprintf(line, sizeof(line),
		    "pid=1 call=%s fds=204 thr=3 "
		    "rss=1536 ret=-1 err=11",
		    calls[i].name);
		assert_int_equal(ob_rec_parse(line, strlen(line), &r, err,
				     sizeof(err)),
		    0);
		assert_int_equal(r.call, calls[i].c);
		assert_int_equal(r.fds, 204);
		assert_int_equal(r.threads, 3);
		assert_int_equal(r.rss_kib, 1536);
		assert_int_equal(r.ret, -1);
		assert_int_equal(r.err, 11);
	}
	assert_string_equal(ob_call_name(OB_OPEN_AT_EXIT), "open-at-exit");
}

static void
test_unknown_keys_ignored(void **state)
{
	const char *line = "pid=3 call=setsockopt fd=4 level=6 opt=13 val=30 "
			   "exe=/usr/bin/curl future=1";
	struct ob_rec r;
	char err[128];

	(void)state;
	assert_int_equal(ob_rec_parse(line, strlen(line), &r, err, sizeof(err)),
	    0);
	assert_int_equal(r.level, 6);
	assert_int_equal(r.opt, 13);
	assert_int_equal(r.val, 30);
}

static void
test_bad_records(void **state)
{
	static const struct {
		const char *line, *want;
	} bad[] = {
		{ "pid=1 call=close fd=x", "column 21: 'x' is not a number" },
		{ "pid=1 call=close fd=", "column 21: '' is not a number" },
		{ "pid=1 call=close lport=99999999999",
		    "is not a number in range" },
		{ "pid=1 close", "column 7: expected key=value" },
		{ "call=close fd=3", "the record has no pid" },
		{ "pid=4 fd=3", "the record has no call" },
		{ "", "the record has no call" },
		{ "pid=1 call=close la=c00002", "is not an address" },
		{ "pid=1 call=close ra=2001db8", "is not an address" },
		{ "pid=1 call=close la=zz000201", "is not an address" },
	};
	char err[128];
	struct ob_rec r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ob_rec_parse(bad[i].line, strlen(bad[i].line),
				     &r, err, sizeof(err)),
		    -1);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("'%s': got '%s', wanted '%s'", bad[i].line,
			    err, bad[i].want);
	}
}

/* Addresses: 8 hex digits IPv4, 32 IPv6, a v4-mapped one as IPv4. */
static void
test_addresses(void **state)
{
	const char *v6 = "pid=2 call=connect fd=4 fam=10 lport=40000 "
			 "rport=7000 la=20010db8000000000000000000000001 "
			 "ra=20010db8000000000000000000000002";
	const char *v4 = "pid=2 call=close fd=4 fam=2 la=c0000201 ra=C0000202";
	const char *m = "pid=2 call=close fd=4 fam=10 "
			"la=00000000000000000000ffffc0000201 "
			"ra=00000000000000000000ffffc0000202";
	char err[128], a[IP_ADDR_PORT_STRLEN];
	struct ob_rec r;

	(void)state;
	assert_int_equal(ob_rec_parse(v6, strlen(v6), &r, err, sizeof(err)), 0);
	assert_int_equal(r.fam, 10);
	assert_false(r.mapped);
	assert_string_equal(ip_addr_format_port(&r.laddr, (uint16_t)r.lport, a,
				sizeof(a)),
	    "[2001:db8::1]:40000");
	assert_string_equal(ip_addr_format(&r.raddr, a, sizeof(a)),
	    "2001:db8::2");
	assert_int_equal(ob_rec_parse(v4, strlen(v4), &r, err, sizeof(err)), 0);
	assert_int_equal(r.fam, 2);
	assert_string_equal(ip_addr_format(&r.raddr, a, sizeof(a)),
	    "192.0.2.2");
	assert_int_equal(ob_rec_parse(m, strlen(m), &r, err, sizeof(err)), 0);
	assert_true(r.mapped);
	assert_true(ip_addr_is_v4(&r.laddr));
	assert_string_equal(ip_addr_format(&r.laddr, a, sizeof(a)),
	    "192.0.2.1");
	/* no addresses said: none */
	assert_int_equal(ob_rec_parse("pid=1 call=close", 16, &r, err,
			     sizeof(err)),
	    0);
	assert_int_equal(r.laddr.family, IPF_NONE);
	assert_int_equal(r.fam, -1);
}

static void
test_subst(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(ob_subst("http://{peer}:{port}/x", "192.0.2.2",
			     "2001:db8::2", "7000", out, sizeof(out)),
	    0);
	assert_string_equal(out, "http://192.0.2.2:7000/x");
	assert_int_equal(ob_subst("{peer", "a", "2001:db8::2", "b", out,
			     sizeof(out)),
	    0);
	assert_string_equal(out, "{peer");
	assert_int_equal(ob_subst("{port}{port}", "a", "2001:db8::2", "123",
			     out, sizeof(out)),
	    0);
	assert_string_equal(out, "123123");
	assert_int_equal(ob_subst("{peer}", "192.0.2.2", "2001:db8::2", "1",
			     out, 9),
	    -1);
	assert_int_equal(ob_subst("{peer}", "192.0.2.2", "2001:db8::2", "1",
			     out, 10),
	    0);
	assert_int_equal(ob_subst("http://[{peer6}]:{port}/", "192.0.2.2",
			     "2001:db8::2", "7001", out, sizeof(out)),
	    0);
	assert_string_equal(out, "http://[2001:db8::2]:7001/");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_record),
		cmocka_unit_test(test_every_call_and_holdings),
		cmocka_unit_test(test_unknown_keys_ignored),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_subst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
