/*
 * pcap_writer.h - a nanosecond pcap file of what crossed the link, both
 * directions, that tcpdump and Wireshark open.
 */
#ifndef LINGERLAB_PCAP_WRITER_H
#define LINGERLAB_PCAP_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct pcap_writer;

struct pcap_writer *pcap_writer_open(const char *path, char *err,
    size_t errlen);
void pcap_writer_add(struct pcap_writer *w, const uint8_t *frame, size_t len,
    uint64_t wall_ns);
void pcap_writer_flush(struct pcap_writer *w);
void pcap_writer_close(struct pcap_writer *w);

#endif
