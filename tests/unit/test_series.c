/*
 * test_series.c - a probe series drawn for people: the terminal sparkline
 * (levels, grouping to fit a width, the range, unknown values, the ASCII
 * fallback) and the SVG plot (one point per known sample, in the box, with
 * the title, the unit, min/max/final, a repeat block's iteration scale and
 * the bounds of checks; well-formed XML when xmllint is here).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"
#include "series.h"

static struct obs_probes *
make(size_t n, int64_t (*f)(size_t))
{
	struct obs_probes *p = calloc(1, sizeof(*p));
	size_t i;

	assert_non_null(p);
	p->nseries = 2;
	snprintf(p->names[0], sizeof(p->names[0]), "fds");
	snprintf(p->names[1], sizeof(p->names[1]), "sockets FIN_WAIT1");
	p->samples = calloc(n, sizeof(*p->samples));
	assert_non_null(p->samples);
	for (i = 0; i < n; i++) {
		p->samples[i].t_ns = (uint64_t)i * 1000000u;
		p->samples[i].v[0] = 9;
		p->samples[i].v[1] = f(i);
	}
	p->nsamples = n;
	return p;
}

static void
drop(struct obs_probes *p)
{
	free(p->samples);
	free(p);
}

static int64_t
ramp(size_t i)
{
	return (int64_t)i;
}

static int64_t
hill(size_t i)
{
	return i == 3 ? -1 : i < 8 ? (int64_t)i * 100 : (int64_t)(15 - i) * 100;
}

static void
test_sparkline(void **state)
{
	struct obs_probes *p = make(8, ramp);
	char buf[256];
	size_t n;

	(void)state;
	n = series_sparkline(p, 1, 40, true, buf, sizeof(buf));
	assert_string_equal(buf,
	    "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x83\xe2\x96\x84"
	    "\xe2\x96\x85\xe2\x96\x86\xe2\x96\x87\xe2\x96\x88 0..7");
	assert_int_equal(n, strlen(buf));
	series_sparkline(p, 1, 40, false, buf, sizeof(buf));
	assert_string_equal(buf, "_.:-=+*# 0..7");
	/* a flat series is one level, its range one number twice */
	series_sparkline(p, 0, 40, false, buf, sizeof(buf));
	assert_string_equal(buf, "________ 9..9");
	assert_false(series_varies(p, 0));
	assert_true(series_varies(p, 1));
	/* grouped to 4 cells, each showing its group's largest value */
	series_sparkline(p, 1, 4, false, buf, sizeof(buf));
	assert_string_equal(buf, ".-+# 0..7");
	/* cut short like snprintf, and the length it needed is returned */
	n = series_sparkline(p, 1, 40, false, buf, 5);
	assert_string_equal(buf, "_.:-");
	assert_int_equal(n, strlen("_.:-=+*# 0..7"));
	assert_int_equal(series_sparkline(p, 5, 40, false, buf, sizeof(buf)),
	    0);
	drop(p);

	p = make(16, hill);
	series_sparkline(p, 1, 40, false, buf, sizeof(buf));
	/* the unknown sample shows as a blank; the range skips it */
	assert_int_equal(buf[3], ' ');
	assert_non_null(strstr(buf, " 0..700"));
	drop(p);
}

/*
 * A bound above the data widens the range to show it, is drawn dashed in
 * red when its check failed and labelled; a bound on another series is not
 * drawn here. Samples in a repeat block get its iteration scale.
 */
