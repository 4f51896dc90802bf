/*
 * The charts of a run, rendered by gnuplot from its tables: one PNG and
 * one SVG per chart, and a list of what was drawn for the report.
 */
#ifndef PB_PLOT_H
#define PB_PLOT_H

#include <stddef.h>

#include "../analyse/findings.h"
#include "../store/runfiles.h"
#include "drawn.h"

/* Draws every chart of run into dir (which exists, with dir/data) and
 * lists them in drawn.  Returns 0, or a negative errno with a one-line
 * reason in err
 * (a script missing, gnuplot failing or leaving an empty file). */
int pb_charts_draw(const struct pb_run *run, const struct pb_findings *found, const char *dir,
		   struct pb_drawn *drawn, char *err, size_t errlen);

#endif
