/*
 * test_evaluate_wire.c - wire expectations: "sends X within D", "sends no X
 * during D", "sends nothing", "retransmits FIN at-least N", "sends
 * zero-window-probes at-least N"; the window they look in; what a failure
 * lists (the nearest misses, field by field, and the exchange around it);
 * and the pattern and early-stop test the runner shares.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eval_fixture.h"

#define A TCPF_ACK
#define F (TCPF_FIN | TCPF_ACK)
#define R (TCPF_RST | TCPF_ACK)

static struct scn_expect *
wire_expect(struct fx *f, enum scn_expect_kind kind, enum scn_who who,
    enum scn_wire_what what, uint64_t d, const char *text)
{
	struct scn_expect *e = fx_expect(f, kind, SCN_OS_ALL, text);

	e->who = who;
	e->what = what;
	e->duration_ns = d;
	return e;
}

/*
 * close() with SO_LINGER 2: it started at +0.120s, sent its FIN at once
 * and returned at +2.135s. The peer ACKs nothing.
 */
static struct fx *
lingering_close(void)
{
	struct fx *f = fx_new();

	fx_step(f, STEP_CONNECT, MS(10), MS(12), 0, NULL);
	fx_seg(f, MS(10), true, TCPF_SYN, 100, 0, 64240, 0);
	fx_seg(f, MS(11), false, TCPF_SYN | A, 900, 101, 65535, 0);
	fx_seg(f, MS(12), true, A, 101, 901, 502, 0);
	fx_step(f, STEP_CLOSE, MS(120), MS(2135), 0, NULL);
	fx_seg(f, MS(120) + US(50), true, F, 101, 901, 502, 0);
	fx_seg(f, MS(330), true, F, 101, 901, 502, 0);
	fx_seg(f, MS(730), true, F, 101, 901, 502, 0);
	fx_seg(f, MS(1560), true, F, 101, 901, 502, 0);
	return f;
}

static void
test_window_opens_at_the_start_of_the_call(void **state)
{
	struct fx *f = lingering_close();
	struct case_result cr;
	const struct verdict *v;

	(void)state;
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_FIN, MS(100),
	    "expect wire client sends FIN within 100ms");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	v = &cr.verdicts[0];
	assert_int_equal(v->kind, VERDICT_PASS);
	assert_false(v->on_call);
	assert_string_equal(v->expected,
	    "the client sends FIN within 100 ms, between +0.120s "
	    "(close(c) started) and +2.235s (100 ms after this point)");
	assert_string_equal(v->actual,
	    "the client sent a FIN at +0.120s, +0.330s, +0.730s, +1.560s");
	assert_null(v->wire);
	assert_int_equal(v->t_ns, MS(2135));
	case_result_free(&cr);
	free(f);
}

static void
test_sends_fails_with_the_closest_segments(void **state)
{
	struct fx *f = lingering_close();
	struct case_result cr;
	const struct verdict *v;
	const struct verdict_wire *w;

	(void)state;
	fx_seg(f, SEC(3), true, R, 102, 901, 0, 0); /* the RST, late */
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect wire client sends RST within 100ms");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	v = &cr.verdicts[0];
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_string_equal(v->actual,
	    "the client sent no RST from +0.120s to +2.235s");
	assert_non_null(w = v->wire);
	assert_int_equal(w->t_from_ns, MS(120));
	assert_int_equal(w->t_to_ns, MS(2235));
	/* what was wanted, outside the window, first; then in-window near misses */
	assert_true(w->nmisses >= 5);
	assert_string_equal(w->misses[0].diff,
	    "from client, at +3.000s, 0.765s after the window");
	assert_string_equal(w->misses[1].diff,
	    "from client, flags F. but wanted R; at +0.120s");
	assert_int_equal(w->misses[1].seg.t_ns, MS(120) + US(50));
	assert_true(w->misses[2].seg.retransmission);
	assert_int_equal(w->more_misses, 0);
	/* the exchange from the window's start: 3 before, then what follows */
	assert_int_equal(w->around_ns, MS(120));
	assert_int_equal(w->nsegs, 8);
	assert_int_equal(w->excerpt_first, 0);
	assert_int_equal(w->nexcerpt, 8);
	assert_int_equal(w->excerpt[3].t_ns, MS(120) + US(50));
	case_result_free(&cr);
	free(f);
}

