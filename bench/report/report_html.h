/*
 * The report of a run as a page: plots/<run-id>/index.html, which opens
 * offline in a browser, and its Markdown twin index.md.  Which runner won
 * each kernel and size and by how much, the charts, dispatch overheads,
 * break-even sizes, the bandwidth reference and the run's provenance.
 * (report.c prints the text summary at the end of a sweep.)
 */
#ifndef PB_REPORT_HTML_H
#define PB_REPORT_HTML_H

#include <stddef.h>

#include "../store/runfiles.h"

/* Writes both files into plots_dir, beside the charts it shows (an image
 * is referenced only where its file exists).  Returns 0, or -1 with a
 * message in err. */
int pb_report_html_write(const struct pb_run *run, const char *plots_dir, char *err,
			 size_t errlen);

#endif
