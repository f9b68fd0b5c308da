/*
 * cmd_check.h - "lingerlab check" and "lingerlab list": read scenario files
 * without running anything.
 *
 * Both take argv as main() does, argv[0] being the command's own name
 * ("check", "list"), then PATH...: files, or folders searched recursively
 * for *.scn (in sorted order). Exit status: 0 when every file is good, 2 when
 * any has an error or cannot be read, or on a usage error.
 */
#ifndef LINGERLAB_CMD_CHECK_H
#define LINGERLAB_CMD_CHECK_H

/* Read every case of every file; errors to stderr, "N files, M cases: ok"
 * to stdout. */
int cmd_check(int argc, char **argv);

/* Each file's path, description, tags and cases, to stdout. */
int cmd_list(int argc, char **argv);

#endif
