/*
 * scn_keywords.c - the language's keywords, read from the parser's tables
 * rather than listed again (see scn_keywords.h): a kind of step or of
 * expectation added to scenario_kinds.c shows up here, and the editor
 * check fails until the grammars know it.
 */
#include "scn_keywords.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "scenario_int.h"
#include "scenario_kinds.h"

#define MAX_KEYWORDS	256
#define MAX_KEYWORD_LEN 48

struct kw_seen {
	char words[MAX_KEYWORDS][MAX_KEYWORD_LEN];
	size_t n;
	scn_keyword_fn fn;
	void *arg;
};

const char *
scn_keyword_class_name(enum scn_keyword_class c)
{
	switch (c) {
	case SCN_KW_STATEMENT: return "statement";
	case SCN_KW_WORD: return "word";
	case SCN_KW_OS: return "os";
	case SCN_KW_WIRE: return "wire";
	}
	return "?";
}

static void
one(struct kw_seen *s, enum scn_keyword_class c, const char *word, size_t len)
{
	size_t i;

	if (len == 0 || len >= MAX_KEYWORD_LEN)
		return;
	for (i = 0; i < s->n; i++)
		if (strlen(s->words[i]) == len &&
		    memcmp(s->words[i], word, len) == 0)
			return;
	if (s->n == MAX_KEYWORDS)
		return; /* far more than the language has */
	memcpy(s->words[s->n], word, len);
	s->words[s->n][len] = '\0';
	s->fn(c, s->words[s->n++], s->arg);
}

/* Which words of a kind's name: the first, the ones after it, or all. */
enum part { FIRST, REST, ALL };

/* The first word of a kind's name in class first, the others as words. */
static void
name_words(struct kw_seen *s, enum scn_keyword_class first, const char *name,
    enum part part)
{
	size_t len;
	bool at_start = true;

	if (strcmp(name, "?") == 0)
		return;
	for (; *name != '\0'; name += len) {
		name += strspn(name, " ");
		len = strcspn(name, " ");
		if (part == ALL || (part == FIRST) == at_start)
			one(s, at_start ? first : SCN_KW_WORD, name, len);
		at_start = false;
	}
}

/* The statements: first words, or the words after them (peer listen). */
static void
statements(struct kw_seen *s, enum part part)
{
	unsigned k;
	size_t i;

	for (i = 0; i < SCN_NHEADER; i++)
		name_words(s, SCN_KW_STATEMENT, scn_header_statements[i], part);
	for (k = 0; k < STEP_KIND_COUNT; k++)
		name_words(s, SCN_KW_STATEMENT,
		    scn_step_name((enum scn_step_kind)k), part);
	/* expect is the one statement that is neither header nor step */
	name_words(s, SCN_KW_STATEMENT, "expect", part);
}

void
scn_keywords(scn_keyword_fn fn, void *arg)
{
	struct kw_seen s;
	unsigned k, os;

	memset(&s, 0, sizeof(s));
	s.fn = fn;
	s.arg = arg;
	/* statements before words: "listen" is both, and a statement first */
	statements(&s, FIRST);
	statements(&s, REST);
	for (k = 0; k < EXP_KIND_COUNT; k++)
		/* probe expectations are written by what they measure
		 * (growth fds, peak threads), never by the kind's name */
		if (k != EXP_PROBE)
			name_words(&s, SCN_KW_WORD,
			    scn_expect_name((enum scn_expect_kind)k), ALL);
	/* socket SOCK ipv6, if family = ipv6 */
	name_words(&s, SCN_KW_WORD, scn_family_name(SCN_FAM_IPV4), ALL);
	name_words(&s, SCN_KW_WORD, scn_family_name(SCN_FAM_IPV6), ALL);
	name_words(&s, SCN_KW_WORD, SCN_FAMILY_COND, ALL);
	for (os = 1; (os & SCN_OS_ALL) != 0; os <<= 1)
		name_words(&s, SCN_KW_OS, scn_os_name((enum scn_os)os), ALL);
	for (k = WIRE_FIN;
	     strcmp(scn_wire_what_name((enum scn_wire_what)k), "?") != 0; k++)
		name_words(&s, SCN_KW_WIRE,
		    scn_wire_what_name((enum scn_wire_what)k), ALL);
}
