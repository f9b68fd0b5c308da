/*
 * segment_text.h - a TCP segment's flags (enum tcp_flag, common/segment.h)
 * written for people: in tcpdump's letters for a line of a capture, in
 * words for the pictures.
 *
 * Both truncate like snprintf and return the length the text would have had.
 */
#ifndef LINGERLAB_SEGMENT_TEXT_H
#define LINGERLAB_SEGMENT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * tcpdump's letters with the ACK last, as its ".": "F." is FIN+ACK, "S" a
 * SYN, "FSRPUEW." all eight; "none" for no flag at all.
 */
size_t tcpf_letters(uint8_t flags, char *buf, size_t len);

/* In words, SYN first and ACK last: "SYN ACK", "FIN PSH ACK", "no flags"
 * (the ladder diagrams and the live view). */
size_t tcpf_words(uint8_t flags, char *buf, size_t len);

#endif
