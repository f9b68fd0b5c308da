/*
 * fuzz_run_wire.c - libFuzzer target for the worker's record stream
 * (client/evaluate/run_wire.c), which the runner's parent reads from each worker.
 *
 * The input is split into lines as run_jobs.c splits a worker's stream;
 * each is read as an "at" record or applied to a case_obs of a small fixed
 * scenario. Checked properties, beyond no crash and no undefined behaviour:
 *  - a refused record says why (a one-line reason), and only the end
 *    record returns 1;
 *  - every string the records set stays terminated within its field;
 *  - what was applied, written out again with the obs_fmt_* functions,
 *    reads back without error into a fresh case_obs, and writing that out
 *    gives the same text (the format is its own fixed point).
 * Any violation aborts, which libFuzzer reports with the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_wire.h"

#define STREAM_MAX (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Two steps with expectations, one without: every record kind has a use. */
static struct scn_expect exps0[2], exps2[1];
static struct scn_step steps[3] = {
	{ .kind = STEP_CLOSE, .expects = exps0, .nexpects = 2 },
	{ .kind = STEP_WAIT },
	{ .kind = STEP_PEER_SEND, .expects = exps2, .nexpects = 1 },
};
static const struct scenario sc = { .steps = steps, .nsteps = 3, .nsocks = 2 };

static void
require(bool ok, const char *what, const char *text)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_run_wire: property violated: %s: '%.300s'\n",
	    what, text);
	abort();
}

static void
require_terminated(const char *s, size_t cap, const char *what)
{
	require(memchr(s, '\0', cap) != NULL, what, "(unterminated)");
}

static void
check_strings(const struct case_obs *o)
{
	size_t i, j;

	require_terminated(o->os_name, sizeof(o->os_name), "os_name");
	require_terminated(o->abort_reason, sizeof(o->abort_reason), "abort");
	require_terminated(o->pcap_path, sizeof(o->pcap_path), "pcap_path");
	require_terminated(o->capture_note, sizeof(o->capture_note), "note");
	for (i = 0; i < sc.nsteps; i++) {
		require_terminated(o->calls[i].err_name,
		    sizeof(o->calls[i].err_name), "err_name");
		require_terminated(o->calls[i].detail,
		    sizeof(o->calls[i].detail), "detail");
		for (j = 0; j < sc.steps[i].nexpects; j++) {
			require_terminated(o->points[i][j].state,
			    sizeof(o->points[i][j].state), "state");
			require_terminated(o->points[i][j].peer_value,
			    sizeof(o->points[i][j].peer_value), "peer_value");
		}
	}
}

/* Apply text's lines to o; every line must be accepted when strict. */
static void
apply_all(struct case_obs *o, char *text, size_t len, bool strict)
{
	char err[256], *line = text, *nl, *end = text + len;
	size_t step;
	uint64_t t0, t;
	int rc;

	while (line < end &&
	    (nl = memchr(line, '\n', (size_t)(end - line))) != NULL) {
		*nl = '\0';
		err[0] = '\0';
		rc = obs_parse_at(line, &step, &t0, &t);
		if (rc == 0) {
			rc = obs_apply(o, line, err, sizeof(err));
			if (rc == -1) {
				require(err[0] != '\0' &&
					strchr(err, '\n') == NULL,
				    "refused without a one-line reason", err);
				require(!strict, "own record refused", err);
			}
		}
		line = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char a[STREAM_MAX], b[STREAM_MAX];
	struct case_obs o1, o2;
	char *text;
	size_t na, nb;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\n'; /* a last line without newline counts too */
	if (case_obs_init(&o1, &sc) == -1 || case_obs_init(&o2, &sc) == -1)
		abort();
	apply_all(&o1, text, size + 1, false);
	check_strings(&o1);
	/* Too many records for the buffers: nothing to compare, not a bug. */
	if ((na = obs_fmt_case_text(&o1, a, sizeof(a))) != (size_t)-1) {
		memcpy(b, a, na);
		apply_all(&o2, b, na, true);
		check_strings(&o2);
		nb = obs_fmt_case_text(&o2, b, sizeof(b));
		require(na == nb && memcmp(a, b, na) == 0, "not a fixed point",
		    a);
	}
	case_obs_free(&o1);
	case_obs_free(&o2);
	free(text);
	return 0;
}