static void
test_window_edges_are_inclusive(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_WAIT, SEC(1), SEC(2), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect ... within 100ms");
	fx_last_point(f)->t_from_ns = SEC(2);
	fx_seg(f, SEC(2) + MS(100), true, R, 1, 1, 0, 0);
	fx_step(f, STEP_WAIT, SEC(3), SEC(4), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect ... within 100ms");
	fx_last_point(f)->t_from_ns = SEC(4);
	fx_seg(f, SEC(4) - WIRE_CLOCK_SLACK_NS - 1, true, R, 1, 1, 0, 0);
	fx_seg(f, SEC(4) + MS(100) + 1, true, R, 1, 1, 0, 0);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	fx_contains("expected", cr.verdicts[0].expected,
	    "between +2.000s (this point) and +2.100s");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_int_equal(cr.verdicts[1].wire->nmisses, 2);
	fx_contains("miss", cr.verdicts[1].wire->misses[0].diff,
	    "before the window");
	fx_contains("miss", cr.verdicts[1].wire->misses[1].diff,
	    "after the window");
	case_result_free(&cr);
	free(f);

	/* the kernel stamped the step's own RST just before the step began */
	f = fx_new();
	fx_step(f, STEP_CLOSE, SEC(1), SEC(1) + US(30), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect ... within 100ms");
	fx_last_point(f)->t_from_ns = SEC(1);
	fx_seg(f, SEC(1) - US(400), true, R, 1, 1, 0, 0);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	case_result_free(&cr);
	free(f);
}

/*
 * Lab mode: segments and steps were on two other clocks, each mapped onto
 * the runner's within the case's clock bound. A presence is taken up to
 * the bound either side of its window; an absence is watched the bound
 * longer, from the same start.
 */
static void
test_lab_widens_by_the_clock_bound(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct wire_pattern pat;

	(void)state;
	f->obs.lab.on = true;
	f->obs.lab.clock_bound_ns = US(300);
	fx_step(f, STEP_WAIT, SEC(1), SEC(2), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect ... within 100ms");
	fx_last_point(f)->t_from_ns = SEC(2);
	/* later than the window by less than the bound: in */
	fx_seg(f, SEC(2) + MS(100) + US(250), true, R, 1, 1, 0, 0);
	fx_step(f, STEP_WAIT, SEC(3), SEC(4), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect ... within 100ms");
	fx_last_point(f)->t_from_ns = SEC(4);
	/* earlier than slack and bound together: out */
	fx_seg(f, SEC(4) - WIRE_CLOCK_SLACK_NS - US(301), true, R, 1, 1, 0, 0);
	fx_step(f, STEP_WAIT, SEC(5), SEC(6), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_CLIENT, WIRE_RST, MS(100),
	    "expect wire client sends no RST during 100ms");
	fx_last_point(f)->t_from_ns = SEC(6);
	fx_last_point(f)->t_done_ns = SEC(6) + MS(100) + US(300);
	/* just before the absence's window: not counted, whatever the bound */
	fx_seg(f, SEC(6) - US(10), true, R, 1, 1, 0, 0);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 0, 0, &pat), 0);
	assert_int_equal(pat.t_to_ns, SEC(2) + MS(100) + US(300));
	assert_int_equal(pat.t_slack_ns, WIRE_CLOCK_SLACK_NS + US(300));
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 2, 0, &pat), 0);
	assert_int_equal(pat.t_from_ns, SEC(6));
	assert_int_equal(pat.t_slack_ns, 0);
	assert_int_equal(pat.t_to_ns, SEC(6) + MS(100) + US(300));
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_int_equal(cr.verdicts[2].kind, VERDICT_PASS);
	assert_true(cr.lab.on);
	assert_int_equal(cr.lab.clock_bound_ns, US(300));
	case_result_free(&cr);
	free(f);
}

