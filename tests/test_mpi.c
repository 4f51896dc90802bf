/*
 * The mpi runners' own promises, beyond the exact results test_runners.c
 * checks for every runner: a failing or hanging rank fails its job within
 * the timeout, no process outlives its job, a missing launcher is a clean
 * open() failure, and the timings come from the ranks.
 *
 * Each test makes itself a child subreaper, so ranks orphaned by a killed
 * launcher would become its children: "no children left" means nothing of
 * the job survived.  Jobs start with 2 ranks, the CPUs CI has.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>

#include "../runners/runner.h"

#define TEST_TIMEOUT "3" /* seconds per reply, PARBENCH_MPI_TIMEOUT */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void setup(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	unsetenv("PARBENCH_MPI_TEST_FAIL");
	unsetenv("PARBENCH_MPI_ARGS");
	unsetenv("PARBENCH_MPI_LAUNCHER");
	unsetenv("SLURM_JOB_ID"); /* these tests drive mpirun */
	setenv("PARBENCH_MPI_TIMEOUT", TEST_TIMEOUT, 1);
}

/* Launchers and ranks report failures on stderr, by design; the tests
 * that provoke them keep the suite's output readable. */
static void quiet_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

/* Reaps every descendant that ends within 30 s; asserts none is left (as
 * subreaper, orphaned ranks are ours to reap).  A job ended is gone in
 * well under a second; the margin is for a loaded machine, where the
 * launcher's teardown may take seconds, not for a process that lingers. */
static void assert_nothing_left(void)
{
	double deadline = now() + 30;

	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			return;
		cr_assert(now() < deadline, "processes of the MPI job outlived it");
		if (pid <= 0)
			usleep(10000);
	}
}

static struct pb_pool *open_mpi(const char *runner, unsigned workers)
{
	const struct pb_runner *r = pb_runner_find(runner);
	struct pb_pool_opts opts = {.workers = workers};
	struct pb_pool *pool;

	cr_assert_not_null(r);
	int err = r->open(&pool, &opts);
	cr_assert_eq(err, 0, "%s open: %s", runner, strerror(-err));
	return pool;
}

static int run_job(const char *runner, struct pb_pool *pool, const char *kernel,
		   uint64_t n, enum pb_phase phase, struct pb_schedule sched,
		   void *mem, struct pb_outcome *out)
{
	const struct pb_kernel *k = strcmp(kernel, "empty") == 0 ? &pb_kernel_empty
								  : pb_kernel_find(kernel);
	struct pb_job job = {.kernel = k, .mem = mem, .n = n, .items = k->items(n),
			     .phase = phase, .sched = sched};
	pb_outcome_reset(out);
	return pb_runner_find(runner)->run(pool, &job, out);
}

static const struct pb_schedule static_ = {PB_SCHED_STATIC, 0};

static void check_failing_rank(const char *mode, const char *why)
{
	struct pb_outcome out = {0};

	quiet_stderr();
	setenv("PARBENCH_MPI_TEST_FAIL", mode, 1);
	struct pb_pool *pool = open_mpi("mpi", 2);
	/* The hook strikes at the first timed run, not at init. */
	cr_assert_eq(run_job("mpi", pool, "fib", 20, PB_PHASE_INIT, static_, NULL, &out), 0);
	double t0 = now();
	int err = run_job("mpi", pool, "fib", 20, PB_PHASE_RUN, static_, NULL, &out);
	double took = now() - t0;
	cr_expect_lt(err, 0, "a %s rank went unnoticed", mode);
	/* A rank that exits is named by rank 0's watcher with its node
	 * (mpi/watch.c), unless the launcher takes the job down first. */
	char host[64] = "", lost[96];
	gethostname(host, sizeof(host) - 1);
	snprintf(lost, sizeof(lost), "rank-1-lost-on-%s", host);
	if (strcmp(mode, "abort") == 0)
		cr_expect(strcmp(out.why, lost) == 0 || strncmp(out.why, why, strlen(why)) == 0,
			  "why: %s (expected %s or %s)", out.why, lost, why);
	else
		cr_expect_str_eq(out.why, why);
	cr_expect_lt(took, atof(TEST_TIMEOUT) + 3, "failing took %.1f s", took);
	/* The pool stays safe to use: calls fail, none hangs. */
	cr_expect_lt(run_job("mpi", pool, "fib", 20, PB_PHASE_RUN, static_, NULL, &out), 0);
	cr_expect_str_eq(out.why, "job-lost");
	pb_runner_find("mpi")->close(pool);
	assert_nothing_left();
}

