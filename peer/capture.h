/*
 * capture.h - frames for lingerpeer's address, from libpcap.
 */
#ifndef LINGERLAB_CAPTURE_H
#define LINGERLAB_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"

struct capture;

/* What arrived: bytes, captured length, and the kernel's timestamp. */
typedef void (
    *capture_fn)(void *arg, const uint8_t *frame, size_t len, uint64_t wall_ns);

/*
 * Open iface in immediate mode with nanosecond timestamps, inbound only,
 * filtered to what concerns our addresses (either may be of no family):
 * ARP about addr4 and TCP to it; TCP to addr6 (also behind extension
 * headers), Neighbor Solicitations for it and Advertisements to it, with
 * its solicited-node group joined so that a real NIC hands those up. NULL
 * with err filled on failure.
 */
struct capture *capture_open(const char *iface, const struct ip_addr *addr4,
    const struct ip_addr *addr6, size_t buffer, char *err, size_t errlen);
int capture_fd(const struct capture *c);
/* Hand every frame ready now to fn; returns the count, or -1 on error (err set). */
int capture_drain(struct capture *c, capture_fn fn, void *arg, char *err,
    size_t errlen);
/* Frames the kernel dropped before we read them (buffer full). */
uint64_t capture_kernel_drops(struct capture *c);
/* Frames handed over shorter than they were on the link (see capture.c). */
uint64_t capture_cut(const struct capture *c);
void capture_close(struct capture *c);

#endif
