/*
 * diagram_html.c - a run as one self-contained web page: the summary table
 * (diagram_summary.c's columns), and below each case's row its checks, the
 * ones that did not pass in full (expected, actual, why, the segments that
 * came closest), a plot of each resource probe it sampled
 * (series_svg_shown(), with the bounds of its probe checks drawn in), and
 * its ladder diagram as inline SVG. A case that failed is highlighted and
 * opened; the others are a click away.
 *
 * The page is well-formed XHTML (polyglot: browsers read it as HTML, XML
 * tools as XML), with no scripts and nothing fetched. Every text from
 * outside is escaped (esc_put_xml).
 */
#include "diagram.h"
#include "report_int.h"

#include <string.h>

#include "duration_text.h"
#include "escape.h"
#include "wire_classify.h"

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px;color:#111}\n"
    "h1{font-size:22px;margin:0 0 4px}\n"
    ".totals{color:#374151;margin:0 0 16px}\n"
    "table.summary{border-collapse:collapse;width:100%}\n"
    "table.summary th{text-align:left;border-bottom:2px solid #9ca3af;padding:6px 8px}\n"
    "table.summary td{padding:5px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}\n"
    "td.pass{color:#166534}\n"
    "td.fail{color:#fff;background:#c0392b;font-weight:bold}\n"
    "td.na,td.none{color:#9ca3af}\n"
    "tr.case.failed td.name{border-left:6px solid #c0392b}\n"
    "tr.case.passed td.name{border-left:6px solid #2e8540}\n"
    ".desc{color:#4b5563;font-size:13px}\n"
    "tr.detail>td{background:#f9fafb;border-bottom:2px solid #d1d5db}\n"
    "summary{cursor:pointer;color:#1f6fb5}\n"
    "ul.checks{list-style:none;padding:0;margin:8px 0}\n"
    "ul.checks li{margin:3px 0}\n"
    ".v{display:inline-block;min-width:7em;font-weight:bold}\n"
    "li.pass .v{color:#166534} li.na .v{color:#9ca3af} li.na{color:#6b7280}\n"
    "li.fail .v{color:#c0392b} li.fail{background:#fde8e8;padding:4px}\n"
    "dl{margin:4px 0 4px 7em;font-size:14px} dt{float:left;width:6em;color:#6b7280}\n"
    "dd{margin-left:6em}\n"
    "pre{font-size:12px;margin:4px 0 4px 7em;white-space:pre-wrap}\n"
    ".svg{overflow-x:auto} .svg svg{max-width:100%;height:auto}\n"
    "h3{font-size:15px;margin:12px 0 4px}\n"
    ".probes{display:flex;flex-wrap:wrap;gap:8px}\n"
    ".probes svg{border:1px solid #e5e7eb;max-width:100%;height:auto}\n";

static void
put(FILE *fp, const char *s)
{
	esc_put_xml(fp, s, false);
}

static size_t
failed_of(const size_t *c)
{
	return c[VERDICT_FAIL] + c[VERDICT_NOT_REACHED] + c[VERDICT_ERROR];
}

static void
cell(FILE *fp, const size_t *n)
{
	size_t c = n[VERDICT_PASS] + failed_of(n);

	if (c > 0 && c == n[VERDICT_PASS])
		fprintf(fp, "<td class=\"pass\">%zu/%zu</td>", n[VERDICT_PASS],
		    c);
	else if (c > 0)
		fprintf(fp, "<td class=\"fail\">%zu/%zu failed</td>",
		    c - n[VERDICT_PASS], c);
	else if (n[VERDICT_NOT_APPLICABLE] > 0)
		fprintf(fp, "<td class=\"na\">n/a</td>");
	else
		fprintf(fp, "<td class=\"none\">&#8211;</td>");
}

static void
labelled(FILE *fp, const char *label, const char *text)
{
	if (text[0] == '\0')
		return;
	fprintf(fp, "<dt>%s</dt><dd>", label);
	put(fp, text);
	fputs("</dd>", fp);
}

static void
wire_detail(FILE *fp, const struct verdict_wire *w)
{
	char line[192];
	size_t i;

	if (w->nmisses == 0)
		return;
	fputs("<pre>closest segments, and how they differ:\n", fp);
	for (i = 0; i < w->nmisses; i++) {
		wire_format_segment(&w->misses[i].seg, line, sizeof(line));
		fputs("  ", fp);
		put(fp, line);
		fputs("\n      ", fp);
		put(fp, w->misses[i].diff);
		fputc('\n', fp);
	}
	if (w->more_misses > 0)
		fprintf(fp, "  and %zu more in the window\n", w->more_misses);
	fputs("</pre>", fp);
}

static void
check(FILE *fp, const struct verdict *v)
{
	static const char *cls[VERDICT_KIND_COUNT] = {
		[VERDICT_PASS] = "pass",
		[VERDICT_FAIL] = "fail",
		[VERDICT_NOT_APPLICABLE] = "na",
		[VERDICT_NOT_REACHED] = "fail",
		[VERDICT_ERROR] = "fail",
	};
	char where[SCN_TEXT_MAX + 16];
	bool bad = v->kind != VERDICT_PASS && v->kind != VERDICT_NOT_APPLICABLE;

	rp_where(v, where, sizeof(where));
	fprintf(fp, "<li class=\"%s\"><span class=\"v\">%s</span> ",
	    (size_t)v->kind < VERDICT_KIND_COUNT ? cls[v->kind] : "fail",
	    verdict_kind_name(v->kind));
	put(fp, where);
	fputs(" &#160; ", fp);
	put(fp, v->check);
	if (bad) {
		fputs("<dl>", fp);
		labelled(fp, "expected", v->expected);
		labelled(fp, "actual", v->actual);
		labelled(fp, "note", v->note);
		labelled(fp, "because", v->because);
		fputs("</dl>", fp);
		if (v->wire != NULL)
			wire_detail(fp, v->wire);
	}
	fputs("</li>\n", fp);
}

