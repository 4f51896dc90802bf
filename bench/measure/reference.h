/*
 * The machine's bandwidth limit as context for the memory-bound kernels:
 * STREAM-like copy, triad and dot, run by the same runner with the same
 * worker count (and placement) as the kernels they are compared with.
 */
#ifndef PB_REFERENCE_H
#define PB_REFERENCE_H

#include <stdio.h>

#include "../model/config.h"
#include "../model/result.h"

struct pb_reference {
	const struct pb_runner *runner;
	unsigned workers;
	const struct pb_kernel *test; /* stream-copy, -triad or -dot */
	uint64_t n;
	double median_s, gbps;        /* NaN when it failed */
	double peer_ns;               /* CPU-to-CPU latency probed before it */
	char status[96];
};

/*
 * Measures every test for every (runner, workers) pair that ran a
 * memory-bound kernel among results[0..count).  Returns the number of
 * entries filled in *out (caller frees), or a negative errno.  A stop
 * request (pb_stop_requested) ends it early with what it has.
 */
int pb_reference_measure(const struct pb_cell_result *results, size_t count,
			 const struct pb_measure *m, int quick,
			 struct pb_reference **out);

/* The test with the best GB/s for this runner and worker count, or NULL. */
const struct pb_reference *pb_reference_best_test(const struct pb_reference *ref,
						 size_t count, const struct pb_runner *runner,
						 unsigned workers);

/* Best reference GB/s for this runner and worker count, or NaN. */
double pb_reference_best(const struct pb_reference *ref, size_t count,
			 const struct pb_runner *runner, unsigned workers);

int pb_reference_csv(FILE *f, const char *run_id, const struct pb_reference *ref,
		     size_t count);

#endif
