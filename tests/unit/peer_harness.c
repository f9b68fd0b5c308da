/*
 * peer_harness.c - see peer_harness.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "peer_harness.h"

static const uint8_t zeros[70000];

const struct ip_addr h_client4 = IP_ADDR_V4_INIT(192, 0, 2, 1);
const struct ip_addr h_peer4 = IP_ADDR_V4_INIT(192, 0, 2, 2);
const struct ip_addr h_client6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
const struct ip_addr h_peer6 = { .family = IPF_V6,
	.b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };

void
h_config(struct peer_config *cfg)
{
	peer_config_default(cfg);
	cfg->addr4 = h_peer4;
	cfg->max_conns = 64;
	cfg->event_capacity = 4096;
	cfg->max_delayed = 256;
}

struct behaviour
h_behaviour(const char *spec)
{
	struct behaviour_error err;
	struct behaviour b;

	if (behaviour_parse(spec, &b, &err) != 0)
		fail_msg("behaviour \"%s\": %s at %zu", spec, err.msg, err.pos);
	return b;
}

void
h_init_cfg(struct harness *h, const char *spec, const struct peer_config *cfg)
{
	struct behaviour b = h_behaviour(spec);

	memset(h, 0, sizeof(*h));
	h->p = peer_new(cfg);
	assert_non_null(h->p);
	assert_int_equal(peer_listen(h->p, PEER_PORT, &b), 0);
	h->caddr = h_client4;
	h->cport = CLIENT_PORT;
	h->tsval = CLIENT_TSVAL;
	h->ts = true;
	h->now = 1000 * MS; /* not zero, so a missing time would show */
}

void
h_init(struct harness *h, const char *spec)
{
	struct peer_config cfg;

	h_config(&cfg);
	h_init_cfg(h, spec, &cfg);
}

void
h_init6(struct harness *h, const char *spec)
{
	struct peer_config cfg;

	h_config(&cfg);
	cfg.addr6 = h_peer6;
	h_init_cfg(h, spec, &cfg);
	h->caddr = h_client6;
}

void
h_fini(struct harness *h)
{
	peer_free(h->p);
	h->p = NULL;
}

struct segment
h_seg(const struct harness *h, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len)
{
	struct segment s;

	memset(&s, 0, sizeof(s));
	s.saddr = h->caddr;
	s.daddr = ip_addr_is_v6(&h->caddr) ? h_peer6 : h_peer4;
	s.sport = h->cport;
	s.dport = PEER_PORT;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.window = CLIENT_WIN;
	if (h->ts) {
		s.opt.has_ts = true;
		s.opt.ts_val = h->tsval;
		s.opt.ts_ecr = 1;
	}
	assert_true(len <= sizeof(zeros));
	s.payload_len = len;
	s.payload = len > 0 ? zeros : NULL;
	return s;
}

struct segment
h_syn(const struct harness *h, uint32_t isn)
{
	struct segment s = h_seg(h, TCPF_SYN, isn, 0, 0);

	s.window = 64240;
	s.opt.has_mss = true;
	s.opt.mss = ip_addr_is_v6(&h->caddr) ? 1440 : 1460;
	s.opt.sack_ok = true;
	s.opt.has_wscale = true;
	s.opt.wscale = 7;
	s.opt.ts_ecr = 0;
	return s;
}

size_t
h_drain(struct harness *h)
{
	h->nout = 0;
	while (h->nout < HARNESS_MAX_OUT &&
	    peer_pop_output(h->p, &h->out[h->nout]))
		h->nout++;
	return h->nout;
}

size_t
h_input(struct harness *h, const struct segment *s)
{
	peer_input(h->p, s, h->now);
	return h_drain(h);
}

size_t
h_tick(struct harness *h, uint64_t now)
{
	h->now = now;
	peer_tick(h->p, now);
	return h_drain(h);
}

void
h_expect(const struct segment *s, uint8_t flags, uint32_t seq, uint32_t ack,
    uint16_t win, uint32_t len)
{
	char got[10], want[10];

	if (s->flags != flags || s->seq != seq || s->ack != ack ||
	    s->window != win || s->payload_len != len)
		fail_msg(
		    "got %s seq=%u ack=%u win=%u len=%u, want %s seq=%u ack=%u win=%u "
		    "len=%u",
		    tcp_flags_str(s->flags, got), s->seq, s->ack, s->window,
		    s->payload_len, tcp_flags_str(flags, want), seq, ack, win,
		    len);
	/* every reply goes back to where the client is, from our address of its family */
	assert_true(ip_addr_eq(&s->saddr,
	    ip_addr_is_v6(&s->daddr) ? &h_peer6 : &h_peer4));
	assert_true(ip_addr_eq(&s->daddr,
	    ip_addr_is_v6(&s->daddr) ? &h_client6 : &h_client4));
	assert_int_equal(s->sport, PEER_PORT);
	assert_true((len == 0) == (s->payload == NULL));
}

void
h_connect(struct harness *h)
{
	struct segment syn = h_syn(h, CLIENT_ISN);
	uint32_t rcvbuf = peer_port_behaviour(h->p, PEER_PORT)->rcvbuf;

	assert_int_equal(h_input(h, &syn), 1);
	h->iss = h->out[0].seq;
	/* the SYN-ACK's window is never scaled: the buffer, at most 65535 */
	h_expect(&h->out[0], TCPF_SYN | TCPF_ACK, h->iss, CLIENT_ISN + 1,
	    (uint16_t)(rcvbuf < 65535 ? rcvbuf : 65535), 0);
	assert_int_equal(h->out[0].dport, h->cport);
	assert_int_equal(peer_conn_lookup(h->p, &h->caddr, h->cport, PEER_PORT,
			     &h->id),
	    0);
	h->cseq = CLIENT_ISN + 1;
	h->now += MS;
	assert_int_equal(h_ack(h, h->iss + 1, CLIENT_WIN), 0);
}

size_t
h_data(struct harness *h, uint32_t len)
{
	struct segment s =
	    h_seg(h, TCPF_ACK | TCPF_PSH, h->cseq, h->iss + 1, len);

	h->cseq += len;
	return h_input(h, &s);
}

size_t
h_fin(struct harness *h)
{
	struct segment s =
	    h_seg(h, TCPF_FIN | TCPF_ACK, h->cseq, h->iss + 1, 0);

	h->cseq++;
	return h_input(h, &s);
}

size_t
h_ack(struct harness *h, uint32_t ack, uint16_t win)
{
	struct segment s = h_seg(h, TCPF_ACK, h->cseq, ack, 0);

	s.window = win;
	return h_input(h, &s);
}

void
h_info(const struct harness *h, struct conn_info *info)
{
	assert_int_equal(peer_conn_info(h->p, h->id, info), 0);
}

struct ring {
	struct peer_event *ev;
	size_t n, seen;
};

static int
keep_last(uint64_t num, const struct peer_event *ev, void *arg)
{
	struct ring *r = arg;

	(void)num;
	r->ev[r->seen % r->n] = *ev;
	r->seen++;
	return 0;
}

size_t
h_events(const struct harness *h, struct peer_event *ev, size_t n)
{
	struct peer_event tmp[64];
	struct ring r = { tmp, n, 0 };
	size_t i, got;

	assert_true(n > 0 && n <= 64);
	event_log_foreach(peer_events(h->p), h->id, 0, keep_last, &r);
	got = r.seen < n ? r.seen : n;
	for (i = 0; i < got; i++)
		ev[i] = tmp[(r.seen - got + i) % n];
	return got;
}
