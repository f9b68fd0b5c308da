/*
 * proc_mem.h - a process's memory and credentials from /proc/PID/status,
 * for the hardening tests.
 */
#ifndef LINGERLAB_PROC_MEM_H
#define LINGERLAB_PROC_MEM_H

#include <stdint.h>
#include <sys/types.h>

/*
 * The first number after "key:" in /proc/pid/status ("VmRSS" gives kB;
 * "Uid" the real uid; "CapEff" is hexadecimal, so use proc_status_hex).
 * -1 if absent.
 */
int64_t proc_status_num(pid_t pid, const char *key);
/* The same for a hexadecimal field (CapEff, CapPrm, CapBnd). */
int64_t proc_status_hex(pid_t pid, const char *key);

#endif
