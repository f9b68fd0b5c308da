/*
 * diagram_svg.c - a case's ladder diagram as SVG, for browsers and slides.
 *
 * The client's lifeline on the left, the peer's on the right; each segment
 * a slanted arrow from the sender's lifeline to the receiver's at its time;
 * each system call a box on the client's lifeline as tall as it ran (on
 * the diagram's time axis) with its result; the peer's commands and
 * behaviour changes as diamonds on its lifeline; checks that failed as red
 * lines across. Time runs down. Quiet stretches are shortened so that a
 * handshake of a millisecond and a linger of seconds both read: each row
 * gets at least ROW_H, plus a little per millisecond up to GAP_MAX; a gap
 * cut short is marked "//" on the lifelines, with how long it was.
 *
 * Self-contained: no scripts, no external fonts or styles; every text is
 * escaped (esc_put_xml), so any scenario text makes a well-formed document.
 */
#include "diagram.h"
#include "report_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "escape.h"

#define W	  1100 /* at least; wider when the peer's notes are long */
#define CHAR_W	  8    /* about, for 14 px text */
#define TIME_X	  84   /* right edge of the time column */
#define CX	  450 /* the client's lifeline, at least (long calls move it) */
#define SPAN	  380 /* from the client's lifeline to the peer's */
#define TOP	  180 /* the first row */
#define ROW_H	  26  /* the least a row takes */
#define GAP_MAX	  60  /* the most extra a quiet stretch takes */
#define PX_PER_MS 0.08 /* extra height per millisecond of quiet */
#define SLANT	  12   /* how far an arrow drops on its way across */
#define CUT_UP	  ((ROW_H + GAP_MAX) / 2) /* a // above its row */

#define C_CLIENT "#1f6fb5"
#define C_PEER	 "#2e8540"
#define C_RETX	 "#c0392b"
#define C_ZWP	 "#d35400"
#define C_NOTE	 "#7b3fa0"
#define C_CALL	 "#34495e"
#define C_DIM	 "#6b7280"
#define C_BAD	 "#c0392b"

struct sv {
	const struct diagram *dg;
	FILE *fp;
	const char *id; /* prefix of the ids, unique in a page */
	int *y;		/* per row; -1: not drawn (shown with its call) */
	bool *cut;	/* the gap before row i was shortened */
	int bottom;
	int width;
	int cx, px; /* the lifelines */
};

static void
text(struct sv *s, int x, int y, const char *anchor, const char *style,
    const char *t)
{
	fprintf(s->fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" %s>", x, y,
	    anchor, style);
	esc_put_xml(s->fp, t, false);
	fputs("</text>\n", s->fp);
}

static bool
hidden(const struct diagram *dg, size_t i)
{
	const struct dg_row *r = &dg->rows[i];

	return r->kind == DG_RETURN && r->ref < dg->nrows &&
	    dg->rows[r->ref].instant;
}

/* Where each row goes down the page. */
static void
layout(struct sv *s)
{
	const struct diagram *dg = s->dg;
	uint64_t prev = 0;
	double extra;
	int y = TOP;
	size_t i;
	bool first = true;

	for (i = 0; i < dg->nrows; i++) {
		s->y[i] = -1;
		if (hidden(dg, i))
			continue;
		if (!first) {
			extra = dg->rows[i].t_ns > prev
			    ? (double)(dg->rows[i].t_ns - prev) / 1e6 *
				PX_PER_MS
			    : 0;
			s->cut[i] = extra > GAP_MAX;
			y += ROW_H + (int)(extra > GAP_MAX ? GAP_MAX : extra);
		}
		first = false;
		s->y[i] = y;
		prev = dg->rows[i].kind == DG_REPEAT ? dg->rows[i].t_end_ns
						     : dg->rows[i].t_ns;
	}
	s->bottom = y + ROW_H + SLANT;
	s->cx = CX;
	for (i = 0; i < dg->nrows; i++) {
		/* a call's text, " = ", its result and "  (123.4 ms)" to the left */
		y = TIME_X + 24 +
		    CHAR_W *
			(int)(strlen(dg->rows[i].text) + 14 +
			    strlen(dg->rows[i].result));
		if ((dg->rows[i].kind == DG_CALL ||
			dg->rows[i].kind == DG_RETURN ||
			(dg->rows[i].kind == DG_WAIT &&
			    !dg->rows[i].peer_side)) &&
		    y > s->cx)
			s->cx = y;
	}
	s->px = s->cx + SPAN;
	s->width = W - CX + s->cx;
	for (i = 0; i < dg->nrows; i++) {
		if (!dg->rows[i].peer_side)
			continue;
		/* the note, ": " and the result or " (123.4 ms)" */
		y = s->px + 14 +
		    CHAR_W *
			(int)(strlen(dg->rows[i].text) + 14 +
			    (dg->rows[i].failed ? strlen(dg->rows[i].result)
						: 0)) +
		    10;
		if (y > s->width)
			s->width = y;
	}
}

