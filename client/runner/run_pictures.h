/*
 * run_pictures.h - the pictures `lingerlab run` draws besides its report
 * (diagram.h): a ladder after each case (--diagram), one SVG file per case
 * (--svg-dir), a summary table of the run (--summary; by default with the
 * human report when there are several cases), one HTML page (--html).
 *
 * This is the part that touches files; the drawing itself is pure
 * (diagram*.c). With a machine-readable --format, the ladders and the
 * summary go to standard error so standard output stays parseable.
 */
#ifndef LINGERLAB_RUN_PICTURES_H
#define LINGERLAB_RUN_PICTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diagram.h"
#include "observe.h"
#include "report.h"
#include "verdict.h"

enum { PIC_SUMMARY_AUTO = -1, PIC_SUMMARY_OFF = 0, PIC_SUMMARY_ON = 1 };

struct pictures {
	/* the options */
	bool diagram;	       /* --diagram */
	int summary;	       /* PIC_SUMMARY_*: --summary, --no-summary */
	const char *svg_dir;   /* --svg-dir, created when missing */
	const char *html_path; /* --html */
	/* set by pictures_start() */
	bool human;	 /* the report on stdout is for people */
	bool colour_out; /* stdout / stderr are terminals, NO_COLOR unset */
	bool colour_err;
	FILE *html; /* opened early, so a bad path fails before the run */
	const struct run_result *run; /* for the summary in the report */
	/* per case, in run_result order */
	struct diagram **dgs;
	struct dg_checks *checks;
	size_t n, cap;
	char **names; /* SVG files written, to keep names unique */
	size_t nnames;
	bool failed; /* a picture could not be written */
};

/* Whether NO_COLOR (https://no-color.org) asks for no colour. */
bool pictures_no_colour(void);

/*
 * Check and prepare the options: create the SVG directory (with its
 * parents), open the HTML file. Returns 0, or -1 after saying why on
 * stderr (an input error: exit status 2).
 */
int pictures_start(struct pictures *p, enum report_format fmt);

/*
 * A case is done and its result is the last one in run: draw what was
 * asked for (the SVG file now, so it survives a run that stops later).
 * obs is the case as observed, valid only during the call.
 */
void pictures_case(struct pictures *p, const struct case_obs *obs,
    const struct run_result *run);

/* Hook the ladders and the summary of run into the human report. */
void pictures_hook(struct pictures *p, struct report_options *ro,
    const struct run_result *run);

/*
 * After the report: the HTML page, and what a machine format sent to
 * stderr. Returns 0, or -1 when a picture could not be written (said on
 * stderr; `lingerlab run` then exits 3).
 */
int pictures_finish(struct pictures *p, const struct run_result *run);

void pictures_free(struct pictures *p);

#endif
