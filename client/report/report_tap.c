/*
 * report_tap.c - TAP version 13: one test point per expectation, numbered
 * across the whole run, named "CASE: CHECK (FILE:LINE)". A check that did
 * not pass gets a YAML diagnostic block (--- ... ...) with what was
 * expected, what happened and where; one for another OS is "# SKIP".
 *
 * Flat rather than nested subtests: every TAP consumer reads flat test
 * points the same way, while subtest indentation is a later convention.
 * Cases are marked with comment lines.
 *
 * YAML strings are always double-quoted with the escapes TAP::Parser's
 * YAMLish reader knows (\" \\ \n \t \r \xHH), so nothing in a scenario's
 * text can end the block early or change its structure.
 */
#include "report.h"
#include "report_int.h"

#include <inttypes.h>
#include <stdio.h>

#include "duration_text.h"
#include "escape.h"
#include "utf8.h"
#include "wire_classify.h"

/* One character of text, or '?' for bytes that are not UTF-8. */
static size_t
put_utf8(FILE *fp, const unsigned char *p)
{
	size_t n = utf8_seq_len(p);

	if (n == 0) {
		fputc('?', fp);
		return 1;
	}
	fwrite(p, 1, n, fp);
	return n;
}

/* Test point text: one line; "#" would start a directive, so "\#". */
static void
tap_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		if (*p == '#' || *p == '\\')
			fprintf(fp, "\\%c", *p++);
		else if (*p < 0x20 || *p == 0x7f) {
			fputc(' ', fp);
			p++;
		} else
			p += put_utf8(fp, p);
	}
}

static void
yaml_field(FILE *fp, const char *indent, const char *key, const char *value)
{
	if (value[0] == '\0')
		return;
	fprintf(fp, "%s%s: ", indent, key);
	esc_put_quoted(fp, value, ESC_QUOTE_YAML);
	fputc('\n', fp);
}

static void
yaml_segment(FILE *fp, const struct obs_segment *s, const char *why)
{
	char line[192];

	wire_format_segment(s, line, sizeof(line));
	fprintf(fp, "      - ");
	if (why == NULL) {
		esc_put_quoted(fp, line, ESC_QUOTE_YAML);
	} else {
		fprintf(fp, "segment: ");
		esc_put_quoted(fp, line, ESC_QUOTE_YAML);
		fprintf(fp, "\n        differs: ");
		esc_put_quoted(fp, why, ESC_QUOTE_YAML);
	}
	fputc('\n', fp);
}

static void
yaml_wire(FILE *fp, const struct verdict_wire *w)
{
	char from[32], to[32], more[32];
	size_t i;

	dur_offset(w->t_from_ns, from, sizeof(from));
	dur_offset(w->t_to_ns, to, sizeof(to));
	fprintf(fp, "  wire:\n    window: \"%s to %s\"\n", from, to);
	if (w->nmisses > 0)
		fprintf(fp, "    closest:\n");
	for (i = 0; i < w->nmisses; i++)
		yaml_segment(fp, &w->misses[i].seg, w->misses[i].diff);
	if (w->more_misses > 0) {
		snprintf(more, sizeof(more), "%zu", w->more_misses);
		yaml_field(fp, "    ", "more_in_window", more);
	}
	if (w->nexcerpt > 0)
		fprintf(fp, "    excerpt:\n");
	for (i = 0; i < w->nexcerpt; i++)
		yaml_segment(fp, &w->excerpt[i], NULL);
}

static void
diagnostics(FILE *fp, const struct case_result *cr, const struct verdict *v)
{
	char where[SCN_TEXT_MAX + 16];

	rp_where(v, where, sizeof(where));
	fprintf(fp, "  ---\n");
	fprintf(fp, "  verdict: %s\n", verdict_kind_id(v->kind));
	yaml_field(fp, "  ", "case", cr->name);
	yaml_field(fp, "  ", "check", v->check);
	yaml_field(fp, "  ", "expected", v->expected);
	yaml_field(fp, "  ", "actual", v->actual);
	yaml_field(fp, "  ", "note", v->note);
	yaml_field(fp, "  ", "because", v->because);
	yaml_field(fp, "  ", "at", where);
	if (v->pos.file != NULL)
		yaml_field(fp, "  ", "file", v->pos.file);
	if (v->pos.line > 0)
		fprintf(fp, "  line: %" PRIu32 "\n", v->pos.line);
	if (cr->pcap_path[0] != '\0')
		yaml_field(fp, "  ", "capture", cr->pcap_path);
	if (v->wire != NULL)
		yaml_wire(fp, v->wire);
	fprintf(fp, "  ...\n");
}

static void
test_point(FILE *fp, size_t num, const struct case_result *cr,
    const struct verdict *v)
{
	char where[SCN_TEXT_MAX + 16];
	bool ok = v->kind == VERDICT_PASS || v->kind == VERDICT_NOT_APPLICABLE;

	rp_where(v, where, sizeof(where));
	fprintf(fp, "%s %zu - ", ok ? "ok" : "not ok", num);
	tap_text(fp, cr->name);
	fprintf(fp, ": ");
	tap_text(fp, v->check);
	fprintf(fp, " (");
	tap_text(fp, where);
	fprintf(fp, ")");
	if (v->kind == VERDICT_NOT_APPLICABLE) {
		fprintf(fp, " # SKIP ");
		tap_text(fp, v->note);
	}
	fputc('\n', fp);
	if (!ok)
		diagnostics(fp, cr, v);
}

static void
case_comment(FILE *fp, const struct case_result *cr)
{
	char took[32];

	dur_seconds(cr->duration_ns, took, sizeof(took));
	fprintf(fp, "# ");
	tap_text(fp, cr->name);
	if (cr->description[0] != '\0') {
		fprintf(fp, ": ");
		tap_text(fp, cr->description);
	}
	fprintf(fp, " (%s s)\n", took);
	if (cr->lab.on) {
		rp_lab_bound(&cr->lab, took, sizeof(took));
		fprintf(fp, "# lab: clocks agree within %s\n", took);
	}
	if (cr->lab_unchecked[0] != '\0') {
		fprintf(fp, "# lab: ");
		tap_text(fp, cr->lab_unchecked);
		fputc('\n', fp);
	}
}

int
report_tap(const struct run_result *run, const struct report_options *opts,
    FILE *fp)
{
	size_t i, j, total = 0, num = 0;

	(void)opts;
	for (i = 0; i < run->ncases; i++)
		total += run->cases[i].nverdicts;
	fprintf(fp, "TAP version 13\n");
	if (total == 0)
		fprintf(fp, "1..0 # SKIP no expectations to check\n");
	else
		fprintf(fp, "1..%zu\n", total);
	fprintf(fp, "# lingerlab on ");
	if (run->lab.on) {
		char lab[512];

		rp_lab_system(&run->lab, lab, sizeof(lab));
		tap_text(fp, lab);
	} else
		tap_text(fp,
		    run->os_name[0] != '\0' ? run->os_name
					    : "an unknown system");
	fputc('\n', fp);
	for (i = 0; i < run->ncases; i++) {
		case_comment(fp, &run->cases[i]);
		for (j = 0; j < run->cases[i].nverdicts; j++)
			test_point(fp, ++num, &run->cases[i],
			    &run->cases[i].verdicts[j]);
	}
	fprintf(fp, "# %zu passed, %zu failed, %zu not applicable\n",
	    run->counts[VERDICT_PASS], run_result_failures(run),
	    run->counts[VERDICT_NOT_APPLICABLE]);
	return rp_finish(fp);
}
