/*
 * scenario_parse.c - the file template: its lines and its header
 * (scenario, tags, param), and the file as a whole.
 *
 * After an error (scenario_errors.c), reading moves on to the next line, so
 * a check reports every mistake of a file in one go rather than one per run.
 */
#include "scenario_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

/* ---- the file template: lines and header ---- */

#define PARAM_USAGE "usage: param NAME = VALUE1 | VALUE2 | ..."

struct header_state {
	bool any;     /* a statement has been read */
	bool in_body; /* a step has been read */
	uint32_t scenario_line;
	uint32_t first_step_line;
};

static int
split_lines(struct scn_file *f, struct scn_errs *e, size_t len)
{
	size_t i, start = 0, n = 0;

	for (i = 0; i < len; i++)
		n += f->text[i] == '\n';
	n += len > 0 && f->text[len - 1] != '\n';
	if (n >= UINT32_MAX)
		return scn_fail_at(e, 1, 1, "split it",
		    "the file has too many lines (%zu)", n);
	/* One more than needed: never a 0-byte calloc, never NULL below. */
	if ((f->lines = calloc(n + 1, sizeof(*f->lines))) == NULL)
		return -1;
	for (i = 0; i <= len; i++) {
		if (i < len && f->text[i] != '\n')
			continue;
		if (i == len && i == start)
			break;
		f->lines[f->nlines].text = f->text + start;
		f->lines[f->nlines].len = i - start;
		/* CRLF files read as well as LF ones */
		if (i > start && f->text[i - 1] == '\r')
			f->lines[f->nlines].len--;
		f->lines[f->nlines].line = (uint32_t)f->nlines + 1;
		f->nlines++;
		start = i + 1;
	}
	return 0;
}

static int
header_scenario(struct scn_ctx *c, struct scn_file *f, struct header_state *st)
{
	const char *usage = "usage: scenario \"WHAT THIS FILE TESTS\"";
	struct scn_cur k = { c, 1, c->t->n, usage };

	if (st->scenario_line != 0)
		return scn_fail(c, c->t->w[0].col, "keep one scenario line",
		    "scenario is given twice (first on line %u)",
		    st->scenario_line);
	st->scenario_line = c->t->line;
	f->has_scenario = true;
	f->scenario_pos.line = c->t->line;
	f->scenario_pos.col = c->t->w[0].col;
	if (scn_read_text(&k, "a description", f->description,
		sizeof(f->description)) < 0)
		return -1;
	if (f->description[0] == '\0')
		return scn_fail(c, c->t->w[1].col,
		    "say in a few words what the file tests",
		    "the description is empty");
	return scn_done(&k, usage);
}

static bool
is_tag(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return false;
	return true;
}

static int
header_tags(struct scn_ctx *c, struct scn_file *f)
{
	const struct scn_word *w;
	char **nt, q[96];
	size_t i, j;

	if (c->t->n < 2)
		return scn_fail(c, c->t->end_col, "usage: tags WORD...",
		    "expected at least one tag, got the end of the line");
	for (i = 1; i < c->t->n; i++) {
		w = &c->t->w[i];
		if (w->quoted || w->has_ref || !is_tag(w->text))
			return scn_fail(c, w->col,
			    "a tag is a plain word of letters, digits, "
			    "'-', '_' or '.'",
			    "expected a tag, got %s",
			    scn_quote(w, q, sizeof(q)));
		for (j = 0; j < f->ntags; j++)
			if (strcmp(f->tags[j], w->text) == 0)
				return scn_fail(c, w->col, "give each tag once",
				    "tag %s is given twice",
				    scn_quote(w, q, sizeof(q)));
		if ((nt = realloc(f->tags, (f->ntags + 1) * sizeof(*nt))) ==
		    NULL)
			return scn_fail(c, w->col, "", "out of memory");
		f->tags = nt;
		if ((f->tags[f->ntags] = strdup(w->text)) == NULL)
			return scn_fail(c, w->col, "", "out of memory");
		f->ntags++;
	}
	return 0;
}

