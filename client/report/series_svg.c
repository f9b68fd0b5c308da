/*
 * series_svg.c - a probe series as an SVG plot (series.h), made to be read
 * at a glance on a slide: the heading says what is measured and its
 * minimum, maximum and final value; the value axis carries the unit; the
 * time axis the seconds since the case began; each repeat block is shaded,
 * with its iteration count along the top, so "it grew by 50 over 50
 * iterations" is visible without reading numbers; an expectation's bound is
 * a dashed line, green when it held, red when it did not. Texts from
 * outside (the case's name on a sheet) are escaped by esc_put_xml(), so the
 * document is always well-formed.
 */
#include "series.h"
#include "report_int.h"

#include <inttypes.h>
#include <string.h>

#include "escape.h"

#define W	   480
#define H	   210
#define ML	   64 /* the value labels and the unit */
#define MR	   16
#define MT	   40 /* the heading and the iteration scale */
#define MB	   36 /* the time labels and the axis name */
#define PW	   (W - ML - MR)
#define PH	   (H - MT - MB)
#define INSET	   6 /* the line keeps off the axes, a bound on the range shows */
#define SHEET_COLS 2
#define SHEET_HEAD 36

/* One plot's scales. */
struct plot_scales {
	int64_t lo, hi;	     /* the value range shown */
	uint64_t t_lo, t_hi; /* the time range shown */
};

/* What series name counts, for the value axis. */
static const char *
unit(const char *name)
{
	if (strcmp(name, "rss") == 0)
		return "KiB";
	if (strcmp(name, "fds") == 0)
		return "descriptors";
	if (strcmp(name, "threads") == 0)
		return "threads";
	if (strncmp(name, "sockets ", 8) == 0)
		return "sockets";
	return "count";
}

static double
x_of(const struct plot_scales *f, uint64_t t)
{
	if (f->t_hi <= f->t_lo)
		return ML + PW / 2.0;
	if (t < f->t_lo)
		t = f->t_lo;
	return ML + (double)(t - f->t_lo) / (double)(f->t_hi - f->t_lo) * PW;
}

static double
y_of(const struct plot_scales *f, int64_t v)
{
	return (H - MB - INSET) -
	    (double)(v - f->lo) / (double)(f->hi - f->lo) * (PH - 2 * INSET);
}

/* The range of series k and of the bounds on it; never empty, so a flat
 * series is drawn across the middle. */
static void
scales_of(const struct obs_probes *p, size_t k, const struct series_bound *b,
    size_t nb, struct plot_scales *f, int64_t *min, int64_t *max)
{
	size_t i;

	series_range(p, k, min, max);
	if (*max < 0)
		*min = *max = 0;
	f->lo = *min;
	f->hi = *max;
	for (i = 0; i < nb; i++) {
		if (b[i].series != k)
			continue;
		if (b[i].value < f->lo)
			f->lo = b[i].value;
		if (b[i].value > f->hi)
			f->hi = b[i].value;
	}
	if (f->hi == f->lo) {
		f->lo = f->lo > 0 ? f->lo - 1 : 0;
		f->hi = f->lo + 2;
	}
	f->t_lo = p->nsamples > 0 ? p->samples[0].t_ns : 0;
	f->t_hi = p->nsamples > 0 ? p->samples[p->nsamples - 1].t_ns : 0;
}

/* The last known value of series k, -1 when none is. */
static int64_t
final_of(const struct obs_probes *p, size_t k)
{
	size_t i = p->nsamples;

	while (i > 0 && p->samples[i - 1].v[k] < 0)
		i--;
	return i > 0 ? p->samples[i - 1].v[k] : -1;
}

static void
heading(FILE *fp, const struct obs_probes *p, size_t k, int64_t min,
    int64_t max)
{
	fputs("<title>", fp);
	esc_put_xml(fp, p->names[k], false);
	fputs("</title>\n", fp);
	fprintf(fp,
	    "<text x=\"%d\" y=\"16\" font-size=\"14\" font-weight=\"bold\">",
	    ML);
	esc_put_xml(fp, p->names[k], false);
	fprintf(fp,
	    "</text>\n<text x=\"%d\" y=\"16\" font-size=\"12\" text-anchor=\"end\" "
	    "fill=\"#374151\">min %" PRId64 " &#183; max %" PRId64
	    " &#183; final %" PRId64 "</text>\n",
	    W - MR, min, max, final_of(p, k));
}

