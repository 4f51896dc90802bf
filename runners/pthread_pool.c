/*
 * pthread: a persistent pool.  Threads are created once in open() and
 * reused for every job until close(); the caller is worker 0 (as the
 * master thread of an OpenMP team), so a job costs one wake-up and one join.
 *
 * Dispatch publishes the job and bumps a generation counter; workers wait
 * for it to change, spinning first when they have CPUs of their own and
 * then sleeping on a futex, so an oversubscribed pool does not burn the
 * CPUs the working threads need.  Join is a countdown the caller waits on
 * the same way.  Partials go to per-worker cache lines and are summed by
 * the caller.
 */
#include <errno.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "affinity.h"
#include "chunks.h"
#include "futex.h"
#include "memory.h"
#include "runner.h"

#define CACHE_LINE 64

struct worker {
	alignas(CACHE_LINE) uint64_t partial;
	struct pb_pool *pool;
	unsigned index;
	int cpu;
	pthread_t thread;
};

struct pb_pool {
	alignas(CACHE_LINE) _Atomic uint32_t generation; /* bumped per job */
	_Atomic uint32_t worker_sleepers;
	alignas(CACHE_LINE) _Atomic uint32_t pending; /* workers still busy */
	_Atomic uint32_t caller_sleeping;
	alignas(CACHE_LINE) _Atomic uint64_t next; /* dynamic schedules */
	alignas(CACHE_LINE) const struct pb_job *job;
	struct pb_outcome *out;
	int stop;
	int spin;
	unsigned workers;
	unsigned started; /* threads created, for close() after a failure */
	struct pb_affinity caller; /* the caller is worker 0 while the pool lives */
	struct worker *w;
};

static void finish_share(struct pb_pool *pool)
{
	if (atomic_fetch_sub(&pool->pending, 1) == 1)
		pb_wake_if_sleeping(&pool->pending, &pool->caller_sleeping, 0);
}

static void *worker_main(void *arg)
{
	struct worker *self = arg;
	struct pb_pool *pool = self->pool;
	uint32_t seen = 0;

	for (;;) { /* bound by pthread_create (open), which checked it */
		seen = pb_wait_change(&pool->generation, seen,
				      &pool->worker_sleepers, pool->spin, 0);
		if (pool->stop)
			return NULL;
		pb_outcome_where(pool->out, self->index, 0);
		self->partial = pb_share_run(&pool->next, pool->job,
					     pool->workers, self->index);
		pb_outcome_where(pool->out, self->index, 1);
		finish_share(pool);
	}
}

static void pool_stop(struct pb_pool *pool)
{
	pool->stop = 1;
	atomic_fetch_add(&pool->generation, 1);
	pb_futex_wake_all(&pool->generation, 0);
	for (unsigned i = 1; i < pool->started; i++)
		pthread_join(pool->w[i].thread, NULL);
}

static int pool_open(struct pb_pool **out, const struct pb_pool_opts *opts)
{
	struct pb_pool *pool;

	if (opts->workers < 1)
		return -EINVAL;
	if (posix_memalign((void **)&pool, CACHE_LINE, sizeof(*pool)))
		return -ENOMEM;
	memset(pool, 0, sizeof(*pool));
	pool->workers = opts->workers;
	pool->spin = opts->spin;
	if (posix_memalign((void **)&pool->w, CACHE_LINE,
			   sizeof(*pool->w) * opts->workers)) {
		free(pool);
		return -ENOMEM;
	}
	memset(pool->w, 0, sizeof(*pool->w) * opts->workers);
	pool->started = 1;
	for (unsigned i = 0; i < opts->workers; i++) {
		pool->w[i].pool = pool;
		pool->w[i].index = i;
		pool->w[i].cpu = opts->cpus ? opts->cpus[i] : -1;
	}
	pb_affinity_save(&pool->caller);
	int err = opts->cpus ? pb_bind_self(opts->cpus[0]) : 0;
	for (unsigned i = 1; !err && i < opts->workers; i++) {
		pthread_attr_t attr;
		if ((err = -pthread_attr_init(&attr)))
			break;
		if (pool->w[i].cpu >= 0)
			err = pb_thread_attr_bind(&attr, pool->w[i].cpu);
		if (!err)
			err = -pthread_create(&pool->w[i].thread, &attr, worker_main,
					      &pool->w[i]);
		pthread_attr_destroy(&attr);
		if (!err)
			pool->started++;
	}
	if (err) {
		pool_stop(pool);
		pb_affinity_restore(&pool->caller);
		free(pool->w);
		free(pool);
		return err;
	}
	*out = pool;
	return 0;
}

static int pool_run(struct pb_pool *pool, const struct pb_job *job,
		    struct pb_outcome *out)
{
	uint64_t total;

	pool->job = job;
	pool->out = out;
	atomic_store_explicit(&pool->next, 0, memory_order_relaxed);
	atomic_store_explicit(&pool->pending, pool->workers - 1,
			      memory_order_relaxed);
	/* The generation bump releases the stores above to the workers. */
	atomic_fetch_add(&pool->generation, 1);
	pb_wake_if_sleeping(&pool->generation, &pool->worker_sleepers, 0);

	pb_outcome_where(out, 0, 0);
	total = pb_share_run(&pool->next, job, pool->workers, 0);
	pb_outcome_where(out, 0, 1);

	uint32_t left;
	while ((left = atomic_load(&pool->pending)) != 0)
		pb_wait_change(&pool->pending, left, &pool->caller_sleeping,
			       pool->spin, 0);
	for (unsigned i = 1; i < pool->workers; i++)
		total += pool->w[i].partial;
	out->result = total;
	return 0;
}

static void pool_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	pool_stop(pool);
	pb_affinity_restore(&pool->caller);
	free(pool->w);
	free(pool);
}

const struct pb_runner pb_runner_pthread = {
	.name = "pthread",
	.summary = "persistent pthread pool: spin-then-futex dispatch, caller works",
	.schedules = PB_SCHED_BIT(PB_SCHED_STATIC) | PB_SCHED_BIT(PB_SCHED_DYNAMIC) |
		     PB_SCHED_BIT(PB_SCHED_GUIDED),
	.open = pool_open,
	.alloc = pb_private_alloc,
	.free = pb_private_free,
	.run = pool_run,
	.close = pool_close,
};
