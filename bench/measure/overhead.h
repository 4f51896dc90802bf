/*
 * A runner's fixed cost: dispatch and join of an empty job, measured the
 * way EPCC's syncbench measures OpenMP constructs (many back-to-back
 * dispatches per sample, the same body run without the construct as the
 * reference, overhead = difference of the two).
 */
#ifndef PB_OVERHEAD_H
#define PB_OVERHEAD_H

#include <stdio.h>

#include "../../runners/runner.h"

struct pb_overhead {
	const struct pb_runner *runner;
	unsigned workers;
	unsigned samples, dispatches;  /* dispatches per sample */
	double median_us, min_us, max_us; /* per dispatch */
	double reference_us;           /* the empty body, called directly */
	double overhead_us;            /* median - reference */
	int failed;
	char why[96];
};

/* Returns 0 (a runner failure is recorded in o->failed), or -ENOMEM. */
int pb_overhead_measure(const struct pb_runner *runner, unsigned workers,
			int spin, int quick, struct pb_overhead *o);

int pb_overhead_csv_header(FILE *f);
int pb_overhead_csv_row(FILE *f, const char *run_id, const struct pb_overhead *o);

#endif