static void
case_row(FILE *fp, size_t i, const struct case_result *cr,
    const struct dg_checks *ck, size_t ncols)
{
	bool failed = failed_of(cr->counts) > 0 || cr->aborted;
	size_t k, na = 0, col;
	char took[32];

	fprintf(fp,
	    "<tr class=\"case %s\" id=\"case-%zu\"><td class=\"name\">"
	    "<a href=\"#detail-%zu\">",
	    failed ? "failed" : "passed", i + 1, i + 1);
	put(fp, cr->name);
	fputs("</a><div class=\"desc\">", fp);
	put(fp, cr->description);
	fputs("</div></td>", fp);
	for (col = 0; col < ncols; col++)
		cell(fp, ck->n[col]);
	for (k = 0; k < DG_COL_COUNT; k++)
		na += ck->n[k][VERDICT_NOT_APPLICABLE];
	dur_seconds(cr->duration_ns, took, sizeof(took));
	fprintf(fp,
	    "<td class=\"na\">%zu</td><td class=\"%s\">%s</td><td>%s&#160;s</td>"
	    "</tr>\n",
	    na, failed ? "fail" : "pass",
	    cr->aborted	 ? "STOPPED"
		: failed ? "FAIL"
			 : "PASS",
	    took);
}

/* The case's probes, one plot each, before its ladder (detail_row). */
static int
probe_plots(FILE *fp, const struct case_result *cr, const struct diagram *dg)
{
	size_t n = series_nshown(&cr->probes);

	if (n == 0)
		return 0;
	fprintf(fp,
	    "<h3>resource probes, %zu samples</h3>\n<div class=\"probes\">\n",
	    cr->probes.nsamples);
	if (series_svg_shown(fp, &cr->probes, dg != NULL ? dg->bounds : NULL,
		dg != NULL ? dg->nbounds : 0) == -1)
		return -1;
	fputs("</div>\n", fp);
	return 0;
}

static int
detail_row(FILE *fp, size_t i, const struct case_result *cr,
    const struct diagram *dg, size_t ncols)
{
	bool failed = failed_of(cr->counts) > 0 || cr->aborted;
	size_t k, nplots = series_nshown(&cr->probes);
	char id[32];

	fprintf(fp,
	    "<tr class=\"detail\" id=\"detail-%zu\"><td colspan=\"%d\">"
	    "<details%s><summary>%zu check%s%s%s</summary>\n",
	    i + 1, (int)ncols + 4, failed ? " open=\"open\"" : "",
	    cr->nverdicts, cr->nverdicts == 1 ? "" : "s",
	    nplots > 0 ? ", the probe plots" : "",
	    dg != NULL ? ", the ladder diagram" : "");
	if (cr->aborted) {
		fputs("<p class=\"fail\">stopped early: ", fp);
		put(fp, cr->abort_reason);
		fputs("</p>\n", fp);
	}
	fputs("<ul class=\"checks\">\n", fp);
	for (k = 0; k < cr->nverdicts; k++)
		check(fp, &cr->verdicts[k]);
	fputs("</ul>\n", fp);
	/* the plots before the ladder: a repeat block's ladder runs long, and
	 * what grew is what such a case is about */
	if (probe_plots(fp, cr, dg) == -1)
		return -1;
	if (dg != NULL) {
		fputs("<div class=\"svg\">\n", fp);
		snprintf(id, sizeof(id), "case%zu-", i + 1);
		if (dg_svg(dg, false, id, fp) == -1)
			return -1;
		fputs("</div>\n", fp);
	}
	fputs("</details></td></tr>\n", fp);
	return 0;
}

int
dg_html(const struct run_result *run, const struct dg_checks *checks,
    struct diagram *const *dgs, FILE *fp)
{
	const size_t *c = run->counts;
	size_t i, col, ncols = dg_columns(run, checks);
	char took[32];

	fputs(
	    "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	    "<head><meta charset=\"UTF-8\"/>\n<title>lingerlab: ",
	    fp);
	put(fp, run->os_name);
	fprintf(fp,
	    "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>lingerlab run on ",
	    style);
	put(fp, run->os_name[0] != '\0' ? run->os_name : "an unknown system");
	dur_seconds(run->duration_ns, took, sizeof(took));
	fprintf(fp,
	    "</h1>\n<p class=\"totals\">%zu passed, %zu failed, %zu not applicable "
	    "in %zu case%s, %s&#160;s</p>\n",
	    c[VERDICT_PASS], failed_of(c), c[VERDICT_NOT_APPLICABLE],
	    run->ncases, run->ncases == 1 ? "" : "s", took);
	fputs("<table class=\"summary\">\n<thead><tr><th>case</th>", fp);
	for (col = 0; col < ncols; col++)
		fprintf(fp, "<th>%s</th>", dg_col_name(col));
	fputs(
	    "<th>n/a</th><th>result</th><th>time</th></tr></thead>\n<tbody>\n",
	    fp);
	for (i = 0; i < run->ncases; i++) {
		case_row(fp, i, &run->cases[i], &checks[i], ncols);
		if (detail_row(fp, i, &run->cases[i],
			dgs != NULL ? dgs[i] : NULL, ncols) == -1)
			return -1;
	}
	fputs(
	    "</tbody>\n</table>\n<p class=\"desc\">A cell: checks passed / checks made on "
	    "this system, or how many of them failed; n/a: checks written for another "
	    "system only.</p>\n</body>\n</html>\n",
	    fp);
	return rp_finish(fp);
}
