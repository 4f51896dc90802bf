/*
 * How well a run's intervals describe a rerun: runs of the same sweep
 * compared cell by cell (parbench coverage RUN RUN [RUN...], make
 * bench-coverage).  Per kernel class, the share of run pairs whose 95%
 * CIs of the median overlap, the share of cells where another run's
 * median falls inside this run's CI, the half-width at the median cell,
 * and the cell whose medians differ most.  It says whether the runs'
 * intervals held a machine profile's run level or covered one run only.
 */
#ifndef PB_COVERAGE_H
#define PB_COVERAGE_H

#include <stddef.h>
#include <stdio.h>

/* Returns 0, or a negative errno with a one-line reason in err (-EINVAL:
 * a folder is not a run, or the runs share no cell).  With profile
 * non-NULL, also measures the run level of each class from three runs
 * or more of one machine (base/run_level.h) and writes it there as a
 * machine profile (store/profile.h). */
int pb_coverage_runs(char *const *runs, size_t count, const char *profile, FILE *out,
		     char *err, size_t errlen);

#endif
