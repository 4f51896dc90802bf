/* Running the gnuplot scripts of plots/NAME.gp. */
#ifndef PB_GNUPLOT_H
#define PB_GNUPLOT_H

#include <stddef.h>

/*
 * Full path of a script: $PARBENCH_DATADIR, else beside the executable in
 * the build tree (build/../plots) or an installed tree (bin/../share/parbench).
 * Returns 0 or -ENOENT.
 */
int pb_gnuplot_script(const char *name, char *path, size_t len);

/*
 * Runs `gnuplot -e vars script` in folder cwd, so that the data and output
 * names in vars can be relative (and free of the spaces and quotes a full
 * path may hold).  Returns 0, or a negative errno with a
 * message in err (-ENOENT: gnuplot is not installed).
 */
int pb_gnuplot_run(const char *script, const char *cwd, const char *vars, char *err,
		   size_t errlen);

/* Makes text safe inside a gnuplot double-quoted string (in place). */
void pb_gnuplot_quote_safe(char *s);

#endif