static void
defs(struct sv *s)
{
	static const struct {
		const char *id, *colour;
	} heads[] = {
		{ "client", C_CLIENT },
		{ "peer", C_PEER },
		{ "retx", C_RETX },
		{ "zwp", C_ZWP },
	};
	size_t i;

	fputs("<defs>\n", s->fp);
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		fprintf(s->fp,
		    "<marker id=\"%sah-%s\" viewBox=\"0 0 10 10\" refX=\"10\" "
		    "refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"11\" "
		    "markerHeight=\"11\" "
		    "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
		    "fill=\"%s\"/></marker>\n",
		    s->id, heads[i].id, heads[i].colour);
	fputs("</defs>\n", s->fp);
}

static void
head(struct sv *s)
{
	const struct diagram *dg = s->dg;
	char line[2 * SCN_TEXT_MAX], took[32], conn[96];
	size_t i, off;

	fputs("<title>", s->fp);
	esc_put_xml(s->fp, dg->title, false);
	fputs("</title>\n", s->fp);
	text(s, 20, 32, "start", "font-size=\"20\" font-weight=\"bold\"",
	    dg->title);
	text(s, 20, 56, "start", "font-size=\"15\"", dg->description);
	dur_seconds(dg->duration_ns, took, sizeof(took));
	off = (size_t)snprintf(line, sizeof(line), "%s, %s s, %zu segments",
	    dg->os_name[0] != '\0' ? dg->os_name : "unknown system", took,
	    dg->nsegs);
	if (dg->have_counts && off < sizeof(line))
		snprintf(line + off, sizeof(line) - off,
		    "; checks: %zu passed, %zu failed, "
		    "%zu not applicable",
		    dg->counts[VERDICT_PASS],
		    dg->counts[VERDICT_FAIL] + dg->counts[VERDICT_ERROR] +
			dg->counts[VERDICT_NOT_REACHED],
		    dg->counts[VERDICT_NOT_APPLICABLE]);
	text(s, 20, 78, "start", "font-size=\"13\" fill=\"" C_DIM "\"", line);
	for (i = 0; i < dg->nconns && i < 3; i++) {
		dg_conn_words(&dg->conns[i], conn, sizeof(conn));
		if (i == 2 && dg->nconns > 3)
			snprintf(conn, sizeof(conn), "and %zu more connections",
			    dg->nconns - 2);
		text(s, 20 + (int)i * 300, 98, "start",
		    "font-size=\"13\" fill=\"" C_DIM "\"", conn);
	}
	for (i = 0; i < 2; i++) {
		fprintf(s->fp,
		    "<rect x=\"%d\" y=\"112\" width=\"180\" height=\"42\" rx=\"6\" "
		    "fill=\"#f3f4f6\" stroke=\"" C_CALL "\"/>\n",
		    (i == 0 ? s->cx : s->px) - 90);
		text(s, i == 0 ? s->cx : s->px, 131, "middle",
		    "font-size=\"15\" font-weight=\"bold\"",
		    i == 0 ? "client" : "peer");
	}
	text(s, s->cx, 147, "middle", "font-size=\"11\" fill=\"" C_DIM "\"",
	    dg->os_name);
	text(s, s->px, 147, "middle", "font-size=\"11\" fill=\"" C_DIM "\"",
	    "lingerpeer");
	text(s, TIME_X, 147, "end", "font-size=\"12\" fill=\"" C_DIM "\"",
	    "ms");
}

