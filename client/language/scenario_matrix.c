/*
 * scenario_matrix.c - from a file template to cases.
 *
 * A file with "param mode = blocking | nonblocking" and "param size = 1KiB |
 * 1MiB" is four cases, in declaration order with the last parameter varying
 * fastest: [mode=blocking,size=1KiB], [mode=blocking,size=1MiB],
 * [mode=nonblocking,size=1KiB], [mode=nonblocking,size=1MiB]. Each case is
 * read from the file's lines afresh, with its own values substituted, so an
 * error that only one combination has is found, and reported at the ${NAME}
 * that brought it in.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the header, for list ---- */

const char *
scn_file_path(const struct scn_file *f)
{
	return f->path;
}

const char *
scn_file_description(const struct scn_file *f)
{
	return f->description;
}

size_t
scn_file_ntags(const struct scn_file *f)
{
	return f->ntags;
}

const char *
scn_file_tag(const struct scn_file *f, size_t i)
{
	return i < f->ntags ? f->tags[i] : NULL;
}

bool
scn_file_has_tag(const struct scn_file *f, const char *tag)
{
	size_t i;

	for (i = 0; i < f->ntags; i++)
		if (strcmp(f->tags[i], tag) == 0)
			return true;
	return false;
}

size_t
scn_file_nparams(const struct scn_file *f)
{
	return f->nparams;
}

const struct scn_param *
scn_file_param(const struct scn_file *f, size_t i)
{
	return i < f->nparams ? &f->params[i] : NULL;
}

size_t
scn_file_ncases(const struct scn_file *f)
{
	return f->bad_params ? 0 : f->ncases;
}

/* ---- cases ---- */

/* The value of each parameter in case index: an odometer, last digit fastest. */
static void
case_values(const struct scn_file *f, size_t index, const char **values)
{
	size_t i = f->nparams;

	while (i-- > 0) {
		values[i] = f->params[i].values[index % f->params[i].nvalues];
		index /= f->params[i].nvalues;
	}
}

const char *
scn_file_case_value(const struct scn_file *f, size_t index, const char *name)
{
	size_t i = f->nparams;

	if (index >= scn_file_ncases(f))
		return NULL;
	while (i-- > 0) {
		const struct scn_param *p = &f->params[i];

		if (strcmp(p->name, name) == 0)
			return p->values[index % p->nvalues];
		index /= p->nvalues;
	}
	return NULL;
}

/* Like snprintf: appends what fits, returns the length the whole needs. */
static size_t
append(char *buf, size_t len, size_t used, const char *s)
{
	size_t n = strlen(s);

	if (used < len)
		snprintf(buf + used, len - used, "%s", s);
	return used + n;
}

size_t
scn_file_case_name(const struct scn_file *f, size_t index, char *buf, size_t len)
{
	size_t i, used = 0;

	if (len > 0)
		buf[0] = '\0';
	used = append(buf, len, used, f->path);
	if (f->nparams == 0 || index >= scn_file_ncases(f))
		return used;
	for (i = 0; i < f->nparams; i++) {
		used = append(buf, len, used, i == 0 ? "[" : ",");
		used = append(buf, len, used, f->params[i].name);
		used = append(buf, len, used, "=");
		used = append(buf, len, used, scn_file_case_value(f, index, f->params[i].name));
	}
	return append(buf, len, used, "]");
}

/* ---- socket names ---- */

int
scn_find_sock(const struct scenario *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->nsocks; i++)
		if (strcmp(sc->socks[i], name) == 0)
			return (int)i;
	return -1;
}

static int
bad_sock_name(struct scn_cur *k, const struct scn_word *w)
{
	char q[96];

	return scn_fail(k->c, w->col, "a socket name is a letter, then letters, digits, - or _",
	    "expected a socket name, got %s", scn_quote(w, q, sizeof(q)));
}

