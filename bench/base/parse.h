/* Strict parsing of the numbers and lists users type on the command line. */
#ifndef PB_PARSE_H
#define PB_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A positive integer: decimal digits, or a power written B^E (2^27).
 * No sign, no spaces, no trailing text, nothing above max.  A base of 0
 * or 1 takes an exponent up to 64 only (1^E is 1 for any E, so a larger
 * one is a typo), and 0^0 has no value.
 * Returns 0, or -EINVAL (not a number, zero, negative, those powers),
 * -ERANGE (too big).
 */
int pb_parse_count(const char *text, uint64_t max, uint64_t *value);

/*
 * A decimal number (12, 0.5, 1e-3) within [min, max]: all of text, no
 * blanks, finite.  Returns 0, -EINVAL or -ERANGE.
 */
int pb_parse_decimal(const char *text, double min, double max, double *value);

/*
 * A list of worker counts: "1,2,4", a range "1-8", or both ("1-4,8,16").
 * Values are kept in the order given, duplicates dropped.  Returns the
 * number of values, or a negative errno as pb_parse_count (-E2BIG when more
 * than cap values).
 */
int pb_parse_count_list(const char *text, uint64_t max, unsigned *values,
			size_t cap);

/*
 * The sizes of one kernel: a single count as pb_parse_count, or a range
 * LO..HI with an optional step after a colon: xF (geometric, the default
 * x2), +D (arithmetic) or N (N points spaced geometrically, both ends
 * included), e.g. 2^10..2^28:x4, 20..36:+2, 1000..10^6:7.  Values come
 * out ascending, duplicates collapsed; a factor or step that does not hit
 * HI stops below it.  Returns the number of values, or -EINVAL / -ERANGE
 * (an end above max) / -E2BIG (more than cap values) with *why a phrase
 * that follows the text in an error message ("... is too large").
 */
int pb_parse_sizes(const char *text, uint64_t max, uint64_t *values, size_t cap,
		   const char **why);

#endif
