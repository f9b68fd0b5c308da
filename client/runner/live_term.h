/*
 * live_term.h - `lingerlab run --live` on a terminal or into a pipe: the
 * run_live hooks (run.h) that turn a running case's records into the
 * lines of live_view.h as they arrive.
 *
 * A step's start is held back for a moment: a call that returns at once
 * is one line ("socket c returned 3 after 9us"); one that blocks, or
 * during which a segment or a verdict comes, shows its start ("close c
 * ...") and later its return. On a terminal, a line below a running step
 * ticks (rewritten with \r) with the time it has taken, and for `wait`
 * and `wait peer` the time left; into a pipe or file there is no ticking,
 * only whole lines.
 */
#ifndef LINGERLAB_LIVE_TERM_H
#define LINGERLAB_LIVE_TERM_H

#include <stdbool.h>
#include <stdio.h>

#include "run.h"

struct live_term;

/* Lines to out; ticking only when tty. NULL when out of memory. */
struct live_term *live_term_new(FILE *out, bool tty);
/* The hooks to put in run_opts.live; valid while t is. */
const struct run_live *live_term_hooks(struct live_term *t);
void live_term_free(struct live_term *t);

#endif
