/*
 * run_plat.h - the scenario language's words in the platform layer's
 * (platform.h, which knows nothing of scenarios): the option a `set` step
 * sets, and which of a scenario's linux:, freebsd: and windows:
 * expectations a system's description selects.
 */
#ifndef LINGERLAB_RUN_PLAT_H
#define LINGERLAB_RUN_PLAT_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "scenario.h"

/* The platform's option for a `set` step's. */
enum plat_opt run_plat_opt(enum scn_opt opt);

/* The enum scn_os bit of a system by its name ("Linux"), 0 for another. */
uint32_t run_os_bit(const struct plat_os_info *os);

/*
 * The system the runner runs on: its enum scn_os bit, and "Linux 6.1.0"
 * (name and kernel) in name for the reports.
 */
uint32_t run_os(char *name, size_t len);

/* A system's short name, as run_os() writes it: "Linux 6.1.0-18-amd64". */
void run_os_name(const struct plat_os_info *os, char *name, size_t len);

/*
 * All a system says of itself, for a lab's reports: "Linux 6.1.0-18-amd64
 * (Debian GNU/Linux 12 (bookworm)) on host sut"; Wine's Windows is "Windows
 * API (10.0.18362) under Wine 8.0 on Linux 6.1.0-18-amd64 on host ci".
 */
void run_os_system(const struct plat_os_info *os, char *buf, size_t len);

#endif
