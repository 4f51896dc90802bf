/*
 * The fork runner beyond exact results (test_runners.c covers those): a
 * worker that dies is reported, not waited on, both by run() and by the
 * harness; no process is left behind; the data is shared in place; workers
 * are bound where asked; children die with their parent.
 *
 * Criterion runs each test in a forked process of its own, so "no children"
 * is checked inside the tests.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench/measure/cell.h"
#include "../runners/affinity.h"
#include "../runners/runner.h"
#include "support.h"

#define MAX_CHILDREN 64

static const struct pb_runner *fork_runner(void)
{
	const struct pb_runner *r = pb_runner_find("fork");
	cr_assert(r, "the fork runner is not registered");
	return r;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Field 3 (state) and 4 (ppid) of /proc/PID/stat; the name in field 2 may
 * hold spaces and parentheses, so parse after its last ')'.  0 or -1. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	char *p = strrchr(buf, ')');
	int parent;
	if (!p || sscanf(p + 1, " %c %d", state, &parent) != 2)
		return -1;
	*ppid = parent;
	return 0;
}

/* The processes whose parent is this one (zombies included). */
static size_t children_of_self(pid_t *out, size_t max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t count = 0;
	pid_t self = getpid();

	cr_assert(d);
	while ((e = readdir(d))) {
		char *end, state;
		long pid = strtol(e->d_name, &end, 10);
		pid_t ppid;
		if (*end || pid <= 0 || proc_stat((pid_t)pid, &state, &ppid))
			continue;
		if (ppid == self && count < max)
			out[count++] = (pid_t)pid;
	}
	closedir(d);
	return count;
}

static void expect_no_children(const char *when)
{
	pid_t kids[MAX_CHILDREN];
	errno = 0;
	cr_expect(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
		  "%s: a child (or zombie) is left", when);
	cr_expect_eq(children_of_self(kids, MAX_CHILDREN), 0,
		     "%s: a child process is left", when);
}

static struct pb_pool *open_pool(unsigned workers)
{
	struct pb_pool_opts opts = {.workers = workers, .cpus = NULL, .spin = 0};
	struct pb_pool *pool;
	int err = fork_runner()->open(&pool, &opts);
	cr_assert_eq(err, 0, "open(%u workers): %d", workers, err);
	return pool;
}

static int run_fib(struct pb_pool *pool, uint64_t n, struct pb_outcome *out)
{
	const struct pb_kernel *fib = pb_kernel_find("fib");
	struct pb_job job = {.kernel = fib, .n = n, .items = fib->items(n),
			     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_STATIC, 0}};
	pb_outcome_reset(out);
	int err = fork_runner()->run(pool, &job, out);
	if (!err)
		cr_expect_eq(out->result, fib->expect(n));
	return err;
}

Test(fork, killed_worker_is_reported_within_a_second)
{
	struct pb_pool *pool = open_pool(3);
	struct pb_outcome out = {0};
	cr_assert_eq(run_fib(pool, 20, &out), 0);

	pid_t kids[MAX_CHILDREN];
	cr_assert_eq(children_of_self(kids, MAX_CHILDREN), 2, "3 workers: 2 children");
	cr_assert_eq(kill(kids[1], SIGKILL), 0);

	double t0 = now_s();
	int err = run_fib(pool, 20, &out);
	double waited = now_s() - t0;
	cr_expect_lt(err, 0, "run() after a worker died returned %d", err);
	cr_expect_str_eq(out.why, "SIGKILL");
	cr_expect_lt(waited, 1.0, "death noticed after %.3f s", waited);
	/* The pool stays unusable, and says why again. */
	cr_expect_lt(run_fib(pool, 20, &out), 0);
	cr_expect_str_eq(out.why, "SIGKILL");
	fork_runner()->close(pool);
	expect_no_children("close after a death");
}

/* A child of this process killed once it has used `cpu_s` seconds of CPU
 * more than when it was picked: provably at work in a job, whatever the
 * load.  What the killer thread saw, for the test to judge. */
struct killing {
	double cpu_s;   /* in */
	int killed;     /* out: 1 once the child was killed at work */
	double at;      /* out: when (pb_test_now) */
};

/* Gives up after 60 s; a child that is gone or never works is not killed. */
static void *kill_a_working_child(void *arg)
{
	struct killing *k = arg;
	pid_t kids[MAX_CHILDREN];
	double end = pb_test_now() + 60, from = -1;
	while (pb_test_now() < end) {
		if (children_of_self(kids, MAX_CHILDREN) > 0) {
			double cpu = pb_test_cpu_s(kids[0], 0);
			if (from < 0)
				from = cpu;
			if (from >= 0 && cpu >= from + k->cpu_s) {
				k->at = pb_test_now();
				k->killed = kill(kids[0], SIGKILL) == 0;
				return NULL;
			}
		}
		pb_test_nap();
	}
	return NULL;
}

