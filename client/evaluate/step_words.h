/*
 * step_words.h - a scenario's steps in the words verdicts are written in:
 * a socket's name, a step as the call it makes, what a wire check looks
 * for. The evaluator writes its verdicts with them and the diagrams label
 * their rows with them, so a picture and its verdicts read the same way.
 */
#ifndef LINGERLAB_STEP_WORDS_H
#define LINGERLAB_STEP_WORDS_H

#include <stddef.h>

#include "scenario.h"

/* A socket's name, "?" when the index is out of range. */
const char *ev_sock(const struct scenario *sc, int sock);

/* A step as a call: "close(c)", "shutdown(c, SHUT_WR)", "peer rst c". */
size_t ev_step_label(const struct scenario *sc, const struct scn_step *st,
    char *buf, size_t len);

/* "FIN", "RST", "data", "anything". */
const char *ev_what(enum scn_wire_what what);

#endif
