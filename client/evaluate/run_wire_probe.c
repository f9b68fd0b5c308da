/*
 * run_wire_probe.c - the records of repeat blocks and resource probes
 * (run_wire.h, format version 2):
 *
 *   probes N NAME1 ... NAMEn              the series, once, before any sample
 *   sample T ITER KIND BLOCK V1 ... Vn     one sample of every series (-1: unknown)
 *   rep I J CHECKED PASSED FIRSTFAIL RET ERR ERRNAME TSTART TEND BYTES
 *                                          steps[I].expects[J] over a block's iterations
 *
 * Series names have a space ("sockets FIN_WAIT1"); it is escaped as %20.
 * A block's iterations cost one rep record per expectation, not a call
 * record per iteration.
 */
#include "run_wire.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX (OBS_SERIES_MAX + 8)

/* Like snprintf, appending at *off; keeps *off at most len - 1. */
static void put(char *buf, size_t len, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

size_t
obs_fmt_probes(const struct case_obs *obs, char *buf, size_t len)
{
	const struct obs_probes *p = &obs->probes;
	size_t off = 0, i;
	const char *c;

	put(buf, len, &off, "probes %zu", p->nseries);
	for (i = 0; i < p->nseries; i++) {
		put(buf, len, &off, " ");
		for (c = p->names[i]; *c != '\0'; c++)
			if (*c == ' ')
				put(buf, len, &off, "%%20");
			else
				put(buf, len, &off, "%c", *c);
	}
	put(buf, len, &off, "\n");
	return off;
}

size_t
obs_fmt_sample(const struct case_obs *obs, size_t k, char *buf, size_t len)
{
	const struct obs_sample *s = &obs->probes.samples[k];
	size_t off = 0, i;

	put(buf, len, &off, "sample %" PRIu64 " %" PRIu32 " %u %zu", s->t_ns,
	    s->iter, (unsigned)s->kind, s->block);
	for (i = 0; i < obs->probes.nseries; i++)
		put(buf, len, &off, " %" PRId64, s->v[i]);
	put(buf, len, &off, "\n");
	return off;
}

size_t
obs_fmt_rep(const struct case_obs *obs, size_t i, size_t j, char *buf,
    size_t len)
{
	const struct obs_point *p = &obs->points[i][j];
	const struct obs_call *c = &p->rep_call;
	size_t off = 0;

	put(buf, len, &off,
	    "rep %zu %zu %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRId64
	    " %d %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
	    i, j, p->rep_checked, p->rep_passed, p->rep_first_fail, c->ret,
	    c->err, c->err_name[0] != '\0' ? c->err_name : "-", c->t_start_ns,
	    c->t_end_ns, c->bytes);
	return off;
}

static int
split(char *line, char **w, size_t *n)
{
	char *save = NULL, *t;

	*n = 0;
	for (t = strtok_r(line, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save)) {
		if (*n == WORDS_MAX)
			return -1;
		w[(*n)++] = t;
	}
	return 0;
}

static int
num_u(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
num_i(const char *s, int64_t *out)
{
	long long v;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

/* "sockets%20FIN_WAIT1" -> "sockets FIN_WAIT1"; only %20 is escaped, and
 * names are letters, digits and '_' (so every report can show them as is). */
static int
unesc_name(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s != '\0'; s++) {
		if (o + 1 >= len)
			return -1;
		if (*s == '%') {
			if (strncmp(s, "%20", 3) != 0)
				return -1;
			out[o++] = ' ';
			s += 2;
		} else if (isalnum((unsigned char)*s) || *s == '_') {
			out[o++] = *s;
		} else {
			return -1;
		}
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

static int
apply_probes(struct case_obs *obs, char **w, size_t n, char *err, size_t errlen)
{
	struct obs_probes *p = &obs->probes;
	uint64_t k;
	size_t i;

	if (n < 2 || num_u(w[1], OBS_SERIES_MAX, &k) < 0 || n != 2 + k ||
	    p->nsamples > 0) {
		snprintf(err, errlen,
		    "'probes' record: a count up to %d and that many "
		    "names, before any sample",
		    OBS_SERIES_MAX);
		return -1;
	}
	for (i = 0; i < k; i++) {
		if (unesc_name(w[2 + i], p->names[i], sizeof(p->names[i])) <
		    0) {
			snprintf(err, errlen,
			    "'probes' record: name %zu is malformed", i + 1);
			return -1;
		}
	}
	p->nseries = (size_t)k;
	return 0;
}

static int
add_sample(struct obs_probes *p, const struct obs_sample *s)
{
	struct obs_sample *v;
	size_t n = p->nsamples;

	/* capacity: 64, then doubling at each power of two */
	if (n == 0 || (n >= 64 && (n & (n - 1)) == 0)) {
		v = realloc(p->samples, (n == 0 ? 64 : n * 2) * sizeof(*v));
		if (v == NULL)
			return -1;
		p->samples = v;
	}
	p->samples[p->nsamples++] = *s;
	return 0;
}

int
obs_add_sample(struct case_obs *obs, const struct obs_sample *s)
{
	if (add_sample(&obs->probes, s) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int
apply_sample(struct case_obs *obs, char **w, size_t n, char *err, size_t errlen)
{
	const struct obs_probes *p = &obs->probes;
	struct obs_sample s;
	uint64_t u[4];
	size_t i;

	memset(&s, 0, sizeof(s));
	/* n - 5, not 5 + nseries: a sum could wrap */
	if (p->nseries == 0 || n < 5 || n - 5 != p->nseries)
		goto bad;
	for (i = 0; i < 4; i++)
		if (num_u(w[1 + i],
			i == 1	     ? UINT32_MAX
			    : i == 2 ? OBS_SAMPLE_WAIT
			    : i == 3 ? obs->sc->nsteps
				     : UINT64_MAX,
			&u[i]) < 0)
			goto bad;
	if (u[2] == 0)
		goto bad;
	s.t_ns = u[0];
	s.iter = (uint32_t)u[1];
	s.kind = (uint8_t)u[2];
	s.block = (size_t)u[3];
	for (i = 0; i < p->nseries; i++)
		if (num_i(w[5 + i], &s.v[i]) < 0 || s.v[i] < -1)
			goto bad;
	if (obs_add_sample(obs, &s) < 0) {
		snprintf(err, errlen, "out of memory for samples");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen,
	    "'sample' record: expected T ITER KIND BLOCK and %zu values "
	    "of -1 or more, after a 'probes' record",
	    p->nseries);
	return -1;
}

static int
apply_rep(struct case_obs *obs, char **w, size_t n, char *err, size_t errlen)
{
	const struct scenario *sc = obs->sc;
	uint64_t i, j, chk, pass, first, ts, te, bytes;
	int64_t ret, e;
	struct obs_point *p;

	if (n != 12 ||
	    num_u(w[1], sc->nsteps > 0 ? sc->nsteps - 1 : 0, &i) < 0 ||
	    sc->nsteps == 0 || sc->steps[i].nexpects == 0 ||
	    num_u(w[2], sc->steps[i].nexpects - 1, &j) < 0 ||
	    num_u(w[3], UINT32_MAX, &chk) < 0 || num_u(w[4], chk, &pass) < 0 ||
	    num_u(w[5], chk, &first) < 0 || num_i(w[6], &ret) < 0 ||
	    num_i(w[7], &e) < 0 || e < 0 || e > INT32_MAX ||
	    strlen(w[8]) >= sizeof(p->rep_call.err_name) ||
	    num_u(w[9], UINT64_MAX, &ts) < 0 ||
	    num_u(w[10], UINT64_MAX, &te) < 0 ||
	    num_u(w[11], UINT64_MAX, &bytes) < 0) {
		snprintf(err, errlen,
		    "'rep' record: expected I J CHECKED PASSED FIRSTFAIL "
		    "RET ERR ERRNAME TSTART TEND BYTES for an expectation of the case");
		return -1;
	}
	p = &obs->points[i][j];
	p->rep_checked = (uint32_t)chk;
	p->rep_passed = (uint32_t)pass;
	p->rep_first_fail = (uint32_t)first;
	memset(&p->rep_call, 0, sizeof(p->rep_call));
	p->rep_call.ran = true;
	p->rep_call.ret = ret;
	p->rep_call.err = (int)e;
	if (strcmp(w[8], "-") != 0)
		memcpy(p->rep_call.err_name, w[8], strlen(w[8]) + 1);
	p->rep_call.t_start_ns = ts;
	p->rep_call.t_end_ns = te;
	p->rep_call.bytes = bytes;
	return 0;
}

int
obs_apply_probe(struct case_obs *obs, char *line, char *err, size_t errlen)
{
	size_t first = strcspn(line, " ");
	char *w[WORDS_MAX] = { NULL };
	size_t n;

	if (!((first == 6 && strncmp(line, "probes", 6) == 0) ||
		(first == 6 && strncmp(line, "sample", 6) == 0) ||
		(first == 3 && strncmp(line, "rep", 3) == 0)))
		return 1; /* not ours: line is untouched */
	if (split(line, w, &n) < 0 || n == 0 || w[0] == NULL) {
		snprintf(err, errlen, "an empty or overlong record");
		return -1;
	}
	if (strcmp(w[0], "probes") == 0)
		return apply_probes(obs, w, n, err, errlen);
	if (strcmp(w[0], "sample") == 0)
		return apply_sample(obs, w, n, err, errlen);
	return apply_rep(obs, w, n, err, errlen);
}
