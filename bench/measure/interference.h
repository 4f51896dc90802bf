/*
 * What the machine did to a round (Hoefler and Belli, rule 9): CPU time
 * the hypervisor stole, involuntary context switches of this process's
 * threads, and a short fixed-work speed probe on the round's CPUs.  What a
 * machine cannot tell is unknown (NaN, -1), never an error.
 */
#ifndef PB_INTERFERENCE_H
#define PB_INTERFERENCE_H

#include <stddef.h>

#include "../base/disturbed.h"

struct pb_machine_sample {
	double steal, total; /* jiffies of every CPU from /proc/stat, NaN: unknown */
	long invol;          /* involuntary context switches so far, -1: unknown */
};

void pb_machine_sample(struct pb_machine_sample *s);

/* Percent of the CPU time between two samples the hypervisor stole, NaN:
 * unknown.  Involuntary switches between them, -1: unknown. */
double pb_steal_pct(const struct pb_machine_sample *a, const struct pb_machine_sample *b);
long pb_invol_switches(const struct pb_machine_sample *a, const struct pb_machine_sample *b);

/* Nanoseconds the fixed work takes on the slowest of cpus (the calling
 * thread moved to each in turn, its affinity restored after); cpus of -1,
 * or count 0: where the thread is.  The best of a few tries per CPU. */
double pb_probe_speed(const int *cpus, unsigned count);

#endif
