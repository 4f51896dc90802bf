/* The size charts of a run: cost and speedup against problem size. */
#ifndef PB_PLOT_SIZES_H
#define PB_PLOT_SIZES_H

#include <stddef.h>

#include "../store/runfiles.h"
#include "drawn.h"

/*
 * For each kernel the run measured at two sizes or more (strong scaling),
 * renders dir/sizes-<kernel> (time per item against n) and
 * dir/size-speedup-<kernel> (speedup against n), .png and .svg: one line
 * per runner (and placement, where the run has several), each point the
 * runner's best worker count and schedule at that size, with its 95% CI;
 * logarithmic axes where the values span a decade; the caches' sizes
 * (from the run's provenance) as marks on the n axis of memory-bound
 * kernels.  Each chart goes into drawn under the kernel's first summary
 * row.  Returns 0, or a negative errno with a one-line message in err.
 */
int pb_plot_sizes(const struct pb_run *run, const char *dir, const char *machine,
		  struct pb_drawn *drawn, char *err, size_t errlen);

#endif
