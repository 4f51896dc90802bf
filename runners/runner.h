/*
 * The runner interface: how a job's index space is spread over workers.
 *
 * Contract (hwloc style): functions returning int give 0 on success and a
 * negative errno value on failure; they never print and never exit.  Every
 * successful open() is paired with one close().
 *
 * The harness times run() the same way for every runner: from dispatch
 * (workers idle and ready) to the combined result in the caller's hands.
 * A runner whose work happens elsewhere (MPI ranks) may measure that region
 * itself and report it in pb_outcome.seconds.
 */
#ifndef PB_RUNNER_H
#define PB_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "../kernels/kernel.h"

enum pb_sched_kind {
	PB_SCHED_STATIC,  /* one contiguous block per worker */
	PB_SCHED_DYNAMIC, /* fixed-size chunks from a shared counter */
	PB_SCHED_GUIDED,  /* shrinking chunks from a shared counter */
	PB_SCHED_COUNT
};

#define PB_SCHED_BIT(kind) (1u << (kind))

struct pb_schedule {
	enum pb_sched_kind kind;
	uint64_t chunk; /* items per chunk (dynamic) or smallest chunk (guided) */
};

enum pb_phase {
	PB_PHASE_INIT, /* kernel->init over the items: first touch, untimed */
	PB_PHASE_RUN,  /* kernel->run over the items: the timed work */
};

struct pb_job {
	const struct pb_kernel *kernel;
	void *mem;        /* what the runner's alloc() returned (may be NULL) */
	uint64_t n;
	uint64_t items;   /* kernel->items(n) */
	enum pb_phase phase;
	struct pb_schedule sched;
	/* Kernels that wait (kernel->waits): how long each item waits before
	 * it runs, and where each item's latency, from the start of its wait
	 * to the end of its run, is recorded (items entries, memory all
	 * workers reach; NULL: not recorded). */
	uint64_t wait_ns;
	uint64_t *task_ns;
	unsigned inflight; /* waits a worker may keep in flight (runners that
			    * overlap them); 0 or 1: one at a time */
};

/* What one run() produced. */
struct pb_outcome {
	uint64_t result;     /* partials combined by wrapping addition */
	double seconds;      /* < 0: the harness's own clock is used */
	double comm_seconds; /* communication part of seconds, < 0: none */
	char why[96];        /* on failure: a short reason, e.g. "SIGKILL" */
	/* Where each worker ran, when the harness asks (non-NULL, one entry
	 * per worker): the CPU (sched_getcpu) at the start and at the end of
	 * its share of this job, and the one CPU its affinity allowed at the
	 * start (-1: several, i.e. not bound); -1 where unknown.  Not cleared
	 * by pb_outcome_reset. */
	int *cpu_start, *cpu_end, *cpu_bound;
};

struct pb_pool_opts {
	unsigned workers;
	/* CPU for each worker (workers entries), or NULL to leave placement
	 * to the operating system.  Runners bind each worker to its CPU for
	 * the pool's lifetime and undo any binding of the caller's thread (or
	 * of threads they do not own, like libgomp's) in close(). */
	const int *cpus;
	/* Whether idle workers may spin before blocking: only sensible when
	 * every worker has a CPU of its own. */
	int spin;
	/* Where a failed open() may say why in a short token (e.g.
	 * "launcher-exit-7"), for the cell's status; NULL: no room. */
	char *why;
	size_t why_len;
};

struct pb_pool; /* each runner defines its own */

