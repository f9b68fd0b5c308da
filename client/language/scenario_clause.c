/*
 * scenario_clause.c - what surrounds an expectation's body: the OS prefix
 * ("linux:", "linux,freebsd:") and the clauses after it ("if NAME =
 * VALUE", "and", "because"), for scenario_expect.c (scenario_int.h).
 */
#include "scenario_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* "linux:" or "linux,freebsd:" */
int
scn_os_prefix(struct scn_ctx *c, const struct scn_word *w, uint32_t *mask)
{
	static const char *const names[] = { "linux", "freebsd", "windows" };
	const char *hint =
	    "use linux:, freebsd: or windows: (several: linux,freebsd:)";
	size_t at, len, i;
	char h[80];

	*mask = 0;
	for (at = 0; at < w->len - 1; at += len + 1) {
		len = strcspn(w->text + at, ",:");
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == len &&
			    memcmp(w->text + at, names[i], len) == 0)
				break;
		if (i == 3) {
			char one[24];
			const char *near;

			snprintf(one, sizeof(one), "%.*s",
			    (int)(len > 20 ? 20 : len), w->text + at);
			if ((near = scn_suggest(one, names, 3)) != NULL)
				snprintf(h, sizeof(h), "did you mean %s:?",
				    near);
			return scn_fail(c, scn_word_col(w, at),
			    near != NULL ? h : hint,
			    "unknown OS prefix \"%s:\"", one);
		}
		if (*mask & (1u << i))
			return scn_fail(c, scn_word_col(w, at), hint,
			    "%s is given twice", names[i]);
		*mask |= 1u << i;
	}
	if (*mask == 0)
		return scn_fail(c, w->col, hint,
		    "expected an OS name before ':'");
	return 0;
}

#define IF_USAGE                                                               \
	"usage: ... if NAME = VALUE [and NAME = VALUE ...] (NAME a parameter " \
	"of this file, or family)"
#define MAX_CONDS 64 /* more than a 255-byte line can hold */

/* The parameters an expectation's conditions have named so far. */
struct conds {
	size_t p[MAX_CONDS];
	size_t n;
};

/* The case's address family, a condition in every file (no param line). */
#define FAMILY_P ((size_t)-1)

static int
family_cond(struct scn_ctx *c, const char *value, uint32_t vcol,
    const char *quoted, bool *keep)
{
	enum scn_family fam = scn_family_from_name(value);

	if (fam == SCN_FAM_NONE)
		return scn_fail(c, vcol, "the family of a case is ipv4 or ipv6",
		    "%s is not a value of family", quoted);
	*keep = *keep && (unsigned)fam == c->family;
	return 0;
}

/*
 * One condition, NAME = VALUE or NAME=VALUE, from k->i on. It holds in this
 * case or not (*keep), but is checked in every case: a name that is not a
 * parameter, one given twice, or a value the param line does not list is an
 * error wherever the case.
 */
