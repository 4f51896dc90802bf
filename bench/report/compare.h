/*
 * `parbench compare A B`: two runs side by side.  For every cell in both
 * (kernel, n, runner, schedule, workers): B's median time over A's with a
 * 95% bootstrap CI from the verified repetitions of each run's raw.csv, a
 * flag where that CI excludes 1, and the ratio of the median speedups; then
 * the cell whose median speedup changed most, overall and among the cells
 * that ran with the same CPU-to-CPU latency (peer.h) in both runs: on a VM
 * whose host moves the CPUs between caches, the others compare two
 * different machines.
 */
#ifndef PB_COMPARE_H
#define PB_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PB_COMPARE_RESAMPLES 2000
#define PB_COMPARE_SEED UINT64_C(20261122) /* printed with the table */
/* A change smaller than this (2%) is not called one, significant or not:
 * below what a rerun on a shared machine moves by itself. */
#define PB_COMPARE_THRESHOLD 0.02
#define PB_COMPARE_NAMED 8

/* What a comparison found, for callers and tests. */
struct pb_compare_result {
	size_t common, only_a, only_b;
	size_t slower, faster;  /* cells whose time ratio CI excludes 1 and whose
				 * change is at least PB_COMPARE_THRESHOLD */
	size_t small;           /* CI excludes 1, but the change is below it */
	size_t with_run_level;  /* cells whose interval includes the run level */
	double run_level_floor; /* the widest such level's floor (run_level.h) */
	double worst_change;    /* B/A - 1 of the median speedup, largest |.|; NaN: none */
	size_t same_host;       /* cells with the same CPU-to-CPU latency in both */
	/* The first slower cells, named as the table names them (a gate
	 * says which): "fib n=30 omp static workers=2". */
	char slower_cells[PB_COMPARE_NAMED][96];
	double worst_same_host; /* worst_change among those; NaN: none */
};

/* Prints the table to out.  Returns 0, or a negative errno with a
 * one-line message in err (-EINVAL when a run cannot be read; flagged
 * changes are not an error). */
int pb_compare_runs(const char *a, const char *b, FILE *out, struct pb_compare_result *res,
		    char *err, size_t errlen);

#endif
