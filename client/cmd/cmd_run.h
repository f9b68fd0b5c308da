/*
 * cmd_run.h - `lingerlab run`: run scenario files for real and report.
 */
#ifndef LINGERLAB_CMD_RUN_H
#define LINGERLAB_CMD_RUN_H

#include "exit_codes.h"

/* Exit statuses of `lingerlab run`. */

/*
 * argv[0] is the command's name ("run"); the options and paths follow.
 * Returns the exit status.
 */
int cmd_run(int argc, char **argv);

#endif