/* wait 500ms, then: the client must send no RST during the next 500 ms. */
static struct fx *
after_wait(void)
{
	struct fx *f = fx_new();

	fx_step(f, STEP_WAIT, MS(2500), SEC(3), 0, NULL);
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_CLIENT, WIRE_RST, MS(500),
	    "expect wire client sends no RST during 500ms");
	fx_last_point(f)->t_from_ns = SEC(3);
	fx_last_point(f)->t_done_ns = MS(3500);
	fx_seg(f, MS(3100), false, A, 900, 101, 0, 0);
	return f;
}

static void
test_sends_no(void **state)
{
	struct fx *f = after_wait();
	struct case_result cr;
	const struct verdict *v;

	(void)state;
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	v = &cr.verdicts[0];
	assert_int_equal(v->kind, VERDICT_PASS);
	assert_string_equal(v->expected,
	    "the client sends no RST during 500 ms, between "
	    "+3.000s (this point) and +3.500s");
	assert_string_equal(v->actual,
	    "the client sent no RST from +3.000s to +3.500s");
	case_result_free(&cr);

	fx_seg(f, MS(3200), true, R, 101, 901, 0, 0);
	fx_seg(f, MS(3300), true, R, 101, 901, 0, 0);
	fx_seg(f, MS(3600), true, R, 101, 901, 0, 0); /* after: not counted */
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	v = &cr.verdicts[0];
	assert_int_equal(v->kind, VERDICT_FAIL);
	assert_string_equal(v->actual,
	    "the client sent 2 RSTs from +3.000s to +3.500s "
	    "at +3.200s, +3.300s");
	assert_int_equal(v->wire->nmisses, 2);
	assert_string_equal(v->wire->misses[0].diff,
	    "from client, flags R., 0 bytes: not "
	    "wanted here; at +3.200s");
	assert_int_equal(v->wire->around_ns, MS(3200));
	case_result_free(&cr);
	free(f);
}

static void
test_an_absence_needs_the_whole_window(void **state)
{
	struct fx *f = after_wait();
	struct case_result cr;

	(void)state;
	f->obs.duration_ns = MS(3300);
	fx_last_point(f)->t_done_ns = MS(3300);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_ERROR);
	assert_string_equal(cr.verdicts[0].note,
	    "the wire was watched only until +3.300s, "
	    "before the window ended at +3.500s");
	assert_non_null(cr.verdicts[0].wire);
	case_result_free(&cr);

	f->obs.aborted = true;
	snprintf(f->obs.abort_reason, sizeof(f->obs.abort_reason),
	    "case timeout after 3.3s");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_NOT_REACHED);
	assert_string_equal(cr.verdicts[0].note,
	    "the wire was watched only until +3.300s, "
	    "before the window ended at +3.500s: the case stopped");
	case_result_free(&cr);

	/* a violation seen before the watch ended is a failure all the same */
	fx_seg(f, MS(3200), true, R, 101, 901, 0, 0);
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_FAIL);
	case_result_free(&cr);
	free(f);
}

