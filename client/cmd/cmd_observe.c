/*
 * cmd_observe.c - `lingerlab observe [OPTIONS] -- COMMAND [ARGS]`: run a
 * program of one's own against lingerpeer in a sandbox and report what it
 * did when it closed its connections, and what grew while it ran
 * (observe_run.c runs it, observe_prog.h decides and reports).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd_observe.h"
#include "exit_codes.h"
#include "observe_run.h"
#include "peer_launch.h"
#include "sandbox.h"
#include "series.h"
#include "timeunit.h"
#include "units.h"
#include "wire_classify.h"

#define PROG	    "lingerlab observe"
#define MAX_EXPECTS 32
#define ARG_MAX_LEN 4096
#define HOUR	    (3600 * NS_PER_S)
#define DAY	    (24 * HOUR)

struct options {
	struct ob_run_opts run;
	struct ob_expect expects[MAX_EXPECTS];
	size_t nexpects;
	bool json;
	char **argv; /* substituted, to free */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lingerlab observe [--behaviour SPEC] [--port PORT]... [--expect EXPR]...\n"
	    "                         [--timeout D] [--settle D] [--interval D]\n"
	    "                         [--pcap FILE] [--json] [--no-shim] [-v]\n"
	    "                         -- COMMAND [ARGS...]\n"
	    "\n"
	    "Run COMMAND on the client side of a fresh sandbox, with lingerpeer\n"
	    "listening on the other side, and report what it did when it closed its\n"
	    "connections (FIN or RST, who closed first, how long close() took, the\n"
	    "SO_LINGER it met, a shutdown() before it, the state its sockets were left\n"
	    "in) and how its processes, threads, descriptors and memory grew.\n"
	    "\n"
	    "COMMAND gets LINGERLAB_PEER_ADDR and LINGERLAB_PEER_PORT in its\n"
	    "environment; \"{peer}\" and \"{port}\" in ARGS are replaced by them.\n"
	    "\n"
	    "  --behaviour SPEC  lingerpeer's behaviour (normal, swallow-fin,\n"
	    "                    stop-reading, silent, ...; see lingerpeer(8))\n"
	    "  --port PORT       a port lingerpeer accepts on (repeat; default 7000)\n"
	    "  --expect EXPR     check EXPR at the end (repeat): a probe expectation as\n"
	    "                    in a scenario file ('growth fds <= 0', 'peak threads\n"
	    "                    <= 4', 'rss <= 64MiB', 'sockets FIN_WAIT1 = 0 within\n"
	    "                    30s', 'growth tcpext TCPAbortOnLinger = 0'), or one of\n"
	    "                    'closes rst >= 1', 'every close sends fin',\n"
	    "                    'close time <= 1100ms'\n"
	    "  --timeout D       stop COMMAND after D (default 60s; TERM, then KILL)\n"
	    "  --settle D        keep watching its sockets D after it exits (2s)\n"
	    "  --interval D      sample the probes every D (20ms)\n"
	    "  --pcap FILE       write the client link's capture to FILE\n"
	    "  --json            the report as JSON (COMMAND's stdout goes to stderr)\n"
	    "  --no-shim         do not preload liblingerlab-shim.so (no close timings)\n"
	    "  -v, --verbose     every connection in detail, and lingerpeer's log\n"
	    "\n"
	    "Exit status: 0 every expectation passed (or none was given); 1 one failed,\n"
	    "or COMMAND was stopped at the timeout; 2 wrong usage, or COMMAND not\n"
	    "found; 3 the sandbox could not be built; 130 interrupted (SIGINT, SIGTERM,\n"
	    "SIGHUP: COMMAND is stopped, the report covers what ran).\n"
	    "See docs/observe.md.\n");
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* A duration from min to max (min 0 allows 0). */
static int
opt_duration(const char *name, const char *s, uint64_t min, uint64_t max,
    uint64_t *out)
{
	char err[128], lo[32], hi[32];

	if (parse_duration(s, out, err, sizeof(err)) == -1)
		return bad("%s '%s': %s", name, s, err);
	if (*out < min || *out > max) {
		format_duration(min, lo, sizeof(lo));
		format_duration(max, hi, sizeof(hi));
		return bad("%s '%s': expected from %s to %s", name, s, lo, hi);
	}
	return 0;
}