static int
undeclared(struct scn_cur *k, const struct scn_word *w)
{
	const struct scenario *sc = k->c->sc;
	const char *names[SCN_MAX_SOCKS], *near;
	char hint[256];
	size_t i;

	for (i = 0; i < sc->nsocks; i++)
		names[i] = sc->socks[i];
	if ((near = scn_suggest(w->text, names, sc->nsocks)) != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s?", near);
	else
		snprintf(hint, sizeof(hint), "declare it first with 'socket %.31s' (or 'accept "
		    "L as %.31s', 'peer connect PORT as %.31s')", w->text, w->text, w->text);
	return scn_fail(k->c, w->col, hint, "socket %.40s is not declared", w->text);
}

int
scn_read_sock(struct scn_cur *k, unsigned need, int *out)
{
	const struct scn_word *w;
	char hint[160];
	int idx;

	if ((w = scn_next(k, "a socket name", k->usage)) == NULL)
		return -1;
	if (w->quoted || !scn_is_name(w->text, w->len))
		return bad_sock_name(k, w);
	if ((idx = scn_find_sock(k->c->sc, w->text)) < 0)
		return undeclared(k, w);
	if (scn_block_sock(k, w, idx) < 0)
		return -1;
	if ((need & SOCKF_FD) && !(k->c->sockf[idx] & SOCKF_FD)) {
		snprintf(hint, sizeof(hint), "accept it first (accept LISTENER as %s); until "
		    "then only peer steps can use it", w->text);
		return scn_fail(k->c, w->col, hint, "socket %s is not accepted yet", w->text);
	}
	if ((need & SOCKF_LISTENED) && !(k->c->sockf[idx] & SOCKF_LISTENED)) {
		snprintf(hint, sizeof(hint), "call 'listen %s PORT' first", w->text);
		return scn_fail(k->c, w->col, hint, "socket %s does not listen", w->text);
	}
	*out = idx;
	return 0;
}

/* A name being declared; pending_ok lets accept take a peer connect's name. */
int
scn_new_sock(struct scn_cur *k, bool pending_ok, int *out)
{
	struct scn_ctx *c = k->c;
	const struct scn_word *w;
	int idx;

	if ((w = scn_next(k, "a name for the socket", k->usage)) == NULL)
		return -1;
	if (w->quoted || !scn_is_name(w->text, w->len))
		return bad_sock_name(k, w);
	if (w->len >= SCN_NAME_MAX)
		return scn_fail(c, w->col, "choose a shorter name", "socket name too long (%zu "
		    "bytes, at most %d)", w->len, SCN_NAME_MAX - 1);
	if ((idx = scn_find_sock(c->sc, w->text)) >= 0) {
		if (pending_ok && c->sockf[idx] == SOCKF_PENDING) {
			*out = idx;
			return 0;
		}
		return scn_fail(c, w->col, "choose another name for the new socket",
		    "socket %s is already declared on line %u", w->text, c->sock_line[idx]);
	}
	if (c->sc->nsocks == SCN_MAX_SOCKS)
		return scn_fail(c, w->col, "a scenario is one experiment: split it",
		    "too many sockets (at most %d)", SCN_MAX_SOCKS);
	idx = (int)c->sc->nsocks++;
	memcpy(c->sc->socks[idx], w->text, w->len + 1);
	c->sock_block[idx] = c->open_block;
	c->sock_line[idx] = c->t->line;
	*out = idx;
	return 0;
}

/* ---- expectations: which step they belong to ---- */

static const char *const expect_names[EXP_KIND_COUNT] = {
	[EXP_RETURNS] = "returns", [EXP_FAILS] = "fails",
	[EXP_BLOCKS_AT_LEAST] = "blocks at-least", [EXP_BLOCKS_AT_MOST] = "blocks at-most",
	[EXP_BLOCKS_ABOUT] = "blocks about", [EXP_SENDS] = "sends",
	[EXP_WIRE_SENDS] = "wire sends", [EXP_WIRE_SENDS_NO] = "wire sends no",
	[EXP_WIRE_RETRANSMITS] = "wire retransmits",
	[EXP_WIRE_ZWP] = "wire sends zero-window-probes", [EXP_STATE] = "state",
	[EXP_PEER] = "peer", [EXP_PROBE] = "probe",
};

const char *
scn_expect_name(enum scn_expect_kind k)
{
	return (unsigned)k < EXP_KIND_COUNT && expect_names[k] != NULL ? expect_names[k] : "?";
}

bool
scn_expect_is_attached(enum scn_expect_kind k)
{
	return k >= EXP_RETURNS && k <= EXP_SENDS;
}

const char *
scn_os_name(enum scn_os os)
{
	return os == SCN_OS_LINUX ? "linux" : os == SCN_OS_FREEBSD ? "freebsd" :
	    os == SCN_OS_WINDOWS ? "windows" : os == SCN_OS_ALL ? "all" : "?";
}

const char *
scn_wire_what_name(enum scn_wire_what w)
{
	return w == WIRE_FIN ? "FIN" : w == WIRE_RST ? "RST" : w == WIRE_DATA ? "data" :
	    w == WIRE_ANY ? "nothing" : "?";
}

const char *
scn_op_name(enum scn_op op)
{
	static const char *const names[] = { "?", "=", "!=", ">=", "<=", ">", "<" };

	return (unsigned)op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

/* Indented: the step above must be a call. Left margin: any step before. */
static int
check_place(struct scn_ctx *c, const struct scn_expect *e, const struct scn_step *st)
{
	const char *what = scn_expect_name(e->kind);
	char hint[160];

	if (!e->attached && c->open_block != 0 && !scn_expect_is_attached(e->kind)) {
		snprintf(hint, sizeof(hint), "write it after end, or indent it under a call "
		    "to check that call on every iteration");
		return scn_fail(c, e->pos.col, hint, "inside a repeat block (line %u) only "
		    "indented expects are checked", c->block_line);
	}
	if (!e->attached) {
		if (scn_expect_is_attached(e->kind))
			return scn_fail(c, e->pos.col, "indent the line (e.g. 4 spaces) right under "
			    "the step", "'%s' checks the call of a step: it is written indented, "
			    "under the step", what);
		return 0;
	}
	if (!scn_expect_is_attached(e->kind))
		return scn_fail(c, e->pos.col, "write it at the left margin", "'%s' checks a "
		    "point of the scenario, not a call", what);
	if (!scn_step_is_call(st->kind)) {
		snprintf(hint, sizeof(hint), "write it at the left margin, or move it under the "
		    "socket step it checks");
		return scn_fail(c, e->pos.col, hint, "an indented expect checks the call above "
		    "it, but %s (line %u) is not a call", scn_step_name(st->kind), st->pos.line);
	}
	if (c->point_since_step)
		return scn_fail(c, e->pos.col, "put a step's indented expects right under it, "
		    "before those at the left margin", "an indented expect must follow its step");
	if (e->kind == EXP_SENDS && st->kind != STEP_SEND)
		return scn_fail(c, e->pos.col, "sends checks what send() accepted: indent it "
		    "under a send step", "'sends' under %s, which sends nothing",
		    scn_step_name(st->kind));
	if (st->kind == STEP_EXIT_CLOSE && (e->kind == EXP_RETURNS || e->kind == EXP_FAILS))
		return scn_fail(c, e->pos.col, "check blocks, or the wire", "exit-close has no "
		    "return value: the process exits");
	return 0;
}

int
scn_attach(struct scn_ctx *c, struct scn_expect *e, bool keep)
{
	struct scenario *sc = c->sc;
	struct scn_step *st;
	struct scn_expect *ne;
	size_t n;

	if (c->step_failed)
		return 0;	/* the step's own error says enough */
	if (sc->nsteps == 0)
		return scn_fail(c, e->pos.col, "an expectation comes after the step it follows",
		    "expect with nothing to attach to");
	st = &sc->steps[sc->nsteps - 1];
	if (check_place(c, e, st) < 0)
		return -1;
	if (!e->attached)
		c->point_since_step = true;
	if (!keep)
		return 0;
	n = st->nexpects;
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		if ((ne = realloc(st->expects, (n == 0 ? 4 : n * 2) * sizeof(*ne))) == NULL)
			return scn_fail(c, e->pos.col, "", "out of memory");
		st->expects = ne;
	}
	st->expects[st->nexpects++] = *e;
	return 0;
}

/* ---- reading a case ---- */

static int
case_description(struct scn_ctx *c)
{
	struct scn_cur k = { c, 1, c->t->n, "usage: scenario \"WHAT THIS FILE TESTS\"" };

	return scn_read_text(&k, "a description", c->sc->description,
	    sizeof(c->sc->description));
}

static int
case_timeout(struct scn_ctx *c)
{
	struct scn_cur k = { c, 1, c->t->n, "usage: timeout DURATION" };
	uint32_t col = c->t->n > 1 ? c->t->w[1].col : c->t->end_col;

	if (c->saw_timeout)
		return scn_fail(c, c->t->w[0].col, "keep one timeout line", "timeout is given "
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
		scn_fail(c, kw->col, "write the statement's word itself, e.g. socket or expect",
		    "expected a statement, got %s", scn_quote(kw, q, sizeof(q)));
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
		scn_fail(c, kw->col, "start the line at the left margin (an indented expect "
		    "checks the step above it)", "only expect lines are indented");
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

		if (scn_lex_line(sl->text, sl->len, sl->line, &sub, &t, &err) < 0) {
			scn_errs_add(c->errs, &err);
		} else if (t.n > 0) {
			c->t = &t;
			c->src = sl;
			statement(c);
			c->t = NULL;	/* t is this function's */
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
	if (f->ntags > 0 && (sc->tags = calloc(f->ntags, sizeof(char *))) == NULL)
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

	if ((sc = calloc(1, sizeof(*sc))) == NULL || (c = calloc(1, sizeof(*c))) == NULL ||
	    (values = calloc(f->nparams + 1, sizeof(*values))) == NULL ||
	    copy_header(f, index, sc) < 0) {
		scn_fail_at(e, 1, 1, "", "out of memory");
		goto out;
	}
	need = scn_file_case_name(f, index, sc->case_name, sizeof(sc->case_name));
	if (need >= sizeof(sc->case_name))
		scn_fail_at(e, f->scenario_pos.line, f->scenario_pos.col, "use a shorter path or "
		    "shorter parameter values", "the case name is too long (%zu bytes, at most "
		    "%zu)", need, sizeof(sc->case_name) - 1);
	case_values(f, index, values);
	c->f = f;
	c->errs = e;
	c->sc = sc;
	c->values = values;
	read_lines(c, values);
	scn_block_left_open(c);
	if (e->found == before && sc->nsteps == 0 && f->has_scenario)
		scn_fail_at(e, f->scenario_pos.line, f->scenario_pos.col, "add the steps it runs: "
		    "peer listen, socket, connect, close, ...", "the scenario has no steps");
out:
	free(values);
	free(c);
	if (e->found == before)
		return sc;
	scenario_free(sc);
	return NULL;
}

int
scn_file_case_errors(const struct scn_file *f, size_t index, struct scenario **out,
		     struct scn_error *errs, size_t maxerrs, size_t *nerrs)
{
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = f->path };

	*out = NULL;
	if (index >= scn_file_ncases(f))
		scn_fail_at(&e, 1, 1, "", "no case %zu: the file has %zu", index,
		    scn_file_ncases(f));
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
	return scn_file_case_errors(f, index, out, err, err != NULL ? 1 : 0, NULL);
}

/* By line, then column; stable, so one place's errors keep their order. */
static void
sort_errors(struct scn_error *v, size_t n)
{
	struct scn_error tmp;
	size_t i, j;

	for (i = 1; i < n; i++) {
		tmp = v[i];
		for (j = i; j > 0 && (v[j - 1].pos.line > tmp.pos.line ||
		    (v[j - 1].pos.line == tmp.pos.line && v[j - 1].pos.col > tmp.pos.col)); j--)
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
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = f->path, .dedupe = true };

	check_cases(f, &e);
	sort_errors(errs, e.n);
	if (nerrs != NULL)
		*nerrs = e.total;
	return e.total > 0 ? -1 : 0;
}

int
scn_check_text(const char *path, const char *text, size_t len, struct scn_error *errs,
	       size_t maxerrs, size_t *nerrs, size_t *ncases)
{
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = path, .dedupe = true };
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
