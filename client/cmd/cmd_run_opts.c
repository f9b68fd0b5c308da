/*
 * cmd_run_opts.c - `lingerlab run`'s command line: its options, their
 * checks and the usage (cmd_run_int.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_lab.h"
#include "cmd_library.h"
#include "cmd_run.h"
#include "cmd_shard.h"
#include "control_client.h"
#include "control_token.h"
#include "evaluate.h"
#include "ip_address.h"
#include "live_term.h"
#include "peer_launch.h"
#include "run_plat.h"
#include "report.h"
#include "run.h"
#include "run_pictures.h"
#include "run_wire.h"
#include "scenario_parse.h"
#include "scn_files.h"
#include "scn_select.h"
#include "scn_shard.h"
#include "scenario_kinds.h"
#include "wire_peer.h"
#include "self_paths.h"
#include "units.h"
#include "verdict.h"
#include "cmd_run_int.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lingerlab run [--format human|tap|junit|json] [--jobs N]\n"
	    "                     [--pcap-dir DIR] [--timeout DURATION] [--live] [-v]\n"
	    "                     [--tags T,...] [--skip-tags T,...] [--shard I/N]\n"
	    "                     [--family ipv4|ipv6|both]\n"
	    "                     [--diagram] [--svg-dir DIR] [--html FILE] [--[no-]summary]\n"
	    "                     [--peer CONTROL [--peer-addr ADDR[,ADDR6]] [--iface IFACE]\n"
	    "                      [--peer-token FILE]]\n"
	    "                     [--agent ADDR:PORT [--agent-token FILE] [--agent-wait D]\n"
	    "                      --peer CONTROL [--peer-token FILE] --peer-addr ADDR[,ADDR6]]\n"
	    "                     PATH... | --library [PATH...]\n"
	    "\n"
	    "Run every case of the scenario files (a directory: every *.scn under it),\n"
	    "each in a sandbox of its own with lingerpeer on the other side, and report\n"
	    "every expectation. Needs root, or unprivileged user namespaces.\n"
	    "\n"
	    "  --library         the PATHs are inside the scenario library installed with\n"
	    "                    lingerlab (%s);\n"
	    "                    without PATH, all of it: --library examples\n"
	    "  --format F        human (default), tap, junit or json\n"
	    "  --jobs N          run N cases at once (1-%d; output order stays the same);\n"
	    "                    default: as many as the cases' waits need for the run\n"
	    "                    to last about as long as its longest case (at most 12\n"
	    "                    a CPU)\n"
	    "  --pcap-dir DIR    write each case's capture to DIR/CASE.pcap\n"
	    "  --timeout D       a case's time limit, over the scenario's own (60s)\n"
	    "  --tags T,...      run only the cases tagged with one of these\n"
	    "  --skip-tags T,... leave out the cases tagged with one of these (--skip-tags\n"
	    "                    slow: the quick run, without the cases of many seconds)\n"
	    "  --shard I/N       run only shard I of N (1 <= I <= N): the cases, after\n"
	    "                    --tags, split over N machines by expected duration, the\n"
	    "                    same on every machine; `lingerlab merge` joins the\n"
	    "                    shards' reports (docs/ci.md)\n"
	    "  --family F        ipv4 (default), ipv6 or both: the family of every socket\n"
	    "                    that names none (`socket c` as against `socket c ipv6`);\n"
	    "                    both runs each case once per family (once when its\n"
	    "                    sockets all name theirs). Case names then end in\n"
	    "                    family=ipv4 or family=ipv6; `if family = ipv6` picks\n"
	    "                    an expectation\n"
	    "  --peer CONTROL    no sandbox: use the lingerpeer whose control channel is\n"
	    "                    CONTROL (unix:PATH, unix:@NAME, 127.0.0.1:PORT); cases\n"
	    "                    then run one at a time\n"
	    "  --peer-addr ADDR  the address that lingerpeer owns, or one of each family:\n"
	    "                    192.0.2.77,2001:db8:77::2 (default: $LINGERPEER_ADDR)\n"
	    "  --peer-token FILE with --peer: authenticate with the token in FILE (the\n"
	    "                    one lingerpeer's --control-token names); needed for a\n"
	    "                    CONTROL beyond loopback, such as 192.0.2.2:7999\n"
	    "  --iface IFACE     with --peer: capture on IFACE; without it, wire\n"
	    "                    expectations are reported as errors\n"
	    "  --agent ADDR:PORT lab mode (docs/lab.md): the sockets are made by\n"
	    "                    lingerlab-agent there, on the system under test, whose\n"
	    "                    own expectations (linux:, freebsd:, windows:) apply; the\n"
	    "                    wire is what the --peer lingerpeer received and sent\n"
	    "  --agent-token FILE  authenticate with the token in FILE (the agent's\n"
	    "                    --token-file); needed for an agent beyond loopback\n"
	    "  --agent-wait D    how long a case waits for a lost agent to come back\n"
	    "                    before the run stops (default 30s)\n"
	    "  --live            show each case as it runs: steps as they start and return,\n"
	    "                    segments as arrows as they cross, verdicts as they are\n"
	    "                    decided, and on a terminal the time of a blocking step\n"
	    "                    ticking; the report follows. Cases then run one at a\n"
	    "                    time. Written to stdout (to stderr with --format other\n"
	    "                    than human, or --raw)\n"
	    "  --diagram         after each case's checks, its ladder diagram: the calls,\n"
	    "                    how long each ran, one arrow per segment, the peer's changes\n"
	    "  --svg-dir DIR     the same as one SVG file per case in DIR (created if need\n"
	    "                    be), and NAME-probes.svg: the plots of a case's probes\n"
	    "  --html FILE       one web page: the summary table, each case's checks (the\n"
	    "                    failed ones in full), probe plots and diagram\n"
	    "  --summary         a table of the run, a row per case, a column per kind of\n"
	    "                    check (the default with several cases and --format human)\n"
	    "  --no-summary      no table\n"
	    "  --raw             print what the runner recorded instead of a report\n"
	    "  -v, --verbose     passing checks in detail, and lingerpeer's log\n"
	    "\n"
	    "Exit status: 0 all passed, 1 a check failed, 2 wrong input, 3 the test\n"
	    "system could not be set up (or a picture could not be written), 4 the\n"
	    "agent was lost during the run (lab mode), 130 interrupted (SIGINT,\n"
	    "SIGTERM or SIGHUP: the report covers what ran).\n"
	    "See docs/scenario-language.md, \"Running\".\n",
	    self_path(SELF_LIBRARY), RUN_MAX_JOBS);
}

int
cmd_run_bad(const char *hint, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s%s\n", hint[0] != '\0' ? "; " : "", hint);
	return -1;
}

/*
 * --peer-addr's default: $LINGERPEER_ADDR, and $LINGERPEER_ADDR6 beside it
 * when it holds one address and that one is set too (lingerlab-sandbox
 * sets both where the kernel has IPv6).
 */
