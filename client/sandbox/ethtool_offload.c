/*
 * ethtool_offload.c - SIOCETHTOOL get/set of offload flags (see the header).
 *
 * The legacy one-flag commands (ETHTOOL_[GS]TSO and friends) are used rather
 * than ETHTOOL_SFEATURES: they need no feature-name table and every kernel
 * that has veth still maps them onto its feature bits.
 */
#include "ethtool_offload.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

struct offload_cmd {
	const char *name; /* as ethtool -k prints it */
	uint32_t get;
	uint32_t set;
};

/*
 * Each flag is turned off explicitly, even though the kernel drops TSO by
 * itself once checksumming is off: relying on that would hide a driver that
 * keeps TSO anyway, and everything is read back afterwards.
 */
static const struct offload_cmd offload_cmds[] = {
	{ "tcp-segmentation-offload", ETHTOOL_GTSO, ETHTOOL_STSO },
	{ "generic-segmentation-offload", ETHTOOL_GGSO, ETHTOOL_SGSO },
	{ "generic-receive-offload", ETHTOOL_GGRO, ETHTOOL_SGRO },
	{ "tx-checksumming", ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM },
};

#define N_OFFLOAD_CMDS (sizeof(offload_cmds) / sizeof(offload_cmds[0]))

static int
ethtool_value_ioctl(int sock, const char *ifname, uint32_t cmd, uint32_t *data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *data };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(ifr.ifr_name, ifname,
	    strlen(ifname) + 1); /* fits: checked above */
	ifr.ifr_data = (void *)&ev;
	if (ioctl(sock, SIOCETHTOOL, &ifr) == -1)
		return -1;
	*data = ev.data;
	return 0;
}

static int
get_one(int sock, const char *ifname, const struct offload_cmd *c, bool *on,
    char *err, size_t errlen)
{
	uint32_t v = 0;

	if (ethtool_value_ioctl(sock, ifname, c->get, &v) == -1) {
		snprintf(err, errlen, "cannot read %s of %s (SIOCETHTOOL): %s",
		    c->name, ifname, strerror(errno));
		return -1;
	}
	*on = v != 0;
	return 0;
}

int
ethtool_offload_get(int sock, const char *ifname, struct offload_state *out,
    char *err, size_t errlen)
{
	bool *flags[N_OFFLOAD_CMDS] = {
		&out->tso,
		&out->gso,
		&out->gro,
		&out->tx_csum,
	};
	size_t i;

	for (i = 0; i < N_OFFLOAD_CMDS; i++)
		if (get_one(sock, ifname, &offload_cmds[i], flags[i], err,
			errlen) == -1)
			return -1;
	return 0;
}

int
ethtool_offload_disable(int sock, const char *ifname, char *err, size_t errlen)
{
	const struct offload_cmd *c;
	uint32_t off;
	bool on;
	size_t i;

	for (i = 0; i < N_OFFLOAD_CMDS; i++) {
		c = &offload_cmds[i];
		off = 0;
		if (ethtool_value_ioctl(sock, ifname, c->set, &off) == -1) {
			snprintf(err, errlen,
			    "cannot turn %s off on %s "
			    "(SIOCETHTOOL): %s; the capture would show "
			    "offloaded super-segments",
			    c->name, ifname, strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < N_OFFLOAD_CMDS; i++) {
		c = &offload_cmds[i];
		if (get_one(sock, ifname, c, &on, err, errlen) == -1)
			return -1;
		if (on) {
			snprintf(err, errlen,
			    "%s is still on for %s after "
			    "turning it off; the driver refuses to change it",
			    c->name, ifname);
			errno = EOPNOTSUPP;
			return -1;
		}
	}
	return 0;
}