static void
value_axis(FILE *fp, const struct plot_scales *f, const char *name)
{
	int64_t ticks[3] = { f->lo, f->lo + (f->hi - f->lo) / 2, f->hi };
	size_t i;

	for (i = 0; i < 3; i++) {
		double y = y_of(f, ticks[i]);

		if (i == 1 && (ticks[1] == f->lo || ticks[1] == f->hi))
			continue;
		fprintf(fp,
		    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e7eb\"/>\n"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%" PRId64
		    "</text>\n",
		    ML, y, W - MR, y, ML - 4, y + 4, ticks[i]);
	}
	fprintf(fp,
	    "<text transform=\"translate(14 %d) rotate(-90)\" text-anchor=\"middle\" "
	    "font-size=\"11\" fill=\"#4b5563\">%s</text>\n",
	    MT + PH / 2, unit(name));
	fprintf(fp,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	    ML, MT, ML, H - MB);
}

static void
time_axis(FILE *fp, const struct plot_scales *f)
{
	uint64_t t[3] = { f->t_lo, f->t_lo + (f->t_hi - f->t_lo) / 2, f->t_hi };
	const char *anchor[3] = { "start", "middle", "end" };
	size_t i;

	fprintf(fp,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
	    ML, H - MB, W - MR, H - MB);
	for (i = 0; i < 3; i++) {
		double x = x_of(f, t[i]);

		if (i > 0 && f->t_hi <= f->t_lo)
			break;
		fprintf(fp,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n"
		    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" font-size=\"11\">+%.3f s</text>\n",
		    x, H - MB, x, H - MB + 4, x, H - MB + 15, anchor[i],
		    (double)t[i] / 1e9);
	}
	fprintf(fp,
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
	    "fill=\"#4b5563\">time since the case began</text>\n",
	    ML + PW / 2, H - 6);
}

/* The first sample at or after i of the same block with at least iter done. */
static size_t
at_iteration(const struct obs_probes *p, size_t i, size_t last, uint32_t iter)
{
	while (i < last && p->samples[i].iter < iter)
		i++;
	return i;
}

/*
 * One repeat block, samples first..last: shaded, with its iteration scale
 * along the top. Iterations need not be even in time (K at once, a slow
 * drain), so each mark sits at the sample where that many were done.
 */
static void
block(FILE *fp, const struct obs_probes *p, const struct plot_scales *f,
    size_t first, size_t last)
{
	uint32_t n = p->samples[last].iter;
	uint32_t want[5] = { 0, n / 4, n / 2, n / 4 * 3, n };
	double x0 = x_of(f, p->samples[first].t_ns),
	       x1 = x_of(f, p->samples[last].t_ns);
	double prev = -100;
	size_t i;

	fprintf(fp,
	    "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#eef2ff\"/>\n"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\" fill=\"#4338ca\">"
	    "iteration</text>\n",
	    x0, MT, x1 - x0 > 1 ? x1 - x0 : 1, PH, ML - 8, MT - 5);
	for (i = 0; i < 5; i++) {
		size_t s = at_iteration(p, first, last, want[i]);
		double x = x_of(f, p->samples[s].t_ns);

		/* too close to the last mark, or to the block's end, to read */
		if (x - prev < 30 || (i < 4 && x1 - x < 30))
			continue;
		prev = x;
		fprintf(fp,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#4338ca\"/>"
		    "\n<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" "
		    "fill=\"#4338ca\">%" PRIu32 "</text>\n",
		    x, MT - 3, x, MT, x, MT - 5, p->samples[s].iter);
	}
}

static void
blocks(FILE *fp, const struct obs_probes *p, const struct plot_scales *f)
{
	size_t i = 0, first;

	while (i < p->nsamples) {
		if (p->samples[i].block == 0 ||
		    p->samples[i].kind == OBS_SAMPLE_WAIT ||
		    p->samples[i].kind == OBS_SAMPLE_POINT) {
			i++;
			continue;
		}
		first = i;
		while (i + 1 < p->nsamples &&
		    p->samples[i + 1].block == p->samples[first].block &&
		    p->samples[i + 1].kind != OBS_SAMPLE_WAIT &&
		    p->samples[i + 1].kind != OBS_SAMPLE_POINT)
			i++;
		block(fp, p, f, first, i);
		i++;
	}
}

/* Where a bound's label goes: above its line (below near the top), moved
 * down past the labels already placed so that two bounds close together
 * ("peak >= 900", "peak <= 1000") stay readable. */
static double
label_y(double y, double *placed, size_t *np)
{
	double ly = y < MT + 12 ? y + 11 : y - 3, d;
	size_t j;

	for (j = 0; j < *np; j++) {
		d = placed[j] - ly;
		if (d < 11 && d > -11) {
			ly = placed[j] + 11;
			j = (size_t)-1; /* look again from the first */
		}
	}
	placed[(*np)++] = ly;
	return ly;
}

