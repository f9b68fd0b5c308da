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
#include "scenario_kinds.h"

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

/*
 * The case's name: the file's and its values, and its family when the run
 * names it (--family) or it is not the IPv4 of a plain run:
 * "x.scn[mode=blocking,family=ipv6]", "x.scn[family=ipv6]".
 */
static void
case_name(const struct scn_file *f, size_t index, bool named,
    struct scenario *sc, struct scn_errs *e)
{
	size_t need, len = sizeof(sc->case_name);
	char *name = sc->case_name;
	const char *fam = scn_family_name((enum scn_family)sc->family);

	need = scn_file_case_name(f, index, name, len);
	if (need < len && (named || sc->family != SCN_FAM_IPV4)) {
		if (need > 0 && name[need - 1] == ']')
			need = need - 1 +
			    (size_t)snprintf(name + need - 1, len - need + 1,
				",family=%s]", fam);
		else
			need += (size_t)snprintf(name + need, len - need,
			    "[family=%s]", fam);
	}
	if (need >= len)
		scn_fail_at(e, f->scenario_pos.line, f->scenario_pos.col,
		    "use a shorter path or "
		    "shorter parameter values",
		    "the case name is too long (%zu bytes, at most "
		    "%zu)",
		    need, len - 1);
}

/*
 * The case's family: the run's, unless every socket names its own (then
 * the run's family does not matter and the first socket's is the case's).
 */
static void
case_family(const struct scn_ctx *c, struct scenario *sc)
{
	sc->family = c->family;
	sc->family_fixed = !c->socket_unnamed;
	if (sc->family_fixed && c->first_named != SCN_FAM_NONE)
		sc->family = (uint8_t)c->first_named;
}

/* Read case index over family; NULL when it has errors (they are in e). */
static struct scenario *
build_case(const struct scn_file *f, size_t index, unsigned family, bool named,
    struct scn_errs *e)
{
	struct scenario *sc = NULL;
	struct scn_ctx *c = NULL;
	const char **values = NULL;
	size_t before = e->found;

	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL ||
	    (values = calloc(f->nparams + 1, sizeof(*values))) == NULL ||
	    copy_header(f, index, sc) < 0) {
		scn_fail_at(e, 1, 1, "", "out of memory");
		goto out;
	}
	scn_case_values(f, index, values);
	c->f = f;
	c->errs = e;
	c->sc = sc;
	c->values = values;
	c->family = (uint8_t)family;
	read_lines(c, values);
	scn_block_left_open(c);
	case_family(c, sc);
	case_name(f, index, named, sc, e);
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

/*
 * A case over family; when its sockets all name another, read again over
 * theirs, so that `if family = ...` holds for the family it runs over.
 */
static struct scenario *
build_family(const struct scn_file *f, size_t index, unsigned family,
    bool named, struct scn_errs *e)
{
	struct scenario *sc = build_case(f, index, family, named, e);

	if (sc == NULL || sc->family == family)
		return sc;
	family = sc->family;
	scenario_free(sc);
	return build_case(f, index, family, named, e);
}

int
scn_file_case_families(const struct scn_file *f, size_t index, unsigned fams,
    bool named, struct scenario *out[2], size_t *nout, struct scn_error *errs,
    size_t maxerrs, size_t *nerrs)
{
	static const unsigned fam[2] = { SCN_FAM_IPV4, SCN_FAM_IPV6 };
	static const unsigned bit[2] = { SCN_FAMS_IPV4, SCN_FAMS_IPV6 };
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = f->path };
	struct scenario *sc;
	size_t i;

	*nout = 0;
	if (index >= scn_file_ncases(f) || (fams & SCN_FAMS_BOTH) == 0)
		scn_fail_at(&e, 1, 1, "", "no case %zu over families %#x",
		    index, fams);
	for (i = 0; i < 2 && e.total == 0; i++) {
		if ((fams & bit[i]) == 0)
			continue;
		if ((sc = build_family(f, index, fam[i], named, &e)) == NULL)
			break;
		out[(*nout)++] = sc;
		if (sc->family_fixed) /* the run's family does not matter */
			break;
	}
	if (nerrs != NULL)
		*nerrs = e.total;
	if (e.total == 0)
		return 0;
	while (*nout > 0)
		scenario_free(out[--*nout]);
	return -1;
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
		*out = build_case(f, index, SCN_FAM_IPV4, false, &e);
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
	struct scenario *sc;
	size_t i;

	/*
	 * IPv6 too, where IPv4 read well: what only IPv6 can get wrong (its
	 * case name) is found, and the rest is not counted twice.
	 */
	for (i = 0; i < scn_file_ncases(f); i++) {
		sc = build_case(f, i, SCN_FAM_IPV4, false, e);
		if (sc != NULL)
			scenario_free(build_case(f, i, SCN_FAM_IPV6, false, e));
		scenario_free(sc);
	}
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
