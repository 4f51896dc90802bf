/*
 * A stop is honoured within a second at any moment: during a long
 * repetition, a second Ctrl-C, while the MPI launcher hangs; and a fork
 * worker that is stopped fails its cell instead of holding the sweep.
 * Each test prints the time from the signal to the exit.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static pid_t start(const char *root, const char *const *args)
{
	char out[300], err[300];
	snprintf(out, sizeof(out), "%s/out", root);
	snprintf(err, sizeof(err), "%s/err", root);
	return pb_test_start(out, err, args);
}

/* Waits for pid at most `limit` seconds (then kills it); its status. */
static int finish_within(pid_t pid, double limit)
{
	double end = now() + limit;
	int st;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(5000);
	}
}

/* The run folder in results that has its sweep.args, into dir; 0 while
 * there is none. */
static int find_folder(const char *results, char *dir, size_t len)
{
	DIR *d = opendir(results);
	struct dirent *e;
	dir[0] = '\0';
	while (d && (e = readdir(d))) {
		char path[600];
		snprintf(path, sizeof(path), "%s/%s/sweep.args", results, e->d_name);
		if (e->d_name[0] != '.' && access(path, R_OK) == 0)
			snprintf(dir, len, "%s/%s", results, e->d_name);
	}
	if (d)
		closedir(d);
	return dir[0] != '\0';
}

/* Waits until the sweep has made its run folder (its sweep.args). */
static void wait_for_folder(const char *results, char *dir, size_t len)
{
	pb_test_await(find_folder(results, dir, len), 60, "the sweep made its folder in %s",
		      results);
}

static int file_has(const char *root, const char *name, const char *what)
{
	char path[300], text[4096] = "";
	snprintf(path, sizeof(path), "%s/%s", root, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return strstr(text, what) != NULL;
}

static void remove_tree(const char *root)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_expect_eq(system(cmd), 0);
}

/* Waits until pid, a sweep of one seq cell, is inside that cell's first
 * repetition: its progress line has named the cell (written just before
 * the cell starts), and since then its main thread, which runs seq's
 * kernel, has used 0.3 s of CPU, far more than what comes before the
 * first repetition (probes, the pool, the init phase) and far less than
 * the repetition itself (about 5 s of fib(44)). */
static void wait_inside_the_repetition(const char *root, pid_t pid)
{
	char err[300];
	snprintf(err, sizeof(err), "%s/err", root);
	pb_test_await(pb_test_file_has(err, "cell 1 of 1"), 60,
		      "the sweep reached its cell (no progress line in %s)", err);
	double at = pb_test_cpu_s(pid, pid);
	cr_assert_geq(at, 0, "the sweep is gone before its repetition");
	pb_test_await(pb_test_cpu_s(pid, pid) >= at + 0.3, 60,
		      "the sweep's main thread ran its repetition (CPU %.2f s, then %.2f s)", at,
		      pb_test_cpu_s(pid, pid));
}

/* A repetition of several seconds (fib(44) alone) in flight: signals come
 * once it provably is. */
static void stop_a_long_repetition(int sig, int twice)
{
	char root[] = "/tmp/pb-stop-XXXXXX", results[100], dir[400], path[500];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	/* --progress: its line says when the cell starts. */
	const char *args[] = {"-k", "fib", "-n", "fib=44", "-r", "seq", "--reps", "3",
			      "--max-reps", "3", "--repeat-disturbed", "0", "--warmup", "0", "--rounds", "1", "--no-overhead",
			      "--no-plot", "--progress", "-o", results, NULL};
	pid_t pid = start(root, args);
	wait_for_folder(results, dir, sizeof(dir));
	wait_inside_the_repetition(root, pid);
	double t0 = now();
	kill(pid, sig);
	if (twice) {
		/* The second after the handler has taken the first: two
		 * signals sent at once would merge into one. */
		pb_test_await(pb_test_signal_pending(pid, sig) == 0, 30,
			      "the first SIG%s reached the sweep", sigabbrev_np(sig));
		kill(pid, sig);
	}
	int status = finish_within(pid, 10);
	double took = now() - t0;
	fprintf(stderr, "stop: SIG%s%s during a long repetition to exit: %.2f s\n",
		sigabbrev_np(sig), twice ? " twice" : "", took);
	cr_expect_eq(status, 3, "a stopped sweep's status, not %d", status);
	cr_expect_lt(took, 1.5, "within a second or so of the stop (%.2f s)", took);
	cr_expect(file_has(root, "err", "--resume"), "it says how to go on");
	cr_expect(file_has(root, "err", "still running"), "the watchdog ended it");
	snprintf(path, sizeof(path), "%s/raw.csv", dir);
	cr_expect_eq(access(path, R_OK), 0, "raw.csv committed (no round had finished)");
	FILE *raw = fopen(path, "r");
	char head[16] = "";
	cr_expect(raw && fgets(head, sizeof(head), raw) && !strncmp(head, "run_id,", 7),
		  "with its header: a table --resume reads");
	if (raw)
		fclose(raw);
	snprintf(path, sizeof(path), "%s/raw.csv.partial", dir);
	cr_expect_neq(access(path, F_OK), 0, "nothing left partial");
	remove_tree(root);
}

