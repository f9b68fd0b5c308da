/*
 * run_order.c - how many cases at once (run_order.h).
 */
#include "run_order.h"

unsigned
run_auto_jobs(const uint64_t *expected_ns, size_t n, unsigned cap)
{
	uint64_t sum = 0, longest = 0, jobs;
	size_t i;

	for (i = 0; i < n; i++) {
		sum += expected_ns[i];
		if (expected_ns[i] > longest)
			longest = expected_ns[i];
	}
	jobs = longest > 0 ? sum / longest + 1 : 1;
	if (jobs > n)
		jobs = n;
	if (jobs > cap)
		jobs = cap;
	return jobs < 1 ? 1 : (unsigned)jobs;
}
