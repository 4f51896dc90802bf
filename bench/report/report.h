/* The figures a user reads at the end of a sweep, printed as text. */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stdio.h>

#include "../analyse/analysis.h"
#include "../measure/overhead.h"
#include "../measure/reference.h"
#include "../measure/sweep.h"

/*
 * Prints, per kernel, the best runner; the parallel efficiency at the
 * largest worker count that has a CPU per worker; how far one-worker runs
 * are from seq; and the dispatch costs.
 */
void pb_report_print(FILE *f, const struct pb_sweep *sw, const struct pb_overhead *o,
		     size_t overhead_count, const struct pb_reference *ref, size_t ref_count,
		     const struct pb_analysis *a, unsigned allowed_cpus);

#endif
