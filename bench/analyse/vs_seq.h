/*
 * One worker against seq: the cost of a runner's machinery with nothing
 * to share.  Each one-worker cell's time ratio to seq (the same kernel
 * and size) with its 95% CI, judged by the rule the winner is judged by:
 * a tie where the interval holds 1; where it does not, practically the
 * same within PB_VS_SEQ_TOLERANCE, else slower or faster.  Only cells for
 * which the comparison means something: one worker, one task in flight
 * (async with more overlaps waits, it is no one-worker cell), not seq.
 */
#ifndef PB_VS_SEQ_H
#define PB_VS_SEQ_H

#include <stddef.h>

#include "findings.h"

#define PB_VS_SEQ_TOLERANCE 0.03

enum pb_vs_seq_verdict {
	PB_VS_SEQ_NO_INTERVAL, /* one round, or seq's interval unknown */
	PB_VS_SEQ_TIE,         /* the CI holds 1 */
	PB_VS_SEQ_WITHIN,      /* significant, but within the tolerance */
	PB_VS_SEQ_SLOWER,
	PB_VS_SEQ_FASTER,
};

struct pb_vs_seq {
	size_t row;                /* summary.csv's */
	double ratio, low, high;   /* time over seq's, and its 95% CI */
	enum pb_vs_seq_verdict verdict;
};

/* The one-worker cells of the run into out (at most max); their count. */
size_t pb_vs_seq_find(const struct pb_findings *f, struct pb_vs_seq *out, size_t max);

/* The verdict in a few words: "a tie", "within 3%", "slower, outside 3%". */
const char *pb_vs_seq_words(enum pb_vs_seq_verdict v);

#endif
