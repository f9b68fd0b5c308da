/*
 * scenario_matrix.c - the matrix: a file's parameters expanded into cases.
 *
 * A file with "param mode = blocking | nonblocking" and "param size = 1KiB |
 * 1MiB" is four cases, in declaration order with the last parameter varying
 * fastest: [mode=blocking,size=1KiB], [mode=blocking,size=1MiB],
 * [mode=nonblocking,size=1KiB], [mode=nonblocking,size=1MiB]. Here a case
 * index becomes its values and its name; scenario_case.c reads the file's
 * lines afresh with those values substituted.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <string.h>

/* One case per combination of values; too many is an error, not a cut. */
void
scn_count_cases(struct scn_errs *e, struct scn_file *f)
{
	size_t i, n = 1;

	for (i = 0; i < f->nparams; i++) {
		const struct scn_param *p = &f->params[i];

		if (n > SCN_MAX_CASES / p->nvalues) {
			scn_fail_at(e, p->pos.line, p->pos.col,
			    "split the file, or list fewer "
			    "values",
			    "the parameters make more than %d cases",
			    SCN_MAX_CASES);
			f->bad_params = true;
			return;
		}
		n *= p->nvalues;
	}
	f->ncases = n;
}

size_t
scn_file_ncases(const struct scn_file *f)
{
	return f->bad_params ? 0 : f->ncases;
}

/* The value of each parameter in case index: an odometer, last digit fastest. */
void
scn_case_values(const struct scn_file *f, size_t index, const char **values)
{
	size_t i = f->nparams;

	while (i-- > 0) {
		values[i] = f->params[i].values[index % f->params[i].nvalues];
		index /= f->params[i].nvalues;
	}
}

const char *
scn_file_case_value(const struct scn_file *f, size_t index, const char *name)
{
	size_t i = f->nparams;

	if (index >= scn_file_ncases(f))
		return NULL;
	while (i-- > 0) {
		const struct scn_param *p = &f->params[i];

		if (strcmp(p->name, name) == 0)
			return p->values[index % p->nvalues];
		index /= p->nvalues;
	}
	return NULL;
}

/* Like snprintf: appends what fits, returns the length the whole needs. */
static size_t
append(char *buf, size_t len, size_t used, const char *s)
{
	size_t n = strlen(s);

	if (used < len)
		snprintf(buf + used, len - used, "%s", s);
	return used + n;
}

size_t
scn_file_case_name(const struct scn_file *f, size_t index, char *buf,
    size_t len)
{
	size_t i, used = 0;

	if (len > 0)
		buf[0] = '\0';
	used = append(buf, len, used, f->path);
	if (f->nparams == 0 || index >= scn_file_ncases(f))
		return used;
	for (i = 0; i < f->nparams; i++) {
		used = append(buf, len, used, i == 0 ? "[" : ",");
		used = append(buf, len, used, f->params[i].name);
		used = append(buf, len, used, "=");
		used = append(buf, len, used,
		    scn_file_case_value(f, index, f->params[i].name));
	}
	return append(buf, len, used, "]");
}
