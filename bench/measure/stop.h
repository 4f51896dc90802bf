/*
 * Stopping a sweep cleanly: SIGTERM (what Slurm sends at a job's time
 * limit, or earlier with sbatch --signal) and SIGINT (once or twice) only
 * raise a flag.  The sweep checks it between cells and the cell runner
 * between repetitions, so finished cells are saved and the one in flight
 * is abandoned.
 *
 * A stop is honoured within PB_STOP_GRACE_S at any moment, even while a
 * runner is stuck (an MPI launcher that hangs, a fork worker that was
 * stopped) or a repetition is long: a watchdog thread, woken by the
 * signal, gives the sweep that long to leave its cells (pb_stop_settled),
 * and then PB_STOP_COMMIT_S to write what it has and exit; past either,
 * it commits the whole rows of the run folder's raw.csv.partial as
 * raw.csv (what the finished cell-rounds measured; --resume reads a run
 * back from it) and exits with status 3 itself.
 */
#ifndef PB_STOP_H
#define PB_STOP_H

#define PB_STOP_GRACE_S 0.5
#define PB_STOP_COMMIT_S 20.0
#define PB_STOP_EXIT 3 /* the exit status of a stopped sweep */

/* Installs the handlers and starts the watchdog.  Returns 0 or a
 * negative errno. */
int pb_stop_install(void);

/* The run folder whose rows the watchdog commits (copied; NULL: none). */
void pb_stop_guard(const char *run_dir);

/* Called when the sweep has left its cells after a stop: what is left to
 * do (summary, report) is bounded, and gets PB_STOP_COMMIT_S. */
void pb_stop_settled(void);

/* The signal that asked the sweep to stop, or 0. */
int pb_stop_requested(void);

#endif
