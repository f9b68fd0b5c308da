/*
 * test_lingerlab_live.c - `lingerlab run --live` shows a segment while
 * the call that sent it still blocks: the client's FIN of a lingering
 * close() arrives on lingerlab's stdout (a pipe) before the line that
 * says close() returned, and well before it in time.
 *
 * lingerlab builds its own sandbox; where it cannot (exit status 3) the
 * test prints SKIP and exits 77. Every line is stamped as it is read, so
 * the timing is the reader's, as a person in front of the screen sees it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"
#include "itest_run.h"

#ifdef LINGERLAB_PATH

#define RUN_TIMEOUT_MS 60000
#define MAX_LINES      40000 /* --raw of a 16 MiB send: a record per segment */
/*
 * close() lingers 1 s; the FIN goes out as it starts. A FIN shown live
 * comes about 1000 ms before the return; one shown only after the call
 * would come within a few ms of it. Half the linger time tells them
 * apart with room for a slow machine on either side.
 */
#define LINGER_MS      1000
#define MIN_GAP_MS     (LINGER_MS / 2)

static const char scn[] =
    "scenario \"a close that lingers 1s against a peer that swallows the FIN\"\n"
    "peer listen 7005 swallow-fin\n"
    "socket c\n"
    "set c linger 1s\n"
    "connect c\n"
    "close c\n"
    "    expect linux: returns 0\n"
    "    expect linux: blocks about 1s\n"
    "expect wire client sends FIN within 100ms\n";

struct line {
	char *text;
	int64_t ms; /* when its newline was read, from the start */
};

struct out {
	struct itest_proc p; /* stdout and stderr, whole */
	struct line lines[MAX_LINES];
	size_t n;
};

static char tmpdir[] = "/tmp/lingerlab-live-test.XXXXXX";
static char path[256];

/* itest_line_fn: keep each stdout line with when it was read. */
static void
take_line(struct itest_proc *p, const char *line, size_t len, int64_t ms,
    void *arg)
{
	struct out *o = arg;

	(void)p;
	if (o->n < MAX_LINES) {
		o->lines[o->n].text = strndup(line, len);
		o->lines[o->n++].ms = ms;
	}
}

/* Run argv, reading stdout line by line as it comes. */
static void
run(char *const argv[], struct out *o)
{
	struct itest_proc_opts opts = { .on_line = take_line, .arg = o };

	o->n = 0;
	itest_proc_start(&o->p, argv, &opts);
	itest_proc_finish(&o->p, RUN_TIMEOUT_MS);
}

static void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		free(o->lines[i].text);
	itest_proc_free(&o->p);
}

static void
dump(const struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		print_message("%6lld ms | %s\n", (long long)o->lines[i].ms,
		    o->lines[i].text);
	print_message("stderr:\n%s\n", o->p.err);
}

/* The first line at or after from holding every one of the words. */
static ssize_t
find(const struct out *o, size_t from, const char *a, const char *b)
{
	size_t i;

	for (i = from; i < o->n; i++)
		if (strstr(o->lines[i].text, a) != NULL &&
		    (b == NULL || strstr(o->lines[i].text, b) != NULL))
			return (ssize_t)i;
	return -1;
}

static void
skip_if_unavailable(struct out *o)
{
	if (o->p.status != 3)
		return;
	printf("SKIP: lingerlab cannot set up a sandbox here: %s\n", o->p.err);
	out_free(o);
	(void)itest_tmpdir_remove(tmpdir);
	exit(ITEST_EXIT_SKIP);
}

