/*
 * How much a run's rounds differ, kernel by kernel, and what that allows.
 * An interval over R rounds that differ by s (round_spread) cannot
 * honestly be narrower than about t(R - 1) s / sqrt(R): where a run's CIs
 * are wide, this says that the machine made them so, and how many rounds
 * --target-ci would take at that noise.  The text report and the HTML and
 * Markdown ones say it alike.
 */
#ifndef PB_SPREAD_H
#define PB_SPREAD_H

#include <stdio.h>

#include "../store/runfiles.h"

/* More rounds than this a cell is not advice anyone can take. */
#define PB_SPREAD_MOST_ROUNDS 100

/* One kernel's cells, each figure at its median cell. */
struct pb_kernel_spread {
	const char *kernel; /* a field of the run's summary table */
	double spread;      /* round_spread */
	unsigned rounds;    /* rounds, the extra ones included */
	double half;        /* the relative half-width of the median's 95% CI */
	unsigned need;      /* rounds --target-ci takes at that spread; 0: more
			     * than PB_SPREAD_MOST_ROUNDS, or no target */
};

/*
 * The kernels whose verified cells have a round_spread (two rounds or
 * more), in the summary's order, into a malloc'd array (*out, free it);
 * *target is the run's --target-ci (NaN where the provenance lacks it).
 * Returns how many: none for a run before round_spread or of one round.
 */
size_t pb_round_spreads(const struct pb_run *run, struct pb_kernel_spread **out,
			double *target);

/* "about 13 rounds a cell", "more than 100 rounds a cell", or "" where the
 * half-width is within the target. */
void pb_spread_advice(const struct pb_kernel_spread *k, double target, char *buf, size_t len);

/* The text report's section; nothing where pb_round_spreads has none. */
void pb_report_round_spread(FILE *f, const struct pb_run *run);

#endif