static void
test_svg_bounded(struct obs_probes *p)
{
	struct series_bound b[2] = {
		{ .series = 1,
		    .value = 800,
		    .t_from_ns = 0,
		    .t_to_ns = 15000000u,
		    .passed = false,
		    .label = "peak sockets FIN_WAIT1 >= 800" },
		{ .series = 0,
		    .value = 5,
		    .label = "fds <= 5",
		    .passed = true },
	};
	char *text = NULL;
	size_t len = 0, i;
	FILE *fp;

	for (i = 0; i < p->nsamples; i++) {
		p->samples[i].block = 1;
		p->samples[i].iter = (uint32_t)i * 10;
		p->samples[i].kind = OBS_SAMPLE_ITER;
	}
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	assert_int_equal(series_svg_bounded(fp, p, 1, b, 2, false), 0);
	fclose(fp);
	assert_non_null(strstr(text, ">800</text>"));
	assert_non_null(strstr(text,
	    "stroke=\"#c62828\" stroke-width=\"1.5\" "
	    "stroke-dasharray"));
	assert_non_null(
	    strstr(text, "expect peak sockets FIN_WAIT1 &gt;= 800: FAILED"));
	assert_null(strstr(text, "fds &lt;= 5"));
	assert_non_null(strstr(text, ">iteration</text>"));
	assert_non_null(strstr(text, ">150</text>")); /* the last iteration */
	free(text);
	for (i = 0; i < p->nsamples; i++)
		p->samples[i].block = 0;
}

static void
test_svg(void **state)
{
	struct obs_probes *p = make(16, hill);
	char *text = NULL, *q;
	size_t len = 0, points = 0;
	FILE *fp;

	(void)state;
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	assert_int_equal(series_svg(fp, p, 1, true), 0);
	fclose(fp);
	assert_true(strncmp(text, "<?xml", 5) == 0);
	assert_non_null(
	    strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(text, "<title>sockets FIN_WAIT1</title>"));
	assert_non_null(strstr(text, ">700</text>"));
	assert_non_null(strstr(text, ">0</text>"));
	assert_non_null(strstr(text, "+0.015 s"));
	assert_non_null(strstr(text, "min 0 &#183; max 700 &#183; final 0"));
	assert_non_null(strstr(text, ">sockets</text>")); /* the unit */
	assert_null(strstr(text, ">iteration</text>"));	  /* no repeat block */
	assert_null(strstr(text, "stroke-dasharray"));	  /* no bound */
	q = strstr(text, "points=\"");
	assert_non_null(q);
	for (q += 8; *q != '"'; q++)
		points += *q == ',';
	assert_int_equal(points, 15); /* 16 samples, one unknown */
	/* xmllint, when the machine has it, must read it as XML */
	assert_int_not_equal(fx_xml_ok(text, ""), 0);
	free(text);
	/* embedded: no XML declaration */
	text = NULL;
	fp = open_memstream(&text, &len);
	assert_int_equal(series_svg(fp, p, 0, false), 0);
	fclose(fp);
	assert_true(strncmp(text, "<svg ", 5) == 0);
	free(text);
	assert_int_equal(series_svg(stdout, p, 9, false), -1);
	test_svg_bounded(p);
	/* fds always, FIN_WAIT1 because it changed: two plots */
	text = NULL;
	fp = open_memstream(&text, &len);
	assert_int_equal(series_svg_shown(fp, p, NULL, 0), 0);
	fclose(fp);
	assert_non_null(strstr(text, "<title>fds</title>"));
	q = strstr(text, "</svg>");
	assert_non_null(q);
	assert_non_null(strstr(q + 1, "</svg>"));
	assert_true(series_shown(p, 0) && series_shown(p, 1));
	free(text);
	drop(p);
}

static void
test_machine(void **state)
{
	struct obs_probes *p = make(3, ramp), none;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	fp = open_memstream(&text, &len);
	series_json(fp, p);
	fclose(fp);
	assert_string_equal(text,
	    ",\"probes\":{\"t_ns\":[0,1000000,2000000],"
	    "\"iteration\":[0,0,0],\"series\":{\"fds\":[9,9,9],"
	    "\"sockets FIN_WAIT1\":[0,1,2]}}");
	free(text);
	text = NULL;
	fp = open_memstream(&text, &len);
	series_plain(fp, p);
	fclose(fp);
	assert_string_equal(text,
	    "probes, 3 samples; t_ns first, -1 unknown\n"
	    "t_ns: 0 1000000 2000000\nfds: 9 9 9\nsockets FIN_WAIT1: 0 1 2\n");
	free(text);
	/* no samples: nothing in the JSON object */
	memset(&none, 0, sizeof(none));
	text = NULL;
	fp = open_memstream(&text, &len);
	series_json(fp, &none);
	fclose(fp);
	assert_string_equal(text, "");
	free(text);
	drop(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
