/*
 * test_scenario_errors.c - every kind of mistake in a scenario file is
 * reported where it is, with what was expected and a hint.
 *
 * The corpus is the .scn files of tests/scenarios/bad. Each file starts with one
 * comment line per error it must produce, in order:
 *
 *   # error: LINE:COL: a substring of the message
 *
 * and must produce exactly those errors (so a file shows one mistake, and a
 * mistake never drags others after it). Every error must carry a hint.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"

#define BAD_DIR LINGERLAB_SOURCE_DIR "/tests/scenarios/bad"
#define MAXERRS 16
#define MAXWANT 8

struct want {
	unsigned line;
	unsigned col;
	char text[200];
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n = 0;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fail_msg("cannot read %s", path);
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The "# error: L:C: text" lines at the top of a file. */
static size_t
read_wants(const char *name, const char *text, struct want *w)
{
	const char *p = text;
	size_t n = 0;
	int used;

	while (strncmp(p, "# error: ", 9) == 0) {
		const char *nl = strchr(p, '\n');

		if (n == MAXWANT || nl == NULL)
			fail_msg("%s: bad error header", name);
		if (sscanf(p, "# error: %u:%u: %n", &w[n].line, &w[n].col,
			&used) != 2)
			fail_msg("%s: cannot read '%.*s'", name, (int)(nl - p),
			    p);
		snprintf(w[n].text, sizeof(w[n].text), "%.*s",
		    (int)(nl - p - used), p + used);
		n++;
		p = nl + 1;
	}
	if (n == 0)
		fail_msg("%s: no '# error:' line at the top", name);
	return n;
}

static void
dump(const char *name, const struct scn_error *errs, size_t n)
{
	char buf[1024];
	size_t i;

	print_message("%s produced:\n", name);
	for (i = 0; i < n; i++) {
		scn_error_format(&errs[i], buf, sizeof(buf));
		print_message("%s", buf);
	}
}

static void
check_file(const char *name)
{
	struct scn_error errs[MAXERRS];
	struct want want[MAXWANT];
	char path[512], label[300], buf[1024];
	size_t len, nerrs = 0, nwant, ncases, i;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", BAD_DIR, name);
	snprintf(label, sizeof(label), "bad/%s", name);
	text = slurp(path, &len);
	nwant = read_wants(name, text, want);
	if (scn_check_text(label, text, len, errs, MAXERRS, &nerrs, &ncases) ==
	    0)
		fail_msg("%s: no error reported", name);
	if (nerrs != nwant) {
		dump(name, errs, nerrs < MAXERRS ? nerrs : MAXERRS);
		fail_msg("%s: %zu errors, want %zu", name, nerrs, nwant);
	}
	for (i = 0; i < nwant; i++) {
		const struct scn_error *e = &errs[i];

		if (e->pos.line != want[i].line || e->pos.col != want[i].col ||
		    strstr(e->msg, want[i].text) == NULL) {
			dump(name, errs, nerrs);
			fail_msg("%s: error %zu is %u:%u '%s', want %u:%u '%s'",
			    name, i + 1, e->pos.line, e->pos.col, e->msg,
			    want[i].line, want[i].col, want[i].text);
		}
		if (e->hint[0] == '\0')
			fail_msg("%s: error %zu has no hint", name, i + 1);
		if (e->pos.file == NULL || strcmp(e->pos.file, label) != 0)
			fail_msg("%s: error %zu names file %s", name, i + 1,
			    e->pos.file ? e->pos.file : "(null)");
		scn_error_format(e, buf, sizeof(buf));
		snprintf(path, sizeof(path), "%s:%u:%u: error: ", label,
		    want[i].line, want[i].col);
		if (strncmp(buf, path, strlen(path)) != 0 ||
		    strstr(buf, "\n  hint: ") == NULL)
			fail_msg("%s: formatted as '%s'", name, buf);
	}
	free(text);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_corpus(void **state)
{
	char *names[256];
	struct dirent *de;
	size_t n = 0, i;
	DIR *d;

	(void)state;
	if ((d = opendir(BAD_DIR)) == NULL)
		fail_msg("cannot open %s", BAD_DIR);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, ".scn") == 0) {
			assert_true(n < 256);
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	assert_true(n >= 30);
	for (i = 0; i < n; i++) {
		check_file(names[i]);
		free(names[i]);
	}
	print_message("%zu bad files, each reported as expected\n", n);
}

