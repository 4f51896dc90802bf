/* The latency-bound chart of a run: throughput against concurrency. */
#ifndef PB_PLOT_LATENCY_H
#define PB_PLOT_LATENCY_H

#include <stddef.h>

#include "../store/runfiles.h"
#include "drawn.h"

/*
 * For each kernel that waits, at each size and latency, renders
 * dir/throughput-<kernel>-<n>-latency<L>us (.png, .svg): tasks per second
 * against concurrency (workers x tasks in flight per worker), one line
 * per runner, each point its fastest cell at that concurrency, beside the
 * ideal, concurrency / latency.  Returns 0, or a negative errno with a
 * one-line message in err.
 */
int pb_plot_latency(const struct pb_run *run, const char *dir, const char *machine,
		    struct pb_drawn *drawn, char *err, size_t errlen);

#endif
