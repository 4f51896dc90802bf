/*
 * How much did it change: the ratio of two samples' medians with a
 * percentile bootstrap confidence interval.  Each sample is resampled with
 * replacement on its own (the two runs are independent); a fixed seed makes
 * the interval reproducible.
 */
#ifndef PB_RATIO_CI_H
#define PB_RATIO_CI_H

#include <stddef.h>
#include <stdint.h>

#include "rounds_ci.h" /* struct pb_ratio_ci */


/*
 * Fills ci for median(b) / median(a), level e.g. 0.95, from `resamples`
 * bootstrap resamples drawn with a generator seeded by seed.  Returns 0,
 * -EINVAL (an empty sample, a level outside (0, 1), no resamples) or
 * -ENOMEM.  a and b are not modified.
 */
int pb_ratio_ci_bootstrap(const double *a, size_t na, const double *b, size_t nb,
			  unsigned resamples, double level, uint64_t seed,
			  struct pb_ratio_ci *ci);

#endif