static const char *
peer_addr_from_env(void)
{
	static char both[2 * IP_ADDR_STRLEN + 2];
	const char *a = getenv("LINGERPEER_ADDR");
	const char *a6 = getenv("LINGERPEER_ADDR6");

	if (a == NULL || a6 == NULL || *a6 == '\0' || strchr(a, ',') != NULL)
		return a;
	if ((size_t)snprintf(both, sizeof(both), "%s,%s", a, a6) >=
	    sizeof(both))
		return a; /* not addresses: --peer-addr's check says so */
	return both;
}

static int
opt_jobs(const char *s, struct run_opts *o)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > RUN_MAX_JOBS)
		return cmd_run_bad("",
		    "--jobs '%s': expected a number from 1 to 64", s);
	o->jobs = (unsigned)v;
	return 0;
}

static int
opt_dir(const char *s, struct run_opts *o)
{
	struct stat st;

	if (stat(s, &st) == -1 || !S_ISDIR(st.st_mode) || access(s, W_OK) == -1)
		return cmd_run_bad("create it first (mkdir -p)",
		    "--pcap-dir '%s': not a writable directory", s);
	o->pcap_dir = s;
	return 0;
}

static int
opt_value(int ch, const char *arg, struct run_opts *o, struct run_state *rs)
{
	static char token[CONTROL_TOKEN_MAX + 1];
	struct control_endpoint ep;
	char err[512];

	switch (ch) {
	case 'g':
	case 'k':
	case 'w': return cmd_lab_option(ch, arg, o);
	case 'f':
		if (report_format_from_name(arg, &rs->fmt) == -1)
			return cmd_run_bad("",
			    "--format '%s': expected human, tap, "
			    "junit or json",
			    arg);
		return 0;
	case 'j': return opt_jobs(arg, o);
	case 'd': return opt_dir(arg, o);
	case 't':
		if (parse_duration(arg, &o->timeout_ns, err, sizeof(err)) ==
			-1 ||
		    o->timeout_ns == 0)
			return cmd_run_bad(err,
			    "--timeout '%s': expected a duration "
			    "such as 90s",
			    arg);
		return 0;
	case 'p':
		/* Beyond loopback only with --peer-token: checked after all options. */
		if (control_endpoint_parse_flags(arg, CEP_ALLOW_REMOTE, &ep,
			err, sizeof(err)) == -1)
			return cmd_run_bad(err, "--peer '%s'", arg);
		o->peer_control = arg;
		return 0;
	case 'K':
		if (control_token_read(arg, token, sizeof(token), err,
			sizeof(err)) == -1)
			return cmd_run_bad("", "--peer-token: %s", err);
		o->peer_token = token;
		return 0;
	case 'a': o->peer_addr = arg; return 0;
	case 'F':
		if (scn_families_parse(arg, &rs->families) == -1)
			return cmd_run_bad("",
			    "--family '%s': expected ipv4, ipv6 or both", arg);
		return 0;
	case 'i': o->iface = arg; return 0;
	case 'D': rs->pic.diagram = true; return 0;
	case 'G': rs->pic.svg_dir = arg; return 0;
	case 'H': rs->pic.html_path = arg; return 0;
	case 'M':
	case 'N':
		rs->pic.summary = ch == 'M' ? PIC_SUMMARY_ON : PIC_SUMMARY_OFF;
		return 0;
	case 'T':
	case 'S':
		if (scn_tags_check(arg, err, sizeof(err)) == -1)
			return cmd_run_bad(err, "%s '%s'",
			    ch == 'T' ? "--tags" : "--skip-tags", arg);
		*(ch == 'T' ? &rs->tags : &rs->skip_tags) = arg;
		return 0;
	case 'Z':
		if (scn_shard_parse(arg, &rs->shard, &rs->nshards, err,
			sizeof(err)) == -1)
			return cmd_run_bad(err, "--shard '%s'", arg);
		return 0;
	}
	return -1;
}

