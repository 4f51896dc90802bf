/* Descriptive statistics of a sample of timings. */
#ifndef PB_STATS_H
#define PB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct pb_stats {
	size_t count;
	double median, min, max, mean, stddev; /* stddev: sample (n - 1) */
};

/* Fills s from x[0..count) (x is not modified).  count 0 gives NaNs.
 * Returns 0, or -ENOMEM. */
int pb_stats_compute(const double *x, size_t count, struct pb_stats *s);

/* Sorts x[0..count) ascending. */
void pb_sort_doubles(double *x, size_t count);

/* Median of x[0..count), sorting x in place; NaN when count is 0. */
double pb_median_inplace(double *x, size_t count);

/*
 * Distribution-free 95% confidence interval of the median from order
 * statistics: [x(j), x(n-j+1)] with j the largest rank whose binomial tail
 * P(B(n, 1/2) < j) stays within 2.5%.  sorted must be ascending.  Below 6
 * values no such j exists and the interval is [min, max] (coverage < 95%).
 */
void pb_median_ci(const double *sorted, size_t count, double *lo, double *hi);

/* How wide an interval [lo, hi] is about its point: its wider side over
 * the point (0.05: +-5%). */
double pb_relative_half_width(double point, double lo, double hi);

/* Values outside Tukey's fences [Q1 - 1.5 IQR, Q3 + 1.5 IQR]. */
size_t pb_outliers_tukey(const double *sorted, size_t count);

/* A small, fast, reproducible generator (splitmix64). */
uint64_t pb_random_next(uint64_t *state);

/*
 * Amdahl fit of speedups s[i] at worker counts p[i]: 1/S = f + (1 - f)/p is
 * linear in f, so least squares through the origin on
 * y = 1/S - 1/p, x = 1 - 1/p gives f and its standard error (NaN with fewer
 * than two points that carry information, i.e. p > 1).  Returns the number
 * of points used.
 */
size_t pb_amdahl_fit(const unsigned *p, const double *s, size_t count, double *f,
		     double *se);

/* Karp-Flatt experimentally determined serial fraction; NaN for p = 1. */
double pb_karp_flatt(double speedup, unsigned p);

/* Sorts v ascending in place. */
void pb_sort_u64(uint64_t *v, size_t n);

/* The q-quantile (0 < q <= 1) of n sorted values by nearest rank: the
 * smallest value with at least q of them at or below it (p99 of 1..1000
 * is 990).  0 for n == 0. */
uint64_t pb_nearest_rank(const uint64_t *sorted, size_t n, double q);

#endif
