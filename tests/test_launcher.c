/*
 * A stopped sweep takes its MPI launcher's whole process group with it:
 * what the launcher started (mpirun's daemons, srun's helpers) does not
 * outlive parbench.  PR_SET_PDEATHSIG alone reaches the launcher only.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

/* Whether pid runs (a zombie, gone but not reaped, does not). */
static int alive(pid_t pid)
{
	char state = pb_test_proc_state(pid);
	return state && state != 'Z' && state != 'X';
}

Test(launcher, a_stop_takes_the_launchers_children_with_it, .timeout = 60)
{
	char root[] = "/tmp/pb-launcher-XXXXXX", path[128], pid_file[128], results[128];
	cr_assert(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/hang", root);
	snprintf(pid_file, sizeof(pid_file), "%s/child.pid", root);
	snprintf(results, sizeof(results), "%s/results", root);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	/* A launcher that never starts the job, with a child of its own. */
	fprintf(f, "#!/bin/sh\nsleep 600 &\necho $! > %s.tmp && mv %s.tmp %s\nwait\n", pid_file,
		pid_file, pid_file);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, 0755), 0);
	setenv("PARBENCH_MPI_LAUNCHER", path, 1);
	setenv("PARBENCH_MPI_TIMEOUT", "45", 1);
	char out[160], err[160];
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(err, sizeof(err), "%s/err", root);
	const char *args[] = {"-k", "fib", "-n", "fib=20", "-r", "mpi", "-w", "2", "--reps", "3",
			      "--rounds", "1", "--no-overhead", "--no-plot", "-o", results, NULL};
	pid_t pid = pb_test_start(out, err, args);
	unsetenv("PARBENCH_MPI_LAUNCHER");
	unsetenv("PARBENCH_MPI_TIMEOUT");
	long child = 0;
	for (double end = pb_test_now() + 30; pb_test_now() < end && !child;) {
		f = fopen(pid_file, "r");
		if (f && fscanf(f, "%ld", &child) != 1)
			child = 0;
		if (f)
			fclose(f);
		if (!child)
			usleep(10000);
	}
	cr_assert(child > 0, "the launcher started its child");
	kill(pid, SIGTERM);
	int status = pb_test_finish(pid);
	cr_expect_eq(status, 3, "a stopped sweep's status, not %d", status);
	int gone = 0;
	for (double end = pb_test_now() + 5; pb_test_now() < end && !gone;) {
		gone = !alive((pid_t)child);
		if (!gone)
			usleep(10000);
	}
	if (!gone)
		kill((pid_t)child, SIGKILL);
	cr_expect(gone, "the launcher's child went with parbench");
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	pb_test_system(cmd);
}
