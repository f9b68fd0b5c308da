/*
 * eval_fixture.h - scenarios and observations built by hand for the
 * evaluator and report tests, without the parser: one struct holds a case
 * (steps, expectations) and what "happened" (calls, points, segments) in
 * fixed arrays, so a test says only what matters to it.
 *
 * Defaults: file "t.scn", one socket "c", the case ran on Linux, the wire
 * was captured, every call ran, every point was reached, the case took
 * 10 s. Client port 40000, peer port 7000.
 */
#ifndef LINGERLAB_EVAL_FIXTURE_H
#define LINGERLAB_EVAL_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"
#include "observe.h"
#include "scenario.h"
#include "scenario_kinds.h"
#include "timeunit.h"
#include "verdict.h"
#include "wire_classify.h"

#define FX_STEPS   12
#define FX_EXPECTS 8
#define FX_SEGS	   64
#define FX_CPORT   40000
#define FX_PPORT   7000
#define MS(x)	   ((uint64_t)(x)*NS_PER_MS)
#define US(x)	   ((uint64_t)(x)*NS_PER_US)
#define SEC(x)	   ((uint64_t)(x)*NS_PER_S)

struct fx {
	struct scenario sc;
	struct scn_step steps[FX_STEPS];
	struct scn_expect exps[FX_STEPS][FX_EXPECTS];
	struct obs_call calls[FX_STEPS];
	struct obs_point pts[FX_STEPS][FX_EXPECTS];
	struct obs_point *rows[FX_STEPS];
	struct obs_segment segs[FX_SEGS];
	struct case_obs obs;
	uint32_t next_line;
};

static inline struct fx *
fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));
	size_t i;

	if (f == NULL)
		abort();
	f->sc.file = "t.scn";
	snprintf(f->sc.case_name, sizeof(f->sc.case_name),
	    "t.scn[mode=blocking]");
	snprintf(f->sc.description, sizeof(f->sc.description), "a test case");
	snprintf(f->sc.socks[0], sizeof(f->sc.socks[0]), "c");
	f->sc.nsocks = 1;
	f->sc.steps = f->steps;
	for (i = 0; i < FX_STEPS; i++)
		f->rows[i] = f->pts[i];
	f->obs.sc = &f->sc;
	f->obs.os = SCN_OS_LINUX;
	snprintf(f->obs.os_name, sizeof(f->obs.os_name), "Linux 6.1.0");
	f->obs.calls = f->calls;
	f->obs.points = f->rows;
	f->obs.segs = f->segs;
	f->obs.captured = true;
	f->obs.duration_ns = SEC(10);
	f->obs.socks[0].connected = true;
	f->obs.socks[0].lport = FX_CPORT;
	f->obs.socks[0].rport = FX_PPORT;
	f->next_line = 10;
	return f;
}

/* A step on socket c that ran from t0 to t1 and returned ret (errname if < 0). */
static inline size_t
fx_step(struct fx *f, enum scn_step_kind kind, uint64_t t0, uint64_t t1,
    int64_t ret, const char *errname)
{
	size_t i = f->sc.nsteps++;

	if (i >= FX_STEPS)
		abort();
	f->steps[i].kind = kind;
	f->steps[i].sock = 0;
	f->steps[i].sock2 = -1;
	f->steps[i].pos = (struct scn_pos){ "t.scn", f->next_line++, 1 };
	f->steps[i].expects = f->exps[i];
	f->calls[i].ran = true;
	f->calls[i].ret = ret;
	f->calls[i].t_start_ns = t0;
	f->calls[i].t_end_ns = t1;
	if (errname != NULL)
		snprintf(f->calls[i].err_name, sizeof(f->calls[i].err_name),
		    "%s", errname);
	return i;
}

/* An expectation on the last step; its point is reached at the call's end. */
static inline struct scn_expect *
fx_expect(struct fx *f, enum scn_expect_kind kind, uint32_t os,
    const char *text)
{
	size_t s = f->sc.nsteps - 1, j = f->steps[s].nexpects++;
	struct scn_expect *e = &f->exps[s][j];

	if (j >= FX_EXPECTS)
		abort();
	e->kind = kind;
	e->os_mask = os;
	e->pos = (struct scn_pos){ "t.scn", f->next_line++, 5 };
	e->sock = 0;
	e->who = WHO_CLIENT;
	e->attached = scn_expect_is_attached(kind);
	snprintf(e->source_text, sizeof(e->source_text), "%s", text);
	f->pts[s][j].reached = true;
	f->pts[s][j].t_from_ns = f->calls[s].t_start_ns;
	f->pts[s][j].t_ns = f->calls[s].t_end_ns;
	f->pts[s][j].t_done_ns = f->calls[s].t_end_ns;
	return e;
}

/* The point of the last expectation added. */
static inline struct obs_point *
fx_last_point(struct fx *f)
{
	size_t s = f->sc.nsteps - 1;

	return &f->pts[s][f->steps[s].nexpects - 1];
}

static inline struct obs_segment *
fx_seg(struct fx *f, uint64_t t, bool from_client, uint8_t flags, uint32_t seq,
    uint32_t ack, uint16_t win, uint32_t len)
{
	struct obs_segment *s;

	if (f->obs.nsegs >= FX_SEGS)
		abort();
	s = &f->segs[f->obs.nsegs++];
	*s = (struct obs_segment){ .t_ns = t,
		.from_client = from_client,
		.sport = from_client ? FX_CPORT : FX_PPORT,
		.dport = from_client ? FX_PPORT : FX_CPORT,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.window = win,
		.len = len };
	return s;
}

/* Classify the segments as the runner does, then evaluate on os. */
static inline int
fx_eval(struct fx *f, uint32_t os, struct case_result *out)
{
	if (wire_classify(f->segs, f->obs.nsegs) != 0)
		return -1;
	return evaluate_case(&f->sc, &f->obs, os, out);
}

/* Whether xmllint accepts the text as XML (-1: no xmllint here). */
static inline int
fx_xml_ok(const char *text, const char *flags)
{
	char path[] = "/tmp/llxml.XXXXXX", cmd[160];
	int fd, st;
	FILE *fp;

	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		return -1;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	snprintf(cmd, sizeof(cmd), "xmllint %s --noout %s", flags, path);
	st = system(cmd);
	unlink(path);
	return st == 0;
}

/* Fail the test, showing the whole text, unless hay contains needle. */
static inline void
fx_contains(const char *what, const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("%s lacks \"%s\"; it is:\n%s", what, needle, hay);
}

#endif