static void
lifelines(struct sv *s)
{
	int x, k;

	for (k = 0; k < 2; k++) {
		x = k == 0 ? s->cx : s->px;
		fprintf(s->fp,
		    "<line x1=\"%d\" y1=\"154\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#9ca3af\" stroke-width=\"2\"/>\n",
		    x, x, s->bottom);
	}
}

/* A shortened gap: // across both lifelines (over the call boxes), halfway up. */
static void
cuts(struct sv *s)
{
	size_t i;
	int x, k;

	for (i = 0; i < s->dg->nrows; i++) {
		if (s->y[i] < 0 || !s->cut[i])
			continue;
		for (k = 0; k < 2; k++) {
			x = k == 0 ? s->cx : s->px;
			fprintf(s->fp,
			    "<path d=\"M%d,%d l16,-6 l0,6 l-16,6 z\" fill=\"#fff\"/>"
			    "<path d=\"M%d,%d l16,-6 M%d,%d l16,-6\" stroke=\"#111\" "
			    "stroke-width=\"1.5\"/>\n",
			    x - 8, s->y[i] - CUT_UP, x - 8, s->y[i] - CUT_UP,
			    x - 8, s->y[i] - CUT_UP + 6);
		}
	}
}

static void
arrow(struct sv *s, const struct dg_row *r, int y)
{
	char label[DG_TEXT_MAX + 8];
	const char *id = r->seg.zwp ? "zwp"
	    : r->seg.retx	    ? "retx"
	    : r->seg.from_client    ? "client"
				    : "peer";
	const char *colour = r->seg.zwp ? C_ZWP
	    : r->seg.retx		? C_RETX
	    : r->seg.from_client	? C_CLIENT
					: C_PEER;
	int x1 = r->seg.from_client ? s->cx : s->px,
	    x2 = r->seg.from_client ? s->px - 2 : s->cx + 2;

	fprintf(s->fp,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
	    "stroke-width=\"2\"%s marker-end=\"url(#%sah-%s)\"/>\n",
	    x1, y, x2, y + SLANT, colour,
	    r->seg.retx || r->seg.zwp ? " stroke-dasharray=\"7 4\"" : "", s->id,
	    id);
	dg_seg_label(s->dg, r, label, sizeof(label));
	fprintf(s->fp,
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" "
	    "fill=\"%s\" stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\">",
	    (s->cx + s->px) / 2, y - 3, colour);
	esc_put_xml(s->fp, label, false);
	fputs("</text>\n", s->fp);
}

static void
call(struct sv *s, const struct dg_row *r, int y)
{
	char line[2 * DG_TEXT_MAX + 48], took[32];
	int y2 = r->ref < s->dg->nrows && s->y[r->ref] >= 0 ? s->y[r->ref] : y;

	dur_measured(r->took_ns, DUR_VERDICT, took, sizeof(took));
	if (r->kind == DG_RETURN) {
		snprintf(line, sizeof(line), "= %s after %s", r->result, took);
		text(s, s->cx - 14, y + 5, "end",
		    r->failed ? "font-size=\"14\" fill=\"" C_BAD
				"\" font-weight=\"bold\""
			      : "font-size=\"14\" fill=\"" C_CALL "\"",
		    line);
		return;
	}
	if (r->instant)
		fprintf(s->fp,
		    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"6\" "
		    "fill=\"#dbe4ee\" stroke=\"" C_CALL "\"/>\n",
		    s->cx - 6, y - 3);
	else
		fprintf(s->fp,
		    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"%d\" "
		    "fill=\"#dbe4ee\" stroke=\"" C_CALL "\"/>\n",
		    s->cx - 6, y, y2 - y);
	fprintf(s->fp,
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"14\" "
	    "xml:space=\"preserve\"><tspan font-weight=\"bold\">",
	    s->cx - 14, y + 5);
	esc_put_xml(s->fp, r->text, false);
	fputs("</tspan>", s->fp);
	if (r->instant) {
		fprintf(s->fp,
		    "<tspan fill=\"%s\"> = ", r->failed ? C_BAD : C_CALL);
		esc_put_xml(s->fp, r->result, false);
		fprintf(s->fp,
		    "</tspan><tspan fill=\"" C_DIM "\" font-size=\"12\">  (%s)"
		    "</tspan>",
		    took);
	}
	fputs("</text>\n", s->fp);
}

