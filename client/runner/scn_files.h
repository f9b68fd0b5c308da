/*
 * scn_files.h - finding and reading scenario files, for every command that
 * takes PATH... (check, list, run): the same files in the same order, the
 * same messages.
 */
#ifndef LINGERLAB_SCN_FILES_H
#define LINGERLAB_SCN_FILES_H

#include <stddef.h>

#include "scenario.h"

#define SCN_FILE_MAX_BYTES (1024 * 1024) /* a scenario file is text, not data */

struct scn_paths {
	char **v;
	size_t n;
	size_t cap;
};

/*
 * The files named, and every *.scn under the folders named (recursively,
 * sorted by name, hidden entries and links to folders skipped). 0, or -1
 * after printing what is wrong to stderr.
 */
int scn_paths_collect(int argc, char *const argv[], struct scn_paths *out);
void scn_paths_free(struct scn_paths *p);

/* The whole file, NUL-terminated; -1 after printing why. */
int scn_read_file(const char *path, char **text, size_t *len);

/* Errors as file:line:col with their hints; "... and N more" past n. */
void scn_print_errors(const struct scn_error *errs, size_t n, size_t total);

#endif
