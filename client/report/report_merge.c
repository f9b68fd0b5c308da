/*
 * report_merge.c - reports of several runs as one (report_merge.h).
 */
#include "report_merge.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "duration_text.h"

/* One case of one input, wherever its text is. */
struct entry {
	size_t input, seq; /* seq: its place among all inputs' cases */
	uint32_t line, col;
	const char *text; /* the case's bytes in the input */
	size_t len;
	char *name;	 /* for duplicates */
	size_t file_len; /* name's first file_len bytes: its file */
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

static int mfail(struct merge_error *err, const struct merge_input *in,
    uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
mfail(struct merge_error *err, const struct merge_input *in, uint32_t line,
    uint32_t col, const char *fmt, ...)
{
	va_list ap;

	err->input = in->name;
	err->at.line = line;
	err->at.col = col;
	va_start(ap, fmt);
	vsnprintf(err->at.msg, sizeof(err->at.msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
add(struct entries *es, const struct entry *e, const char *name,
    size_t file_len)
{
	struct entry *v;
	size_t cap;

	if (es->n == es->cap || es->v == NULL) {
		/* the capacity grows only with the array */
		cap = es->cap > 0 ? 2 * es->cap : 128;
		if ((v = realloc(es->v, cap * sizeof(*v))) == NULL)
			return -1;
		es->v = v;
		es->cap = cap;
	}
	es->v[es->n] = *e;
	if ((es->v[es->n].name = strdup(name)) == NULL)
		return -1;
	es->v[es->n].seq = es->n;
	es->v[es->n].file_len = file_len;
	es->n++;
	return 0;
}

static void
entries_free(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->v[i].name);
	free(es->v);
}

/* By file (byte order), then as the inputs had them. */
static int
by_file(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->file_len < y->file_len ? x->file_len : y->file_len;
	int d = memcmp(x->name, y->name, n);

	if (d != 0)
		return d;
	if (x->file_len != y->file_len)
		return x->file_len < y->file_len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
by_name(const void *a, const void *b)
{
	const struct entry *const *x = a, *const *y = b;
	int d = strcmp((*x)->name, (*y)->name);

	if (d != 0)
		return d;
	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

/* A case in two inputs (or twice in one) is an error. */
static int
no_duplicates(const struct entries *es, const struct merge_input *in,
    struct merge_error *err)
{
	const struct entry **v, *a, *b;
	size_t i;
	int rc = 0;

	if (es->n < 2)
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	if ((v = calloc(es->n, sizeof(*v))) == NULL)
		return mfail(err, &in[0], 0, 0, "out of memory");
	for (i = 0; i < es->n; i++)
		v[i] = &es->v[i];
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	qsort(v, es->n, sizeof(*v), by_name);
	for (i = 1; i < es->n && rc == 0; i++) {
		a = v[i - 1];
		b = v[i];
		if (strcmp(a->name, b->name) == 0)
			rc = mfail(err, &in[b->input], b->line, b->col,
			    "case %.300s is also in %.300s, line %u: each case "
			    "must be in one report only (was a shard given "
			    "twice, or shards of different runs?)",
			    b->name, in[a->input].name, a->line);
	}
	free(v);
	return rc;
}

int
report_merge_detect(const char *text, size_t len, enum report_format *fmt)
{
	size_t i = 0;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len &&
	    (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
		text[i] == '\n'))
		i++;
	if (i == len)
		return 1;
	if (text[i] != '{' && text[i] != '<')
		return -1;
	*fmt = text[i] == '{' ? REPORT_JSON : REPORT_JUNIT;
	return 0;
}

static bool
blank(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* Every line of one JSON input; blank lines are let pass. */
static int
json_input(const struct merge_input *in, size_t k, struct entries *es,
    struct merge_totals *t, struct merge_error *err)
{
	struct rr_json_case jc;
	const char *p = in->text, *end = in->text + in->len, *nl;
	struct entry e = { .input = k };
	uint32_t line = 0;
	size_t len, v;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line++;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (blank(p, len))
			continue;
		if (rr_json_line(p, len, &jc, &err->at) == -1) {
			err->input = in->name;
			err->at.line = line;
			return -1;
		}
		e.line = line;
		e.col = 1;
		e.text = p;
		e.len = len;
		if (add(es, &e, jc.name,
			strlen(jc.file) < strlen(jc.name) &&
				strncmp(jc.name, jc.file, strlen(jc.file)) == 0
			    ? strlen(jc.file)
			    : rr_case_file_len(jc.name)) == -1)
			return mfail(err, in, line, 1, "out of memory");
		for (v = 0; v < VERDICT_KIND_COUNT; v++) {
			t->counts[v] += jc.counts[v];
			t->checks += jc.counts[v];
		}
		t->aborted += jc.aborted;
	}
	return 0;
}

static int
merge_json(const struct merge_input *in, size_t n, FILE *out,
    struct merge_totals *t, struct merge_error *err)
{
	struct entries es = { NULL, 0, 0 };
	size_t k;
	int rc = -1;

	for (k = 0; k < n; k++)
		if (json_input(&in[k], k, &es, t, err) == -1)
			goto out;
	if (no_duplicates(&es, in, err) == -1)
		goto out;
	if (es.n > 0)
		qsort(es.v, es.n, sizeof(*es.v), by_file);
	for (k = 0; k < es.n; k++) {
		fwrite(es.v[k].text, 1, es.v[k].len, out);
		fputc('\n', out);
	}
	t->cases = es.n;
	t->failed = t->counts[VERDICT_FAIL] + t->counts[VERDICT_NOT_REACHED] +
	    t->counts[VERDICT_ERROR];
	t->skipped = t->counts[VERDICT_NOT_APPLICABLE];
	rc = 0;
out:
	entries_free(&es);
	return rc;
}

/* An input's own totals must be its cases' sums: else it is cut. */
static int
junit_sums(const struct merge_input *in, const struct rr_junit *j,
    struct merge_error *err)
{
	size_t i, tests = 0, failures = 0, errors = 0, skipped = 0;

	for (i = 0; i < j->n; i++) {
		tests += j->suites[i].tests;
		failures += j->suites[i].failures;
		errors += j->suites[i].errors;
		skipped += j->suites[i].skipped;
	}
	if (tests == j->tests && failures == j->failures &&
	    errors == j->errors && skipped == j->skipped)
		return 0;
	return mfail(err, in, j->line, j->col,
	    "<testsuites> says tests=%zu failures=%zu errors=%zu skipped=%zu, "
	    "its %zu <testsuite>s add up to %zu, %zu, %zu, %zu: is the file "
	    "cut or edited? Write it again with lingerlab run",
	    j->tests, j->failures, j->errors, j->skipped, j->n, tests, failures,
	    errors, skipped);
}

static int
junit_input(const struct merge_input *in, size_t k, struct rr_junit *j,
    struct entries *es, struct merge_totals *t, struct merge_error *err)
{
	struct entry e = { .input = k };
	const struct rr_suite *s;
	size_t i;

	if (rr_junit_read(in->text, in->len, j, &err->at) == -1) {
		err->input = in->name;
		return -1;
	}
	if (junit_sums(in, j, err) == -1)
		return -1;
	for (i = 0; i < j->n; i++) {
		s = &j->suites[i];
		e.line = s->line;
		e.col = s->col;
		e.text = in->text + s->start;
		e.len = s->end - s->start;
		if (add(es, &e, s->name, rr_case_file_len(s->name)) == -1)
			return mfail(err, in, s->line, 1, "out of memory");
		t->checks += s->tests;
		t->failed += s->failures + s->errors;
		t->skipped += s->skipped;
		t->counts[VERDICT_FAIL] += s->failures;
		t->counts[VERDICT_ERROR] += s->errors;
		t->counts[VERDICT_NOT_APPLICABLE] += s->skipped;
		t->counts[VERDICT_PASS] +=
		    s->tests - s->failures - s->errors - s->skipped;
	}
	return 0;
}

static void
junit_write(FILE *out, const struct entries *es, const struct merge_totals *t,
    uint64_t time_ns)
{
	char took[32];
	size_t k;

	dur_seconds(time_ns, took, sizeof(took));
	fprintf(out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
	    "name=\"lingerlab\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
	    "skipped=\"%zu\" time=\"%s\">\n",
	    t->checks, t->counts[VERDICT_FAIL], t->counts[VERDICT_ERROR],
	    t->skipped, took);
	for (k = 0; k < es->n; k++) {
		fputs("  ", out);
		fwrite(es->v[k].text, 1, es->v[k].len, out);
		fputc('\n', out);
	}
	fputs("</testsuites>\n", out);
}

static int
merge_junit(const struct merge_input *in, size_t n, FILE *out,
    struct merge_totals *t, struct merge_error *err)
{
	struct entries es = { NULL, 0, 0 };
	struct rr_junit *docs = calloc(n > 0 ? n : 1, sizeof(*docs));
	uint64_t time_ns = 0;
	size_t k;
	int rc = -1;

	if (docs == NULL)
		return mfail(err, &in[0], 0, 0, "out of memory");
	for (k = 0; k < n; k++) {
		if (junit_input(&in[k], k, &docs[k], &es, t, err) == -1)
			goto out;
		time_ns += docs[k].time_ns;
	}
	if (no_duplicates(&es, in, err) == -1)
		goto out;
	if (es.n > 0)
		qsort(es.v, es.n, sizeof(*es.v), by_file);
	t->cases = es.n;
	junit_write(out, &es, t, time_ns);
	rc = 0;
out:
	for (k = 0; k < n; k++)
		rr_junit_free(&docs[k]);
	free(docs);
	entries_free(&es);
	return rc;
}

int
report_merge(enum report_format fmt, const struct merge_input *in, size_t n,
    FILE *out, struct merge_totals *t, struct merge_error *err)
{
	static const struct merge_input none = { "(no input)", "", 0 };

	memset(t, 0, sizeof(*t));
	memset(err, 0, sizeof(*err));
	t->inputs = n;
	if (fmt == REPORT_JSON)
		return merge_json(in, n, out, t, err);
	if (fmt == REPORT_JUNIT)
		return merge_junit(in, n, out, t, err);
	errno = EINVAL;
	return mfail(err, n > 0 ? &in[0] : &none, 0, 0,
	    "only json and junit reports merge");
}
