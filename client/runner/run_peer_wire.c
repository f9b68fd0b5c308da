/*
 * run_peer_wire.c - the wire of a case as lingerpeer saw it, for lab mode,
 * where the system under test is another host and nothing on it captures:
 * the segments lingerpeer received and sent, read from its event log over
 * the control channel (`events all since=N`), their times moved from its
 * clock onto ours.
 *
 * Which connections are the case's: those opened while it ran, known by
 * the event that opened each (the first SYN in, or lingerpeer's own
 * `connect`), which the log always holds before any other event of the
 * connection. That is what a sandbox's capture holds too: every
 * connection on a link that was new when the case began. Their ports come
 * from `show ID`, once each.
 *
 * The log is read between steps and, while the runner waits, every
 * PWIRE_POLL_MS (run_points.c): a step that blocks is not watched while it
 * blocks, but nothing is lost, since every event carries its own time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_client.h"
#include "control_events.h"
#include "run_int.h"
#include "run_sut.h"
#include "run_wire.h"
#include "timeunit.h"
#include "wire_classify.h"

#define EVENTS_LIMIT 100000u  /* per request; more: paged */
#define REFRESH_NS   NS_PER_S /* the clock again after this long */

struct pw_conn {
	uint32_t id;
	uint16_t cport, pport; /* the client's port, lingerpeer's */
};

struct run_pwire {
	uint64_t next;	/* the first event not read yet */
	int64_t off_ns; /* lingerpeer's clock minus ours */
	uint64_t bound_max_ns;
	uint64_t drift_max_ns;
	uint64_t est_at_ns;
	uint64_t last_t; /* the last segment's time: kept in order */
	struct pw_conn *conns;
	size_t nconns, cap;
	size_t streamed; /* obs->segs sent to the parent */
};

/* One `clock` exchange: lingerpeer's time, bracketed by ours. */
static int
clock_once(struct run_ctx *r, uint64_t *peer, uint64_t *t0, uint64_t *t1)
{
	struct control_reply rep;
	int rc;

	*t0 = plat_now_ns();
	if ((rc = run_peer_request(r, "lingerpeer's clock", RUN_CTL_TIMEOUT_MS,
		 &rep, "clock")) == -1)
		return -1;
	*t1 = plat_now_ns();
	if (rc == 0 || control_clock_parse(rep.status, peer) == -1) {
		run_abort(r, OBS_ABORT_ENV,
		    "lingerpeer answered `clock` with "
		    "'%s': lab mode needs the lingerpeer of this lingerlab "
		    "(docs/lab.md)",
		    rep.status);
		rc = -1;
	}
	control_reply_free(&rep);
	return rc == -1 ? -1 : 0;
}

/* rounds exchanges; the shortest round trip's offset (as agent_client.c). */
static int
estimate(struct run_ctx *r, unsigned rounds)
{
	struct run_pwire *w = r->pwire;
	uint64_t peer, t0, t1, best = UINT64_MAX, bound = 0, move;
	int64_t off = 0;
	unsigned i;

	for (i = 0; i < rounds; i++) {
		if (clock_once(r, &peer, &t0, &t1) == -1)
			return -1;
		if (t1 - t0 >= best)
			continue;
		best = t1 - t0;
		off = (int64_t)(peer - (t0 + best / 2));
		bound = best / 2 + best % 2;
	}
	if (w->est_at_ns != 0) {
		move = off > w->off_ns ? (uint64_t)(off - w->off_ns)
				       : (uint64_t)(w->off_ns - off);
		if (move > w->drift_max_ns)
			w->drift_max_ns = move;
	}
	if (bound > w->bound_max_ns)
		w->bound_max_ns = bound;
	w->off_ns = off;
	w->est_at_ns = plat_now_ns();
	return 0;
}

int
run_peer_hello(const struct run_opts *o, char *err, size_t errlen)
{
	struct control_client *c;
	struct control_reply rep;
	uint64_t now;
	char why[256];
	int rc = 0;

	if ((c = control_client_open_token(o->peer_control, o->peer_token,
		 RUN_CTL_TIMEOUT_MS, why, sizeof(why))) == NULL) {
		snprintf(err, errlen,
		    "cannot reach lingerpeer's control channel: "
		    "%s",
		    why);
		return -1;
	}
	if (control_request(c, "clock", RUN_CTL_TIMEOUT_MS, &rep, why,
		sizeof(why)) == -1) {
		snprintf(err, errlen, "lingerpeer at %s: %s", o->peer_control,
		    why);
		rc = -1;
	} else {
		if (control_clock_parse(rep.status, &now) == -1) {
			snprintf(err, errlen,
			    "lingerpeer at %s answered `clock` "
			    "with '%.120s': lab mode needs the lingerpeer of this "
			    "lingerlab (docs/lab.md)",
			    o->peer_control, rep.status);
			rc = -1;
		}
		control_reply_free(&rep);
	}
	control_client_close(c);
	return rc;
}

