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

static inline int64_t
monotime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline uint64_t
monotime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
