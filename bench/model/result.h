/* What one cell of the sweep measured. */
#ifndef PB_RESULT_H
#define PB_RESULT_H

#include <stdint.h>

#include "../placement/placement.h"
#include "../placement/resolved.h"
#include "../base/paths.h"
#include "plan.h"
#include "../base/rounds_ci.h"
#include "../base/stats.h"

struct pb_rep {
	double seconds;
	double comm_seconds; /* < 0: not measured by this runner */
	uint64_t result;
	int ok;              /* result == expected and the runner succeeded */
	unsigned round;      /* of the sweep's rounds, from 0 */
	double peer_ns;      /* CPU-to-CPU latency before the round, NaN: none */
	/* What the machine did to the round (measure/interference.h), the
	 * same for each of its repetitions: steal in percent (NaN: unknown),
	 * the speed probe before it in ns (NaN), involuntary context switches
	 * of this process (-1: unknown), and whether that made it disturbed. */
	double steal_pct, probe_ns;
	long invol;
	int disturbed;
	/* The longest any task doing the cell's work waited for a CPU during
	 * this repetition, in seconds (NaN: unknown), and whether that was
	 * past base/disturbed.h's share: such a repetition is left out of the
	 * cell's estimate (pb_rep_counts) and repeated. */
	double queued_s;
	int queued;
};

/* Whether repetition i is in the cell's estimate: verified, and not left
 * out for waiting on the CPU, unless every verified one waited (then the
 * cell has nothing else, and its queued_reps says so). */
#define pb_rep_counts(r, i)                                                               \
	((r)->reps[i].ok && (!(r)->reps[i].queued || (r)->queued_reps >= (r)->ok_count))

struct pb_expected_table;

struct pb_cell_result {
	struct pb_cell cell;
	uint64_t expected;
	double startup_s;    /* runner open: spawning (and pinning) workers */
	double init_s;       /* allocation and first-touch initialisation */
	struct pb_rep *reps; /* the timed repetitions */
	unsigned rep_count;
	unsigned ok_count;   /* of the timed ones */
	unsigned rounds;     /* rounds of the sweep that measured this cell */
	int failed;          /* any repetition (warm-up included) failed */
	char status[96];     /* "ok" or a reason, one token without commas */
	const char *stop;    /* why repetitions stopped: ci, budget, max, failed */
	struct pb_stats stats; /* of the seconds of the verified repetitions */
	double ci_low, ci_high; /* 95% CI of the median: with the cell's run level
				 * (cell.run_sd) where a machine profile gave one */
	double own_ci_low, own_ci_high; /* the same over this run's rounds alone */
	double round_spread;    /* how much the rounds differ (pb_rounds_spread) */
	double comm_median_s; /* median of comm_seconds, NaN: not measured */
	/* Interference: rounds flagged disturbed, the extra rounds run for
	 * them, the median without the disturbed rounds' repetitions (NaN:
	 * none left), the largest steal and probe slowdown seen. */
	unsigned disturbed_rounds, extra_rounds;
	double median_undisturbed_s, steal_pct_max, probe_slowdown_max;
	/* Verified repetitions left out for waiting on the CPU, and the
	 * median the cell would have with them. */
	unsigned queued_reps;
	double median_with_queued_s;
	unsigned outliers;
	/* NaN where not applicable: */
	double speedup, speedup_ci_low, speedup_ci_high, efficiency, karp_flatt;
	double weak_efficiency; /* T(1 worker, base n) / T(this cell) */
	double gbps, gbps_reference, gbps_ratio;
	double peer_ns_min, peer_ns_max; /* over the rounds, NaN: not measured */
	/* Kernels that wait: the makespan if every wait overlapped as the
	 * cell's concurrency allows (n x latency / (workers x inflight)), tasks
	 * per second, and the tasks' latencies at p50, p99 and p99.9 over
	 * the verified repetitions; NaN: not applicable or not recorded. */
	double ideal_s, tasks_per_s, task_s[3];
	uint64_t *task_ns;   /* every verified repetition's task latencies */
	size_t task_count;

