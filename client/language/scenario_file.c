/*
 * scenario_file.c - what a read file says of itself before any case is
 * built: its path, description, tags and parameters, which is all
 * "lingerlab list" and the tag selection need (scenario_parse.h).
 */
#include "scenario_int.h"

#include <string.h>

const char *
scn_file_path(const struct scn_file *f)
{
	return f->path;
}

const char *
scn_file_description(const struct scn_file *f)
{
	return f->description;
}

size_t
scn_file_ntags(const struct scn_file *f)
{
	return f->ntags;
}

const char *
scn_file_tag(const struct scn_file *f, size_t i)
{
	return i < f->ntags ? f->tags[i] : NULL;
}

bool
scn_file_has_tag(const struct scn_file *f, const char *tag)
{
	size_t i;

	for (i = 0; i < f->ntags; i++)
		if (strcmp(f->tags[i], tag) == 0)
			return true;
	return false;
}

size_t
scn_file_nparams(const struct scn_file *f)
{
	return f->nparams;
}

const struct scn_param *
scn_file_param(const struct scn_file *f, size_t i)
{
	return i < f->nparams ? &f->params[i] : NULL;
}
