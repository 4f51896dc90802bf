/*
 * How far run B agrees with run A where it counts for a user: each cell's
 * median within PB_AGREE_MEDIAN of A's, and each kernel's winner the same
 * runner, or a tie in both.  `parbench compare` prints it; `make
 * bench-busy` uses it to hold a sweep beside a background load against
 * the same sweep on the quiet machine, and two quiet runs against each
 * other for what the machine alone allows.
 */
#ifndef PB_AGREEMENT_H
#define PB_AGREEMENT_H

#include <stddef.h>
#include <stdio.h>

#include "../store/runfiles.h"

#define PB_AGREE_MEDIAN 0.03

struct pb_agreement {
	size_t cells, medians_within;   /* verified in both; within PB_AGREE_MEDIAN */
	size_t groups, winners_agree;   /* kernel and n in both; same winner or tied */
	char differ[4][160];            /* the first groups whose winners differ */
	size_t differ_count;
};

/* Fills ag and prints its two lines to out.  Returns 0 or -ENOMEM. */
int pb_agreement_print(FILE *out, const struct pb_run *a, const struct pb_run *b,
		       struct pb_agreement *ag);

#endif
