/* The sweep as a list of cells: kernel x size x runner x schedule x workers. */
#ifndef PB_PLAN_H
#define PB_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct pb_cell {
	const struct pb_kernel *kernel;
	uint64_t n;
	const struct pb_runner *runner;
	int has_schedule;          /* 0 for runners without one (seq) */
	struct pb_schedule sched;  /* chunk resolved for this cell */
	unsigned workers;
	int oversubscribed;        /* more workers than allowed CPUs */
	const struct pb_placement *pin; /* where its workers are bound */
	enum pb_scaling scaling;
	uint64_t base_n;           /* the size asked for; n is scaled from it
				    * under weak scaling */
	unsigned latency_us;       /* kernels that wait: each task's wait; 0 */
	unsigned inflight;         /* tasks each worker keeps waiting at once:
				    * --inflight for runners that overlap waits
				    * on kernels that wait, 1 otherwise */
	/* The machine profile's run level for this cell's class
	 * (base/run_level.h): what its median's interval adds for a rerun,
	 * and what a ratio with a cell of the same run adds; NaN: none. */
	double run_sd, pair_sd;
	size_t order;              /* position in the unshuffled plan */
	size_t position;           /* in the sweep's (shuffled) order */
};

struct pb_plan {
	struct pb_cell *cells;
	size_t count;
};

/* Builds the plan.  Returns 0 or -ENOMEM; pb_plan_free() releases it. */
int pb_plan_build(const struct pb_config *cfg, struct pb_plan *plan);

/* Whether the plan leaves the runner out at the kernel's size n: one that
 * only moves the kernel's memory (runner.h, moves_data) would repeat its
 * sibling's cells on a kernel without memory. */
int pb_plan_leaves_out(const struct pb_runner *runner, const struct pb_kernel *kernel,
		       uint64_t n);
void pb_plan_free(struct pb_plan *plan);

/* "dynamic" or "none" etc., for the CSV's schedule column. */
const char *pb_cell_schedule_name(const struct pb_cell *cell);

/* The placement a cell's rows name: its policy, or "runtime-env" when the
 * runner's runtime places workers as the user asked (OMP_PLACES). */
const char *pb_cell_pin_name(const struct pb_cell *cell);

#endif
