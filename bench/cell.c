#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "clock.h"
#include "csv.h"
#include "stop.h"

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

double *pb_cell_ok_seconds(const struct pb_cell_result *r, size_t *count)
{
	double *ok = calloc(r->rep_count ? r->rep_count : 1, sizeof(*ok));

	*count = 0;
	for (unsigned i = 0; ok && i < r->rep_count; i++)
		if (r->reps[i].ok)
			ok[(*count)++] = r->reps[i].seconds;
	return ok;
}

/* Relative half-width of the median's CI (the wider side), or +inf. */
static double ci_width(const struct pb_cell_result *r)
{
	size_t count;
	double *ok = pb_cell_ok_seconds(r, &count), lo, hi, width = INFINITY;

	if (ok && count) {
		double median = pb_median_inplace(ok, count);
		pb_median_ci(ok, count, &lo, &hi);
		if (median > 0)
			width = fmax(median - lo, hi - median) / median;
	}
	free(ok);
	return width;
}

void pb_cell_summarise(struct pb_cell_result *r)
{
	size_t count;
	double *ok = pb_cell_ok_seconds(r, &count);

	pb_stats_compute(ok, ok ? count : 0, &r->stats);
	if (ok && count) {
		pb_median_inplace(ok, count); /* sorts */
		pb_median_ci(ok, count, &r->ci_low, &r->ci_high);
		r->outliers = (unsigned)pb_outliers_tukey(ok, count);
	}
	free(ok);
	uint64_t items = r->cell.kernel->items(r->cell.n);
	if (r->cell.kernel->bytes_per_item && r->stats.count)
		r->gbps = (double)items * r->cell.kernel->bytes_per_item / r->stats.median / 1e9;
}

/* Makes room for repetition i; returns 0 or -ENOMEM. */
static int reserve(struct pb_cell_result *r, unsigned *cap, unsigned i)
{
	if (i < *cap)
		return 0;
	unsigned grown = *cap ? *cap * 2 : 16;
	struct pb_rep *p = realloc(r->reps, grown * sizeof(*p));
	if (!p)
		return -ENOMEM;
	r->reps = p;
	*cap = grown;
	return 0;
}

int pb_cell_run(const struct pb_cell *cell, const struct pb_measure *m,
		struct pb_cell_result *r)
{
	const struct pb_runner *runner = cell->runner;
	const struct pb_kernel *kernel = cell->kernel;
	struct pb_pool_opts opts = {
		.workers = cell->workers,
		.cpus = NULL,
		.spin = cell->workers <= m->allowed_cpus,
	};
	struct pb_pool *pool = NULL;
	unsigned cap = 0;

	memset(r, 0, sizeof(*r));
	r->cell = *cell;
	r->speedup = r->speedup_ci_low = r->speedup_ci_high = NAN;
	r->efficiency = r->karp_flatt = r->weak_efficiency = NAN;
	r->gbps = r->gbps_reference = r->gbps_ratio = NAN;
	r->startup_s = r->init_s = r->ci_low = r->ci_high = NAN;
	r->stop = "failed";
	snprintf(r->status, sizeof(r->status), "ok");
	if (reserve(r, &cap, m->min_reps))
		return -ENOMEM;
	r->expected = kernel->expect(cell->n);

	double t0 = pb_now();
	int err = runner->open(&pool, &opts);
	r->startup_s = pb_now() - t0;
	if (err) {
		set_failed(r, "open-failed:%s", strerror(-err));
		pb_cell_summarise(r);
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
		pb_cell_summarise(r);
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
	/* A stop request abandons the cell within one repetition. */
	for (unsigned i = 0; !err && !pb_stop_requested() && i < m->warmup; i++)
		err = one_rep(runner, pool, &job, r, &scratch);

	/* At least min_reps; then on until the median is known well enough,
	 * the budget is spent, or max_reps. */
	double timed = 0;
	for (unsigned i = 0; !err && !pb_stop_requested(); i++) {
		if (i >= m->min_reps) {
			if (i >= m->max_reps) {
				r->stop = "max";
				break;
			}
			if (ci_width(r) <= m->target_ci) {
				r->stop = "ci";
				break;
			}
			if (timed >= m->budget_s) {
				r->stop = "budget";
				break;
			}
		}
		if (reserve(r, &cap, i)) {
			err = -ENOMEM;
			break;
		}
		err = one_rep(runner, pool, &job, r, &r->reps[i]);
		timed += r->reps[i].seconds;
		r->rep_count = i + 1;
		r->ok_count += r->reps[i].ok;
	}
	if (r->failed)
		r->stop = "failed";

	runner->free(pool, job.mem, bytes);
	runner->close(pool);
	pb_cell_summarise(r);
	return err == -ENOMEM ? -ENOMEM : 0;
}