static int
add_value(struct scn_ctx *c, struct scn_param *p, const char *s, size_t len,
    uint32_t col)
{
	char **nv;
	size_t i;

	for (i = 0; i < p->nvalues; i++)
		if (strlen(p->values[i]) == len &&
		    memcmp(p->values[i], s, len) == 0)
			return scn_fail(c, col, "list each value once",
			    "value \"%.*s\" of %s "
			    "is listed twice",
			    (int)(len > 40 ? 40 : len), s, p->name);
	if ((nv = realloc(p->values, (p->nvalues + 1) * sizeof(*nv))) == NULL)
		return scn_fail(c, col, "", "out of memory");
	p->values = nv;
	if ((p->values[p->nvalues] = strndup(s, len)) == NULL)
		return scn_fail(c, col, "", "out of memory");
	p->nvalues++;
	return 0;
}

/*
 * The values after '=': words split at '|', so "a | b", "a|b" and "a |b"
 * all read the same. want says whether a value or a '|' comes next.
 */
static int
param_values(struct scn_ctx *c, struct scn_param *p, size_t first)
{
	const struct scn_word *w;
	bool want = true;
	size_t i, at, bar;
	char q[96];

	for (i = first; i < c->t->n; i++) {
		w = &c->t->w[i];
		if (w->quoted || w->has_ref)
			return scn_fail(c, w->col,
			    "values are plain words, without quotes or ${...}",
			    "expected a value, got %s",
			    scn_quote(w, q, sizeof(q)));
		for (at = 0; at <= w->len; at = bar + 1) {
			bar = at + strcspn(w->text + at, "|");
			if (bar > at) {
				if (!want)
					return scn_fail(c, scn_word_col(w, at),
					    PARAM_USAGE,
					    "expected | between two values");
				if (add_value(c, p, w->text + at, bar - at,
					scn_word_col(w, at)) < 0)
					return -1;
				want = false;
			}
			if (bar == w->len)
				break;
			if (want)
				return scn_fail(c, scn_word_col(w, bar),
				    PARAM_USAGE,
				    p->nvalues == 0
					? "expected a value before |"
					: "expected a value between two |");
			want = true;
		}
	}
	if (p->nvalues == 0)
		return scn_fail(c, c->t->end_col, PARAM_USAGE,
		    "expected at least one value after =, got the end of the line");
	if (want)
		return scn_fail(c, c->t->end_col, PARAM_USAGE,
		    "expected a value after |");
	return 0;
}

static void
param_clear(struct scn_param *p)
{
	size_t i;

	for (i = 0; i < p->nvalues; i++)
		free(p->values[i]);
	free(p->values);
	memset(p, 0, sizeof(*p));
}

static int
param_name(struct scn_ctx *c, struct scn_file *f, const struct scn_word *w)
{
	char q[96];
	size_t i;

	if (w->quoted || w->has_ref || !scn_is_name(w->text, w->len))
		return scn_fail(c, w->col,
		    strchr(w->text, '=') != NULL
			? "put spaces around =: "
			  "param NAME = V1 | V2"
			: "a name is a letter, then letters, digits, - or _",
		    "expected a parameter name, got %s",
		    scn_quote(w, q, sizeof(q)));
	if (w->len >= SCN_NAME_MAX)
		return scn_fail(c, w->col, "shorten it",
		    "parameter name too long (%zu bytes, "
		    "at most %d)",
		    w->len, SCN_NAME_MAX - 1);
	if (strcmp(w->text, SCN_FAMILY_COND) == 0)
		return scn_fail(c, w->col,
		    "choose another name; `socket SOCK ${NAME}` with "
		    "param NAME = ipv4 | ipv6 gives a socket a family per case",
		    "family is the case's address family (ipv4 or ipv6, "
		    "from --family or the sockets), not a parameter");
	for (i = 0; i < f->nparams; i++)
		if (strcmp(f->params[i].name, w->text) == 0)
			return scn_fail(c, w->col,
			    "give each parameter once, with all its values",
			    "parameter %s is already declared on line %u",
			    w->text, f->params[i].pos.line);
	return 0;
}

