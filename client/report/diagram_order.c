/*
 * diagram_order.c - the rows of a diagram (diagram.c) put right: a call
 * above the segments it sent, runs of identical repeats folded, a diagram
 * too long cut in the middle, each call paired with its return.
 */
#include "diagram.h"
#include "diagram_int.h"

#include <stdint.h>
#include <string.h>

#include "duration_text.h"
#include "textbuf.h"
#include "wire_classify.h"

/*
 * A FIN, SYN or RST that a call sent may be stamped just before the call
 * started (wire_classify.h, WIRE_CLOCK_SLACK_NS): the call goes first,
 * above the segments it caused, and nothing else moves.
 */
void
dg_calls_first(struct pending *p, size_t np)
{
	const struct dg_row *r;
	struct pending call;
	size_t i, j;

	for (i = 1; i < np; i++) {
		if (p[i].row.kind != DG_CALL)
			continue;
		for (j = i; j > 0; j--) {
			r = &p[j - 1].row;
			if (r->kind != DG_SEG || !r->seg.from_client ||
			    !(r->seg.flags &
				(TCPF_SYN | TCPF_FIN | TCPF_RST)) ||
			    r->t_ns + WIRE_CLOCK_SLACK_NS < p[i].row.t_ns)
				break;
		}
		if (j == i)
			continue;
		call = p[i];
		memmove(&p[j + 1], &p[j], (i - j) * sizeof(p[0]));
		p[j] = call;
	}
}

/* ---- folding repeats ---- */

static bool
same_seg(const struct dg_row *a, const struct dg_row *b)
{
	return a->kind == DG_SEG && b->kind == DG_SEG && a->conn == b->conn &&
	    a->seg.from_client == b->seg.from_client &&
	    a->seg.flags == b->seg.flags && a->seg.seq == b->seg.seq &&
	    a->seg.ack == b->seg.ack && a->seg.len == b->seg.len &&
	    a->seg.window == b->seg.window && a->seg.retx == b->seg.retx &&
	    a->seg.zwp == b->seg.zwp;
}

/* How many times rows[i..i+p) repeats back to back (at least 1). */
static size_t
cycles_at(const struct pending *p, size_t n, size_t i, size_t period)
{
	size_t k, cycles = 1;
	bool again = false;

	for (k = 0; k < period; k++)
		if (i + k >= n || p[i + k].row.kind != DG_SEG)
			return 0;
	for (k = 0; k < period; k++)
		again |= p[i + k].row.seg.retx || p[i + k].row.seg.zwp;
	if (!again)
		return 1; /* only a run with a repeat in it is folded */
	while (i + (cycles + 1) * period <= n) {
		for (k = 0; k < period; k++)
			if (!same_seg(&p[i + k].row,
				&p[i + cycles * period + k].row))
				return cycles;
		cycles++;
	}
	return cycles;
}

static int
push(struct diagram *dg, const struct dg_row *r)
{
	if (dg->nrows == dg->cap)
		return -1;
	dg->rows[dg->nrows++] = *r;
	return 0;
}

/* Sorted rows into dg, runs of more than keep cycles folded. */
void
dg_fold(const struct pending *p, size_t np, struct diagram *dg, unsigned keep)
{
	size_t i = 0, period, cycles, k;
	struct dg_row rep;

	while (i < np) {
		for (period = 1; period <= 2; period++) {
			cycles = cycles_at(p, np, i, period);
			/* folding one cycle into a line would save nothing */
			if (cycles >= keep + 2)
				break;
		}
		if (period > 2) {
			push(dg, &p[i++].row);
			continue;
		}
		for (k = 0; k < keep * period; k++)
			push(dg, &p[i + k].row);
		rep = p[i].row;
		rep.kind = DG_REPEAT;
		rep.period = period;
		rep.count = cycles - keep;
		rep.t_ns = p[i + keep * period].row.t_ns;
		rep.t_end_ns = p[i + cycles * period - 1].row.t_ns;
		push(dg, &rep);
		i += cycles * period;
	}
}

/*
 * A diagram of thousands of rows helps no one: keep the first and the last
 * max / 2 and say, in their place, how many rows and segments were left
 * out and whether a call was in progress where they resume.
 */
void
dg_cut(struct diagram *dg, size_t max)
{
	size_t head = max / 2, tail = max - head, skip, i, segs = 0;
	char from[32], to[32];
	struct dg_row note;
	bool open = false;

	if (dg->nrows <= max + 1)
		return;
	skip = dg->nrows - head - tail;
	for (i = 0; i < head + skip; i++) {
		if (dg->rows[i].kind == DG_CALL)
			open = true;
		else if (dg->rows[i].kind == DG_RETURN)
			open = false;
		if (i >= head)
			segs += dg->rows[i].kind == DG_SEG ? 1
			    : dg->rows[i].kind == DG_REPEAT
			    ? dg->rows[i].count * dg->rows[i].period
			    : 0;
	}
	memset(&note, 0, sizeof(note));
	note.kind = DG_NOTE;
	note.conn = -1;
	note.ref = SIZE_MAX;
	note.t_ns = dg->rows[head].t_ns;
	note.t_end_ns = dg->rows[head + skip - 1].t_ns;
	note.count = skip;
	note.call_open = open;
	dur_offset(note.t_ns, from, sizeof(from));
	dur_offset(note.t_end_ns, to, sizeof(to));
	tb_set(note.text, sizeof(note.text),
	    "... %zu rows left out, %zu segments from %s "
	    "to %s (the capture has them all: --pcap-dir)",
	    skip, segs, from, to);
	dg->rows[head] = note;
	memmove(&dg->rows[head + 1], &dg->rows[head + skip],
	    tail * sizeof(dg->rows[0]));
	dg->nrows = head + 1 + tail;
}

/* Pair each call with its return, and see which ran with nothing between. */
void
dg_link_calls(struct diagram *dg)
{
	size_t i, j;

	for (i = 0; i < dg->nrows; i++) {
		if (dg->rows[i].kind != DG_CALL)
			continue;
		for (j = i + 1; j < dg->nrows; j++)
			if (dg->rows[j].kind == DG_RETURN &&
			    strcmp(dg->rows[j].text, dg->rows[i].text) == 0 &&
			    dg->rows[j].t_ns == dg->rows[i].t_end_ns)
				break;
		if (j == dg->nrows)
			continue;
		dg->rows[i].ref = j;
		dg->rows[j].ref = i;
		dg->rows[i].instant = j == i + 1;
	}
}
