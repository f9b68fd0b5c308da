/*
 * scn_describe.c - a file's description per case (scn_describe.h). The
 * parser has checked the references already (a file with a reference to
 * an undeclared parameter does not parse), so this is plain substitution;
 * an unknown name is kept as written.
 */
#include "scn_describe.h"

#include <stdio.h>
#include <string.h>

#include "scenario_parse.h"

/* Appends s[0..n) to buf of len, as far as it fits; returns the new used. */
static size_t
put(char *buf, size_t len, size_t used, const char *s, size_t n)
{
	size_t room = used + 1 < len ? len - 1 - used : 0;

	if (len == 0)
		return 0;
	if (n > room)
		n = room;
	memcpy(buf + used, s, n);
	buf[used + n] = '\0';
	return used + n;
}

bool
scn_describe_varies(const struct scn_file *f)
{
	size_t i;
	char ref[64];

	for (i = 0; i < scn_file_nparams(f); i++) {
		snprintf(ref, sizeof(ref), "${%s}", scn_file_param(f, i)->name);
		if (strstr(scn_file_description(f), ref) != NULL)
			return true;
	}
	return false;
}

/* The label: NAME=VALUE of each parameter the description uses. */
static void
describe_label(const struct scn_file *f, size_t index, char *label, size_t len)
{
	const struct scn_param *p;
	size_t i, used = 0;
	char ref[64], kv[320];

	if (len > 0)
		label[0] = '\0';
	for (i = 0; i < scn_file_nparams(f); i++) {
		p = scn_file_param(f, i);
		snprintf(ref, sizeof(ref), "${%s}", p->name);
		if (strstr(scn_file_description(f), ref) == NULL)
			continue;
		snprintf(kv, sizeof(kv), "%s%s=%s", used > 0 ? ", " : "",
		    p->name, scn_file_case_value(f, index, p->name));
		used = put(label, len, used, kv, strlen(kv));
	}
}

void
scn_describe_case(const struct scn_file *f, size_t index, char *buf, size_t len,
    char *label, size_t label_len)
{
	const char *s = scn_file_description(f), *end, *v;
	size_t used = 0;
	char name[64];

	if (len > 0)
		buf[0] = '\0';
	while (*s != '\0') {
		end = strncmp(s, "${", 2) == 0 ? strchr(s + 2, '}') : NULL;
		if (end != NULL && (size_t)(end - s - 2) < sizeof(name)) {
			memcpy(name, s + 2, (size_t)(end - s - 2));
			name[end - s - 2] = '\0';
			if ((v = scn_file_case_value(f, index, name)) != NULL) {
				used = put(buf, len, used, v, strlen(v));
				s = end + 1;
				continue;
			}
		}
		used = put(buf, len, used, s, 1);
		s++;
	}
	describe_label(f, index, label, label_len);
}
