/* When a round counts as disturbed (measure/interference.h records the
 * readings; the report says the same thresholds). */
#ifndef PB_DISTURBED_H
#define PB_DISTURBED_H

/* The hypervisor stole more than this share of the machine's CPU time
 * during the round, or its speed probe ran this much slower than the
 * fastest probe of the sweep. */
#define PB_STEAL_DISTURBED_PCT 2.0
#define PB_PROBE_DISTURBED 1.25

/* A repetition whose workers (any task doing the cell's work) waited for
 * a CPU, runnable but not running, for more than this share of its time,
 * and for more than the floor (a woken worker's ordinary scheduling
 * latency), was slowed by something else on the machine: it is left out
 * of the cell's estimate and repeated (measure/queued.h). */
#define PB_QUEUED_SHARE 0.05
#define PB_QUEUED_FLOOR_S 20e-6

/* The rule, for a repetition of `seconds` whose tasks waited queued_s at
 * most (NaN: unknown, never left out). */
static inline int pb_rep_waited(double queued_s, double seconds)
{
	return queued_s > PB_QUEUED_FLOOR_S && queued_s > PB_QUEUED_SHARE * seconds;
}

#endif
