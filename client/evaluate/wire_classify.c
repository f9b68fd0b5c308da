/*
 * wire_classify.c - retransmissions and zero-window probes among captured
 * segments, and a partial-pattern matcher over them.
 *
 * Classification follows each connection's sequence space per direction, as
 * the receiver would: what starts below the highest sequence number already
 * sent is sent again. The capture may start late or miss segments; the rules
 * only ever look backwards, so a gap makes them say less, never something
 * false about a segment they did see.
 */
#include "wire_classify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"
#include "segment_text.h"
#include "textbuf.h"

/* One direction of one connection. */
struct side {
	bool sent;	  /* snd_max is known */
	uint32_t snd_max; /* one past the highest sequence number sent */
	bool has_isn;
	uint32_t isn;
	bool acked;    /* ack and win_zero are known */
	uint32_t ack;  /* its last ACK: the other side's rcv_nxt */
	bool win_zero; /* and the window it advertised with it was 0 */
};

struct flow {
	uint16_t client_port;
	uint16_t peer_port;
	struct side side[2]; /* 0: the client's, 1: the peer's */
};

struct flows {
	struct flow *v;
	size_t n, cap;
};

/* Sequence space a segment occupies: its data, and one each for SYN, FIN. */
static uint32_t
seg_space(const struct obs_segment *s)
{
	return s->len + ((s->flags & TCPF_SYN) ? 1u : 0u) +
	    ((s->flags & TCPF_FIN) ? 1u : 0u);
}

static struct flow *
flow_get(struct flows *fl, const struct obs_segment *s)
{
	uint16_t cport = s->from_client ? s->sport : s->dport;
	uint16_t pport = s->from_client ? s->dport : s->sport;
	struct flow *f;
	size_t i;

	for (i = 0; i < fl->n; i++)
		if (fl->v[i].client_port == cport &&
		    fl->v[i].peer_port == pport)
			return &fl->v[i];
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 8;

		if ((f = reallocarray(fl->v, cap, sizeof(*f))) == NULL)
			return NULL;
		fl->v = f;
		fl->cap = cap;
	}
	f = &fl->v[fl->n++];
	*f = (struct flow){ .client_port = cport, .peer_port = pport };
	return f;
}

/*
 * A SYN with a new initial sequence number starts a new connection on the
 * same ports (after TIME_WAIT, say): forget what the old one sent, or its
 * higher sequence numbers would make the new one's look like repeats. A
 * SYN without ACK opens it, from either side (the peer connects too), and
 * so forgets the other side's as well.
 */
static void
on_syn(struct flow *f, int d, const struct obs_segment *s)
{
	struct side *me = &f->side[d];

	if (me->has_isn && me->isn == s->seq)
		return;
	if (!(s->flags & TCPF_ACK))
		f->side[!d] = (struct side){ 0 };
	*me = (struct side){ .has_isn = true, .isn = s->seq };
}

static bool
is_probe(const struct obs_segment *s, const struct side *other)
{
	if (!other->acked || !other->win_zero)
		return false;
	if (s->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST))
		return false;
	return (s->len == 0 && s->seq == other->ack - 1) ||
	    (s->len == 1 && s->seq == other->ack);
}

static void
classify_one(struct flow *f, struct obs_segment *s)
{
	int d = s->from_client ? 0 : 1;
	struct side *me = &f->side[d];
	uint32_t space = seg_space(s);

	if (s->flags & TCPF_SYN)
		on_syn(f, d, s);
	s->zero_window_probe = is_probe(s, &f->side[!d]);
	s->retransmission = !s->zero_window_probe && !(s->flags & TCPF_RST) &&
	    space > 0 && me->sent && seq_lt(s->seq, me->snd_max);
	if (space > 0 && (!me->sent || seq_lt(me->snd_max, s->seq + space))) {
		me->snd_max = s->seq + space;
		me->sent = true;
	}
	/* An RST's window means nothing (Linux sends 0); a SYN's is unscaled. */
	if ((s->flags & TCPF_ACK) && !(s->flags & TCPF_RST)) {
		me->acked = true;
		me->ack = s->ack;
		me->win_zero = s->window == 0 && !(s->flags & TCPF_SYN);
	}
}

int
wire_classify(struct obs_segment *segs, size_t n)
{
	struct flows fl = { 0 };
	struct flow *f;
	size_t i;

	/* Find every flow first, so running out of memory changes nothing. */
	for (i = 0; i < n; i++) {
		if (flow_get(&fl, &segs[i]) == NULL) {
			free(fl.v);
			errno = ENOMEM;
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		f = flow_get(&fl, &segs[i]); /* found above: cannot fail */
		classify_one(f, &segs[i]);
	}
	free(fl.v);
	return 0;
}

bool
wire_match(const struct obs_segment *s, const struct wire_pattern *p)
{
	uint16_t cport = s->from_client ? s->sport : s->dport;
	uint16_t pport = s->from_client ? s->dport : s->sport;

	if ((p->fields & WP_FROM) && s->from_client != p->from_client)
		return false;
	if ((p->client_port != 0 && cport != p->client_port) ||
	    (p->peer_port != 0 && pport != p->peer_port))
		return false;
	if ((s->flags & p->flags_set) != p->flags_set ||
	    (s->flags & p->flags_clear) != 0)
		return false;
	if ((p->fields & WP_PAYLOAD) && (s->len > 0) != p->has_payload)
		return false;
	if ((p->fields & WP_RETX) && s->retransmission != p->retransmission)
		return false;
	if ((p->fields & WP_ZWP) &&
	    s->zero_window_probe != p->zero_window_probe)
		return false;
	if ((p->fields & WP_TIME) && !wire_in_window(s->t_ns, p))
		return false;
	return true;
}

bool
wire_in_window(uint64_t t_ns, const struct wire_pattern *p)
{
	return t_ns + p->t_slack_ns >= p->t_from_ns && t_ns <= p->t_to_ns;
}

ssize_t
wire_find(const struct obs_segment *segs, size_t n, size_t from,
    const struct wire_pattern *pat)
{
	size_t i;

	for (i = from; i < n; i++)
		if (wire_match(&segs[i], pat))
			return (ssize_t)i;
	return -1;
}

size_t
wire_count(const struct obs_segment *segs, size_t n,
    const struct wire_pattern *pat)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (wire_match(&segs[i], pat))
			c++;
	return c;
}

