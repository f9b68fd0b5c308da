/*
 * diagram_words.c - the words every diagram renderer shares (diagram.h):
 * a segment's label (its flags from tcpf_words(), which the live view
 * shares), a folded run of repeats, a connection's addresses.
 */
#include "diagram.h"

#include <inttypes.h>
#include <stdio.h>

#include "duration_text.h"
#include "segment_text.h"
#include "textbuf.h"
#include "wire_classify.h"

size_t
dg_seg_label(const struct diagram *dg, const struct dg_row *r, char *buf,
    size_t len)
{
	const struct dg_seg *s = &r->seg;
	char fl[48];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	if (dg->nconns > 1 && r->conn >= 0 &&
	    dg->conns[r->conn].name[0] != '\0')
		tb_printf(&tb, "%s: ", dg->conns[r->conn].name);
	else if (dg->nconns > 1 && r->conn >= 0)
		tb_printf(&tb, "port %u: ", dg->conns[r->conn].cport);
	else if (dg->nconns > 1)
		tb_printf(&tb, "?: ");
	tcpf_words(s->flags, fl, sizeof(fl));
	tb_printf(&tb, "%s seq %" PRIu32, fl, s->seq);
	if (s->flags & TCPF_ACK)
		tb_printf(&tb, " ack %" PRIu32, s->ack);
	if (s->len > 0)
		tb_printf(&tb, " len %" PRIu32, s->len);
	tb_printf(&tb, " win %u", s->window);
	if (s->retx)
		tb_printf(&tb, " retx");
	if (s->zwp)
		tb_printf(&tb, " zwp");
	return tb.off;
}

size_t
dg_repeat_words(const struct dg_row *r, char *buf, size_t len)
{
	char until[32];
	int n;

	dur_offset(r->t_end_ns, until, sizeof(until));
	if (r->period == 1)
		n = snprintf(buf, len,
		    "... the same segment %zu more time%s, until %s", r->count,
		    r->count == 1 ? "" : "s", until);
	else
		n = snprintf(buf, len,
		    "... the %zu segments above %zu more time%s, "
		    "until %s",
		    r->period, r->count, r->count == 1 ? "" : "s", until);
	return n < 0 ? 0 : (size_t)n;
}

/* "192.0.2.1:40112", "[2001:db8::1]:40112", or who:40112 when not known. */
static void
conn_end(struct tbuf *tb, const struct ip_addr *a, const char *who,
    uint16_t port)
{
	char buf[IP_ADDR_PORT_STRLEN];

	if (a->family == IPF_NONE)
		tb_printf(tb, "%s:%u", who, port);
	else
		tb_printf(tb, "%s",
		    ip_addr_format_port(a, port, buf, sizeof(buf)));
}

size_t
dg_conn_words(const struct dg_conn *c, char *buf, size_t len)
{
	struct tbuf tb;

	tb_init(&tb, buf, len);
	if (c->name[0] != '\0')
		tb_printf(&tb, "%s: ", c->name);
	else
		tb_printf(&tb, "port %u: ", c->cport);
	/* IPv6 in brackets, so its colons are not taken for the port's */
	conn_end(&tb, &c->caddr, "client", c->cport);
	tb_printf(&tb, " > ");
	conn_end(&tb, &c->paddr, "peer", c->pport);
	return tb.off;
}
