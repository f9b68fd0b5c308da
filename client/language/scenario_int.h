/*
 * scenario_int.h - what the scenario parser's files share: the file
 * template, the state of reading one case, and the word readers that turn
 * "expected a size, got 10kb" into an error with a position and a hint.
 * Not for other modules: they use scenario_parse.h.
 */
#ifndef LINGERLAB_SCENARIO_INT_H
#define LINGERLAB_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "scenario_lex.h"
#include "scenario_parse.h"

struct scn_srcline {
	const char *text; /* into scn_file.text; no newline, no '\r' */
	size_t len;
	uint32_t line;
};

struct scn_file {
	const char *path; /* the caller's */
	char *text;	  /* a copy of the file */
	struct scn_srcline *lines;
	size_t nlines;
	char description[SCN_TEXT_MAX]; /* as written */
	struct scn_pos scenario_pos;	/* of the word "scenario" */
	char **tags;
	size_t ntags;
	struct scn_param *params;
	size_t nparams;
	const char **param_names; /* params[i].name, as scn_subst wants */
	size_t ncases;
	bool bad_params;   /* a param line was wrong: cases are unknown */
	bool has_scenario; /* a scenario line was found */
};

/* Where errors go; see scn_file_parse() for the meaning of n and total. */
struct scn_errs {
	struct scn_error *v;
	size_t max;
	size_t n;     /* stored */
	size_t total; /* found */
	const char *path;
	bool dedupe;  /* drop one already stored (same place and text) */
	size_t found; /* reported, duplicates included */
};

/* How a socket name came to be, for the "declared before use" checks. */
#define SOCKF_FD       0x1 /* socket or accept: a descriptor exists */
#define SOCKF_PENDING  0x2 /* named by peer connect, not accepted yet */
#define SOCKF_LISTENED 0x4 /* listen was called on it */

#define SCN_PORT_BYTES (65536 / 8)
#define COND_HINT      "conditions look like fins>=2, rx>=10KiB or state=CLOSE_WAIT"

/* Reading one case. */
struct scn_ctx {
	const struct scn_file *f;
	struct scn_errs *errs;
	struct scenario *sc;
	const char *const *values; /* this case's value of each parameter */
	const struct scn_toks *t;  /* the line being read */
	const struct scn_srcline *src;
	uint8_t sockf[SCN_MAX_SOCKS];
	uint32_t sock_line[SCN_MAX_SOCKS];  /* where each was declared */
	uint8_t peer_ports[SCN_PORT_BYTES]; /* peer listen */
	uint8_t sut_ports[SCN_PORT_BYTES]; /* listen on the system under test */
	uint16_t first_peer_port;
	bool point_since_step; /* a left-margin expect followed the last step */
	bool step_failed;      /* the last step line was wrong: do not attach */
	bool in_body;	       /* a step has been read */
	bool saw_timeout;
	size_t
	    open_block; /* the repeat being read: its step index + 1, 0: none */
	size_t
	    last_block; /* the last repeat begun: its step index + 1, 0: none */
	uint32_t block_line; /* where open_block's repeat is */
	bool bad_repeat;     /* a repeat line was wrong: its end is no error */
	size_t block_errs;   /* errors found when the open block began */
	size_t sock_block[SCN_MAX_SOCKS]; /* the block a name was declared in */
	uint8_t family;	     /* the case's, as it is read (enum scn_family) */
	bool socket_unnamed; /* a socket step named no family */
	int first_named;     /* the family the first socket step named, 0 */
};

/* Reads words [i, end) of the current line. */
struct scn_cur {
	struct scn_ctx *c;
	size_t i;
	size_t end;
	const char *usage; /* the statement's usage: the default hint */
};

/* scenario_parse.c: the template */
struct scn_file *scn_file_read(const char *path, const char *text, size_t len,
    struct scn_errs *e);
/* The header statements: scenario, tags, param, timeout. */
#define SCN_NHEADER 4
extern const char *const scn_header_statements[SCN_NHEADER];

