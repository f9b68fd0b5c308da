/*
 * fd_close.h - close every descriptor from lo up, except a few: what a
 * freshly forked helper process does so that nothing its parent holds
 * (a socket under test, a pipe's write end) lives on in it by accident.
 * And the two ends of a pipe closed at once.
 */
#ifndef LINGERLAB_FD_CLOSE_H
#define LINGERLAB_FD_CLOSE_H

#include <stddef.h>

/* At most this many descriptors can be kept. */
#define FD_CLOSE_MAX_KEEP 8

/*
 * Close every descriptor >= lo except those in keep[0..nkeep) (negative
 * entries and entries below lo are ignored; nkeep at most
 * FD_CLOSE_MAX_KEEP, more are ignored). Uses close_range(2) over the gaps;
 * on kernels without it (before 5.9) closes one by one up to 65535.
 */
void close_fds_except(int lo, const int *keep, size_t nkeep);

/* Close both ends of a pipe (a negative end is none), and set them -1. */
void close_pair(int p[2]);

#endif
