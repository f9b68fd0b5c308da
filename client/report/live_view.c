/*
 * live_view.c - the lines of `lingerlab run --live` (see live_view.h).
 *
 * The columns are fixed, so that the arrows of a case line up into a
 * ladder however fast its lines come: the time, right-aligned; the
 * client's label; an arrow of ARROW_W characters; the peer's label. Peer
 * steps start where the peer's label does.
 */
#include "live_view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "duration_text.h"
#include "scenario_defaults.h"
#include "scenario_parse.h"
#include "segment.h"
#include "segment_text.h"
#include "textbuf.h"
#include "units.h"
#include "wire_classify.h"

#define TIME_W	9 /* "  +12.345s" right-aligned */
#define ARROW_W 30
#define TAIL	4 /* dashes between a sender and its flags */

void
live_view_init(struct live_view *v, const struct scenario *sc)
{
	memset(v, 0, sizeof(*v));
	v->sc = sc;
	v->ports = sc->nsocks > 1;
}

/* The width of the client's label: "client" or "client:65535". */
static int
left_w(const struct live_view *v)
{
	return v->ports ? 12 : 6;
}

/* Where the peer's column starts, after the time and its two spaces. */
static int
peer_col(const struct live_view *v)
{
	return left_w(v) + 1 + ARROW_W + 2;
}

/* The time column and its separator. */
static void
time_col(struct tbuf *tb, uint64_t t_ns)
{
	char t[32];

	dur_offset(t_ns, t, sizeof(t));
	tb_printf(tb, "%*s  ", TIME_W, t);
}

size_t
live_fmt_case(const struct live_view *v, char *buf, size_t len)
{
	struct tbuf tb;

	tb_init(&tb, buf, len);
	tb_printf(&tb, "== %s\n", v->sc->case_name);
	if (v->sc->description[0] != '\0')
		tb_printf(&tb, "   %s\n", v->sc->description);
	tb_printf(&tb, "%*s  %-*s%s", TIME_W, "time", peer_col(v), "client",
	    "peer");
	return tb.off;
}

bool
live_step_is_peer(const struct scenario *sc, size_t i)
{
	/* `wait peer` is the client waiting: its side. */
	return scn_step_is_peer_side(sc->steps[i].kind);
}

static const char *
sock_name(const struct scenario *sc, int s)
{
	return s >= 0 && (size_t)s < sc->nsocks ? sc->socks[s] : "?";
}

static void
set_text(struct tbuf *tb, const struct scn_step *st)
{
	char sz[32];

	switch (st->opt) {
	case OPT_LINGER_OFF: tb_printf(tb, "linger off"); break;
	case OPT_LINGER:
	case OPT_LINGER2:
		tb_printf(tb, "%s %" PRId64 "%s",
		    st->opt == OPT_LINGER ? "linger" : "linger2", st->value,
		    st->value >= 0 ? "s" : "");
		break;
	case OPT_BLOCKING:
	case OPT_NONBLOCKING:
		tb_printf(tb, "%s",
		    st->opt == OPT_BLOCKING ? "blocking" : "nonblocking");
		break;
	case OPT_SNDBUF:
	case OPT_RCVBUF:
		format_size((uint64_t)st->value, sz, sizeof(sz));
		tb_printf(tb, "%s %s",
		    st->opt == OPT_SNDBUF ? "sndbuf" : "rcvbuf", sz);
		break;
	case OPT_NODELAY:
		tb_printf(tb, "nodelay %s", st->value ? "on" : "off");
		break;
	case OPT_USER_TIMEOUT:
		tb_printf(tb, "user-timeout %" PRId64 "ms", st->value);
		break;
	default: tb_printf(tb, "option %d", (int)st->opt); break;
	}
}

