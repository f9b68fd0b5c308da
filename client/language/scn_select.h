/*
 * scn_select.h - choosing cases by their tags: `lingerlab run --tags
 * quick` runs only cases tagged quick, `--skip-tags slow` leaves out the
 * long ones. Pure: tested without running anything.
 */
#ifndef LINGERLAB_SCN_SELECT_H
#define LINGERLAB_SCN_SELECT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check a comma-separated tag list as the options take it ("slow",
 * "quick,rst"): tags are as in a scenario's `tags` line. 0, or -1 with
 * what is wrong in err.
 */
int scn_tags_check(const char *list, char *err, size_t errlen);

/*
 * Whether a case with these tags is run: it has one of want's tags (or
 * want is NULL), and none of skip's (or skip is NULL).
 */
bool scn_tags_select(char *const *tags, size_t ntags, const char *want,
    const char *skip);

#endif
