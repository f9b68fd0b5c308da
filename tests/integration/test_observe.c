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

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monotime.h"

#define RUN_TIMEOUT_MS 120000
#define LEFT_TIMEOUT_MS 5000
#define OUT_MAX (1 << 20)

struct out {
	int status;		/* exit status; -1 if it did not exit */
	char *text;		/* stdout */
	size_t len;
	char *err;		/* stderr */
	size_t errlen;
	long ms;
};

/* Read what is there; -1 at end of file. */
static int
pump(int fd, char *buf, size_t *len)
{
	ssize_t n = read(fd, buf + *len, OUT_MAX - 1 - *len);

	if (n == -1 && errno == EINTR)
		return 0;
	if (n <= 0)
		return -1;
	*len += (size_t)n;
	buf[*len] = '\0';
	return 0;
}

/*
 * Start argv with stdin from in (NULL: /dev/null) and stdout, stderr into
 * pipes. Returns its pid; *ofd and *efd are the read ends.
 */
static pid_t
start(char *const argv[], const char *in, struct out *o, int *ofd, int *efd)
{
	int op[2], ep[2], null;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->text = calloc(1, OUT_MAX);
	o->err = calloc(1, OUT_MAX);
	assert_non_null(o->text);
	assert_non_null(o->err);
	assert_int_equal(pipe2(op, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ep, O_CLOEXEC), 0);
	null = open(in != NULL ? in : "/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(null >= 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(null, STDIN_FILENO);
		dup2(op[1], STDOUT_FILENO);
		dup2(ep[1], STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(null);
	close(op[1]);
	close(ep[1]);
	*ofd = op[0];
	*efd = ep[0];
	return pid;
}

/* Read both pipes to their ends (or until want appears in stdout). */
static bool
collect(int ofd, int efd, struct out *o, const char *want)
{
	struct pollfd p[2] = { { .fd = ofd, .events = POLLIN },
	    { .fd = efd, .events = POLLIN } };
	int64_t deadline = monotime_ms() + RUN_TIMEOUT_MS;

	while ((p[0].fd >= 0 || p[1].fd >= 0) && monotime_ms() < deadline) {
		if (want != NULL && strstr(o->text, want) != NULL)
			return true;
		if (poll(p, 2, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if (p[0].revents != 0 && pump(ofd, o->text, &o->len) == -1)
			p[0].fd = -1;
		if (p[1].revents != 0 && pump(efd, o->err, &o->errlen) == -1)
			p[1].fd = -1;
	}
	return want == NULL || strstr(o->text, want) != NULL;
}

static void
finish(pid_t pid, int ofd, int efd, struct out *o, int64_t t0)
{
	int status;

	if (!collect(ofd, efd, o, NULL))
		kill(pid, SIGKILL);
	if (monotime_ms() >= t0 + RUN_TIMEOUT_MS)
		kill(pid, SIGKILL);	/* it hung: the checks below say so */
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	close(ofd);
	close(efd);
	o->ms = (long)(monotime_ms() - t0);
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
run_in(char *const argv[], const char *in, struct out *o)
{
	int64_t t0 = monotime_ms();
	int ofd, efd;
	pid_t pid = start(argv, in, o, &ofd, &efd);

	finish(pid, ofd, efd, o, t0);
}

static void
run(char *const argv[], struct out *o)
{
	run_in(argv, NULL, o);
}

static void
out_free(struct out *o)
{
	free(o->text);
	free(o->err);
}

static void
skip_if_unavailable(struct out *o)
{
	if (o->status != 3)
		return;
	print_message("SKIP: lingerlab cannot build a sandbox here: %s\n",
	    o->err);
	out_free(o);
	skip();
}

static void
expect_status(const struct out *o, int want)
{
	if (o->status != want)
		fail_msg("exit status %d, wanted %d\nstdout:\n%s\nstderr:\n%s",
		    o->status, want, o->text, o->err);
}

static void
has(const struct out *o, const char *want)
{
	if (strstr(o->text, want) == NULL)
		fail_msg("stdout lacks '%s':\n%s\nstderr:\n%s", want, o->text,
		    o->err);
}

/* Skip when a program this test watches is not installed. */
static void
need(const char *path)
{
	if (access(path, X_OK) == 0)
		return;
	print_message("SKIP: %s is not installed (.ci/install-deps installs "
	    "it)\n", path);
	skip();
}

/* Whatever lingerlab left running was handed to us: none may be. */
static void
nothing_left(void)
{
	int64_t deadline = monotime_ms() + LEFT_TIMEOUT_MS;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, NULL, WNOHANG);
		if (pid == -1 && errno == ECHILD)
			return;
		if (pid == 0 && monotime_ms() > deadline)
			fail_msg("processes left running %d s after lingerlab "
			    "ended", LEFT_TIMEOUT_MS / 1000);
		if (pid == 0)
			(void)poll(NULL, 0, 20);	/* no event to wait for */
	}
}

static void
test_leak_is_caught(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
	    "--expect", "growth fds <= 0", "--", LEAKY_CLOSER_PATH, "--leak",
	    "200", NULL };
	struct out o;

	(void)state;
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 1);
	has(&o, "connections: 200\n");
	has(&o, "FAIL  growth fds <= 0\n");
	/* measured from inside the program: exactly one per close */
	has(&o, "fds grew by 200 (");
	has(&o, "close() did not end the connection");
	has(&o, "1 dup() of its descriptor");
	out_free(&o);
	nothing_left();
}

static void
test_no_leak_passes(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
	    "--expect", "growth fds <= 0", "--expect", "every close sends fin",
	    "--", LEAKY_CLOSER_PATH, "200", NULL };
	struct out o;

	(void)state;
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	has(&o, "connections: 200\n");
	has(&o, "PASS  growth fds <= 0\n         fds grew by 0 (");
	has(&o, "PASS  every close sends fin\n         200 of 200");
	out_free(&o);
	nothing_left();
}

