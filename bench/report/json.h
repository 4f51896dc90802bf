/*
 * A run in Google Benchmark's JSON format (json_schema_version 1), so that
 * its compare.py, github-action-benchmark and Bencher read parbench's
 * results: a `context` from the run's provenance and one `benchmarks`
 * entry per verified repetition (run_type "iteration", repetition_index),
 * then the cell's median, mean and stddev (run_type "aggregate").  A cell
 * is named kernel/n:N/runner[/schedule]/pin:P/threads:W; `threads` is its
 * worker count; GB/s and the speedup over seq are user counters.  A cell
 * that failed is one entry with error_occurred.  Times are in
 * microseconds (time_unit "us").  parbench measures no CPU
 * time, so cpu_time repeats real_time (the context says so).  Numbers that
 * are not finite are left out, never written as NaN.
 */
#ifndef PB_JSON_H
#define PB_JSON_H

#include <stdio.h>

#include "../store/runfiles.h"

/* The file each run folder gets. */
#define PB_JSON_FILE "benchmark.json"

/* Writes run (raw.csv read) to out.  Returns 0, -EINVAL (its files lack a
 * column this needs), -ENOMEM, or -EIO
 * when writing failed. */
int pb_json_write(FILE *out, const struct pb_run *run);

#endif
