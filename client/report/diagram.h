/*
 * diagram.h - pictures of a case for people: a ladder (sequence) diagram of
 * what the client's system calls, the peer and the wire did, in time order,
 * drawn for a terminal or as SVG; and a table of a run's checks, for a
 * terminal or as one HTML page with each case's diagram.
 *
 * The model (diagram.c) is built once from what the runner observed (a
 * struct case_obs and its scenario) and, if given, the verdicts; it copies
 * every text it shows, so it outlives both. The renderers only format: they
 * take a finished model and write to a stream. Pure code: no clock, no
 * file names, no terminal detection (the caller says whether to colour).
 */
#ifndef LINGERLAB_DIAGRAM_H
#define LINGERLAB_DIAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ip_address.h"
#include "observe.h"
#include "scenario.h"
#include "series.h"
#include "verdict.h"

#define DG_TEXT_MAX  160
/* Connections told apart; segments of more are drawn with absolute numbers. */
#define DG_MAX_CONNS 4096
/* A longer diagram keeps its first and last DG_MAX_ROWS / 2 rows and says
 * how many were left out between them. */
#define DG_MAX_ROWS  400

/* A run of identical repeats of two more than this many cycles is cut
 * to this many and a line that counts the rest. */
#define DG_KEEP_REPEATS 3

enum dg_kind {
	DG_CALL = 1, /* a socket call starts (client side) */
	DG_RETURN,   /* it returns; ref: its DG_CALL row */
	DG_PEER,     /* a peer command or behaviour change (peer side) */
	DG_WAIT,     /* `wait` (client side) or `wait peer` (peer side) */
	DG_SEG,	     /* a segment: one arrow */
	DG_REPEAT,   /* the `period` rows above, `count` more times */
	DG_CHECK,    /* a check that did not pass, at the time it was decided */
	DG_NOTE,     /* the case stopped early, the capture is incomplete */
};

/* A segment as drawn: sequence numbers relative to each side's ISN. */
struct dg_seg {
	bool from_client;
	uint8_t flags; /* TCPF_* */
	uint32_t seq;  /* relative to the sender's ISN */
	uint32_t ack;  /* relative to the receiver's ISN; with TCPF_ACK */
	uint32_t len;
	uint16_t window; /* as on the wire (unscaled) */
	bool retx;	 /* wire_classify(): a retransmission */
	bool zwp;	 /* a zero-window probe */
};

struct dg_row {
	enum dg_kind kind;
	uint64_t t_ns; /* from the case's start */
	/* DG_CALL, DG_RETURN, DG_WAIT: when it returned; DG_REPEAT: the
	 * last repeat */
	uint64_t t_end_ns;
	uint64_t took_ns; /* DG_CALL, DG_RETURN, DG_WAIT: how long it ran */
	int conn;	  /* DG_SEG, DG_REPEAT: index into conns; else -1 */
	bool peer_side;	  /* DG_PEER, and DG_WAIT for `wait peer` */
	/* DG_CALL: its DG_RETURN row; DG_RETURN: its DG_CALL row; else
	 * SIZE_MAX */
	size_t ref;
	/* DG_CALL: nothing happens between it and its return, so one line
	 * can show both (the DG_RETURN row follows it at once) */
	bool instant;
	bool failed;   /* a call returned -1, a peer command failed */
	size_t period; /* DG_REPEAT: how many rows repeat */
	/* DG_REPEAT: how many more times; DG_NOTE: rows left out here */
	size_t count;
	bool call_open;	   /* DG_NOTE that left rows out: a call was in
				 * progress where the rows resume */
	struct dg_seg seg; /* DG_SEG, and DG_REPEAT (the first row's) */
	/* "close(c)", "listen 7002: swallow-fin", "wait 1 s", a check ... */
	char text[DG_TEXT_MAX];
	/* DG_CALL, DG_RETURN: "0", "-1 EWOULDBLOCK"; DG_WAIT, DG_PEER: what
	 * the peer said when it failed; DG_CHECK: "FAIL" */
	char result[DG_TEXT_MAX];
};

/* One TCP connection on the wire, by the socket that made it. */
struct dg_conn {
	char name[SCN_NAME_MAX]; /* the scenario's socket name; "" unknown */
	struct ip_addr caddr, paddr; /* family IPF_NONE when not known */
	uint16_t cport, pport;
	uint32_t isn[2];      /* [0] client's, [1] peer's */
	bool isn_from_syn[2]; /* false: the first sequence number seen */
	bool seen[2];	      /* a segment from that side was captured */
};

