/*
 * platform_posix_int.h - what the agent's POSIX connection files share:
 * the pipe SIGINT and SIGTERM write to (platform_posix_net.c), which the
 * watcher (platform_posix_watch.c) also heeds, so that a stop ends a
 * blocked step as a runner gone does.
 */
#ifndef LINGERLAB_PLATFORM_POSIX_INT_H
#define LINGERLAB_PLATFORM_POSIX_INT_H

#include <stddef.h>

/* Make the watcher; stop_fd becomes readable on SIGINT or SIGTERM (and
 * is never read by it). 0, or -1 with err. */
int plat_posix_watch_init(int stop_fd, char *err, size_t errlen);

#endif
