/*
 * test_observe.c - `lingerlab observe` for real: a deliberate descriptor
 * leak is caught and its absence passes; real programs from Debian (curl,
 * socat, python3) are watched closing against lingerpeer and what each
 * did on the wire and in close() is checked; a statically linked program
 * is reported as unseen; a hanging program is stopped at the timeout; and
 * nothing is left running when the observer is killed.
 *
 * lingerlab runs as a subprocess, as a user runs it. This program is a
 * child subreaper, so anything lingerlab leaves running is handed to it
 * and can be found. Exit status 3 (no sandbox here) skips a test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest_run.h"
#include "observe_fixture.h"

static void
test_leak_is_caught(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
		"--expect", "growth fds <= 0", "--", LEAKY_CLOSER_PATH,
		"--leak", "200", NULL };
	struct itest_proc o;

	(void)state;
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 1);
	observe_has(&o, "connections: 200\n");
	observe_has(&o, "FAIL  growth fds <= 0\n");
	/* measured from inside the program: exactly one per close */
	observe_has(&o, "fds grew by 200 (");
	observe_has(&o, "close() did not end the connection");
	observe_has(&o, "1 dup() of its descriptor");
	itest_proc_free(&o);
	observe_nothing_left();
}

static void
test_no_leak_passes(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
		"--expect", "growth fds <= 0", "--expect",
		"every close sends fin", "--", LEAKY_CLOSER_PATH, "200", NULL };
	struct itest_proc o;

	(void)state;
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "connections: 200\n");
	observe_has(&o, "PASS  growth fds <= 0\n         fds grew by 0 (");
	observe_has(&o, "PASS  every close sends fin\n         200 of 200");
	itest_proc_free(&o);
	observe_nothing_left();
}

static void
test_static_program_unseen(void **state)
{
#ifdef LEAKY_CLOSER_STATIC_PATH
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "100ms", "--",
		LEAKY_CLOSER_STATIC_PATH, "--hold", "0", "3", NULL };
	struct itest_proc o;

	(void)state;
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o,
	    "close timings unavailable: the program does not use the "
	    "dynamic libc");
	/* the wire still tells */
	observe_has(&o, "connections: 3\n");
	observe_has(&o, "the program sent FIN");
	itest_proc_free(&o);
#else
	(void)state;
	print_message("SKIP: leaky_closer_static is not built here (no static "
		      "libc, or a sanitizer build)\n");
	skip();
#endif
}

/* curl closes its connection against a peer that swallows the FIN. */
static void
test_curl_swallow_fin(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--behaviour",
		"swallow-fin", "--settle", "300ms", "--expect",
		"every close sends fin", "--expect", "sockets FIN_WAIT1 >= 1",
		"--expect", "close time < 100ms", "--", "/usr/bin/curl", "-s",
		"-m", "1", "-o", "/dev/null", "http://{peer}:{port}/", NULL };
	struct itest_proc o;

	(void)state;
	observe_need("/usr/bin/curl");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o,
	    "== lingerlab observe: /usr/bin/curl -s -m 1 -o /dev/null "
	    "http://192.0.2.2:7000/\n");
	observe_has(&o, "exit status 28"); /* curl's "operation timed out" */
	observe_has(&o, "connections: 1\n");
	observe_has(&o, "closed:   the program first; the program sent FIN");
	observe_has(&o, "SO_LINGER off; non-blocking");
	observe_has(&o, "state:    FIN_WAIT1 at exit");
	itest_proc_free(&o);
	observe_nothing_left();
}

/*
 * socat with linger=1 against swallow-fin: on end of input it shuts its
 * writing side, waits its -t time, and exits without close(); the kernel
 * closes the socket at exit and, the process exiting, does not linger.
 */
static void
test_socat_linger_at_exit(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--behaviour",
		"swallow-fin", "--settle", "300ms", "--expect",
		"every close sends fin", "--", "/usr/bin/socat", "-t", "0.2",
		"-", "TCP:{peer}:{port},linger=1", NULL };
	struct itest_proc o;

	(void)state;
	observe_need("/usr/bin/socat");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "connections: 1\n");
	observe_has(&o, "closed:   the program first; the program sent FIN");
	observe_has(&o, "close():  never called: fd ");
	observe_has(&o, "and the kernel closed it; SO_LINGER {1, 1}; blocking");
	observe_has(&o, "Linux does not linger when the process is exiting");
	observe_has(&o, "shutdown: SHUT_WR at +");
	observe_has(&o, "state:    FIN_WAIT1 at exit");
	itest_proc_free(&o);
	observe_nothing_left();
}

#define PY_LINGER(on, secs)                                                        \
	"import os, socket, struct\n"                                              \
	"s = socket.create_connection((os.environ['LINGERLAB_PEER_ADDR'],\n"       \
	"    int(os.environ['LINGERLAB_PEER_PORT'])))\n"                           \
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', " #on \
	", " #secs "))\n"                                                          \
	"s.close()\n"

