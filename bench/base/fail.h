/*
 * The harness's one error vocabulary, and its one shape for reasons.
 *
 * Every function that can fail returns 0 or a negative errno value (the
 * contract of the runners, of libuv and of the Linux kernel) and never
 * prints; only app/main.c prints and exits.  Where a person needs to know
 * why, the function also takes a buffer (char *err, size_t len) and writes
 * one line into it with pb_fail.  Two values say more than their name:
 *
 *   -EINVAL  the cause is the user's input: an option, a run folder that
 *            cannot be read, a results or plots folder that cannot be
 *            written (the command line exits 2);
 *   -EINTR   a stop signal came and the work in flight was taken back
 *            whole (exits 3).
 *
 * Any other value is work that could not be done (memory, a full disk,
 * gnuplot): exit 1.  A cell whose runner failed is not an error but a
 * result, a row with a status.
 */
#ifndef PB_FAIL_H
#define PB_FAIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* Formats a reason into err (len bytes) and returns code, so that an
 * error path reads `return pb_fail(err, len, -EINVAL, "...", ...);`. */
__attribute__((format(printf, 4, 5)))
static inline int pb_fail(char *err, size_t len, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return code;
}

#endif