static void
bounds(FILE *fp, const struct plot_scales *f, size_t k,
    const struct series_bound *b, size_t nb)
{
	double placed[SERIES_BOUNDS_MAX];
	size_t i, np = 0;

	for (i = 0; i < nb && i < SERIES_BOUNDS_MAX; i++) {
		const char *colour = b[i].passed ? "#2e7d32" : "#c62828";
		double x0, x1, y;
		bool right;

		if (b[i].series != k)
			continue;
		x0 = x_of(f, b[i].t_from_ns);
		x1 = x_of(f, b[i].t_to_ns);
		if (x1 - x0 < 40)
			x1 = W -
			    MR; /* a point in time: the bound from there on */
		y = y_of(f, b[i].value);
		/* a line that starts right of the middle is labelled from its
		 * end leftwards, so the label stays inside the plot */
		right = x0 > ML + PW / 2.0;
		fprintf(fp,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"%s\" font-size=\"10\" fill=\"%s\">",
		    x0, y, x1, y, colour, right ? x1 - 2 : x0 + 2,
		    label_y(y, placed, &np), right ? "end" : "start", colour);
		fputs("expect ", fp);
		esc_put_xml(fp, b[i].label, false);
		fprintf(fp, ": %s</text>\n", b[i].passed ? "held" : "FAILED");
	}
}

static void
line(FILE *fp, const struct obs_probes *p, size_t k,
    const struct plot_scales *f)
{
	size_t i, known = 0;
	double x = 0, y = 0;

	fputs(
	    "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"",
	    fp);
	for (i = 0; i < p->nsamples; i++) {
		int64_t v = p->samples[i].v[k];

		if (v < 0)
			continue;
		x = x_of(f, p->samples[i].t_ns);
		y = y_of(f, v);
		fprintf(fp, "%s%.1f,%.1f", known++ > 0 ? " " : "", x, y);
	}
	fputs("\"/>\n", fp);
	if (known > 0)
		fprintf(fp,
		    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1565c0\"/>\n",
		    x, y);
}

/* One plot; at (x, y) inside a sheet when nested. */
static int
plot(FILE *fp, const struct obs_probes *p, size_t k,
    const struct series_bound *b, size_t nb, bool standalone, const int *at)
{
	struct plot_scales f;
	int64_t min, max;

	if (k >= p->nseries)
		return -1;
	scales_of(p, k, b, nb, &f, &min, &max);
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans,Verdana,sans-serif\" "
	    "class=\"series\"",
	    W, H, W, H);
	if (at != NULL)
		fprintf(fp, " x=\"%d\" y=\"%d\"", at[0], at[1]);
	fputs(">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", fp);
	heading(fp, p, k, min, max);
	blocks(fp, p, &f);
	value_axis(fp, &f, p->names[k]);
	time_axis(fp, &f);
	bounds(fp, &f, k, b, nb);
	line(fp, p, k, &f);
	fputs("</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}

int
series_svg_bounded(FILE *fp, const struct obs_probes *p, size_t k,
    const struct series_bound *b, size_t nb, bool standalone)
{
	return plot(fp, p, k, b, nb, standalone, NULL);
}

int
series_svg(FILE *fp, const struct obs_probes *p, size_t k, bool standalone)
{
	return plot(fp, p, k, NULL, 0, standalone, NULL);
}

size_t
series_nshown(const struct obs_probes *p)
{
	size_t k, n = 0;

	for (k = 0; p->nsamples > 0 && k < p->nseries; k++)
		n += series_shown(p, k);
	return n;
}

int
series_svg_shown(FILE *fp, const struct obs_probes *p,
    const struct series_bound *b, size_t nb)
{
	size_t k;

	if (p->nsamples == 0)
		return 0;
	for (k = 0; k < p->nseries; k++)
		if (series_shown(p, k) &&
		    plot(fp, p, k, b, nb, false, NULL) < 0)
			return -1;
	return 0;
}

int
series_svg_sheet(FILE *fp, const struct obs_probes *p, const char *title,
    const struct series_bound *b, size_t nb)
{
	size_t n = series_nshown(p), k, i = 0;
	size_t rows = (n + SHEET_COLS - 1) / SHEET_COLS;
	int sw = SHEET_COLS * W, sh = SHEET_HEAD + (int)rows * H;

	fprintf(fp,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org"
	    "/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"DejaVu "
	    "Sans,Verdana,sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
	    "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">probes of ",
	    sw, sh, sw, sh, ML);
	esc_put_xml(fp, title, false);
	fprintf(fp, " (%zu samples)</text>\n", p->nsamples);
	for (k = 0; n > 0 && k < p->nseries; k++) {
		int at[2];

		if (!series_shown(p, k))
			continue;
		at[0] = (int)(i % SHEET_COLS) * W;
		at[1] = SHEET_HEAD + (int)(i / SHEET_COLS) * H;
		i++;
		if (plot(fp, p, k, b, nb, false, at) < 0)
			return -1;
	}
	fputs("</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}