Test(stop, sigterm_during_a_long_repetition, .timeout = 60)
{
	stop_a_long_repetition(SIGTERM, 0);
}

Test(stop, a_second_ctrl_c_is_the_same_stop, .timeout = 60)
{
	stop_a_long_repetition(SIGINT, 1);
}

/* Whether pid runs (a zombie, gone but not reaped, does not). */
static int alive(pid_t pid)
{
	char path[64], state = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state && state != 'Z' && state != 'X';
}

/* The pid a file holds, 0 while it holds none (the shell that writes it
 * creates it first). */
static pid_t read_pid(const char *path)
{
	long pid = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* Whether process pid runs the command name (its /proc/PID/comm). */
static int has_command(pid_t pid, const char *name)
{
	char path[64], comm[64] = "";
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(comm, sizeof(comm), f) != NULL;
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return ok && strcmp(comm, name) == 0;
}

/* A launcher that never starts the job: the cell would wait for
 * PARBENCH_MPI_TIMEOUT (45 s here); a stop ends the run within a second,
 * and the launcher goes with it. */
Test(stop, sigterm_while_the_mpi_launcher_hangs, .timeout = 60)
{
	char root[] = "/tmp/pb-stop-XXXXXX", results[100], dir[400], launcher[200], pid_file[200];
	char child_file[200];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	snprintf(launcher, sizeof(launcher), "%s/hang", root);
	snprintf(pid_file, sizeof(pid_file), "%s/hang.pid", root);
	snprintf(child_file, sizeof(child_file), "%s/child.pid", root);
	FILE *f = fopen(launcher, "w");
	cr_assert_not_null(f);
	/* With a child of its own, as mpirun's daemons and srun's helpers
	 * are: the driver's PR_SET_PDEATHSIG reaches the launcher alone. */
	fprintf(f, "#!/bin/sh\nsleep 600 &\necho $! > %s\necho $$ > %s\nexec sleep 600\n",
		child_file, pid_file);
	fclose(f);
	cr_assert_eq(chmod(launcher, 0755), 0);
	setenv("PARBENCH_MPI_LAUNCHER", launcher, 1);
	setenv("PARBENCH_MPI_TIMEOUT", "45", 1);
	const char *args[] = {"-k", "fib", "-n", "fib=20", "-r", "mpi", "-w", "2", "--reps", "3",
			      "--rounds", "1", "--no-overhead", "--no-plot", "-o", results, NULL};
	pid_t pid = start(root, args);
	wait_for_folder(results, dir, sizeof(dir));
	pid_t hang = 0;
	pb_test_await((hang = read_pid(pid_file)) > 0, 60, "the launcher started (%s)", pid_file);
	/* Its shell has become the sleep: the launcher hangs, and parbench
	 * waits for a job that never starts. */
	pb_test_await(has_command(hang, "sleep"), 60, "the launcher (%d) reached its hang",
		      (int)hang);
	double t0 = now();
	kill(pid, SIGTERM);
	int status = finish_within(pid, 10);
	double took = now() - t0;
	fprintf(stderr, "stop: SIGTERM while the MPI launcher hangs to exit: %.2f s\n", took);
	unsetenv("PARBENCH_MPI_LAUNCHER");
	unsetenv("PARBENCH_MPI_TIMEOUT");
	cr_expect_eq(status, 3, "a stopped sweep's status, not %d", status);
	cr_expect_lt(took, 1.5, "within a second or so of the stop (%.2f s)", took);
	/* It dies with parbench: soon, but a loaded machine may take a while
	 * to run its death. */
	double end = now() + 30;
	while (alive(hang) && now() < end)
		pb_test_nap();
	int gone = !alive(hang);
	if (!gone)
		kill(hang, SIGKILL);
	cr_expect(gone, "the launcher went with parbench");
	pid_t child = read_pid(child_file);
	cr_assert(child > 0, "the launcher's child (%s)", child_file);
	end = now() + 30;
	while (alive(child) && now() < end)
		pb_test_nap();
	gone = !alive(child);
	if (!gone)
		kill(child, SIGKILL);
	cr_expect(gone, "the launcher's child went with it (its process group)");
	remove_tree(root);
}

/* The first child of pid, from /proc, or 0. */
static pid_t child_of(pid_t pid)
{
	char path[100];
	long child = 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &child) != 1)
			child = 0;
		fclose(f);
	}
	return (pid_t)child;
}

