/*
 * proc_mem.c - read one field of /proc/PID/status.
 */
#include "proc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t
field(pid_t pid, const char *key, int base)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int64_t v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = (int64_t)strtoll(line + klen + 1, NULL, base);
			break;
		}
	}
	fclose(f);
	return v;
}

int64_t
proc_status_num(pid_t pid, const char *key)
{
	return field(pid, key, 10);
}

int64_t
proc_status_hex(pid_t pid, const char *key)
{
	return field(pid, key, 16);
}