Test(mpi, crashed_rank_fails_the_job, .init = setup)
{
	check_failing_rank("abort", "rank-died");
}

Test(mpi, hung_rank_times_out, .init = setup)
{
	check_failing_rank("hang", "timeout");
}

Test(mpi, missing_launcher_fails_open, .init = setup)
{
	struct pb_pool_opts opts = {.workers = 2};
	struct pb_pool *pool;
	static const char *const launchers[] = {"/nonexistent", "no-such-launcher-pb"};

	for (size_t i = 0; i < sizeof(launchers) / sizeof(launchers[0]); i++) {
		setenv("PARBENCH_MPI_LAUNCHER", launchers[i], 1);
		cr_expect_eq(pb_runner_find("mpi")->open(&pool, &opts), -ENOENT, "%s",
			     launchers[i]);
	}
	assert_nothing_left();
}

/* A launcher that refuses its command line fails open(), promptly. */
Test(mpi, launcher_error_fails_open, .init = setup)
{
	struct pb_pool_opts opts = {.workers = 2};
	struct pb_pool *pool;

	quiet_stderr();
	setenv("PARBENCH_MPI_ARGS", "--no-such-option-pb", 1);
	double t0 = now();
	cr_expect_lt(pb_runner_find("mpi")->open(&pool, &opts), 0);
	cr_expect_lt(now() - t0, atof(TEST_TIMEOUT));
	assert_nothing_left();
}

/* Timings come from the ranks; the pool outlives refused jobs. */
Test(mpi, ranks_time_and_refuse_cleanly, .init = setup)
{
	struct pb_outcome out = {0};
	struct pb_pool *pool = open_mpi("mpi", 2);
	const struct pb_runner *r = pb_runner_find("mpi");

	cr_assert_eq(run_job("mpi", pool, "empty", 2, PB_PHASE_RUN, static_, NULL, &out), 0);
	cr_expect_eq(out.result, 2);
	cr_expect(out.seconds >= 0 && out.seconds < 0.5, "seconds %g", out.seconds);
	cr_expect_lt(out.comm_seconds, 0, "mpi has no separate communication phase");

	size_t bytes = pb_kernel_find("sum")->bytes(1000);
	void *mem = r->alloc(pool, bytes);
	cr_assert_not_null(mem);
	struct pb_schedule dynamic = {PB_SCHED_DYNAMIC, 10};
	cr_expect_eq(run_job("mpi", pool, "sum", 1000, PB_PHASE_RUN, dynamic, mem, &out), -EIO);
	cr_expect_str_eq(out.why, "schedule-needs-shared-memory");
	cr_expect_eq(run_job("mpi", pool, "sum", 1000, PB_PHASE_INIT, static_, mem, &out), 0);
	cr_expect_eq(run_job("mpi", pool, "sum", 1000, PB_PHASE_RUN, static_, mem, &out), 0);
	cr_expect_eq(out.result, pb_kernel_find("sum")->expect(1000));
	r->free(pool, mem, bytes);
	r->close(pool);
	assert_nothing_left();
}

/* mpi-scatter reports its scatter + gather time as part of the total. */
Test(mpi, scatter_reports_communication, .init = setup)
{
	const struct pb_kernel *cube = pb_kernel_find("cube");
	const struct pb_runner *r = pb_runner_find("mpi-scatter");
	struct pb_outcome out = {0};
	struct pb_pool *pool = open_mpi("mpi-scatter", 2);
	uint64_t n = 1 << 16;
	void *mem = r->alloc(pool, cube->bytes(n));

	cr_assert_not_null(mem);
	cr_assert_eq(run_job("mpi-scatter", pool, "cube", n, PB_PHASE_INIT, static_, mem, &out), 0);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(run_job("mpi-scatter", pool, "cube", n, PB_PHASE_RUN, static_,
				     mem, &out), 0);
		cr_expect_eq(out.result, cube->expect(n));
		cr_expect(out.comm_seconds > 0 && out.comm_seconds <= out.seconds,
			  "comm %g of %g s", out.comm_seconds, out.seconds);
	}
	r->free(pool, mem, cube->bytes(n));
	r->close(pool);
	assert_nothing_left();
}
