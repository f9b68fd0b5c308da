/*
 * diagram_text.c - a case's ladder diagram for a terminal, about 80
 * columns wide:
 *
 *       ms  client                                                           peer
 *      0.4  |                                          listen 7002: swallow-fin *
 *     10.0  | connect(c) = 0  (0.4 ms)                                           |
 *     10.0  |--- SYN seq 0 win 64240 ------------------------------------------->|
 *    120.0  + close(c) starts                                                    |
 *    120.1  #--- FIN ACK seq 10241 ack 1 win 63 -------------------------------->|
 *    330.4  #~~~ FIN ACK seq 10241 ack 1 win 63 retx ~~~~~~~~~~~~~~~~~~~~~~~~~~~>|
 *   2135.2  + close(c) = 0 after 2.015 s                                         |
 *
 * Time on the far left, in ms from the case's start. '#' marks the client's
 * lifeline while a call is in progress (it blocked), '~' a retransmission
 * or probe, '*' the peer's lifeline where its behaviour changed or it was
 * told to do something. Each line is laid out in a row of cells with a
 * colour class per cell, then written with the escapes when asked to.
 */
#include "diagram.h"
#include "report_int.h"

#include <string.h>

#include "duration_text.h"
#include "escape.h"

#define TX_MAX 200 /* a line with a long text may run past 80 columns */
#define TX_C   10  /* the client's lifeline */
#define TX_P   78  /* the peer's */

enum tk {
	TK_PLAIN,
	TK_DIM,
	TK_CLIENT,
	TK_PEER,
	TK_RETX,
	TK_CALL,
	TK_BAD,
	TK_PEERNOTE,
};

static const char *const tk_esc[] = {
	[TK_PLAIN] = "\033[0m",
	[TK_DIM] = "\033[2m",
	[TK_CLIENT] = "\033[36m",
	[TK_PEER] = "\033[33m",
	[TK_RETX] = "\033[31m",
	[TK_CALL] = "\033[1m",
	[TK_BAD] = "\033[1;31m",
	[TK_PEERNOTE] = "\033[35m",
};

struct line {
	char c[TX_MAX + 1];
	unsigned char k[TX_MAX];
	size_t n; /* columns used */
};

struct tx {
	const struct diagram *dg;
	FILE *fp;
	bool colour;
	bool in_call; /* a call has started and not returned */
};

/* Text at col; control characters become '?' so nothing repaints the screen. */
static size_t
put(struct line *l, size_t col, const char *s, enum tk k)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0' && col < TX_MAX; p++, col++) {
		l->c[col] = esc_terminal_char(*p);
		l->k[col] = (unsigned char)k;
	}
	if (col > l->n)
		l->n = col;
	return col;
}

static void
fill(struct line *l, size_t from, size_t to, char ch, enum tk k)
{
	for (; from < to && from < TX_MAX; from++) {
		l->c[from] = ch;
		l->k[from] = (unsigned char)k;
	}
	if (to > l->n)
		l->n = to < TX_MAX ? to : TX_MAX;
}

