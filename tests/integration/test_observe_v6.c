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

#define RUN_TIMEOUT_MS 120000
#define LEFT_TIMEOUT_S 5

static void
run(char *const argv[], struct itest_proc *o)
{
	struct itest_proc_opts opts = { .stdin_path = "/dev/null" };

	itest_proc_start(o, argv, &opts);
	itest_proc_finish(o, RUN_TIMEOUT_MS);
	if (o->status != 3)
		return;
	print_message("SKIP: lingerlab cannot build a sandbox here: %s\n",
	    o->err);
	itest_proc_free(o);
	skip();
}

static void
has(const struct itest_proc *o, const char *want)
{
	if (strstr(o->out, want) == NULL)
		fail_msg("stdout lacks '%s':\n%s\nstderr:\n%s", want, o->out,
		    o->err);
}

/* A program this test watches, and IPv6 in the kernel. */
static void
need(const char *path)
{
	if (access("/proc/net/if_inet6", R_OK) != 0) {
		print_message("SKIP: this kernel has no IPv6\n");
		skip();
	}
	if (access(path, X_OK) == 0)
		return;
	print_message("SKIP: %s is not installed (.ci/install-deps installs "
		      "it)\n",
	    path);
	skip();
}

static void
nothing_left(void)
{
	if (!itest_reap_all(LEFT_TIMEOUT_S))
		fail_msg("processes left running %d s after lingerlab ended",
		    LEFT_TIMEOUT_S);
}

/* curl -6 closes its connection against a peer that swallows the FIN. */
static void
test_curl_v6_swallow_fin(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--behaviour",
		"swallow-fin", "--port", "7001", "--settle", "300ms",
		"--expect", "every close sends fin", "--expect",
		"sockets FIN_WAIT1 >= 1", "--", "/usr/bin/curl", "-6", "-s",
		"-m", "1", "-o", "/dev/null", "http://[{peer6}]:{port}/", NULL };
	struct itest_proc o;

	(void)state;
	need("/usr/bin/curl");
	run(argv, &o);
	itest_proc_expect_status(&o, 0);
	has(&o, "http://[2001:db8::2]:7001/\n");
	has(&o, "peer address: 192.0.2.2, 2001:db8::2\n");
	has(&o, "exit status 28"); /* curl's "operation timed out" */
	has(&o, "connections: 1\n");
	has(&o, "#1  [2001:db8::1]:");
	has(&o, " > [2001:db8::2]:7001  IPv6");
	has(&o, "closed:   the program first; the program sent FIN");
	has(&o, "SO_LINGER off; non-blocking");
	has(&o, "state:    FIN_WAIT1 at exit");
	itest_proc_free(&o);
	nothing_left();
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
	need("/usr/bin/python3");
	run(human, &o);
	itest_proc_expect_status(&o, 0);
	has(&o, "connections: 1\n");
	has(&o, " > [2001:db8::2]:7000  IPv6");
	has(&o, "the program sent RST");
	has(&o, "SO_LINGER {1, 0}; blocking");
	has(&o, "state:    gone at exit");
	itest_proc_free(&o);
	run(json, &o);
	itest_proc_expect_status(&o, 0);
	has(&o, "\"family\":\"ipv6\",\"socket_family\":\"ipv6\","
		"\"v4_mapped\":false,\"address\":\"2001:db8::1\"");
	has(&o, "\"peer_address\":\"2001:db8::2\",\"peer_port\":7000,");
	has(&o, "\"peer_endpoint\":\"[2001:db8::2]:7000\"");
	has(&o, "\"sent\":\"RST\"");
	has(&o, "\"linger_onoff\":1,\"linger_seconds\":0");
	itest_proc_free(&o);
	nothing_left();
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
	need("/usr/bin/python3");
	run(argv, &o);
	itest_proc_expect_status(&o, 0);
	has(&o, "connections: 1\n");
	has(&o, "#1  192.0.2.1:");
	has(&o, " > 192.0.2.2:7000  IPv4 from an IPv6 socket "
		"(::ffff:192.0.2.2)");
	has(&o, "closed:   the program first; the program sent FIN");
	has(&o, "returned 0 after");
	itest_proc_free(&o);
	run(json, &o);
	itest_proc_expect_status(&o, 0);
	has(&o, "\"family\":\"ipv4\",\"socket_family\":\"ipv6\","
		"\"v4_mapped\":true,\"address\":\"192.0.2.1\"");
	itest_proc_free(&o);
	nothing_left();
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
