/*
 * timeunit.h - how many nanoseconds a microsecond, a millisecond and a
 * second are: the one definition lingerpeer, lingerlab and the tests share.
 *
 * Every time in this project is a uint64_t count of nanoseconds; these turn
 * it into the units poll(), setsockopt() and people count in, so a
 * conversion reads as what it does (ns / NS_PER_MS) rather than as a count
 * of zeros. They are uint64_t: with a signed operand (a timespec's fields,
 * a difference that may be negative), cast the constant, not the operand.
 */
#ifndef LINGERLAB_TIMEUNIT_H
#define LINGERLAB_TIMEUNIT_H

#include <stdint.h>

#define NS_PER_US UINT64_C(1000)
#define NS_PER_MS UINT64_C(1000000)
#define NS_PER_S  UINT64_C(1000000000)
#define MS_PER_S  UINT64_C(1000)

#endif