/* SO_LINGER {1, 0}: close() resets the connection at once. */
static void
test_python_linger_zero_rst(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
		"--expect", "every close sends rst", "--expect",
		"closes fin = 0", "--expect", "close time < 100ms", "--expect",
		"sockets ESTABLISHED = 0", "--", "/usr/bin/python3", "-c",
		PY_LINGER(1, 0), NULL };
	struct itest_proc o;

	(void)state;
	observe_need("/usr/bin/python3");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	observe_has(&o, "the program sent RST");
	observe_has(&o, "returned 0 after");
	observe_has(&o, "SO_LINGER {1, 0}; blocking");
	observe_has(&o, "state:    gone at exit");
	itest_proc_free(&o);
	observe_nothing_left();
}

/*
 * SO_LINGER {1, 1} against a peer that never ACKs the FIN: close() blocks
 * for the linger time. The window allows the timer's granularity (a few
 * ms) and a slow machine (measured here: 1007 ms).
 */
static void
test_python_linger_one_blocks(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--behaviour",
		"swallow-fin", "--settle", "200ms", "--json", "--expect",
		"close time >= 950ms", "--expect", "close time <= 1500ms",
		"--expect", "every close sends fin", "--", "/usr/bin/python3",
		"-c", PY_LINGER(1, 1), NULL };
	char *check[] = { "/usr/bin/python3", "-c",
		"import json, sys\n"
		"d = json.load(sys.stdin)\n"
		"c = d['connections'][0]\n"
		"assert c['sent'] == 'FIN', c\n"
		"assert c['close']['by'] == 'close', c\n"
		"assert c['close']['linger_onoff'] == 1, c\n"
		"assert c['close']['linger_seconds'] == 1, c\n"
		"assert 0.95 <= c['close']['seconds'] <= 1.5, c\n"
		"assert c['fin_retransmissions'] >= 1, c\n"
		"assert all(e['result'] == 'pass' for e in d['expectations'])\n"
		"print('json ok')\n",
		NULL };
	char path[] = "/tmp/lingerlab-observe-json.XXXXXX";
	struct itest_proc o, j;
	int fd;

	(void)state;
	observe_need("/usr/bin/python3");
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 0);
	/* the report as JSON, read by python's own parser */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, o.out, o.olen), (ssize_t)o.olen);
	close(fd);
	observe_run_in(check, path, &j);
	unlink(path);
	if (j.status != 0 || strstr(j.out, "json ok") == NULL)
		fail_msg("the JSON report did not check out:\n%s\n%s\n%s",
		    j.out, j.err, o.out);
	itest_proc_free(&j);
	itest_proc_free(&o);
	observe_nothing_left();
}

/* A program that hangs is stopped at --timeout, and reported so. */
static void
test_timeout_stops_program(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--timeout", "300ms",
		"--settle", "100ms", "--", LEAKY_CLOSER_PATH, "--hold", "60000",
		"2", NULL };
	struct itest_proc o;

	(void)state;
	observe_run(argv, &o);
	itest_proc_expect_status(&o, 1);
	observe_has(&o, "timed out and killed: killed by signal 15");
	observe_has(&o, "connections: 2\n");
	if (o.ms > 20000)
		fail_msg("took %ld ms to stop a program at a 300 ms timeout",
		    o.ms);
	itest_proc_free(&o);
	observe_nothing_left();
}

/* Killing the observer takes the program, lingerpeer and all with it. */
static void
test_observer_killed(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--", LEAKY_CLOSER_PATH,
		"--hold", "60000", "2", NULL };
	struct itest_proc_opts opts = { .stdin_path = "/dev/null" };
	struct itest_proc o;

	(void)state;
	itest_proc_start(&o, argv, &opts);
	/* leaky_closer's stdout is ours: its line says it is running */
	if (!itest_proc_read_until(&o, "connections closed",
		OBSERVE_RUN_TIMEOUT_MS)) {
		itest_proc_finish(&o, OBSERVE_RUN_TIMEOUT_MS);
		observe_skip_if_unavailable(&o);
		fail_msg("leaky_closer never ran:\n%s\n%s", o.out, o.err);
	}
	itest_proc_kill(&o, SIGKILL);
	itest_proc_finish(&o, OBSERVE_RUN_TIMEOUT_MS);
	itest_proc_free(&o);
	observe_nothing_left();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leak_is_caught),
		cmocka_unit_test(test_no_leak_passes),
		cmocka_unit_test(test_static_program_unseen),
		cmocka_unit_test(test_curl_swallow_fin),
		cmocka_unit_test(test_socat_linger_at_exit),
		cmocka_unit_test(test_python_linger_zero_rst),
		cmocka_unit_test(test_python_linger_one_blocks),
		cmocka_unit_test(test_timeout_stops_program),
		cmocka_unit_test(test_observer_killed),
	};

	if (itest_become_subreaper() == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