/* A wrong header makes the file unusable: no template, every error told. */
static void
test_header_errors_stop_parse(void **state)
{
	static const char text[] =
	    "scenario \"x\"\ntags a a\nparam m = \nparam 9 = a\n"
	    "socket c\ntags late\n";
	struct scn_error errs[MAXERRS];
	struct scn_file *f;
	char dummy;
	size_t n = 0;

	(void)state;
	f = (struct scn_file *)(void *)&dummy;
	assert_int_equal(scn_file_parse("h.scn", text, strlen(text), &f, errs,
			     MAXERRS, &n),
	    -1);
	assert_null(f);
	assert_int_equal(n, 4);
	assert_int_equal(errs[0].pos.line, 2); /* tag a twice */
	assert_int_equal(errs[0].pos.col, 8);
	assert_non_null(strstr(errs[0].msg, "given twice"));
	assert_int_equal(errs[1].pos.line, 3); /* no values */
	assert_int_equal(errs[1].pos.col, 10);
	assert_int_equal(errs[2].pos.line, 4); /* 9 is not a name */
	assert_int_equal(errs[2].pos.col, 7);
	assert_int_equal(errs[3].pos.line, 6); /* tags after a step */
	assert_non_null(strstr(errs[3].msg, "belongs in the header"));
}

/* More errors than room: the first ones are kept, all are counted. */
static void
test_error_cap(void **state)
{
	static const char text[] =
	    "scenario \"x\"\nsocket c\nwait 1\nwait 2\nwait 3\nwait 4\n";
	struct scn_error errs[2];
	size_t n = 0;

	(void)state;
	assert_int_equal(scn_check_text("cap.scn", text, strlen(text), errs, 2,
			     &n, NULL),
	    -1);
	assert_int_equal(n, 4);
	assert_int_equal(errs[0].pos.line, 3);
	assert_int_equal(errs[1].pos.line, 4);
	/* no room at all is fine too */
	assert_int_equal(scn_check_text("cap.scn", text, strlen(text), NULL, 0,
			     &n, NULL),
	    -1);
	assert_int_equal(n, 4);
}

static void
test_error_format(void **state)
{
	struct scn_error e;
	char buf[256];
	size_t need;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pos.file = "x.scn";
	e.pos.line = 12;
	e.pos.col = 9;
	snprintf(e.msg, sizeof(e.msg),
	    "expected a size such as 10KiB, got \"10kb\"");
	snprintf(e.hint, sizeof(e.hint), "sizes are binary");
	need = scn_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf,
	    "x.scn:12:9: error: expected a size such as 10KiB, got "
	    "\"10kb\"\n  hint: sizes are binary\n");
	assert_int_equal(need, strlen(buf));
	/* too small: cut, terminated, and the length needed returned */
	assert_int_equal(scn_error_format(&e, buf, 10), need);
	assert_string_equal(buf, "x.scn:12:");
	e.hint[0] = '\0';
	scn_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf,
	    "x.scn:12:9: error: expected a size such as 10KiB, got "
	    "\"10kb\"\n");
}

/* scn_file_case gives the first error of a case; the template is fine. */
static void
test_case_first_error(void **state)
{
	static const char text[] =
	    "scenario \"x\"\nparam n = 1KiB | 2kb\npeer listen 7000 normal\n"
	    "socket c\nconnect c\nsend c ${n}\nsend c 3kb\n";
	struct scn_file *f = NULL;
	struct scenario *sc;
	struct scn_error err;
	char dummy;
	size_t n = 9;

	(void)state;
	sc = (struct scenario *)(void *)&dummy;
	assert_int_equal(scn_file_parse("c.scn", text, strlen(text), &f, NULL,
			     0, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(scn_file_case(f, 1, &sc, &err), -1);
	assert_null(sc);
	assert_int_equal(err.pos.line, 6);
	assert_int_equal(err.pos.col, 8);
	assert_non_null(strstr(err.msg, "\"2kb\" (from ${n})"));
	assert_int_equal(scn_file_case(f, 0, &sc, NULL), -1);
	assert_int_equal(scn_file_case(f, 2, &sc, &err), -1);
	assert_non_null(strstr(err.msg, "no case 2"));
	scn_file_free(f);
}

/* Bytes that are not a scenario at all: errors, never a crash. */
static void
test_garbage(void **state)
{
	static const char text[] =
	    "\0\xff\xfe scenario\n\"\\\n${\n${a\n$\x7f\r\n";
	struct scn_error errs[MAXERRS];
	size_t n = 0;

	(void)state;
	assert_int_equal(scn_check_text("g.scn", text, sizeof(text) - 1, errs,
			     MAXERRS, &n, NULL),
	    -1);
	assert_true(n >= 1);
	assert_int_equal(errs[0].pos.line, 1);
	assert_int_equal(errs[0].pos.col, 1);
	assert_non_null(strstr(errs[0].msg, "control character 0x00"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_header_errors_stop_parse),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_case_first_error),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
