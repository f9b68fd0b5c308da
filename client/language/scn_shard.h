/*
 * scn_shard.h - `lingerlab run --shard I/N`: the selected cases split over
 * N machines, so that a CI system's own matrix spreads a long run.
 *
 * Each case is in exactly one shard, and the shards take about as long as
 * each other: the cases go longest first (by scn_expected_ns) onto the
 * shard with the least expected time so far. The split depends only on the
 * cases and N: not on --jobs, the machine or the clock, so N machines that
 * read the same files agree on it without talking to each other. Pure.
 */
#ifndef LINGERLAB_SCN_SHARD_H
#define LINGERLAB_SCN_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* More shards than any CI matrix would run; each is a machine. */
#define SCN_SHARD_MAX 1000

/*
 * Read "I/N" as --shard takes it: 1 <= I <= N <= SCN_SHARD_MAX, decimal.
 * *index is 0-based (I - 1). 0, or -1 with what is wrong and what to write
 * instead in err.
 */
int scn_shard_parse(const char *text, unsigned *index, unsigned *count,
    char *err, size_t errlen);

/*
 * Split n cases, whose expected durations are ns[0..n), over count shards:
 * shard_of[i] is case i's shard (0-based). Longest first, ties in input
 * order; onto the shard with the least expected time, ties to the lowest
 * shard. The most loaded shard then exceeds the least loaded by at most
 * the longest case. load, when not NULL, gets each shard's expected time
 * (count entries). 0, or -1 when out of memory (errno set).
 */
int scn_shard_assign(const uint64_t *ns, size_t n, unsigned count,
    unsigned *shard_of, uint64_t *load);

/*
 * The cases of shard index (0-based) of count: keep[i] for each of the n
 * cases v, in the order given (a case is what a report lists: after the
 * parameters are expanded). mine_ns and all_ns, when not NULL, get the
 * expected time of this shard and of all the cases. 0, or -1 when out of
 * memory (errno set).
 */
int scn_shard_select(struct scenario *const *v, size_t n, unsigned index,
    unsigned count, bool *keep, uint64_t *mine_ns, uint64_t *all_ns);

#endif
