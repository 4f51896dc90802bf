#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "plan.h"

static int push(struct pb_plan *plan, size_t *cap, const struct pb_cell *cell)
{
	if (plan->count == *cap) {
		size_t grown = *cap ? *cap * 2 : 64;
		struct pb_cell *p = realloc(plan->cells, grown * sizeof(*p));
		if (!p)
			return -ENOMEM;
		plan->cells = p;
		*cap = grown;
	}
	plan->cells[plan->count] = *cell;
	plan->cells[plan->count].order = plan->count;
	plan->count++;
	return 0;
}

int pb_plan_leaves_out(const struct pb_runner *runner, const struct pb_kernel *kernel,
		       uint64_t n)
{
	return runner->moves_data && !pb_kernel_bytes(kernel, n);
}

/* The profile's run level of the kernel's class, or NULL: a kernel that
 * waits has none, nor a class the profile did not measure. */
static const struct pb_run_level *run_level_of(const struct pb_config *cfg,
					       const struct pb_kernel *kernel)
{
	const struct pb_run_level *l =
		&cfg->run_level[pb_kernel_compute_bound(kernel) ? PB_LEVEL_COMPUTE : PB_LEVEL_MEMORY];
	return kernel->waits || !l->cells ? NULL : l;
}

int pb_plan_build(const struct pb_config *cfg, struct pb_plan *plan)
{
	size_t cap = 0;

	plan->cells = NULL;
	plan->count = 0;
	for (size_t k = 0; k < cfg->kernel_count; k++) {
		const struct pb_kernel *kernel = cfg->kernels[k].kernel;
		const uint64_t *sizes;
		size_t size_count = pb_config_sizes(cfg, k, &sizes);

		/* Kernels that do not wait have one latency (none). */
		size_t latencies = kernel->waits ? cfg->latency_count : 1;
		const struct pb_run_level *level = run_level_of(cfg, kernel);
		for (size_t s = 0; s < size_count; s++)
		for (size_t l = 0; l < latencies; l++)
		for (size_t pin = 0; pin < cfg->pin_count; pin++)
		for (size_t r = 0; r < cfg->runner_count; r++) {
			const struct pb_runner *runner = cfg->runners[r];
			if (pb_plan_leaves_out(runner, kernel, sizes[s]))
				continue;
			struct pb_cell cell = {
				.kernel = kernel, .n = sizes[s], .runner = runner,
				.pin = &cfg->pins[pin],
				.scaling = cfg->scaling, .base_n = sizes[s],
				.latency_us = kernel->waits ? cfg->latencies_us[l] : 0,
				.inflight = 1,
				.run_sd = level ? level->run_sd : NAN,
				.pair_sd = level ? level->pair_sd : NAN,
			};
			if (!runner->schedules) {
				cell.workers = 1;
				if (push(plan, &cap, &cell))
					goto nomem;
				continue;
			}
			/* In flight is an axis only where there are waits to
			 * overlap: on a compute-bound kernel one is all. */
			size_t inflights = runner->overlaps && kernel->waits ? cfg->inflight_count : 1;
			for (size_t h = 0; h < cfg->schedule_count; h++) {
				if (!(runner->schedules & PB_SCHED_BIT(cfg->schedules[h].kind)))
					continue;
				if (runner->distributed && pb_kernel_bytes(kernel, sizes[s]) &&
				    cfg->schedules[h].kind != PB_SCHED_STATIC)
					continue;
				for (size_t f = 0; f < inflights; f++)
				for (size_t w = 0; w < cfg->worker_count; w++) {
					cell.has_schedule = 1;
					cell.sched = cfg->schedules[h];
					cell.workers = cfg->workers[w];
					cell.inflight = runner->overlaps && kernel->waits ? cfg->inflights[f] : 1;
					if (cfg->scaling == PB_SCALING_WEAK)
						cell.n = pb_scaling_size(kernel, sizes[s], cell.workers);
					cell.oversubscribed = cell.workers > cfg->allowed_cpus;
					if (cell.sched.kind != PB_SCHED_STATIC && !cell.sched.chunk)
						cell.sched.chunk = pb_default_chunk(
							pb_kernel_items(kernel, cell.n), cell.workers);
					if (cell.sched.kind == PB_SCHED_STATIC)
						cell.sched.chunk = 0;
					if (push(plan, &cap, &cell))
						goto nomem;
				}
			}
		}
	}
	return 0;
nomem:
	pb_plan_free(plan);
	return -ENOMEM;
}

void pb_plan_free(struct pb_plan *plan)
{
	free(plan->cells);
	plan->cells = NULL;
	plan->count = 0;
}

const char *pb_cell_pin_name(const struct pb_cell *cell)
{
	const struct pb_runner *r = cell->runner;
	if (r->own_placement && r->own_placement())
		return "runtime-env";
	return cell->pin ? pb_placement_name(cell->pin) : "none";
}

const char *pb_cell_schedule_name(const struct pb_cell *cell)
{
	return cell->has_schedule ? pb_sched_name(cell->sched.kind) : "none";
}
