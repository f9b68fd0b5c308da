/*
 * scenario_case.c - reading a case: the file's lines read afresh with the
 * case's values substituted (scenario_matrix.c), every statement into a
 * struct scenario; and checking a file, which reads all of its cases.
 *
 * Reading each case from the text, rather than patching one parsed
 * template, finds an error that only one combination has, and reports it
 * at the ${NAME} that brought it in.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_defaults.h"

static int
case_description(struct scn_ctx *c)
{
	struct scn_cur k = { c, 1, c->t->n,
		"usage: scenario \"WHAT THIS FILE TESTS\"" };

	return scn_read_text(&k, "a description", c->sc->description,
	    sizeof(c->sc->description));
}

static int
case_timeout(struct scn_ctx *c)
{
	struct scn_cur k = { c, 1, c->t->n, "usage: timeout DURATION" };
	uint32_t col = c->t->n > 1 ? c->t->w[1].col : c->t->end_col;

	if (c->saw_timeout)
		return scn_fail(c, c->t->w[0].col, "keep one timeout line",
		    "timeout is given "
		    "twice");
	c->saw_timeout = true;
	if (scn_read_duration(&k, "a duration", &c->sc->timeout_ns) < 0 ||
	    scn_done(&k, k.usage) < 0)
		return -1;
	if (c->sc->timeout_ns == 0)
		return scn_fail(c, col, "leave it out for the default of 60s",
		    "a timeout of 0 leaves no time to run");
	return 0;
}

/*
 * One statement. Header statements were checked where they stand when the
 * template was read; here only their per-case values are taken.
 */
static void
statement(struct scn_ctx *c)
{
	const struct scn_word *kw = &c->t->w[0];
	char q[96];

	if (kw->quoted || kw->has_ref) {
		scn_fail(c, kw->col,
		    "write the statement's word itself, e.g. socket or expect",
		    "expected a statement, got %s",
		    scn_quote(kw, q, sizeof(q)));
	} else if (scn_word_is(kw, "expect")) {
		scn_parse_expect(c);
	} else if (scn_word_is(kw, "scenario") || scn_word_is(kw, "timeout") ||
	    scn_word_is(kw, "tags") || scn_word_is(kw, "param")) {
		if (c->in_body || c->t->indent > 0)
			return;
		if (scn_word_is(kw, "scenario"))
			case_description(c);
		else if (scn_word_is(kw, "timeout"))
			case_timeout(c);
	} else if (c->t->indent > 0) {
		c->in_body = true;
		c->step_failed = true;
		scn_fail(c, kw->col,
		    "start the line at the left margin (an indented expect "
		    "checks the step above it)",
		    "only expect lines are indented");
	} else {
		c->in_body = true;
		scn_parse_step(c);
	}
}

static void
read_lines(struct scn_ctx *c, const char **values)
{
	const struct scn_file *f = c->f;
	struct scn_subst sub = { f->param_names, values, f->nparams };
	struct scn_error err;
	struct scn_toks t;
	size_t i;

	for (i = 0; i < f->nlines; i++) {
		const struct scn_srcline *sl = &f->lines[i];

		if (scn_lex_line(sl->text, sl->len, sl->line, &sub, &t, &err) <
		    0) {
			scn_errs_add(c->errs, &err);
		} else if (t.n > 0) {
			c->t = &t;
			c->src = sl;
			statement(c);
			c->t = NULL; /* t is this function's */
		}
		scn_toks_free(&t);
	}
}

