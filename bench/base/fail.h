/* The one-line error messages of the harness. */
#ifndef PB_FAIL_H
#define PB_FAIL_H

#include <stdarg.h>
#include <stdio.h>

/* Formats a message into err (len bytes) and returns -1, so that an error
 * path reads `return pb_fail(err, len, "...", ...);`. */
__attribute__((format(printf, 3, 4)))
static inline int pb_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

#endif