static void
test_static_program_unseen(void **state)
{
#ifdef LEAKY_CLOSER_STATIC_PATH
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "100ms",
	    "--", LEAKY_CLOSER_STATIC_PATH, "--hold", "0", "3", NULL };
	struct out o;

	(void)state;
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	has(&o, "close timings unavailable: the program does not use the "
	    "dynamic libc");
	/* the wire still tells */
	has(&o, "connections: 3\n");
	has(&o, "the program sent FIN");
	out_free(&o);
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
	    "--expect", "close time < 100ms", "--",
	    "/usr/bin/curl", "-s", "-m", "1", "-o", "/dev/null",
	    "http://{peer}:{port}/", NULL };
	struct out o;

	(void)state;
	need("/usr/bin/curl");
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	has(&o, "== lingerlab observe: /usr/bin/curl -s -m 1 -o /dev/null "
	    "http://192.0.2.2:7000/\n");
	has(&o, "exit status 28");	/* curl's "operation timed out" */
	has(&o, "connections: 1\n");
	has(&o, "closed:   the program first; the program sent FIN");
	has(&o, "SO_LINGER off; non-blocking");
	has(&o, "state:    FIN_WAIT1 at exit");
	out_free(&o);
	nothing_left();
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
	    "every close sends fin", "--", "/usr/bin/socat", "-t", "0.2", "-",
	    "TCP:{peer}:{port},linger=1", NULL };
	struct out o;

	(void)state;
	need("/usr/bin/socat");
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	has(&o, "connections: 1\n");
	has(&o, "closed:   the program first; the program sent FIN");
	has(&o, "close():  never called: fd ");
	has(&o, "and the kernel closed it; SO_LINGER {1, 1}; blocking");
	has(&o, "Linux does not linger when the process is exiting");
	has(&o, "shutdown: SHUT_WR at +");
	has(&o, "state:    FIN_WAIT1 at exit");
	out_free(&o);
	nothing_left();
}

#define PY_LINGER(on, secs) \
	"import os, socket, struct\n" \
	"s = socket.create_connection((os.environ['LINGERLAB_PEER_ADDR'],\n" \
	"    int(os.environ['LINGERLAB_PEER_PORT'])))\n" \
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', " \
	#on ", " #secs "))\n" \
	"s.close()\n"

/* SO_LINGER {1, 0}: close() resets the connection at once. */
static void
test_python_linger_zero_rst(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--settle", "200ms",
	    "--expect", "every close sends rst", "--expect", "closes fin = 0",
	    "--expect", "close time < 100ms", "--expect",
	    "sockets ESTABLISHED = 0", "--", "/usr/bin/python3", "-c",
	    PY_LINGER(1, 0), NULL };
	struct out o;

	(void)state;
	need("/usr/bin/python3");
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	has(&o, "the program sent RST");
	has(&o, "returned 0 after");
	has(&o, "SO_LINGER {1, 0}; blocking");
	has(&o, "state:    gone at exit");
	out_free(&o);
	nothing_left();
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
	    "--expect", "every close sends fin", "--",
	    "/usr/bin/python3", "-c", PY_LINGER(1, 1), NULL };
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
	    "print('json ok')\n", NULL };
	char path[] = "/tmp/lingerlab-observe-json.XXXXXX";
	struct out o, j;
	int fd;

	(void)state;
	need("/usr/bin/python3");
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 0);
	/* the report as JSON, read by python's own parser */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, o.text, o.len), (ssize_t)o.len);
	close(fd);
	run_in(check, path, &j);
	unlink(path);
	if (j.status != 0 || strstr(j.text, "json ok") == NULL)
		fail_msg("the JSON report did not check out:\n%s\n%s\n%s",
		    j.text, j.err, o.text);
	out_free(&j);
	out_free(&o);
	nothing_left();
}

/* A program that hangs is stopped at --timeout, and reported so. */
static void
test_timeout_stops_program(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--timeout", "300ms",
	    "--settle", "100ms", "--", LEAKY_CLOSER_PATH, "--hold", "60000",
	    "2", NULL };
	struct out o;

	(void)state;
	run(argv, &o);
	skip_if_unavailable(&o);
	expect_status(&o, 1);
	has(&o, "timed out and killed: killed by signal 15");
	has(&o, "connections: 2\n");
	if (o.ms > 20000)
		fail_msg("took %ld ms to stop a program at a 300 ms timeout",
		    o.ms);
	out_free(&o);
	nothing_left();
}

/* Killing the observer takes the program, lingerpeer and all with it. */
static void
test_observer_killed(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "observe", "--", LEAKY_CLOSER_PATH,
	    "--hold", "60000", "2", NULL };
	int64_t t0 = monotime_ms();
	struct out o;
	int ofd, efd;
	pid_t pid;

	(void)state;
	pid = start(argv, NULL, &o, &ofd, &efd);
	/* leaky_closer's stdout is ours: its line says it is running */
	if (!collect(ofd, efd, &o, "connections closed")) {
		finish(pid, ofd, efd, &o, t0);
		skip_if_unavailable(&o);
		fail_msg("leaky_closer never ran:\n%s\n%s", o.text, o.err);
	}
	kill(pid, SIGKILL);
	finish(pid, ofd, efd, &o, t0);
	out_free(&o);
	nothing_left();
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

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
