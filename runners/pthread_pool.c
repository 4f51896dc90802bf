/*
 * pthread: a persistent pool (team.c): threads created once in open() and
 * reused for every job until close(), the caller worker 0, each worker
 * taking its share under the job's schedule.
 */
#include <errno.h>
#include <stdlib.h>

#include "chunks.h"
#include "memory.h"
#include "runner.h"
#include "team.h"

struct pb_pool {
	struct pb_team *team;
};

static uint64_t share(void *ctx, _Atomic uint64_t *next, const struct pb_job *job,
		      unsigned workers, unsigned w)
{
	(void)ctx;
	return pb_share_run(next, job, workers, w);
}

static int pool_open(struct pb_pool **out, const struct pb_pool_opts *opts)
{
	struct pb_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return -ENOMEM;
	int err = pb_team_open(&pool->team, opts, share, NULL);
	if (err) {
		free(pool);
		return err;
	}
	*out = pool;
	return 0;
}

static int pool_run(struct pb_pool *pool, const struct pb_job *job, struct pb_outcome *out)
{
	return pb_team_run(pool->team, job, out);
}

static void pool_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	pb_team_close(pool->team);
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
