/*
 * series_svg.c - a probe series as an SVG plot (series.h): value against
 * the case's time, axes with the range and time marked, a title. Readable at
 * a glance, embeddable in HTML (the element alone) or a file of its own.
 */
#include "series.h"

#include <inttypes.h>

#define W 480
#define H 160
#define ML 56		/* room for the value labels */
#define MR 12
#define MT 24		/* room for the title */
#define MB 28		/* room for the time labels */

/* Text with &, < and > escaped (series names are plain, but be safe). */
static void
xml_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '&')
			fputs("&amp;", fp);
		else if (*s == '<')
			fputs("&lt;", fp);
		else if (*s == '>')
			fputs("&gt;", fp);
		else
			fputc(*s, fp);
	}
}

static void
axes(FILE *fp, int64_t lo, int64_t hi, uint64_t t_lo, uint64_t t_hi)
{
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	    ML, H - MB, W - MR, H - MB);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	    ML, MT, ML, H - MB);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">%" PRId64
	    "</text>\n", ML - 4, MT + 4, hi);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">%" PRId64
	    "</text>\n", ML - 4, H - MB, lo);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" font-size=\"11\">+%.3fs</text>\n", ML,
	    H - MB + 16, (double)t_lo / 1e9);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\">+%.3fs"
	    "</text>\n", W - MR, H - MB + 16, (double)t_hi / 1e9);
}

int
series_svg(FILE *fp, const struct obs_probes *p, size_t k, bool standalone)
{
	int64_t lo = INT64_MAX, hi = -1;
	uint64_t t_lo, t_hi;
	size_t i;
	bool first = true;

	if (k >= p->nseries)
		return -1;
	for (i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].v[k];

		if (v >= 0 && v < lo)
			lo = v;
		if (v > hi)
			hi = v;
	}
	if (hi < 0)
		lo = hi = 0;
	t_lo = p->nsamples > 0 ? p->samples[0].t_ns : 0;
	t_hi = p->nsamples > 0 ? p->samples[p->nsamples - 1].t_ns : 0;
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" class=\"series\">\n", W, H, W, H);
	fputs("<title>", fp);
	xml_text(fp, p->names[k]);
	fputs("</title>\n", fp);
	fprintf(fp, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">", ML);
	xml_text(fp, p->names[k]);
	fprintf(fp, " (%zu samples)</text>\n", p->nsamples);
	axes(fp, lo, hi, t_lo, t_hi);
	fputs("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"", fp);
	for (i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].v[k];
		double x, y;

		if (v < 0)
			continue;
		x = ML + (t_hi > t_lo ? (double)(p->samples[i].t_ns - t_lo) / (double)(t_hi - t_lo)
		    : 0.5) * (W - ML - MR);
		y = (H - MB) - (hi > lo ? (double)(v - lo) / (double)(hi - lo) : 0.0) *
		    (H - MB - MT);
		fprintf(fp, "%s%.1f,%.1f", first ? "" : " ", x, y);
		first = false;
	}
	fputs("\"/>\n</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}

int
series_svg_shown(FILE *fp, const struct obs_probes *p)
{
	size_t k;

	if (p->nsamples == 0)
		return 0;
	for (k = 0; k < p->nseries; k++)
		if (series_shown(p, k) && series_svg(fp, p, k, false) < 0)
			return -1;
	return 0;
}
