/*
 * hexdigit.h - one hexadecimal digit's value, for the readers that undo
 * %XX, \uXXXX and hex addresses (the agent's protocol, the worker's wire
 * lines, JSON reports, the observe shim's records).
 *
 * Header-only: a few comparisons are not worth a call, and the agent's
 * one-line build (docs/agent.md) needs no new file.
 */
#ifndef LINGERLAB_HEXDIGIT_H
#define LINGERLAB_HEXDIGIT_H

/* 0 to 15 for 0-9, a-f, A-F; -1 for anything else. */
static inline int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