static int
header_param(struct scn_ctx *c, struct scn_file *f)
{
	struct scn_cur k = { c, 1, c->t->n, PARAM_USAGE };
	const struct scn_word *w;
	struct scn_param p, *np;

	memset(&p, 0, sizeof(p));
	if ((w = scn_next(&k, "a parameter name", PARAM_USAGE)) == NULL ||
	    param_name(c, f, w) < 0)
		return -1;
	memcpy(p.name, w->text, w->len + 1);
	p.pos.file = f->path;
	p.pos.line = c->t->line;
	p.pos.col = w->col;
	if (scn_read_keyword(&k, "=", PARAM_USAGE) < 0 ||
	    param_values(c, &p, k.i) < 0) {
		param_clear(&p);
		return -1;
	}
	if ((np = realloc(f->params, (f->nparams + 1) * sizeof(*np))) == NULL) {
		param_clear(&p);
		return scn_fail(c, w->col, "", "out of memory");
	}
	f->params = np;
	f->params[f->nparams++] = p;
	return 0;
}

/* Also the statements scn_keywords() lists for the editors. */
const char *const scn_header_statements[SCN_NHEADER] = { "scenario", "tags",
	"param", "timeout" };

static bool
is_header(const struct scn_word *w)
{
	size_t i;

	for (i = 0; i < SCN_NHEADER; i++)
		if (scn_word_is(w, scn_header_statements[i]))
			return true;
	return false;
}

/* Where a header statement may be: first, at the left margin, before steps. */
static int
header_place(struct scn_ctx *c, struct header_state *st)
{
	const struct scn_word *kw = &c->t->w[0];
	char hint[80];

	if (st->in_body) {
		snprintf(hint, sizeof(hint),
		    "move it above the first step (line %u)",
		    st->first_step_line);
		return scn_fail(c, kw->col, hint,
		    "%s belongs in the header, before the first "
		    "step",
		    kw->text);
	}
	if (c->t->indent > 0)
		return scn_fail(c, kw->col,
		    "start the line at the left margin (an indented "
		    "expect checks the step above it)",
		    "only expect lines are indented");
	if (!st->any && !scn_word_is(kw, "scenario"))
		return scn_fail(c, kw->col,
		    "start the file with scenario \"WHAT IT TESTS\"",
		    "expected scenario \"DESCRIPTION\" as the first statement, got '%.40s'",
		    kw->text);
	return 0;
}

static void
template_line(struct scn_ctx *c, struct scn_file *f, struct header_state *st)
{
	const struct scn_word *kw = &c->t->w[0];
	bool first = !st->any;
	char q[96];

	if (kw->quoted || kw->has_ref) {
		scn_fail(c, kw->col,
		    "write the statement's word itself, e.g. socket or expect",
		    "expected a statement, got %s",
		    scn_quote(kw, q, sizeof(q)));
	} else if (!is_header(kw)) {
		if (first)
			scn_fail(c, kw->col,
			    "start the file with scenario \"WHAT IT TESTS\"",
			    "expected scenario \"DESCRIPTION\" as the first statement, got '%.40s'",
			    kw->text);
		if (!st->in_body)
			st->first_step_line = c->t->line;
		st->in_body = true;
	} else if (header_place(c, st) == 0) {
		if (scn_word_is(kw, "scenario"))
			header_scenario(c, f, st);
		else if (scn_word_is(kw, "tags"))
			header_tags(c, f);
		else if (scn_word_is(kw, "param") && header_param(c, f) < 0)
			f->bad_params = true;
	} else if (scn_word_is(kw, "param")) {
		f->bad_params = true;
	}
	st->any = true;
}