static void
note(struct sv *s, const struct dg_row *r, int y)
{
	char line[2 * DG_TEXT_MAX + 48], took[32];

	dur_measured(r->took_ns, DUR_VERDICT, took, sizeof(took));
	switch (r->kind) {
	case DG_PEER:
		fprintf(s->fp,
		    "<path d=\"M%d,%d l7,7 l-7,7 l-7,-7 z\" fill=\"" C_NOTE
		    "\"/>\n",
		    s->px, y - 7);
		snprintf(line, sizeof(line), "%s%s%s", r->text,
		    r->failed ? ": " : "", r->failed ? r->result : "");
		text(s, s->px + 14, y + 5, "start",
		    r->failed ? "font-size=\"14\" fill=\"" C_BAD "\""
			      : "font-size=\"14\" fill=\"" C_NOTE "\"",
		    line);
		break;
	case DG_WAIT:
		snprintf(line, sizeof(line), "%s (%s)%s%s", r->text, took,
		    r->failed ? ": " : "", r->failed ? r->result : "");
		text(s, r->peer_side ? s->px + 14 : s->cx - 14, y + 5,
		    r->peer_side ? "start" : "end",
		    "font-size=\"13\" font-style=\"italic\" fill=\"" C_DIM "\"",
		    line);
		break;
	case DG_REPEAT:
		dg_repeat_words(r, line, sizeof(line));
		text(s, (s->cx + s->px) / 2, y + 5, "middle",
		    "font-size=\"13\" "
		    "font-style=\"italic\" fill=\"" C_DIM "\"",
		    line);
		break;
	case DG_CHECK:
	case DG_NOTE:
		fprintf(s->fp,
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		    "stroke-dasharray=\"3 3\"/>\n",
		    s->cx, y, s->px, y, r->failed ? C_BAD : C_DIM);
		snprintf(line, sizeof(line), "%s%s%s", r->result,
		    r->result[0] ? ": " : "", r->text);
		fprintf(s->fp,
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"13\" font-weight=\"bold\" fill=\"%s\" stroke=\"#fff\" "
		    "stroke-width=\"4\" paint-order=\"stroke\">",
		    (s->cx + s->px) / 2, y + 5, r->failed ? C_BAD : C_DIM);
		esc_put_xml(s->fp, line, false);
		fputs("</text>\n", s->fp);
		break;
	case DG_CALL:
	case DG_RETURN:
	case DG_SEG: break;
	}
}

static void
times(struct sv *s)
{
	char ms[32], gap[48];
	size_t i, j;

	for (i = 0; i < s->dg->nrows; i++) {
		if (s->y[i] < 0 || s->dg->rows[i].kind == DG_REPEAT)
			continue;
		dur_decimal(s->dg->rows[i].t_ns, NS_PER_MS, 1, DUR_CUT, ms,
		    sizeof(ms));
		text(s, TIME_X, s->y[i] + 5, "end",
		    "font-size=\"12\" fill=\"" C_DIM "\"", ms);
		if (!s->cut[i])
			continue;
		for (j = i; j > 0 && s->y[j - 1] < 0; j--)
			;
		if (j == 0)
			continue;
		dur_measured(s->dg->rows[i].t_ns -
			(s->dg->rows[j - 1].kind == DG_REPEAT
				? s->dg->rows[j - 1].t_end_ns
				: s->dg->rows[j - 1].t_ns),
		    DUR_VERDICT, ms, sizeof(ms));
		snprintf(gap, sizeof(gap), "// %s", ms);
		text(s, TIME_X, s->y[i] - CUT_UP - 1, "end",
		    "font-size=\"11\" "
		    "font-style=\"italic\" fill=\"" C_DIM "\"",
		    gap);
	}
}

