/*
 * link_notice.h - what lingerpeer says when its link hands it frames it
 * cannot use because of offloads: the cause a user cannot see, and what to
 * change. Pure text; lingerpeer.c decides when (once each, on stderr).
 */
#ifndef LINGERLAB_LINK_NOTICE_H
#define LINGERLAB_LINK_NOTICE_H

#include <stddef.h>
#include <stdint.h>

/* Room for either notice with the longest interface name. */
#define LINK_NOTICE_MAX 1024

/*
 * Frames dropped for a bad checksum (tcp_bad TCP, ip_bad IPv4 header) on
 * iface: neither correct nor the partial checksum offload leaves. Returns buf.
 */
const char *link_notice_bad_csum(char *buf, size_t len, const char *iface,
    uint64_t tcp_bad, uint64_t ip_bad);

/*
 * cut frames on iface arrived shorter than they were: super-segments from
 * a sender with segmentation offload, captured on a link without any.
 * Returns buf.
 */
const char *link_notice_cut(char *buf, size_t len, const char *iface,
    uint64_t cut);

#endif
