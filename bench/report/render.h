/*
 * One way from a run folder to everything people and tools read of it:
 * the folder is read once (pb_results_open), what it found is computed
 * once (analyse/findings.h), and every reporter gets the same: the text
 * report (report.h), benchmark.json (json.h), the charts and the HTML and
 * Markdown pages.  The end of a sweep, `parbench --resume`, `parbench
 * merge` and `parbench plot RUN_DIR` all go through here.
 */
#ifndef PB_RENDER_H
#define PB_RENDER_H

#include <stddef.h>

#include "../analyse/findings.h"
#include "../store/runfiles.h"

struct pb_results {
	struct pb_run run;        /* its CSV files and provenance */
	struct pb_findings found; /* what they show */
};

/* Reads the run at run_dir (a `latest` link is followed).  Returns 0, or
 * -EINVAL (no readable run there) or -ENOMEM with a one-line reason in err. */
int pb_results_open(const char *run_dir, struct pb_results *r, char *err, size_t errlen);
void pb_results_close(struct pb_results *r);

/*
 * Draws the charts and writes index.html and index.md into
 * plots_root/<run-id>/ (its name into out), and points plots_root/latest
 * at it.  Returns 0 or a negative errno with a one-line reason in err:
 * -EINVAL when plots_root cannot be written or the run lacks what a chart
 * needs, -ENOENT when gnuplot is not installed here, another value when
 * gnuplot or the report could not be made.
 */
int pb_render_pages(const struct pb_results *r, const char *plots_root, char *out, size_t outlen,
		    char *err, size_t errlen);

/* Writes benchmark.json into the run folder (complete or not at all);
 * a run without raw.csv has no repetitions to write and gets none.
 * Returns 0 or a negative errno with a one-line reason in err. */
int pb_render_json(const struct pb_results *r, char *err, size_t errlen);

/* parbench plot RUN_DIR: the pages of a run again, e.g. on a login node.
 * Returns as pb_render_pages. */
int pb_plot_run(const char *run_dir, const char *plots_root, char *out, size_t outlen, char *err,
		size_t errlen);

#endif
