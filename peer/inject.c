/*
 * inject.c - libnet in its advanced link-layer mode: the codec (frame.c)
 * builds whole frames, so libnet's job is only to put them on the link.
 * Building in our own codec keeps the bytes testable without a network.
 */
#include "inject.h"

#include <libnet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct inject {
	libnet_t *ln;
	uint8_t mac[6];
	unsigned mtu;
};

static unsigned
read_mtu(const char *iface)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned mtu = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		mtu = (unsigned)ifr.ifr_mtu;
	close(fd);
	return mtu;
}

struct inject *
inject_open(const char *iface, char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE] = "";
	struct libnet_ether_addr *hw;
	struct inject *in;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		snprintf(err, errlen, "inject on %s: out of memory", iface);
		return NULL;
	}
	if ((in->ln = libnet_init(LIBNET_LINK_ADV, iface, ebuf)) == NULL) {
		snprintf(err, errlen,
		    "inject on %s: libnet_init failed: %s; run as root or with "
		    "CAP_NET_RAW (or inside the sandbox)",
		    iface, ebuf);
		free(in);
		return NULL;
	}
	if ((hw = libnet_get_hwaddr(in->ln)) == NULL) {
		snprintf(err, errlen,
		    "inject on %s: cannot read its hardware address: %s", iface,
		    libnet_geterror(in->ln));
		inject_close(in);
		return NULL;
	}
	memcpy(in->mac, hw->ether_addr_octet, 6);
	in->mtu = read_mtu(iface);
	return in;
}

const uint8_t *
inject_mac(const struct inject *in)
{
	return in->mac;
}

unsigned
inject_mtu(const struct inject *in)
{
	return in->mtu;
}

int
inject_frame(struct inject *in, const uint8_t *frame, size_t len, char *err,
    size_t errlen)
{
	if (libnet_adv_write_link(in->ln, frame, (uint32_t)len) != (int)len) {
		snprintf(err, errlen,
		    "inject: writing a %zu-byte frame failed: %s", len,
		    libnet_geterror(in->ln));
		return -1;
	}
	return 0;
}

void
inject_close(struct inject *in)
{
	if (in == NULL)
		return;
	libnet_destroy(in->ln);
	free(in);
}
