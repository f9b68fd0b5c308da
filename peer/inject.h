/*
 * inject.h - frames out, through libnet at the link layer.
 */
#ifndef LINGERLAB_INJECT_H
#define LINGERLAB_INJECT_H

#include <stddef.h>
#include <stdint.h>

struct inject;

/* Open iface for link-layer injection; NULL with err filled on failure. */
struct inject *inject_open(const char *iface, char *err, size_t errlen);
/* The interface's hardware address, the source of every frame we send. */
const uint8_t *inject_mac(const struct inject *in);
/* The interface's MTU, or 0 when unknown. */
unsigned inject_mtu(const struct inject *in);
/* Send one complete Ethernet frame. -1 with err filled on failure. */
int inject_frame(struct inject *in, const uint8_t *frame, size_t len, char *err,
    size_t errlen);
void inject_close(struct inject *in);

#endif
