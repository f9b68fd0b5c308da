/*
 * evaluate_int.h - what evaluate.c, evaluate_call.c and evaluate_wire.c
 * share: the words for times, sizes, steps and sockets, so every verdict
 * reads the same way (implemented in report.c, with the other helpers of
 * verdicts), and the call and wire halves of the evaluator.
 */
#ifndef LINGERLAB_EVALUATE_INT_H
#define LINGERLAB_EVALUATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"
#include "verdict.h"

/* A duration as the scenario wrote it: "2 s", "150 ms", "1.5 s", "62.5 ms". */
size_t	ev_span(uint64_t ns, char *buf, size_t len);
/* A measured duration: "2.015 s", "12.3 ms", "85 us". */
size_t	ev_took(uint64_t ns, char *buf, size_t len);
/* A byte count: "10 KiB (10240 bytes)", "1500 bytes". */
size_t	ev_bytes(uint64_t v, char *buf, size_t len);
/* A socket's name, "?" when the index is out of range. */
const char *ev_sock(const struct scenario *sc, int sock);
/* A step as a call: "close(c)", "shutdown(c, SHUT_WR)", "peer rst c". */
size_t	ev_step_label(const struct scenario *sc, const struct scn_step *st,
	    char *buf, size_t len);
/* "FIN", "RST", "data", "anything". */
const char *ev_what(enum scn_wire_what what);
/* The case's point for steps[step].expects[idx], or NULL if not recorded. */
const struct obs_point *ev_point(const struct scenario *sc, const struct case_obs *obs,
	    size_t step, size_t idx);

/* Call bodies (evaluate_call.c): returns, fails, blocks, sends. */
bool	ev_is_call_body(enum scn_expect_kind kind);
/* "close(c) to block about 2 s ± 150 ms"; label is ev_step_label's. */
void	ev_call_expected(const struct scn_step *st, const struct scn_expect *e,
	    const char *label, char *buf, size_t len);
/*
 * Decide a call expectation from the call c made; in a repeat block, from
 * every iteration the runner checked (pt, may be NULL).
 */
void	ev_call(const struct scenario *sc, const struct scn_step *st,
	    const struct scn_expect *e, const struct obs_call *c,
	    const struct obs_point *pt, const char *label, struct verdict *v);

/* "the client sends FIN within 100 ms", before the window is known. */
void	ev_wire_expected(const struct scn_expect *e, char *buf, size_t len);

/*
 * Decide a wire expectation (evaluate_wire.c). v arrives with the check,
 * position and a generic expected text filled in. Returns 0, or -1 with
 * ENOMEM.
 */
int	ev_wire(const struct scenario *sc, const struct case_obs *obs, size_t step,
	    size_t idx, struct verdict *v);

/* Probe expectations (evaluate_probe.c): the expected text, and the verdict. */
void	ev_probe_expected(const struct scn_expect *e, char *buf, size_t len);
void	ev_probe(const struct case_obs *obs, const struct scn_expect *e,
	    const struct obs_point *pt, struct verdict *v);

#endif
