/*
 * scenario_socks.c - socket names, declared before use: socket, accept ...
 * as and peer connect ... as declare one; every other step names one that
 * is declared, and ready for it (accepted, listening), so a typo is found
 * by "check" rather than as a strange failure halfway through a run.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <string.h>

int
scn_find_sock(const struct scenario *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->nsocks; i++)
		if (strcmp(sc->socks[i], name) == 0)
			return (int)i;
	return -1;
}

static int
bad_sock_name(struct scn_cur *k, const struct scn_word *w)
{
	char q[96];

	return scn_fail(k->c, w->col,
	    "a socket name is a letter, then letters, digits, - or _",
	    "expected a socket name, got %s", scn_quote(w, q, sizeof(q)));
}

static int
undeclared(struct scn_cur *k, const struct scn_word *w)
{
	const struct scenario *sc = k->c->sc;
	const char *names[SCN_MAX_SOCKS], *near;
	char hint[256];
	size_t i;

	for (i = 0; i < sc->nsocks; i++)
		names[i] = sc->socks[i];
	if ((near = scn_suggest(w->text, names, sc->nsocks)) != NULL)
		snprintf(hint, sizeof(hint), "did you mean %s?", near);
	else
		snprintf(hint, sizeof(hint),
		    "declare it first with 'socket %.31s' (or 'accept "
		    "L as %.31s', 'peer connect PORT as %.31s')",
		    w->text, w->text, w->text);
	return scn_fail(k->c, w->col, hint, "socket %.40s is not declared",
	    w->text);
}

int
scn_read_sock(struct scn_cur *k, unsigned need, int *out)
{
	const struct scn_word *w;
	char hint[160];
	int idx;

	if ((w = scn_next(k, "a socket name", k->usage)) == NULL)
		return -1;
	if (w->quoted || !scn_is_name(w->text, w->len))
		return bad_sock_name(k, w);
	if ((idx = scn_find_sock(k->c->sc, w->text)) < 0)
		return undeclared(k, w);
	if (scn_block_sock(k, w, idx) < 0)
		return -1;
	if ((need & SOCKF_FD) && !(k->c->sockf[idx] & SOCKF_FD)) {
		snprintf(hint, sizeof(hint),
		    "accept it first (accept LISTENER as %s); until "
		    "then only peer steps can use it",
		    w->text);
		return scn_fail(k->c, w->col, hint,
		    "socket %s is not accepted yet", w->text);
	}
	if ((need & SOCKF_LISTENED) && !(k->c->sockf[idx] & SOCKF_LISTENED)) {
		snprintf(hint, sizeof(hint), "call 'listen %s PORT' first",
		    w->text);
		return scn_fail(k->c, w->col, hint, "socket %s does not listen",
		    w->text);
	}
	*out = idx;
	return 0;
}

/* A name being declared; pending_ok lets accept take a peer connect's name. */
int
scn_new_sock(struct scn_cur *k, bool pending_ok, int *out)
{
	struct scn_ctx *c = k->c;
	const struct scn_word *w;
	int idx;

	if ((w = scn_next(k, "a name for the socket", k->usage)) == NULL)
		return -1;
	if (w->quoted || !scn_is_name(w->text, w->len))
		return bad_sock_name(k, w);
	if (w->len >= SCN_NAME_MAX)
		return scn_fail(c, w->col, "choose a shorter name",
		    "socket name too long (%zu "
		    "bytes, at most %d)",
		    w->len, SCN_NAME_MAX - 1);
	if ((idx = scn_find_sock(c->sc, w->text)) >= 0) {
		if (pending_ok && c->sockf[idx] == SOCKF_PENDING) {
			*out = idx;
			return 0;
		}
		return scn_fail(c, w->col,
		    "choose another name for the new socket",
		    "socket %s is already declared on line %u", w->text,
		    c->sock_line[idx]);
	}
	if (c->sc->nsocks == SCN_MAX_SOCKS)
		return scn_fail(c, w->col,
		    "a scenario is one experiment: split it",
		    "too many sockets (at most %d)", SCN_MAX_SOCKS);
	idx = (int)c->sc->nsocks++;
	memcpy(c->sc->socks[idx], w->text, w->len + 1);
	c->sock_block[idx] = c->open_block;
	c->sock_line[idx] = c->t->line;
	*out = idx;
	return 0;
}
