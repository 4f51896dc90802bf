/* Charts of a run, rendered by gnuplot from its summary.csv. */
#ifndef PB_PLOT_H
#define PB_PLOT_H

#include <stddef.h>

/*
 * Renders plots_root/<run-id>/ (run-id: the last component of run_dir,
 * following a `latest` link) and points plots_root/latest at it.
 * Returns 0, or one of the codes below with a one-line message in err.
 * out gets the folder.
 */
#define PB_PLOT_FAILED -1   /* gnuplot or the report could not be made */
#define PB_PLOT_UNUSABLE -2 /* no readable run there, or plots_root unwritable */

int pb_plot_run(const char *run_dir, const char *plots_root, char *out,
		size_t outlen, char *err, size_t errlen);

#endif
