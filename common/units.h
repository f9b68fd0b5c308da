/*
 * units.h - sizes and durations as people write them: "64KiB", "10 KiB",
 * "1500", "250ms", "2s", "1.5s". Shared by lingerpeer's command line and
 * control protocol and by lingerlab's scenario files.
 */
#ifndef LINGERLAB_UNITS_H
#define LINGERLAB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a byte count: an integer with an optional unit B, KiB, MiB, GiB
 * (also K, M, G and KB, MB, GB as powers of 1000 are rejected with a hint).
 * Returns 0 and sets *out, or -1 with a message in err.
 */
int parse_size(const char *text, uint64_t *out, char *err, size_t errlen);

/*
 * Parse a duration: a number (decimals allowed) with unit ns, us, ms, s, min.
 * A bare number is rejected: units are required so "2" is never ambiguous.
 * Result in nanoseconds.
 */
int parse_duration(const char *text, uint64_t *out_ns, char *err,
    size_t errlen);

/* Format for people: "64KiB", "1500B"; "2s", "250ms", "1.5s". */
size_t format_size(uint64_t bytes, char *buf, size_t len);
size_t format_duration(uint64_t ns, char *buf, size_t len);

#endif
