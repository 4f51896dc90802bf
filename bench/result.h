/* What one cell of the sweep measured. */
#ifndef PB_RESULT_H
#define PB_RESULT_H

#include <stdint.h>

#include "plan.h"
#include "stats.h"

struct pb_rep {
	double seconds;
	double comm_seconds; /* < 0: not measured by this runner */
	uint64_t result;
	int ok;              /* result == expected and the runner succeeded */
};

struct pb_cell_result {
	struct pb_cell cell;
	uint64_t expected;
	double startup_s;    /* runner open: spawning (and pinning) workers */
	double init_s;       /* allocation and first-touch initialisation */
	struct pb_rep *reps; /* the timed repetitions */
	unsigned rep_count;
	unsigned ok_count;   /* of the timed ones */
	int failed;          /* any repetition (warm-up included) failed */
	char status[96];     /* "ok" or a reason, one token without commas */
	struct pb_stats stats; /* of the seconds of the verified repetitions */
	double speedup, efficiency, gbps; /* NaN where not applicable */
};

void pb_cell_result_free(struct pb_cell_result *r);

#endif
