/*
 * run_order.h - how many cases run at once, from how long each is
 * expected to take (scn_duration.h). Pure: the unit tests give it the
 * durations. They start longest first (scn_longest_first()): with the
 * long cases started at once, the short ones fill the gaps around them,
 * and the run ends close to its longest case (the LPT rule: within 4/3 of
 * the best possible).
 */
#ifndef LINGERLAB_RUN_ORDER_H
#define LINGERLAB_RUN_ORDER_H

#include <stddef.h>
#include <stdint.h>

/*
 * The job count when --jobs is not given: enough cases at once that the
 * run, longest first, needs about as long as its longest case (the sum of
 * the waits over the longest one, plus one), never more than the cases,
 * and at most cap (RUN_AUTO_JOBS_PER_CPU per CPU, within RUN_MAX_JOBS):
 * the cases mostly wait on timers, but each costs some CPU to build and
 * tear down its sandbox.
 */
unsigned run_auto_jobs(const uint64_t *expected_ns, size_t n, unsigned cap);

/* Cases at once per CPU, at most, when the count is chosen for the user. */
#define RUN_AUTO_JOBS_PER_CPU 12

#endif
