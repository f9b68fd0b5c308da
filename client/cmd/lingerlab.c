/*
 * lingerlab.c - the scenario driver's entry point: one program, a verb each
 * for checking, listing and running scenario files.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_check.h"
#include "cmd_merge.h"
#include "cmd_observe.h"
#include "cmd_run.h"
#include "exit_codes.h"
#include "self_paths.h"

#ifndef LINGERLAB_VERSION
#define LINGERLAB_VERSION "0.1.0"
#endif

static void
companion(FILE *out, const char *what, const char *var,
    enum self_companion which)
{
	fprintf(out, "  %-17s %s%s ($%s)\n", what, self_path(which),
	    self_path_found(which) ? "" : " (missing)", var);
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: lingerlab run PATH... [--format human|tap|junit|json] [--pcap-dir DIR]\n"
	    "                 [--jobs N] [--peer CONTROL] [--timeout DURATION]\n"
	    "       lingerlab check PATH...\n"
	    "       lingerlab list PATH...\n"
	    "       lingerlab run|check|list --library [PATH...]\n"
	    "       lingerlab observe [--behaviour SPEC] [--expect EXPR]... -- COMMAND [ARGS]\n"
	    "       lingerlab merge [--format json|junit] [-o FILE] REPORT...\n"
	    "\n"
	    "Run scenario files (.scn, or folders of them) that describe how a TCP\n"
	    "connection is closed against an unresponsive peer, and check every\n"
	    "expectation for the running system: return values and errno, how long\n"
	    "calls blocked, what went on the wire, the socket state left behind.\n"
	    "A 'repeat N [K at-once] ... end' block runs steps many times while\n"
	    "threads, descriptors, memory, sockets by state and TcpExt counters\n"
	    "are sampled: 'expect growth fds <= 0' finds a leak.\n"
	    "\n"
	    "  run     run every case in its own sandbox, with lingerpeer as the peer\n"
	    "  check   validate files without running them (errors as file:line:col)\n"
	    "  list    show each file's description, tags and number of cases\n"
	    "  observe run your own program against lingerpeer and report how it\n"
	    "          closed its connections and what grew ({peer}, {port} in ARGS)\n"
	    "  merge   join the JSON or JUnit reports of several runs (the shards of\n"
	    "          run --shard I/N on N machines) into one\n"
	    "\n"
	    "  --library  the PATHs are inside the scenario library installed with\n"
	    "          lingerlab; without PATH, all of it (lingerlab run --library examples)\n"
	    "\n"
	    "Run 'lingerlab run --help' (or observe --help) for their options.\n"
	    "Exit status: 0 all passed, 1 a check failed, 2 the input was wrong,\n"
	    "3 the environment could not be set up.\n"
	    "See lingerlab(1), docs/scenario-language.md and docs/observe.md.\n"
	    "\n"
	    "Found beside this program (override with the variable named):\n");
	companion(out, "lingerpeer", "LINGERPEER", SELF_PEER);
	companion(out, "shim", "LINGERLAB_SHIM", SELF_SHIM);
	companion(out, "scenario library", "LINGERLAB_LIBRARY", SELF_LIBRARY);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return RUN_EXIT_USAGE;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(argv[1], "observe") == 0)
		return cmd_observe(argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lingerlab %s\n", LINGERLAB_VERSION);
		return 0;
	}
	fprintf(stderr,
	    "lingerlab: unknown command '%s': expected run, check, list, observe or merge\n",
	    argv[1]);
	usage(stderr);
	return RUN_EXIT_USAGE;
}
