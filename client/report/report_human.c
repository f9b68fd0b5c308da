/*
 * report_human.c - the report a person reads at a terminal: every case,
 * every check with its verdict, what was expected and what happened, and
 * for a wire check that failed the segments that came closest and the
 * exchange around it. Ends with the totals, once in words and once in the
 * plain "N passed, M failed" form scripts look for.
 */
#include "report.h"
#include "report_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration_text.h"
#include "escape.h"
#include "series.h"
#include "wire_classify.h"

#define INDENT "                " /* lines under a check: under its location */

struct human {
	FILE *fp;
	bool colour;
	bool verbose;
};

static const char *
colour_of(enum verdict_kind kind)
{
	switch (kind) {
	case VERDICT_PASS: return "\033[32m";
	case VERDICT_FAIL: return "\033[31m";
	case VERDICT_NOT_APPLICABLE: return "\033[33m";
	case VERDICT_NOT_REACHED: return "\033[35m";
	case VERDICT_ERROR:
	case VERDICT_KIND_COUNT: break;
	}
	return "\033[1;31m";
}

/*
 * Text from scenario files and the peer goes to a terminal: control
 * characters become '?', so a stray escape cannot repaint the screen.
 */
static void
put_text(struct human *h, const char *s)
{
	esc_put_terminal(h->fp, s);
}

static void
put_verdict_word(struct human *h, enum verdict_kind kind)
{
	if (h->colour)
		fprintf(h->fp, "%s%-12s\033[0m", colour_of(kind),
		    verdict_kind_name(kind));
	else
		fprintf(h->fp, "%-12s", verdict_kind_name(kind));
}

static void
labelled(struct human *h, const char *label, const char *text)
{
	if (text[0] == '\0')
		return;
	fprintf(h->fp, INDENT "%s", label);
	put_text(h, text);
	fputc('\n', h->fp);
}

static void
segment_line(struct human *h, const char *mark, const struct obs_segment *s)
{
	char line[192];

	wire_format_segment(s, line, sizeof(line));
	fprintf(h->fp, INDENT "  %s %s\n", mark, line);
}

static void
wire_detail(struct human *h, const struct verdict_wire *w)
{
	char around[32];
	size_t i;

	if (w->nmisses > 0)
		fprintf(h->fp,
		    INDENT "closest segments, and how they differ:\n");
	for (i = 0; i < w->nmisses; i++) {
		segment_line(h, " ", &w->misses[i].seg);
		fprintf(h->fp, INDENT "      ");
		put_text(h, w->misses[i].diff);
		fputc('\n', h->fp);
	}
	if (w->more_misses > 0)
		fprintf(h->fp, INDENT "    and %zu more in the window\n",
		    w->more_misses);
	dur_offset(w->around_ns, around, sizeof(around));
	if (w->nexcerpt == 0) {
		fprintf(h->fp,
		    INDENT "no segments were captured in the case\n");
		return;
	}
	fprintf(h->fp,
	    INDENT "on the wire around %s (segments %zu to %zu of %zu; "
		   "* in the window):\n",
	    around, w->excerpt_first + 1, w->excerpt_first + w->nexcerpt,
	    w->nsegs);
	for (i = 0; i < w->nexcerpt; i++)
		segment_line(h,
		    w->excerpt[i].t_ns >= w->t_from_ns &&
			    w->excerpt[i].t_ns <= w->t_to_ns
			? "*"
			: " ",
		    &w->excerpt[i]);
}

static void
check(struct human *h, const struct verdict *v)
{
	char where[SCN_TEXT_MAX + 16], at[32];

	rp_where(v, where, sizeof(where));
	fprintf(h->fp, "   ");
	put_verdict_word(h, v->kind);
	fprintf(h->fp, " ");
	put_text(h, where);
	fprintf(h->fp, "  ");
	put_text(h, v->check);
	if (h->verbose && v->kind != VERDICT_NOT_APPLICABLE &&
	    v->kind != VERDICT_NOT_REACHED) {
		dur_offset(v->t_ns, at, sizeof(at));
		fprintf(h->fp, "  [%s]", at);
	}
	fputc('\n', h->fp);
	labelled(h, "expected: ", v->expected);
	if (v->kind != VERDICT_NOT_APPLICABLE)
		labelled(h, "actual:   ", v->actual);
	labelled(h,
	    v->kind == VERDICT_NOT_APPLICABLE ? "" : "note:     ", v->note);
	if (h->verbose || v->kind == VERDICT_FAIL)
		labelled(h, "because:  ",
		    v->kind == VERDICT_NOT_APPLICABLE ? "" : v->because);
	if (v->wire != NULL)
		wire_detail(h, v->wire);
}