/* Under a dynamic schedule a death is noticed between the caller's
 * chunks, not once the caller has done the dead child's chunks too: here
 * a job of some seconds (fib 42 in chunks of one leaf) loses its child
 * while that child is provably taking chunks (it has used 30 ms of CPU in
 * the job; it idles before) and fails well before the caller could have
 * finished it alone. */
Test(fork, a_death_under_a_dynamic_schedule_is_noticed_between_chunks, .timeout = 120)
{
	const struct pb_kernel *fib = pb_kernel_find("fib");
	struct pb_pool *pool = open_pool(2);
	struct pb_job job = {.kernel = fib, .n = 42, .items = fib->items(42),
			     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_DYNAMIC, 1}};
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	struct killing k = {.cpu_s = 0.03};
	pthread_t thread;
	cr_assert_eq(pthread_create(&thread, NULL, kill_a_working_child, &k), 0);
	double t0 = now_s();
	int err = fork_runner()->run(pool, &job, &out);
	double done = now_s();
	pthread_join(thread, NULL);
	cr_assert(k.killed, "the child was killed while at work in the job (%.1f s in)",
		  done - t0);
	cr_expect_lt(err, 0, "the job fails");
	cr_expect_str_eq(out.why, "SIGKILL");
	cr_expect_lt(done - k.at, 1.0, "death noticed %.3f s after it, %.3f s into the job",
		     done - k.at, done - t0);
	fork_runner()->close(pool);
	expect_no_children("close after a death");
}

/* A kernel that makes every child but not the caller exit with status 3. */
static pid_t caller_pid;

static uint64_t exiting_items(uint64_t n) { return n; }
static size_t exiting_bytes(uint64_t n) { (void)n; return 0; }
static void exiting_init(void *mem, uint64_t n, uint64_t b, uint64_t e)
{
	(void)mem, (void)n, (void)b, (void)e;
}
static uint64_t exiting_run(void *mem, uint64_t n, uint64_t b, uint64_t e)
{
	(void)mem, (void)n;
	if (getpid() != caller_pid)
		_exit(3);
	return e - b;
}
static uint64_t exiting_expect(uint64_t n) { return n; }

static const struct pb_kernel exiting = {
	.name = "exiting", .items = exiting_items, .bytes = exiting_bytes,
	.init = exiting_init, .run = exiting_run, .expect = exiting_expect,
};

Test(fork, exit_status_is_reported)
{
	caller_pid = getpid(); /* before open: the children inherit it */
	struct pb_pool *pool = open_pool(2);
	struct pb_job job = {.kernel = &exiting, .n = 10, .items = 10,
			     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_STATIC, 0}};
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	cr_expect_lt(fork_runner()->run(pool, &job, &out), 0);
	cr_expect_str_eq(out.why, "exit-3");
	fork_runner()->close(pool);
	expect_no_children("close after an exit");
}

/* A kernel whose children never finish their share: stuck, not dead. */
static uint64_t stuck_run(void *mem, uint64_t n, uint64_t b, uint64_t e)
{
	(void)mem, (void)n;
	while (getpid() != caller_pid)
		pause();
	return e - b;
}

static const struct pb_kernel stuck = {
	.name = "stuck", .items = exiting_items, .bytes = exiting_bytes,
	.init = exiting_init, .run = stuck_run, .expect = exiting_expect,
};

/* A stuck child fails the job within PARBENCH_FORK_TIMEOUT, as an MPI job
 * that hangs does within PARBENCH_MPI_TIMEOUT, instead of holding the
 * sweep for ever. */
Test(fork, a_stuck_worker_times_out)
{
	caller_pid = getpid();
	setenv("PARBENCH_FORK_TIMEOUT", "1", 1);
	struct pb_pool *pool = open_pool(2);
	unsetenv("PARBENCH_FORK_TIMEOUT");
	struct pb_job job = {.kernel = &stuck, .n = 10, .items = 10,
			     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_STATIC, 0}};
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_expect_eq(fork_runner()->run(pool, &job, &out), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	cr_expect_str_eq(out.why, "timeout");
	cr_expect(waited >= 1.0 && waited < 3.0, "failed after %.2f s", waited);
	fork_runner()->close(pool);
	expect_no_children("close after a timeout");
}

