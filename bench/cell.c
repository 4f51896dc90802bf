#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "clock.h"
#include "csv.h"

void pb_cell_result_free(struct pb_cell_result *r)
{
	free(r->reps);
	r->reps = NULL;
}

static void set_failed(struct pb_cell_result *r, const char *fmt, const char *detail)
{
	if (r->failed)
		return; /* keep the first reason */
	r->failed = 1;
	snprintf(r->status, sizeof(r->status), fmt, detail);
	pb_token_sanitize(r->status);
}

/* One repetition; returns 0, or -1 when the pool is unusable afterwards. */
static int one_rep(const struct pb_runner *runner, struct pb_pool *pool,
		   const struct pb_job *job, struct pb_cell_result *r,
		   struct pb_rep *rep)
{
	struct pb_outcome out = {0};

	pb_outcome_reset(&out);
	double t0 = pb_now();
	int err = runner->run(pool, job, &out);
	double t1 = pb_now();

	rep->seconds = out.seconds >= 0 ? out.seconds : t1 - t0;
	rep->comm_seconds = out.comm_seconds;
	rep->result = out.result;
	rep->ok = !err && out.result == r->expected;
	if (err) {
		set_failed(r, "failed:%s", out.why[0] ? out.why : strerror(-err));
		return -1;
	}
	if (!rep->ok)
		set_failed(r, "%s", "wrong-result");
	return 0;
}

static void summarise(struct pb_cell_result *r)
{
	double *ok = malloc((r->rep_count ? r->rep_count : 1) * sizeof(*ok));
	size_t count = 0;

	for (unsigned i = 0; ok && i < r->rep_count; i++)
		if (r->reps[i].ok)
			ok[count++] = r->reps[i].seconds;
	pb_stats_compute(ok, count, &r->stats); /* count is 0 if ok is NULL */
	free(ok);
	uint64_t items = r->cell.kernel->items(r->cell.n);
	if (r->cell.kernel->bytes_per_item && r->stats.count)
		r->gbps = (double)items * r->cell.kernel->bytes_per_item / r->stats.median / 1e9;
}

int pb_cell_run(const struct pb_cell *cell, unsigned warmup, unsigned reps,
		unsigned allowed_cpus, struct pb_cell_result *r)
{
	const struct pb_runner *runner = cell->runner;
	const struct pb_kernel *kernel = cell->kernel;
	struct pb_pool_opts opts = {
		.workers = cell->workers,
		.cpus = NULL,
		.spin = cell->workers <= allowed_cpus,
	};
	struct pb_pool *pool = NULL;

	memset(r, 0, sizeof(*r));
	r->cell = *cell;
	r->speedup = r->efficiency = r->gbps = NAN;
	r->startup_s = r->init_s = NAN;
	snprintf(r->status, sizeof(r->status), "ok");
	r->reps = calloc(reps ? reps : 1, sizeof(*r->reps));
	if (!r->reps)
		return -ENOMEM;
	r->expected = kernel->expect(cell->n);

	double t0 = pb_now();
	int err = runner->open(&pool, &opts);
	r->startup_s = pb_now() - t0;
	if (err) {
		set_failed(r, "open-failed:%s", strerror(-err));
		summarise(r);
		return 0;
	}

	size_t bytes = kernel->bytes(cell->n);
	struct pb_job job = {
		.kernel = kernel,
		.n = cell->n,
		.items = kernel->items(cell->n),
		.phase = PB_PHASE_INIT,
		.sched = cell->sched,
	};
	t0 = pb_now();
	job.mem = runner->alloc(pool, bytes);
	if (bytes && !job.mem) {
		set_failed(r, "%s", "out-of-memory");
		runner->close(pool);
		summarise(r);
		return 0;
	}
	struct pb_outcome out = {0};
	pb_outcome_reset(&out);
	err = runner->run(pool, &job, &out);
	r->init_s = pb_now() - t0;
	if (err)
		set_failed(r, "init-failed:%s", out.why[0] ? out.why : strerror(-err));

	job.phase = PB_PHASE_RUN;
	struct pb_rep scratch;
	for (unsigned i = 0; !err && i < warmup; i++)
		err = one_rep(runner, pool, &job, r, &scratch);
	for (unsigned i = 0; !err && i < reps; i++) {
		err = one_rep(runner, pool, &job, r, &r->reps[i]);
		r->rep_count = i + 1;
		r->ok_count += r->reps[i].ok;
	}

	runner->free(pool, job.mem, bytes);
	runner->close(pool);
	summarise(r);
	return 0;
}
