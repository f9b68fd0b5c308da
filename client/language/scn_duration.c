/*
 * scn_duration.c - the expected duration of a case (scn_duration.h).
 *
 * A case's time is mostly what it waits for; the calls themselves take
 * microseconds. So the estimate is the harness's fixed cost, plus for
 * each step a small cost and what it waits for, plus after each step the
 * longest of the left-margin expectations that look from its return (they
 * run side by side: the next step starts when the last is done). Unknown
 * waits (`state ... within`, a `wire ... within` of a segment sent at once)
 * count as nothing: they end as soon as what they look for happens, and a
 * passing case is what the estimate is for.
 */
#include "scn_duration.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "timeunit.h"

/* A step's own cost: a call, or a command to lingerpeer and its answer. */
#define STEP_NS		  (1 * NS_PER_MS)
/* connect and peer connect wait for a handshake and ask the peer. */
#define CONNECT_NS	  (3 * NS_PER_MS)
/*
 * A step inside a repeat block, per instance: a call on a warm sandbox; a
 * connect there (measured: 1000 connects and closes in 1.3 s).
 */
#define REPEAT_STEP_NS	  (100 * NS_PER_US)
#define REPEAT_CONNECT_NS (1 * NS_PER_MS)
/* Linux's first retransmission timeout on a short path (TCP_RTO_MIN). */
#define RTO_MIN_NS	  (200 * NS_PER_MS)
/* A retransmission count past this is a bound, not a wait to model. */
#define RTO_MAX_DOUBLINGS 10

/* Whether an expectation applies to the reference system (Linux). */
static bool
applies(const struct scn_expect *e)
{
	return (e->os_mask & SCN_OS_LINUX) != 0;
}

static uint64_t
max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * When the nth retransmission goes out, counted from the original: the
 * timeout doubles each time from RTO_MIN_NS, so RTO * (2^n - 1).
 */
static uint64_t
retransmit_ns(uint32_t n)
{
	if (n > RTO_MAX_DOUBLINGS)
		n = RTO_MAX_DOUBLINGS;
	return RTO_MIN_NS * ((UINT64_C(1) << n) - 1);
}

/*
 * The count a `wait peer` condition asks for when it is one that only
 * retransmissions reach ("fins>=3": the first FIN and two again), else 0.
 */
static uint32_t
cond_retransmits(const char *cond)
{
	static const struct {
		const char *key;
		unsigned skip; /* the first that is no retransmission */
	} keys[] = {
		{ "fins>=", 1 },
		{ "fin-retx>=", 0 },
		{ "data-retx>=", 0 },
		{ "zwp>=", 0 },
	};
	size_t i, len;
	long v;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		len = strlen(keys[i].key);
		if (strncmp(cond, keys[i].key, len) != 0)
			continue;
		v = strtol(cond + len, NULL, 10);
		if (v <= (long)keys[i].skip)
			return 0;
		return (uint32_t)min_u64((uint64_t)v - keys[i].skip,
		    RTO_MAX_DOUBLINGS);
	}
	return 0;
}

