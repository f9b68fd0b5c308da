/*
 * run_capture.h - what crossed the client's link during a case, as struct
 * obs_segment (observe.h): libpcap on the interface, a reader process that
 * streams segments while a step blocks, each segment classified
 * (wire_classify.h) and, when asked, written to a pcap file as well.
 *
 * The runner's workers capture every case with it; `lingerlab observe` has
 * a capture of its own (client/observe/observe_capture.c) and shares only
 * the opening of libpcap (run_pcap.h). The inside, which run_capture.c and
 * run_capture_reader.c share, is run_capture_int.h.
 */
#ifndef LINGERLAB_RUN_CAPTURE_H
#define LINGERLAB_RUN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip_address.h"
#include "observe.h"

struct run_capture;

/* run_capture.c */
/*
 * A capture on iface of what goes to and from the peer's addresses (one
 * of each family at most; an address of family IPF_NONE is none),
 * with a kernel buffer of buffer bytes (rcap_buffer_for()),
 * also written to pcap_path unless it is NULL; filter_ports: keep only the
 * case's own connections (rcap_know). Segments are streamed to out_fd as
 * `seg` records as they are taken in. NULL with err.
 */
struct run_capture *rcap_open(const char *iface, const struct ip_addr *peers,
    size_t npeers, size_t buffer, const char *pcap_path, bool filter_ports,
    int out_fd, char *err, size_t errlen);

/*
 * The kernel buffer rcap_open() should get for a case: 4 MiB, and twice
 * what the case sends on top (a send until blocked counted as 8 MiB, a
 * send in a repeat block as many times as it runs), at most 64 MiB.
 */
size_t rcap_buffer_for(const struct scenario *sc);

/* run_capture_reader.c: the capture's reader process */
/*
 * From time 0 (t0, monotonic ns) on: a reader process of its own reads
 * the capture, so that segments are streamed while a step blocks. -1 when
 * it could not be started: the capture is then read between steps, as
 * rcap_collect() is called.
 */
int rcap_start(struct run_capture *c, uint64_t t0);
/* Stop the reader after its last read (then rcap_collect takes the rest). */
void rcap_stop(struct run_capture *c);
/*
 * Let the reader stream every segment captured until now (it has to be
 * running; nothing is taken into the case_obs, nothing decided).
 */
void rcap_sync(struct run_capture *c);

/* run_capture.c, again */
/*
 * The connections of the case are now those of obs->socks: the reader
 * may stream their segments without waiting for rcap_collect().
 */
void rcap_know(struct run_capture *c, const struct case_obs *obs);
/* What to poll for "segments came": readable, call rcap_collect(). */
int rcap_fd(const struct run_capture *c);
/*
 * Append what came since to obs->segs, classified (wire_classify.h) and
 * streamed; decide on segments of connections not known before (obs->socks
 * now says). n new, or -1 with err.
 */
int rcap_collect(struct run_capture *c, struct case_obs *obs, char *err,
    size_t errlen);
/* Stops the reader; drops the kernel reported; closes the pcap file. */
void rcap_close(struct run_capture *c, uint64_t *drops);

/*
 * The same in two halves: rcap_finish() is all a report needs (the reader
 * stopped, the drops, the pcap file complete); rcap_free() releases the
 * packet socket, whose close waits for an RCU grace period (tens of ms),
 * so the runner does it after the case's end record.
 */
void rcap_finish(struct run_capture *c, uint64_t *drops);
void rcap_free(struct run_capture *c);

#endif
