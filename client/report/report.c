/*
 * report.c - the dispatcher to the four report writers (human, TAP,
 * JUnit, JSON), their names, and the helpers the writers share
 * (report_int.h). Verdicts and results are the evaluator's (verdict.c);
 * the words they are written in are words/.
 */
#include "report.h"
#include "report_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration_text.h"

static const struct {
	const char *name;
	enum report_format fmt;
} formats[] = {
	{ "human", REPORT_HUMAN },
	{ "tap", REPORT_TAP },
	{ "junit", REPORT_JUNIT },
	{ "json", REPORT_JSON },
	{ "jsonl", REPORT_JSON },
};

int
report_format_from_name(const char *name, enum report_format *out)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

const char *
report_format_name(enum report_format fmt)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].fmt == fmt)
			return formats[i].name;
	return "?";
}

int
report_write(enum report_format fmt, const struct run_result *run,
    const struct report_options *opts, FILE *fp)
{
	switch (fmt) {
	case REPORT_HUMAN: return report_human(run, opts, fp);
	case REPORT_TAP: return report_tap(run, opts, fp);
	case REPORT_JUNIT: return report_junit(run, opts, fp);
	case REPORT_JSON: return report_json(run, opts, fp);
	}
	errno = EINVAL;
	return -1;
}

size_t
rp_where(const struct verdict *v, char *buf, size_t len)
{
	const char *file = v->pos.file != NULL ? v->pos.file : "?";
	int n;

	if (v->pos.line == 0)
		n = snprintf(buf, len, "%s", file);
	else
		n = snprintf(buf, len, "%s:%" PRIu32, file, v->pos.line);
	return n < 0 ? 0 : (size_t)n;
}

size_t
rp_lab_bound(const struct obs_lab *lab, char *buf, size_t len)
{
	return dur_measured(lab->clock_bound_ns, DUR_VERDICT, buf, len);
}

size_t
rp_lab_system(const struct obs_lab *lab, char *buf, size_t len)
{
	char bound[32];
	int n;

	rp_lab_bound(lab, bound, sizeof(bound));
	n = snprintf(buf, len,
	    "%s, through lingerlab-agent at %s; the wire as "
	    "%s saw it; clocks agree within %s",
	    lab->system, lab->agent, lab->wire, bound);
	return n < 0 ? 0 : (size_t)n;
}

int
rp_finish(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
