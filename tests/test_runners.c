/*
 * Every runner in the registry x every kernel x awkward worker counts
 * returns exactly the expected value, several times on one pool, under
 * every schedule the runner offers.  A runner added to the registry is
 * covered here without a line of new test code.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <unistd.h>

#include "../runners/affinity.h"
#include "../runners/runner.h"

#define RUNS_PER_POOL 3
#define TEST_WAIT_NS 20000 /* kernels that wait: 20 us a task */

struct case_ {
	char runner[32];
	unsigned workers;
};

/* Sizes small enough for a test, awkward enough to leave remainders. */
static uint64_t test_size(const struct pb_kernel *k)
{
	if (k == pb_kernel_find("fib"))
		return 21; /* 2^10 leaves */
	if (k == pb_kernel_find("factorial"))
		return 301;
	if (k->waits)
		return 203; /* tasks of TEST_WAIT_NS each */
	return 1000003; /* prime: blocks never divide evenly */
}

static struct pb_pool *open_pool(const struct pb_runner *r, unsigned workers)
{
	struct pb_pool_opts opts = {.workers = workers, .cpus = NULL, .spin = 0};
	struct pb_pool *pool;
	int err = r->open(&pool, &opts);
	cr_assert_eq(err, 0, "%s open(%u workers): %d", r->name, workers, err);
	return pool;
}

/* One job and its memory on an open pool: pools serve any number of jobs,
 * and reusing them keeps the suite fast (an MPI job takes a good part of a
 * second to start). */
static void check_runner_on(const struct pb_runner *r, struct pb_pool *pool,
			    unsigned workers, const struct pb_kernel *k, uint64_t n,
			    struct pb_schedule sched)
{
	struct pb_job job = {
		.kernel = k, .n = n, .items = k->items(n), .phase = PB_PHASE_INIT,
		.sched = sched, .wait_ns = k->waits ? TEST_WAIT_NS : 0,
		.inflight = r->overlaps ? 7 : 1,
	};
	size_t bytes = pb_kernel_bytes(k, n);
	job.mem = r->alloc(pool, bytes);
	cr_assert(bytes == 0 || job.mem, "%s alloc(%zu)", r->name, bytes);

	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	cr_assert_eq(r->run(pool, &job, &out), 0, "%s init", r->name);
	job.phase = PB_PHASE_RUN;
	for (int i = 0; i < RUNS_PER_POOL; i++) {
		pb_outcome_reset(&out);
		cr_assert_eq(r->run(pool, &job, &out), 0, "%s run %d", r->name, i);
		cr_expect_eq(out.result, k->expect(n),
			     "%s %s n=%llu workers=%u schedule=%s chunk=%llu run %d: "
			     "got %llu, expected %llu", r->name, k->name,
			     (unsigned long long)n, workers, pb_sched_name(sched.kind),
			     (unsigned long long)sched.chunk, i,
			     (unsigned long long)out.result,
			     (unsigned long long)k->expect(n));
	}
	r->free(pool, job.mem, bytes);
}

static void check_all(const struct pb_runner *r, unsigned workers)
{
	struct pb_pool *pool = open_pool(r, workers);

	for (const struct pb_kernel *const *k = pb_kernels; *k; k++) {
		uint64_t n = test_size(*k);
		/* parbench-mpi is built with the real registry, without the
		 * test build's throwaway kernel. */
		if (r->distributed && strncmp((*k)->name, "throwaway-", 10) == 0)
			continue;
		if (!r->schedules) {
			check_runner_on(r, pool, workers, *k, n,
					(struct pb_schedule){PB_SCHED_STATIC, 0});
			continue;
		}
		for (int s = 0; s < PB_SCHED_COUNT; s++) {
			if (!(r->schedules & PB_SCHED_BIT(s)))
				continue;
			/* As the plan: no chunks handed out over distributed
			 * memory (bench/model/plan.c). */
			if (r->distributed && pb_kernel_bytes(*k, n) && s != PB_SCHED_STATIC)
				continue;
			struct pb_schedule sched = {(enum pb_sched_kind)s, 0};
			if (s != PB_SCHED_STATIC)
				sched.chunk = pb_default_chunk((*k)->items(n), workers);
			check_runner_on(r, pool, workers, *k, n, sched);
			if (s == PB_SCHED_DYNAMIC) { /* chunk 1 and a chunk past the end */
				sched.chunk = 1;
				check_runner_on(r, pool, workers, *k, 35, sched);
				sched.chunk = (*k)->items(n) + 1;
				check_runner_on(r, pool, workers, *k, n, sched);
			}
		}
	}
	r->close(pool);
}

static struct case_ *cases(size_t *count)
{
	static const unsigned counts[] = {1, 2, 3, 7, 40};
	static struct case_ list[64];
	size_t c = 0;
	for (const struct pb_runner *const *r = pb_runners; *r; r++)
		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			if (!(*r)->schedules && counts[i] != 1)
				continue; /* seq has exactly one worker */
			/* 40 MPI ranks on a 2-CPU CI machine take seconds just
			 * to start; more ranks than items is covered below. */
			if ((*r)->distributed && counts[i] > 7)
				continue;
			snprintf(list[c].runner, sizeof(list[c].runner), "%s", (*r)->name);
			list[c++].workers = counts[i];
		}
	*count = c;
	return list;
}

