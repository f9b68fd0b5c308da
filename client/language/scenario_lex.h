/*
 * scenario_lex.h - one line of a scenario file, as words.
 *
 * The lexer knows quotes, escapes, comments, indentation and ${NAME}
 * references, and nothing of statements. Every byte of every word keeps the
 * column it came from in the original line, so an error found deep inside a
 * word (a behaviour spec, a substituted value) still points at the source.
 */
#ifndef LINGERLAB_SCENARIO_LEX_H
#define LINGERLAB_SCENARIO_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

struct scn_word {
	char *text;	/* quotes removed, escapes and ${NAME} resolved */
	uint32_t *cols; /* column of each byte of text, len + 1 entries */
	size_t len;
	uint32_t col;	  /* where the word starts (its opening quote) */
	uint32_t end_col; /* the column just after it */
	bool quoted;
	bool has_ref;	 /* a ${NAME} is in it (kept verbatim, or replaced) */
	const char *ref; /* the first NAME replaced in it, for messages */
};

struct scn_toks {
	uint32_t line;
	uint32_t indent;  /* bytes of white space before the first word */
	uint32_t end_col; /* column just after the last word: "end of line" */
	size_t code_len;  /* bytes of the line before its comment */
	struct scn_word *w;
	size_t n;
	size_t cap;
};

/*
 * What ${NAME} means while lexing. values == NULL: keep each reference
 * verbatim, only checking its syntax (reading the header, before any case
 * exists). Otherwise names[i] is replaced by values[i].
 */
struct scn_subst {
	const char *const *names;
	const char *const *values;
	size_t n;
};

/*
 * Split line (len bytes, no newline) into words. Returns 0, or -1 with err
 * filled (pos.file left NULL for the caller). t is always safe to free.
 */
int scn_lex_line(const char *line, size_t len, uint32_t lineno,
    const struct scn_subst *subst, struct scn_toks *t, struct scn_error *err);
void scn_toks_free(struct scn_toks *t);

/* Column of byte off of w (off == len: just after it). */
uint32_t scn_word_col(const struct scn_word *w, size_t off);

/* A parameter or socket name: a letter, then letters, digits, '_' or '-'. */
bool scn_is_name(const char *s, size_t len);

#endif
