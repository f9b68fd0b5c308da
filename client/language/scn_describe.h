/*
 * scn_describe.h - a file's description for one case, with its ${param}
 * references replaced, for `lingerlab list`. Pure.
 */
#ifndef LINGERLAB_SCN_DESCRIBE_H
#define LINGERLAB_SCN_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

struct scn_file;

/* Whether the description refers to a parameter (and so varies by case). */
bool scn_describe_varies(const struct scn_file *f);

/*
 * Case index's description into buf, and into label the values it depends
 * on ("mode=blocking, shut=rd"). Truncated to fit, always terminated.
 */
void scn_describe_case(const struct scn_file *f, size_t index, char *buf,
    size_t len, char *label, size_t label_len);

#endif
