/*
 * seq: the baseline.  It calls the very same kernel function as every
 * parallel runner, over the whole index space at once, so it gets the same
 * code generation: no strawman.
 */
#include <errno.h>
#include <stdlib.h>

#include "affinity.h"
#include "memory.h"
#include "runner.h"

struct pb_pool {
	struct pb_affinity caller; /* restored by close() */
};

static int seq_open(struct pb_pool **pool, const struct pb_pool_opts *opts)
{
	if (opts->workers != 1)
		return -EINVAL;
	*pool = calloc(1, sizeof(**pool));
	if (!*pool)
		return -ENOMEM;
	if (opts->cpus) {
		pb_affinity_save(&(*pool)->caller);
		int err = pb_bind_self(opts->cpus[0]);
		if (err) {
			free(*pool);
			return err;
		}
	}
	return 0;
}

static int seq_run(struct pb_pool *pool, const struct pb_job *job,
		   struct pb_outcome *out)
{
	(void)pool;
	pb_outcome_where(out, 0, 0);
	out->result = pb_job_range(job, 0, job->items);
	pb_outcome_where(out, 0, 1);
	return 0;
}

static void seq_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	pb_affinity_restore(&pool->caller);
	free(pool);
}

const struct pb_runner pb_runner_seq = {
	.name = "seq",
	.baseline = 1,
	.summary = "sequential baseline: one call of the kernel over all items",
	.schedules = 0, /* no schedule: one range */
	.open = seq_open,
	.alloc = pb_private_alloc,
	.free = pb_private_free,
	.run = seq_run,
	.close = seq_close,
};
