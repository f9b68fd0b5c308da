/*
 * test_diagram_probes.c - a repeat case's resource probes drawn next to its
 * ladder: the bounds of its probe checks taken from the verdicts, the plots
 * on the HTML page (before the ladder), and the sheet --svg-dir writes.
 * What XML tools must read goes through xmllint when it is installed;
 * without it that part skips, never passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagram.h"
#include "eval_fixture.h"

/*
 * A leak: a repeat block of 40 iterations after which fds grew from 9 to 49;
 * "growth fds <= 0" fails, "peak threads <= 2" holds. The page shows the
 * plots (fds always, threads always) with both bounds, and the sheet is a
 * document of its own.
 */
static struct fx *
leak_case(void)
{
	struct fx *f = fx_new();
	struct scn_expect *e;
	struct obs_sample *s;
	size_t i, st;

	st = fx_step(f, STEP_REPEAT, MS(1), MS(1), 0, NULL);
	f->steps[st].repeat_n = 40;
	f->steps[st].repeat_k = 1;
	fx_step(f, STEP_END, MS(401), MS(401), 0, NULL);
	e = fx_expect(f, EXP_PROBE, SCN_OS_LINUX, "expect growth fds <= 0");
	e->probe = (struct scn_probe_expect){ .mode = SCN_PROBE_GROWTH,
		.series = "fds",
		.op = SOP_LE,
		.value = 0 };
	e = fx_expect(f, EXP_PROBE, SCN_OS_LINUX, "expect peak threads <= 2");
	e->probe = (struct scn_probe_expect){ .mode = SCN_PROBE_PEAK,
		.series = "threads",
		.op = SOP_LE,
		.value = 2 };
	f->obs.probes.nseries = 2;
	snprintf(f->obs.probes.names[0], sizeof(f->obs.probes.names[0]),
	    "threads");
	snprintf(f->obs.probes.names[1], sizeof(f->obs.probes.names[1]), "fds");
	assert_non_null(f->obs.probes.samples = calloc(42, sizeof(*s)));
	for (i = 0; i < 42; i++) {
		s = &f->obs.probes.samples[i];
		s->t_ns = MS(1) + MS(10) * i;
		s->iter = (uint32_t)(i < 41 ? i : 40);
		s->kind = i == 0 ? OBS_SAMPLE_BEFORE
		    : i == 41	 ? OBS_SAMPLE_AFTER
				 : OBS_SAMPLE_ITER;
		s->block = 1;
		s->v[0] = 1;
		s->v[1] = 9 + (int64_t)s->iter;
	}
	f->obs.probes.nsamples = 42;
	return f;
}

static void
test_probe_plots(void **state)
{
	struct fx *f = leak_case();
	struct diagram *dg;
	struct dg_checks ck;
	struct run_result run;
	struct case_result cr;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	(void)state;
	assert_int_equal(evaluate_case(&f->sc, &f->obs, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.counts[VERDICT_FAIL], 1);
	assert_int_equal(cr.counts[VERDICT_PASS], 1);
	dg_checks_count(&f->sc, &cr, &ck);
	assert_non_null(dg = dg_build(&f->obs, &cr, NULL));
	/* the bounds: fds at 9 + 0 over the block, failed; threads at 2, held */
	assert_int_equal(dg->nbounds, 2);
	assert_int_equal(dg->bounds[0].series, 1);
	assert_int_equal(dg->bounds[0].value, 9);
	assert_false(dg->bounds[0].passed);
	assert_string_equal(dg->bounds[0].label, "growth fds <= 0");
	assert_int_equal(dg->bounds[0].t_from_ns, MS(1));
	assert_int_equal(dg->bounds[0].t_to_ns,
	    MS(401)); /* the sample at its point */
	assert_int_equal(dg->bounds[1].series, 0);
	assert_int_equal(dg->bounds[1].value, 2);
	assert_true(dg->bounds[1].passed);
	run_result_init(&run, "Linux 6.1.0");
	assert_int_equal(run_result_add(&run, &cr), 0);
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(dg_html(&run, &ck, &dg, fp), 0);
	assert_int_equal(fclose(fp), 0);
	fx_contains("html", buf,
	    "2 checks, the probe plots, the ladder diagram");
	fx_contains("html", buf, "<h3>resource probes, 42 samples</h3>");
	fx_contains("html", buf, "<div class=\"probes\">");
	fx_contains("html", buf, "<title>fds</title>");
	fx_contains("html", buf, "<title>threads</title>");
	fx_contains("html", buf, "min 9 &#183; max 49 &#183; final 49");
	fx_contains("html", buf, "expect growth fds &lt;= 0: FAILED");
	fx_contains("html", buf, "expect peak threads &lt;= 2: held");
	fx_contains("html", buf, ">descriptors</text>");
	fx_contains("html", buf, ">iteration</text>");
	fx_contains("html", buf, ">40</text>"); /* the block's last iteration */
	/* the plots come before the ladder */
	assert_true(
	    strstr(buf, "class=\"probes\"") < strstr(buf, "id=\"case1-"));
	rc = fx_xml_ok(buf, "");
	free(buf);
	/* the sheet --svg-dir writes: one document, a plot per series */
	buf = NULL;
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(series_svg_sheet(fp, &f->obs.probes, dg->title,
			     dg->bounds, dg->nbounds),
	    0);
	assert_int_equal(fclose(fp), 0);
	fx_contains("sheet", buf, "<?xml version=\"1.0\"");
	fx_contains("sheet", buf,
	    ">probes of t.scn[mode=blocking] (42 samples)</text>");
	fx_contains("sheet", buf, "class=\"series\" x=\"0\" y=\"36\"");
	fx_contains("sheet", buf, "class=\"series\" x=\"480\" y=\"36\"");
	if (rc != -1)
		rc = fx_xml_ok(buf, "");
	free(buf);
	dg_free(dg);
	run_result_free(&run);
	free(f->obs.probes.samples);
	free(f);
	if (rc == -1)
		skip();
	assert_int_equal(rc, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_plots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