int
pwire_open(struct run_ctx *r)
{
	struct control_reply rep;
	uint64_t next = 0;
	int rc;

	if ((r->pwire = calloc(1, sizeof(*r->pwire))) == NULL) {
		run_abort(r, OBS_ABORT_ENV, "out of memory");
		return -1;
	}
	/* Where the case's events will begin. */
	if ((rc = run_peer_request(r, "lingerpeer's stats", RUN_CTL_TIMEOUT_MS,
		 &rep, "stats")) == -1)
		return -1;
	if (rc == 0 || rep.nlines == 0 ||
	    control_field_u64(rep.lines[0], "events-next", &next) == -1)
		rc = -1;
	control_reply_free(&rep);
	if (rc == -1) {
		run_abort(r, OBS_ABORT_ENV,
		    "lingerpeer's stats give no "
		    "events-next: lab mode needs the lingerpeer of this lingerlab");
		return -1;
	}
	r->pwire->next = next;
	return estimate(r, SUT_CLOCK_ROUNDS);
}

void
pwire_close(struct run_ctx *r)
{
	if (r->pwire == NULL)
		return;
	free(r->pwire->conns);
	free(r->pwire);
	r->pwire = NULL;
}

void
pwire_reset_conns(struct run_ctx *r)
{
	struct run_pwire *w = r->pwire;
	struct control_reply rep;
	char cmd[32];
	size_t i;

	if (w == NULL || r->peer == NULL)
		return;
	for (i = 0; i < w->nconns; i++) {
		snprintf(cmd, sizeof(cmd), "rst %" PRIu32, w->conns[i].id);
		/* err bad-state: closed already, nothing left of it */
		if (run_peer_request(r, cmd, RUN_CTL_TIMEOUT_MS, &rep, cmd) ==
		    -1)
			return;
		control_reply_free(&rep);
	}
}

void
pwire_clock_refresh(struct run_ctx *r)
{
	if (r->pwire != NULL && !r->stop &&
	    plat_now_ns() - r->pwire->est_at_ns >= REFRESH_NS)
		(void)estimate(r, 4);
}

uint64_t
pwire_clock_bound(const struct run_ctx *r)
{
	return r->pwire == NULL
	    ? 0
	    : r->pwire->bound_max_ns + r->pwire->drift_max_ns;
}

static struct pw_conn *
find(struct run_pwire *w, uint32_t id)
{
	size_t i;

	/* The newest first: a case's segments are mostly its last conn's. */
	for (i = w->nconns; i-- > 0;)
		if (w->conns[i].id == id)
			return &w->conns[i];
	return NULL;
}

/* The port after the last ':' of "192.0.2.1:44758" or "[2001:db8::1]:44758". */
static uint16_t
port_of(const char *addr)
{
	const char *c = strrchr(addr, ':');
	unsigned long v;
	char *end;

	if (c == NULL)
		return 0;
	v = strtoul(c + 1, &end, 10);
	return *end != '\0' || v > UINT16_MAX ? 0 : (uint16_t)v;
}