/* Does the line's first word look like kw? For lines the lexer refused. */
static bool
starts_with(const struct scn_srcline *sl, const char *kw)
{
	size_t i = 0, n = strlen(kw);

	while (i < sl->len && (sl->text[i] == ' ' || sl->text[i] == '\t'))
		i++;
	return sl->len - i >= n && memcmp(sl->text + i, kw, n) == 0 &&
	    (sl->len - i == n || sl->text[i + n] == ' ' ||
		sl->text[i + n] == '\t');
}

/*
 * A line the lexer refused still counts as a statement of its kind, so one
 * typo does not bring "scenario must come first" and the like after it.
 */
static void
unreadable_line(struct scn_file *f, const struct scn_srcline *sl,
    struct header_state *st)
{
	if (starts_with(sl, "param"))
		f->bad_params = true;
	if (starts_with(sl, "scenario") && st->scenario_line == 0) {
		st->scenario_line = sl->line;
		f->has_scenario = true;
	} else if (!starts_with(sl, "tags") && !starts_with(sl, "param") &&
	    !starts_with(sl, "timeout")) {
		if (!st->in_body)
			st->first_step_line = sl->line;
		st->in_body = true;
	}
	st->any = true;
}

static void
template_read(struct scn_ctx *c, struct scn_file *f)
{
	struct header_state st;
	struct scn_error err;
	struct scn_toks t;
	size_t i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < f->nlines; i++) {
		const struct scn_srcline *sl = &f->lines[i];

		/* no values: ${NAME} is kept as written, the cases replace it */
		if (scn_lex_line(sl->text, sl->len, sl->line, NULL, &t, &err) <
		    0) {
			scn_errs_add(c->errs, &err);
			unreadable_line(f, sl, &st);
		} else if (t.n > 0) {
			c->t = &t;
			c->src = sl;
			template_line(c, f, &st);
			c->t = NULL; /* t is this function's */
		}
		scn_toks_free(&t);
	}
	if (!st.any)
		scn_fail_at(c->errs, 1, 1,
		    "start the file with scenario \"WHAT IT TESTS\"",
		    "the file is empty: expected scenario \"DESCRIPTION\"");
}

struct scn_file *
scn_file_read(const char *path, const char *text, size_t len,
    struct scn_errs *e)
{
	struct scn_file *f;
	struct scn_ctx *c = NULL;
	size_t i;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->text = malloc(len + 1)) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	f->path = path;
	f->scenario_pos.file = path;
	f->scenario_pos.line = 1;
	f->scenario_pos.col = 1;
	memcpy(f->text, text, len);
	f->text[len] = '\0';
	if (split_lines(f, e, len) < 0) {
		if (e->total == 0)
			goto oom;
		free(c);
		return f;
	}
	c->f = f;
	c->errs = e;
	template_read(c, f);
	free(c);
	scn_count_cases(e, f);
	if (f->nparams > 0 &&
	    (f->param_names = calloc(f->nparams, sizeof(char *))) == NULL) {
		scn_file_free(f);
		return NULL;
	}
	for (i = 0; i < f->nparams; i++)
		f->param_names[i] = f->params[i].name;
	return f;
oom:
	free(c);
	scn_file_free(f);
	return NULL;
}

int
scn_file_parse(const char *path, const char *text, size_t len,
    struct scn_file **out, struct scn_error *errs, size_t maxerrs,
    size_t *nerrs)
{
	struct scn_errs e = { .v = errs, .max = maxerrs, .path = path };
	struct scn_file *f;

	*out = NULL;
	if ((f = scn_file_read(path, text, len, &e)) == NULL && e.total == 0)
		scn_fail_at(&e, 1, 1, "", "out of memory reading the file");
	if (nerrs != NULL)
		*nerrs = e.total;
	if (e.total > 0) {
		scn_file_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void
scn_file_free(struct scn_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntags; i++)
		free(f->tags[i]);
	free(f->tags);
	for (i = 0; i < f->nparams; i++)
		param_clear(&f->params[i]);
	free(f->params);
	free(f->param_names);
	free(f->lines);
	free(f->text);
	free(f);
}
