/*
 * faults_proc.h - helpers of test_faults.c: lingerlab run as a job of its
 * own (a process group, as a shell runs it) with its output collected,
 * events read from that output, and what it started found under /proc.
 *
 * The failing checks are cmocka's: include after <cmocka.h>.
 */
#ifndef LINGERLAB_FAULTS_PROC_H
#define LINGERLAB_FAULTS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "itest_run.h"

#define FX_MAX_NS 64

/* Start argv in a process group of its own, output into pipes. */
void fx_start(struct itest_proc *p, char *const argv[]);
/*
 * A test's teardown: SIGKILL to the group fx_start() last made, if any of
 * it is left (a test that failed half-way), and reap what has ended.
 */
void fx_cleanup(void);
/* Read its output until text is in it; fail after a minute without. */
void fx_wait_for(struct itest_proc *p, const char *text);
/* Read to the end and reap it (killed, and so failed, if it hangs). */
void fx_finish(struct itest_proc *p);
/* Status 3 (no sandbox here) skips; any other than want fails. */
void fx_expect_status(const struct itest_proc *p, int want);

/* fn for every process below root, and the first named comm. */
void fx_each_descendant(pid_t root, void (*fn)(pid_t, void *), void *arg);
pid_t fx_find_descendant(pid_t root, const char *comm);
/*
 * The lingerpeer below root that listens on port (its --port argument):
 * the running case's, not one built ahead for the next case.
 */
pid_t fx_find_peer_on(pid_t root, unsigned port);

/* Namespaces (inode numbers) that a process was in and this one is not. */
struct nsset {
	unsigned long ino[FX_MAX_NS];
	int fd[FX_MAX_NS]; /* each held open while it is checked */
	size_t n;
};
/* For fx_each_descendant: add pid's namespaces to the nsset arg. */
void fx_add_ns(pid_t pid, void *arg);
/* Close what fx_add_ns() opened (fx_expect_nothing_left() does it). */
void fx_ns_release(struct nsset *s);

/* A process or descriptor names one of ns (the check's own check). */
bool fx_ns_in_use(const struct nsset *ns);
/* Entries of /run/netns (what `ip netns list` shows). */
int fx_count_netns(void);
/*
 * Nothing is left: no child (this process must be a subreaper), no
 * process or descriptor naming a namespace of ns, no llcli0/llpeer0 link
 * here, no more entries in /run/netns than netns_before.
 */
void fx_expect_nothing_left(struct nsset *ns, int netns_before);

#endif
