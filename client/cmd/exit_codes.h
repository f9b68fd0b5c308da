/*
 * exit_codes.h - what lingerlab's exit status means, for every subcommand
 * (lingerlab(1), EXIT STATUS, says the same to users).
 *
 * `lingerlab merge` (cmd_merge.c) uses the first four: PASS every merged
 * check passed; FAIL a merged check failed or was not decided, or a case
 * stopped; USAGE the command line or a report is wrong (unreadable,
 * malformed, the other format, a case in two reports); ENV the merged
 * report could not be written (or memory ran out).
 */
#ifndef LINGERLAB_EXIT_CODES_H
#define LINGERLAB_EXIT_CODES_H

enum {
	RUN_EXIT_PASS = 0,  /* every check passed (or was not applicable) */
	RUN_EXIT_FAIL = 1,  /* a check failed, or a case stopped early */
	RUN_EXIT_USAGE = 2, /* the command line or a scenario file is wrong */
	RUN_EXIT_ENV = 3,   /* the test system could not be set up */
	/* lab mode: lingerlab-agent was lost during the run (a case says
	 * "agent lost"); the run went on when it came back, or stopped */
	RUN_EXIT_AGENT_LOST = 4,
	/* SIGINT, SIGTERM or SIGHUP stopped the run; the report covers what
	 * ran (128 + SIGINT, as a shell reports a Ctrl-C) */
	RUN_EXIT_INTERRUPTED = 130,
};

#endif