static void
test_sends_nothing_and_data_and_the_peer_side(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;

	(void)state;
	fx_step(f, STEP_SEND, SEC(1), SEC(1) + MS(1), 100, NULL);
	fx_seg(f, SEC(1) + US(100), true, A | TCPF_PSH, 101, 901, 502, 100);
	fx_seg(f, SEC(1) + MS(5), false, A, 901, 201, 0, 0);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_DATA, MS(50),
	    "client sends data");
	wire_expect(f, EXP_WIRE_SENDS, WHO_PEER, WIRE_DATA, MS(50),
	    "peer sends data");
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_PEER, WIRE_ANY, MS(50),
	    "peer sends nothing");
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_CLIENT, WIRE_ANY, MS(50),
	    "client sends nothing");
	fx_step(f, STEP_PEER_FIN, SEC(2), SEC(2) + MS(1), 0, NULL);
	fx_seg(f, SEC(2) + US(300), false, F, 901, 201, 0, 0);
	wire_expect(f, EXP_WIRE_SENDS, WHO_PEER, WIRE_FIN, MS(10),
	    "peer sends FIN");
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_CLIENT, WIRE_DATA, MS(10),
	    "client sends no data");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].actual,
	    "the client sent data at +1.000s");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[1].actual,
	    "the peer sent no data from +1.000s to +1.051s");
	assert_string_equal(cr.verdicts[1].wire->misses[0].diff,
	    "from peer, 0 bytes of payload but wanted some; at +1.005s");
	assert_int_equal(cr.verdicts[2].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[2].expected,
	    "the peer sends nothing during 50 ms, between "
	    "+1.000s (send(c) started) and +1.051s (50 ms after this point)");
	assert_int_equal(cr.verdicts[3].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[3].actual,
	    "the client sent 1 segment from +1.000s "
	    "to +1.051s at +1.000s");
	assert_int_equal(cr.verdicts[4].kind, VERDICT_PASS);
	fx_contains("expected", cr.verdicts[4].expected,
	    "(peer fin c started)");
	assert_int_equal(cr.verdicts[5].kind, VERDICT_PASS);
	case_result_free(&cr);
	free(f);
}

static void
test_retransmits_fin(void **state)
{
	struct fx *f = lingering_close();
	struct case_result cr;
	const struct verdict *v;

	(void)state;
	wire_expect(f, EXP_WIRE_RETRANSMITS, WHO_CLIENT, WIRE_FIN, SEC(5),
	    "expect wire client retransmits FIN at-least 3 within 5s")
	    ->count = 3;
	wire_expect(f, EXP_WIRE_RETRANSMITS, WHO_CLIENT, WIRE_FIN, SEC(5),
	    "expect wire client retransmits FIN at-least 4 within 5s")
	    ->count = 4;
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	v = &cr.verdicts[0];
	assert_int_equal(v->kind, VERDICT_PASS);
	assert_string_equal(v->expected,
	    "the client retransmits FIN at least 3 times within 5 s, "
	    "between +0.120s (close(c) started) and +7.135s (5 s after this point)");
	assert_string_equal(v->actual,
	    "the client retransmitted FIN 3 times from +0.120s to "
	    "+7.135s at +0.330s, +0.730s, +1.560s");
	v = &cr.verdicts[1];
	assert_int_equal(v->kind, VERDICT_FAIL);
	/* the FIN that was not a retransmission is the nearest miss */
	assert_string_equal(v->wire->misses[0].diff,
	    "from client, not a retransmission; at +0.120s");
	case_result_free(&cr);
	free(f);
}

static void
test_zero_window_probes(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	struct scn_expect *e;

	(void)state;
	fx_step(f, STEP_SEND, SEC(1), SEC(1) + MS(1), 1000, NULL);
	fx_seg(f, SEC(1), true, A, 4000, 1, 502, 1000);
	fx_seg(f, SEC(1) + MS(1), false, A, 1, 5000, 0, 0);
	fx_seg(f, SEC(1) + MS(200), true, A, 4999, 1, 502, 0);
	fx_seg(f, SEC(1) + MS(201), false, A, 1, 5000, 0, 0);
	fx_seg(f, SEC(1) + MS(600), true, A, 4999, 1, 502, 0);
	e = wire_expect(f, EXP_WIRE_ZWP, WHO_CLIENT, 0, SEC(1),
	    "zwp at-least 2 within 1s");
	e->count = 2;
	e = wire_expect(f, EXP_WIRE_ZWP, WHO_CLIENT, 0, SEC(1),
	    "zwp at-least 3 within 1s");
	e->count = 3;
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].expected,
	    "the client sends at least 2 zero-window "
	    "probes within 1 s, between +1.000s (send(c) started) and +2.001s (1 s after "
	    "this point)");
	assert_string_equal(cr.verdicts[0].actual,
	    "the client sent 2 zero-window probes from "
	    "+1.000s to +2.001s at +1.200s, +1.600s");
	assert_int_equal(cr.verdicts[1].kind, VERDICT_FAIL);
	assert_string_equal(cr.verdicts[1].wire->misses[0].diff,
	    "from client, not a zero-window probe; at +1.000s");
	case_result_free(&cr);
	free(f);
}

