/*
 * Code the harness does not trust (a user's kernel) runs in a child
 * process: a crash or a hang there fails what it was doing, never the
 * sweep.  The work writes what it found into memory the caller mapped
 * shared before the call.
 */
#ifndef PB_SANDBOX_H
#define PB_SANDBOX_H

#include <stddef.h>

/*
 * Runs fn(ctx) in a child process and waits for it, at most timeout_s
 * seconds.  Returns 0 when fn returned 0 and the child exited; otherwise
 * a negative errno with a short token in why: the signal that ended the
 * child ("SIGSEGV"), "timeout" (it was killed), or "exit-N".  A stop
 * request (stop.h) is passed on to the child as SIGTERM.
 */
int pb_sandbox_run(int (*fn)(void *ctx), void *ctx, double timeout_s, char *why, size_t len);

#endif
