/*
 * fd_close.c - close every descriptor but a few, or a pipe's two ends
 * (see fd_close.h).
 */
#include <stdbool.h>
#include <unistd.h>

#include "fd_close.h"

static bool
is_kept(int fd, const int *keep, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* The kept descriptors >= lo, sorted, without duplicates; their count. */
static size_t
sorted_keep(int lo, const int *keep, size_t nkeep, int *out)
{
	size_t i, j, n = 0;
	int v;

	if (nkeep > FD_CLOSE_MAX_KEEP)
		nkeep = FD_CLOSE_MAX_KEEP;
	for (i = 0; i < nkeep; i++) {
		if ((v = keep[i]) < lo || is_kept(v, out, n))
			continue;
		for (j = n; j > 0 && out[j - 1] > v; j--)
			out[j] = out[j - 1];
		out[j] = v;
		n++;
	}
	return n;
}

void
close_fds_except(int lo, const int *keep, size_t nkeep)
{
	int k[FD_CLOSE_MAX_KEEP];
	size_t n = sorted_keep(lo, keep, nkeep, k), i;
	int from = lo, fd;
	bool ok = true;

	for (i = 0; i < n && ok; i++) {
		if (k[i] > from)
			ok = close_range((unsigned)from, (unsigned)k[i] - 1,
				 0) == 0;
		from = k[i] + 1;
	}
	if (ok && close_range((unsigned)from, ~0U, 0) == 0)
		return;
	for (fd = lo; fd < 65536; fd++) /* kernels before 5.9 */
		if (!is_kept(fd, k, n))
			(void)close(fd);
}

void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}