int
cmd_run_options(int argc, char **argv, struct run_opts *o, struct run_state *rs)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "pcap-dir", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "peer", required_argument, NULL, 'p' },
		{ "peer-addr", required_argument, NULL, 'a' },
		{ "peer-token", required_argument, NULL, 'K' },
		{ "iface", required_argument, NULL, 'i' },
		{ "agent", required_argument, NULL, 'g' },
		{ "agent-token", required_argument, NULL, 'k' },
		{ "agent-wait", required_argument, NULL, 'w' },
		{ "tags", required_argument, NULL, 'T' },
		{ "skip-tags", required_argument, NULL, 'S' },
		{ "shard", required_argument, NULL, 'Z' },
		{ "family", required_argument, NULL, 'F' },
		{ "raw", no_argument, NULL, 'r' },
		{ "diagram", no_argument, NULL, 'D' },
		{ "svg-dir", required_argument, NULL, 'G' },
		{ "html", required_argument, NULL, 'H' },
		{ "summary", no_argument, NULL, 'M' },
		{ "no-summary", no_argument, NULL, 'N' },
		{ "live", no_argument, NULL, 'L' },
		{ "library", no_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			exit(RUN_EXIT_PASS);
		} else if (ch == 'v')
			o->verbose = true;
		else if (ch == 'r')
			rs->raw = true;
		else if (ch == 'L')
			rs->live = true;
		else if (ch == 'B')
			rs->library = true;
		else if (ch == '?' || opt_value(ch, optarg, o, rs) == -1) {
			fprintf(stderr,
			    "Run 'lingerlab run --help' for the "
			    "options.\n");
			return -1;
		}
	}
	if (cmd_lab_check(o) == -1)
		return -1;
	if (o->peer_control == NULL &&
	    (o->peer_addr != NULL || o->iface != NULL || o->peer_token != NULL))
		return cmd_run_bad(
		    "in a sandbox the runner knows the address and the "
		    "link",
		    "%s needs --peer",
		    o->iface != NULL		? "--iface"
			: o->peer_token != NULL ? "--peer-token"
						: "--peer-addr");
	if (o->peer_control != NULL && o->peer_token == NULL) {
		struct control_endpoint ep;
		char err[512];

		if (control_endpoint_parse(o->peer_control, &ep, err,
			sizeof(err)) == -1)
			return cmd_run_bad("", "--peer '%s': %s",
			    o->peer_control, err);
	}
	if (o->peer_control != NULL && o->jobs > 1) {
		fprintf(stderr,
		    PROG
		    ": note: with --peer the cases run one at "
		    "a time (--jobs %u ignored): a `peer listen` changes the "
		    "shared lingerpeer for every case\n",
		    o->jobs);
		o->jobs = 1;
	}
	if (rs->live && o->jobs == 0)
		o->jobs = 1; /* the default, one at a time, is no news */
	if (rs->live && o->jobs > 1) {
		fprintf(stderr,
		    PROG
		    ": note: with --live the cases run one at "
		    "a time (--jobs %u ignored), so that each can be followed\n",
		    o->jobs);
		o->jobs = 1;
	}
	if (o->peer_control != NULL && o->peer_addr == NULL)
		o->peer_addr = peer_addr_from_env();
	if (o->peer_control != NULL && o->peer_addr == NULL)
		return cmd_run_bad(
		    "give --peer-addr IPV4 (inside lingerlab-sandbox, "
		    "LINGERPEER_ADDR is set)",
		    "--peer needs the peer's address");
	if (o->peer_addr != NULL) {
		struct ip_addr pa[2];

		if (wire_peer_parse(o->peer_addr, pa) == -1)
			return cmd_run_bad("",
			    "--peer-addr '%s': expected an address, or one of "
			    "each family joined by a comma "
			    "(192.0.2.77,2001:db8:77::2)",
			    o->peer_addr);
	}
	if (optind >= argc && !rs->library)
		return cmd_run_bad(
		    "name .scn files or directories holding them, or "
		    "--library for the installed ones",
		    "no scenario file given");
	return 0;
}