static int
opt_port(const char *s, struct ob_run_opts *r)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return bad("--port '%s': expected a port number 1-65535", s);
	if (r->nports == OB_MAX_PORTS)
		return bad("--port: at most %d ports", OB_MAX_PORTS);
	r->ports[r->nports++] = (uint16_t)v;
	return 0;
}

static int
opt_expect(const char *s, struct options *o)
{
	char err[256];

	if (o->nexpects == MAX_EXPECTS)
		return bad("--expect: at most %d expectations", MAX_EXPECTS);
	if (ob_expect_parse(s, &o->expects[o->nexpects], err, sizeof(err)) ==
	    -1)
		return bad("--expect '%s': %s", s, err);
	o->nexpects++;
	return 0;
}

static int
parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "behaviour", required_argument, NULL, 'b' },
		{ "behavior", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "expect", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "settle", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "pcap", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-shim", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_run_opts *r = &o->run;
	int ch, rc = 0;

	r->timeout_ns = 60 * NS_PER_S;
	r->settle_ns = 2 * NS_PER_S;
	r->interval_ns = 20 * NS_PER_MS;
	r->shim = true;
	optind = 1;
	/* "+": stop at COMMAND, so its own options stay its own */
	while (rc == 0 &&
	    (ch = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': r->behaviour = optarg; break;
		case 'p': rc = opt_port(optarg, r); break;
		case 'e': rc = opt_expect(optarg, o); break;
		case 't':
			rc = opt_duration("--timeout", optarg, NS_PER_MS, DAY,
			    &r->timeout_ns);
			break;
		case 's':
			rc = opt_duration("--settle", optarg, 0, HOUR,
			    &r->settle_ns);
			break;
		case 'i':
			/* finer than 1 ms only spins; coarser than 10 s sees little */
			rc = opt_duration("--interval", optarg, NS_PER_MS,
			    10 * NS_PER_S, &r->interval_ns);
			break;
		case 'w': r->pcap_path = optarg; break;
		case 'j': o->json = true; break;
		case 'n': r->shim = false; break;
		case 'v': r->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (rc == -1)
		return -1;
	if (optind >= argc)
		return bad("no COMMAND given: put it after '--' (lingerlab "
			   "observe -- curl http://{peer}:{port}/)");
	if (r->nports == 0)
		r->ports[r->nports++] = 7000;
	r->ntcpext =
	    ob_tcpext_names(o->expects, o->nexpects, r->tcpext, OB_TCPEXT_MAX);
	r->program_stdout_to_stderr = o->json;
	return optind;
}

/* COMMAND with {peer} and {port} replaced. */
static int
substitute(char **argv, int argc, struct options *o)
{
	char port[8], buf[ARG_MAX_LEN];
	int i;

	snprintf(port, sizeof(port), "%u", o->run.ports[0]);
	o->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (o->argv == NULL)
		return bad("out of memory");
	for (i = 0; i < argc; i++) {
		if (ob_subst(argv[i], SANDBOX_PEER_ADDR, SANDBOX_PEER_ADDR6,
			port, buf, sizeof(buf)) == -1)
			return bad(
			    "argument %d of COMMAND is too long (at most "
			    "%d bytes)",
			    i + 1, ARG_MAX_LEN - 1);
		if ((o->argv[i] = strdup(buf)) == NULL)
			return bad("out of memory");
	}
	o->run.argv = o->argv;
	return 0;
}

static void
free_argv(struct options *o)
{
	size_t i;

	for (i = 0; o->argv != NULL && o->argv[i] != NULL; i++)
		free(o->argv[i]);
	free(o->argv);
}

/* Decide, report; the exit status. */
static int
conclude(struct options *o, struct ob_run_result *res)
{
	struct ob_verdict verdicts[MAX_EXPECTS];
	struct ob_report_in in;
	struct ob_conns cs;
	size_t i;
	int status = 0;

	if (wire_classify(res->segs, res->nsegs) == -1 ||
	    ob_series_add_inside(&res->series, res->recs, res->nrecs) == -1 ||
	    ob_conns_build(&cs, res->segs, res->addrs, res->nsegs, res->recs,
		res->nrecs) == -1) {
		fprintf(stderr,
		    PROG ": out of memory working out what "
			 "happened\n");
		return RUN_EXIT_ENV;
	}
	ob_run_fill_states(res, &cs);
	for (i = 0; i < o->nexpects; i++) {
		ob_expect_eval(&o->expects[i], &res->series, &cs, res->t_exit,
		    &verdicts[i]);
		if (!verdicts[i].pass)
			status = RUN_EXIT_FAIL;
	}
	memset(&in, 0, sizeof(in));
	in.argv = (const char *const *)o->argv;
	in.behaviour = o->run.behaviour != NULL ? o->run.behaviour : "";
	in.peer_addrs = res->peer_addrs;
	in.conns = &cs;
	in.series = &res->series;
	in.expects = o->expects;
	in.verdicts = verdicts;
	in.nexpects = o->nexpects;
	if (res->exited)
		peer_describe_status(res->status, in.exit_desc,
		    sizeof(in.exit_desc));
	else
		snprintf(in.exit_desc, sizeof(in.exit_desc), "still running");
	in.t_exit = res->t_exit;
	in.settle_ns = o->run.settle_ns;
	in.timed_out = res->timed_out;
	in.capture_drops = res->capture_drops;
	in.shim_bad = res->bad_recs;
	in.note = res->note;
	in.utf8 = series_utf8_locale();
	if (!o->run.shim)
		cs.shim_loaded = false;
	if (o->json)
		ob_report_json(stdout, &in);
	else
		ob_report_human(stdout, &in, o->run.verbose);
	ob_conns_free(&cs);
	/* a program that had to be stopped did not do what it should */
	if (res->timed_out)
		status = RUN_EXIT_FAIL;
	if (fflush(stdout) == EOF)
		status = RUN_EXIT_ENV;
	return res->interrupted ? RUN_EXIT_INTERRUPTED : status;
}

int
cmd_observe(int argc, char **argv)
{
	struct options o;
	struct ob_run_result res;
	char why[1024];
	bool userns;
	int first, rc;

	memset(&o, 0, sizeof(o));
	if ((first = parse(argc, argv, &o)) == -1) {
		fprintf(stderr, "Run 'lingerlab observe --help' for usage.\n");
		return RUN_EXIT_USAGE;
	}
	if (substitute(argv + first, argc - first, &o) == -1) {
		free_argv(&o);
		return RUN_EXIT_USAGE;
	}
	rc = ob_run(&o.run, &res, why, sizeof(why));
	if (rc != OB_RUN_RAN)
		fprintf(stderr, PROG ": %s\n", why);
	if (rc == OB_RUN_NOT_STARTED)
		rc = RUN_EXIT_USAGE;
	else if (rc == OB_RUN_NO_ENV)
		rc = RUN_EXIT_ENV;
	else
		rc = conclude(&o, &res);
	userns = res.userns;
	ob_run_result_free(&res);
	free_argv(&o);
	/*
	 * After a sandbox in a user namespace this process cannot fork, and
	 * exit-time hooks that do (LeakSanitizer's) would fail: leave now.
	 */
	if (userns) {
		fflush(NULL);
		_exit(rc);
	}
	return rc;
}
