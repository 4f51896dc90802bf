#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/clock.h"
#include "sandbox.h"
#include "stop.h"

/* Waits up to ms for the child: on its pidfd where the kernel has them
 * (no wake-ups while a cell is timed), else in short sleeps. */
static void wait_a_while(int pidfd, int ms)
{
	if (pidfd >= 0) {
		struct pollfd p = {.fd = pidfd, .events = POLLIN};
		poll(&p, 1, ms);
		return;
	}
	struct timespec t = {0, 20 * 1000000L};
	nanosleep(&t, NULL);
}

int pb_sandbox_run(int (*fn)(void *ctx), void *ctx, double timeout_s, char *why, size_t len)
{
	pid_t parent = getpid();
	fflush(NULL); /* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, len, "fork-%s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		/* Dies with the harness, whatever ends it. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(127);
		/* A fault ends the child by its signal, for the harness to
		 * name, even in a build whose sanitizer would catch it and
		 * exit instead. */
		static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
		for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
			signal(faults[i], SIG_DFL);
		_exit(fn(ctx) == 0 ? 0 : 1);
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double deadline = pb_now() + timeout_s;
	int status = 0, forwarded = 0, timed_out = 0;
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid || (got < 0 && errno != EINTR))
			break;
		if (pb_stop_requested() && !forwarded) {
			kill(pid, SIGTERM); /* it abandons its round as the harness does */
			forwarded = 1;
		}
		double left = deadline - pb_now();
		if (left <= 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			timed_out = 1;
			break;
		}
		wait_a_while(pidfd, left < 0.1 ? (int)(left * 1000) + 1 : 100);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (timed_out) {
		snprintf(why, len, "timeout");
		return -ETIMEDOUT;
	}
	if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));
		snprintf(why, len, "SIG%s", name ? name : "?");
		return -ECHILD;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, len, "exit-%d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -ECHILD;
	}
	return 0;
}