/* What follows the step's name, by kind. */
static void
step_args(struct tbuf *tb, const struct scenario *sc, const struct scn_step *st)
{
	static const char *const how[] = { "rd", "wr", "rdwr" };
	const char *s = sock_name(sc, st->sock);
	char a[32];

	switch (st->kind) {
	case STEP_PEER_LISTEN:
		tb_printf(tb, " %u %s", st->port, st->text);
		break;
	case STEP_PEER_BEHAVIOUR:
	case STEP_WAIT_PEER: tb_printf(tb, " %s %s", s, st->text); break;
	case STEP_PEER_READ:
	case STEP_PEER_SEND:
	case STEP_RECV:
	case STEP_SEND:
		tb_printf(tb, " %s", s);
		if (st->kind == STEP_SEND && st->until_blocked)
			tb_printf(tb, " until-blocked");
		else if (st->size != 0 || st->kind == STEP_SEND) {
			format_size(st->size, a, sizeof(a));
			tb_printf(tb, " %s", a);
		}
		break;
	case STEP_PEER_CONNECT:
		tb_printf(tb, " %u as %s%s%s", st->port,
		    sock_name(sc, st->sock2), st->text[0] != '\0' ? " " : "",
		    st->text);
		break;
	case STEP_SET:
		tb_printf(tb, " %s ", s);
		set_text(tb, st);
		break;
	case STEP_CONNECT:
		tb_printf(tb, " %s", s);
		if (st->port != 0)
			tb_printf(tb, " port %u", st->port);
		break;
	case STEP_SHUTDOWN:
		tb_printf(tb, " %s %s", s,
		    st->how >= 0 && st->how <= 2 ? how[st->how] : "?");
		break;
	case STEP_LISTEN: tb_printf(tb, " %s %u", s, st->port); break;
	case STEP_ACCEPT:
		tb_printf(tb, " %s as %s", s, sock_name(sc, st->sock2));
		break;
	case STEP_WAIT:
	case STEP_SIGNAL:
		format_duration(st->duration_ns, a, sizeof(a));
		tb_printf(tb, "%s %s", st->kind == STEP_SIGNAL ? " after" : "",
		    a);
		break;
	case STEP_PEER_ACK_FIN: /* the rest name their socket only */
	case STEP_PEER_RESUME:
	case STEP_PEER_FIN:
	case STEP_PEER_RST:
	case STEP_SOCKET:
	case STEP_CLOSE:
	case STEP_EXIT_CLOSE:
	case STEP_REPEAT:
	case STEP_END:
	case STEP_KIND_COUNT: tb_printf(tb, " %s", s); break;
	}
}

size_t
live_step_text(const struct scenario *sc, size_t i, char *buf, size_t len)
{
	const struct scn_step *st = &sc->steps[i];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	tb_printf(&tb, "%s", scn_step_name(st->kind));
	step_args(&tb, sc, st);
	return tb.off;
}

/* The time column, and the peer's indent for its steps. */
static void
step_col(struct tbuf *tb, const struct live_view *v, size_t i, uint64_t t)
{
	time_col(tb, t);
	if (live_step_is_peer(v->sc, i))
		tb_printf(tb, "%*s", peer_col(v), "");
}

size_t
live_fmt_step_start(const struct live_view *v, size_t i, uint64_t t_ns,
    char *buf, size_t len)
{
	char text[SCN_TEXT_MAX + 64];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	live_step_text(v->sc, i, text, sizeof(text));
	step_col(&tb, v, i, t_ns);
	tb_printf(&tb, "%s ...", text);
	return tb.off;
}

/* What came back: the call's, or what a wait or a peer command did. */
static void
result(struct tbuf *tb, const struct scn_step *st, const struct obs_call *c)
{
	char d[32];

	dur_measured(c->t_end_ns - c->t_start_ns, DUR_LIVE, d, sizeof(d));
	if (!c->ran)
		tb_printf(tb, ": not run%s%s", c->detail[0] != '\0' ? ", " : "",
		    c->detail);
	else if (st->kind == STEP_WAIT)
		tb_printf(tb, ": %s passed", d);
	else if (st->kind == STEP_WAIT_PEER)
		tb_printf(tb, ": %s after %s", c->ret == 0 ? "met" : "not met",
		    d);
	else if (st->kind == STEP_SIGNAL)
		tb_printf(tb, ": %s", c->ret == 0 ? "armed" : "failed");
	else if (!scn_step_is_call(st->kind))
		tb_printf(tb, ": %s", c->ret == 0 ? "ok" : "failed");
	else {
		tb_printf(tb, " returned %" PRId64, c->ret);
		if (c->ret < 0)
			tb_printf(tb, " %s",
			    c->err_name[0] != '\0' ? c->err_name
						   : "(no errno name)");
		tb_printf(tb, " after %s", d);
	}
	/* A peer's "ok ..." adds nothing; its errors and notes do. */
	if (c->ran && c->detail[0] != '\0' && strncmp(c->detail, "ok", 2) != 0)
		tb_printf(tb, " (%s)", c->detail);
}

size_t
live_fmt_step_end(const struct live_view *v, size_t i, const struct obs_call *c,
    char *buf, size_t len)
{
	char text[SCN_TEXT_MAX + 64];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	live_step_text(v->sc, i, text, sizeof(text));
	step_col(&tb, v, i, c->t_end_ns);
	tb_printf(&tb, "%s", text);
	result(&tb, &v->sc->steps[i], c);
	return tb.off;
}

/* The connection's record, made on first sight; NULL when full. */
static struct live_conn *
conn_of(struct live_view *v, const struct obs_segment *s)
{
	uint16_t cp = s->from_client ? s->sport : s->dport;
	uint16_t pp = s->from_client ? s->dport : s->sport;
	struct live_conn *c;
	size_t k;

	for (k = 0; k < v->nconns; k++)
		if (v->conns[k].client_port == cp &&
		    v->conns[k].peer_port == pp)
			return &v->conns[k];
	if (v->nconns == LIVE_MAX_CONNS)
		return NULL;
	c = &v->conns[v->nconns++];
	memset(c, 0, sizeof(*c));
	c->client_port = cp;
	c->peer_port = pp;
	return c;
}

