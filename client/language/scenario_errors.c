/*
 * scenario_errors.c - the scenario reader's errors: collecting them (each
 * distinct one once, when asked), quoting the word at fault, suggesting
 * the name a typo was meant to be, and the file:line:col form they print
 * in.
 *
 * An error names the place, what was expected there and what was found, and
 * gives a hint.
 */
#include "scenario_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
scn_errs_add(struct scn_errs *e, const struct scn_error *err)
{
	size_t i;

	e->found++;
	if (e->dedupe) {
		for (i = 0; i < e->n; i++) {
			const struct scn_error *o = &e->v[i];

			if (o->pos.line == err->pos.line &&
			    o->pos.col == err->pos.col &&
			    strcmp(o->msg, err->msg) == 0 &&
			    strcmp(o->hint, err->hint) == 0)
				return;
		}
	}
	e->total++;
	if (e->n < e->max) {
		e->v[e->n] = *err;
		e->v[e->n].pos.file = e->path;
		e->n++;
	}
}

static void vfail(struct scn_errs *e, uint32_t line, uint32_t col,
    const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void
vfail(struct scn_errs *e, uint32_t line, uint32_t col, const char *hint,
    const char *fmt, va_list ap)
{
	struct scn_error err;

	memset(&err, 0, sizeof(err));
	err.pos.line = line;
	err.pos.col = col;
	vsnprintf(err.msg, sizeof(err.msg), fmt, ap);
	snprintf(err.hint, sizeof(err.hint), "%s", hint != NULL ? hint : "");
	scn_errs_add(e, &err);
}

int
scn_fail_at(struct scn_errs *e, uint32_t line, uint32_t col, const char *hint,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(e, line, col, hint, fmt, ap);
	va_end(ap);
	return -1;
}

int
scn_fail(struct scn_ctx *c, uint32_t col, const char *hint, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c->errs, c->t->line, col, hint, fmt, ap);
	va_end(ap);
	return -1;
}

/* "10kb" in quotes for a message; long words are shortened, and say so.
 * buf should hold 96 bytes. */
const char *
scn_quote(const struct scn_word *w, char *buf, size_t len)
{
	int n;

	if (w->len > 40)
		n = snprintf(buf, len, "\"%.37s...\"", w->text);
	else
		n = snprintf(buf, len, "\"%s\"", w->text);
	/* a value that came from a parameter says so: the line shows ${NAME} */
	if (w->ref != NULL && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (from ${%s})", w->ref);
	return buf;
}

static size_t
edit_distance(const char *a, const char *b)
{
	size_t row[65], la = strlen(a), lb = strlen(b), i, j, diag, up;

	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = diag +
			    (tolower((unsigned char)a[i - 1]) !=
				tolower((unsigned char)b[j - 1]));

			up = row[j];
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The closest name in list, if it is close enough to be a typo of it. */
const char *
scn_suggest(const char *word, const char *const *list, size_t n)
{
	size_t i, d, best = 3, len = strlen(word);
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		d = edit_distance(word, list[i]);
		if (d < best && d <= len / 2) {
			best = d;
			pick = list[i];
		}
	}
	return pick;
}

size_t
scn_error_format(const struct scn_error *e, char *buf, size_t len)
{
	int n;

	if (e->hint[0] != '\0')
		n = snprintf(buf, len, "%s:%u:%u: error: %s\n  hint: %s\n",
		    e->pos.file != NULL ? e->pos.file : "-", e->pos.line,
		    e->pos.col, e->msg, e->hint);
	else
		n = snprintf(buf, len, "%s:%u:%u: error: %s\n",
		    e->pos.file != NULL ? e->pos.file : "-", e->pos.line,
		    e->pos.col, e->msg);
	return n < 0 ? 0 : (size_t)n;
}