static void
legend_item(struct sv *s, int x, int y, const char *shape, const char *label)
{
	fprintf(s->fp, "%s\n", shape);
	text(s, x + 44, y + 5, "start", "font-size=\"13\"", label);
}

static void
legend(struct sv *s, int y)
{
	char shape[320];
	static const struct {
		const char *id, *colour, *dash, *label;
	} arrows[] = {
		{ "client", C_CLIENT, "", "client to peer" },
		{ "peer", C_PEER, "", "peer to client" },
		{ "retx", C_RETX, " stroke-dasharray=\"7 4\"",
		    "retransmission" },
		{ "zwp", C_ZWP, " stroke-dasharray=\"7 4\"",
		    "zero-window probe" },
	};
	size_t i;
	int x;

	fprintf(s->fp,
	    "<line x1=\"20\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#e5e7eb\"/>\n",
	    y - 18, s->width - 20, y - 18);
	for (i = 0; i < 4; i++) {
		x = 20 + (int)i * 200;
		snprintf(shape, sizeof(shape),
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" stroke-width=\"2\"%s marker-end=\"url(#%sah-%s)\"/>",
		    x, y, x + 36, y, arrows[i].colour, arrows[i].dash, s->id,
		    arrows[i].id);
		legend_item(s, x, y, shape, arrows[i].label);
	}
	y += 26;
	snprintf(shape, sizeof(shape),
	    "<rect x=\"32\" y=\"%d\" width=\"12\" height=\"20\" "
	    "fill=\"#dbe4ee\" stroke=\"" C_CALL "\"/>",
	    y - 10);
	legend_item(s, 20, y, shape,
	    "system call: starts at the top, returns at the bottom");
	snprintf(shape, sizeof(shape),
	    "<path d=\"M618,%d l7,7 l-7,7 l-7,-7 z\" "
	    "fill=\"" C_NOTE "\"/>",
	    y - 7);
	legend_item(s, 600, y, shape, "peer command or behaviour");
	text(s, 20, y + 30, "start", "font-size=\"12\" fill=\"" C_DIM "\"",
	    "seq and ack relative to each side's initial sequence number; win as on the "
	    "wire (unscaled); time in ms from the case's start; // a quiet stretch drawn "
	    "shorter than it was");
}

int
dg_svg(const struct diagram *dg, bool standalone, const char *id, FILE *fp)
{
	struct sv s = { .dg = dg, .fp = fp, .id = id != NULL ? id : "" };
	size_t i, n = dg->nrows > 0 ? dg->nrows : 1;
	const struct dg_row *r;
	int height;

	if ((s.y = calloc(n, sizeof(*s.y))) == NULL ||
	    (s.cut = calloc(n, sizeof(*s.cut))) == NULL) {
		free(s.y);
		return -1;
	}
	layout(&s);
	height = s.bottom + 100;
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
	    s.width, height, s.width, height);
	fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    s.width, height);
	defs(&s);
	head(&s);
	lifelines(&s);
	times(&s);
	for (i = 0; i < dg->nrows; i++) {
		r = &dg->rows[i];
		if (s.y[i] < 0)
			continue;
		if (r->kind == DG_SEG)
			arrow(&s, r, s.y[i]);
		else if (r->kind == DG_CALL || r->kind == DG_RETURN)
			call(&s, r, s.y[i]);
		else
			note(&s, r, s.y[i]);
	}
	cuts(&s);
	legend(&s, s.bottom + 36);
	fputs("</svg>\n", fp);
	free(s.y);
	free(s.cut);
	return rp_finish(fp);
}
