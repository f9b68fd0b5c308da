/*
 * diagram_summary.c - a run in one table: a row per case, a column per kind
 * of check (the call's result, how long it blocked, the wire, the socket's
 * state, the peer's record), each cell "passed/checked on this system".
 *
 *   returns  blocks   wire     state    peer     n/a  result    time  case
 *   2/2      1/1      3/3      1/1      1/1        5  PASS     2.1 s  x.scn[mode=blocking]
 *   -        -        0/1 FAIL -        -          0  FAIL     0.2 s  must-fail.scn
 *
 * The cases' common directory is said once above the table, so the names
 * stay short; a name runs past 80 columns only when it is long itself.
 */
#include "diagram.h"
#include "report_int.h"

#include <string.h>

#include "duration_text.h"
#include "escape.h"

#define CELL_W 9

const char *
dg_col_name(enum dg_col col)
{
	static const char *names[DG_COL_COUNT] = {
		[DG_COL_CALL] = "returns",
		[DG_COL_BLOCKS] = "blocks",
		[DG_COL_WIRE] = "wire",
		[DG_COL_STATE] = "state",
		[DG_COL_PEER] = "peer",
		[DG_COL_CASE] = "other",
	};

	return (size_t)col < DG_COL_COUNT ? names[col] : "?";
}

static enum dg_col
col_of(enum scn_expect_kind kind)
{
	switch (kind) {
	case EXP_RETURNS:
	case EXP_FAILS:
	case EXP_SENDS: return DG_COL_CALL;
	case EXP_BLOCKS_AT_LEAST:
	case EXP_BLOCKS_AT_MOST:
	case EXP_BLOCKS_ABOUT: return DG_COL_BLOCKS;
	case EXP_WIRE_SENDS:
	case EXP_WIRE_SENDS_NO:
	case EXP_WIRE_RETRANSMITS:
	case EXP_WIRE_ZWP: return DG_COL_WIRE;
	case EXP_STATE: return DG_COL_STATE;
	case EXP_PEER: return DG_COL_PEER;
	case EXP_PROBE: /* and kinds of other commands (observe's probes) */
	case EXP_KIND_COUNT: break;
	}
	return DG_COL_CASE;
}

void
dg_checks_count(const struct scenario *sc, const struct case_result *cr,
    struct dg_checks *out)
{
	const struct verdict *v;
	enum dg_col col;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cr->nverdicts; i++) {
		v = &cr->verdicts[i];
		col = DG_COL_CASE;
		if (sc != NULL && v->step < sc->nsteps &&
		    v->index < sc->steps[v->step].nexpects)
			col = col_of(sc->steps[v->step].expects[v->index].kind);
		if ((size_t)v->kind < VERDICT_KIND_COUNT)
			out->n[col][v->kind]++;
	}
}

/* Checks decided on this system (passed or not): all but not applicable. */
static size_t
checked(const size_t *n)
{
	return n[VERDICT_PASS] + n[VERDICT_FAIL] + n[VERDICT_NOT_REACHED] +
	    n[VERDICT_ERROR];
}

size_t
dg_columns(const struct run_result *run, const struct dg_checks *checks)
{
	size_t i, k;

	for (i = 0; i < run->ncases; i++)
		for (k = 0; k < VERDICT_KIND_COUNT; k++)
			if (checks[i].n[DG_COL_CASE][k] > 0)
				return DG_COL_COUNT;
	return DG_COL_CASE;
}

/* How long the directory all names start with is ("" when they differ). */
static size_t
common_dir(const struct run_result *run)
{
	size_t i, k, n;

	if (run->ncases == 0)
		return 0;
	n = strlen(run->cases[0].name);
	for (i = 1; i < run->ncases; i++) {
		for (k = 0;
		     k < n && run->cases[i].name[k] == run->cases[0].name[k];
		     k++)
			;
		n = k;
	}
	while (n > 0 && run->cases[0].name[n - 1] != '/')
		n--;
	return n;
}

static void
cell(FILE *fp, const size_t *n, bool colour)
{
	char buf[32];
	size_t c = checked(n);
	const char *esc = "\033[32m";

	if (c > 0 && c == n[VERDICT_PASS])
		snprintf(buf, sizeof(buf), "%zu/%zu", n[VERDICT_PASS], c);
	else if (c > 0) {
		snprintf(buf, sizeof(buf), "%zu/%zu FAIL", n[VERDICT_PASS], c);
		esc = "\033[1;31m";
	} else {
		snprintf(buf, sizeof(buf), "%s",
		    n[VERDICT_NOT_APPLICABLE] > 0 ? "n/a" : "-");
		esc = "\033[2m";
	}
	if (colour)
		fprintf(fp, "%s%-*s\033[0m", esc, CELL_W, buf);
	else
		fprintf(fp, "%-*s", CELL_W, buf);
}

static void
result_word(FILE *fp, const struct case_result *cr, bool colour)
{
	size_t failed = cr->counts[VERDICT_FAIL] +
	    cr->counts[VERDICT_NOT_REACHED] + cr->counts[VERDICT_ERROR];
	const char *word = cr->aborted ? "STOPPED"
	    : failed > 0	       ? "FAIL"
				       : "PASS";

	if (colour)
		fprintf(fp, "%s%-8s\033[0m",
		    failed > 0 || cr->aborted ? "\033[1;31m" : "\033[1;32m",
		    word);
	else
		fprintf(fp, "%-8s", word);
}

int
dg_summary_text(const struct run_result *run, const struct dg_checks *checks,
    bool colour, FILE *fp)
{
	size_t i, k, dir = common_dir(run), ncols = dg_columns(run, checks);
	char took[32];
	size_t col;

	fprintf(fp, "summary of %zu case%s", run->ncases,
	    run->ncases == 1 ? "" : "s");
	if (dir > 0) {
		fprintf(fp, " in ");
		fprintf(fp, "%.*s", (int)dir, run->cases[0].name);
	}
	fprintf(fp, "\n  ");
	for (col = 0; col < ncols; col++)
		fprintf(fp, "%-*s", CELL_W, dg_col_name(col));
	fprintf(fp, "%4s  %-8s%7s  case\n", "n/a", "result", "time");
	for (i = 0; i < run->ncases; i++) {
		fprintf(fp, "  ");
		for (col = 0; col < ncols; col++)
			cell(fp, checks[i].n[col], colour);
		for (k = 0, col = 0; col < DG_COL_COUNT; col++)
			k += checks[i].n[col][VERDICT_NOT_APPLICABLE];
		fprintf(fp, "%4zu  ", k);
		result_word(fp, &run->cases[i], colour);
		dur_seconds(run->cases[i].duration_ns, took, sizeof(took));
		fprintf(fp, "%5s s  ", took);
		esc_put_terminal(fp, run->cases[i].name + dir);
		fputc('\n', fp);
	}
	fprintf(fp,
	    "  a cell: checks passed / checks made on this system; n/a: written "
	    "for another\n  system only; -: no check of that kind\n");
	return rp_finish(fp);
}
