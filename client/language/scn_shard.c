/*
 * scn_shard.c - cases split over machines (scn_shard.h).
 */
#include "scn_shard.h"
#include "scn_duration.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHARD_HINT "write --shard I/N, such as 2/4: the second of four shards"

/* A decimal number from 1 to SCN_SHARD_MAX, all of [s, end). */
static int
shard_number(const char *s, const char *end, unsigned *out)
{
	unsigned long v = 0;
	const char *p;

	if (s == end)
		return -1;
	for (p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > SCN_SHARD_MAX)
			return -1;
	}
	if (v == 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
scn_shard_parse(const char *text, unsigned *index, unsigned *count, char *err,
    size_t errlen)
{
	const char *slash = strchr(text, '/');
	unsigned i, n;

	if (slash == NULL) {
		snprintf(err, errlen, "expected I/N, got no '/'; %s",
		    SHARD_HINT);
		return -1;
	}
	if (shard_number(slash + 1, text + strlen(text), &n) == -1) {
		snprintf(err, errlen,
		    "the count N after '/' must be a whole number from 1 to "
		    "%d; %s",
		    SCN_SHARD_MAX, SHARD_HINT);
		return -1;
	}
	if (shard_number(text, slash, &i) == -1 || i > n) {
		snprintf(err, errlen,
		    "the shard I before '/' must be a whole number from 1 to "
		    "N (%u); shards count from 1",
		    n);
		return -1;
	}
	*index = i - 1;
	*count = n;
	return 0;
}

/* The shard with the least load; the lowest of equal ones. */
static unsigned
least_loaded(const uint64_t *load, unsigned count)
{
	unsigned s, best = 0;

	for (s = 1; s < count; s++)
		if (load[s] < load[best])
			best = s;
	return best;
}

int
scn_shard_assign(const uint64_t *ns, size_t n, unsigned count,
    unsigned *shard_of, uint64_t *load)
{
	size_t *order;
	uint64_t *sum;
	unsigned s;
	size_t i;

	if (count == 0) {
		errno = EINVAL;
		return -1;
	}
	order = calloc(n > 0 ? n : 1, sizeof(*order));
	sum = calloc(count, sizeof(*sum));
	if (order == NULL || sum == NULL) {
		free(order);
		free(sum);
		return -1;
	}
	if (scn_longest_first(ns, n, order) == -1) {
		free(order);
		free(sum);
		return -1;
	}
	for (i = 0; i < n; i++) {
		s = least_loaded(sum, count);
		shard_of[order[i]] = s;
		sum[s] += ns[order[i]];
	}
	if (load != NULL)
		memcpy(load, sum, count * sizeof(*sum));
	free(order);
	free(sum);
	return 0;
}

int
scn_shard_select(struct scenario *const *v, size_t n, unsigned index,
    unsigned count, bool *keep, uint64_t *mine_ns, uint64_t *all_ns)
{
	uint64_t *ns = calloc(n > 0 ? n : 1, sizeof(*ns)), mine = 0, all = 0;
	unsigned *of = calloc(n > 0 ? n : 1, sizeof(*of));
	size_t i;
	int rc = -1;

	if (ns == NULL || of == NULL)
		goto out;
	for (i = 0; i < n; i++)
		ns[i] = scn_expected_ns(v[i]);
	if (scn_shard_assign(ns, n, count, of, NULL) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		keep[i] = of[i] == index;
		mine += keep[i] ? ns[i] : 0;
		all += ns[i];
	}
	if (mine_ns != NULL)
		*mine_ns = mine;
	if (all_ns != NULL)
		*all_ns = all;
	rc = 0;
out:
	free(ns);
	free(of);
	return rc;
}
