/*
 * scenario_peer.c - the peer's statements: `peer listen`, `peer connect`,
 * the one-shot commands on the peer's end of a connection, and `wait
 * peer`. Behaviour specs and wait conditions go to lingerpeer as written,
 * so they are checked here by lingerpeer's own parsers (behaviour.h,
 * control_proto.h): a spec that passes `lingerlab check` is one the peer
 * takes. The table of statements is in scenario_steps.c.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <string.h>

#include "behaviour.h"
#include "control_proto.h"
#include "scenario_defaults.h"

/* lingerpeer's own parser decides; its message splits into ours and a hint. */
static int
read_spec(struct scn_cur *k, struct scn_step *s)
{
	const struct scn_word *w;
	struct behaviour b;
	struct behaviour_error be;
	char q[96], *sep;

	if ((w = scn_next(k, "a behaviour spec such as swallow-fin",
		 k->usage)) == NULL)
		return -1;
	if (behaviour_parse(w->text, &b, &be) < 0) {
		size_t cut = strlen(be.msg);

		if ((sep = strstr(be.msg, "; ")) != NULL ||
		    (sep = strstr(be.msg, ": ")) != NULL)
			cut = (size_t)(sep - be.msg);
		return scn_fail(k->c, scn_word_col(w, be.pos),
		    sep != NULL ? sep + 2
				: "see lingerpeer(8) for the behaviours",
		    "bad behaviour %s: %.*s", scn_quote(w, q, sizeof(q)),
		    (int)cut, be.msg);
	}
	if (w->len >= sizeof(s->text))
		return scn_fail(k->c, w->col, "shorten it",
		    "behaviour spec too long (%zu bytes, "
		    "at most %zu)",
		    w->len, sizeof(s->text) - 1);
	memcpy(s->text, w->text, w->len + 1);
	return 0;
}

int
scn_parse_peer_listen(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;
	uint32_t col = k->i < k->end ? c->t->w[k->i].col : c->t->end_col;

	if (scn_read_port(k, &s->port) < 0)
		return -1;
	if (scn_port_has(c->peer_ports, s->port))
		return scn_fail(c, col,
		    "one peer listen per port; change a behaviour live with "
		    "peer behaviour",
		    "the peer already listens on port %u", s->port);
	/* the port counts even when the spec is wrong: one error, not two */
	scn_port_add(c->peer_ports, s->port);
	if (c->first_peer_port == 0)
		c->first_peer_port = s->port;
	return read_spec(k, s);
}

int
scn_parse_peer_behaviour(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, 0, &s->sock) < 0)
		return -1;
	return read_spec(k, s);
}

int
scn_parse_peer_sock(struct scn_cur *k, struct scn_step *s)
{
	return scn_read_sock(k, 0, &s->sock);
}

/* The control protocol takes 1 byte to 4 GiB - 1; 0 is "all" for read. */
static int
peer_size(struct scn_cur *k, struct scn_step *s)
{
	uint32_t col = k->c->t->w[k->i].col;

	if (scn_read_size(k, "a size", &s->size) < 0)
		return -1;
	if (s->size == 0 || s->size > UINT32_MAX)
		return scn_fail(k->c, col,
		    s->kind == STEP_PEER_READ
			? "leave the size out to "
			  "read everything buffered"
			: "write a size from 1B to 4GiB - 1",
		    "expected a size from 1 byte to 4GiB - 1, got %llu",
		    (unsigned long long)s->size);
	return 0;
}

int
scn_parse_peer_read(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, 0, &s->sock) < 0)
		return -1;
	return scn_more(k) ? peer_size(k, s) : 0;
}

int
scn_parse_peer_send(struct scn_cur *k, struct scn_step *s)
{
	if (scn_read_sock(k, 0, &s->sock) < 0)
		return -1;
	if (!scn_more(k))
		return scn_fail(k->c, k->c->t->end_col, k->usage,
		    "expected a size, got the end "
		    "of the line");
	return peer_size(k, s);
}

/* The family of the socket that listens on port: the peer connects to it. */
static uint8_t
listener_family(const struct scn_ctx *c, uint16_t port)
{
	const struct scenario *sc = c->sc;
	size_t i = sc->nsteps;

	while (i-- > 0)
		if (sc->steps[i].kind == STEP_LISTEN &&
		    sc->steps[i].port == port && sc->steps[i].sock >= 0)
			return sc->sock_family[sc->steps[i].sock];
	return c->family;
}

int
scn_parse_peer_connect(struct scn_cur *k, struct scn_step *s)
{
	struct scn_ctx *c = k->c;
	uint32_t col = k->i < k->end ? c->t->w[k->i].col : c->t->end_col;
	char hint[80];

	if (scn_read_port(k, &s->port) < 0)
		return -1;
	if (!scn_port_has(c->sut_ports, s->port)) {
		snprintf(hint, sizeof(hint), "add 'listen SOCK %u' before it",
		    s->port);
		return scn_fail(c, col, hint,
		    "nothing on the system under test listens on "
		    "port %u",
		    s->port);
	}
	if (scn_read_keyword(k, "as", k->usage) < 0 ||
	    scn_new_sock(k, false, &s->sock2) < 0)
		return -1;
	/* declared even when the spec is wrong: one error, not one per use */
	c->sockf[s->sock2] = SOCKF_PENDING;
	c->sc->sock_family[s->sock2] = listener_family(c, s->port);
	return scn_more(k) ? read_spec(k, s) : 0;
}

/* The conditions go to lingerpeer as written, so lingerpeer's parser checks them. */
int
scn_parse_wait_peer(struct scn_cur *k, struct scn_step *s)
{
	struct control_cond cc;
	const struct scn_word *w;
	size_t used = 0, n = 0;

	if (scn_read_sock(k, 0, &s->sock) < 0)
		return -1;
	s->duration_ns = SCN_DEFAULT_WAIT_PEER_NS;
	while (k->i < k->end && !scn_word_is(&k->c->t->w[k->i], "within")) {
		w = &k->c->t->w[k->i++];
		if (scn_check_cond(k->c, w->text, w->col, &cc) < 0)
			return -1;
		if (++n > CONTROL_CONDS_MAX)
			return scn_fail(k->c, w->col,
			    "split it into several waits",
			    "too many conditions (at most %d)",
			    CONTROL_CONDS_MAX);
		if (used + w->len + 1 >= sizeof(s->text))
			return scn_fail(k->c, w->col,
			    "split it into several waits",
			    "the conditions are too long (at most %zu bytes)",
			    sizeof(s->text) - 1);
		used += (size_t)snprintf(s->text + used, sizeof(s->text) - used,
		    "%s%s", used > 0 ? " " : "", w->text);
	}
	if (n == 0 && k->i == k->end)
		return scn_fail(k->c, k->c->t->end_col, COND_HINT,
		    "expected a condition such "
		    "as fins>=2, got the end of the line");
	if (n == 0)
		return scn_fail(k->c, k->c->t->w[k->i].col, COND_HINT,
		    "expected a condition "
		    "before within");
	if (k->i == k->end)
		return 0;
	k->i++;
	if (scn_read_duration(k, "a duration", &s->duration_ns) < 0)
		return -1;
	if (s->duration_ns > CONTROL_WAIT_MAX_NS)
		return scn_fail(k->c, k->c->t->w[k->i - 1].col,
		    "wait in several steps",
		    "within is longer than the limit of 1h");
	return 0;
}
