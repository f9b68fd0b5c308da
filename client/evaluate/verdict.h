/*
 * verdict.h - what the evaluator decided, in a form every report writer
 * reads: per expectation a verdict with the expectation as written, what
 * was expected and what happened in words, and for a wire check that
 * failed the segments that came closest and an excerpt of the exchange;
 * per case the verdicts in scenario order; per run the cases and totals.
 *
 * Self-contained: a result holds copies of the texts it shows, so it can
 * outlive the observations it came from. The one exception is the file
 * name (case_result.file, verdict.pos.file), which points where the
 * scenario's does: keep the scenarios until the report is written.
 */
#ifndef LINGERLAB_VERDICT_H
#define LINGERLAB_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"

enum verdict_kind {
	VERDICT_PASS = 0,
	VERDICT_FAIL,		/* checked, and it did not hold */
	VERDICT_NOT_APPLICABLE, /* for another OS: not checked here */
	VERDICT_NOT_REACHED,	/* the case stopped before it */
	VERDICT_ERROR,		/* could not be decided (or the case stopped) */
	VERDICT_KIND_COUNT
};

#define VERDICT_TEXT_MAX     384
#define VERDICT_MISSES_MAX   8
#define VERDICT_EXCERPT_SIDE 4 /* segments either side of the point */
#define VERDICT_EXCERPT_MAX  (2 * VERDICT_EXCERPT_SIDE + 1)

/* A segment that did not match, and how: "from client, flags F. but wanted
 * R; at +1.203s". For "sends no ..." checks it is a segment that should not
 * have been there. */
struct verdict_miss {
	struct obs_segment seg;
	char diff[192];
};

/* Detail of a wire check that did not pass. */
struct verdict_wire {
	uint64_t t_from_ns; /* the window that was checked */
	uint64_t t_to_ns;
	struct verdict_miss misses[VERDICT_MISSES_MAX];
	size_t nmisses;
	size_t more_misses; /* in the window, not listed */
	struct obs_segment excerpt[VERDICT_EXCERPT_MAX];
	size_t nexcerpt;
	size_t excerpt_first; /* capture index of excerpt[0] */
	size_t nsegs;	      /* segments captured in the case */
	uint64_t around_ns;   /* the time the excerpt is centred on */
};

struct verdict {
	enum verdict_kind kind;
	size_t step;	    /* scenario steps[] index; SIZE_MAX: the case */
	size_t index;	    /* in that step's expects[] */
	struct scn_pos pos; /* of the expectation */
	uint32_t os_mask;   /* enum scn_os bits it is written for */
	bool on_call;	    /* checks a step's call (indented) */
	char check[SCN_TEXT_MAX];   /* "expect linux: blocks about 2s" */
	char because[SCN_TEXT_MAX]; /* "" when not given */
	char expected
	    [VERDICT_TEXT_MAX]; /* "close(c) to block about 2 s ± 150 ms" */
	char actual[VERDICT_TEXT_MAX]; /* "close(c) returned 0 after 2.015 s" */
	char note
	    [VERDICT_TEXT_MAX]; /* why not applicable, not reached, an error */
	uint64_t t_ns;		/* when it was checked, from the case's start */
	struct verdict_wire *wire; /* owned; NULL unless a wire check failed */
};

struct case_result {
	char name[SCN_TEXT_MAX]; /* "linger/x.scn[mode=blocking]" */
	const char *file;	 /* not owned */
	char description[SCN_TEXT_MAX];
	char os_name[32]; /* "Linux 6.1.0" */
	uint32_t os;	  /* enum scn_os it ran on */
	char family[8];	  /* the case's address family: "ipv4", "ipv6" */
	uint64_t duration_ns;
	bool aborted;
	char abort_reason[256];
	char pcap_path[256];
	struct verdict *verdicts; /* owned */
	size_t nverdicts;
	size_t counts[VERDICT_KIND_COUNT];
	struct obs_probes probes; /* resource probe samples; samples owned */
	struct obs_lab lab;	  /* lab mode: where it ran, the clock bound */
	/*
	 * Lab mode: the checks that could not be made on the system under
	 * test, counted, with the first one's reason ("" when none): "2
	 * checks cannot be made there: ...".
	 */
	char lab_unchecked[VERDICT_TEXT_MAX];
};

struct run_result {
	char os_name[32];
	/* lab mode: the first case's, with the largest clock bound of all */
	struct obs_lab lab;
	struct case_result *cases; /* owned */
	size_t ncases;
	size_t cap;
	size_t counts[VERDICT_KIND_COUNT];
	uint64_t duration_ns; /* sum of the cases' */
};

/* verdict.c: the names, and the life of results. */

/* "PASS", "FAIL", "N/A", "NOT REACHED", "ERROR". */
const char *verdict_kind_name(enum verdict_kind kind);
/* "pass", "fail", "not-applicable", "not-reached", "error": for machines. */
const char *verdict_kind_id(enum verdict_kind kind);
/* "Linux", "FreeBSD", "Windows", "Linux and FreeBSD", "every system". */
size_t verdict_os_names(uint32_t os_mask, char *buf, size_t len);

void case_result_free(struct case_result *cr);

void run_result_init(struct run_result *run, const char *os_name);
/* Moves cr into the run (cr is emptied). Returns 0, or -1 with ENOMEM (cr
 * is then left as it was and still the caller's). */
int run_result_add(struct run_result *run, struct case_result *cr);
void run_result_free(struct run_result *run);
/* Checks that did not pass: failed, not reached, errors. */
size_t run_result_failures(const struct run_result *run);

#endif
