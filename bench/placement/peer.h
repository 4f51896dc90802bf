/*
 * The one-way latency of a cache line passed between two CPUs: a sensor of
 * where the machine really put them.  On a VM it tells what the guest's
 * topology hides: whether the host runs the two virtual CPUs on cores that
 * share a last-level cache (tens of ns) or not (hundreds), which it may
 * change from one second to the next, and which memory-bound kernels feel.
 */
#ifndef PB_PEER_H
#define PB_PEER_H

/* A latency this many times the lowest seen comes from another placement
 * (across caches): probes of one placement spread by about 2x at most, and
 * the two placements of a VM's vCPUs differ by 4x or more. */
#define PB_PEER_FAR 2.5

/* Where latencies from lo to hi (one probe: lo == hi) lie against the
 * lowest latency of the run. */
enum pb_peer_placement {
	PB_PEER_UNKNOWN,  /* no figures */
	PB_PEER_SHARED,   /* all under PB_PEER_FAR x lowest: sharing a cache */
	PB_PEER_ACROSS,   /* all at or over it: across caches */
	PB_PEER_BOTH,     /* some of each */
};

static inline enum pb_peer_placement pb_peer_placement(double lo, double hi, double lowest)
{
	if (!(lo > 0) || !(hi > 0) || !(lowest > 0))
		return PB_PEER_UNKNOWN;
	if (hi < PB_PEER_FAR * lowest)
		return PB_PEER_SHARED;
	return lo >= PB_PEER_FAR * lowest ? PB_PEER_ACROSS : PB_PEER_BOTH;
}

/* Two placements are told only when each was seen at least twice: one
 * probe a preemption slowed is not a move of the host. */
static inline int pb_peer_two_placements(unsigned long far, unsigned long near)
{
	return far >= 2 && near >= 2;
}

/* The first two CPUs this process may run on, or -1 each where it has
 * fewer. */
void pb_peer_cpus(int cpus[2]);

/* Measures the one-way latency between cpu_a and cpu_b in ns (the median of
 * a few batches of round trips, about a millisecond in all) with two
 * threads bound there.  Returns 0 or a negative errno: -EINVAL for two
 * equal CPUs or a negative one, so a zeroed pair means "no probe". */
int pb_peer_latency(int cpu_a, int cpu_b, double *ns);

#endif
