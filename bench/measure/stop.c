#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/paths.h"
#include "../../runners/runner.h"
#include "../store/rundir.h"
#include "stop.h"

/* Lock-free atomics: safe in the handler, visible to the watchdog. */
static atomic_int stop_signal, settled;
static sem_t wake;                  /* posted by the handler: async-signal-safe */
static char guarded[PB_PATH_MAX];   /* the run folder, "" for none */
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	int saved = errno;
	stop_signal = sig;
	sem_post(&wake);
	errno = saved;
}

/* The program had its grace and has not exited: a runner is stuck or a
 * repetition is long.  Keep what finished cell-rounds measured, say so,
 * and leave; fork workers and MPI launchers die with this process. */
static void stop_now(void)
{
	char dir[PB_PATH_MAX];
	pb_runners_abandon(); /* a launcher's processes go with it */
	pthread_mutex_lock(&guard_lock);
	snprintf(dir, sizeof(dir), "%s", guarded);
	pthread_mutex_unlock(&guard_lock);
	if (!dir[0]) {
		fprintf(stderr, "parbench: stopped by SIG%s before its run folder was ready\n",
			sigabbrev_np(stop_signal));
		_exit(PB_STOP_EXIT);
	}
	int e = pb_outfile_salvage(dir, "raw.csv");
	fprintf(stderr, "parbench: stopped by SIG%s while %s; %s; continue with: parbench "
		"--resume %s\n", sigabbrev_np(stop_signal),
		settled ? "its files were still being written" : "a cell-round was still running",
		e == 0		 ? "what the finished rounds measured is saved in raw.csv"
		: e == -ENOENT	 ? "raw.csv was already complete"
		: e == -ENODATA ? "no round had finished"
				 : "raw.csv could not be saved",
		dir);
	_exit(PB_STOP_EXIT);
}

static void sleep_s(double s)
{
	struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

static void *watchdog(void *arg)
{
	(void)arg;
	while (!stop_signal)
		while (sem_wait(&wake) != 0 && errno == EINTR)
			;
	sleep_s(PB_STOP_GRACE_S);
	/* Still in a cell: stuck, or a long repetition. */
	if (!settled)
		stop_now();
	sleep_s(PB_STOP_COMMIT_S);
	stop_now();
	return NULL;
}

int pb_stop_install(void)
{
	struct sigaction sa;
	pthread_t thread;
	sigset_t all, old;

	if (sem_init(&wake, 0, 0) != 0)
		return -errno;
	/* The watchdog takes no signal: they go to the threads that check. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int e = -pthread_create(&thread, NULL, watchdog, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return e;
	pthread_detach(thread);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Restarted system calls: runners and pools need not know about
	 * EINTR; the flag is read between repetitions anyway.  A repeated
	 * SIGTERM (Slurm sends one to the batch shell, which forwards it, and
	 * one at the limit) or a second Ctrl-C is the same stop. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
		return -errno;
	return 0;
}

void pb_stop_guard(const char *run_dir)
{
	pthread_mutex_lock(&guard_lock);
	snprintf(guarded, sizeof(guarded), "%s", run_dir ? run_dir : "");
	pthread_mutex_unlock(&guard_lock);
}

void pb_stop_settled(void)
{
	settled = 1;
}

int pb_stop_requested(void)
{
	return stop_signal;
}
