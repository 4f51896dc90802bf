/*
 * inline: a throwaway runner for the test build.  Its "workers" take their
 * static blocks one after another in the caller's thread: no parallelism,
 * but every worker's share is run and combined, so results verify, and
 * where the harness binds workers each share runs on its worker's CPU.
 */
#include <errno.h>
#include <stdlib.h>

#include "../../runners/affinity.h"
#include "../../runners/memory.h"
#include "../../runners/runner.h"

struct pb_pool {
	unsigned workers;
	int *cpus;                 /* NULL: not bound */
	struct pb_affinity caller; /* restored by close() */
};

static void inline_close(struct pb_pool *pool);

static int inline_open(struct pb_pool **pool, const struct pb_pool_opts *opts)
{
	if (opts->workers == 0)
		return -EINVAL;
	*pool = calloc(1, sizeof(**pool));
	if (!*pool)
		return -ENOMEM;
	(*pool)->workers = opts->workers;
	if (opts->cpus) {
		(*pool)->cpus = malloc(opts->workers * sizeof(int));
		if (!(*pool)->cpus) {
			free(*pool);
			return -ENOMEM;
		}
		for (unsigned w = 0; w < opts->workers; w++)
			(*pool)->cpus[w] = opts->cpus[w];
		pb_affinity_save(&(*pool)->caller);
		/* Every worker's CPU is tried now, as a runner's open must. */
		for (unsigned w = 0; w < opts->workers; w++) {
			int err = pb_bind_self(opts->cpus[w]);
			if (err) {
				inline_close(*pool);
				return err;
			}
		}
	}
	return 0;
}

static int inline_run(struct pb_pool *pool, const struct pb_job *job, struct pb_outcome *out)
{
	out->result = 0;
	for (unsigned w = 0; w < pool->workers; w++) {
		uint64_t begin, end;
		pb_block(job->items, pool->workers, w, &begin, &end);
		int err = pool->cpus ? pb_bind_self(pool->cpus[w]) : 0;
		if (err)
			return err;
		pb_outcome_where(out, w, 0);
		out->result += pb_job_range(job, begin, end);
		pb_outcome_where(out, w, 1);
	}
	return 0;
}

static void inline_close(struct pb_pool *pool)
{
	if (!pool)
		return;
	if (pool->cpus)
		pb_affinity_restore(&pool->caller);
	free(pool->cpus);
	free(pool);
}

const struct pb_runner pb_runner_throwaway_inline = {
	.name = "throwaway-inline",
	.summary = "test build only: each worker's block in turn, in the caller",
	.schedules = PB_SCHED_BIT(PB_SCHED_STATIC),
	.open = inline_open,
	.alloc = pb_private_alloc,
	.free = pb_private_free,
	.run = inline_run,
	.close = inline_close,
};