/* scenario_errors.c: errors, quoted words, suggestions */
void scn_errs_add(struct scn_errs *e, const struct scn_error *err);
int scn_fail_at(struct scn_errs *e, uint32_t line, uint32_t col,
    const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int scn_fail(struct scn_ctx *c, uint32_t col, const char *hint, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
const char *scn_quote(const struct scn_word *w, char *buf, size_t len);
const char *scn_suggest(const char *word, const char *const *list, size_t n);

/* scenario_lex.c: word readers; each fails with a positioned error */
bool scn_word_is(const struct scn_word *w, const char *s);
int scn_parse_int(const char *s, int64_t *out);
bool scn_more(const struct scn_cur *k);
const struct scn_word *scn_next(struct scn_cur *k, const char *what,
    const char *hint);
int scn_done(struct scn_cur *k, const char *hint);
int scn_read_keyword(struct scn_cur *k, const char *kw, const char *hint);
int scn_read_size(struct scn_cur *k, const char *what, uint64_t *out);
int scn_read_duration(struct scn_cur *k, const char *what, uint64_t *out);
int scn_read_int(struct scn_cur *k, const char *what, int64_t min, int64_t max,
    int64_t *out);
int scn_read_port(struct scn_cur *k, uint16_t *out);
int scn_read_text(struct scn_cur *k, const char *what, char *buf, size_t len);
bool scn_port_has(const uint8_t *set, uint16_t port);
void scn_port_add(uint8_t *set, uint16_t port);

/* scenario_steps.c */
int scn_parse_step(struct scn_ctx *c);
/* A block's sockets are its own (one made before a block is shared by its
 * iterations): may SOCK (word w, index idx) be used here? 0 or -1. */
int scn_block_sock(struct scn_cur *k, const struct scn_word *w, int idx);
/* At the end of a case: a repeat without its end is an error. */
void scn_block_left_open(struct scn_ctx *c);

/* scenario_peer.c: the peer's statements, for the table in scenario_steps.c */
int scn_parse_peer_listen(struct scn_cur *k, struct scn_step *s);
int scn_parse_peer_behaviour(struct scn_cur *k, struct scn_step *s);
int scn_parse_peer_sock(struct scn_cur *k, struct scn_step *s);
int scn_parse_peer_read(struct scn_cur *k, struct scn_step *s);
int scn_parse_peer_send(struct scn_cur *k, struct scn_step *s);
int scn_parse_peer_connect(struct scn_cur *k, struct scn_step *s);
int scn_parse_wait_peer(struct scn_cur *k, struct scn_step *s);

/* scenario_probe.c: probe expectations (growth fds <= 0, ...) */
bool scn_is_probe_body(const char *word);
int scn_parse_probe_body(struct scn_cur *k, struct scn_expect *e);

/* scenario_expect.c */
struct control_cond;
int scn_parse_expect(struct scn_ctx *c);

/* What an expect line is, for its errors (scenario_expect.c, _clause.c). */
#define EXPECT_USAGE                                                           \
	"usage: expect [OS:] BODY [because \"SOURCE\"] [if NAME = VALUE ...]"

/* scenario_clause.c: an expectation's OS prefix ("linux:", "linux,freebsd:")
 * into *mask, and the clauses after its body (if ..., and ..., because
 * "..."), from word i on; *keep false when a condition does not hold. */
int scn_os_prefix(struct scn_ctx *c, const struct scn_word *w, uint32_t *mask);
int scn_clauses(struct scn_ctx *c, size_t i, struct scn_expect *e, bool *keep);
int scn_check_cond(struct scn_ctx *c, const char *cond, uint32_t col,
    struct control_cond *out);

/* scenario_matrix.c: parameters to cases */
/* Sets f->ncases, or f->bad_params with an error when there are too many. */
void scn_count_cases(struct scn_errs *e, struct scn_file *f);
/* Case index's value of each parameter, in declaration order. */
void scn_case_values(const struct scn_file *f, size_t index,
    const char **values);

/* The reserved condition name of a case's family (`if family = ipv6`). */
#define SCN_FAMILY_COND "family"

/* scenario_socks.c: socket names declared before use */
int scn_find_sock(const struct scenario *sc, const char *name);
int scn_read_sock(struct scn_cur *k, unsigned need, int *out);
int scn_new_sock(struct scn_cur *k, bool pending_ok, int *out);

/* scenario_attach.c: an expectation to the step it follows */
int scn_attach(struct scn_ctx *c, struct scn_expect *e, bool keep);

/* scenario_names.c: the known errno name closest to name, or NULL. */
const char *scn_errno_suggest(const char *name);

#endif
