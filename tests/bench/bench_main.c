/*
 * bench_main.c - lingerlab-bench: run every measurement, each repetition in
 * a child with a sandbox of its own, and print the figures with their
 * spread. See docs/performance.md.
 */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monotime.h"

/* A phase that has not finished by then is killed (and its figures are missing). */
#define PHASE_TIMEOUT_MS_FULL  600000
#define PHASE_TIMEOUT_MS_QUICK 120000
#define MAX_SAMPLES	       100000

struct figure_def {
	const char *key;
	const char *unit;
	const char *what;
};

/* Every figure the benchmark must produce, in the order printed. */
static const struct figure_def figures[] = {
	{ "harness.trivial", "ms",
	    "per case: lingerlab run's wall time minus waits; connect, linger {1,0}, close" },
	{ "harness.trivial_steps", "ms",
	    "the same case's own span (duration_ns: no sandbox, no peer start)" },
	{ "harness.typical", "ms",
	    "per case: wall minus waits; data, swallow-fin, 1 s linger, wire checks" },
	{ "harness.typical_steps", "ms",
	    "the same case's own span minus close()'s linger" },
	{ "library.wall_s", "s",
	    "lingerlab run over scenarios/, default job count: wall time" },
	{ "library.longest_case_s", "s",
	    "that run's longest case (duration_ns)" },
	{ "library.margin_s", "s",
	    "wall time minus the longest case (target: at most 2 s)" },
	{ "library.jobs", "jobs",
	    "the default job count, computed as lingerlab run does" },
	{ "library.failed", "cases", "cases that did not pass (target 0)" },
	{ "library.serial_wall_s", "s",
	    "the same library with --jobs 1 (full mode, once)" },
	{ "library.verdict_diffs", "checks",
	    "verdicts differing, serial run vs default (target 0)" },
	{ "reaction.lingerpeer", "us",
	    "SYN to SYN-ACK on llcli0, lingerpeer, median of a run" },
	{ "reaction.kernel", "us",
	    "SYN to SYN-ACK on llcli0, Linux listener, median of a run" },
	{ "reaction.ratio", "x", "lingerpeer median / kernel median, per run" },
	{ "reaction.lingerpeer_p99", "us",
	    "SYN to SYN-ACK, lingerpeer, p99 of a run" },
	{ "capacity.held", "conns", "connections held open in swallow-fin" },
	{ "capacity.open_rate", "conn/s",
	    "connections opened per second while filling" },
	{ "capacity.rss_per_conn", "B",
	    "lingerpeer RSS above its idle baseline / connections" },
	{ "capacity.rss_marginal", "B",
	    "RSS growth per connection, from half held to all" },
	{ "capacity.synack_median", "us",
	    "SYN to SYN-ACK while holding them, median" },
	{ "capacity.synack_p99", "us",
	    "SYN to SYN-ACK while holding them, p99" },
	{ "capacity.control_addr", "ms",
	    "control command naming a connection by address, while holding" },
	{ "throughput.absorbed", "MB/s",
	    "bytes per second lingerpeer takes in, normal mode (one thread)" },
	{ "throughput.peer_cpu", "%",
	    "lingerpeer's CPU time meanwhile, % of one core" },
	{ "fidelity.reported", "ms",
	    "close() duration lingerlab reports (peer ACKs the FIN late)" },
	{ "fidelity.diff", "us",
	    "lingerlab's close() duration minus perf trace's for the same call" },
};
#define NFIGURES (sizeof(figures) / sizeof(figures[0]))

/* Figures --quick does not measure: the serial library run takes minutes. */
static bool
full_only(const char *key)
{
	return strcmp(key, "library.serial_wall_s") == 0 ||
	    strcmp(key, "library.verdict_diffs") == 0;
}

/* What the runs produced: samples per figure, and the phases that could not run. */
struct results {
	double *v[NFIGURES];
	size_t n[NFIGURES];
	char skipped[256]; /* " name " for each phase that exited 77 */
};

struct phase {
	const char *name;
	bool sandbox;
	int (*fn_sb)(const struct bench_cfg *, struct sandbox *);
	int (*fn)(const struct bench_cfg *);
};

static const struct phase phases[] = {
	{ "harness", false, NULL, bench_harness },
	{ "library", false, NULL, bench_library },
	{ "reaction", true, bench_reaction, NULL },
	{ "capacity", true, bench_capacity, NULL },
	{ "throughput", true, bench_throughput, NULL },
	{ "fidelity", false, NULL, bench_fidelity },
};

void
bench_emit(const struct bench_cfg *cfg, const char *key, double value)
{
	dprintf(cfg->out_fd, "%s %.6f\n", key, value);
}

