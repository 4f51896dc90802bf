/* When a round counts as disturbed (measure/interference.h records the
 * readings; the report says the same thresholds). */
#ifndef PB_DISTURBED_H
#define PB_DISTURBED_H

/* The hypervisor stole more than this share of the machine's CPU time
 * during the round, or its speed probe ran this much slower than the
 * fastest probe of the sweep. */
#define PB_STEAL_DISTURBED_PCT 2.0
#define PB_PROBE_DISTURBED 1.25

#endif