struct diagram {
	char title[SCN_TEXT_MAX]; /* the case's name */
	char description[SCN_TEXT_MAX];
	char os_name[32];
	uint64_t duration_ns;
	struct dg_conn *conns; /* in the order they first appear */
	size_t nconns;
	size_t conns_cap;
	size_t nsegs; /* segments captured (before folding) */
	struct dg_row *rows;
	size_t nrows;
	size_t cap;
	/* verdict counts, when the model was built with them */
	bool have_counts;
	size_t counts[VERDICT_KIND_COUNT];
	/* the bounds of its probe checks, for the probe plots next to the
	 * ladder (series_svg_sheet(), dg_html()); with the verdicts only */
	struct series_bound bounds[SERIES_BOUNDS_MAX];
	size_t nbounds;
};

struct dg_options {
	/* a run of identical cycles of segments with a retransmission or
	 * probe in it shows this many, then one DG_REPEAT row, when that
	 * leaves out two or more (0: DG_KEEP_REPEATS) */
	unsigned keep_repeats;
	size_t max_rows; /* 0: DG_MAX_ROWS */
};

/*
 * Build the model of one case. cr may be NULL (no DG_CHECK rows, no
 * counts); opts may be NULL. obs->segs must have been through
 * wire_classify(). Returns the model (dg_free() it), or NULL with errno
 * ENOMEM or EINVAL.
 */
struct diagram *dg_build(const struct case_obs *obs,
    const struct case_result *cr, const struct dg_options *opts);
void dg_free(struct diagram *dg);

/*
 * The words renderers share (times and durations are words/
 * duration_text.h's). A segment's label: "FIN ACK seq 10241 ack 1 win 63
 * retx", with "c: " before it when the case has several connections
 * (flags as tcpf_words() writes them).
 */
size_t dg_seg_label(const struct diagram *dg, const struct dg_row *r, char *buf,
    size_t len);
/* A DG_REPEAT row in words: "the segment above 7 more times, until +63.104 s". */
size_t dg_repeat_words(const struct dg_row *r, char *buf, size_t len);
/* A connection for a header: "c: 192.0.2.1:40000 > 192.0.2.2:7000";
 * "port 40002: client:40002 > peer:7000" when no socket is known by it. */
size_t dg_conn_words(const struct dg_conn *c, char *buf, size_t len);

/*
 * The terminal ladder: time on the far left (ms), the client's lifeline,
 * its calls and how long they ran, one arrow per segment, the peer's
 * lifeline with its commands and behaviour changes at the right. About 80
 * columns. Returns 0, or -1 when the stream failed.
 */
int dg_text(const struct diagram *dg, bool colour, FILE *fp);

/*
 * The same as SVG. standalone: an XML declaration first (a file of its
 * own); otherwise the bare <svg> element, for inlining in HTML. id: what
 * the element ids start with (NULL: nothing), different for each diagram
 * of a page, or one diagram's arrowheads would be drawn from another's.
 */
int dg_svg(const struct diagram *dg, bool standalone, const char *id, FILE *fp);

/* ---- the run's summary table (diagram_summary.c, diagram_html.c) ---- */

/* The table's columns: what kind of expectation a check is. */
enum dg_col {
	DG_COL_CALL,   /* returns, fails, sends: the call's result */
	DG_COL_BLOCKS, /* blocks at-least / at-most / about */
	DG_COL_WIRE,   /* wire ... */
	DG_COL_STATE,  /* state */
	DG_COL_PEER,   /* peer */
	DG_COL_CASE,   /* "other": the case itself (it stopped early), and
			 * kinds of other commands */
	DG_COL_COUNT
};

struct dg_checks {
	size_t n[DG_COL_COUNT][VERDICT_KIND_COUNT];
};

/* "returns", "blocks", "wire", "state", "peer", "other". */
const char *dg_col_name(enum dg_col col);
/* How many columns a table of these cases shows: DG_COL_COUNT when any
 * case has a check under "other", else DG_COL_CASE. */
size_t dg_columns(const struct run_result *run, const struct dg_checks *checks);

/* Count cr's verdicts by column (sc: the case cr was evaluated from). */
void dg_checks_count(const struct scenario *sc, const struct case_result *cr,
    struct dg_checks *out);

/*
 * The table for a terminal: a row per case, a column per kind of check,
 * each cell "passed/checked" with a mark when one failed. checks[i] goes
 * with run->cases[i]. Returns 0, or -1 when the stream failed.
 */
int dg_summary_text(const struct run_result *run,
    const struct dg_checks *checks, bool colour, FILE *fp);

/*
 * One self-contained page (well-formed XHTML, so XML tools read it): the
 * table, and below each case's row its checks (failures in full) and its
 * diagram inline. dgs[i] may be NULL (no diagram for that case).
 */
int dg_html(const struct run_result *run, const struct dg_checks *checks,
    struct diagram *const *dgs, FILE *fp);

#endif
