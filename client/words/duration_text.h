/*
 * duration_text.h - durations and times written for people: every
 * spelling the client's texts use, built by one set of rules.
 *
 * Times are uint64_t nanoseconds (common/timeunit.h). A measured time is
 * never written as a round one: "2.015 s", not "2 s", so it cannot be
 * mistaken for what a scenario asked for; what a scenario wrote is given
 * back as written ("1.5 s"). All of them truncate like snprintf and return
 * the length the text would have had.
 */
#ifndef LINGERLAB_DURATION_TEXT_H
#define LINGERLAB_DURATION_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "timeunit.h"

/* How the digits past the last one shown go. */
enum dur_cut {
	DUR_CUT,   /* dropped: a time is never shown later than it was */
	DUR_ROUND, /* to the nearest, as printf's %.Nf rounds */
};

/*
 * ns counted in unit_ns (NS_PER_S, NS_PER_MS ...) with decimals digits
 * after the point, no unit: "2.015" (seconds, 3), "2135.0" (ms, 1).
 * unit_ns must be a multiple of 10^decimals.
 */
size_t dur_decimal(uint64_t ns, uint64_t unit_ns, unsigned decimals,
    enum dur_cut cut, char *buf, size_t len);

/* Seconds with milliseconds, cut: "2.015" (totals, JUnit's time=""). */
size_t dur_seconds(uint64_t ns, char *buf, size_t len);

/* A time from the case's start, cut to the millisecond: "+1.203s". */
size_t dur_offset(uint64_t t_ns, char *buf, size_t len);

/*
 * A measured duration: microseconds below 1 ms, then milliseconds with
 * one decimal, then seconds with three. Each reader has its spelling:
 */
enum dur_style {
	DUR_VERDICT, /* "85 us", "12.3 ms", "2.015 s" (cut): verdicts, diagrams */
	DUR_LIVE,    /* "85us", "12.3ms", "2.015s" (rounded): --live's lines */
	DUR_OBSERVE, /* "85 us", "12.3 ms", "2015.0 ms" (rounded, never in
			   seconds): what `lingerlab observe` reports */
};
size_t dur_measured(uint64_t ns, enum dur_style style, char *buf, size_t len);

/*
 * A duration as a scenario wrote it, for a sentence: "2 s", "150 ms",
 * "1.5 s" (common/units.c's spelling with a space); one that is not a
 * whole number of milliseconds as dur_measured(DUR_VERDICT) writes it.
 */
size_t dur_written(uint64_t ns, char *buf, size_t len);

#endif