/* A connection opened in the case: its ports, from `show`. 0 or -1. */
static int
add_conn(struct run_ctx *r, uint32_t id)
{
	struct run_pwire *w = r->pwire;
	struct control_reply rep;
	struct pw_conn *c;
	char cmd[32], addr[64];
	uint64_t port = 0;
	int rc;

	if (w->nconns == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		if ((c = realloc(w->conns, w->cap * sizeof(*c))) == NULL) {
			run_abort(r, OBS_ABORT_ENV, "out of memory");
			return -1;
		}
		w->conns = c;
	}
	c = &w->conns[w->nconns++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	snprintf(cmd, sizeof(cmd), "show %" PRIu32, id);
	if ((rc = run_peer_request(r, cmd, RUN_CTL_TIMEOUT_MS, &rep, cmd)) ==
	    -1)
		return -1;
	/* Gone from the table already (recycled): its segments keep port 0. */
	if (rc == 1 && rep.nlines > 0) {
		if (control_field(rep.lines[0], "client", addr, sizeof(addr)) >
		    0)
			c->cport = port_of(addr);
		if (control_field_u64(rep.lines[0], "port", &port) == 0 &&
		    port <= UINT16_MAX)
			c->pport = (uint16_t)port;
	}
	control_reply_free(&rep);
	return 0;
}

/* A segment event of a case's connection into obs->segs. 0 or -1. */
static int
take(struct run_ctx *r, const struct control_seg_event *ev,
    const struct pw_conn *c)
{
	struct run_pwire *w = r->pwire;
	struct obs_segment s;
	int64_t t = (int64_t)ev->t_ns - w->off_ns - (int64_t)r->t0;

	memset(&s, 0, sizeof(s));
	s.t_ns = t > 0 ? (uint64_t)t : 0;
	if (s.t_ns < w->last_t) /* a new offset must not reorder */
		s.t_ns = w->last_t;
	w->last_t = s.t_ns;
	s.from_client = ev->in;
	s.sport = ev->in ? c->cport : c->pport;
	s.dport = ev->in ? c->pport : c->cport;
	s.seq = ev->seq;
	s.ack = ev->ack;
	s.flags = ev->flags;
	s.window = ev->win;
	s.len = ev->len;
	if (case_obs_add_segment(r->obs, &s) == -1) {
		run_abort(r, OBS_ABORT_ENV, "out of memory for segments");
		return -1;
	}
	return 0;
}

/* One data line of the events reply. 0, or -1 (the case stopped). */
static int
one_event(struct run_ctx *r, const char *line)
{
	struct control_seg_event ev;
	struct pw_conn *c;
	int k = control_event_segment(line, &ev);

	if (k == -1) {
		run_abort(r, OBS_ABORT_ENV,
		    "lingerpeer sent an event line "
		    "lingerlab cannot read: '%.120s'",
		    line);
		return -1;
	}
	if (ev.n >= r->pwire->next)
		r->pwire->next = ev.n + 1;
	if (ev.opens && ev.conn != 0 && find(r->pwire, ev.conn) == NULL &&
	    add_conn(r, ev.conn) == -1)
		return -1;
	if (k == 0 || ev.conn == 0 || (c = find(r->pwire, ev.conn)) == NULL)
		return 0; /* not a segment, or not the case's */
	return take(r, &ev, c);
}

/* One page of the log. 1: more to read, 0: all read, -1: stopped. */
static int
page(struct run_ctx *r)
{
	struct control_reply rep;
	uint64_t lost, next;
	bool more = false;
	char cmd[96];
	size_t i;
	int rc;

	snprintf(cmd, sizeof(cmd), "events all since=%" PRIu64 " limit=%u",
	    r->pwire->next, EVENTS_LIMIT);
	if ((rc = run_peer_request(r, "lingerpeer's event log",
		 RUN_CTL_TIMEOUT_MS, &rep, cmd)) == -1)
		return -1;
	for (i = 0; rc == 1 && i < rep.nlines; i++)
		if (one_event(r, rep.lines[i]) == -1)
			rc = -1;
	if (rc == 1 &&
	    control_events_status(rep.status, &lost, &more, &next) == 0) {
		/* the ring wrapped over events not read: like frames dropped */
		r->obs->capture_drops += lost;
		if (more && next > r->pwire->next)
			r->pwire->next = next;
	} else if (rc != -1) {
		run_abort(r, OBS_ABORT_ENV,
		    "lingerpeer answered '%s' with "
		    "'%.120s'",
		    cmd, rep.status);
		rc = -1;
	}
	control_reply_free(&rep);
	return rc == -1 ? -1 : more ? 1 : 0;
}

int
pwire_collect(struct run_ctx *r)
{
	struct run_pwire *w = r->pwire;
	struct case_obs *o = r->obs;
	char buf[OBS_LINE_MAX];
	size_t before = o->nsegs;
	int rc;

	/* Also after the case stopped: what was seen until then counts. */
	if (w == NULL)
		return 0;
	while ((rc = page(r)) == 1)
		;
	if (rc == -1)
		return -1;
	if (o->nsegs == before)
		return 0;
	/* Earlier segments keep their classes: see wire_classify.h. */
	if (wire_classify(o->segs, o->nsegs) == -1) {
		run_abort(r, OBS_ABORT_ENV,
		    "out of memory classifying segments");
		return -1;
	}
	for (; w->streamed < o->nsegs; w->streamed++)
		run_emit(r, buf,
		    obs_fmt_seg(&o->segs[w->streamed], buf, sizeof(buf)));
	return 0;
}
