/*
 * Placement policy: which CPU each worker (thread, process or MPI rank) is
 * bound to.  The topology comes from hwloc, never from /proc.
 *
 * Wiring, as the harness would do it (errors abbreviated):
 *
 *	struct pb_placement pin;
 *	char why[PB_PLACEMENT_WHY];
 *	if (pb_placement_parse(optarg, &pin, why))       // CLI: --pin TEXT
 *		fail("--pin %s: %s", optarg, why);
 *	struct hwloc_topology *topo;
 *	pb_placement_topology_load(&topo, NULL);        // once per sweep
 *	int cpus[PB_MAX_WORKERS], over;
 *	if (pb_placement_cpus(topo, &pin, workers, cpus, &over, why))
 *		record the cell as failed with why;
 *	opts.cpus = pb_placement_binds(&pin) ? cpus : NULL;
 *	opts.spin = !over;
 *	CSV: pb_placement_name(&pin) as the policy, pb_cpulist_format(cpus, ...)
 *	     as the CPUs; pb_placement_verify(cpus, out.cpu_start, workers)
 *	     counts workers that ran somewhere else.
 *	pb_placement_topology_free(topo);
 *
 * Policies ("--pin" text):
 *   none     no binding; the operating system places workers.
 *   compact  PUs in hwloc's logical order, one worker per core before any
 *            core's second hardware thread: worker w goes to the first PU
 *            of core w, and only when every usable core has one do the
 *            second PUs follow, again in core order.
 *   scatter  round-robin over the outermost domains that split the usable
 *            PUs: packages when more than one package has a usable PU,
 *            else NUMA nodes when more than one does, else the machine
 *            (then scatter is compact).  Within a domain, cores in logical
 *            order; again first PUs of all cores machine-wide before any
 *            second PU.
 *   LIST     explicit OS CPU indexes (the numbers taskset and likwid-pin
 *            use): "0-3,8"; ';' may stand for ',' and an optional "list:"
 *            prefix is accepted, so a name read back from a CSV parses.
 *            Worker w gets the w-th CPU in the order written.  Each CPU at
 *            most once, ranges ascending.
 *
 * Usable CPUs are hwloc's allowed cpuset (cgroups, Slurm) intersected with
 * the calling thread's binding (taskset, a launcher's binding) when the
 * topology is this machine's: under `taskset -c 1` everything lands on
 * CPU 1.  Call pb_placement_cpus from a thread that carries the process's
 * binding (the main thread between pools, not a pinned worker).  Caveat:
 * with OMP_PROC_BIND set, libgomp pins the initial thread to one CPU
 * before main(), so the usable set shrinks to that CPU.  More workers than
 * usable CPUs (or than a list names) is allowed: workers wrap round-robin
 * over the policy's order and the call reports oversubscription.
 *
 * CPU lists for CSV fields (pb_cpulist_format) use ';' between items and
 * '-' for ascending runs, never ',': "0-3;8".
 *
 * Contract: 0 or a negative errno, no printing, no exit.
 */
#ifndef PB_PLACEMENT_H
#define PB_PLACEMENT_H

#include <stddef.h>

/* hwloc itself is included only where placement is resolved and the
 * provenance written: everyone else holds a topology by this pointer. */
struct hwloc_topology;

enum pb_placement_kind {
	PB_PLACE_NONE,
	PB_PLACE_COMPACT,
	PB_PLACE_SCATTER,
	PB_PLACE_LIST,
	PB_PLACE_COUNT
};

/* Longest name, "list:" and the canonical list included. */
#define PB_PLACEMENT_NAME_MAX 128
/* Size of the buffers that receive a reason for a failure. */
#define PB_PLACEMENT_WHY 128
/* Highest CPU index a list may name; far above any machine, low enough
 * that a typo cannot ask hwloc for a huge bitmap. */
#define PB_PLACEMENT_CPU_MAX 1048575

/* A parsed policy; plain data, copy it freely, nothing to free. */
struct pb_placement {
	enum pb_placement_kind kind;
	/* "none", "compact", "scatter" or "list:" + canonical list ("0-3;8"). */
	char name[PB_PLACEMENT_NAME_MAX];
};

/*
 * Parses "none", "compact", "scatter" or a CPU list (see above).  Returns
 * 0, -EINVAL (not a policy; bad, descending or repeated entries) or
 * -E2BIG (the canonical name would not fit).  On failure, why (NULL, or
 * PB_PLACEMENT_WHY bytes) says what is wrong and *p is "none".
 */
int pb_placement_parse(const char *text, struct pb_placement *p, char *why);

/* The policy's name for CSV fields and plots: CSV-safe (no ',' or space). */
const char *pb_placement_name(const struct pb_placement *p);

/* Whether the policy binds workers at all (every policy but "none"). */
int pb_placement_binds(const struct pb_placement *p);

/*
 * Loads the topology of this machine (synthetic == NULL) or an hwloc
 * synthetic description such as "pack:2 numa:1 core:8 pu:2".  Returns 0
 * or a negative errno; release with pb_placement_topology_free (NULL is
 * fine).
 */
int pb_placement_topology_load(struct hwloc_topology **topo, const char *synthetic);
void pb_placement_topology_free(struct hwloc_topology *topo);

/*
 * Fills cpus[0..workers) with the OS index of the PU each worker is bound
 * to (all -1 for "none").  *oversubscribed (may be NULL) becomes 1 when
 * some CPU gets more than one worker, also for "none" when there are more
 * workers than usable CPUs.  Returns 0; -EINVAL for a bad argument or a
 * list naming a CPU outside the usable set; -ENODEV when no CPU is usable;
 * -ENOMEM.  why (NULL, or PB_PLACEMENT_WHY bytes) gets the reason.
 */
int pb_placement_cpus(struct hwloc_topology *topo, const struct pb_placement *p,
		      unsigned workers, int *cpus, int *oversubscribed, char *why);

/*
 * The CPUs the calling thread may run on (sched_getaffinity), ascending:
 * up to cap of them into cpus.  Returns how many there are (possibly more
 * than cap) or a negative errno.  Bound to exactly CPU c means: returns 1
 * and cpus[0] == c.
 */
int pb_placement_self(int *cpus, unsigned cap);

/*
 * Compares where workers were meant to run (want, from pb_placement_cpus)
 * with where they were seen (seen, e.g. pb_outcome.cpu_start).  Entries of
 * -1 on either side are not compared.  Returns how many workers ran
 * elsewhere (0: placement held), or -EINVAL.
 */
int pb_placement_verify(const int *want, const int *seen, unsigned workers);

/*
 * Formats count CPU numbers in the order given, ascending runs folded into
 * "a-b", items separated by ';' (CSV-safe): {0,1,2,3,8} gives "0-3;8",
 * {1,1} gives "1;1"; a negative entry (unknown) is written "?".  Like
 * snprintf: returns the length of the full text (it is cut to fit size,
 * always terminated when size > 0) or -EINVAL.
 */
int pb_cpulist_format(const int *cpus, unsigned count, char *buf, size_t size);

#endif
