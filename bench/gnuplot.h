/* Finding the gnuplot scripts and running gnuplot on one of them. */
#ifndef PB_GNUPLOT_H
#define PB_GNUPLOT_H

#include <stddef.h>

/* path of the script name: $PARBENCH_DATADIR, else beside the executable
 * (build/../plots, bin/../share/parbench).  Returns 0 or -ENOENT. */
int pb_gnuplot_script(const char *name, char *path, size_t len);

/* Runs gnuplot -e vars script.  Returns 0, or -1 with a one-line message
 * in err (gnuplot missing says so, and what to do instead). */
int pb_gnuplot_run(const char *script, const char *vars, char *err, size_t errlen);

#endif
