/* What the user asked for: the sweep and how to measure it. */
#ifndef PB_CONFIG_H
#define PB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/kernel.h"
#include "../../runners/runner.h"
#include "../base/paths.h"
#include "../base/run_level.h"
#include "../placement/placement.h"
#include "scaling.h"

#define PB_MAX_KERNELS 16
#define PB_MAX_SIZES 64  /* sizes per kernel: a range's worth */
#define PB_MAX_RUNNERS 16
#define PB_MAX_WORKER_COUNTS 64
#define PB_MAX_WORKERS 4096
#define PB_MAX_PINS 4
#define PB_MAX_AXIS 16   /* values of --latency-us and --inflight */
#define PB_MAX_LATENCY_US 10000000 /* 10 s a task */
#define PB_MAX_INFLIGHT 100000

struct pb_kernel_sizes {
	const struct pb_kernel *kernel;
	uint64_t n[PB_MAX_SIZES];
	size_t count; /* 0: the kernel's default (or quick) size */
};

struct pb_config {
	struct pb_kernel_sizes kernels[PB_MAX_KERNELS];
	size_t kernel_count;
	const struct pb_runner *runners[PB_MAX_RUNNERS];
	size_t runner_count;
	int runners_named;      /* --runners given: a missing one is an error */
	unsigned workers[PB_MAX_WORKER_COUNTS];
	size_t worker_count;
	struct pb_schedule schedules[PB_SCHED_COUNT]; /* chunk 0: default */
	unsigned latencies_us[PB_MAX_AXIS]; /* each task's wait, kernels that wait */
	size_t latency_count;
	unsigned inflights[PB_MAX_AXIS];    /* waits in flight per worker (async) */
	size_t inflight_count;
	size_t schedule_count;
	unsigned reps, warmup;  /* reps: the minimum of timed repetitions */
	unsigned max_reps;
	double target_ci;       /* stop when the median's 95% CI half-width is
				 * within this fraction of the median ... */
	double cell_budget;     /* ... or when a cell's timed reps took this long */
	double cell_timeout;    /* a cell-round of a library's kernel may take this
				 * long (0: the default) */
	unsigned rounds;        /* each cell is measured in this many rounds,
				 * spread over the sweep */
	unsigned max_rounds;    /* planned and extra rounds (for cells whose
				 * rounds disagree) a cell may get; 0: twice
				 * rounds */
	long extra_rounds;      /* extra cell-rounds a sweep may run; -1: a
				 * tenth of the planned ones */
	int repeat_disturbed;   /* extra rounds a cell may get for disturbed
				 * ones; -1: the default, one */
	uint64_t seed;          /* shuffling and bootstrap; recorded */
	int shuffle;            /* interleave the cells in a random order */
	struct pb_placement pins[PB_MAX_PINS]; /* placements to sweep (--pin) */
	size_t pin_count;
	struct hwloc_topology *topology; /* loaded by the program, NULL: no pinning */
	int progress;           /* 1 on, 0 off, -1 when stderr is a terminal */
	unsigned allowed_cpus; /* CPUs this process may use */
	const char *results_root, *plots_root;
	int quick, plot, overhead;
	enum pb_scaling scaling; /* weak: sizes grow with the workers */
	const char *resume;     /* run folder to complete (--resume), or NULL */
	/* The machine profile (store/profile.h): --profile, or NULL for the
	 * results folder's; --no-profile; and what the program loaded from
	 * it: each class's run level (cells 0: none) and the file ("" when
	 * none was used). */
	const char *profile_path;
	int no_profile;
	struct pb_run_level run_level[PB_LEVEL_CLASSES];
	char profile_used[PB_PATH_MAX];
	const char *command_line;
	int argc;               /* the command line itself, for --resume */
	char **argv;
};

/* Sizes of kernel i after defaults are applied. */
size_t pb_config_sizes(const struct pb_config *cfg, size_t i, const uint64_t **n);

#endif