void
bench_note(const struct bench_cfg *cfg, const char *fmt, ...)
{
	va_list ap;

	if (!cfg->verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "bench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: lingerlab-bench [--quick] [--runs N] [--only PHASE] [-v]\n"
	    "                       [--lingerpeer PATH] [--lingerlab PATH] [--scenarios DIR]\n"
	    "                       [--library DIR]\n"
	    "\n"
	    "Measures lingerlab's harness overhead, the whole scenario library's run time,\n"
	    "lingerpeer's reaction time (against the kernel's listener), capacity,\n"
	    "throughput, and the fidelity of the close() durations lingerlab reports.\n"
	    "Every measurement runs in namespaces it creates.\n"
	    "\n"
	    "  --quick         small counts (under a minute): proves every figure is produced\n"
	    "  --runs N        repetitions of each measurement (default 5; quick 2)\n"
	    "  --only PHASE    harness, library, reaction, capacity, throughput or\n"
	    "                  fidelity\n"
	    "  -v              say what is happening\n"
	    "  --lingerpeer PATH, --lingerlab PATH, --scenarios DIR\n"
	    "                  the programs measured and tests/bench's scenario files\n"
	    "                  (default: those of the build; $LINGERPEER overrides too)\n"
	    "  --library DIR   the scenario library the library phase runs (default:\n"
	    "                  the source tree's scenarios/); full mode runs it at the\n"
	    "                  default job count each run, and once with --jobs 1\n"
	    "\n"
	    "Exit status: 0 every figure measured, 1 a figure is missing (its phase failed),\n"
	    "2 usage error, 77 no sandbox can be built here (needs root or user namespaces).\n"
	    "See docs/performance.md.\n");
}

static int
parse_args(int argc, char **argv, struct bench_cfg *cfg)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "runs", required_argument, NULL, 'r' },
		{ "only", required_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "lingerpeer", required_argument, NULL, 'P' },
		{ "lingerlab", required_argument, NULL, 'L' },
		{ "scenarios", required_argument, NULL, 'S' },
		{ "library", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long runs = 0;
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'q': cfg->quick = true; break;
		case 'r':
			runs = strtol(optarg, &end, 10);
			if (*end != '\0' || runs < 1 || runs > 1000) {
				fprintf(stderr,
				    "lingerlab-bench: --runs '%s': expected a "
				    "number from 1 to 1000\n",
				    optarg);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 'o': cfg->only = optarg; break;
		case 'v': cfg->verbose = true; break;
		case 'P': cfg->lingerpeer = optarg; break;
		case 'L': cfg->lingerlab = optarg; break;
		case 'S': cfg->scenario_dir = optarg; break;
		case 'l': cfg->library_dir = optarg; break;
		case 'h': usage(stdout); exit(BENCH_EXIT_OK);
		default: usage(stderr); return BENCH_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
		    "lingerlab-bench: unexpected argument '%s'; see --help\n",
		    argv[optind]);
		return BENCH_EXIT_USAGE;
	}
	cfg->runs = runs > 0 ? (unsigned)runs : cfg->quick ? 2 : 5;
	cfg->syn_probes = cfg->quick ? 100 : 1000;
	cfg->hold_conns = cfg->quick ? 5000 : 100000;
	cfg->throughput_ms = cfg->quick ? 300 : 2000;
	return 0;
}

static void
record(struct results *res, const char *line)
{
	char key[64];
	double val;
	size_t i;

	if (sscanf(line, "%63s %lf", key, &val) != 2)
		return;
	for (i = 0; i < NFIGURES; i++) {
		if (strcmp(figures[i].key, key) != 0)
			continue;
		if (res->v[i] == NULL)
			res->v[i] = calloc(MAX_SAMPLES, sizeof(double));
		if (res->v[i] != NULL && res->n[i] < MAX_SAMPLES)
			res->v[i][res->n[i]++] = val;
		return;
	}
	fprintf(stderr, "lingerlab-bench: unknown figure '%s' from a phase\n",
	    key);
}

/* Read a child's samples until it closes the pipe or the deadline passes. */
static bool
collect(struct results *res, int fd, int64_t deadline_ms)
{
	char buf[4096], line[256];
	size_t ll = 0;
	ssize_t n, i;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline_ms - monotime_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			return false;
		if ((n = read(fd, buf, sizeof(buf))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			record(res, line);
			ll = 0;
		}
	}
}

static int
child_main(const struct phase *ph, struct bench_cfg *cfg)
{
	struct sandbox sb;
	int rc;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!ph->sandbox) {
		rc = ph->fn(cfg);
		fflush(NULL);
		_exit(rc);
	}
	memset(&sb, 0, sizeof(sb));
	if (sandbox_open(&sb) != 0) {
		fprintf(stderr, "SKIP: lingerlab-bench: %s\n", sb.errbuf);
		fflush(NULL);
		_exit(BENCH_EXIT_SKIP);
	}
	rc = ph->fn_sb(cfg, &sb);
	sandbox_close(&sb);
	fflush(NULL);
	_exit(rc);
}