static int
copy_header(const struct scn_file *f, size_t index, struct scenario *sc)
{
	size_t i;

	if ((sc->file_copy = strdup(f->path)) == NULL)
		return -1;
	sc->file = sc->file_copy;
	sc->case_index = index;
	sc->timeout_ns = SCN_DEFAULT_TIMEOUT_NS;
	memcpy(sc->description, f->description, sizeof(sc->description));
	if (f->ntags > 0 &&
	    (sc->tags = calloc(f->ntags, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < f->ntags; i++) {
		if ((sc->tags[i] = strdup(f->tags[i])) == NULL)
			return -1;
		sc->ntags++;
	}
	return 0;
}

/* Read case index; NULL when it has errors (they are in e). */
static struct scenario *
build_case(const struct scn_file *f, size_t index, struct scn_errs *e)
{
	struct scenario *sc = NULL;
	struct scn_ctx *c = NULL;
	const char **values = NULL;
	size_t before = e->found, need;

	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL ||
	    (values = calloc(f->nparams + 1, sizeof(*values))) == NULL ||
	    copy_header(f, index, sc) < 0) {
		scn_fail_at(e, 1, 1, "", "out of memory");
		goto out;
	}
	need =
	    scn_file_case_name(f, index, sc->case_name, sizeof(sc->case_name));
	if (need >= sizeof(sc->case_name))
		scn_fail_at(e, f->scenario_pos.line, f->scenario_pos.col,
		    "use a shorter path or "
		    "shorter parameter values",
		    "the case name is too long (%zu bytes, at most "
		    "%zu)",
		    need, sizeof(sc->case_name) - 1);
	scn_case_values(f, index, values);
	c->f = f;
	c->errs = e;
	c->sc = sc;
	c->values = values;
	read_lines(c, values);
	scn_block_left_open(c);
	if (e->found == before && sc->nsteps == 0 && f->has_scenario)
		scn_fail_at(e, f->scenario_pos.line, f->scenario_pos.col,
		    "add the steps it runs: "
		    "peer listen, socket, connect, close, ...",
		    "the scenario has no steps");
out:
	free(values);
	free(c);
	if (e->found == before)
		return sc;
	scenario_free(sc);
	return NULL;
}

int
scn_file_case_errors(const struct scn_file *f, size_t index,
    struct scenario **out, struct scn_error *errs, size_t maxerrs,
    size_t *nerrs)
{
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = f->path };

	*out = NULL;
	if (index >= scn_file_ncases(f))
		scn_fail_at(&e, 1, 1, "", "no case %zu: the file has %zu",
		    index, scn_file_ncases(f));
	else
		*out = build_case(f, index, &e);
	if (nerrs != NULL)
		*nerrs = e.total;
	return *out != NULL ? 0 : -1;
}

int
scn_file_case(const struct scn_file *f, size_t index, struct scenario **out,
    struct scn_error *err)
{
	return scn_file_case_errors(f, index, out, err, err != NULL ? 1 : 0,
	    NULL);
}

/* By line, then column; stable, so one place's errors keep their order. */
static void
sort_errors(struct scn_error *v, size_t n)
{
	struct scn_error tmp;
	size_t i, j;

	for (i = 1; i < n; i++) {
		tmp = v[i];
		for (j = i; j > 0 &&
		     (v[j - 1].pos.line > tmp.pos.line ||
			 (v[j - 1].pos.line == tmp.pos.line &&
			     v[j - 1].pos.col > tmp.pos.col));
		     j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
}

static void
check_cases(const struct scn_file *f, struct scn_errs *e)
{
	size_t i;

	for (i = 0; i < scn_file_ncases(f); i++)
		scenario_free(build_case(f, i, e));
}

int
scn_file_check(const struct scn_file *f, struct scn_error *errs, size_t maxerrs,
    size_t *nerrs)
{
	struct scn_errs e = { .v = errs,
		.max = maxerrs,
		.path = f->path,
		.dedupe = true };

	check_cases(f, &e);
	sort_errors(errs, e.n);
	if (nerrs != NULL)
		*nerrs = e.total;
	return e.total > 0 ? -1 : 0;
}

int
scn_check_text(const char *path, const char *text, size_t len,
    struct scn_error *errs, size_t maxerrs, size_t *nerrs, size_t *ncases)
{
	struct scn_errs e = { .v = errs,
		.max = maxerrs,
		.path = path,
		.dedupe = true };
	struct scn_file *f;

	if ((f = scn_file_read(path, text, len, &e)) == NULL && e.total == 0)
		scn_fail_at(&e, 1, 1, "", "out of memory reading the file");
	/* with a broken param line the cases are unknown; anything else, go on */
	if (f != NULL && !f->bad_params)
		check_cases(f, &e);
	if (ncases != NULL)
		*ncases = f != NULL ? scn_file_ncases(f) : 0;
	sort_errors(errs, e.n);
	if (nerrs != NULL)
		*nerrs = e.total;
	scn_file_free(f);
	return e.total > 0 ? -1 : 0;
}

void
scenario_free(struct scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nsteps; i++)
		free(sc->steps[i].expects);
	free(sc->steps);
	for (i = 0; i < sc->ntags; i++)
		free(sc->tags[i]);
	free(sc->tags);
	free(sc->file_copy);
	free(sc);
}
