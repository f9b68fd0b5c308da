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

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "monotime.h"

#ifdef LINGERLAB_PATH

#define RUN_TIMEOUT_MS 60000
#define MAX_LINES 40000	/* --raw of a 16 MiB send: a record per segment */
#define BUF_MAX (1 << 16)
/*
 * close() lingers 1 s; the FIN goes out as it starts. A FIN shown live
 * comes about 1000 ms before the return; one shown only after the call
 * would come within a few ms of it. Half the linger time tells them
 * apart with room for a slow machine on either side.
 */
#define LINGER_MS 1000
#define MIN_GAP_MS (LINGER_MS / 2)

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
	int64_t ms;		/* when its newline was read, from the start */
};

struct out {
	struct line lines[MAX_LINES];
	size_t n;
	char err[BUF_MAX];	/* stderr, whole */
	size_t errlen;
	int status;		/* exit status; -1 if killed */
};

static char tmpdir[] = "/tmp/lingerlab-live-test.XXXXXX";
static char path[256];

/* Cut complete lines off buf, stamping each with now. */
static void
take_lines(struct out *o, char *buf, size_t *len, int64_t now)
{
	char *nl;
	size_t l;

	while ((nl = memchr(buf, '\n', *len)) != NULL) {
		l = (size_t)(nl - buf);
		if (o->n < MAX_LINES) {
			o->lines[o->n].text = strndup(buf, l);
			o->lines[o->n++].ms = now;
		}
		memmove(buf, nl + 1, *len - l - 1);
		*len -= l + 1;
	}
}

/* Read both pipes as lines come, until EOF on both or the deadline. */
static void
collect(pid_t pid, int ofd, int efd, struct out *o)
{
	struct pollfd p[2] = { { .fd = ofd, .events = POLLIN },
	    { .fd = efd, .events = POLLIN } };
	int64_t t0 = monotime_ms(), deadline = t0 + RUN_TIMEOUT_MS;
	static char buf[BUF_MAX];
	size_t len = 0;
	ssize_t n;
	int status;

	while ((p[0].fd >= 0 || p[1].fd >= 0) && monotime_ms() < deadline) {
		if (poll(p, 2, (int)(deadline - monotime_ms())) <= 0)
			continue;
		if (p[0].revents != 0) {
			n = read(ofd, buf + len, sizeof(buf) - len);
			if (n <= 0 && !(n == -1 && errno == EINTR))
				p[0].fd = -1;
			else if (n > 0) {
				len += (size_t)n;
				take_lines(o, buf, &len, monotime_ms() - t0);
				if (len == sizeof(buf))
					len = 0;	/* no line is that long */
			}
		}
		if (p[1].revents != 0) {
			n = read(efd, o->err + o->errlen,
			    sizeof(o->err) - 1 - o->errlen);
			if (n <= 0 && !(n == -1 && errno == EINTR))
				p[1].fd = -1;
			else if (n > 0)
				o->errlen += (size_t)n;
		}
	}
	if (p[0].fd >= 0 || p[1].fd >= 0)
		kill(pid, SIGKILL);	/* it hung: the checks say so */
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
run(char *const argv[], struct out *o)
{
	int op[2], ep[2];
	pid_t pid;

	memset(o, 0, sizeof(*o));
	assert_int_equal(pipe2(op, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ep, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(op[1], STDOUT_FILENO);
		dup2(ep[1], STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	collect(pid, op[0], ep[0], o);
	close(op[0]);
	close(ep[0]);
}

static void
out_free(struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		free(o->lines[i].text);
}

static void
dump(const struct out *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		print_message("%6lld ms | %s\n", (long long)o->lines[i].ms,
		    o->lines[i].text);
	print_message("stderr:\n%s\n", o->err);
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
	if (o->status != 3)
		return;
	printf("SKIP: lingerlab cannot set up a sandbox here: %s\n", o->err);
	out_free(o);
	rmdir(tmpdir);
	unlink(path);
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
	if (o.status != 0)
		dump(&o);
	assert_int_equal(o.status, 0);
	start = find(&o, 0, "close c ...", NULL);
	fin = start < 0 ? -1 : find(&o, (size_t)start, "client ---- FIN",
	    "->  peer");
	ret = start < 0 ? -1 : find(&o, (size_t)start, "close c returned 0", NULL);
	if (start < 0 || fin < 0 || ret < 0 || fin > ret ||
	    o.lines[ret].ms - o.lines[fin].ms < MIN_GAP_MS) {
		dump(&o);
		fail_msg("wanted the client's FIN (line %zd) before close's "
		    "return (line %zd), at least %d ms before it", fin, ret,
		    MIN_GAP_MS);
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
	if (o.status != 0)
		dump(&o);
	assert_int_equal(o.status, 0);
	o.err[o.errlen] = '\0';
	assert_non_null(strstr(o.err, "with --live the cases run one at a time"));
	assert_non_null(strstr(o.err, "close c returned 0"));
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
	static const char big[] =
	    "scenario \"a blocking send of 16MiB\"\n"
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
		if (sscanf(o.lines[i].text, "seg %llu %u %u %u %lu %lu %u %u "
		    "%llu %u %u", &t, &from, &sport, &dport, &seq, &ack, &flags,
		    &win, &len, &retx, &zwp) == 11 && from == 1 && retx == 0)
			bytes += len;
	}
	if (o.status != 0 || drops != 0 || bytes != 16u << 20) {
		o.n = o.n > 40 ? 40 : o.n;	/* the head says enough */
		dump(&o);
		fail_msg("status %d, %llu frames dropped, %llu of %u bytes "
		    "captured", o.status, drops, bytes, 16u << 20);
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
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_all(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(tmpdir);
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
