/*
 * The CPUs of each (policy, worker count), resolved once per sweep: every
 * round of every cell with that policy and worker count binds its workers
 * to the same CPUs, and hwloc is asked once, not once per cell-round.
 * Contract: 0 or a negative errno, no printing.
 */
#ifndef PB_RESOLVED_H
#define PB_RESOLVED_H

#include "placement.h"

struct pb_resolved; /* opaque: create, use, free */

/* Returns 0 or -ENOMEM; free with pb_resolved_free (NULL is fine). */
int pb_resolved_create(struct pb_resolved **r);
void pb_resolved_free(struct pb_resolved *r);

/*
 * As pb_placement_cpus (same arguments, results and errors, a failure's
 * reason included), from what an earlier call with the same topology,
 * policy name and worker count found; r NULL resolves every time.
 */
int pb_resolved_cpus(struct pb_resolved *r, struct hwloc_topology *topo,
		     const struct pb_placement *p, unsigned workers, int *cpus,
		     int *oversubscribed, char *why);

/* How many times hwloc was asked (for tests). */
unsigned pb_resolved_lookups(const struct pb_resolved *r);

#endif
