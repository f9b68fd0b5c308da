/*
 * monotime.h - CLOCK_MONOTONIC in milliseconds (poll() deadlines) and
 * nanoseconds (measuring how long a call blocked).
 *
 * Monotonic because a deadline must not move when someone sets the wall
 * clock. Header-only: one line of arithmetic is not worth a call.
 */
#ifndef LINGERLAB_MONOTIME_H
#define LINGERLAB_MONOTIME_H

#include <stdint.h>
#include <time.h>

#include "timeunit.h"

static inline int64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * (int64_t)MS_PER_S +
	    ts.tv_nsec / (long)NS_PER_MS;
}

static inline uint64_t
monotime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

#endif
