/*
 * evaluate_int.h - what the evaluator's files share: the call, wire and
 * probe parts of the evaluator (each group below names the file that
 * defines it). Private to client/evaluate/. The words verdicts are written
 * in are public, so the diagrams read the same way: step_words.h (steps,
 * sockets) here, words/ below (durations, sizes).
 */
#ifndef LINGERLAB_EVALUATE_INT_H
#define LINGERLAB_EVALUATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"
#include "step_words.h"
#include "verdict.h"

/*
 * How a verdict's note begins when the check cannot be made on the system
 * under test at all (lab mode: the agent's system does not give what it
 * needs); evaluate_case() counts them for the report.
 */
#define EV_CANNOT_HERE "cannot be checked on this system: "

/* evaluate.c: the case's point for steps[step].expects[idx], or NULL if
 * not recorded. */
const struct obs_point *ev_point(const struct scenario *sc,
    const struct case_obs *obs, size_t step, size_t idx);

/* Call bodies (evaluate_call.c): returns, fails, blocks, sends. */
/* "close(c) to block about 2 s ± 150 ms"; label is ev_step_label's. */
void ev_call_expected(const struct scn_step *st, const struct scn_expect *e,
    const char *label, char *buf, size_t len);
/*
 * Decide a call expectation from the call c made; in a repeat block, from
 * every iteration the runner checked (pt, may be NULL).
 */
void ev_call(const struct scenario *sc, const struct scn_step *st,
    const struct scn_expect *e, const struct obs_call *c,
    const struct obs_point *pt, const char *label, struct verdict *v);

/* evaluate_wire.c: "the client sends FIN within 100 ms", before the
 * window is known. */
void ev_wire_expected(const struct scn_expect *e, char *buf, size_t len);

/*
 * Decide a wire expectation (evaluate_wire.c). v arrives with the check,
 * position and a generic expected text filled in. Returns 0, or -1 with
 * ENOMEM.
 */
int ev_wire(const struct scenario *sc, const struct case_obs *obs, size_t step,
    size_t idx, struct verdict *v);

/* Probe expectations (evaluate_probe.c): the expected text, and the verdict. */
void ev_probe_expected(const struct scn_expect *e, char *buf, size_t len);
void ev_probe(const struct case_obs *obs, const struct scn_expect *e,
    const struct obs_point *pt, struct verdict *v);

#endif
