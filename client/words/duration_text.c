/*
 * duration_text.c - durations and times written for people
 * (duration_text.h).
 */
#include "duration_text.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "textbuf.h"
#include "units.h"

static void
put_decimal(struct tbuf *tb, uint64_t ns, uint64_t unit_ns, unsigned decimals,
    enum dur_cut cut)
{
	uint64_t scale = unit_ns;
	unsigned i;

	/*
	 * Rounding goes through a double, as printf's %.Nf did where each
	 * reader wrote its own: the same digits as before in every case.
	 */
	if (cut == DUR_ROUND) {
		tb_printf(tb, "%.*f", (int)decimals,
		    (double)ns / (double)unit_ns);
		return;
	}
	tb_printf(tb, "%" PRIu64, ns / unit_ns);
	if (decimals == 0)
		return;
	for (i = 0; i < decimals; i++)
		scale /= 10;
	tb_printf(tb, ".%0*" PRIu64, (int)decimals, ns % unit_ns / scale);
}

size_t
dur_decimal(uint64_t ns, uint64_t unit_ns, unsigned decimals, enum dur_cut cut,
    char *buf, size_t len)
{
	struct tbuf tb;

	tb_init(&tb, buf, len);
	put_decimal(&tb, ns, unit_ns, decimals, cut);
	return tb.off;
}

size_t
dur_seconds(uint64_t ns, char *buf, size_t len)
{
	return dur_decimal(ns, NS_PER_S, 3, DUR_CUT, buf, len);
}

size_t
dur_offset(uint64_t t_ns, char *buf, size_t len)
{
	struct tbuf tb;

	tb_init(&tb, buf, len);
	tb_printf(&tb, "+");
	put_decimal(&tb, t_ns, NS_PER_S, 3, DUR_CUT);
	tb_printf(&tb, "s");
	return tb.off;
}

static const struct {
	const char *sep; /* between the number and its unit */
	enum dur_cut cut;
	bool seconds; /* from 1 s on, in seconds */
} styles[] = {
	[DUR_VERDICT] = { " ", DUR_CUT, true },
	[DUR_LIVE] = { "", DUR_ROUND, true },
	[DUR_OBSERVE] = { " ", DUR_ROUND, false },
};

size_t
dur_measured(uint64_t ns, enum dur_style style, char *buf, size_t len)
{
	struct tbuf tb;

	if ((size_t)style >= sizeof(styles) / sizeof(styles[0]))
		style = DUR_VERDICT;
	tb_init(&tb, buf, len);
	if (ns < NS_PER_MS) {
		tb_printf(&tb, "%" PRIu64 "%sus", ns / NS_PER_US,
		    styles[style].sep);
	} else if (ns < NS_PER_S || !styles[style].seconds) {
		put_decimal(&tb, ns, NS_PER_MS, 1, styles[style].cut);
		tb_printf(&tb, "%sms", styles[style].sep);
	} else {
		put_decimal(&tb, ns, NS_PER_S, 3, styles[style].cut);
		tb_printf(&tb, "%ss", styles[style].sep);
	}
	return tb.off;
}

size_t
dur_written(uint64_t ns, char *buf, size_t len)
{
	char raw[32];
	size_t i = 0;
	struct tbuf tb;

	if (ns % NS_PER_MS != 0)
		return dur_measured(ns, DUR_VERDICT, buf, len);
	/* units.c writes "1.5s"; a sentence reads better with "1.5 s". */
	format_duration(ns, raw, sizeof(raw));
	while (isdigit((unsigned char)raw[i]) || raw[i] == '.')
		i++;
	tb_init(&tb, buf, len);
	tb_printf(&tb, "%.*s %s", (int)i, raw, raw + i);
	return tb.off;
}
