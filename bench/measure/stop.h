/*
 * Stopping a sweep cleanly: SIGTERM (what Slurm sends at a job's time
 * limit, or earlier with sbatch --signal) and SIGINT only raise a flag.
 * The sweep checks it between cells and the cell runner between
 * repetitions, so finished cells are saved and the one in flight is
 * abandoned.
 */
#ifndef PB_STOP_H
#define PB_STOP_H

/* Installs the handlers.  Returns 0 or a negative errno. */
int pb_stop_install(void);

/* The signal that asked the sweep to stop, or 0. */
int pb_stop_requested(void);

#endif
