/*
 * tcp_peer_connect.c - the peer opening connections itself.
 *
 * Servers closing on unresponsive clients is where many real leaks live, so
 * the peer must also play the client: it connects to a port the system under
 * test listens on, then misbehaves exactly as an accepted connection would.
 */
#include <string.h>

#include "tcp_peer_int.h"

#define EPHEMERAL_FIRST 40000
#define EPHEMERAL_LAST	60999

static uint16_t
pick_port(struct peer *p, const struct ip_addr *raddr, uint16_t rport)
{
	uint32_t tries;
	uint16_t port;

	if (p->next_ephemeral < EPHEMERAL_FIRST ||
	    p->next_ephemeral > EPHEMERAL_LAST)
		p->next_ephemeral = EPHEMERAL_FIRST;
	for (tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
		port = p->next_ephemeral++;
		if (p->next_ephemeral > EPHEMERAL_LAST)
			p->next_ephemeral = EPHEMERAL_FIRST;
		if (!peer_is_listening(p, port) &&
		    conn_find(p->conns, raddr, rport, port) == NULL)
			return port;
	}
	return 0;
}

enum peer_cmd_result
peer_connect(struct peer *p, const struct ip_addr *raddr, uint16_t rport,
    uint16_t lport, const struct behaviour *b, uint64_t now_ns, uint32_t *id)
{
	struct conn *c;
	char who[IP_ADDR_PORT_STRLEN];

	p->now = now_ns;
	if (peer_local_addr(p, raddr) == NULL)
		return PEER_CMD_NO_ADDR;
	if (lport == 0 && (lport = pick_port(p, raddr, rport)) == 0)
		return PEER_CMD_FULL;
	if ((c = conn_find(p->conns, raddr, rport, lport)) != NULL) {
		if (c->state != CS_CLOSED && c->state != CS_TIME_WAIT)
			return PEER_CMD_BAD_STATE;
		peer_forget(p, c);
		conn_renew(p->conns, c);
	} else if ((c = peer_new_conn(p, raddr, rport, lport)) == NULL) {
		return PEER_CMD_FULL;
	}
	c->b = *b;
	c->created_ns = c->last_ns = now_ns;
	c->iss = peer_initial_seq(p, raddr, rport, lport);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss + 1;
	c->snd_mss = 536;
	/* Offer scaling and timestamps; the SYN-ACK says which are agreed. */
	c->flags |= CF_WS_OK | CF_TS_OK;
	p->stats.conns_opened++;
	*id = c->id;
	peer_log_conn(p, c, EV_COMMAND, ECMD_CONNECT, rport);
	peer_say(p, c, "connecting to %s from port %u", peer_client_str(c, who),
	    lport);
	peer_set_state(p, c, CS_SYN_SENT);
	out_emit(p, c, TCPF_SYN, c->iss, 0, 0, SC_SYN, false);
	out_arm_rto(p, c);
	return PEER_CMD_OK;
}

/* In SYN_SENT: the answer to our SYN. */
void
peer_on_syn_sent(struct peer *p, struct conn *c, const struct segment *s)
{
	bool acceptable = (s->flags & TCPF_ACK) && s->ack == c->iss + 1;

	if (s->flags & TCPF_RST) {
		c->rsts_seen++;
		peer_log_in(p, c, s, SC_RST);
		if (acceptable) {
			peer_say(p, c, "connection refused (RST)");
			peer_close_conn(p, c, CR_RESET_IN);
		}
		return;
	}
	if (!acceptable || !(s->flags & TCPF_SYN)) {
		peer_log_in(p, c, s,
		    SC_ACK); /* stray: a real stack would RST */
		return;
	}
	c->syns_seen++;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->snd_una = s->ack;
	c->snd_wnd = s->window;
	c->snd_mss = s->opt.has_mss ? s->opt.mss : 536;
	if (s->opt.has_wscale)
		c->snd_wscale = s->opt.wscale > 14 ? 14 : s->opt.wscale;
	else
		c->flags &= (uint8_t)~CF_WS_OK;
	if (s->opt.has_ts)
		c->ts_recent = s->opt.ts_val;
	else
		c->flags &= (uint8_t)~CF_TS_OK;
	out_cancel_rto(p, c);
	c->rto_shift = 0;
	peer_log_in(p, c, s, SC_SYNACK);
	peer_set_state(p, c, CS_ESTABLISHED);
	out_ack(p, c, SC_ACK);
	if ((c->b.bits & BHV_SILENT) && c->b.silent_after == 0) {
		c->flags |= CF_QUIET;
		peer_say(p, c, "going silent (silent)");
	}
}
