/*
 * ethtool_offload.h - turn a link's segmentation and checksum offloads off,
 * and read them back, with the SIOCETHTOOL ioctl.
 *
 * Why: on a veth with offloads on, a packet socket sees TCP "segments" of up
 * to 64 KiB with partial checksums; with them off it sees what a real
 * 1500-byte-MTU wire would carry (docs/references.md, "veth offloads").
 *
 * sock is any socket (AF_INET, SOCK_DGRAM will do) opened in the link's
 * network namespace: the ioctl looks the name up there.
 */
#ifndef LINGERLAB_ETHTOOL_OFFLOAD_H
#define LINGERLAB_ETHTOOL_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* The offloads that change what a capture on the link sees. */
struct offload_state {
	bool tso;     /* TCP segmentation offload */
	bool gso;     /* generic segmentation offload */
	bool gro;     /* generic receive offload */
	bool tx_csum; /* transmit checksum offload */
};

/* Read the four offload flags. Returns 0, or -1 with errno and err set. */
int ethtool_offload_get(int sock, const char *ifname, struct offload_state *out,
    char *err, size_t errlen);

/*
 * Turn TSO, GSO, GRO and TX checksumming off, then read them back and fail
 * if the kernel left any on. Returns 0, or -1 with errno and err set.
 */
int ethtool_offload_disable(int sock, const char *ifname, char *err,
    size_t errlen);

#endif