/* The FIN is on the screen while close() still blocks. */
static void
test_fin_while_close_blocks(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", "--live", path, NULL };
	static struct out o;
	ssize_t start, fin, ret;

	(void)state;
	run(argv, &o);
	unlink(path);
	skip_if_unavailable(&o);
	if (o.p.status != 0)
		dump(&o);
	assert_int_equal(o.p.status, 0);
	start = find(&o, 0, "close c ...", NULL);
	fin = start < 0
	    ? -1
	    : find(&o, (size_t)start, "client ---- FIN", "->  peer");
	ret = start < 0 ? -1
			: find(&o, (size_t)start, "close c returned 0", NULL);
	if (start < 0 || fin < 0 || ret < 0 || fin > ret ||
	    o.lines[ret].ms - o.lines[fin].ms < MIN_GAP_MS) {
		dump(&o);
		fail_msg("wanted the client's FIN (line %zd) before close's "
			 "return (line %zd), at least %d ms before it",
		    fin, ret, MIN_GAP_MS);
	}
	/* The report follows the live view, as without --live. */
	assert_true(find(&o, (size_t)ret, "3 passed, 0 failed", NULL) > ret);
	out_free(&o);
}

/*
 * With --jobs, cases run one at a time, said once; with a report for
 * machines the live view goes to stderr and stdout stays that report.
 */
static void
test_jobs_and_tap(void **state)
{
	char *argv[] = { LINGERLAB_PATH, "run", "--live", "--jobs", "2",
		"--format", "tap", path, NULL };
	static struct out o;

	(void)state;
	run(argv, &o);
	unlink(path);
	skip_if_unavailable(&o);
	if (o.p.status != 0)
		dump(&o);
	assert_int_equal(o.p.status, 0);
	assert_non_null(
	    strstr(o.p.err, "with --live the cases run one at a time"));
	assert_non_null(strstr(o.p.err, "close c returned 0"));
	assert_true(find(&o, 0, "ok ", NULL) >= 0);
	assert_true(find(&o, 0, "close c", NULL) < 0);
	out_free(&o);
}

/*
 * A blocking send of 16 MiB: the capture is read while send() blocks, so
 * every byte the client sent is in the record and the kernel dropped no
 * frame (read only between steps, about a thousand frames were lost).
 */
static void
test_long_send_all_captured(void **state)
{
	static const char big[] = "scenario \"a blocking send of 16MiB\"\n"
				  "peer listen 7006 normal\n"
				  "socket c\n"
				  "connect c\n"
				  "send c 16MiB\n"
				  "    expect returns 16777216\n"
				  "wait peer c rx>=16MiB within 30s\n";
	char *argv[] = { LINGERLAB_PATH, "run", "--raw", path, NULL };
	static struct out o;
	unsigned long long drops = 1, bytes = 0, t, len;
	unsigned sport, dport, flags, win, retx, zwp, from;
	unsigned long seq, ack;
	size_t i;
	FILE *f;

	(void)state;
	assert_non_null(f = fopen(path, "w"));
	fputs(big, f);
	assert_int_equal(fclose(f), 0);
	run(argv, &o);
	unlink(path);
	skip_if_unavailable(&o);
	for (i = 0; i < o.n; i++) {
		if (sscanf(o.lines[i].text, "capture 1 %llu", &drops) == 1)
			continue;
		if (sscanf(o.lines[i].text,
			"seg %llu %u %u %u %lu %lu %u %u "
			"%llu %u %u",
			&t, &from, &sport, &dport, &seq, &ack, &flags, &win,
			&len, &retx, &zwp) == 11 &&
		    from == 1 && retx == 0)
			bytes += len;
	}
	if (o.p.status != 0 || drops != 0 || bytes != 16u << 20) {
		o.n = o.n > 40 ? 40 : o.n; /* the head says enough */
		dump(&o);
		fail_msg("status %d, %llu frames dropped, %llu of %u bytes "
			 "captured",
		    o.p.status, drops, bytes, 16u << 20);
	}
	out_free(&o);
}

static int
write_scn(void **state)
{
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/live.scn", tmpdir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(scn, f);
	return fclose(f);
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
		cmocka_unit_test_setup(test_fin_while_close_blocks, write_scn),
		cmocka_unit_test_setup(test_jobs_and_tap, write_scn),
		cmocka_unit_test_setup(test_long_send_all_captured, write_scn),
	};

	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}

#else

int
main(void)
{
	printf("SKIP: no lingerlab program in this build\n");
	return ITEST_EXIT_SKIP;
}

#endif
