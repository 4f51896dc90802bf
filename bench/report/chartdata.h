/*
 * What the charts of one kernel at one size show, gathered from a run's
 * summary.csv (and fits.csv, reference.csv where the run has them): one
 * series per runner and schedule, points sorted by worker count.
 */
#ifndef PB_CHARTDATA_H
#define PB_CHARTDATA_H

#include <stddef.h>
#include <stdio.h>

#include "../store/runfiles.h"

#define PB_CHART_MAX_SERIES 32
#define PB_CHART_MAX_POINTS 64

/* Every double is NaN where the run does not have it. */
struct pb_chart_point {
	unsigned workers;
	int oversubscribed;
	double speedup, speedup_lo, speedup_hi;
	double median, median_lo, median_hi;
	double efficiency, gbps, gbps_ref;
};

struct pb_chart_series {
	char runner[32], schedule[160]; /* schedule, and placement when several */
	double serial_fraction; /* of the Amdahl fit in fits.csv */
	unsigned min_nodes, max_nodes; /* its cells spanned; 0: not recorded */
	struct pb_chart_point pt[PB_CHART_MAX_POINTS];
	size_t count;
};

struct pb_chart_group {
	char kernel[64], n[32];
	/* Parallel runners first, the seq baseline (when present) last, so
	 * that charts of speedup can take the first `parallel` series. */
	struct pb_chart_series series[PB_CHART_MAX_SERIES];
	size_t count, parallel;
	int has_speedup_ci, has_median_ci, has_gbps, has_gbps_ref, has_fit;
	unsigned max_workers, first_oversubscribed; /* 0: none oversubscribed */
	unsigned max_fitting; /* largest worker count with a CPU each; 0: none */
	double min_median, max_median;
};

/* Fills g for the kernel and n of summary row `row`.  Returns 0, or
 * -EINVAL when the summary lacks a key column. */
int pb_chart_group_load(const struct pb_run *run, size_t row, struct pb_chart_group *g);

/*
 * g with one series per parallel runner, for the speedup and overview
 * charts: of each runner's schedules (and placements) the one with the
 * highest speedup at its largest worker count, its schedule named "...,
 * best of K" where there were K; seq stays last.  The detail charts keep
 * every schedule.
 */
void pb_chart_group_best(const struct pb_chart_group *g, struct pb_chart_group *best);

/* A series' name in charts and keys: "omp dynamic", "seq", and where its
 * cells spanned several nodes "mpi static, 1-3 nodes". */
void pb_chart_series_name(const struct pb_chart_series *s, char *buf, size_t len);

/*
 * Writes g as gnuplot data: one block per series (separated by two blank
 * lines), whose first line names the series in column 2, then
 *   workers speedup lo hi median_s lo hi efficiency gbps gbps_ref oversubscribed
 * with NaN where a value is missing; a missing CI is written as the value
 * itself, so the error bar collapses onto the point.
 */
int pb_chart_group_write(FILE *f, const struct pb_chart_group *g);

/* The file name, without extension, of chart `type` (speedup, efficiency,
 * time, bandwidth) of a kernel at size n, made of plain characters. */
void pb_chart_basename(char *buf, size_t len, const char *type, const char *kernel,
		       const char *n);

#endif