/* "3 passed, 1 failed, 2 not applicable", then the rarer kinds if any. */
static void
counts_words(struct human *h, const size_t *c)
{
	size_t failed =
	    c[VERDICT_FAIL] + c[VERDICT_NOT_REACHED] + c[VERDICT_ERROR];

	fprintf(h->fp, "%zu passed, %zu failed, %zu not applicable",
	    c[VERDICT_PASS], failed, c[VERDICT_NOT_APPLICABLE]);
	if (c[VERDICT_NOT_REACHED] > 0 || c[VERDICT_ERROR] > 0)
		fprintf(h->fp, " (of the failed: %zu not reached, %zu error%s)",
		    c[VERDICT_NOT_REACHED], c[VERDICT_ERROR],
		    c[VERDICT_ERROR] == 1 ? "" : "s");
}

/* The probes, one sparkline each, for the series series_shown() picks. */
static void
probe_charts(struct human *h, const struct obs_probes *p)
{
	char line[1024];
	size_t k;

	if (p->nsamples == 0)
		return;
	fprintf(h->fp, "   probes, %zu samples (min..max):\n", p->nsamples);
	for (k = 0; k < p->nseries; k++) {
		if (!series_shown(p, k))
			continue;
		series_sparkline(p, k, 60, series_utf8_locale(), line,
		    sizeof(line));
		fprintf(h->fp, "%s%-26s %s\n", INDENT, p->names[k], line);
	}
}

static void
one_case(struct human *h, const struct case_result *cr)
{
	char took[32];
	size_t i;

	dur_seconds(cr->duration_ns, took, sizeof(took));
	fprintf(h->fp, "== ");
	put_text(h, cr->name);
	fprintf(h->fp, "  (%s s)\n", took);
	if (cr->description[0] != '\0') {
		fprintf(h->fp, "   ");
		put_text(h, cr->description);
		fputc('\n', h->fp);
	}
	if (cr->lab.on) {
		rp_lab_bound(&cr->lab, took, sizeof(took));
		fprintf(h->fp,
		    "   lab: clocks agree within %s (wire windows widened "
		    "by it)\n",
		    took);
	}
	if (cr->lab_unchecked[0] != '\0') {
		fprintf(h->fp, "   lab: ");
		put_text(h, cr->lab_unchecked);
		fputc('\n', h->fp);
	}
	if (cr->aborted) {
		fprintf(h->fp, "   stopped early: ");
		put_text(h,
		    cr->abort_reason[0] != '\0' ? cr->abort_reason
						: "no reason given");
		fputc('\n', h->fp);
	}
	if (cr->pcap_path[0] != '\0' &&
	    (h->verbose ||
		cr->counts[VERDICT_PASS] + cr->counts[VERDICT_NOT_APPLICABLE] <
		    cr->nverdicts)) {
		fprintf(h->fp, "   capture: ");
		put_text(h, cr->pcap_path);
		fputc('\n', h->fp);
	}
	if (cr->nverdicts == 0)
		fprintf(h->fp, "   (no expectations)\n");
	for (i = 0; i < cr->nverdicts; i++)
		check(h, &cr->verdicts[i]);
	probe_charts(h, &cr->probes);
	fprintf(h->fp, "   ");
	counts_words(h, cr->counts);
	fprintf(h->fp, "\n\n");
}

int
report_human(const struct run_result *run, const struct report_options *opts,
    FILE *fp)
{
	struct human h = { .fp = fp };
	size_t i, failed = run_result_failures(run);
	char took[32];

	if (opts != NULL) {
		h.colour = opts->colour;
		h.verbose = opts->verbose;
	}
	fprintf(fp, "lingerlab: %zu case%s on ", run->ncases,
	    run->ncases == 1 ? "" : "s");
	if (run->lab.on) {
		char lab[512];

		rp_lab_system(&run->lab, lab, sizeof(lab));
		put_text(&h, lab);
	} else
		put_text(&h,
		    run->os_name[0] != '\0' ? run->os_name
					    : "an unknown system");
	fprintf(fp, "\n\n");
	for (i = 0; i < run->ncases; i++) {
		one_case(&h, &run->cases[i]);
		if (opts != NULL && opts->after_case != NULL)
			opts->after_case(i, fp, opts->hook_arg);
	}
	if (opts != NULL && opts->before_totals != NULL)
		opts->before_totals(fp, opts->hook_arg);
	dur_seconds(run->duration_ns, took, sizeof(took));
	if (h.colour)
		fputs(failed > 0 ? "\033[1;31m" : "\033[1;32m", fp);
	counts_words(&h, run->counts);
	fprintf(fp, " in %zu case%s, %s s", run->ncases,
	    run->ncases == 1 ? "" : "s", took);
	if (h.colour)
		fputs("\033[0m", fp);
	/* the plain form, alone on its line, for scripts */
	fprintf(fp, "\n%zu passed, %zu failed\n", run->counts[VERDICT_PASS],
	    failed);
	return rp_finish(fp);
}
