/*
 * cmd_merge.h - `lingerlab merge`: the JSON or JUnit reports of several
 * runs (the shards of one: run --shard I/N) as one report.
 */
#ifndef LINGERLAB_CMD_MERGE_H
#define LINGERLAB_CMD_MERGE_H

#include "exit_codes.h"

/* argv[0] is "merge"; options and report files follow. The exit status. */
int cmd_merge(int argc, char **argv);

#endif
