/*
 * observe_fixture.c - the set-up and checks the `lingerlab observe`
 * integration tests share (observe_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "itest_run.h"
#include "observe_fixture.h"

void
observe_run_in(char *const argv[], const char *in, struct itest_proc *o)
{
	struct itest_proc_opts opts = { .stdin_path =
					    in != NULL ? in : "/dev/null" };

	itest_proc_start(o, argv, &opts);
	itest_proc_finish(o, OBSERVE_RUN_TIMEOUT_MS);
}

void
observe_run(char *const argv[], struct itest_proc *o)
{
	observe_run_in(argv, NULL, o);
	observe_skip_if_unavailable(o);
}

void
observe_skip_if_unavailable(struct itest_proc *o)
{
	if (o->status != 3)
		return;
	print_message("SKIP: lingerlab cannot build a sandbox here: %s\n",
	    o->err);
	itest_proc_free(o);
	skip();
}

void
observe_has(const struct itest_proc *o, const char *want)
{
	if (strstr(o->out, want) == NULL)
		fail_msg("stdout lacks '%s':\n%s\nstderr:\n%s", want, o->out,
		    o->err);
}

void
observe_need(const char *path)
{
	if (access(path, X_OK) == 0)
		return;
	print_message("SKIP: %s is not installed (.ci/install-deps installs "
		      "it)\n",
	    path);
	skip();
}

void
observe_need_ipv6(void)
{
	if (access("/proc/net/if_inet6", R_OK) == 0)
		return;
	print_message("SKIP: this kernel has no IPv6\n");
	skip();
}

void
observe_nothing_left(void)
{
	if (!itest_reap_all(OBSERVE_LEFT_TIMEOUT_S))
		fail_msg("processes left running %d s after lingerlab ended",
		    OBSERVE_LEFT_TIMEOUT_S);
}
