/*
 * cmd_run_int.h - what the two halves of `lingerlab run` share: its
 * options (cmd_run_opts.c) and the run (cmd_run.c).
 */
#ifndef LINGERLAB_CMD_RUN_INT_H
#define LINGERLAB_CMD_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "run.h"
#include "run_pictures.h"
#include "scenario_parse.h"

#define PROG	 "lingerlab run"
#define MAX_ERRS 50

struct cases {
	struct scn_file **files;
	size_t nfiles;
	struct scenario **v;
	size_t n, cap;
	unsigned families; /* --family: SCN_FAMS_*; 0: IPv4, unnamed */
};

struct run_state {
	struct run_result result;
	enum report_format fmt;
	bool raw;
	bool live;    /* --live: the cases as they run */
	bool library; /* --library: PATHs inside the scenario library */
	bool env_failed;
	bool agent_lost; /* lab mode: a case lost the agent */
	uint32_t os;
	const char *tags;	 /* --tags: only cases with one of these */
	const char *skip_tags;	 /* --skip-tags: none with one of these */
	unsigned shard, nshards; /* --shard I/N: 0-based I; 0: no --shard */
	struct pictures pic;	 /* --diagram, --svg-dir, --html, --summary */
	unsigned families;	 /* --family: SCN_FAMS_*; 0: not given */
};

/* Say what is wrong with the input, and what to do ("" when obvious): -1. */
int cmd_run_bad(const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The command line into o and rs (--help prints the usage and exits 0).
 * 0 to run the PATHs from optind, or -1 after saying what is wrong.
 */
int cmd_run_options(int argc, char **argv, struct run_opts *o,
    struct run_state *rs);

#endif
