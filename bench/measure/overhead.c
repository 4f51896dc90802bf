#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/clock.h"
#include "overhead.h"
#include "../base/stats.h"
#include "../store/csv.h"

#define SAMPLES 21
#define QUICK_SAMPLES 5
#define DISPATCHES 2000
#define WARMUP_DISPATCHES 200
/* A sample stops early past this: a runner whose dispatch is a round trip
 * through a launcher (MPI, ~0.2 ms) would otherwise take seconds. */
#define SAMPLE_SECONDS 0.02

/* Keeps the reference loop's calls from being optimised away. */
static volatile uint64_t sink;

static double reference_us(const struct pb_job *job)
{
	double x[SAMPLES];

	for (int s = 0; s < SAMPLES; s++) {
		double t0 = pb_now();
		for (int d = 0; d < DISPATCHES; d++)
			sink = pb_job_range(job, 0, job->items);
		x[s] = (pb_now() - t0) / DISPATCHES * 1e6;
	}
	return pb_median_inplace(x, SAMPLES);
}

int pb_overhead_measure(const struct pb_runner *runner, unsigned workers,
			int spin, int quick, struct pb_overhead *o)
{
	char opened_why[64] = "";
	struct pb_pool_opts opts = {.workers = workers, .cpus = NULL, .spin = spin,
				    .why = opened_why, .why_len = sizeof(opened_why)};
	struct pb_job job = {
		.kernel = &pb_kernel_empty,
		.n = workers,
		.items = pb_kernel_empty.items(workers),
		.phase = PB_PHASE_RUN,
		.sched = {PB_SCHED_STATIC, 0},
	};
	struct pb_pool *pool;
	struct pb_outcome out = {0};
	double x[SAMPLES];

	memset(o, 0, sizeof(*o));
	o->runner = runner;
	o->workers = workers;
	o->samples = quick ? QUICK_SAMPLES : SAMPLES;
	o->dispatches = DISPATCHES;
	o->median_us = o->min_us = o->max_us = o->overhead_us = NAN;
	o->reference_us = reference_us(&job);

	int err = runner->open(&pool, &opts);
	if (err) {
		o->failed = 1;
		snprintf(o->why, sizeof(o->why), "open-failed:%s", opened_why[0] ? opened_why
										  : strerror(-err));
		pb_token_sanitize(o->why); /* one CSV field */
		return 0;
	}
	for (int s = -1; !err && s < (int)o->samples; s++) {
		int count = s < 0 ? WARMUP_DISPATCHES : DISPATCHES, done = 0;
		double own = 0, t0 = pb_now();
		int own_clock = 1;
		/* The clock is read every 64 dispatches: cheap next to them. */
		for (int d = 0; !err && d < count; d++, done++) {
			if (d % 64 == 63 && pb_now() - t0 > SAMPLE_SECONDS)
				break;
			pb_outcome_reset(&out);
			err = runner->run(pool, &job, &out);
			if (!err && out.result != workers)
				err = -EIO;
			if (out.seconds >= 0)
				own += out.seconds;
			else
				own_clock = 0;
		}
		double elapsed = own_clock ? own : pb_now() - t0;
		if (s >= 0)
			x[s] = elapsed / done * 1e6;
	}
	runner->close(pool);
	if (err) {
		o->failed = 1;
		snprintf(o->why, sizeof(o->why), "%s",
			 out.why[0] ? out.why : err == -EIO ? "wrong-result" : strerror(-err));
		pb_token_sanitize(o->why);
		return 0;
	}
	struct pb_stats st;
	if (pb_stats_compute(x, o->samples, &st))
		return -ENOMEM;
	o->median_us = st.median;
	o->min_us = st.min;
	o->max_us = st.max;
	o->overhead_us = st.median - o->reference_us;
	return 0;
}

int pb_overhead_csv_header(FILE *f)
{
	return fputs("run_id,runner,workers,samples,dispatches,median_us,min_us,max_us,"
		     "reference_us,overhead_us,status\n", f) < 0 ? -EIO : 0;
}

int pb_overhead_csv_row(FILE *f, const char *run_id, const struct pb_overhead *o)
{
	fprintf(f, "%s,%s,%u,%u,%u,", run_id, o->runner->name, o->workers, o->samples,
		o->dispatches);
	if (o->failed)
		fprintf(f, ",,,,,%s\n", o->why);
	else
		fprintf(f, "%.4f,%.4f,%.4f,%.4f,%.4f,ok\n", o->median_us, o->min_us,
			o->max_us, o->reference_us, o->overhead_us);
	return ferror(f) ? -EIO : 0;
}
