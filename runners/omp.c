/*
 * omp: OpenMP worksharing (GCC libgomp) with schedule(runtime), so one loop
 * serves the static, dynamic and guided schedules.  The loop runs over
 * units: for static one block per thread (what schedule(static) without a
 * chunk gives each thread), otherwise chunks of `chunk` items, so the
 * kernel is always called on ranges and keeps its vectorised inner loop.
 *
 * libgomp keeps its team alive between parallel regions, so the team built
 * in open() is the one every repetition reuses.  When the harness gives a
 * CPU per worker, each thread binds itself inside a parallel region (the
 * runtime's own OMP_PROC_BIND is then not used, so nothing is pinned twice).
 *
 * A user who sets OMP_PLACES or OMP_PROC_BIND gets libgomp's placement
 * instead: the runner then ignores the harness's CPUs (own_placement).
 * libgomp also pins the initial thread to the first place before main();
 * every pthread and forked child would inherit that one-CPU mask, so at
 * start-up the main thread is widened back to the union of all places and
 * libgomp's binding is given back to it only inside omp cells.
 */
#include <errno.h>
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "affinity.h"
#include "memory.h"
#include "runner.h"

struct pb_pool {
	unsigned workers;
	int bound;
	struct pb_affinity caller; /* every thread gets it back in close() */
};

static void gomp_close(struct pb_pool *pool);

static struct pb_affinity libgomp_initial; /* libgomp's binding of main */

static int gomp_own_placement(void)
{
	const char *places = getenv("OMP_PLACES"), *bind = getenv("OMP_PROC_BIND");
	return (places && *places) || (bind && *bind && strcasecmp(bind, "false") != 0);
}

/* Runs after libgomp's own initialisation (libraries' constructors first). */
__attribute__((constructor)) static void widen_initial_thread(void)
{
	cpu_set_t all;
	int ids[CPU_SETSIZE];

	if (!gomp_own_placement())
		return;
	pb_affinity_save(&libgomp_initial);
	CPU_ZERO(&all);
	for (int p = 0; p < omp_get_num_places(); p++) {
		int n = omp_get_place_num_procs(p);
		if (n <= 0 || n > CPU_SETSIZE)
			continue;
		omp_get_place_proc_ids(p, ids);
		for (int i = 0; i < n; i++)
			if (ids[i] >= 0 && ids[i] < CPU_SETSIZE)
				CPU_SET(ids[i], &all);
	}
	if (CPU_COUNT(&all) > 0)
		sched_setaffinity(0, sizeof(all), &all);
}

static int gomp_open(struct pb_pool **pool, const struct pb_pool_opts *opts)
{
	const int *opts_cpus = opts->cpus;
	int bind_err = 0;
	struct pb_affinity caller;

	if (opts->workers < 1)
		return -EINVAL;
	pb_affinity_save(&caller);
	omp_set_dynamic(0);
	if (gomp_own_placement()) {
		pb_affinity_restore(&libgomp_initial);
		opts_cpus = NULL;
	}
	/* Creates (and optionally binds) the team before anything is timed. */
#pragma omp parallel num_threads(opts->workers) reduction(min:bind_err)
	{
		if (opts_cpus) {
			int err = pb_bind_self(opts_cpus[omp_get_thread_num()]);
			if (err < bind_err)
				bind_err = err;
		}
	}
	*pool = malloc(sizeof(**pool));
	if (!*pool) {
		bind_err = -ENOMEM;
	} else {
		(*pool)->workers = opts->workers;
		(*pool)->bound = opts_cpus != NULL;
		(*pool)->caller = caller;
	}
	if (bind_err) {
		if (*pool)
			gomp_close(*pool);
		else
			pb_affinity_restore(&caller);
		return bind_err;
	}
	return 0;
}

static int gomp_run(struct pb_pool *pool, const struct pb_job *job,
		   struct pb_outcome *out)
{
	const unsigned workers = pool->workers;
	const uint64_t items = job->items;
	const int is_static = job->sched.kind == PB_SCHED_STATIC;
	const uint64_t chunk = job->sched.chunk ? job->sched.chunk : 1;
	const uint64_t units = is_static ? workers : (items + chunk - 1) / chunk;
	uint64_t total = 0;

	switch (job->sched.kind) {
	case PB_SCHED_STATIC: omp_set_schedule(omp_sched_static, 0); break;
	case PB_SCHED_DYNAMIC: omp_set_schedule(omp_sched_dynamic, 1); break;
	case PB_SCHED_GUIDED: omp_set_schedule(omp_sched_guided, 1); break;
	default: return -EINVAL;
	}

#pragma omp parallel num_threads(workers) reduction(+:total)
	{
		pb_outcome_where(out, (unsigned)omp_get_thread_num(), 0);
#pragma omp for schedule(runtime) nowait
		for (uint64_t u = 0; u < units; u++) {
			uint64_t b, e;
			if (is_static) {
				pb_block(items, workers, (unsigned)u, &b, &e);
			} else {
				b = u * chunk;
				e = items - b < chunk ? items : b + chunk;
			}
			total += pb_job_range(job, b, e);
		}
		pb_outcome_where(out, (unsigned)omp_get_thread_num(), 1);
	}
	out->result = total;
	return 0;
}

static void gomp_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	/* libgomp keeps these threads for the next cell: unbind them. */
	if (pool->bound) {
#pragma omp parallel num_threads(pool->workers)
		pb_affinity_restore(&pool->caller);
	}
	pb_affinity_restore(&pool->caller);
	free(pool);
}

const struct pb_runner pb_runner_omp = {
	.name = "omp",
	.fork_unsafe = 1,
	.summary = "OpenMP (libgomp) parallel for, schedule(runtime)",
	.schedules = PB_SCHED_BIT(PB_SCHED_STATIC) | PB_SCHED_BIT(PB_SCHED_DYNAMIC) |
		     PB_SCHED_BIT(PB_SCHED_GUIDED),
	.open = gomp_open,
	.alloc = pb_private_alloc,
	.free = pb_private_free,
	.run = gomp_run,
	.close = gomp_close,
	.own_placement = gomp_own_placement,
};