ParameterizedTestParameters(runners, exact_results)
{
	size_t count;
	struct case_ *list = cases(&count);
	return cr_make_param_array(struct case_, list, count);
}

ParameterizedTest(struct case_ *c, runners, exact_results)
{
	check_all(pb_runner_find(c->runner), c->workers);
}

/* More workers than items: fib(5) has 4 leaves (cut at depth 2). */
Test(runners, more_workers_than_items)
{
	const struct pb_kernel *fib = pb_kernel_find("fib");
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		if (!(*r)->schedules)
			continue;
		struct pb_pool *pool = open_pool(*r, 9);
		check_runner_on(*r, pool, 9, fib, 5, (struct pb_schedule){PB_SCHED_STATIC, 0});
		check_runner_on(*r, pool, 9, fib, 5, (struct pb_schedule){PB_SCHED_DYNAMIC, 1});
		check_runner_on(*r, pool, 9, fib, 5, (struct pb_schedule){PB_SCHED_GUIDED, 1});
		(*r)->close(pool);
	}
}

/* Zero workers is refused, not a crash or a hang. */
Test(runners, zero_workers_refused)
{
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		struct pb_pool_opts opts = {.workers = 0};
		struct pb_pool *pool;
		cr_expect_lt((*r)->open(&pool, &opts), 0, "%s accepted 0 workers", (*r)->name);
	}
}

/* The runner records where each worker ran when asked. */
Test(runners, records_where_workers_ran)
{
	const struct pb_kernel *fib = pb_kernel_find("fib");
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		unsigned workers = (*r)->schedules ? 3 : 1;
		struct pb_pool_opts opts = {.workers = workers};
		struct pb_pool *pool;
		cr_assert_eq((*r)->open(&pool, &opts), 0);
		int start[3] = {-2, -2, -2}, end[3] = {-2, -2, -2};
		struct pb_job job = {.kernel = fib, .n = 20, .items = fib->items(20),
				     .phase = PB_PHASE_RUN,
				     .sched = {PB_SCHED_STATIC, 0}};
		struct pb_outcome out = {.cpu_start = start, .cpu_end = end};
		pb_outcome_reset(&out);
		cr_assert_eq((*r)->run(pool, &job, &out), 0);
		for (unsigned w = 0; w < workers; w++)
			cr_expect(start[w] >= 0 && end[w] >= 0, "%s worker %u: cpus %d %d",
				  (*r)->name, w, start[w], end[w]);
		(*r)->close(pool);
	}
}

/* Each worker ends up bound where the harness asked: read back with
 * sched_getaffinity by the worker itself (pb_outcome.cpu_bound). */
Test(runners, workers_bound_where_asked)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const struct pb_kernel *fib = pb_kernel_find("fib");
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		unsigned workers = (*r)->schedules ? 3 : 1;
		int cpus[3], bound[3] = {-2, -2, -2}, start[3], end[3];
		for (unsigned w = 0; w < workers; w++)
			cpus[w] = (int)((w + 1) % ncpu); /* not the identity, to be sure */
		if ((*r)->own_placement && (*r)->own_placement())
			continue; /* the user's OMP_PLACES rules */
		struct pb_pool_opts opts = {.workers = workers, .cpus = cpus};
		struct pb_pool *pool;
		cr_assert_eq((*r)->open(&pool, &opts), 0, "%s", (*r)->name);
		struct pb_job job = {.kernel = fib, .n = 20, .items = fib->items(20),
				     .phase = PB_PHASE_RUN, .sched = {PB_SCHED_STATIC, 0}};
		struct pb_outcome out = {.cpu_start = start, .cpu_end = end, .cpu_bound = bound};
		pb_outcome_reset(&out);
		cr_assert_eq((*r)->run(pool, &job, &out), 0);
		for (unsigned w = 0; w < workers; w++) {
			cr_expect_eq(bound[w], cpus[w], "%s worker %u bound to %d, asked %d",
				     (*r)->name, w, bound[w], cpus[w]);
			cr_expect_eq(start[w], cpus[w], "%s worker %u ran on %d", (*r)->name, w,
				     start[w]);
		}
		(*r)->close(pool);
	}
}

/* Every worker's binding is checked: a pool asked to put a worker on a CPU
 * this process cannot use fails to open (pthread once ignored it). */
Test(runners, open_fails_when_a_worker_cannot_be_bound)
{
	const int cpus[] = {0, 1000}; /* CPU 1000: below CPU_SETSIZE, not here */
	cr_assert_lt(pb_allowed_cpus(), 1000, "a machine with CPU 1000");
	for (const struct pb_runner *const *r = pb_runners; *r; r++) {
		if (!(*r)->schedules || (*r)->distributed)
			continue; /* one worker; MPI ranks are placed by their launcher */
		struct pb_pool_opts opts = {.workers = 2, .cpus = cpus, .spin = 0};
		struct pb_pool *pool = NULL;
		int err = (*r)->open(&pool, &opts);
		cr_expect_lt(err, 0, "%s opened with a worker on CPU 1000", (*r)->name);
		if (err == 0)
			(*r)->close(pool);
	}
}
