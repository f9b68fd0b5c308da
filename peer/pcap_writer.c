/*
 * pcap_writer.c - libpcap's savefile writer with nanosecond timestamps.
 */
#include "pcap_writer.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "timeunit.h"

struct pcap_writer {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct pcap_writer *
pcap_writer_open(const char *path, char *err, size_t errlen)
{
	struct pcap_writer *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		snprintf(err, errlen, "--pcap %s: out of memory", path);
		return NULL;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_NANO);
	if (w->dead == NULL ||
	    (w->dump = pcap_dump_open(w->dead, path)) == NULL) {
		snprintf(err, errlen,
		    "--pcap %s: cannot create the file: %s; check the "
		    "directory exists and is writable",
		    path,
		    w->dead ? pcap_geterr(w->dead) : "pcap_open_dead failed");
		pcap_writer_close(w);
		return NULL;
	}
	return w;
}

void
pcap_writer_add(struct pcap_writer *w, const uint8_t *frame, size_t len,
    uint64_t wall_ns)
{
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(wall_ns / NS_PER_S);
	h.ts.tv_usec = (suseconds_t)(wall_ns % NS_PER_S); /* nanoseconds here */
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dump, &h, frame);
}

void
pcap_writer_flush(struct pcap_writer *w)
{
	pcap_dump_flush(w->dump);
}

void
pcap_writer_close(struct pcap_writer *w)
{
	if (w == NULL)
		return;
	if (w->dump != NULL)
		pcap_dump_close(w->dump);
	if (w->dead != NULL)
		pcap_close(w->dead);
	free(w);
}
