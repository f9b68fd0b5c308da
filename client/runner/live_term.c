/*
 * live_term.c - the I/O half of `lingerlab run --live` (see live_term.h):
 * which record means what, when a held-back step start is due, the
 * ticking line, and the verdicts, decided by the evaluator on what has
 * been recorded so far. The lines themselves are live_view.c's.
 */
#include "live_term.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "live_view.h"
#include "platform.h"
#include "run_wire.h"
#include "timeunit.h"

/* A step's start is shown once it has run this long with nothing else. */
#define HOLD_NS (150 * NS_PER_MS)
#define TICK_MS 100

struct live_term {
	struct run_live hooks;
	FILE *out;
	bool tty;
	bool any_case; /* a case was shown: a blank line before the next */
	struct live_view v;
	/* the running step */
	bool running;
	size_t step;
	uint64_t t0;	  /* the case's time 0, monotonic ns */
	uint64_t started; /* the step's start, ns from t0 */
	bool start_shown;
	bool tick_shown; /* the ticking line is on the screen */
};

static void
untick(struct live_term *t)
{
	if (!t->tick_shown)
		return;
	fputs("\r\033[K", t->out);
	t->tick_shown = false;
}

static void
put(struct live_term *t, const char *line)
{
	untick(t);
	fputs(line, t->out);
	fputc('\n', t->out);
	fflush(t->out);
}

/* Something else is to be shown while the step runs: its start first. */
static void
show_start(struct live_term *t)
{
	char buf[LIVE_LINE_MAX];

	if (!t->running || t->start_shown)
		return;
	t->start_shown = true;
	live_fmt_step_start(&t->v, t->step, t->started, buf, sizeof(buf));
	put(t, buf);
}

static void
on_case(struct live_term *t, const struct case_obs *obs)
{
	char buf[LIVE_LINE_MAX + SCN_TEXT_MAX];

	live_view_init(&t->v, obs->sc);
	t->running = false;
	if (t->any_case)
		put(t, "");
	t->any_case = true;
	live_fmt_case(&t->v, buf, sizeof(buf));
	put(t, buf);
}

static void
on_at(struct live_term *t, const char *line)
{
	size_t step;
	uint64_t t0, at;

	if (obs_parse_at(line, &step, &t0, &at) != 1)
		return;
	show_start(t); /* a step that never returned: say it began */
	t->running = true;
	t->step = step;
	t->t0 = t0;
	t->started = at;
	t->start_shown = false;
}

static void
on_call(struct live_term *t, const struct case_obs *obs, size_t i)
{
	char buf[LIVE_LINE_MAX];

	if (i >= obs->sc->nsteps)
		return;
	live_fmt_step_end(&t->v, i, &obs->calls[i], buf, sizeof(buf));
	put(t, buf);
	if (t->running && t->step == i)
		t->running = false;
}

/* The verdict of expectation (i, j), as far as the record so far goes. */
static void
on_point(struct live_term *t, const struct case_obs *obs, size_t i, size_t j)
{
	char buf[2 * LIVE_LINE_MAX + 2 * VERDICT_TEXT_MAX];
	struct case_result cr;
	size_t k;

	if (i >= obs->sc->nsteps || j >= obs->sc->steps[i].nexpects ||
	    evaluate_case(obs->sc, obs, obs->os, &cr) == -1)
		return;
	for (k = 0; k < cr.nverdicts; k++) {
		if (cr.verdicts[k].step != i || cr.verdicts[k].index != j)
			continue;
		/* Other systems' expectations would only crowd the screen. */
		if (cr.verdicts[k].kind != VERDICT_NOT_APPLICABLE) {
			show_start(t);
			live_fmt_verdict(&t->v, &cr.verdicts[k],
			    obs->points[i][j].t_done_ns, buf, sizeof(buf));
			put(t, buf);
		}
		break;
	}
	case_result_free(&cr);
}

static void
on_end(struct live_term *t, const struct case_obs *obs)
{
	char buf[LIVE_LINE_MAX];

	show_start(t);
	t->running = false;
	live_fmt_end(&t->v, obs, buf, sizeof(buf));
	put(t, buf);
}

static void
record(void *arg, const struct case_obs *obs, const char *line)
{
	struct live_term *t = arg;
	char buf[LIVE_LINE_MAX];
	unsigned long a, b;

	if (line == NULL) {
		on_end(t, obs);
		return;
	}
	if (strncmp(line, "obs ", 4) == 0)
		on_case(t, obs);
	else if (strncmp(line, "at ", 3) == 0)
		on_at(t, line);
	/* NOLINTNEXTLINE(cert-err34-c): obs_apply() checked the numbers */
	else if (sscanf(line, "call %lu", &a) == 1)
		on_call(t, obs, (size_t)a);
	/* NOLINTNEXTLINE(cert-err34-c): obs_apply() checked the numbers */
	else if (sscanf(line, "point %lu %lu", &a, &b) == 2)
		on_point(t, obs, (size_t)a, (size_t)b);
	else if (strncmp(line, "seg ", 4) == 0 && obs->nsegs > 0) {
		show_start(t);
		live_fmt_seg(&t->v, &obs->segs[obs->nsegs - 1], buf,
		    sizeof(buf));
		put(t, buf);
	}
}

static int
tick(void *arg)
{
	struct live_term *t = arg;
	char buf[LIVE_LINE_MAX];
	uint64_t now, ran;

	if (!t->running)
		return -1;
	now = plat_now_ns();
	ran = now > t->t0 + t->started ? now - t->t0 - t->started : 0;
	if (!t->start_shown && ran < HOLD_NS)
		return (int)((HOLD_NS - ran) / NS_PER_MS + 1);
	show_start(t);
	if (!t->tty)
		return -1;
	live_fmt_tick(&t->v, t->step, ran, buf, sizeof(buf));
	fprintf(t->out, "\r%s\033[K", buf);
	fflush(t->out);
	t->tick_shown = true;
	return TICK_MS;
}

struct live_term *
live_term_new(FILE *out, bool tty)
{
	struct live_term *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->out = out;
	t->tty = tty;
	t->hooks.record = record;
	t->hooks.tick = tick;
	t->hooks.arg = t;
	return t;
}

const struct run_live *
live_term_hooks(struct live_term *t)
{
	return &t->hooks;
}

void
live_term_free(struct live_term *t)
{
	if (t != NULL)
		untick(t);
	free(t);
}
