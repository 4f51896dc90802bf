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

#include "../analyse/findings.h"
#include "../store/runfiles.h"
#include "drawn.h"

/* Writes both files into plots_dir, beside the charts it shows: those the
 * chart step drew.  Who won and where the CPUs ran come from the run's
 * findings.  Returns 0, or -EIO with a message in err. */
int pb_report_html_write(const struct pb_run *run, const struct pb_findings *found,
			 const struct pb_drawn *drawn, const char *plots_dir, char *err,
			 size_t errlen);

#endif
