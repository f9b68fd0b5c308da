/*
 * cmd_library.h - --library for check, list and run: the PATHs are taken
 * inside the scenario library installed with the programs
 * (PREFIX/share/lingerlab/scenarios, found by self_paths.h; the checkout's
 * scenarios/ for a build tree; $LINGERLAB_LIBRARY overrides both).
 */
#ifndef LINGERLAB_CMD_LIBRARY_H
#define LINGERLAB_CMD_LIBRARY_H

#include "scn_files.h"

/*
 * The scenario files under the library: each relative PATH inside it (an
 * absolute one as it is), the whole library without any. 0, or -1 after
 * printing what is wrong and what to do.
 */
int library_collect(int argc, char *const argv[], struct scn_paths *pl);

#endif
