/*
 * fuzz_units.c - libFuzzer target for sizes and durations as people write
 * them (common/units.c), read from scenario files, lingerpeer's command
 * line and its control protocol.
 *
 * The input is parsed as a size and as a duration; its first eight bytes
 * are also taken as a number to format. Checked properties, beyond no
 * crash and no undefined behaviour:
 *  - a refused text says why, on one line;
 *  - what parses, formatted, parses back to the same value, and every
 *    formatted number parses back to itself (the reports and the
 *    scenario files speak the same units).
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok, const char *what, const char *text)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_units: property violated: %s: '%.300s'\n", what,
	    text);
	abort();
}

static void
size_round_trip(uint64_t v)
{
	char buf[64], err[256];
	uint64_t back = 0;

	require(format_size(v, buf, sizeof(buf)) < sizeof(buf), "size fits",
	    buf);
	require(parse_size(buf, &back, err, sizeof(err)) == 0, "size reparses",
	    buf);
	require(back == v, "size round trip", buf);
}

static void
duration_round_trip(uint64_t v)
{
	char buf[64], err[256];
	uint64_t back = 0;

	require(format_duration(v, buf, sizeof(buf)) < sizeof(buf),
	    "duration fits", buf);
	require(parse_duration(buf, &back, err, sizeof(err)) == 0,
	    "duration reparses", buf);
	require(back == v, "duration round trip", buf);
}

static void
check_refusal(const char *err, const char *text)
{
	require(err[0] != '\0' && strchr(err, '\n') == NULL,
	    "refused without a one-line reason", text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, err[512];
	uint64_t v = 0;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (memchr(text, '\n', size) == NULL) {
		/* Texts with a newline cannot reach these parsers (they come
		 * from lines), and an error quoting one would span two. */
		err[0] = '\0';
		if (parse_size(text, &v, err, sizeof(err)) == 0)
			size_round_trip(v);
		else
			check_refusal(err, text);
		err[0] = '\0';
		if (parse_duration(text, &v, err, sizeof(err)) == 0)
			duration_round_trip(v);
		else
			check_refusal(err, text);
	}
	if (size >= 8) {
		memcpy(&v, data, sizeof(v));
		size_round_trip(v);
		duration_round_trip(v);
	}
	free(text);
	return 0;
}
