/*
 * run_capture_int.h - inside the capture (run_capture.c, the pipeline;
 * run_capture_reader.c, the reader process): what the two share. Private
 * to those two files.
 */
#ifndef LINGERLAB_RUN_CAPTURE_INT_H
#define LINGERLAB_RUN_CAPTURE_INT_H

#include <pcap/pcap.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire_peer.h"
#include "observe.h"
#include "scenario.h"

/*
 * Segments one case can hold (raw and ours): 80 MiB of address space
 * each, of which only the pages used are ever touched (MAP_NORESERVE).
 */
#define CAP_MAX_SEGS (1u << 21)

/* A connection of the case, by its ports. */
struct conn_key {
	uint16_t lport, rport;
};

/* Shared by the worker and its reader (MAP_SHARED), all under mu. */
struct cap_shared {
	pthread_mutex_t mu; /* process-shared, robust */
	size_t raw_n;	    /* raw[raw_head..raw_n) wait for the filter */
	size_t raw_head;
	size_t segs_n; /* ours, classified: what obs->segs will be */
	size_t sent;   /* segs streamed to the parent */
	struct conn_key keys[SCN_MAX_SOCKS];
	size_t nkeys;
	bool noted;  /* a byte waits in note[] */
	bool failed; /* err says why; nothing more is read */
	char err[PCAP_ERRBUF_SIZE + 96];
	uint64_t drops;	     /* the reader's pcap_stats, when it ends */
	uint64_t sync_asked; /* the worker's requests for a full read */
	uint64_t sync_done;  /* the last one the reader has answered */
	struct obs_segment raw[CAP_MAX_SEGS];
	struct obs_segment segs[CAP_MAX_SEGS];
};

struct run_capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	struct ip_addr peers[WIRE_PEER_MAX]; /* the peer's, either family */
	size_t npeers;
	bool filter_ports; /* keep only the case's own connections */
	int64_t rt_offset; /* wall clock - monotonic clock, ns */
	char iface[64];
	uint64_t t0;  /* monotonic ns of the case's time 0 */
	int out_fd;   /* `seg` records to the parent */
	bool started; /* the reader owns the capture: we read no frame */
	pid_t reader; /* running; 0: none (any more) */
	int ask[2];   /* worker -> reader: 's' sync, 'q' quit */
	int note[2];  /* reader -> worker: new segments */
	size_t taken; /* segs copied into the case_obs */
	struct cap_shared *sh;
};

/* run_capture.c: the pipeline, for the reader too */
void rcap_lock(struct cap_shared *sh);
void rcap_unlock(struct cap_shared *sh);
/* Say why the capture stopped working (the first reason stands). -1. */
int rcap_fail(struct cap_shared *sh, const char *what);
/* Under mu: everything libpcap has, into raw (and the pcap file). 0, -1. */
int rcap_read_frames(struct run_capture *c);
/*
 * Under mu: read frames (frames: the reader, or a worker without one),
 * filter, classify, stream. decide: drop raw segments of no known
 * connection (the worker, which knows the connections); else stop at the
 * first of them. New segments, or -1.
 */
int rcap_pump(struct run_capture *c, bool frames, bool decide);
/* Under mu: wake the worker, once per batch it has not taken yet. */
void rcap_note(struct run_capture *c);

/* run_capture_reader.c */
void rcap_close_pipes(struct run_capture *c);

#endif
