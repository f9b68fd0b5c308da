/*
 * observe_procs.c - the program being observed, as processes: it and
 * every descendant (a program that forks workers leaks in them), found
 * through /proc/PID/task/TID/children, and what they hold together
 * (client/probe/probe.h reads each one).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe_run.h"
#include "probe.h"

/* Append the children of every thread of pid to out[*n..]. */
static void
children_of(pid_t pid, pid_t *out, size_t *n, size_t max)
{
	char path[64], buf[4096], *p, *end;
	struct dirent *d;
	DIR *dir;
	FILE *f;
	long v;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && *n < max) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children",
		    (int)pid, d->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL)
			for (p = buf; *n < max; p = end) {
				v = strtol(p, &end, 10);
				if (end == p || v <= 0)
					break;
				out[(*n)++] = (pid_t)v;
			}
		fclose(f);
	}
	closedir(dir);
}

size_t
ob_procs_tree(pid_t pid, pid_t *out, size_t max)
{
	size_t n = 0, i;

	if (max == 0)
		return 0;
	out[n++] = pid;
	/* breadth first: out[i]'s children go after everything found so far */
	for (i = 0; i < n && n < max; i++)
		children_of(out[i], out, &n, max);
	return n;
}

void
ob_procs_sample(const pid_t *pids, size_t n, bool running, uint64_t t_ns,
    struct ob_sample *out)
{
	struct probe_socks socks;
	struct probe_proc pp;
	char err[128];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->t_ns = t_ns;
	out->running = running;
	for (i = 0; running && i < n; i++) {
		/*
		 * A process gone between the walk and the read is not
		 * counted, nor a zombie (no VmRSS): it holds nothing, and
		 * would make the program look as if it shrank to nothing.
		 */
		if (probe_proc_read(pids[i], &pp, err, sizeof(err)) == -1 ||
		    pp.rss_kib < 0)
			continue;
		out->procs++;
		out->threads += pp.threads > 0 ? pp.threads : 0;
		out->fds += pp.fds > 0 ? pp.fds : 0;
		out->rss_kib += pp.rss_kib > 0 ? pp.rss_kib : 0;
	}
	if (probe_socks_read(&socks, err, sizeof(err)) == 0)
		memcpy(out->by_state, socks.by_state, sizeof(out->by_state));
}
