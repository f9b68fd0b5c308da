/*
 * test_lingerlab_run.c - the runner for real: the built lingerlab runs the
 * scenario library in sandboxes of its own, and its exit statuses, its
 * reports and what it leaves behind are checked.
 *
 * lingerlab runs as a subprocess, as a user would run it. This program is
 * a child subreaper, so that anything lingerlab leaves running would be
 * handed to it when lingerlab exits, and can be found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "itest.h"
#include "itest_run.h"

#define RUN_TIMEOUT_MS 120000
#define LEFT_TIMEOUT_S 5	 /* for stragglers to exit after lingerlab */
#define OUT_MAX	       (1 << 20) /* for the verdict lines of a report */

#ifdef LINGERLAB_PATH
#define LINUX_DIR LINGERLAB_SOURCE_DIR "/tests/scenarios/linux"
#define SELFTEST  LINGERLAB_SOURCE_DIR "/tests/scenarios/selftest/must-fail.scn"
#define LEAK_SELFTEST                                                          \
	LINGERLAB_SOURCE_DIR "/tests/scenarios/selftest/leak-must-fail.scn"

static char tmpdir[] = "/tmp/lingerlab-run-test.XXXXXX";

/* Run argv to its end; its output in *o (free with itest_proc_free). */
static void
run(char *const argv[], struct itest_proc *o)
{
	itest_run(argv, o, RUN_TIMEOUT_MS);
}

/*
 * Nothing lingerlab started may outlive it: as subreaper we would inherit
 * it. What is still exiting gets LEFT_TIMEOUT_S.
 */
static void
expect_nothing_left(void)
{
	if (!itest_reap_all(LEFT_TIMEOUT_S))
		fail_msg("a process lingerlab started was still running %d s "
			 "after it exited",
		    LEFT_TIMEOUT_S);
}

/* A scenario file of our own in tmpdir. */
static const char *
write_scn(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

/*
 * The run-and-check most tests are: run argv (SKIP where lingerlab cannot
 * build a sandbox), expect exit status want, each text after it (up to a
 * NULL) in what it printed and, for 0, no failed TAP check either; then
 * that nothing it started outlives it. Returns how long it ran, in ms.
 */
static long run_expect(char *const argv[], int want, ...)
    __attribute__((sentinel));

static long
run_expect(char *const argv[], int want, ...)
{
	const char *text;
	struct itest_proc o;
	va_list ap;
	long ms;

	run(argv, &o);
	itest_proc_skip_if_unavailable(&o);
	itest_proc_expect_status(&o, want);
	if (want == 0 && strstr(o.out, "not ok") != NULL)
		fail_msg("a check failed:\n%s", o.out);
	va_start(ap, want);
	while ((text = va_arg(ap, const char *)) != NULL)
		itest_proc_expect_text(&o, text);
	va_end(ap);
	ms = o.ms;
	itest_proc_free(&o);
	expect_nothing_left();
	return ms;
}

/* Our scenarios read cleanly, the must-fail case included. */
static void
test_library_checks(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "check", LINUX_DIR, SELFTEST,
		LEAK_SELFTEST, NULL };
	struct itest_proc o;

	(void)state;
	run(argv, &o);
	itest_proc_expect_status(&o, 0);
	itest_proc_free(&o);
}

/* Every Linux case passes: what docs/references.md says, reproduced. */
static void
test_linux_library_passes(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", "--jobs", "4", "--format",
		"tap", LINUX_DIR, NULL };

	(void)state;
	run_expect(argv, 0, "ok 1 - ", NULL);
}

/* The verdict lines of a TAP report, in order: what must not depend on
 * --jobs (the comment lines carry measured times). */
static void
verdicts(const char *tap, char *buf, size_t len)
{
	const char *l, *nl;
	size_t n = 0, k;

	for (l = tap; *l != '\0'; l = nl + 1) {
		nl = strchr(l, '\n');
		if (nl == NULL)
			break;
		k = (size_t)(nl - l + 1);
		if ((strncmp(l, "ok ", 3) == 0 ||
			strncmp(l, "not ok", 6) == 0) &&
		    n + k < len) {
			memcpy(buf + n, l, k);
			n += k;
		}
	}
	buf[n] = '\0';
}

