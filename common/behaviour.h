/*
 * behaviour.h - how lingerpeer misbehaves, as a value.
 *
 * A behaviour spec is text such as "stop-reading:rcvbuf=64KiB,after=10KiB+swallow-fin"
 * or "normal+delay=20ms": items joined by '+', each a name with optional
 * key=value parameters after ':'. "NAME=VALUE" sets an item's main parameter.
 * lingerpeer(8) describes each item; behaviour_parse() enforces which combine.
 */
#ifndef LINGERLAB_BEHAVIOUR_H
#define LINGERLAB_BEHAVIOUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum behaviour_bit {
	BHV_SWALLOW_FIN = 1u << 0,  /* never ACK the FIN, never send our own */
	BHV_HALF_CLOSE = 1u << 1,   /* ACK the FIN, never send our own */
	BHV_STOP_READING = 1u << 2, /* the application stops reading */
	BHV_SILENT = 1u << 3,	    /* send nothing at all */
	BHV_RESET_ON_FIN = 1u << 4, /* answer a FIN with RST */
	BHV_REFUSE = 1u << 5,	    /* answer a SYN with RST */
	BHV_DROP_SYN = 1u << 6,	    /* never answer a SYN */
};

#define BEHAVIOUR_DEFAULT_RCVBUF (64u * 1024u)
#define BEHAVIOUR_MAX_RCVBUF	 (1u << 30) /* 1 GiB, the TCP window limit */
#define BEHAVIOUR_MAX_DELAY_MS	 (600u * 1000u) /* ten minutes */

struct behaviour {
	uint16_t bits;	       /* enum behaviour_bit */
	uint32_t rcvbuf;       /* emulated receive buffer, bytes */
	uint32_t read_after;   /* stop-reading: bytes read before stopping */
	uint32_t silent_after; /* silent: bytes received before going quiet */
	uint32_t delay_ms;     /* delay every reply by this much; 0 = none */
};

struct behaviour_error {
	size_t pos;    /* byte offset in the spec where the problem is */
	char msg[160]; /* what is wrong and what to write instead */
};

/* The "normal" behaviour with default parameters. */
void behaviour_default(struct behaviour *b);

/* Parse spec into out; on failure fill err and return -1. */
int behaviour_parse(const char *spec, struct behaviour *out,
    struct behaviour_error *err);

/* Canonical spec text for b ("normal" when nothing is set). Returns strlen. */
size_t behaviour_format(const struct behaviour *b, char *buf, size_t len);

/* One line per item, for --help and the control protocol's "behaviours". */
const char *behaviour_help(void);

#endif