Test(fork, harness_reports_a_dead_worker_and_goes_on, .timeout = 120)
{
	const struct pb_kernel *fib = pb_kernel_find("fib");
	struct pb_cell cell = {
		.kernel = fib, .n = 30, .runner = fork_runner(), .has_schedule = 1,
		.sched = {PB_SCHED_DYNAMIC, pb_default_chunk(fib->items(30), 2)},
		.workers = 2,
	};
	struct pb_cell_result r;
	pthread_t thread;
	/* Thousands of reps of some ms each, the child's share of one a few
	 * ms of CPU: at 100 ms it is past the warm-up, in the timed ones. */
	struct killing k = {.cpu_s = 0.1};

	cr_assert_eq(pthread_create(&thread, NULL, kill_a_working_child, &k), 0);
	struct pb_measure m = {.warmup = 1, .min_reps = 5000, .max_reps = 5000,
			       .target_ci = 0.02, .budget_s = 60,
			       .allowed_cpus = pb_allowed_cpus()};
	cr_assert_eq(pb_cell_run(&cell, &m, &r), 0);
	pthread_join(thread, NULL);
	cr_assert(k.killed, "no child was killed in the cell's repetitions");
	cr_expect(r.failed, "the cell did not fail");
	cr_expect(strstr(r.status, "SIGKILL"), "status: %s", r.status);
	cr_expect_lt(r.rep_count, 5000);
	pb_cell_result_free(&r);
	expect_no_children("after the failed cell");

	cell.n = 25;
	m.min_reps = m.max_reps = 3;
	cr_assert_eq(pb_cell_run(&cell, &m, &r), 0);
	cr_expect(!r.failed, "the next cell: %s", r.status);
	cr_expect_str_eq(r.status, "ok");
	cr_expect_eq(r.ok_count, 3);
	pb_cell_result_free(&r);
	expect_no_children("after the next cell");
}

Test(fork, no_process_left_after_close)
{
	const struct pb_kernel *cube = pb_kernel_find("cube");
	for (unsigned workers = 1; workers <= 7; workers += 3) {
		struct pb_pool *pool = open_pool(workers);
		uint64_t n = 1000;
		struct pb_job job = {.kernel = cube, .n = n, .items = cube->items(n),
				     .phase = PB_PHASE_INIT,
				     .sched = {PB_SCHED_DYNAMIC, 7}};
		size_t bytes = cube->bytes(n);
		job.mem = fork_runner()->alloc(pool, bytes);
		cr_assert(job.mem);
		struct pb_outcome out = {0};
		pb_outcome_reset(&out);
		cr_assert_eq(fork_runner()->run(pool, &job, &out), 0);
		job.phase = PB_PHASE_RUN;
		cr_assert_eq(fork_runner()->run(pool, &job, &out), 0);
		cr_expect_eq(out.result, cube->expect(n));
		fork_runner()->free(pool, job.mem, bytes);
		fork_runner()->close(pool);
		expect_no_children("after close");
	}
	/* close() without free() also cleans up. */
	struct pb_pool *pool = open_pool(2);
	cr_assert(fork_runner()->alloc(pool, 4096));
	fork_runner()->close(pool);
	expect_no_children("after close without free");
}

/* The workers' init phase writes the data in place: the caller reads it
 * without any copy back.  A second allocation after free works too. */
Test(fork, data_is_shared_in_place)
{
	const struct pb_kernel *sum = pb_kernel_find("sum");
	struct pb_pool *pool = open_pool(3);
	for (uint64_t n = 100003; n <= 200003; n += 100000) {
		struct pb_job job = {.kernel = sum, .n = n, .items = sum->items(n),
				     .phase = PB_PHASE_INIT,
				     .sched = {PB_SCHED_STATIC, 0}};
		size_t bytes = sum->bytes(n);
		job.mem = fork_runner()->alloc(pool, bytes);
		cr_assert(job.mem);
		cr_expect_null(fork_runner()->alloc(pool, bytes), "one allocation at a time");
		struct pb_outcome out = {0};
		pb_outcome_reset(&out);
		cr_assert_eq(fork_runner()->run(pool, &job, &out), 0);
		cr_expect_eq(sum->run(job.mem, n, 0, job.items), sum->expect(n));
		fork_runner()->free(pool, job.mem, bytes);
	}
	/* Memory the children cannot reach is refused, not crashed on. */
	uint64_t local[4];
	struct pb_job bad = {.kernel = sum, .mem = local, .n = 4, .items = 4,
			     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_STATIC, 0}};
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	cr_expect_eq(fork_runner()->run(pool, &bad, &out), -EINVAL);
	fork_runner()->close(pool);
}