static void
test_jobs_same_as_serial(void **state)
{
	char *serial[] = { LINGERLAB_PATH, "run", "--format", "tap",
		LINUX_DIR "/linger-zero.scn", LINUX_DIR "/linger-off.scn",
		LINUX_DIR "/unread-data.scn", LINUX_DIR "/exit-close.scn",
		NULL };
	char *parallel[] = { LINGERLAB_PATH, "run", "--jobs", "8", "--format",
		"tap", LINUX_DIR "/linger-zero.scn",
		LINUX_DIR "/linger-off.scn", LINUX_DIR "/unread-data.scn",
		LINUX_DIR "/exit-close.scn", NULL };
	static char a[OUT_MAX], b[OUT_MAX];
	struct itest_proc s, p;

	(void)state;
	run(serial, &s);
	itest_proc_skip_if_unavailable(&s);
	run(parallel, &p);
	itest_proc_expect_status(&s, 0);
	itest_proc_expect_status(&p, 0);
	verdicts(s.out, a, sizeof(a));
	verdicts(p.out, b, sizeof(b));
	assert_true(a[0] != '\0');
	assert_string_equal(a, b);
	itest_proc_free(&s);
	itest_proc_free(&p);
	expect_nothing_left();
}

/* A wrong expectation fails with 1, and the report shows what happened. */
static void
test_wrong_expectation_fails(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", SELFTEST, NULL };

	(void)state;
	run_expect(argv, 1, "FAIL", "expect wire client sends FIN within 200ms",
	    "the client sent no FIN", "[R.]", /* the RST it sent instead */
	    NULL);
}

/*
 * A leak the scenario denies fails with 1, and the report names the growth:
 * the loop keeps one descriptor per iteration, 50 in all.
 */
static void
test_leak_expectation_fails(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", LEAK_SELFTEST, NULL };

	(void)state;
	run_expect(argv, 1, "FAIL", "expect growth fds <= 0",
	    "fds grew by +50, from ", "(50 iterations)", "0 passed, 1 failed",
	    NULL);
}

static void
test_case_timeout(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", NULL, NULL };

	(void)state;
	argv[2] = (char *)write_scn("timeout.scn",
	    "scenario \"overruns its time limit\"\n"
	    "timeout 1s\n"
	    "peer listen 7000 normal\n"
	    "socket c\n"
	    "connect c\n"
	    "wait 30s\n"
	    "close c\n");
	assert_true(run_expect(argv, 1, "case timeout after 1s",
			"line 6 (wait)", NULL) < 10000);
}

/* The server side: the system under test listens, the peer connects. */
static void
test_server_side_passes(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", "--jobs", "4", "--format",
		"tap", LINUX_DIR "/server-close-stop-reading.scn",
		LINUX_DIR "/server-close-swallow-fin.scn", NULL };

	(void)state;
	run_expect(argv, 0, "1..36\n",
	    "server-close-swallow-fin.scn[linger=1s]: expect "
	    "blocks about 1s",
	    NULL);
}

/* A wrong expectation about the server side fails, saying what happened. */
static void
test_server_side_wrong_fails(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", NULL, NULL };

	(void)state;
	argv[2] = (char *)write_scn("server-wrong.scn",
	    "scenario \"server side, wrong: expects TIME_WAIT after a swallowed FIN\"\n"
	    "socket l\n"
	    "listen l 8000\n"
	    "peer connect 8000 as s swallow-fin\n"
	    "accept l as s\n"
	    "close s\n"
	    "    expect returns 0\n"
	    "expect wire client retransmits FIN at-least 1 within 1s\n"
	    "expect state s TIME_WAIT\n");
	run_expect(argv, 1, "FAIL", "expect state s TIME_WAIT",
	    "sock_diag found s's connection in FIN_WAIT1", "2 passed, 1 failed",
	    NULL);
}

/* accept honours O_NONBLOCK; taking connections out of order is refused. */
static void
test_server_side_accept(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", NULL, NULL, NULL };

	(void)state;
	argv[2] = strdup(write_scn("accept-nonblocking.scn",
	    "scenario \"non-blocking accept, nothing waiting\"\n"
	    "socket l\n"
	    "set l nonblocking\n"
	    "listen l 8000\n"
	    "accept l as s\n"
	    "    expect fails EWOULDBLOCK\n"
	    "    expect blocks at-most 50ms\n"));
	argv[3] = (char *)write_scn("accept-order.scn",
	    "scenario \"accepts the second connection first\"\n"
	    "socket l\n"
	    "listen l 8000\n"
	    "peer connect 8000 as a\n"
	    "peer connect 8000 as b\n"
	    "accept l as b\n");
	assert_non_null(argv[2]);
	run_expect(argv, 1, "2 passed, 0 failed",
	    "line 6 (accept l as b): accept() "
	    "returned the connection from 192.0.2.2:",
	    "the one named a, not b's", NULL);
	free(argv[2]);
}