/* `wait peer`: the longest retransmission wait among its conditions. */
static uint64_t
wait_peer_ns(const struct scn_step *st)
{
	const char *p = st->text;
	uint32_t n = 0, c;

	while (*p != '\0') {
		c = cond_retransmits(p);
		if (c > n)
			n = c;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	return min_u64(retransmit_ns(n), st->duration_ns);
}

/* What a step's call waits for, by its attached expectations. */
static uint64_t
attached_ns(const struct scn_step *st)
{
	const struct scn_expect *e;
	uint64_t ns = 0;
	size_t i;

	for (i = 0; i < st->nexpects; i++) {
		e = &st->expects[i];
		if (!e->attached || !applies(e))
			continue;
		if (e->kind == EXP_BLOCKS_ABOUT ||
		    e->kind == EXP_BLOCKS_AT_LEAST)
			ns = max_u64(ns, e->duration_ns);
	}
	return ns;
}

/* a - b, or 0 */
static uint64_t
sub_u64(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/*
 * How long one left-margin expectation holds the scenario after its step
 * returned, the step having taken step_ns. A `wire` window opens when the
 * step started: `during D` closes D after the step returned, a count of
 * retransmissions may have been reached while the step blocked. A drain
 * (`sockets FIN_WAIT1 = 0 within 20s`, `state c gone within 20s`) ends when
 * the orphans' user timeout (drain_ns; 0: none set) expires.
 */
static uint64_t
point_ns(const struct scn_expect *e, uint64_t step_ns, uint64_t drain_ns)
{
	switch (e->kind) {
	case EXP_WIRE_SENDS_NO: return e->duration_ns;
	case EXP_WIRE_RETRANSMITS:
	case EXP_WIRE_ZWP:
		return sub_u64(min_u64(retransmit_ns(e->count), e->duration_ns),
		    step_ns);
	case EXP_PROBE:
		if (e->probe.mode != SCN_PROBE_NOW)
			return 0;
		return min_u64(e->probe.within_ns, drain_ns);
	case EXP_STATE:
		if (strcmp(e->text, "gone") != 0)
			return 0;
		return min_u64(e->duration_ns, drain_ns);
	default: return 0;
	}
}

/* The longest of the left-margin expectations after a step. */
static uint64_t
points_ns(const struct scn_step *st, uint64_t step_ns, uint64_t drain_ns)
{
	uint64_t ns = 0;
	size_t i;

	for (i = 0; i < st->nexpects; i++)
		if (!st->expects[i].attached && applies(&st->expects[i]))
			ns = max_u64(ns,
			    point_ns(&st->expects[i], step_ns, drain_ns));
	return ns;
}

/* A step's own time, once, without what follows it. */
static uint64_t
own_ns(const struct scn_step *st, bool in_block)
{
	switch (st->kind) {
	case STEP_WAIT: return st->duration_ns;
	case STEP_WAIT_PEER: return wait_peer_ns(st);
	case STEP_SIGNAL:
	case STEP_REPEAT:
	case STEP_END: return 0;
	case STEP_CONNECT:
	case STEP_PEER_CONNECT:
		return in_block ? REPEAT_CONNECT_NS : CONNECT_NS;
	default: return in_block ? REPEAT_STEP_NS : STEP_NS;
	}
}

/* One step, once, with what follows it. */
static uint64_t
step_ns(const struct scn_step *st, bool in_block, uint64_t drain_ns)
{
	uint64_t ns = own_ns(st, in_block) + attached_ns(st);

	return ns + points_ns(st, ns, drain_ns);
}

/* The longest TCP_USER_TIMEOUT set so far: how long orphans last. */
static uint64_t
drain_after(const struct scn_step *st, uint64_t drain_ns)
{
	uint64_t ns;

	if (st->kind != STEP_SET || st->opt != OPT_USER_TIMEOUT ||
	    st->value <= 0)
		return drain_ns;
	ns = (uint64_t)st->value * NS_PER_MS;
	return max_u64(ns, drain_ns);
}

uint64_t
scn_expected_ns(const struct scenario *sc)
{
	const struct scn_step *st, *rep;
	uint64_t ns = 0, drain = 0, limit;
	size_t i;

	for (i = 0; i < sc->nsteps; i++) {
		st = &sc->steps[i];
		drain = drain_after(st, drain);
		if (st->block == 0) {
			ns += step_ns(st, false, drain);
			continue;
		}
		/* every instance of every iteration takes the step's time */
		rep = &sc->steps[st->block - 1];
		ns += step_ns(st, true, drain) * rep->repeat_n;
	}
	limit = sc->timeout_ns > 0 ? sc->timeout_ns : UINT64_MAX;
	return SCN_DUR_CASE_NS + min_u64(ns, limit);
}

struct by_length {
	uint64_t ns;
	size_t i;
};

/* Longest first; equal ones in input order (qsort is not stable). */
static int
longer_first(const void *a, const void *b)
{
	const struct by_length *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns > y->ns ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int
scn_longest_first(const uint64_t *ns, size_t n, size_t *order)
{
	struct by_length *k;
	size_t i;

	if ((k = calloc(n > 0 ? n : 1, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		k[i] = (struct by_length){ ns[i], i };
	qsort(k, n, sizeof(*k), longer_first);
	for (i = 0; i < n; i++)
		order[i] = k[i].i;
	free(k);
	return 0;
}
