/* A whole sweep: every cell of the plan, written to results/<run-id>/. */
#ifndef PB_SWEEP_H
#define PB_SWEEP_H

#include <stdio.h>

#include "../model/config.h"
#include "../model/result.h"

/*
 * Checks the plan against this machine (memory), creates the run folder
 * (or takes the finished cells of cfg->resume), writes the provenance,
 * runs every cell (shuffled when cfg->shuffle) and commits raw.csv; on
 * SIGTERM or SIGINT it stops after the cells finished so far (sw->stopped), printing a line per cell to `log` (may be NULL) and a
 * progress line to stderr when cfg->progress.  Returns 0 (failed cells are
 * counted, not errors), or a negative errno with a one-line reason in err:
 * -EINVAL when the cause is the user's input or results folder (fail.h).
 */
int pb_sweep_run(const struct pb_config *cfg, struct pb_sweep *sw, FILE *log,
		 char *err, size_t errlen);
void pb_sweep_free(struct pb_sweep *sw);

/* The result of the baseline runner (seq) at the same kernel, n and
 * placement, or NULL. */
const struct pb_cell_result *pb_sweep_baseline(const struct pb_sweep *sw,
					       const struct pb_cell *cell);

/* Writes summary.csv into the run folder (complete or not at all). */
int pb_sweep_write_summary(const struct pb_sweep *sw);

/* Measurement settings of a config. */
struct pb_measure pb_sweep_measure(const struct pb_config *cfg);

#endif
