/*
 * scenario_parse.h - read scenario files (docs/scenario-language.md).
 *
 * Two stages, because a file is a template for several cases:
 *
 *   scn_file_parse()  reads the header (scenario, tags, param) and keeps the
 *                     lines; enough for "lingerlab list".
 *   scn_file_case()   substitutes one combination of parameter values and
 *                     reads every statement into a struct scenario.
 *
 * scn_file_check() reads every case and reports every distinct error, which
 * is what "lingerlab check" does. Nothing here does I/O: the caller reads
 * the file and hands in its text.
 *
 * Errors: pos.file is the path given to scn_file_parse(), not a copy, so
 * format errors while that string is alive. A struct scenario owns a copy of
 * the path and outlives its file.
 */
#ifndef LINGERLAB_SCENARIO_PARSE_H
#define LINGERLAB_SCENARIO_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"
#include "scenario_kinds.h" /* the kinds' names and properties */

#define SCN_MAX_CASES 4096 /* more is an error, not a truncation */

struct scn_file;

/*
 * Read path's text (len bytes; NUL bytes are errors, not terminators) into
 * *out. Returns 0, or -1 with *out = NULL when the header is wrong. Errors go
 * to errs (the first maxerrs of them); *nerrs is how many were found, which
 * may be more than maxerrs. errs may be NULL when maxerrs is 0; nerrs may be
 * NULL.
 */
int scn_file_parse(const char *path, const char *text, size_t len,
    struct scn_file **out, struct scn_error *errs, size_t maxerrs,
    size_t *nerrs);
void scn_file_free(struct scn_file *f);

/* The header, for "lingerlab list"; the description as written (with any
 * ${NAME} unreplaced). */
const char *scn_file_path(const struct scn_file *f);
const char *scn_file_description(const struct scn_file *f);
size_t scn_file_ntags(const struct scn_file *f);
const char *scn_file_tag(const struct scn_file *f, size_t i);
bool scn_file_has_tag(const struct scn_file *f, const char *tag);
size_t scn_file_nparams(const struct scn_file *f);
const struct scn_param *scn_file_param(const struct scn_file *f, size_t i);

/*
 * Cases: the cartesian product of the parameters' values in declaration
 * order, the last parameter varying fastest. One case when there are none.
 */
size_t scn_file_ncases(const struct scn_file *f);

/* "path[a=1,b=x]", or the plain path without parameters. Returns the length
 * it needs (snprintf's rule), so a result >= len means it did not fit. */
size_t scn_file_case_name(const struct scn_file *f, size_t index, char *buf,
    size_t len);

/* The value parameter name has in case index, or NULL if no such parameter. */
const char *scn_file_case_value(const struct scn_file *f, size_t index,
    const char *name);

/*
 * Build case index. Returns 0 and sets *out (free with scenario_free), or -1
 * with *out = NULL and the first error in *err (err may be NULL).
 */
int scn_file_case(const struct scn_file *f, size_t index, struct scenario **out,
    struct scn_error *err);

/* The same, collecting every error of the case as scn_file_parse does. */
int scn_file_case_errors(const struct scn_file *f, size_t index,
    struct scenario **out, struct scn_error *errs, size_t maxerrs,
    size_t *nerrs);

/*
 * Build case index for a run over the families fams (SCN_FAMS_*, the
 * run's --family): one case per family, or just one when every socket
 * names its own family (the run's does not matter then; a case of no
 * sockets too). With named (--family was given) each case's name ends in
 * its family, "x.scn[mode=blocking,family=ipv6]"; without, only a case
 * that is not IPv4 says so. Sets out[0..*nout) (at most 2, free each with
 * scenario_free) and returns 0, or -1 with *nout = 0 and the errors as
 * scn_file_case_errors() gives them. scn_file_case() and
 * scn_file_case_errors() build the IPv4 case of a plain run.
 */
int scn_file_case_families(const struct scn_file *f, size_t index,
    unsigned fams, bool named, struct scenario *out[2], size_t *nout,
    struct scn_error *errs, size_t maxerrs, size_t *nerrs);

/*
 * Read every case and report each distinct error once (an error in a line
 * that does not depend on the parameters would otherwise repeat per case).
 * Returns 0 when all cases are good, -1 otherwise.
 */
int scn_file_check(const struct scn_file *f, struct scn_error *errs,
    size_t maxerrs, size_t *nerrs);

/* scn_file_parse() then scn_file_check(): one call for a whole file. Sets
 * *ncases (0 when the header is wrong); ncases may be NULL. */
int scn_check_text(const char *path, const char *text, size_t len,
    struct scn_error *errs, size_t maxerrs, size_t *nerrs, size_t *ncases);

/* Free a case and everything it owns (NULL is fine). */
void scenario_free(struct scenario *sc);

/*
 * "path:line:col: error: MSG\n" and, when there is a hint, "  hint: HINT\n".
 * Returns the length it needs, as snprintf does.
 */
size_t scn_error_format(const struct scn_error *e, char *buf, size_t len);

/* Error names a scenario may expect: POSIX names and Winsock's WSAE* ones. */
bool scn_errno_known(const char *name);
bool scn_errno_is_winsock(const char *name);
/* True when a and b name the same error: equal, or EAGAIN and EWOULDBLOCK. */
bool scn_errno_same(const char *a, const char *b);

#endif
