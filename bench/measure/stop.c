#include <errno.h>
#include <signal.h>
#include <string.h>

#include "stop.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

int pb_stop_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Restarted system calls: runners and pools need not know about
	 * EINTR; the flag is read between repetitions anyway. */
	sa.sa_flags = SA_RESTART;
	/* Slurm may send SIGTERM twice (once to the batch shell, which
	 * forwards it, once at the limit): a repeated SIGTERM must not kill
	 * the commit.  A second Ctrl-C, though, is a user who means it. */
	if (sigaction(SIGTERM, &sa, NULL) != 0)
		return -errno;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	if (sigaction(SIGINT, &sa, NULL) != 0)
		return -errno;
	return 0;
}

int pb_stop_requested(void)
{
	return stop_signal;
}
