/*
 * series.h - one probe series (observe.h) drawn for people: a sparkline for
 * the terminal (series_text.c) and an SVG plot (series_svg.c). Pure: values
 * in, text out.
 */
#ifndef LINGERLAB_SERIES_H
#define LINGERLAB_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evaluate.h"
#include "observe.h"

/*
 * Series k of p as a sparkline of at most width cells (samples are grouped
 * to fit, each cell showing its group's largest value), with its minimum and
 * maximum: "fds  ▁▁▁▁▁ 9..9". utf8 false draws with " .:-=+*#%@" instead.
 * Values of -1 (unknown) are skipped. Returns the length written (as snprintf).
 */
size_t series_sparkline(const struct obs_probes *p, size_t k, size_t width,
    bool utf8, char *buf, size_t len);

/* Whether the locale's character set is UTF-8 (LC_ALL, LC_CTYPE, LANG). */
bool series_utf8_locale(void);

/* The smallest and largest known value of series k; *hi is -1 (and *lo
 * INT64_MAX) when no value is known. */
void series_range(const struct obs_probes *p, size_t k, int64_t *lo,
    int64_t *hi);

/* Whether series k ever changed (a flat series is usually not worth showing). */
bool series_varies(const struct obs_probes *p, size_t k);
/* Whether a report shows series k: threads and fds always (a leak shows
 * there), the others when they changed. */
bool series_shown(const struct obs_probes *p, size_t k);

/*
 * Every series of p for machine-readable reports. series_json: the members
 * ,"probes":{"t_ns":[...],"iteration":[...],"series":{"fds":[...],...}}
 * to go inside a JSON object (nothing when there are no samples; -1 is an
 * unknown value). series_plain: one line per series, "fds: 9 9 9", for
 * JUnit's <system-out> (XML-safe: names and numbers only).
 */
void series_json(FILE *fp, const struct obs_probes *p);
void series_plain(FILE *fp, const struct obs_probes *p);

/*
 * Series k of p as an SVG plot a person reads at a glance: the value (in
 * its unit) against the time since the case began, each repeat block shaded
 * with its iteration scale along the top ("iteration 0 ... 1000"), the
 * minimum, maximum and final value in the heading, and the bounds of b[]
 * that are about series k. standalone: a whole document with the XML
 * declaration; else an <svg> element to embed in HTML. Returns 0, or -1
 * when k is not a series or writing failed.
 */
int series_svg(FILE *fp, const struct obs_probes *p, size_t k, bool standalone);
int series_svg_bounded(FILE *fp, const struct obs_probes *p, size_t k,
    const struct series_bound *b, size_t nb, bool standalone);

/* Every series series_shown() picks, as embeddable <svg> elements one after
 * another (for an HTML page); nothing without samples. 0 or -1. */
int series_svg_shown(FILE *fp, const struct obs_probes *p,
    const struct series_bound *b, size_t nb);
/* How many plots series_svg_shown() draws. */
size_t series_nshown(const struct obs_probes *p);

/*
 * The same plots as one SVG document of their own, two to a row under a
 * heading (title: the case's name), sized for a slide: what --svg-dir
 * writes next to a case's ladder. Returns 0, or -1 when writing failed.
 */
int series_svg_sheet(FILE *fp, const struct obs_probes *p, const char *title,
    const struct series_bound *b, size_t nb);

#endif
