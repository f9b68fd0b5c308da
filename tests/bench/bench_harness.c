/*
 * bench_harness.c - what lingerlab itself costs, and how true the close()
 * durations it reports are.
 *
 * Both run `lingerlab run --format json --jobs 1` on a scenario file of
 * tests/bench/ (trivial.scn: 50 repetitions of one case; typical.scn and
 * fidelity.scn: five) and read its JSON Lines:
 * a case's duration_ns, and the duration of its close() from the check's
 * "actual" text ("close(c) returned 0 after 300.5 ms"), which is what a
 * person reading the report sees.
 *
 *  - Overhead: the whole invocation's wall time minus the waits the cases
 *    ask for, over the cases (so each case carries its share of the
 *    process, the parsing and of sandbox and peer set-up and teardown that
 *    overlaps another case). The trivial case asks for no wait; the
 *    typical one asks for close()'s linger, which is subtracted as
 *    lingerlab measured it.
 *  - Fidelity: the same run under perf trace -e close, which times every
 *    close() between the kernel's syscall entry and exit tracepoints without
 *    stopping the process (strace's ptrace stops would add their own delay
 *    to the very call measured); the close() that blocked (over 100 ms) in
 *    each case is matched, in order, with the duration lingerlab reported.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit_codes.h"
#include "monotime.h"

#define MAX_CASES	  128
#define MAX_TRACED	  1024
#define OUT_MAX		  (16 * 1024 * 1024)
/* A close() slower than this is the one the case made block. */
#define BLOCKING_CLOSE_MS 100.0
/*
 * A traced close() this close to a reported duration is the same call (they
 * differ by well under 1 ms; the other slow closes, of packet sockets, take
 * 15-30 ms, far from the case's 300 ms).
 */
#define MATCH_MS	  50.0

int
bench_run_capture(char *const argv[], char **out)
{
	size_t len = 0, cap = 65536;
	int p[2], status;
	char *buf;
	ssize_t n;
	pid_t pid;

	*out = NULL;
	if ((buf = malloc(cap)) == NULL || pipe2(p, O_CLOEXEC) != 0) {
		free(buf);
		return -1;
	}
	if ((pid = fork()) == 0) {
		/* If the benchmark dies, lingerlab stops as on Ctrl-C, cleaning up. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(p[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "lingerlab-bench: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (pid > 0) {
		if (len + 1 == cap) {
			char *nb = cap < OUT_MAX ? realloc(buf, cap * 2) : NULL;

			if (nb == NULL)
				break;
			buf = nb;
			cap *= 2;
		}
		if ((n = read(p[0], buf + len, cap - len - 1)) < 0 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	*out = buf;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

struct case_times {
	double wall_ms;	 /* duration_ns */
	double close_ms; /* what the report says close() took; < 0: none */
};

/* "300.5 ms", "1.004 s", "17 us" to milliseconds; < 0 if not one. */
static double
took_ms(const char *s)
{
	char unit[4];
	double v;

	if (sscanf(s, "%lf %3s", &v, unit) != 2)
		return -1.0;
	if (strncmp(unit, "us", 2) == 0)
		return v / 1000.0;
	if (strncmp(unit, "ms", 2) == 0)
		return v;
	if (unit[0] == 's')
		return v * 1000.0;
	return -1.0;
}

/* Each JSON line's duration and close() time, in order. Returns how many. */
static size_t
parse_report(const char *json, struct case_times *ct, size_t max)
{
	static const char dkey[] = "\"duration_ns\":",
			  ckey[] = "close(c) returned 0 after ";
	const char *line = json, *end, *d, *c;
	size_t n = 0;

	for (; *line != '\0' && n < max; line = *end ? end + 1 : end) {
		if ((end = strchr(line, '\n')) == NULL)
			end = line + strlen(line);
		if ((d = strstr(line, dkey)) == NULL || d > end)
			continue;
		ct[n].wall_ms = strtod(d + sizeof(dkey) - 1, NULL) / 1e6;
		c = strstr(line, ckey);
		ct[n].close_ms =
		    c != NULL && c < end ? took_ms(c + sizeof(ckey) - 1) : -1.0;
		n++;
	}
	return n;
}

/*
 * Run one file's cases; *wall_ms is the whole invocation's wall time (the
 * process, its parsing, and per case the sandbox, lingerpeer and teardown).
 */
static int
run_cases(const struct bench_cfg *cfg, const char *file, struct case_times *ct,
    size_t *n, double *wall_ms)
{
	char path[4096], *out = NULL;
	char *argv[] = { (char *)cfg->lingerlab, "run", "--format", "json",
		"--jobs", "1", path, NULL };
	uint64_t t0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", cfg->scenario_dir, file);
	t0 = monotime_ns();
	rc = bench_run_capture(argv, &out);
	*wall_ms = (double)(monotime_ns() - t0) / 1e6;
	*n = out != NULL ? parse_report(out, ct, MAX_CASES) : 0;
	free(out);
	if (rc != 0)
		fprintf(stderr,
		    "lingerlab-bench: lingerlab run %s: exit status %d%s\n",
		    path, rc,
		    rc == RUN_EXIT_FAIL
			? " (a check failed; the times still count)"
			: "");
	if (rc == RUN_EXIT_ENV)
		return BENCH_EXIT_SKIP;
	/* A failed check (1) still timed the case: only the times matter here. */
	return (rc == RUN_EXIT_PASS || rc == RUN_EXIT_FAIL) && *n > 0 ? 0 : -1;
}

/*
 * Two figures per case kind: the whole invocation's wall time per case less
 * the waits (what a user of lingerlab run pays per case), and the case's own
 * span (duration_ns: steps and checks, without sandbox and peer) less them.
 */
static int
overhead(const struct bench_cfg *cfg, const char *file, const char *key,
    const char *key_steps)
{
	struct case_times ct[MAX_CASES];
	double wall, waits = 0.0;
	size_t n, i;
	int rc;

	if ((rc = run_cases(cfg, file, ct, &n, &wall)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		double w = ct[i].close_ms > 1.0 ? ct[i].close_ms : 0.0;

		waits += w;
		bench_emit(cfg, key_steps, ct[i].wall_ms - w);
	}
	bench_emit(cfg, key, (wall - waits) / (double)n);
	return 0;
}

int
bench_harness(const struct bench_cfg *cfg)
{
	int rc;

	if ((rc = overhead(cfg, "trivial.scn", "harness.trivial",
		 "harness.trivial_steps")) != 0 ||
	    (rc = overhead(cfg, "typical.scn", "harness.typical",
		 "harness.typical_steps")) != 0)
		return rc == BENCH_EXIT_SKIP ? BENCH_EXIT_SKIP : 1;
	return 0;
}

/* The durations of the close() calls that blocked, from perf trace, in order. */
static size_t
traced_blocking_closes(int fd, double *ms, size_t max)
{
	char line[512];
	size_t n = 0;
	const char *p;
	double d;
	FILE *fp;

	if ((fp = fdopen(dup(fd), "r")) == NULL)
		return 0;
	rewind(fp);
	/* "   345.576 (301.320 ms): lingerlab/16627 close(fd: 15)   = 0" */
	while (n < max && fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "lingerlab/") == NULL ||
		    strstr(line, " close(") == NULL ||
		    (p = strchr(line, '(')) == NULL)
			continue;
		if (sscanf(p, "(%lf ms)", &d) == 1 && d >= BLOCKING_CLOSE_MS)
			ms[n++] = d;
	}
	fclose(fp);
	return n;
}

