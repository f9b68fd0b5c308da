/*
 * test_observe_v6.c - `lingerlab observe` watching programs that connect
 * over IPv6: curl -6 against a peer that swallows the FIN, python3 with
 * AF_INET6 closing with SO_LINGER {1, 0}, and a dual-stack python3 socket
 * connecting to ::ffff:192.0.2.2, which is IPv4 on the wire and is
 * reported so. Each checks the family, both addresses bracketed with
 * their ports, how the close went, and the wire.
 *
 * lingerlab runs as a subprocess, as a user runs it; exit status 3 (no
 * sandbox here) skips a test, and so does a kernel without IPv6.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest_run.h"
#include "observe_fixture.h"

/* curl -6 closes its connection against a peer that swallows the FIN. */
static void
test_curl_v6_swallow_fin(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--behaviour",
		"swallow-fin", "--port", "7001", "--settle", "300ms",
		"--expect", "every close sends fin", "--expect",
		"sockets FIN_WAIT1 >= 1", "--", "/usr/bin/curl", "-6", "-s",
		"-m", "1", "-o", "/dev/null", "http://[{peer6}]:{port}/",
		NULL };
	struct itest_proc o;

	(void)state;
	observe_need_ipv6();
	observe_need("/usr/bin/curl");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "http://[2001:db8::2]:7001/\n");
	observe_has(&o, "peer address: 192.0.2.2, 2001:db8::2\n");
	observe_has(&o, "exit status 28"); /* curl's "operation timed out" */
	observe_has(&o, "connections: 1\n");
	observe_has(&o, "#1  [2001:db8::1]:");
	observe_has(&o, " > [2001:db8::2]:7001  IPv6");
	observe_has(&o, "closed:   the program first; the program sent FIN");
	observe_has(&o, "SO_LINGER off; non-blocking");
	observe_has(&o, "state:    FIN_WAIT1 at exit");
	itest_proc_free(&o);
	observe_nothing_left();
}

#define PY_V6_LINGER_ZERO                                                      \
	"import os, socket, struct\n"                                          \
	"s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\n"             \
	"s.connect((os.environ['LINGERLAB_PEER_ADDR6'],\n"                     \
	"    int(os.environ['LINGERLAB_PEER_PORT'])))\n"                       \
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, "                   \
	"struct.pack('ii', 1, 0))\n"                                           \
	"s.close()\n"

/* AF_INET6 and SO_LINGER {1, 0}: an RST at once, in the JSON too. */
static void
test_python_v6_linger_zero(void **state)
{
	char *human[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
		"--expect", "every close sends rst", "--expect",
		"close time < 100ms", "--", "/usr/bin/python3", "-c",
		PY_V6_LINGER_ZERO, NULL };
	char *json[] = { LINGERLAB_PATH, "observe", "--json", "--settle",
		"200ms", "--", "/usr/bin/python3", "-c", PY_V6_LINGER_ZERO,
		NULL };
	struct itest_proc o;

	(void)state;
	observe_need_ipv6();
	observe_need("/usr/bin/python3");
	observe_run(human, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "connections: 1\n");
	observe_has(&o, " > [2001:db8::2]:7000  IPv6");
	observe_has(&o, "the program sent RST");
	observe_has(&o, "SO_LINGER {1, 0}; blocking");
	observe_has(&o, "state:    gone at exit");
	itest_proc_free(&o);
	observe_run(json, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o,
	    "\"family\":\"ipv6\",\"socket_family\":\"ipv6\","
	    "\"v4_mapped\":false,\"address\":\"2001:db8::1\"");
	observe_has(&o, "\"peer_address\":\"2001:db8::2\",\"peer_port\":7000,");
	observe_has(&o, "\"peer_endpoint\":\"[2001:db8::2]:7000\"");
	observe_has(&o, "\"sent\":\"RST\"");
	observe_has(&o, "\"linger_onoff\":1,\"linger_seconds\":0");
	itest_proc_free(&o);
	observe_nothing_left();
}

#define PY_MAPPED                                                              \
	"import os, socket\n"                                                  \
	"s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\n"             \
	"s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"           \
	"s.connect(('::ffff:' + os.environ['LINGERLAB_PEER_ADDR'],\n"          \
	"    int(os.environ['LINGERLAB_PEER_PORT'])))\n"                       \
	"s.close()\n"

/*
 * A dual-stack socket to ::ffff:192.0.2.2: IPv4 on the wire, so reported
 * as IPv4 (its four-tuple is what the capture and sock_diag know), with
 * the IPv6 socket and the mapped address said beside it.
 */
static void
test_python_v4_mapped(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
		"--expect", "every close sends fin", "--", "/usr/bin/python3",
		"-c", PY_MAPPED, NULL };
	char *json[] = { LINGERLAB_PATH, "observe", "--json", "--settle",
		"200ms", "--", "/usr/bin/python3", "-c", PY_MAPPED, NULL };
	struct itest_proc o;

	(void)state;
	observe_need_ipv6();
	observe_need("/usr/bin/python3");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "connections: 1\n");
	observe_has(&o, "#1  192.0.2.1:");
	observe_has(&o,
	    " > 192.0.2.2:7000  IPv4 from an IPv6 socket "
	    "(::ffff:192.0.2.2)");
	observe_has(&o, "closed:   the program first; the program sent FIN");
	observe_has(&o, "returned 0 after");
	itest_proc_free(&o);
	observe_run(json, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o,
	    "\"family\":\"ipv4\",\"socket_family\":\"ipv6\","
	    "\"v4_mapped\":true,\"address\":\"192.0.2.1\"");
	itest_proc_free(&o);
	observe_nothing_left();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_v6_swallow_fin),
		cmocka_unit_test(test_python_v6_linger_zero),
		cmocka_unit_test(test_python_v4_mapped),
	};

	if (itest_become_subreaper() == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