static void
test_no_capture_cannot_decide(void **state)
{
	struct fx *f = lingering_close();
	struct case_result cr;

	(void)state;
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_FIN, MS(100), "...");
	f->obs.captured = false;
	snprintf(f->obs.capture_note, sizeof(f->obs.capture_note),
	    "--peer without --iface");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_ERROR);
	assert_string_equal(cr.verdicts[0].note,
	    "the wire was not captured, so this cannot "
	    "be decided: --peer without --iface");
	case_result_free(&cr);

	/* frames lost: an absence is then less certain, and the verdict says so */
	f->obs.captured = true;
	f->obs.capture_drops = 3;
	f->exps[1][0].kind = EXP_WIRE_SENDS_NO;
	f->exps[1][0].what = WIRE_RST;
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	assert_int_equal(cr.verdicts[0].kind, VERDICT_PASS);
	assert_string_equal(cr.verdicts[0].note,
	    "the capture lost 3 frames in this case, so a "
	    "segment may be missing");
	case_result_free(&cr);
	free(f);
}

static void
test_misses_nearest_first_and_capped(void **state)
{
	struct fx *f = fx_new();
	struct case_result cr;
	const struct verdict_wire *w;
	size_t i;

	(void)state;
	fx_step(f, STEP_CLOSE, SEC(1), SEC(1), 0, NULL);
	for (i = 0; i < 3; i++)
		fx_seg(f, SEC(1) + MS(i), false, A, 900, 101, 500, 0);
	for (i = 0; i < 10; i++)
		fx_seg(f, SEC(1) + MS(10 + i), true, A, 101, 901, 502, 0);
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(100),
	    "client sends RST");
	assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
	w = cr.verdicts[0].wire;
	assert_int_equal(w->nmisses, VERDICT_MISSES_MAX);
	assert_int_equal(w->more_misses, 13 - VERDICT_MISSES_MAX);
	for (i = 0; i < w->nmisses; i++)
		assert_true(
		    w->misses[i].seg.from_client); /* one field off beats two */
	assert_string_equal(w->misses[0].diff,
	    "from client, flags . but wanted R; at +1.010s");
	case_result_free(&cr);
	free(f);
}

static void
test_excerpt_is_centred_and_clipped(void **state)
{
	static const struct {
		uint64_t window_ms;
		size_t first, n;
	} cases[] = {
		{ 1000, 6, 9 },	 /* the middle: 4 either side */
		{ 1950, 11, 9 }, /* past the last: the last 9 */
		{ 0, 0, 9 },	 /* the start: the first 9 */
	};
	struct case_result cr;
	struct fx *f;
	size_t i, k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		f = fx_new();
		fx_step(f, STEP_WAIT, 0, MS(cases[k].window_ms), 0, NULL);
		wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_RST, MS(10),
		    "client sends RST");
		fx_last_point(f)->t_from_ns = MS(cases[k].window_ms);
		for (i = 0; i < 20; i++)
			fx_seg(f, MS(100) * i, i % 2 == 0, A, 1, 1, 100, 0);
		assert_int_equal(fx_eval(f, SCN_OS_LINUX, &cr), 0);
		assert_int_equal(cr.verdicts[0].wire->excerpt_first,
		    cases[k].first);
		assert_int_equal(cr.verdicts[0].wire->nexcerpt, cases[k].n);
		assert_int_equal(cr.verdicts[0].wire->excerpt[0].t_ns,
		    MS(100) * cases[k].first);
		case_result_free(&cr);
		free(f);
	}
}