	/* Placement: the policy used ("none", "compact", ..., "omp-env" when
	 * the runtime placed its own workers), the CPU each worker was bound
	 * to, and per timed repetition and worker where it was seen. */
	char pin[PB_PLACEMENT_NAME_MAX];
	int *cpus;           /* workers entries; -1: not bound */
	int *seen;           /* rep_count x workers x {bound, start, end} */
	unsigned binding_checked, binding_ok; /* worker-repetitions */
	/* The node (hostname) of each worker, ';' between them, as the last
	 * round's pool said (runner.h: node); NULL: not known. */
	char *nodes;
};

/* Longest nodes list kept (a sandboxed round hands it back in a buffer). */
#define PB_NODES_MAX 8192

/* How many different nodes a nodes list names: 0 for NULL or "". */
unsigned pb_nodes_count(const char *nodes);

/* Where worker w was seen in repetition rep: [0] bound, [1] start, [2] end. */
static inline int *pb_cell_seen(const struct pb_cell_result *r, unsigned rep, unsigned w)
{
	return &r->seen[((size_t)rep * r->cell.workers + w) * 3];
}

/* How long to measure a cell. */
struct pb_measure {
	unsigned warmup;
	unsigned min_reps, max_reps;
	double target_ci;   /* relative half-width of the median's 95% CI */
	double budget_s;    /* timed seconds per cell after min_reps */
	unsigned rounds;    /* the cell is measured in this many separate
			     * rounds, each with its share of the above */
	unsigned max_rounds; /* planned and extra rounds of a cell, at most */
	size_t extra_rounds; /* extra cell-rounds of the sweep, at most */
	unsigned extra_rounds_max; /* extra rounds disturbed ones may earn */
	unsigned allowed_cpus;
	int peer_cpus[2];   /* probed before each round (pb_peer_latency); -1: not */
	struct hwloc_topology *topology; /* this machine's, loaded once per sweep */
	struct pb_resolved *resolved; /* CPUs per policy and worker count, found
				       * once per sweep; NULL: each time */
	/* The reference values of kernels without expect (measure/expected.h),
	 * NULL: none made; and how long a sandboxed cell-round may take. */
	const struct pb_expected_table *expected;
	double cell_timeout;
	int sandbox_fork_unsafe; /* some cells run in a child: so do those of
				  * fork-unsafe runners (runner.h) */
	/* No contention sensor (measure/queued.h): no repetition is left out
	 * for waiting on the CPU.  For tests of the stopping rule, whose
	 * counts would otherwise depend on how busy the machine is. */
	int no_queued;
};

/* Whether the round last measured was disturbed (measure/interference.h). */
int pb_cell_last_round_disturbed(const struct pb_cell_result *r);

/* The verified repetitions' seconds (caller frees); *count set. */
double *pb_cell_ok_seconds(const struct pb_cell_result *r, size_t *count);
/* The same by round (base/rounds_ci.h), s->n == 0 when there are none;
 * 0 or -ENOMEM.  Free with pb_rounds_free. */
int pb_cell_ok_rounds(const struct pb_cell_result *r, struct pb_rounds *s);

void pb_cell_result_free(struct pb_cell_result *r);

/* A whole sweep in memory: the plan and what each of its cells measured. */
struct pb_sweep {
	char run_id[PB_RUN_ID_MAX];
	char dir[PB_PATH_MAX];      /* results/<run-id> */
	struct pb_plan plan;
	struct pb_cell_result *results; /* one per cell run, in plan order */
	size_t done;                /* cells run */
	size_t failed;              /* cells with a failure */
	size_t resumed;             /* cells taken from the folder (--resume) */
	size_t rounds_done, rounds_planned; /* cell-rounds (failed cells count
					     * their rounds as done) */
	int lock;                   /* the run folder's (store/rundir.h), -1: none */
	int stopped;                /* the signal that stopped the sweep before
				     * its end, or 0 */
	/* Reference values of kernels without expect, made before the cells
	 * (measure/expected.h); NULL until then. */
	struct pb_expected_table *expected;
	/* Cells --resume runs again, having failed for the machine's reason
	 * (a lost node, a launcher, a timeout): the start of each one's rows
	 * in raw.csv, which the copy of the old rows leaves out. */
	char **retried;
	size_t retried_count;
};

#endif