int
bench_fidelity(const struct bench_cfg *cfg)
{
	struct case_times ct[MAX_CASES];
	char path[4096], tpath[] = "/tmp/lingerlab-bench-trace.XXXXXX",
			 out_arg[64];
	char *argv[] = { "perf", "trace", "-e", "close", "--duration", "100",
		"-o", out_arg, "--", (char *)cfg->lingerlab, "run", "--format",
		"json", "--jobs", "1", path, NULL };
	double tr[MAX_TRACED], matched[MAX_CASES];
	size_t n, nt, i, j;
	char *out = NULL;
	int fd, rc;

	if (geteuid() != 0 || access("/usr/bin/perf", X_OK) != 0) {
		fprintf(stderr,
		    "lingerlab-bench: fidelity: SKIP: perf trace needs root and "
		    "/usr/bin/perf (apt-get install linux-perf)\n");
		return BENCH_EXIT_SKIP;
	}
	/* The trace file is unlinked at once: nothing is left behind, whatever happens. */
	if ((fd = mkstemp(tpath)) < 0) {
		fprintf(stderr, "lingerlab-bench: temporary file: %s\n",
		    strerror(errno));
		return 1;
	}
	unlink(tpath);
	snprintf(out_arg, sizeof(out_arg), "/dev/fd/%d", fd);
	snprintf(path, sizeof(path), "%s/fidelity.scn", cfg->scenario_dir);
	rc = bench_run_capture(argv, &out);
	n = out != NULL ? parse_report(out, ct, MAX_CASES) : 0;
	free(out);
	nt = traced_blocking_closes(fd, tr, MAX_TRACED);
	close(fd);
	bench_note(cfg,
	    "fidelity: %zu cases reported, %zu blocking closes traced", n, nt);
	/*
	 * Other close() calls can block too (a packet socket's close waits for
	 * an RCU grace period, tens of ms under load): take, in order, the
	 * traced call within MATCH_MS of each reported duration.
	 */
	for (i = 0, j = 0; i < n; i++) {
		while (j < nt &&
		    (tr[j] < ct[i].close_ms - MATCH_MS ||
			tr[j] > ct[i].close_ms + MATCH_MS))
			j++;
		if (j == nt)
			break;
		matched[i] = tr[j++];
	}
	if (rc == RUN_EXIT_ENV)
		return BENCH_EXIT_SKIP;
	if ((rc != RUN_EXIT_PASS && rc != RUN_EXIT_FAIL) || n == 0 || i < n) {
		fprintf(stderr,
		    "lingerlab-bench: fidelity: perf trace + lingerlab exit status %d, "
		    "%zu cases reported, %zu blocking close() traced, %zu matched (perf trace "
		    "needs the linux-perf package, root, and tracefs)\n",
		    rc, n, nt, i);
		return 1;
	}
	for (i = 0; i < n; i++) {
		bench_emit(cfg, "fidelity.reported", ct[i].close_ms);
		bench_emit(cfg, "fidelity.diff",
		    (ct[i].close_ms - matched[i]) * 1000.0);
	}
	return 0;
}
