/*
 * units.c - sizes and durations as people write them.
 *
 * Units are binary for sizes (KiB = 1024) because socket buffers and TCP
 * windows are; "KB" is refused with a hint rather than guessed, since a test
 * that is off by 2.4 % because of a guess is worse than an error.
 */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeunit.h"

struct unit {
	const char *name;
	uint64_t scale;
};

static const struct unit size_units[] = { { "", 1 }, { "B", 1 },
	{ "KiB", 1ull << 10 }, { "MiB", 1ull << 20 }, { "GiB", 1ull << 30 },
	{ NULL, 0 } };

static const struct unit duration_units[] = { { "ns", 1 }, { "us", NS_PER_US },
	{ "ms", NS_PER_MS }, { "s", NS_PER_S }, { "min", 60 * NS_PER_S },
	{ NULL, 0 } };

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const struct unit *
find_unit(const struct unit *units, const char *name)
{
	for (; units->name != NULL; units++)
		if (strcmp(units->name, name) == 0)
			return units;
	return NULL;
}

/*
 * Split "12.5 KiB" into a number and a unit word. The number may have a
 * fraction (durations only); white space between them is allowed.
 */
static int
split_number(const char *text, char *num, size_t numlen, const char **unit)
{
	size_t i = 0;

	while (isspace((unsigned char)*text))
		text++;
	while ((isdigit((unsigned char)text[i]) || text[i] == '.') &&
	    i + 1 < numlen) {
		num[i] = text[i];
		i++;
	}
	num[i] = '\0';
	if (i == 0 || isdigit((unsigned char)text[i]) || text[i] == '.')
		return -1;
	text += i;
	while (isspace((unsigned char)*text))
		text++;
	*unit = text;
	return 0;
}

int
parse_size(const char *text, uint64_t *out, char *err, size_t errlen)
{
	char num[32], *end;
	const char *unitname;
	const struct unit *u;
	unsigned long long v;

	if (split_number(text, num, sizeof(num), &unitname) < 0 ||
	    strchr(num, '.') != NULL) {
		set_err(err, errlen,
		    "'%s' is not a size: write a whole number with an "
		    "optional unit B, KiB, MiB or GiB (for example 64KiB)",
		    text);
		return -1;
	}
	if ((u = find_unit(size_units, unitname)) == NULL) {
		if (strcasecmp(unitname, "KB") == 0 ||
		    strcasecmp(unitname, "MB") == 0 ||
		    strcasecmp(unitname, "GB") == 0 ||
		    strcasecmp(unitname, "K") == 0 ||
		    strcasecmp(unitname, "M") == 0 ||
		    strcasecmp(unitname, "G") == 0)
			set_err(err, errlen,
			    "'%s': sizes are binary here; write KiB, MiB "
			    "or GiB (1 KiB = 1024 bytes)",
			    text);
		else
			set_err(err, errlen,
			    "'%s' has an unknown size unit: use B, KiB, "
			    "MiB or GiB",
			    text);
		return -1;
	}
	errno = 0;
	v = strtoull(num, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT64_MAX / u->scale) {
		set_err(err, errlen, "'%s' is too large a size", text);
		return -1;
	}
	*out = (uint64_t)v * u->scale;
	return 0;
}

/* Whole and fractional parts kept apart so "1.5s" is exact, not a double. */
static int
scale_decimal(const char *num, uint64_t scale, uint64_t *out)
{
	const char *dot = strchr(num, '.');
	uint64_t whole = 0, frac = 0, div = 1;
	const char *p;

	if (dot != NULL && strchr(dot + 1, '.') != NULL)
		return -1;
	for (p = num; *p != '\0' && p != dot; p++) {
		if (whole > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (dot != NULL) {
		for (p = dot + 1; *p != '\0' && div < 1000000000ull; p++) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			div *= 10;
		}
		if (p == dot + 1)
			return -1;
	}
	if (whole > UINT64_MAX / scale)
		return -1;
	/* frac < div, so neither product can overflow (frac * scale could:
	 * 0.999999999min is 6e19), and the sum is checked against the whole. */
	frac = frac * (scale / div) + frac * (scale % div) / div;
	if (whole * scale > UINT64_MAX - frac)
		return -1;
	*out = whole * scale + frac;
	return 0;
}

int
parse_duration(const char *text, uint64_t *out_ns, char *err, size_t errlen)
{
	char num[32];
	const char *unitname;
	const struct unit *u;

	if (split_number(text, num, sizeof(num), &unitname) < 0) {
		set_err(err, errlen,
		    "'%s' is not a duration: write a number with a "
		    "unit ns, us, ms, s or min (for example 250ms or 1.5s)",
		    text);
		return -1;
	}
	if (*unitname == '\0') {
		set_err(err, errlen,
		    "'%s' has no unit: write ms or s (for example "
		    "2s), so the value is never ambiguous",
		    text);
		return -1;
	}
	if ((u = find_unit(duration_units, unitname)) == NULL) {
		set_err(err, errlen,
		    "'%s' has an unknown time unit: use ns, us, ms, "
		    "s or min",
		    text);
		return -1;
	}
	if (scale_decimal(num, u->scale, out_ns) < 0) {
		set_err(err, errlen, "'%s' is not a valid duration", text);
		return -1;
	}
	return 0;
}

size_t
format_size(uint64_t bytes, char *buf, size_t len)
{
	int n;

	if (bytes != 0 && bytes % (1ull << 30) == 0)
		n = snprintf(buf, len, "%" PRIu64 "GiB", bytes >> 30);
	else if (bytes != 0 && bytes % (1ull << 20) == 0)
		n = snprintf(buf, len, "%" PRIu64 "MiB", bytes >> 20);
	else if (bytes != 0 && bytes % (1ull << 10) == 0)
		n = snprintf(buf, len, "%" PRIu64 "KiB", bytes >> 10);
	else
		n = snprintf(buf, len, "%" PRIu64 "B", bytes);
	return n < 0 ? 0 : (size_t)n;
}

/* "1.5s", "1.25s", "1.005s": milliseconds after the point, no trailing zeros. */
static int
format_seconds_ms(uint64_t ns, char *buf, size_t len)
{
	uint64_t ms = ns % NS_PER_S / NS_PER_MS;
	int digits = 3;

	while (ms % 10 == 0) {
		ms /= 10;
		digits--;
	}
	return snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "s", ns / NS_PER_S,
	    digits, ms);
}

size_t
format_duration(uint64_t ns, char *buf, size_t len)
{
	int n;

	if (ns % NS_PER_S == 0)
		n = snprintf(buf, len, "%" PRIu64 "s", ns / NS_PER_S);
	else if (ns >= NS_PER_S && ns % NS_PER_MS == 0)
		n = format_seconds_ms(ns, buf, len);
	else if (ns % NS_PER_MS == 0)
		n = snprintf(buf, len, "%" PRIu64 "ms", ns / NS_PER_MS);
	else if (ns % NS_PER_US == 0)
		n = snprintf(buf, len, "%" PRIu64 "us", ns / NS_PER_US);
	else
		n = snprintf(buf, len, "%" PRIu64 "ns", ns);
	return n < 0 ? 0 : (size_t)n;
}
