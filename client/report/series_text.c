/*
 * series_text.c - a probe series as a terminal sparkline (series.h).
 */
#include "series.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char *const bars_utf8[] = {
	"\xe2\x96\x81",
	"\xe2\x96\x82",
	"\xe2\x96\x83",
	"\xe2\x96\x84",
	"\xe2\x96\x85",
	"\xe2\x96\x86",
	"\xe2\x96\x87",
	"\xe2\x96\x88",
};
static const char bars_ascii[] = "_.:-=+*#";

bool
series_varies(const struct obs_probes *p, size_t k)
{
	int64_t first = -1;
	size_t i;

	for (i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].v[k];

		if (v < 0)
			continue;
		if (first < 0)
			first = v;
		else if (v != first)
			return true;
	}
	return false;
}

bool
series_utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < 3; i++) {
		if ((v = getenv(vars[i])) == NULL || *v == '\0')
			continue;
		return strcasestr(v, "utf-8") != NULL ||
		    strcasestr(v, "utf8") != NULL;
	}
	return false;
}

bool
series_shown(const struct obs_probes *p, size_t k)
{
	return k < p->nseries &&
	    (strcmp(p->names[k], "threads") == 0 ||
		strcmp(p->names[k], "fds") == 0 || series_varies(p, k));
}

void
series_range(const struct obs_probes *p, size_t k, int64_t *lo, int64_t *hi)
{
	size_t i;

	*lo = INT64_MAX;
	*hi = -1;
	for (i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].v[k];

		if (v < 0)
			continue;
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
	}
}

/* Append s at off like snprintf; returns the new off (may exceed len). */
static size_t
app(char *buf, size_t len, size_t off, const char *s)
{
	if (off < len)
		snprintf(buf + off, len - off, "%s", s);
	return off + strlen(s);
}

size_t
series_sparkline(const struct obs_probes *p, size_t k, size_t width, bool utf8,
    char *buf, size_t len)
{
	size_t n = p->nsamples, cells, c, off = 0, from, to, i;
	int64_t lo, hi, best;
	char one[2] = { 0, 0 }, tail[64];

	if (len > 0)
		buf[0] = '\0';
	if (k >= p->nseries || n == 0 || width == 0)
		return 0;
	series_range(p, k, &lo, &hi);
	cells = n < width ? n : width;
	for (c = 0; c < cells; c++) {
		from = c * n / cells;
		to = (c + 1) * n / cells;
		best = -1;
		for (i = from; i < to; i++)
			if (p->samples[i].v[k] > best)
				best = p->samples[i].v[k];
		if (best < 0) {
			off = app(buf, len, off, " "); /* unknown */
			continue;
		}
		/* the level: 0..7 of the range */
		i = hi > lo ? (size_t)((best - lo) * 7 / (hi - lo)) : 0;
		one[0] = bars_ascii[i];
		off = app(buf, len, off, utf8 ? bars_utf8[i] : one);
	}
	snprintf(tail, sizeof(tail), " %" PRId64 "..%" PRId64, hi < 0 ? 0 : lo,
	    hi < 0 ? 0 : hi);
	return app(buf, len, off, tail);
}

void
series_json(FILE *fp, const struct obs_probes *p)
{
	size_t i, k;

	if (p->nsamples == 0)
		return;
	fputs(",\"probes\":{\"t_ns\":[", fp);
	for (i = 0; i < p->nsamples; i++)
		fprintf(fp, "%s%" PRIu64, i > 0 ? "," : "", p->samples[i].t_ns);
	fputs("],\"iteration\":[", fp);
	for (i = 0; i < p->nsamples; i++)
		fprintf(fp, "%s%" PRIu32, i > 0 ? "," : "", p->samples[i].iter);
	fputs("],\"series\":{", fp);
	for (k = 0; k < p->nseries; k++) {
		fprintf(fp, "%s\"%s\":[", k > 0 ? "," : "", p->names[k]);
		for (i = 0; i < p->nsamples; i++)
			fprintf(fp, "%s%" PRId64, i > 0 ? "," : "",
			    p->samples[i].v[k]);
		fputc(']', fp);
	}
	fputs("}}", fp);
}

void
series_plain(FILE *fp, const struct obs_probes *p)
{
	size_t i, k;

	fprintf(fp,
	    "probes, %zu samples; t_ns first, -1 unknown\nt_ns:", p->nsamples);
	for (i = 0; i < p->nsamples; i++)
		fprintf(fp, " %" PRIu64, p->samples[i].t_ns);
	fputc('\n', fp);
	for (k = 0; k < p->nseries; k++) {
		fprintf(fp, "%s:", p->names[k]);
		for (i = 0; i < p->nsamples; i++)
			fprintf(fp, " %" PRId64, p->samples[i].v[k]);
		fputc('\n', fp);
	}
}
