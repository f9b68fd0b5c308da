/*
 * cmd_run.h - `lingerlab run`: run scenario files for real and report.
 */
#ifndef LINGERLAB_CMD_RUN_H
#define LINGERLAB_CMD_RUN_H

/* Exit statuses of `lingerlab run`. */
enum {
	RUN_EXIT_PASS = 0,	/* every check passed (or was not applicable) */
	RUN_EXIT_FAIL = 1,	/* a check failed, or a case stopped early */
	RUN_EXIT_USAGE = 2,	/* the command line or a scenario file is wrong */
	RUN_EXIT_ENV = 3,	/* the test system could not be set up */
	/* SIGINT, SIGTERM or SIGHUP stopped the run; the report covers what
	 * ran (128 + SIGINT, as a shell reports a Ctrl-C) */
	RUN_EXIT_INTERRUPTED = 130,
};

/*
 * argv[0] is the command's name ("run"); the options and paths follow.
 * Returns the exit status.
 */
int	cmd_run(int argc, char **argv);

#endif
