/*
 * Test-only kill points: a process whose environment names a point in
 * PARBENCH_TEST_KILL kills itself there with SIGKILL.  Some windows (after
 * raw.csv is committed, before summary.csv is) last microseconds; the
 * tests that check a run survives a kill in them reach them this way,
 * deterministically.  Unset, it costs a getenv where it stands.
 */
#ifndef PB_TESTHOOK_H
#define PB_TESTHOOK_H

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static inline void pb_test_kill_point(const char *point)
{
	const char *at = getenv("PARBENCH_TEST_KILL");
	if (at && strcmp(at, point) == 0)
		raise(SIGKILL);
}

/* Test-only stop points: where PARBENCH_TEST_STOP names the point, the
 * process stops itself (SIGSTOP) there, each time it passes.  A test that
 * must signal a sweep between two cells waits for it to be stopped, sends
 * its signal, then SIGCONT: the signal provably lands at that point, not
 * wherever a busy machine let the sweep get to. */
static inline void pb_test_stop_point(const char *point)
{
	const char *at = getenv("PARBENCH_TEST_STOP");
	if (at && strcmp(at, point) == 0)
		raise(SIGSTOP);
}

#endif