static int
one_cond(struct scn_ctx *c, struct scn_cur *k, struct conds *cs, bool *keep)
{
	const struct scn_file *f = c->f;
	const struct scn_word *w, *v;
	const char *eq, *value;
	char name[SCN_NAME_MAX + 8], q[96];
	uint32_t vcol;
	size_t p, j;

	if ((w = scn_next(k, "a parameter name", IF_USAGE)) == NULL)
		return -1;
	eq = w->quoted ? NULL : strchr(w->text, '=');
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(w->text, "="),
	    w->text);
	for (p = 0; p < f->nparams && strcmp(f->params[p].name, name) != 0; p++)
		continue;
	if (!w->quoted && strcmp(name, SCN_FAMILY_COND) == 0)
		p = FAMILY_P;
	else if (p == f->nparams || w->quoted)
		return scn_fail(c, w->col,
		    f->nparams == 0
			? "this file has no parameters; "
			  "family (ipv4, ipv6) is the one condition "
			  "every file has"
			: IF_USAGE,
		    "%s is not a parameter of this file",
		    scn_quote(w, q, sizeof(q)));
	for (j = 0; j < cs->n; j++)
		if (cs->p[j] == p)
			return scn_fail(c, w->col,
			    "a parameter has one value in each case: "
			    "name it once",
			    "%s is given twice", name);
	if (cs->n == MAX_CONDS)
		return scn_fail(c, w->col, "split the expectation",
		    "too many conditions "
		    "(at most %d)",
		    MAX_CONDS);
	cs->p[cs->n++] = p;
	if (eq != NULL) {
		/* NAME=VALUE in one word: the value starts after the '=' */
		value = eq + 1;
		vcol = scn_word_col(w, (size_t)(value - w->text));
		if (*value == '\0')
			return scn_fail(c, vcol, IF_USAGE,
			    "expected a value after %s=", name);
		snprintf(q, sizeof(q), "\"%.40s\"", value);
	} else {
		if (scn_read_keyword(k, "=", IF_USAGE) < 0 ||
		    (v = scn_next(k, "a value", IF_USAGE)) == NULL)
			return -1;
		value = v->text;
		vcol = v->col;
		scn_quote(v, q, sizeof(q));
	}
	if (p == FAMILY_P)
		return family_cond(c, value, vcol, q, keep);
	for (j = 0; j < f->params[p].nvalues; j++)
		if (strcmp(f->params[p].values[j], value) == 0)
			break;
	if (j == f->params[p].nvalues)
		return scn_fail(c, vcol,
		    "the value must be one of those the param line lists",
		    "%s is not a value of %s", q, name);
	*keep = *keep && strcmp(c->values[p], f->params[p].values[j]) == 0;
	return 0;
}

/* "if" at word *i, then one condition, and more joined by "and". */
static int
clause_if(struct scn_ctx *c, size_t *i, struct conds *cs, bool *keep)
{
	struct scn_cur k = { c, *i + 1, c->t->n, IF_USAGE };

	for (;;) {
		if (one_cond(c, &k, cs, keep) < 0)
			return -1;
		if (k.i >= k.end || !scn_word_is(&c->t->w[k.i], "and"))
			break;
		k.i++;
	}
	*i = k.i;
	return 0;
}

/*
 * Everything after the body: because "SOURCE" once, and any number of
 * conditions, each after if or and; all of them must hold.
 */
int
scn_clauses(struct scn_ctx *c, size_t i, struct scn_expect *e, bool *keep)
{
	struct conds cs = { { 0 }, 0 };
	struct scn_cur k;
	char q[96];

	*keep = true;
	while (i < c->t->n) {
		const struct scn_word *w = &c->t->w[i];

		if (scn_word_is(w, "because")) {
			if (e->because[0] != '\0')
				return scn_fail(c, w->col, "give one source",
				    "because is given twice");
			/* the source is the one word after because, if there is one */
			k = (struct scn_cur){ c, i + 1,
				i + 2 < c->t->n ? i + 2 : c->t->n,
				EXPECT_USAGE };
			if (scn_read_text(&k, "the source", e->because,
				sizeof(e->because)) < 0)
				return -1;
			if (e->because[0] == '\0')
				return scn_fail(c, w->col,
				    "name the kernel function or the document",
				    "because needs a source");
			i = k.i;
		} else if (scn_word_is(w, "if")) {
			if (clause_if(c, &i, &cs, keep) < 0)
				return -1;
		} else if (scn_word_is(w, "and")) {
			return scn_fail(c, w->col,
			    "and joins two conditions: if NAME = VALUE "
			    "and NAME = VALUE",
			    "unexpected \"and\" (no condition before it)");
		} else {
			return scn_fail(c, w->col,
			    "an expectation ends with because \"SOURCE\" "
			    "and if NAME = VALUE [and ...]",
			    "unexpected %s", scn_quote(w, q, sizeof(q)));
		}
	}
	return 0;
}