struct pb_runner {
	const char *name;
	const char *summary;
	unsigned schedules; /* PB_SCHED_BIT()s it supports; 0: no schedule */
	/* Each worker holds only its own slice of the kernel's memory
	 * (distributed memory, as MPI ranks): a schedule that hands items to
	 * whichever worker is free cannot apply to kernels with memory, so the
	 * plan uses only static blocks for those. */
	int distributed;
	/* The baseline every speedup is measured against: one worker, no
	 * schedule, the kernel's loop as it is (seq).  The plan puts it first
	 * and runs it once per kernel, size and placement. */
	int baseline;
	/* Each worker keeps several waits in flight (an event loop): the plan
	 * sweeps --inflight for it on kernels that wait. */
	int overlaps;
	/* Its runtime cannot start again in a process forked after it ran
	 * (libgomp's thread pool): where some cells run in a child process,
	 * all of this runner's must, so the harness itself never starts it. */
	int fork_unsafe;
	/* It differs from another runner only in how it moves the kernel's
	 * memory (mpi-scatter: mpi plus a scatter and a gather each run): on
	 * a kernel without memory it would repeat that runner's cells, so the
	 * plan leaves them out. */
	int moves_data;

	int (*open)(struct pb_pool **pool, const struct pb_pool_opts *opts);
	/* Memory the workers can reach; NULL for bytes == 0 or on failure. */
	void *(*alloc)(struct pb_pool *pool, size_t bytes);
	void (*free)(struct pb_pool *pool, void *mem, size_t bytes);
	int (*run)(struct pb_pool *pool, const struct pb_job *job,
		   struct pb_outcome *out);
	void (*close)(struct pb_pool *pool);
	/* Optional: whether the runner can run here at all (its launcher or
	 * helper program found); 0, or a negative errno with a one-line
	 * reason in why. */
	int (*available)(char *why, size_t len);
	/* Optional: whether the runner's runtime places its workers itself
	 * because the user asked it to (OMP_PLACES, OMP_PROC_BIND); then it
	 * ignores pb_pool_opts.cpus. */
	int (*own_placement)(void);
	/* Optional: the node (hostname) worker w of an open pool runs on, for
	 * runners whose workers may live on other machines; NULL, or a
	 * runner without it: this machine. */
	const char *(*node)(struct pb_pool *pool, unsigned w);
};

/* Ends at once what runners started outside this process and would
 * outlive it (the process groups of MPI launchers), for a driver that
 * leaves without closing its pools.  Async-signal-safe. */
void pb_runners_abandon(void);

/* NULL-terminated table of the runners this build has. */
extern const struct pb_runner *const pb_runners[];

const struct pb_runner *pb_runner_find(const char *name);

/* The first runner of this build with the baseline trait, or NULL. */
const struct pb_runner *pb_runner_baseline(void);

/* Whether the runner of that name (as a CSV names it) is the baseline. */
int pb_runner_is_baseline(const char *name);

const char *pb_sched_name(enum pb_sched_kind kind);
/* Returns 0 and sets *kind, or -EINVAL for an unknown name. */
int pb_sched_parse(const char *name, enum pb_sched_kind *kind);

/* The chunk used when the user names none: small enough that the last
 * chunks even out uneven items, large enough that claiming one is cheap. */
uint64_t pb_default_chunk(uint64_t items, unsigned workers);

/* Worker w's share of a static partition of [0, items) into `workers`
 * contiguous blocks whose sizes differ by at most one. */
void pb_block(uint64_t items, unsigned workers, unsigned w,
	      uint64_t *begin, uint64_t *end);

/* Runs items [begin, end) of the job's phase and returns its partial.
 * Items of a kernel that waits each wait first, blocking the worker: the
 * way a thread or process that calls a blocking read spends its time. */
uint64_t pb_job_range(const struct pb_job *job, uint64_t begin, uint64_t end);

/* CLOCK_MONOTONIC in nanoseconds, the clock task latencies are taken on. */
uint64_t pb_task_clock_ns(void);

void pb_outcome_reset(struct pb_outcome *out);

/* A number of seconds from the environment: fallback where name is unset
 * or empty, -1 where it is not a positive number (the runner's available()
 * says so, and the harness refuses to start). */
double pb_env_seconds(const char *name, double fallback);

/* Records the CPU worker w is on into out->cpu_start or cpu_end. */
void pb_outcome_where(struct pb_outcome *out, unsigned w, int at_end);

#endif
