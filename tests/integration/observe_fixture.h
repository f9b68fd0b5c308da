/*
 * observe_fixture.h - what the `lingerlab observe` integration tests
 * share: lingerlab run as a user runs it, skipped where no sandbox can be
 * built (its exit status 3), checks on its report, skips for a missing
 * program or IPv6, and the check that nothing was left running.
 *
 * The failing checks are cmocka's: include after <cmocka.h> and
 * "itest_run.h".
 */
#ifndef LINGERLAB_OBSERVE_FIXTURE_H
#define LINGERLAB_OBSERVE_FIXTURE_H

#define OBSERVE_RUN_TIMEOUT_MS 120000
#define OBSERVE_LEFT_TIMEOUT_S 5

struct itest_proc;

/* Run argv to its end with stdin from in (NULL: /dev/null). */
void observe_run_in(char *const argv[], const char *in, struct itest_proc *o);
/* observe_run_in from /dev/null, then observe_skip_if_unavailable. */
void observe_run(char *const argv[], struct itest_proc *o);
/* Free o and skip the test when lingerlab could not build a sandbox. */
void observe_skip_if_unavailable(struct itest_proc *o);
/* Fail unless want is in o's stdout. */
void observe_has(const struct itest_proc *o, const char *want);
/* Skip when a program the test watches is not installed. */
void observe_need(const char *path);
/* Skip when the kernel has no IPv6. */
void observe_need_ipv6(void);
/* Fail when lingerlab left anything running (we are its subreaper). */
void observe_nothing_left(void);

#endif
