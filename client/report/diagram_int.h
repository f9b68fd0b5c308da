/*
 * diagram_int.h - what diagram.c (the rows, in time order) and
 * diagram_order.c (the rows put right) share.
 */
#ifndef LINGERLAB_DIAGRAM_INT_H
#define LINGERLAB_DIAGRAM_INT_H

#include <stddef.h>
#include <stdint.h>

#include "diagram.h"

/* A row before sorting: where it goes in time, and what breaks ties. */
struct pending {
	uint64_t key;
	int cls;    /* at one time: starts, segments, returns, checks */
	size_t seq; /* the order it was made in */
	struct dg_row row;
};

/* Each call above the FIN, SYN or RST it sent that was stamped before it. */
void dg_calls_first(struct pending *p, size_t np);
/* The sorted rows into dg->rows, runs of more than keep + 1 cycles folded. */
void dg_fold(const struct pending *p, size_t np, struct diagram *dg,
    unsigned keep);
/* More than max rows: the first and last max / 2, and a note between. */
void dg_cut(struct diagram *dg, size_t max);
/* Each DG_CALL's ref to its DG_RETURN and back, and which are instant. */
void dg_link_calls(struct diagram *dg);

#endif
