/* The weak-scaling chart of a run: efficiency against workers. */
#ifndef PB_PLOT_WEAK_H
#define PB_PLOT_WEAK_H

#include <stddef.h>

/*
 * Renders dir/weak-<kernel>-<base n>.png and .svg from the weak-scaling
 * rows of run_dir/summary.csv, one line per runner and schedule; machine
 * goes in the title.  A run without such rows gets no chart.  Returns 0,
 * or -1 with a one-line message in err.
 */
int pb_plot_weak(const char *run_dir, const char *dir, const char *machine, char *err,
		 size_t errlen);

#endif
