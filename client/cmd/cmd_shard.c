/*
 * cmd_shard.c - `lingerlab run --shard I/N` (cmd_shard.h).
 */
#include "cmd_shard.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "scenario_parse.h"
#include "scn_shard.h"

int
cmd_shard_cases(struct scenario **v, size_t *n, unsigned index, unsigned count)
{
	bool *keep = calloc(*n > 0 ? *n : 1, sizeof(*keep));
	uint64_t mine = 0, all = 0;
	char t_mine[32], t_all[32];
	size_t i, kept = 0;

	if (keep == NULL ||
	    scn_shard_select(v, *n, index, count, keep, &mine, &all) == -1) {
		fprintf(stderr,
		    "lingerlab run: --shard %u/%u: out of memory for %zu "
		    "cases: %s\n",
		    index + 1, count, *n, strerror(errno));
		free(keep);
		return -1;
	}
	for (i = 0; i < *n; i++) {
		if (keep[i])
			v[kept++] = v[i];
		else
			scenario_free(v[i]);
	}
	dur_seconds(mine, t_mine, sizeof(t_mine));
	dur_seconds(all, t_all, sizeof(t_all));
	/* the lines of all shards, side by side in CI, show the balance */
	fprintf(stderr,
	    "lingerlab run: shard %u/%u: %zu of %zu cases, expected %s s "
	    "of %s s%s\n",
	    index + 1, count, kept, *n, t_mine, t_all,
	    kept == 0 ? " (more shards than cases: nothing to run here)" : "");
	*n = kept;
	free(keep);
	return 0;
}