/* One repetition of a phase. Returns the child's exit code (-1: killed). */
static int
run_phase(const struct phase *ph, struct bench_cfg *cfg, struct results *res)
{
	int p[2], status;
	pid_t pid;
	bool done;

	if (pipe(p) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		cfg->out_fd = p[1];
		child_main(ph, cfg);
	}
	close(p[1]);
	done = collect(res, p[0],
	    monotime_ms() +
		(cfg->quick ? PHASE_TIMEOUT_MS_QUICK : PHASE_TIMEOUT_MS_FULL));
	close(p[0]);
	if (!done) {
		fprintf(stderr,
		    "lingerlab-bench: phase %s took too long; killed\n",
		    ph->name);
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Was the phase of this figure one that said it cannot run here (exit 77)? */
static bool
skipped(const struct results *res, const char *key)
{
	char phase[64];
	size_t n = strcspn(key, ".");

	snprintf(phase, sizeof(phase), " %.*s ", (int)n, key);
	return strstr(res->skipped, phase) != NULL;
}

static const char *
fmt_val(double v, char *buf, size_t len)
{
	snprintf(buf, len, v >= 1000 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
	return buf;
}

static int
print_figures(struct results *res, const char *only, bool quick)
{
	struct bench_summary s;
	char a[5][32];
	int missing = 0;
	size_t i;

	printf("\n%-24s %-6s %9s %9s %9s %9s %9s %6s  %s\n", "figure", "unit",
	    "median", "p10", "p90", "min", "max", "n", "what");
	for (i = 0; i < NFIGURES; i++) {
		const struct figure_def *f = &figures[i];

		if (res->n[i] == 0 && only != NULL &&
		    strstr(f->key, only) == NULL)
			continue; /* a phase not run */
		if (res->n[i] == 0 && quick && full_only(f->key)) {
			printf("%-24s %-6s %9s  full mode only  %s\n", f->key,
			    f->unit, "-", f->what);
			continue;
		}
		if (res->n[i] == 0 && skipped(res, f->key)) {
			printf("%-24s %-6s %9s  SKIPPED  %s\n", f->key, f->unit,
			    "-", f->what);
			continue;
		}
		if (res->n[i] == 0) {
			printf("%-24s %-6s %9s  MISSING  %s\n", f->key, f->unit,
			    "-", f->what);
			missing++;
			continue;
		}
		bench_summarise(res->v[i], res->n[i], &s);
		printf("%-24s %-6s %9s %9s %9s %9s %9s %6zu  %s\n", f->key,
		    f->unit, fmt_val(s.median, a[0], 32),
		    fmt_val(s.p10, a[1], 32), fmt_val(s.p90, a[2], 32),
		    fmt_val(s.min, a[3], 32), fmt_val(s.max, a[4], 32), s.n,
		    f->what);
	}
	return missing;
}

static void
free_results(struct results *res)
{
	size_t i;

	for (i = 0; i < NFIGURES; i++)
		free(res->v[i]);
}

/* Run the phases asked for; returns whether any ran, and notes those that skipped. */
static bool
run_all(struct bench_cfg *cfg, struct results *res)
{
	bool any_ran = false;
	unsigned r;
	size_t i, l;
	int rc;

	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		if (cfg->only != NULL &&
		    strstr(phases[i].name, cfg->only) == NULL)
			continue;
		for (r = 0; r < cfg->runs; r++) {
			int64_t t0 = monotime_ms();

			cfg->rep = r;
			rc = run_phase(&phases[i], cfg, res);
			printf("  %-10s run %u/%u: %s (%.1f s)\n",
			    phases[i].name, r + 1, cfg->runs,
			    rc == 0			? "done"
				: rc == BENCH_EXIT_SKIP ? "SKIP"
							: "FAILED",
			    (double)(monotime_ms() - t0) / 1000.0);
			if (rc != BENCH_EXIT_SKIP) {
				any_ran = true;
				continue;
			}
			l = strlen(res->skipped);
			snprintf(res->skipped + l, sizeof(res->skipped) - l,
			    " %s ", phases[i].name);
			break;
		}
	}
	return any_ran;
}

int
main(int argc, char **argv)
{
	struct bench_cfg cfg = {
		.lingerpeer = LINGERPEER_PATH,
		.lingerlab = LINGERLAB_PATH,
		.scenario_dir = BENCH_SCENARIO_DIR,
		.library_dir = BENCH_LIBRARY_DIR,
		.out_fd = -1,
	};
	struct results res;
	bool any_ran;
	int rc, missing;

	if ((rc = parse_args(argc, argv, &cfg)) != 0)
		return rc;
	memset(&res, 0, sizeof(res));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("lingerlab-bench: %s, %u run(s) of each measurement\n",
	    cfg.quick ? "quick" : "full", cfg.runs);
	any_ran = run_all(&cfg, &res);
	missing = print_figures(&res, cfg.only, cfg.quick);
	free_results(&res);
	if (!any_ran) {
		printf("SKIP: no sandbox could be built here\n");
		return BENCH_EXIT_SKIP;
	}
	if (missing > 0) {
		printf(
		    "lingerlab-bench: %d figure(s) missing: a phase failed (run with -v)\n",
		    missing);
		return BENCH_EXIT_MISSING;
	}
	printf("lingerlab-bench: every figure measured%s\n",
	    res.skipped[0] != '\0'
		? " that can be here (SKIPPED: its phase cannot run here)"
		: "");
	return BENCH_EXIT_OK;
}
