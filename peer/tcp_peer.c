/*
 * tcp_peer.c - lingerpeer's TCP endpoint: segments in, decisions out.
 *
 * This is a deliberately small TCP: it holds data that arrives after a hole
 * only as sequence ranges, in a bounded queue (tcp_peer_ooo.c; a veth
 * reorders when the client sends from two CPUs), it keeps no SACK state and
 * it treats the client as the party under test. What it is careful about is what the client's close()
 * path can see: which segments get ACKed, what window is advertised, and
 * when a FIN is answered.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_peer_int.h"

void
peer_config_default(struct peer_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->addr4 =
	    ip_addr_v4(0xc0000202); /* 192.0.2.2, the sandbox address */
	cfg->addr6 = ip_addr_none();
	cfg->mss = 1460;
	cfg->wscale = 7;
	cfg->max_conns = 131072;
	cfg->when_full = WHEN_FULL_DROP;
	cfg->event_capacity = 262144;
	cfg->max_delayed = 65536;
	cfg->max_ooo_conns = OOO_MAX_QUEUES;
	cfg->seed = 1;
}

struct peer *
peer_new(const struct peer_config *cfg)
{
	struct peer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->cfg = *cfg;
	if (p->cfg.wscale > 14)
		p->cfg.wscale = 14;
	p->conns = conn_table_new(cfg->max_conns, cfg->seed);
	p->log = event_log_new(cfg->event_capacity);
	timer_heap_init(&p->timers, cfg->max_conns + cfg->max_delayed + 1024);
	if (p->conns == NULL || p->log == NULL ||
	    delay_pool_init(&p->delayed, cfg->max_delayed) < 0 ||
	    ooo_pool_init(&p->ooo, cfg->max_ooo_conns) < 0) {
		peer_free(p);
		return NULL;
	}
	return p;
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	conn_table_free(p->conns);
	event_log_free(p->log);
	timer_heap_free(&p->timers);
	ooo_pool_free(&p->ooo);
	delay_pool_free(&p->delayed);
	free(p);
}

static struct listener *
find_listener(const struct peer *p, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < p->nlisteners; i++)
		if (p->listeners[i].port == port)
			return (struct listener *)&p->listeners[i];
	return NULL;
}

int
peer_listen(struct peer *p, uint16_t port, const struct behaviour *b)
{
	struct listener *l = find_listener(p, port);

	if (l == NULL) {
		if (p->nlisteners == PEER_MAX_LISTENERS || port == 0)
			return -1;
		l = &p->listeners[p->nlisteners++];
		l->port = port;
	}
	l->b = *b;
	return 0;
}

bool
peer_is_listening(const struct peer *p, uint16_t port)
{
	return find_listener(p, port) != NULL;
}

const struct behaviour *
peer_port_behaviour(const struct peer *p, uint16_t port)
{
	const struct listener *l = find_listener(p, port);

	return l != NULL ? &l->b : NULL;
}

void
peer_set_narrator(struct peer *p, peer_narrate_fn fn, void *arg)
{
	p->narrate = fn;
	p->narrate_arg = arg;
}

