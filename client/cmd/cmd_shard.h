/*
 * cmd_shard.h - `lingerlab run --shard I/N`: of the selected cases, only
 * those of shard I (scn_shard.h), and a line on stderr that says which.
 */
#ifndef LINGERLAB_CMD_SHARD_H
#define LINGERLAB_CMD_SHARD_H

#include <stddef.h>

#include "scenario.h"

/*
 * Keep the cases of shard index (0-based) of count among v[0..*n), in
 * order, and free the others; *n becomes how many are kept (0 is fine:
 * more shards than cases). 0, or -1 after saying why on stderr.
 */
int cmd_shard_cases(struct scenario **v, size_t *n, unsigned index,
    unsigned count);

#endif
