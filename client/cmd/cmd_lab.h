/*
 * cmd_lab.h - `lingerlab run`'s lab mode on the command line (docs/lab.md):
 * --agent, --agent-token and --agent-wait read, checked against the other
 * options, and the agent and lingerpeer asked before the first case.
 */
#ifndef LINGERLAB_CMD_LAB_H
#define LINGERLAB_CMD_LAB_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* One option: 'g' --agent, 'k' --agent-token, 'w' --agent-wait. 0, or -1
 * after saying what is wrong. */
int cmd_lab_option(int ch, const char *arg, struct run_opts *o);

/* After all options: what lab mode needs, what it has no use for. 0 or -1. */
int cmd_lab_check(const struct run_opts *o);

/*
 * Before the first case: the agent's system (its enum scn_os bit in *os
 * and its short name in name, for the report) and lingerpeer's clock. 0,
 * or -1 after saying why on stderr.
 */
int cmd_lab_hello(const struct run_opts *o, uint32_t *os, char *name,
    size_t len);

#endif