static void
test_pattern_for_the_runner(void **state)
{
	struct fx *f = lingering_close();
	struct wire_pattern p;
	struct scn_expect *e;

	(void)state;
	wire_expect(f, EXP_WIRE_SENDS, WHO_CLIENT, WIRE_FIN, MS(100), "a");
	wire_expect(f, EXP_WIRE_SENDS_NO, WHO_PEER, WIRE_DATA, MS(500), "b");
	wire_expect(f, EXP_WIRE_RETRANSMITS, WHO_CLIENT, WIRE_FIN, SEC(5), "c")
	    ->count = 3;
	wire_expect(f, EXP_WIRE_ZWP, WHO_CLIENT, 0, SEC(1), "d")->count = 1;
	fx_expect(f, EXP_RETURNS, SCN_OS_ALL, "e");

	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 0, &p), 0);
	assert_int_equal(p.fields, WP_FROM | WP_TIME);
	assert_true(p.from_client);
	assert_int_equal(p.flags_set, TCPF_FIN);
	assert_int_equal(p.t_from_ns, MS(120));
	assert_int_equal(p.t_to_ns, MS(2235));
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 1, &p), 0);
	assert_int_equal(p.fields, WP_FROM | WP_TIME | WP_PAYLOAD);
	assert_false(p.from_client);
	assert_true(p.has_payload);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 2, &p), 0);
	assert_int_equal(p.fields, WP_FROM | WP_TIME | WP_RETX);
	assert_int_equal(p.flags_set, TCPF_FIN);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 3, &p), 0);
	assert_int_equal(p.fields, WP_FROM | WP_TIME | WP_ZWP);
	errno = 0;
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 4, &p), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 7, 0, &p), -1);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 5, &p), -1);

	/* a window said to open after its point opens at the point */
	f->pts[1][0].t_from_ns = SEC(9);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 0, &p), 0);
	assert_int_equal(p.t_from_ns, MS(2135));

	/* settled: as soon as what was captured decides it */
	assert_int_equal(wire_classify(f->segs, f->obs.nsegs), 0);
	e = &f->exps[1][2];
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 2, &p), 0);
	assert_false(
	    evaluate_wire_settled(e, f->segs, 4, &p)); /* no retx yet */
	assert_false(evaluate_wire_settled(e, f->segs, 6, &p)); /* 2 of 3 */
	assert_true(evaluate_wire_settled(e, f->segs, 7, &p));	/* 3 of 3 */
	e->count = 0;
	assert_true(evaluate_wire_settled(e, f->segs, 0, &p));
	e = &f->exps[1][0];
	f->pts[1][0].t_from_ns = MS(120);
	assert_int_equal(evaluate_wire_pattern(&f->sc, &f->obs, 1, 0, &p), 0);
	assert_false(evaluate_wire_settled(e, f->segs, 3, &p));
	assert_true(evaluate_wire_settled(e, f->segs, 4, &p));
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_opens_at_the_start_of_the_call),
		cmocka_unit_test(test_sends_fails_with_the_closest_segments),
		cmocka_unit_test(test_window_edges_are_inclusive),
		cmocka_unit_test(test_lab_widens_by_the_clock_bound),
		cmocka_unit_test(test_sends_no),
		cmocka_unit_test(test_an_absence_needs_the_whole_window),
		cmocka_unit_test(test_sends_nothing_and_data_and_the_peer_side),
		cmocka_unit_test(test_retransmits_fin),
		cmocka_unit_test(test_zero_window_probes),
		cmocka_unit_test(test_no_capture_cannot_decide),
		cmocka_unit_test(test_misses_nearest_first_and_capped),
		cmocka_unit_test(test_excerpt_is_centred_and_clipped),
		cmocka_unit_test(test_pattern_for_the_runner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