static void
test_bad_input(void **state)
{
	char *bad_file[] = { LINGERLAB_PATH, "run", NULL, NULL };
	char *bad_jobs[] = { LINGERLAB_PATH, "run", "--jobs", "0", SELFTEST,
		NULL };
	char *no_peer[] = { LINGERLAB_PATH, "run", "--iface", "llcli0",
		SELFTEST, NULL };
	struct itest_proc o;

	(void)state;
	bad_file[2] = (char *)write_scn("bad.scn",
	    "scenario \"bad\"\nsocket c\nsend c 10kb\n");
	run(bad_file, &o);
	itest_proc_expect_status(&o, 2);
	itest_proc_expect_text(&o, "bad.scn:3:8");
	itest_proc_expect_text(&o, "nothing was run");
	itest_proc_free(&o);
	run(bad_jobs, &o);
	itest_proc_expect_status(&o, 2);
	itest_proc_free(&o);
	run(no_peer, &o);
	itest_proc_expect_status(&o, 2);
	itest_proc_expect_text(&o, "--iface needs --peer");
	itest_proc_free(&o);
}

/* The capture file of each case whose name ends in suffix, or -1. */
static int
find_pcap(const char *dir, const char *suffix, char *path, size_t len)
{
	struct dirent *e;
	size_t l, sl = strlen(suffix);
	DIR *d = opendir(dir);
	int found = -1;

	assert_non_null(d);
	while (found == -1 && (e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) {
			snprintf(path, len, "%s/%s", dir, e->d_name);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

static void
test_pcap_dir(void **state)
{
	char dir[300], path[600];
	char *argv[] = { LINGERLAB_PATH, "run", "--pcap-dir", dir,
		LINUX_DIR "/linger-zero.scn", NULL };
	unsigned char magic[4];
	struct itest_proc o;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/pcap", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	run(argv, &o);
	itest_proc_skip_if_unavailable(&o);
	itest_proc_expect_status(&o, 0);
	/* One per case, named after it with '/' and brackets made '_'. */
	assert_int_equal(find_pcap(dir,
			     "linger-zero.scn_mode=nonblocking_.pcap", path,
			     sizeof(path)),
	    0);
	if (find_pcap(dir, "linger-zero.scn_mode=blocking_.pcap", path,
		sizeof(path)) == -1)
		fail_msg("no capture file for the blocking case in %s", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	/* Nanosecond pcap, as written on a little-endian machine. */
	assert_int_equal(fread(magic, 1, 4, f), 4);
	assert_true(memcmp(magic, "\x4d\x3c\xb2\xa1", 4) == 0);
	fclose(f);
	itest_proc_free(&o);
}

/* --peer: a lingerpeer started by lingerlab-sandbox, no sandbox of ours. */
static void
test_existing_peer(void **state)
{
	char cmd[1024];
	char *argv[] = { LINGERLAB_SANDBOX_PATH, "--peer-arg=--port=7000", "--",
		"/bin/sh", "-c", cmd, NULL };
	struct itest_proc o;

	(void)state;
	snprintf(cmd, sizeof(cmd),
	    "'%s' run --peer \"$LINGERPEER_CONTROL\" "
	    "--iface llcli0 --format tap '%s/linger-zero.scn' "
	    "'%s/shutdown-then-close.scn' '%s/server-close-swallow-fin.scn'",
	    LINGERLAB_PATH, LINUX_DIR, LINUX_DIR, LINUX_DIR);
	run(argv, &o);
	itest_proc_skip_if_unavailable(&o);
	itest_proc_expect_status(&o, 0);
	itest_proc_expect_text(&o, "ok 1 - ");
	itest_proc_free(&o);
	/* Without --iface nothing is captured: wire checks are errors. */
	snprintf(cmd, sizeof(cmd),
	    "'%s' run --peer \"$LINGERPEER_CONTROL\" "
	    "'%s/linger-zero.scn'",
	    LINGERLAB_PATH, LINUX_DIR);
	run(argv, &o);
	itest_proc_expect_status(&o, 1);
	itest_proc_expect_text(&o, "without --iface");
	itest_proc_free(&o);
	expect_nothing_left();
}

static int
setup_all(void **state)
{
	(void)state;
	return itest_tmpdir_make(tmpdir);
}

static int
teardown_all(void **state)
{
	(void)state;
	return itest_tmpdir_remove(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_checks),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_server_side_passes),
		cmocka_unit_test(test_server_side_wrong_fails),
		cmocka_unit_test(test_server_side_accept),
		cmocka_unit_test(test_linux_library_passes),
		cmocka_unit_test(test_jobs_same_as_serial),
		cmocka_unit_test(test_wrong_expectation_fails),
		cmocka_unit_test(test_leak_expectation_fails),
		cmocka_unit_test(test_case_timeout),
		cmocka_unit_test(test_pcap_dir),
		cmocka_unit_test(test_existing_peer),
	};

	if (itest_become_subreaper() == -1)
		return 1;
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}

#else

int
main(void)
{
	printf(
	    "SKIP: no lingerlab program in this build (client/cmd/lingerlab.c "
	    "is missing)\n");
	return ITEST_EXIT_SKIP;
}

#endif
