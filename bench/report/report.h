/* The figures a user reads at the end of a sweep, printed as text. */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stdio.h>

#include "render.h"

/*
 * Prints, from the run's files and findings (render.h): how many pinned
 * workers stayed on their CPU; where the host ran the CPUs; each cell's
 * median under each --pin policy; per kernel and size the fastest cell;
 * the parallel efficiency of compute-bound kernels at the largest worker
 * count with a CPU per worker; how far one-worker runs are from seq; the
 * Amdahl fits; bandwidth against the reference; the dispatch costs and
 * the break-even sizes.
 */
void pb_report_print(FILE *f, const struct pb_results *r);

#endif
