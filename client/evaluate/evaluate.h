/*
 * evaluate.h - decide every expectation of a case from what the runner
 * observed (observe.h), into verdicts (verdict.h). Pure: no clock, no I/O.
 *
 * The runner uses two pieces of it while a case runs, so that it waits for
 * exactly what the evaluator will later check: evaluate_wire_pattern() (the
 * segments and the time window a wire expectation is about) and
 * evaluate_wire_settled() (whether what was captured so far already decides
 * it, so waiting can stop early).
 */
#ifndef LINGERLAB_EVALUATE_H
#define LINGERLAB_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"
#include "verdict.h"
#include "wire_classify.h"

/*
 * Every expectation of every step, in order, into out (which the caller
 * frees with case_result_free()). Expectations for systems other than
 * running_os (enum scn_os) are NOT_APPLICABLE; a case that stopped early
 * gets one more verdict, an ERROR that says why.
 *
 * obs->segs must have been through wire_classify().
 * Returns 0, or -1 with errno ENOMEM or EINVAL (out is then empty).
 */
int evaluate_case(const struct scenario *sc, const struct case_obs *obs,
    uint32_t running_os, struct case_result *out);

/*
 * The tolerance "blocks about D" allows: given if not 0, else 50 ms + 5 %
 * of D (docs/scenario-language.md).
 */
uint64_t evaluate_tolerance(uint64_t d_ns, uint64_t given_ns);

/*
 * Whether call c of step st meets the indented expectation e: the runner
 * checks each iteration of a repeat block with it, the evaluator the rest.
 */
bool evaluate_call_ok(const struct scn_step *st, const struct scn_expect *e,
    const struct obs_call *c);

/*
 * Whether the peer's value for a `peer SOCK KEY OP V` expectation holds
 * (false also when the two cannot be compared): for the runner, which
 * reads the peer again while it does not, for a moment.
 */
bool evaluate_peer_holds(const struct scn_expect *e, const char *value);

/*
 * Probe expectations (evaluate_probe.c). evaluate_probe_value(): the value
 * probe expectation pe is about at sample k of p (growth: minus the block's
 * first sample); false when the series is unknown. evaluate_probe_holds():
 * whether that value meets pe.
 */
bool evaluate_probe_value(const struct scn_probe_expect *pe,
    const struct obs_probes *p, size_t k, int64_t *value);
bool evaluate_probe_holds(const struct scn_probe_expect *pe, int64_t value);

/*
 * A probe expectation's bound, drawn on its series' plot as a dashed line
 * (green when the check passed, red when it failed): at value, from t_from_ns
 * to t_to_ns. For "growth fds <= 0" the value is the block's first sample
 * plus 0 and the line spans the block; for "peak" the bound itself over the
 * block; for "sockets FIN_WAIT1 = 0 within 20s" the bound from where the
 * scenario reached it. evaluate_probe_bounds() below makes them from
 * verdicts; series.h draws them.
 */
#define SERIES_BOUNDS_MAX 16

struct series_bound {
	size_t series; /* index into obs_probes' series */
	int64_t value;
	uint64_t t_from_ns, t_to_ns;
	bool passed;
	char label[64]; /* "growth fds <= 0" */
};

/*
 * The bounds of cr's probe checks that passed or failed, for the plots
 * (series.h): at most max into out. obs: what cr was evaluated from.
 * Returns how many.
 */
size_t evaluate_probe_bounds(const struct case_obs *obs,
    const struct case_result *cr, struct series_bound *out, size_t max);

/*
 * The pattern for wire expectation steps[step].expects[idx]: direction,
 * flags or payload, retransmission or probe, and the time window, which
 * observe.h defines: from the point's t_from_ns (the start of the step
 * above, or t_ns after wait and wait peer) to its t_ns + D, inclusive.
 *
 * Needs only that point's t_from_ns and t_ns, so the runner can call it on
 * reaching the point. Returns 0, or -1 with errno EINVAL when it is not a
 * wire expectation or there is no such point.
 */
int evaluate_wire_pattern(const struct scenario *sc, const struct case_obs *obs,
    size_t step, size_t idx, struct wire_pattern *pat);

/*
 * Whether the segments captured so far already decide expectation e, so
 * the runner can stop waiting before pat->t_to_ns: "sends" once one
 * matches (a pass), "sends no" once one matches (a failure), "at-least N"
 * once N match.
 */
bool evaluate_wire_settled(const struct scn_expect *e,
    const struct obs_segment *segs, size_t n, const struct wire_pattern *pat);

#endif
