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

#include "guard.h"

static int inside;

int pb_guard_inside(void)
{
	return inside;
}

void pb_guard_enter(void)
{
	inside = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

static void child(int (*fn)(void *ctx), void *ctx, pid_t parent)
{
	/* Dies with the harness, whatever ends it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(127);
	/* A fault ends the child by its signal, for the harness to name,
	 * even in a build whose sanitizer would catch it and exit instead. */
	static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		signal(faults[i], SIG_DFL);
	inside = 1;
	_exit(fn(ctx) == 0 ? 0 : 1);
}

/* Waits for pid until it ends or the deadline; 0 with its status, or
 * -ETIMEDOUT, or the negative errno of a wait that failed. */
static int await(pid_t pid, double timeout_s, int (*stop)(void), int *status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), forwarded = 0, err = 0;
	double deadline = now_s() + timeout_s;
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			err = -errno; /* no status: never read as a clean exit */
			break;
		}
		if (stop && stop() && !forwarded) {
			kill(pid, SIGTERM); /* it abandons its work as the harness does */
			forwarded = 1;
		}
		double left = deadline - now_s();
		if (left <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		wait_a_while(pidfd, left < 0.1 ? (int)(left * 1000) + 1 : 100);
	}
	if (pidfd >= 0)
		close(pidfd);
	return err;
}

int pb_guard_run(int (*fn)(void *ctx), void *ctx, double timeout_s, int (*stop)(void),
		 char *why, size_t len)
{
	pid_t parent = getpid();
	fflush(NULL); /* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		snprintf(why, len, "fork-%s", strerror(-err));
		return err;
	}
	if (pid == 0)
		child(fn, ctx, parent);
	int status = 0, err = await(pid, timeout_s, stop, &status);
	if (err) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (err == -ETIMEDOUT)
			snprintf(why, len, "timeout");
		else
			snprintf(why, len, "wait-%s", strerror(-err));
		return err;
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
