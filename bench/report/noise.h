/*
 * How a run's repetitions vary over time, cell by cell (parbench noise
 * RUN_DIR, make bench-noise): what makes rounds differ on a machine.
 * Within each round, in the order the repetitions ran: how much one
 * varies (the standard deviation of its log about its round's mean), how
 * much neighbours agree (the autocorrelation of those logs at lags 1 to 3:
 * noise that outlasts a repetition), and how much the median of 3, 6 or
 * 12 consecutive ones varies: what a round of that many would.
 */
#ifndef PB_NOISE_H
#define PB_NOISE_H

#include <stddef.h>
#include <stdio.h>

/* A round needs this many verified repetitions to tell the structure. */
#define PB_NOISE_MIN_REPS 24

/* Returns 0, or a negative errno with a one-line reason in err (-EINVAL:
 * not a run, or no cell with PB_NOISE_MIN_REPS repetitions in a round). */
int pb_noise_run(const char *path, FILE *out, char *err, size_t errlen);

#endif
