/*
 * scn_keywords.h - every keyword of the scenario language, from the
 * parser's own tables (scenario_kinds.h, the header statements), for the
 * tools that must know them too: `lingerlab check --keywords` prints them,
 * and tests/editors/check-editors.sh fails when the Vim syntax or the
 * TextMate grammar (docs/editors/) misses one.
 */
#ifndef LINGERLAB_SCN_KEYWORDS_H
#define LINGERLAB_SCN_KEYWORDS_H

/* What a keyword is: how editors colour it. */
enum scn_keyword_class {
	SCN_KW_STATEMENT, /* first word of a line: socket, peer, expect, scenario */
	SCN_KW_WORD, /* a later word with a meaning: listen, at-least, sends */
	SCN_KW_OS,   /* an OS prefix, written "linux:" */
	SCN_KW_WIRE, /* what a wire expectation looks for: FIN, RST */
};

/* "statement", "word", "os", "wire" */
const char *scn_keyword_class_name(enum scn_keyword_class c);

typedef void (
    *scn_keyword_fn)(enum scn_keyword_class c, const char *word, void *arg);

/*
 * fn once per keyword and class, each word once in its first class, in
 * the tables' order. Words are split at spaces: "peer listen" gives the
 * statement "peer" and the word "listen".
 */
void scn_keywords(scn_keyword_fn fn, void *arg);

#endif