/* Field 10 of /proc/PID/stat: minor faults so far. */
static long minor_faults(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	size_t len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	long v[8];
	char state;
	char *p = strrchr(buf, ')');
	cr_assert(p && sscanf(p + 1, " %c %ld %ld %ld %ld %ld %ld %ld", &state, &v[0],
			      &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 8);
	return v[6];
}

/* Each process has page tables of its own: after the init phase a child
 * must not fault on pages the caller first touched when a dynamic schedule
 * hands them over (that cost up to 50 times a rep). */
Test(fork, no_page_faults_after_init)
{
	const struct pb_kernel *cube = pb_kernel_find("cube");
	uint64_t n = UINT64_C(1) << 20; /* 16 MiB: 4096 pages */
	struct pb_pool *pool = open_pool(2);
	struct pb_job job = {.kernel = cube, .n = n, .items = cube->items(n),
			     .phase = PB_PHASE_INIT, .sched = {PB_SCHED_DYNAMIC, 1000}};
	size_t bytes = cube->bytes(n);
	job.mem = fork_runner()->alloc(pool, bytes);
	cr_assert(job.mem);
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	cr_assert_eq(fork_runner()->run(pool, &job, &out), 0);

	pid_t kids[MAX_CHILDREN];
	cr_assert_eq(children_of_self(kids, MAX_CHILDREN), 1);
	long before = minor_faults(kids[0]);
	job.phase = PB_PHASE_RUN;
	for (int i = 0; i < 3; i++) {
		pb_outcome_reset(&out);
		cr_assert_eq(fork_runner()->run(pool, &job, &out), 0);
		cr_expect_eq(out.result, cube->expect(n));
	}
	long faults = minor_faults(kids[0]) - before;
	cr_expect_lt(faults, 32, "the child faulted %ld times in 3 runs", faults);
	fork_runner()->free(pool, job.mem, bytes);
	fork_runner()->close(pool);
}

Test(fork, binds_workers_and_restores_the_caller)
{
	cpu_set_t before, allowed, after;
	int cpus[3], count = 0;
	cr_assert_eq(sched_getaffinity(0, sizeof(before), &before), 0);
	allowed = before;
	for (int c = 0; c < CPU_SETSIZE && count < 3; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[count++] = c;
	for (int i = count; i < 3; i++)
		cpus[i] = cpus[i % count];

	struct pb_pool_opts opts = {.workers = 3, .cpus = cpus, .spin = 0};
	struct pb_pool *pool;
	cr_assert_eq(fork_runner()->open(&pool, &opts), 0);
	int start[3] = {-2, -2, -2}, end[3] = {-2, -2, -2};
	struct pb_outcome out = {.cpu_start = start, .cpu_end = end};
	cr_assert_eq(run_fib(pool, 20, &out), 0);
	for (int w = 0; w < 3; w++) {
		cr_expect_eq(start[w], cpus[w], "worker %d started on %d", w, start[w]);
		cr_expect_eq(end[w], cpus[w], "worker %d ended on %d", w, end[w]);
	}
	fork_runner()->close(pool);
	cr_assert_eq(sched_getaffinity(0, sizeof(after), &after), 0);
	cr_expect(CPU_EQUAL(&before, &after), "the caller's affinity is not restored");
}

/* A parent that dies without close() takes its children along. */
Test(fork, children_die_with_their_parent)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t parent = fork();
	cr_assert_geq(parent, 0);
	if (parent == 0) {
		struct pb_pool_opts opts = {.workers = 3};
		struct pb_pool *pool;
		pid_t kids[MAX_CHILDREN];
		if (fork_runner()->open(&pool, &opts) != 0)
			_exit(1);
		size_t count = children_of_self(kids, MAX_CHILDREN);
		ssize_t len = (ssize_t)(count * sizeof(*kids));
		_exit(write(fds[1], kids, (size_t)len) == len ? 0 : 1);
	}
	close(fds[1]);
	pid_t kids[MAX_CHILDREN];
	ssize_t len = read(fds[0], kids, sizeof(kids));
	close(fds[0]);
	int status;
	cr_assert_eq(waitpid(parent, &status, 0), parent);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	cr_assert_eq(len, (ssize_t)(2 * sizeof(*kids)));

	for (int i = 0; i < 2; i++) {
		/* Gone, or a zombie waiting for a reaper that is not us; a
		 * loaded machine may take a while to run the death. */
		double end = pb_test_now() + 30;
		char state;
		while (!((state = pb_test_proc_state(kids[i])) == 0 || state == 'Z') &&
		       pb_test_now() < end)
			pb_test_nap();
		cr_expect(state == 0 || state == 'Z', "child %d outlived its parent", (int)kids[i]);
	}
}
