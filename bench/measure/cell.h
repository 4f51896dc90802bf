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

/* One more round past the planned ones (its repetitions numbered past
 * them); as pb_cell_run_round. */
int pb_cell_run_extra(const struct pb_measure *m, struct pb_cell_result *r);

/*
 * How much a cell that has had its planned rounds needs another: 0 none;
 * else its interval over rounds is wider than m->target_ci (the need is
 * the width over the target), or it has a disturbed round not yet
 * answered by an extra one, up to m->extra_rounds_max (PB_NEED_DISTURBED
 * more); never past m->max_rounds or m->max_reps.  The rounds disagree,
 * so more of them, not more repetitions, narrow the interval.
 */
#define PB_NEED_DISTURBED 1e6
double pb_cell_round_need(const struct pb_measure *m, const struct pb_cell_result *r);

/* Names why the cell's measuring ended, once no round is to come: "ci"
 * (its interval within m->target_ci), "rounds" (m->max_rounds reached),
 * "max" (m->max_reps), "extras" (the sweep's extra cell-rounds spent), or,
 * where no extra round could run, what its last round said. */
void pb_cell_settle(const struct pb_measure *m, struct pb_cell_result *r);

/* Statistics, CI, outliers and bandwidth of r from its repetitions (also
 * for results read back from raw.csv). */
void pb_cell_summarise(struct pb_cell_result *r);

#endif