/* A sweep of a 2-worker fork cell (and seq) under root, started; its
 * folder into dir and its fork worker's pid into *worker, once that
 * worker is in the cell's repetitions. */
static pid_t start_fork_sweep(char *root, char *dir, size_t len, pid_t *worker)
{
	char results[100];
	cr_assert(mkdtemp(root));
	snprintf(results, sizeof(results), "%s/results", root);
	const char *args[] = {"-k", "fib", "-n", "fib=32", "-r", "fork", "-s", "static", "-w", "2",
			      "--reps", "100", "--max-reps", "100", "--repeat-disturbed", "0", "--rounds", "1", "--no-overhead",
			      "--no-plot", "-o", results, NULL};
	pid_t pid = start(root, args);
	wait_for_folder(results, dir, len);
	/* After the seq cell, maybe: the fork pool is the sweep's only child. */
	*worker = 0;
	pb_test_await((*worker = child_of(pid)) > 0, 60, "a fork worker");
	/* A forked worker starts with no CPU time: 50 ms of it is its share
	 * of a few repetitions (fib's init phase has nothing to do), a
	 * twentieth of its 100. */
	pb_test_await(pb_test_cpu_s(*worker, 0) >= 0.05, 60,
		      "the fork worker %d ran repetitions (CPU %.2f s)", (int)*worker,
		      pb_test_cpu_s(*worker, 0));
	return pid;
}

/* A fork worker stopped (SIGSTOP) in the middle of a cell: the cell fails
 * with that reason and the sweep goes on and ends, instead of waiting for
 * the worker for ever. */
Test(stop, a_stopped_fork_worker_fails_its_cell, .timeout = 60)
{
	char root[] = "/tmp/pb-stop-XXXXXX", dir[400], cmd[600];
	pid_t worker, pid = start_fork_sweep(root, dir, sizeof(dir), &worker);
	double t0 = now();
	cr_assert_eq(kill(worker, SIGSTOP), 0);
	int status = finish_within(pid, 20);
	fprintf(stderr, "stop: a SIGSTOPped fork worker to the end of the sweep: %.2f s\n",
		now() - t0);
	cr_expect_eq(status, 1, "a failed cell, not a hang (status %d)", status);
	snprintf(cmd, sizeof(cmd), "grep -q 'stopped-by-SIGSTOP' %s/summary.csv", dir);
	cr_expect_eq(system(cmd), 0, "the cell says why");
	remove_tree(root);
}

/* The same worker stopped, and then the sweep asked to stop: whether the
 * pool notices the stopped worker first (20 ms) or the watchdog ends the
 * cell-round, the sweep ends stopped within a second. */
Test(stop, sigterm_with_a_stopped_fork_worker, .timeout = 60)
{
	char root[] = "/tmp/pb-stop-XXXXXX", dir[400];
	pid_t worker, pid = start_fork_sweep(root, dir, sizeof(dir), &worker);
	cr_assert_eq(kill(worker, SIGSTOP), 0);
	double t0 = now();
	kill(pid, SIGTERM);
	int status = finish_within(pid, 10);
	double took = now() - t0;
	fprintf(stderr, "stop: SIGTERM with a SIGSTOPped fork worker to exit: %.2f s\n", took);
	cr_expect_eq(status, 3, "a stopped sweep's status, not %d", status);
	cr_expect_lt(took, 1.5, "within a second or so of the stop (%.2f s)", took);
	kill(worker, SIGKILL); /* gone already, with its pool */
	remove_tree(root);
}
