/* Running one cell: open the runner, set up, warm up, time, verify. */
#ifndef PB_CELL_H
#define PB_CELL_H

#include "../model/result.h"

/*
 * Runs the cell's first round (the whole cell when m->rounds <= 1) and
 * fills r (which owns r->reps afterwards; release with
 * pb_cell_result_free).  A runner failure or a wrong result is not an
 * error here: it is recorded in r->failed and r->status.  Returns 0;
 * -EINTR when a stop request (pb_stop_requested) came during the round,
 * which is then taken back: r holds nothing of it; or -ENOMEM when the
 * harness itself could not go on.
 */
int pb_cell_run(const struct pb_cell *cell, const struct pb_measure *m,
		struct pb_cell_result *r);

/*
 * Measures round `round` (from 1) of a cell already run by pb_cell_run,
 * adding its repetitions to r: a new pool, new memory, warm-up, then this
 * round's share of m's repetitions and budget (m->rounds rounds in all).
 * Returns as pb_cell_run.
 */
int pb_cell_run_round(const struct pb_measure *m, unsigned round, struct pb_cell_result *r);

/* One more round after a disturbed one (its repetitions numbered past the
 * planned rounds); as pb_cell_run_round. */
int pb_cell_run_extra(const struct pb_measure *m, struct pb_cell_result *r);

/* Statistics, CI, outliers and bandwidth of r from its repetitions (also
 * for results read back from raw.csv). */
void pb_cell_summarise(struct pb_cell_result *r);

#endif