size_t
wire_format_wanted(const struct wire_pattern *p, char *buf, size_t len)
{
	char set[16], clear[16];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	tcpf_letters(p->flags_set, set, sizeof(set));
	tcpf_letters(p->flags_clear, clear, sizeof(clear));
	if (p->flags_set != 0)
		tb_printf(&tb, "%s", set);
	if (p->flags_clear != 0)
		tb_printf(&tb, "%sno %s", p->flags_set != 0 ? ", " : "", clear);
	if (p->flags_set == 0 && p->flags_clear == 0)
		tb_printf(&tb, "any");
	return tb.off;
}

size_t
wire_format_segment(const struct obs_segment *s, char *buf, size_t len)
{
	char t[32], fl[16];
	struct tbuf tb;

	tb_init(&tb, buf, len);
	dur_offset(s->t_ns, t, sizeof(t));
	tcpf_letters(s->flags, fl, sizeof(fl));
	tb_printf(&tb,
	    "%s %s:%u > %s:%u [%s] seq %" PRIu32 " ack %" PRIu32
	    " win %u len %" PRIu32,
	    t, s->from_client ? "client" : "peer", s->sport,
	    s->from_client ? "peer" : "client", s->dport, fl, s->seq, s->ack,
	    s->window, s->len);
	if (s->retransmission)
		tb_printf(&tb, " retransmission");
	if (s->zero_window_probe)
		tb_printf(&tb, " zero-window-probe");
	return tb.off;
}

/* Each differing field adds one clause; the first needs no separator. */
static void clause(struct tbuf *tb, int *count, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
clause(struct tbuf *tb, int *count, const char *fmt, ...)
{
	char piece[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	tb_printf(tb, "%s%s", *count > 0 ? ", " : "", piece);
	(*count)++;
}

static void
diff_time(struct tbuf *tb, int *count, const struct obs_segment *s,
    const struct wire_pattern *p)
{
	char at[32], by[32];
	uint64_t d;

	if (!(p->fields & WP_TIME) || wire_in_window(s->t_ns, p))
		return;
	dur_offset(s->t_ns, at, sizeof(at));
	d = s->t_ns < p->t_from_ns ? p->t_from_ns - s->t_ns
				   : s->t_ns - p->t_to_ns;
	dur_seconds(d, by, sizeof(by));
	clause(tb, count, "at %s, %ss %s the window", at, by,
	    s->t_ns < p->t_from_ns ? "before" : "after");
}

int
wire_diff(const struct obs_segment *s, const struct wire_pattern *p, char *buf,
    size_t len)
{
	uint16_t cport = s->from_client ? s->sport : s->dport;
	uint16_t pport = s->from_client ? s->dport : s->sport;
	char have[16], want[32];
	struct tbuf tb;
	int count = 0;

	tb_init(&tb, buf, len);
	if ((p->fields & WP_FROM) && s->from_client != p->from_client)
		clause(&tb, &count, "from %s but wanted from %s",
		    s->from_client ? "client" : "peer",
		    p->from_client ? "client" : "peer");
	if (p->client_port != 0 && cport != p->client_port)
		clause(&tb, &count, "client port %u but wanted %u", cport,
		    p->client_port);
	if (p->peer_port != 0 && pport != p->peer_port)
		clause(&tb, &count, "peer port %u but wanted %u", pport,
		    p->peer_port);
	if ((s->flags & p->flags_set) != p->flags_set ||
	    (s->flags & p->flags_clear) != 0) {
		tcpf_letters(s->flags, have, sizeof(have));
		wire_format_wanted(p, want, sizeof(want));
		clause(&tb, &count, "flags %s but wanted %s", have, want);
	}
	if ((p->fields & WP_PAYLOAD) && (s->len > 0) != p->has_payload)
		clause(&tb, &count,
		    "%" PRIu32 " bytes of payload but wanted %s", s->len,
		    p->has_payload ? "some" : "none");
	if ((p->fields & WP_RETX) && s->retransmission != p->retransmission)
		clause(&tb, &count, "%s",
		    s->retransmission ? "a retransmission"
				      : "not a retransmission");
	if ((p->fields & WP_ZWP) &&
	    s->zero_window_probe != p->zero_window_probe)
		clause(&tb, &count, "%s",
		    s->zero_window_probe ? "a zero-window probe"
					 : "not a zero-window probe");
	diff_time(&tb, &count, s, p);
	return count;
}