/*
 * "---- FIN ACK ------------->" or "<------------- SYN ACK ----": the
 * flags near the sender; a retransmission or probe drawn with '~'.
 */
static void
arrow(struct tbuf *tb, bool right, bool again, const char *flags)
{
	char a[ARROW_W + 1];
	size_t fl = strlen(flags) + 2, at;

	memset(a, again ? '~' : '-', ARROW_W);
	a[ARROW_W] = '\0';
	if (fl > ARROW_W - 2 - TAIL)
		fl = ARROW_W - 2 - TAIL;
	at = right ? TAIL : ARROW_W - TAIL - fl;
	a[at] = ' ';
	memcpy(a + at + 1, flags, fl - 2);
	a[at + fl - 1] = ' ';
	a[right ? ARROW_W - 1 : 0] = right ? '>' : '<';
	tb_printf(tb, "%s", a);
}

size_t
live_fmt_seg(struct live_view *v, const struct obs_segment *s, char *buf,
    size_t len)
{
	struct live_conn *c = conn_of(v, s);
	int me = s->from_client ? 0 : 1;
	uint32_t seq = s->seq, ack = s->ack;
	char fl[48], left[24], right[24];
	struct tbuf tb;

	if (c != NULL && !c->has_isn[me]) {
		c->has_isn[me] = true;
		c->isn[me] = s->seq;
	}
	if (c != NULL) {
		seq -= c->isn[me];
		if (c->has_isn[1 - me])
			ack -= c->isn[1 - me];
	}
	tcpf_words(s->flags, fl, sizeof(fl));
	snprintf(left, sizeof(left), "client");
	snprintf(right, sizeof(right), "peer");
	if (v->ports) {
		snprintf(left, sizeof(left), "client:%u",
		    (unsigned)(s->from_client ? s->sport : s->dport));
		snprintf(right, sizeof(right), "peer:%u",
		    (unsigned)(s->from_client ? s->dport : s->sport));
	}
	tb_init(&tb, buf, len);
	time_col(&tb, s->t_ns);
	tb_printf(&tb, "%-*s ", left_w(v), left);
	arrow(&tb, s->from_client, s->retransmission || s->zero_window_probe,
	    fl);
	tb_printf(&tb, "  %s  seq %" PRIu32, right, seq);
	if (s->flags & TCPF_ACK)
		tb_printf(&tb, " ack %" PRIu32, ack);
	tb_printf(&tb, " win %u", s->window);
	if (s->len != 0)
		tb_printf(&tb, " len %" PRIu32, s->len);
	if (s->retransmission)
		tb_printf(&tb, " retx");
	if (s->zero_window_probe)
		tb_printf(&tb, " zwp");
	return tb.off;
}

size_t
live_fmt_verdict(const struct live_view *v, const struct verdict *vd,
    uint64_t t_ns, char *buf, size_t len)
{
	const char *why = vd->kind == VERDICT_PASS ? ""
	    : vd->note[0] != '\0'		   ? vd->note
						   : vd->actual;
	struct tbuf tb;

	(void)v;
	tb_init(&tb, buf, len);
	time_col(&tb, t_ns);
	tb_printf(&tb, "  %-4s  %s", verdict_kind_name(vd->kind), vd->check);
	if (why[0] != '\0')
		tb_printf(&tb, "\n%*s  %s", TIME_W + 2 + 4, "", why);
	return tb.off;
}

size_t
live_fmt_tick(const struct live_view *v, size_t i, uint64_t elapsed_ns,
    char *buf, size_t len)
{
	const struct scn_step *st = &v->sc->steps[i];
	char text[SCN_TEXT_MAX + 64], e[32], all[32], left[32];
	uint64_t d = st->duration_ns;
	struct tbuf tb;

	if (st->kind == STEP_WAIT_PEER && d == 0)
		d = SCN_DEFAULT_WAIT_PEER_NS;
	live_step_text(v->sc, i, text, sizeof(text));
	snprintf(e, sizeof(e), "%.1fs", (double)elapsed_ns / 1e9);
	tb_init(&tb, buf, len);
	tb_printf(&tb, "%*s  %s ... %s", TIME_W, "", text, e);
	if (!scn_step_waits(st->kind))
		return tb.off;
	format_duration(d, all, sizeof(all));
	snprintf(left, sizeof(left), "%.1fs",
	    elapsed_ns < d ? (double)(d - elapsed_ns) / 1e9 : 0.0);
	tb_printf(&tb, " of %s%s, %s left",
	    st->kind == STEP_WAIT_PEER ? "at most " : "", all, left);
	return tb.off;
}

size_t
live_fmt_end(const struct live_view *v, const struct case_obs *obs, char *buf,
    size_t len)
{
	char d[32];

	(void)v;
	if (obs->aborted)
		return (size_t)snprintf(buf, len, "   stopped: %s",
		    obs->abort_reason);
	dur_measured(obs->duration_ns, DUR_LIVE, d, sizeof(d));
	return (size_t)snprintf(buf, len, "   done in %s", d);
}
