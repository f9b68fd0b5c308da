/*
 * report_json.c - JSON Lines: one object per case, one case per line, for
 * programs (jq, a dashboard, a diff between two systems' runs).
 *
 * Times are integers in nanoseconds, so nothing is lost to floating point.
 * Strings are escaped per RFC 8259; bytes that are not UTF-8 become U+FFFD,
 * so every line is valid JSON whatever a scenario file contained.
 */
#include "report.h"
#include "report_int.h"
#include "series.h"

#include <inttypes.h>
#include <stdio.h>

#include "escape.h"
#include "segment_text.h"
#include "wire_classify.h"

/* ,"key":"value" (first: no comma) */
static void
kv_str(FILE *fp, bool first, const char *key, const char *value)
{
	fprintf(fp, "%s\"%s\":", first ? "" : ",", key);
	esc_put_quoted(fp, value != NULL ? value : "", ESC_QUOTE_JSON);
}

static void
kv_u64(FILE *fp, const char *key, uint64_t value)
{
	fprintf(fp, ",\"%s\":%" PRIu64, key, value);
}

static void
kv_bool(FILE *fp, const char *key, bool value)
{
	fprintf(fp, ",\"%s\":%s", key, value ? "true" : "false");
}

static void
segment(FILE *fp, const struct obs_segment *s, const char *diff)
{
	char fl[16], line[192];

	tcpf_letters(s->flags, fl, sizeof(fl));
	wire_format_segment(s, line, sizeof(line));
	fprintf(fp, "{\"t_ns\":%" PRIu64, s->t_ns);
	kv_str(fp, false, "from", s->from_client ? "client" : "peer");
	kv_u64(fp, "sport", s->sport);
	kv_u64(fp, "dport", s->dport);
	kv_str(fp, false, "flags", fl);
	kv_u64(fp, "seq", s->seq);
	kv_u64(fp, "ack", s->ack);
	kv_u64(fp, "win", s->window);
	kv_u64(fp, "len", s->len);
	kv_bool(fp, "retransmission", s->retransmission);
	kv_bool(fp, "zero_window_probe", s->zero_window_probe);
	kv_str(fp, false, "text", line);
	if (diff != NULL)
		kv_str(fp, false, "differs", diff);
	fputc('}', fp);
}

static void
wire(FILE *fp, const struct verdict_wire *w)
{
	size_t i;

	fprintf(fp, ",\"wire\":{\"t_from_ns\":%" PRIu64, w->t_from_ns);
	kv_u64(fp, "t_to_ns", w->t_to_ns);
	kv_u64(fp, "around_ns", w->around_ns);
	kv_u64(fp, "more_in_window", w->more_misses);
	kv_u64(fp, "excerpt_first", w->excerpt_first);
	kv_u64(fp, "segments", w->nsegs);
	fprintf(fp, ",\"closest\":[");
	for (i = 0; i < w->nmisses; i++) {
		fprintf(fp, "%s", i > 0 ? "," : "");
		segment(fp, &w->misses[i].seg, w->misses[i].diff);
	}
	fprintf(fp, "],\"excerpt\":[");
	for (i = 0; i < w->nexcerpt; i++) {
		fprintf(fp, "%s", i > 0 ? "," : "");
		segment(fp, &w->excerpt[i], NULL);
	}
	fprintf(fp, "]}");
}

/* ,"os":["linux","freebsd"]: the systems a check is written for (all: none named). */
static void
os_list(FILE *fp, uint32_t mask)
{
	static const struct {
		uint32_t bit;
		const char *id;
	} oses[] = {
		{ SCN_OS_LINUX, "linux" },
		{ SCN_OS_FREEBSD, "freebsd" },
		{ SCN_OS_WINDOWS, "windows" },
	};
	bool first = true;
	size_t i;

	if ((mask & SCN_OS_ALL) == 0)
		mask = SCN_OS_ALL;
	fprintf(fp, ",\"os\":[");
	for (i = 0; i < sizeof(oses) / sizeof(oses[0]); i++) {
		if (!(mask & oses[i].bit))
			continue;
		fprintf(fp, "%s\"%s\"", first ? "" : ",", oses[i].id);
		first = false;
	}
	fputc(']', fp);
}

static void
check(FILE *fp, const struct verdict *v)
{
	kv_str(fp, true, "verdict", verdict_kind_id(v->kind));
	kv_str(fp, false, "file", v->pos.file);
	kv_u64(fp, "line", v->pos.line);
	kv_u64(fp, "col", v->pos.col);
	kv_str(fp, false, "check", v->check);
	os_list(fp, v->os_mask);
	kv_bool(fp, "on_call", v->on_call);
	kv_str(fp, false, "expected", v->expected);
	kv_str(fp, false, "actual", v->actual);
	kv_str(fp, false, "note", v->note);
	kv_str(fp, false, "because", v->because);
	kv_u64(fp, "t_ns", v->t_ns);
	if (v->wire != NULL)
		wire(fp, v->wire);
}

static void
counts(FILE *fp, const size_t *c)
{
	enum verdict_kind k;

	fprintf(fp, ",\"counts\":{");
	for (k = VERDICT_PASS; k < VERDICT_KIND_COUNT; k++)
		fprintf(fp, "%s\"%s\":%zu", k == VERDICT_PASS ? "" : ",",
		    verdict_kind_id(k), c[k]);
	fputc('}', fp);
}

/* Lab mode: where the case ran, how it was watched, the clock bound. */
static void
lab(FILE *fp, const struct case_result *cr)
{
	if (!cr->lab.on)
		return;
	fprintf(fp, ",\"lab\":{");
	kv_str(fp, true, "system", cr->lab.system);
	kv_str(fp, false, "agent", cr->lab.agent);
	kv_str(fp, false, "wire", cr->lab.wire);
	kv_u64(fp, "clock_bound_ns", cr->lab.clock_bound_ns);
	kv_str(fp, false, "unchecked", cr->lab_unchecked);
	fputc('}', fp);
}

static void
one_case(FILE *fp, const struct case_result *cr)
{
	size_t i;

	fputc('{', fp);
	kv_str(fp, true, "case", cr->name);
	kv_str(fp, false, "file", cr->file);
	kv_str(fp, false, "description", cr->description);
	kv_str(fp, false, "os", cr->os_name);
	kv_str(fp, false, "family", cr->family);
	kv_u64(fp, "duration_ns", cr->duration_ns);
	kv_bool(fp, "aborted", cr->aborted);
	kv_str(fp, false, "abort_reason", cr->abort_reason);
	kv_str(fp, false, "capture", cr->pcap_path);
	counts(fp, cr->counts);
	lab(fp, cr);
	series_json(fp, &cr->probes);
	fprintf(fp, ",\"checks\":[");
	for (i = 0; i < cr->nverdicts; i++) {
		fprintf(fp, "%s{", i > 0 ? "," : "");
		check(fp, &cr->verdicts[i]);
		fputc('}', fp);
	}
	fprintf(fp, "]}\n");
}

int
report_json(const struct run_result *run, const struct report_options *opts,
    FILE *fp)
{
	size_t i;

	(void)opts;
	for (i = 0; i < run->ncases; i++)
		one_case(fp, &run->cases[i]);
	return rp_finish(fp);
}
