/*
 * cmd_observe.h - `lingerlab observe`: someone's own program against
 * lingerpeer, watched. Exit statuses as `lingerlab run` (exit_codes.h).
 */
#ifndef LINGERLAB_CMD_OBSERVE_H
#define LINGERLAB_CMD_OBSERVE_H

/* argv[0] is "observe"; the options and COMMAND follow. The exit status. */
int cmd_observe(int argc, char **argv);

#endif
