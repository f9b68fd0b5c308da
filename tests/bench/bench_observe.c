/*
 * bench_observe.c - lingerlab-bench-observe: how long `lingerlab observe`
 * takes to match segments to connections on a large synthetic run, with
 * the index (ob_conns_build) and with the segments-by-connections search it
 * replaced (observe_ref.c), after checking that both give the same
 * connections. docs/performance.md, "observe matching", has the figures.
 *
 *   lingerlab-bench-observe [CONNECTIONS [SEGMENTS_EACH]]   (10000 20)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "observe_ref.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run(size_t nconns, size_t per, bool v6)
{
	struct obs_segment *s = calloc(nconns * per, sizeof(*s));
	struct ob_seg_addrs *a = calloc(nconns * per, sizeof(*a));
	struct ob_conns now, before;
	double t0, t_new, t_old;
	char why[128];
	size_t n;
	int rc = 1;

	if (s == NULL || a == NULL) {
		fprintf(stderr, "bench-observe: out of memory\n");
		goto out;
	}
	n = ob_ref_fixture(s, a, nconns, per, 50, v6);
	t0 = now_s();
	if (ob_conns_build(&now, s, a, n, NULL, 0) == -1)
		goto out;
	t_new = now_s() - t0;
	t0 = now_s();
	if (ob_ref_build(&before, s, a, n) == -1) {
		ob_conns_free(&now);
		goto out;
	}
	t_old = now_s() - t0;
	if (!ob_ref_same(&now, &before, why, sizeof(why)))
		fprintf(stderr, "bench-observe: results differ: %s\n", why);
	else
		rc = 0;
	printf("%-5s %6zu connections %7zu segments: index %8.4f s, "
	       "linear search %8.4f s (%.0fx)\n",
	    v6 ? "both" : "IPv4", now.n, n, t_new, t_old,
	    t_new > 0 ? t_old / t_new : 0.0);
	ob_conns_free(&now);
	ob_conns_free(&before);
out:
	free(s);
	free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t nconns = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	size_t per = argc > 2 ? strtoul(argv[2], NULL, 10) : 20;

	if (nconns == 0 || per < 4) {
		fprintf(stderr,
		    "usage: lingerlab-bench-observe [CONNECTIONS "
		    "[SEGMENTS_EACH (4 or more)]]\n");
		return 2;
	}
	return run(nconns, per, false) | run(nconns, per, true);
}
