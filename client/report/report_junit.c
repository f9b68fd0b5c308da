/*
 * report_junit.c - JUnit XML, the format CI servers draw tables from: one
 * <testsuite> per case, one <testcase> per expectation; a failed check is a
 * <failure>, one that could not be decided (or was not reached) an <error>,
 * one for another OS <skipped>.
 *
 * Everything from outside (scenario text, the peer's values, OS names) is
 * escaped, and what XML 1.0 cannot hold at all (most control characters,
 * malformed UTF-8) becomes '?', so the document is always well-formed.
 */
#include "report.h"
#include "report_int.h"
#include "series.h"

#include <inttypes.h>
#include <stdio.h>

#include "duration_text.h"
#include "escape.h"
#include "wire_classify.h"

static void
attr(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, " %s=\"", name);
	esc_put_xml(fp, value, true);
	fputc('"', fp);
}

static void
property(FILE *fp, const char *name, const char *value)
{
	if (value[0] == '\0')
		return;
	fprintf(fp, "      <property");
	attr(fp, "name", name);
	attr(fp, "value", value);
	fprintf(fp, "/>\n");
}

static void
text_line(FILE *fp, const char *label, const char *text)
{
	if (text[0] == '\0')
		return;
	esc_put_xml(fp, label, false);
	esc_put_xml(fp, text, false);
	fputc('\n', fp);
}

static void
wire_text(FILE *fp, const struct verdict_wire *w)
{
	char line[192];
	size_t i;

	if (w->nmisses > 0)
		fprintf(fp, "closest segments, and how they differ:\n");
	for (i = 0; i < w->nmisses; i++) {
		wire_format_segment(&w->misses[i].seg, line, sizeof(line));
		text_line(fp, "  ", line);
		text_line(fp, "      ", w->misses[i].diff);
	}
	if (w->more_misses > 0)
		fprintf(fp, "  and %zu more in the window\n", w->more_misses);
	if (w->nexcerpt > 0)
		fprintf(fp, "on the wire around it:\n");
	for (i = 0; i < w->nexcerpt; i++) {
		wire_format_segment(&w->excerpt[i], line, sizeof(line));
		text_line(fp, "  ", line);
	}
}

/* <failure> or <error>: a one-line message, the whole story as text. */
static void
problem(FILE *fp, const char *element, const struct verdict *v)
{
	char where[SCN_TEXT_MAX + 16], msg[2 * VERDICT_TEXT_MAX + 32];

	rp_where(v, where, sizeof(where));
	if (v->kind == VERDICT_FAIL)
		snprintf(msg, sizeof(msg), "expected %s; actual: %s",
		    v->expected, v->actual);
	else
		snprintf(msg, sizeof(msg), "%s",
		    v->note[0] != '\0' ? v->note : v->actual);
	fprintf(fp, "      <%s", element);
	attr(fp, "message", msg);
	attr(fp, "type", verdict_kind_id(v->kind));
	fprintf(fp, ">");
	text_line(fp, "expected: ", v->expected);
	text_line(fp, "actual:   ", v->actual);
	text_line(fp, "note:     ", v->note);
	text_line(fp, "because:  ", v->because);
	text_line(fp, "at:       ", where);
	if (v->wire != NULL)
		wire_text(fp, v->wire);
	fprintf(fp, "</%s>\n", element);
}

static void
testcase(FILE *fp, const struct case_result *cr, const struct verdict *v)
{
	char where[SCN_TEXT_MAX + 16], name[SCN_TEXT_MAX + SCN_TEXT_MAX + 32];

	rp_where(v, where, sizeof(where));
	snprintf(name, sizeof(name), "%s (%s)", v->check, where);
	fprintf(fp, "    <testcase");
	attr(fp, "name", name);
	attr(fp, "classname", cr->name);
	if (v->pos.file != NULL)
		attr(fp, "file", v->pos.file);
	if (v->pos.line > 0)
		fprintf(fp, " line=\"%" PRIu32 "\"", v->pos.line);
	if (v->kind == VERDICT_PASS) {
		fprintf(fp, "/>\n");
		return;
	}
	fprintf(fp, ">\n");
	if (v->kind == VERDICT_NOT_APPLICABLE) {
		fprintf(fp, "      <skipped");
		attr(fp, "message", v->note);
		fprintf(fp, "/>\n");
	} else
		problem(fp, v->kind == VERDICT_FAIL ? "failure" : "error", v);
	fprintf(fp, "    </testcase>\n");
}

/* tests, failures, errors, skipped and time, as every JUnit reader wants them. */
static void
count_attrs(FILE *fp, size_t tests, const size_t *c, uint64_t ns)
{
	char took[32];

	dur_seconds(ns, took, sizeof(took));
	fprintf(fp,
	    " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
	    "time=\"%s\"",
	    tests, c[VERDICT_FAIL], c[VERDICT_ERROR] + c[VERDICT_NOT_REACHED],
	    c[VERDICT_NOT_APPLICABLE], took);
}

/* Lab mode: where the case ran, how it was watched, the clock bound. */
static void
lab_properties(FILE *fp, const struct case_result *cr)
{
	char bound[32];

	if (!cr->lab.on)
		return;
	snprintf(bound, sizeof(bound), "%" PRIu64, cr->lab.clock_bound_ns);
	property(fp, "lab-system", cr->lab.system);
	property(fp, "lab-agent", cr->lab.agent);
	property(fp, "lab-wire", cr->lab.wire);
	property(fp, "lab-clock-bound-ns", bound);
	property(fp, "lab-unchecked", cr->lab_unchecked);
}

static void
testsuite(FILE *fp, const struct case_result *cr)
{
	size_t i;

	fprintf(fp, "  <testsuite");
	attr(fp, "name", cr->name);
	count_attrs(fp, cr->nverdicts, cr->counts, cr->duration_ns);
	fprintf(fp, ">\n");
	/* JUnit's schema wants at least one property inside <properties> */
	if (cr->description[0] != '\0' || cr->os_name[0] != '\0' ||
	    cr->family[0] != '\0' || cr->pcap_path[0] != '\0' || cr->aborted ||
	    cr->lab.on) {
		fprintf(fp, "    <properties>\n");
		property(fp, "description", cr->description);
		property(fp, "os", cr->os_name);
		property(fp, "family", cr->family);
		property(fp, "capture", cr->pcap_path);
		lab_properties(fp, cr);
		if (cr->aborted)
			property(fp, "stopped",
			    cr->abort_reason[0] != '\0' ? cr->abort_reason
							: "no reason given");
		fprintf(fp, "    </properties>\n");
	}
	for (i = 0; i < cr->nverdicts; i++)
		testcase(fp, cr, &cr->verdicts[i]);
	if (cr->probes.nsamples > 0) {
		fprintf(fp, "    <system-out>");
		series_plain(fp, &cr->probes);
		fprintf(fp, "</system-out>\n");
	}
	fprintf(fp, "  </testsuite>\n");
}

int
report_junit(const struct run_result *run, const struct report_options *opts,
    FILE *fp)
{
	size_t i, tests = 0;

	(void)opts;
	for (i = 0; i < run->ncases; i++)
		tests += run->cases[i].nverdicts;
	fprintf(fp,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"lingerlab\"");
	count_attrs(fp, tests, run->counts, run->duration_ns);
	fprintf(fp, ">\n");
	for (i = 0; i < run->ncases; i++)
		testsuite(fp, &run->cases[i]);
	fprintf(fp, "</testsuites>\n");
	return rp_finish(fp);
}
