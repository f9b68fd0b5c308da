/*
 * scenario_defaults.h - what a scenario means where it says nothing: the
 * values docs/scenario-language.md promises for a missing timeout, within,
 * SIZE or tolerance.
 *
 * One definition, read by the parser (which fills them in, so that a case
 * arrives complete), the runner and the evaluator (which meet cases built
 * by other means, such as the unit tests', with the field left 0).
 */
#ifndef LINGERLAB_SCENARIO_DEFAULTS_H
#define LINGERLAB_SCENARIO_DEFAULTS_H

#include "timeunit.h"

/* timeout: the whole case, when neither the file nor --timeout gives one. */
#define SCN_DEFAULT_TIMEOUT_NS (60 * NS_PER_S)

/* wait peer SOCK COND...: without `within`. */
#define SCN_DEFAULT_WAIT_PEER_NS (10 * NS_PER_S)

/* recv SOCK: without SIZE. */
#define SCN_DEFAULT_RECV_SIZE (64u * 1024u)

/*
 * blocks about D: without `tolerance`, D +- (50ms + D / 20). Measured:
 * close() with linger 2 s returned after 2.015 s, and a loaded two-core
 * machine adds tens of milliseconds.
 */
#define SCN_ABOUT_TOLERANCE_NS	(50 * NS_PER_MS)
#define SCN_ABOUT_TOLERANCE_DIV 20

#endif