static void
emit(struct tx *t, struct line *l)
{
	size_t i, n = l->n;
	int cur = TK_PLAIN;

	while (n > 0 && l->c[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++) {
		if (t->colour && l->k[i] != cur && l->c[i] != ' ') {
			if (cur != TK_PLAIN)
				fputs(tk_esc[TK_PLAIN], t->fp);
			cur = l->k[i];
			if (cur != TK_PLAIN)
				fputs(tk_esc[cur], t->fp);
		}
		fputc(l->c[i], t->fp);
	}
	if (t->colour && cur != TK_PLAIN)
		fputs(tk_esc[TK_PLAIN], t->fp);
	fputc('\n', t->fp);
}

/* A fresh line: the time (if any) and both lifelines. */
static void
start(struct tx *t, struct line *l, const struct dg_row *r)
{
	char ms[32];
	size_t n;

	memset(l->c, ' ', sizeof(l->c));
	memset(l->k, TK_PLAIN, sizeof(l->k));
	l->c[TX_MAX] = '\0';
	l->n = TX_P + 1;
	if (r != NULL) {
		n = dur_decimal(r->t_ns, NS_PER_MS, 1, DUR_CUT, ms, sizeof(ms));
		put(l, n < 8 ? 8 - n : 0, ms, TK_DIM);
	}
	l->c[TX_C] = t->in_call ? '#' : '|';
	l->c[TX_P] = '|';
}

/* Text that ends just left of the peer's lifeline, or starts early if long. */
static void
put_right(struct line *l, const char *s, enum tk k)
{
	size_t n = strlen(s);

	put(l, n + 2 + TX_C + 2 <= TX_P ? TX_P - 1 - n : TX_C + 2, s, k);
}

static void
seg_line(struct tx *t, struct line *l, const struct dg_row *r)
{
	char label[DG_TEXT_MAX + 8];
	enum tk k = r->seg.retx || r->seg.zwp ? TK_RETX
	    : r->seg.from_client	      ? TK_CLIENT
					      : TK_PEER;
	char dash = r->seg.retx || r->seg.zwp ? '~' : '-';
	size_t n, end;

	label[0] = ' ';
	n = 1 + dg_seg_label(t->dg, r, label + 1, sizeof(label) - 2);
	if (n > sizeof(label) - 2)
		n = sizeof(label) - 2;
	label[n++] = ' ';
	label[n] = '\0';
	if (r->seg.from_client) {
		fill(l, TX_C + 1, TX_C + 4, dash, k);
		end = put(l, TX_C + 4, label, k);
		if (end + 1 < TX_P - 1)
			fill(l, end, TX_P - 1, dash, k);
		else
			fill(l, end, end + 2, dash, k);
		put(l, end + 1 < TX_P - 1 ? TX_P - 1 : end + 2, ">", k);
		return;
	}
	put(l, TX_C + 1, "<", k);
	if (TX_C + 3 + n + 3 <= TX_P) {
		fill(l, TX_C + 2, TX_P - 3 - n, dash, k);
		put(l, TX_P - 3 - n, label, k);
		fill(l, TX_P - 3, TX_P, dash, k);
	} else {
		fill(l, TX_C + 2, TX_C + 4, dash, k);
		end = put(l, TX_C + 4, label, k);
		fill(l, end, end + 3, dash, k);
	}
}

static void
call_line(struct tx *t, struct line *l, const struct dg_row *r)
{
	char took[32], text[2 * DG_TEXT_MAX + 48];
	size_t col;

	dur_measured(r->took_ns, DUR_VERDICT, took, sizeof(took));
	if (r->kind == DG_CALL && !r->instant) {
		l->c[TX_C] = '+';
		col = put(l, TX_C + 2, r->text, TK_CALL);
		put(l, col, " starts", TK_PLAIN);
		t->in_call = true;
		return;
	}
	if (r->kind == DG_RETURN) {
		t->in_call = false;
		l->c[TX_C] = '+';
	}
	col = put(l, TX_C + 2, r->text, TK_CALL);
	col = put(l, col, " = ", TK_PLAIN);
	col = put(l, col, r->result, r->failed ? TK_BAD : TK_CALL);
	if (r->kind == DG_RETURN)
		snprintf(text, sizeof(text), " after %s", took);
	else
		snprintf(text, sizeof(text), "  (%s)", took);
	put(l, col, text, TK_PLAIN);
}

static void
other_line(struct tx *t, struct line *l, const struct dg_row *r)
{
	char text[2 * DG_TEXT_MAX + 48], took[32];

	dur_measured(r->took_ns, DUR_VERDICT, took, sizeof(took));
	switch (r->kind) {
	case DG_PEER:
		snprintf(text, sizeof(text), "%s%s%s", r->text,
		    r->failed ? " FAILED: " : "", r->failed ? r->result : "");
		put_right(l, text, r->failed ? TK_BAD : TK_PEERNOTE);
		l->c[TX_P] = '*';
		break;
	case DG_WAIT:
		snprintf(text, sizeof(text), "%s%s%s (%s)", r->text,
		    r->failed ? ": " : "", r->failed ? r->result : "", took);
		if (r->peer_side)
			put_right(l, text, r->failed ? TK_BAD : TK_DIM);
		else
			put(l, TX_C + 2, text, TK_DIM);
		break;
	case DG_REPEAT:
		dg_repeat_words(r, text, sizeof(text));
		put(l, TX_C + 4, text, TK_DIM);
		break;
	case DG_NOTE:
		/* where the rows resume */
		if (r->count > 0)
			t->in_call = r->call_open;
		/* FALLTHROUGH */
	case DG_CHECK:
		snprintf(text, sizeof(text), "%s%s%s", r->result,
		    r->result[0] != '\0' ? " " : "", r->text);
		put(l, TX_C + 2, text, r->failed ? TK_BAD : TK_DIM);
		break;
	case DG_CALL:
	case DG_RETURN:
	case DG_SEG: break;
	}
}

static void
row(struct tx *t, const struct dg_row *r)
{
	struct line l;

	if (r->kind == DG_RETURN && r->ref < t->dg->nrows &&
	    t->dg->rows[r->ref].instant)
		return; /* shown on its call's line */
	start(t, &l, r->kind == DG_REPEAT ? NULL : r);
	if (r->kind == DG_SEG)
		seg_line(t, &l, r);
	else if (r->kind == DG_CALL || r->kind == DG_RETURN)
		call_line(t, &l, r);
	else
		other_line(t, &l, r);
	emit(t, &l);
}

static void
head(struct tx *t)
{
	const struct diagram *dg = t->dg;
	char conn[96], line[256];
	struct line l;
	size_t i;

	fprintf(t->fp, "   ladder of ");
	esc_put_terminal(t->fp, dg->title);
	fputc('\n', t->fp);
	for (i = 0; i < dg->nconns && i < 8; i++) {
		dg_conn_words(&dg->conns[i], conn, sizeof(conn));
		snprintf(line, sizeof(line),
		    "   %s, ISN %u (client) %u (peer)%s", conn,
		    dg->conns[i].isn[0], dg->conns[i].isn[1],
		    dg->conns[i].isn_from_syn[0] && dg->conns[i].isn_from_syn[1]
			? ""
			: ", no handshake seen: relative to the first seen");
		esc_put_terminal(t->fp, line);
		fputc('\n', t->fp);
	}
	if (dg->nconns > 8)
		fprintf(t->fp, "   and %zu more connections\n", dg->nconns - 8);
	start(t, &l, NULL);
	put(&l, 6, "ms", TK_DIM);
	put(&l, TX_C, "client", TK_CALL);
	put(&l, TX_P - 3, "peer", TK_CALL);
	emit(t, &l);
}

int
dg_text(const struct diagram *dg, bool colour, FILE *fp)
{
	struct tx t = { .dg = dg, .fp = fp, .colour = colour };
	size_t i;

	head(&t);
	if (dg->nrows == 0)
		fprintf(fp, "   (nothing happened)\n");
	for (i = 0; i < dg->nrows; i++)
		row(&t, &dg->rows[i]);
	fprintf(fp,
	    "   seq/ack relative to each side's ISN; # a call in progress; "
	    "~ retransmission\n   or probe; * the peer was told to do something\n");
	return rp_finish(fp);
}
