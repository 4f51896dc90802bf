#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>

#include "../store/rundir.h"
#include "context.h"
#include "stop.h"
#include "sweep.h"

/* Largest requested worker count with a CPU per worker (EPCC runs one
 * thread per core), or the smallest requested when none fits. */
static unsigned overhead_workers(const struct pb_config *cfg)
{
	unsigned best = 0, smallest = cfg->workers[0];
	for (size_t i = 0; i < cfg->worker_count; i++) {
		unsigned w = cfg->workers[i];
		if (w <= cfg->allowed_cpus && w > best)
			best = w;
		if (w < smallest)
			smallest = w;
	}
	return best ? best : smallest;
}

static size_t measure_overheads(const struct pb_config *cfg, struct pb_overhead *o,
				size_t cap)
{
	unsigned w = overhead_workers(cfg);
	size_t count = 0;

	for (size_t i = 0; i < cfg->runner_count && count < cap; i++)
		if (cfg->runners[i]->schedules &&
		    pb_overhead_measure(cfg->runners[i], w, w <= cfg->allowed_cpus, cfg->quick,
					&o[count]) == 0)
			count++;
	return count;
}

void pb_context_measure(const struct pb_config *cfg, struct pb_sweep *sw, struct pb_context *c)
{
	memset(c, 0, sizeof(*c));
	/* A stopped sweep has little time left: save, then go. */
	if (!cfg->overhead || sw->stopped)
		return;
	struct pb_measure m = pb_sweep_measure(cfg);
	int e = pb_reference_measure(sw->results, sw->done, &m, cfg->quick, &c->ref);
	c->ref_count = e > 0 ? (size_t)e : 0;
	if (!(sw->stopped = pb_stop_requested()))
		c->overhead_count = measure_overheads(cfg, c->overheads, PB_MAX_RUNNERS);
}

void pb_context_free(struct pb_context *c)
{
	free(c->ref);
	c->ref = NULL;
	c->ref_count = 0;
}

int pb_context_write(const struct pb_sweep *sw, const struct pb_context *c)
{
	struct pb_outfile out;
	int err = 0;

	if (c->overhead_count && !(err = pb_outfile_open(&out, sw->dir, "overhead.csv"))) {
		pb_overhead_csv_header(out.f);
		for (size_t i = 0; i < c->overhead_count; i++)
			pb_overhead_csv_row(out.f, sw->run_id, &c->overheads[i]);
		err = pb_outfile_commit(&out);
	}
	if (!err && c->ref_count && !(err = pb_outfile_open(&out, sw->dir, "reference.csv"))) {
		pb_reference_csv(out.f, sw->run_id, c->ref, c->ref_count);
		err = pb_outfile_commit(&out);
	}
	return err;
}

int pb_timer_slack_least(void)
{
	return prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0 ? 0 : -errno;
}
