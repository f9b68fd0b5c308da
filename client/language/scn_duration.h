/*
 * scn_duration.h - how long one case is expected to take, from what it
 * asks to wait for: `wait` steps, `blocks about`/`at-least` expectations,
 * `wire ... during`, retransmissions it counts, repeat blocks. Used to
 * order cases longest first and to balance `lingerlab run --shard I/N`.
 *
 * Pure and deterministic: the same case gives the same estimate on every
 * machine (the steps are read as on Linux, the library's reference
 * system, whatever system runs them), so every shard of a run splits the
 * cases alike.
 */
#ifndef LINGERLAB_SCN_DURATION_H
#define LINGERLAB_SCN_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/*
 * Harness cost of one case, without any step: sandbox, lingerpeer, capture
 * and their teardown (docs/performance.md; a case of a few calls reports
 * 5 ms, its sandbox costs more).
 */
#define SCN_DUR_CASE_NS (10 * UINT64_C(1000000))

/*
 * The expected wall time of running sc, in nanoseconds: at least
 * SCN_DUR_CASE_NS, at most the case's timeout (plus SCN_DUR_CASE_NS).
 */
uint64_t scn_expected_ns(const struct scenario *sc);

/*
 * order[0..n) gets the indexes of ns[], longest first; equal ones keep
 * their input order, so the order is the same on every machine. Both the
 * shards (scn_shard.h) and the runner's schedule start from it. 0, or -1
 * (ENOMEM).
 */
int scn_longest_first(const uint64_t *ns, size_t n, size_t *order);

#endif
