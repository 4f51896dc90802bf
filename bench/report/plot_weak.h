/* The weak-scaling chart of a run: efficiency against workers. */
#ifndef PB_PLOT_WEAK_H
#define PB_PLOT_WEAK_H

#include <stddef.h>

#include "../store/runfiles.h"
#include "drawn.h"

/*
 * Renders dir/weak-<kernel>-<base n>.png and .svg from the weak-scaling
 * rows of the run's summary, one line per runner and schedule (and
 * placement, where the run has several); machine goes in the title, each
 * chart into drawn.  A run without such rows gets no chart.  Returns 0,
 * or a negative errno with a one-line message in err.
 */
int pb_plot_weak(const struct pb_run *run, const char *dir, const char *machine,
		 struct pb_drawn *drawn, char *err, size_t errlen);

#endif
