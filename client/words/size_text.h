/*
 * size_text.h - byte counts written for people.
 *
 * common/units.c writes sizes as a scenario or a command line does
 * ("10KiB"); a sentence wants the unit apart and, when the unit hides
 * it, the exact count beside it.
 */
#ifndef LINGERLAB_SIZE_TEXT_H
#define LINGERLAB_SIZE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * "10 KiB (10240 bytes)", "1500 bytes". Truncates like snprintf and
 * returns the length the text would have had.
 */
size_t size_words(uint64_t bytes, char *buf, size_t len);

#endif
