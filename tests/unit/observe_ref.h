/*
 * observe_ref.h - what the unit tests and the bench compare
 * ob_conns_build() with: the matching as it was before its index (every
 * segment against every connection, newest first: a segments-by-
 * connections product), and a synthetic run of many connections.
 */
#ifndef LINGERLAB_OBSERVE_REF_H
#define LINGERLAB_OBSERVE_REF_H

#include <stddef.h>

#include "observe_prog.h"

/*
 * The connections of segs by the old linear search: four-tuple, times,
 * counts (the fields the wire gives); no records. 0, or -1 (ENOMEM).
 */
int ob_ref_build(struct ob_conns *cs, const struct obs_segment *segs,
    const struct ob_seg_addrs *addrs, size_t nsegs);

/*
 * nconns connections of per segments each (per >= 4), window of them at
 * a time interleaved, IPv4 (v6 false) or every other one IPv6 (v6 true);
 * local ports repeat every 5000 connections, so later connections reuse
 * the four-tuples of earlier, ended ones. s and a hold nconns * per.
 * Returns how many segments were written.
 */
size_t ob_ref_fixture(struct obs_segment *s, struct ob_seg_addrs *a,
    size_t nconns, size_t per, size_t window, bool v6);

/* Whether two builds agree on every field ob_ref_build() fills. */
bool ob_ref_same(const struct ob_conns *x, const struct ob_conns *y, char *why,
    size_t len);

#endif