void
peer_say(struct peer *p, const struct conn *c, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (p->narrate == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	p->narrate(p->narrate_arg, c != NULL ? c->id : 0, text);
}

const char *
peer_nth(uint32_t n, char buf[16])
{
	const char *suffix = "th";

	if (n % 100 < 11 || n % 100 > 13)
		suffix = n % 10 == 1 ? "st"
		    : n % 10 == 2    ? "nd"
		    : n % 10 == 3    ? "rd"
				     : "th";
	snprintf(buf, 16, "%u%s", n, suffix);
	return buf;
}

const char *
peer_client_str(const struct conn *c, char buf[IP_ADDR_PORT_STRLEN])
{
	return ip_addr_format_port(&c->raddr, c->rport, buf,
	    IP_ADDR_PORT_STRLEN);
}

const struct ip_addr *
peer_local_addr(const struct peer *p, const struct ip_addr *a)
{
	if (a->family == IPF_V4 && ip_addr_is_v4(&p->cfg.addr4))
		return &p->cfg.addr4;
	if (a->family == IPF_V6 && ip_addr_is_v6(&p->cfg.addr6))
		return &p->cfg.addr6;
	return NULL;
}

/* IPv6's fixed header is 20 bytes longer: the same MTU holds 20 fewer. */
uint16_t
peer_mss(const struct peer *p, const struct conn *c)
{
	return ip_addr_is_v6(&c->raddr) ? (uint16_t)(p->cfg.mss - 20)
					: p->cfg.mss;
}

void
peer_log_conn(struct peer *p, const struct conn *c, uint8_t type, uint32_t arg,
    uint32_t len)
{
	struct peer_event ev = { .t_ns = p->now,
		.conn_id = c->id,
		.type = type,
		.state = c->state,
		.arg = arg,
		.len = len };

	event_log_add(p->log, &ev);
}

void
peer_set_state(struct peer *p, struct conn *c, enum conn_state st)
{
	struct peer_event ev = { .t_ns = p->now,
		.conn_id = c->id,
		.type = EV_STATE,
		.state = (uint8_t)st,
		.old_state = c->state };

	if (c->state == st)
		return;
	event_log_add(p->log, &ev);
	peer_say(p, c, "state %s -> %s", conn_state_name(c->state),
	    conn_state_name(st));
	c->state = (uint8_t)st;
	/* No 2MSL timer ends TIME_WAIT here: its slot is reusable like a closed one. */
	if (st == CS_TIME_WAIT)
		conn_retire(p->conns, c);
}

/* What a connection holds outside its slot: its timer, its held data. */
void
peer_forget(struct peer *p, struct conn *c)
{
	out_cancel_rto(p, c);
	ooo_release(p, c);
}

void
peer_close_conn(struct peer *p, struct conn *c, enum close_reason why)
{
	peer_set_state(p, c, CS_CLOSED);
	c->closed_by = (uint8_t)why;
	peer_forget(p, c);
	c->pending_send = 0;
	conn_retire(p->conns, c);
}

/* The emulated application reads up to limit bytes (UINT32_MAX: all). */
void
peer_app_read(struct peer *p, struct conn *c, uint32_t limit)
{
	uint32_t n = c->buffered < limit ? c->buffered : limit;

	(void)p;
	c->buffered -= n;
	c->bytes_read += n;
}

/* What the emulated application reads now, as its behaviour says. */
void
peer_app_reads_by_behaviour(struct peer *p, struct conn *c)
{
	uint64_t allowed;

	if (!(c->b.bits & BHV_STOP_READING)) {
		peer_app_read(p, c, UINT32_MAX);
		return;
	}
	allowed = c->b.read_after > c->bytes_read
	    ? c->b.read_after - c->bytes_read
	    : 0;
	peer_app_read(p, c,
	    allowed > UINT32_MAX ? UINT32_MAX : (uint32_t)allowed);
}

/*
 * After the client's FIN was ACKed, an application that read everything sees
 * end-of-file and closes: we send our FIN, unless a behaviour holds it back.
 */
void
peer_maybe_close(struct peer *p, struct conn *c)
{
	if (c->state != CS_CLOSE_WAIT || (c->flags & CF_FIN_SENT))
		return;
	if (c->b.bits & (BHV_HALF_CLOSE | BHV_SWALLOW_FIN | BHV_SILENT))
		return;
	if (c->buffered != 0)
		return; /* EOF is only seen after the data before it */
	if (c->pending_send != 0)
		return; /* close() flushes what was written: FIN goes last */
	out_fin(p, c);
	peer_set_state(p, c, CS_LAST_ACK);
}

static uint8_t
event_opts(const struct segment *s)
{
	return (uint8_t)((s->opt.has_mss ? EVO_MSS : 0) |
	    (s->opt.has_wscale ? EVO_WSCALE : 0) |
	    (s->opt.sack_ok ? EVO_SACK_OK : 0) | (s->opt.has_ts ? EVO_TS : 0));
}

void
peer_log_in(struct peer *p, const struct conn *c, const struct segment *s,
    enum seg_class cls)
{
	struct peer_event ev = { .t_ns = p->now,
		.conn_id = c != NULL ? c->id : 0,
		.type = EV_SEG_IN,
		.cls = (uint8_t)cls,
		.flags = s->flags,
		.opts = event_opts(s),
		.state = c != NULL ? c->state : CS_CLOSED,
		.win = s->window,
		.seq = s->seq,
		.ack = s->ack,
		.len = s->payload_len };

	event_log_add(p->log, &ev);
}

/* Our initial sequence number for a connection, passive or active alike. */
uint32_t
peer_initial_seq(const struct peer *p, const struct ip_addr *raddr,
    uint16_t rport, uint16_t lport)
{
	uint64_t h = p->cfg.seed ^
	    ((uint64_t)ip_addr_key32(raddr) << 32 | (uint32_t)rport << 16 |
		lport);

	h ^= p->now /
	    4000u; /* RFC 6528: a clock plus a keyed hash of the tuple */
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

/* Fill in a connection from the client's SYN; nothing is sent yet. */
static void
init_passive(struct peer *p, struct conn *c, const struct segment *s,
    const struct behaviour *b)
{
	char who[IP_ADDR_PORT_STRLEN];

	c->b = *b;
	c->created_ns = c->last_ns = p->now;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->iss = peer_initial_seq(p, &s->saddr, s->sport, s->dport);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss + 1;
	c->snd_mss = s->opt.has_mss ? s->opt.mss : 536;
	c->snd_wnd = s->window;
	c->syns_seen = 1;
	c->segs_in = 1;
	if (s->opt.has_wscale) {
		c->flags |= CF_WS_OK;
		c->snd_wscale = s->opt.wscale > 14 ? 14 : s->opt.wscale;
	}
	if (s->opt.has_ts) {
		c->flags |= CF_TS_OK;
		c->ts_recent = s->opt.ts_val;
	}
	p->stats.conns_opened++;
	peer_log_in(p, c, s, SC_SYN);
	peer_say(p, c, "new connection from %s to port %u",
	    peer_client_str(c, who), c->lport);
}

/*
 * A slot for a new connection with this four-tuple, or NULL (counted) when
 * the table is full. An open connection evicted to make room is recorded as
 * closed in the event ring, so its story does not just stop.
 */
struct conn *
peer_new_conn(struct peer *p, const struct ip_addr *raddr, uint16_t rport,
    uint16_t lport)
{
	struct peer_event ev = { .t_ns = p->now,
		.type = EV_STATE,
		.state = CS_CLOSED };
	struct conn evicted;
	struct conn *c;
	char who[IP_ADDR_PORT_STRLEN];

	c = conn_alloc(p->conns, raddr, rport, lport,
	    p->cfg.when_full == WHEN_FULL_EVICT, &evicted);
	if (c == NULL) {
		p->stats.conns_rejected++;
		peer_say(p, NULL,
		    "connection table full (%u): new connection with port %u "
		    "refused",
		    conn_table_capacity(p->conns), rport);
		return NULL;
	}
	if (evicted.id != 0) {
		/* The copy's timer and queue still name the slot's old owner. */
		out_cancel_rto(p, &evicted);
		ooo_release_evicted(p, c, &evicted);
		p->stats.conns_evicted++;
		ev.conn_id = evicted.id;
		ev.old_state = evicted.state;
		event_log_add(p->log, &ev);
		peer_say(p, NULL, "connection %u (%s, %s) evicted to make room",
		    evicted.id, peer_client_str(&evicted, who),
		    conn_state_name(evicted.state));
	}
	return c;
}

/*
 * A SYN that opens no live connection: refuse, drop or accept, as its port
 * says. old is a closed connection with the same four-tuple, reused in place.
 */
void
peer_on_syn(struct peer *p, struct conn *old, const struct segment *s)
{
	const struct listener *l = find_listener(p, s->dport);
	struct conn *c;

	if (l == NULL) {
		out_reset_for(p,
		    s); /* a closed port, as any host would answer */
		return;
	}
	if (old != NULL) {
		peer_forget(p, old);
		conn_renew(p->conns, old);
	}
	if ((c = old != NULL
		    ? old
		    : peer_new_conn(p, &s->saddr, s->sport, s->dport)) == NULL)
		return;
	init_passive(p, c, s, &l->b);
	if (l->b.bits & BHV_DROP_SYN) {
		p->stats.syns_dropped++;
		peer_say(p, c, "SYN dropped (drop-syn)");
		conn_retire(p->conns, c);
	} else if (l->b.bits & BHV_REFUSE) {
		p->stats.syns_refused++;
		peer_say(p, c, "SYN refused with RST (refuse)");
		out_emit(p, c, TCPF_RST | TCPF_ACK, 0, c->rcv_nxt, 0, SC_RST,
		    true);
		peer_close_conn(p, c, CR_RESET_OUT);
	} else {
		peer_set_state(p, c, CS_SYN_RCVD);
		out_emit(p, c, TCPF_SYN | TCPF_ACK, c->iss, c->rcv_nxt, 0,
		    SC_SYNACK, false);
		out_arm_rto(p, c);
	}
}
