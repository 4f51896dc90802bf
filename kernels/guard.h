/*
 * Code the harness does not trust (a user's kernel library) runs in a
 * child process: a crash or a hang there fails what it was doing, never
 * the harness.  The child writes what it found into memory the caller
 * mapped shared before the call.  The lowest layer has it, so that every
 * layer that asks a kernel something (the plan, the sizes, the cells)
 * asks through it.
 */
#ifndef PB_GUARD_H
#define PB_GUARD_H

#include <stddef.h>

/*
 * Runs fn(ctx) in a child process and waits for it, at most timeout_s
 * seconds.  Returns 0 when fn returned 0 and the child exited; otherwise
 * a negative errno with a short token in why: the signal that ended the
 * child ("SIGSEGV"), "timeout" (it was killed), "exit-N", or "wait-" and
 * the error where the child could not be waited for (it is killed then).
 * While it waits, a non-zero stop() (NULL: never) is passed on to the
 * child once, as SIGTERM.
 */
int pb_guard_run(int (*fn)(void *ctx), void *ctx, double timeout_s, int (*stop)(void),
		 char *why, size_t len);

/* Whether this process is itself a guard's child (or declared one with
 * pb_guard_enter): it calls a user's code directly, since a crash here
 * can only take the child. */
int pb_guard_inside(void);

/* Declares this process a sandbox of its own (an MPI rank): kernels'
 * members are called directly, with no child. */
void pb_guard_enter(void);

#endif
