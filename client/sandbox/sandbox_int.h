/*
 * sandbox_int.h - what the sandbox's files share: sandbox.c (the
 * namespaces, their init, closing), sandbox_net.c (the links in them),
 * sandbox_lab.c (the lab's third namespace and control network) and
 * sandbox_spawn.c (processes started in them). Not for use outside them:
 * the public interface is sandbox.h.
 */
#ifndef LINGERLAB_SANDBOX_INT_H
#define LINGERLAB_SANDBOX_INT_H

#include "sandbox.h"

/* Put what failed, and what to do, in sb->errbuf. Returns -1, errno kept. */
__attribute__((format(printf, 2, 3))) int sandbox_fail(struct sandbox *sb,
    const char *fmt, ...);

/* Write text to a file; returns 0 or an errno value. */
int sandbox_write_text(const char *path, const char *text);

/*
 * Step 3 of sandbox_open(), once the caller is in netns A and init holds
 * netns B: the veth pair, its addresses and settings on both sides, up and
 * running. Returns 0, or -1 with sb->errbuf.
 */
int sandbox_build_network(struct sandbox *sb);

/* sandbox_net.c, for sandbox_lab.c too: in the netns the calling thread is
 * in, its defaults before any link exists; a link's settings and up; and
 * the wait until it runs. 0, or -1 with sb->errbuf. */
int sandbox_netns_defaults(struct sandbox *sb);
int sandbox_configure_link(struct sandbox *sb, int nl, int io,
    const char *iface);
int sandbox_wait_running(struct sandbox *sb, int nl, const char *iface);

/*
 * sandbox_lab.c, the last step of sandbox_open_with() for a lab: netns C,
 * the control network and the clocks of sides A and B (sandbox.h).
 * Returns 0, or -1 with sb->errbuf.
 */
int sandbox_build_lab(struct sandbox *sb);

#endif
