/* Descriptive statistics of a sample of timings. */
#ifndef PB_STATS_H
#define PB_STATS_H

#include <stddef.h>

struct pb_stats {
	size_t count;
	double median, min, max, mean, stddev; /* stddev: sample (n - 1) */
};

/* Fills s from x[0..count) (x is not modified).  count 0 gives NaNs.
 * Returns 0, or -ENOMEM. */
int pb_stats_compute(const double *x, size_t count, struct pb_stats *s);

/* Median of x[0..count), sorting x in place; NaN when count is 0. */
double pb_median_inplace(double *x, size_t count);

#endif
