/*
 * scn_select.c - choosing cases by their tags (scn_select.h).
 */
#include "scn_select.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* A tag of a scenario's `tags` line: letters, digits, '-', '_', '.'. */
static bool
tag_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_' ||
	    ch == '.';
}

int
scn_tags_check(const char *list, char *err, size_t errlen)
{
	const char *p = list, *start = list;

	for (;; p++) {
		if (*p == ',' || *p == '\0') {
			if (p == start) {
				snprintf(err, errlen,
				    "an empty tag: write tags "
				    "separated by commas, such as slow,signal");
				return -1;
			}
			if (*p == '\0')
				return 0;
			start = p + 1;
		} else if (!tag_char(*p)) {
			snprintf(err, errlen,
			    "'%c' cannot be in a tag: tags "
			    "are letters, digits, '-', '_' and '.'",
			    *p);
			return -1;
		}
	}
}

/* Whether tag is one of the comma-separated list's. */
static bool
in_list(const char *tag, const char *list)
{
	size_t n = strlen(tag);
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if ((comma != NULL ? (size_t)(comma - p) : strlen(p)) == n &&
		    strncmp(p, tag, n) == 0)
			return true;
		if (comma == NULL)
			return false;
		p = comma + 1;
	}
}

static bool
any_in(char *const *tags, size_t ntags, const char *list)
{
	size_t i;

	for (i = 0; i < ntags; i++)
		if (in_list(tags[i], list))
			return true;
	return false;
}

bool
scn_tags_select(char *const *tags, size_t ntags, const char *want,
    const char *skip)
{
	if (want != NULL && !any_in(tags, ntags, want))
		return false;
	return skip == NULL || !any_in(tags, ntags, skip);
}
