/*
 * How fast the machine itself was during a run: the median of the
 * fixed-work speed probe that runs on the workers' CPUs before every
 * cell-round (raw.csv probe_ns).  Between two runs of the same code it
 * tells a machine that changed from code that did: a compute-bound shift
 * every cell shares, with the probe shifting alike, is the machine's.
 */
#ifndef PB_SPEED_H
#define PB_SPEED_H

#include "../store/runfiles.h"

/* The median probe_ns of the run's raw.csv, NaN where it has none. */
double pb_run_probe_ns(const struct pb_run *run);

#endif
