/*
 * What a sweep measures after its cells, as context for them: each
 * runner's fixed cost (overhead.h) and the machine's bandwidth limit
 * (reference.h), then written as overhead.csv and reference.csv.
 */
#ifndef PB_CONTEXT_H
#define PB_CONTEXT_H

#include "../model/config.h"
#include "../model/result.h"
#include "overhead.h"
#include "reference.h"

struct pb_context {
	struct pb_overhead overheads[PB_MAX_RUNNERS];
	size_t overhead_count;
	struct pb_reference *ref; /* ref_count entries */
	size_t ref_count;
};

/*
 * Measures the context of the cells sw ran, unless cfg asks for none or
 * the sweep was stopped; a stop request during it sets sw->stopped and
 * keeps what was measured (--resume measures the context again).  What
 * cannot be measured is left out.  Free with pb_context_free.
 */
void pb_context_measure(const struct pb_config *cfg, struct pb_sweep *sw, struct pb_context *c);
void pb_context_free(struct pb_context *c);

/* Sets this thread's timer slack, which every worker started later
 * inherits, to its least (1 ns): Linux lets a wait end up to 50 us late
 * by default, which would swamp waits of a few hundred microseconds.
 * The provenance records what it is.  0 or a negative errno. */
int pb_timer_slack_least(void);

/* Writes overhead.csv and reference.csv (those that have rows) into the
 * run folder, each complete or not at all.  Returns 0 or a negative errno. */
int pb_context_write(const struct pb_sweep *sw, const struct pb_context *c);

#endif
