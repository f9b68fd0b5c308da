/*
 * report_fixture.h - what the report tests share: two cases observed by
 * hand (one with hostile text everywhere a scenario puts text), a report
 * written to a temporary file and read back, and running the outside
 * readers (perl, prove, xmllint, python3) on it.
 */
#ifndef LINGERLAB_REPORT_FIXTURE_H
#define LINGERLAB_REPORT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* Every kind of character a writer must handle, in one string. */
#define NASTY                                                                  \
	"q\"uote b\\ack <tag> &amp 'apos' #hash ]]> tab\tnl\nctl\x01 "         \
	"esc\x1b[31m bad\xff\xfe ok\xc2\xb1 end"

/* A temporary file for a report, and reading it back. */
struct out {
	char path[64];
	FILE *fp;
	char *text;
};

/* fail_msg when hay has needle; what names hay in the message. */
void lacks(const char *what, const char *hay, const char *needle);
/* The case the examples in docs/scenario-language.md describe, observed. */
void add_linger_case(struct run_result *run);
/* A case that stopped, with hostile text everywhere a scenario puts text. */
void add_nasty_case(struct run_result *run);
/* A run of the two cases above. */
void build(struct run_result *run);

void out_open(struct out *o);
const char *out_text(struct out *o);
void out_close(struct out *o);
/* Write run as fmt into a new temporary file; its text in o->text. */
void write_run(const struct run_result *run, enum report_format fmt,
    bool colour, struct out *o);

/* Is tool installed? A reader that is not skips its part, never passes it. */
bool have(const char *tool);
/* Run a shell command; its output in *out (caller frees), its exit status back. */
int run_cmd(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
