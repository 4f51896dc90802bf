/*
 * What the sweep's numbers mean together: speedups with their confidence
 * intervals, efficiency and the Karp-Flatt serial fraction per cell, an
 * Amdahl fit per kernel x runner x schedule, bandwidth against the
 * reference, and the break-even size of each runner: modelled, and
 * measured where several sizes ran.
 */
#ifndef PB_ANALYSIS_H
#define PB_ANALYSIS_H

#include <stdio.h>

#include "../measure/overhead.h"
#include "../measure/reference.h"
#include "../measure/sweep.h"
#include "crossing.h"

#define PB_BOOTSTRAP_ITERATIONS 2000
/* Worker counts (1 included) a series needs for an Amdahl fit. */
#define PB_FIT_MIN_COUNTS 3

struct pb_fit {
	const struct pb_cell *cell; /* kernel, n, runner, schedule of the series */
	size_t points;
	double serial_fraction, serial_fraction_se; /* NaN when unknown */
};

/* Within this factor of the measured crossing, the model holds: one step
 * of a size range's default x2. */
#define PB_MODEL_FACTOR 2.0

struct pb_breakeven {
	/* The cell at the largest worker count with a CPU each, at the
	 * largest size measured: the model is read from it. */
	const struct pb_cell *cell;
	/* Whether the runner's dispatch overhead was measured: the model
	 * needs it (not under --no-overhead, nor where its measure failed),
	 * the measured crossing does not.  Unmodelled, overhead_us is NaN
	 * and n_star 0, and neither means anything. */
	int modelled;
	double overhead_us, speedup;
	uint64_t n_star; /* modelled; 0: never (speedup <= 1), UINT64_MAX: past max_n */
	size_t sizes;    /* sizes this runner, schedule and worker count ran */
	struct pb_crossing measured;
};

enum pb_model_verdict {
	PB_MODEL_UNTESTED, /* one size: nothing measured to hold it against */
	PB_MODEL_HOLDS,    /* within PB_MODEL_FACTOR of what was measured */
	PB_MODEL_OFF,
	PB_MODEL_UNKNOWN,  /* no model: no dispatch overhead measured */
};

struct pb_analysis {
	struct pb_fit *fits;
	size_t fit_count;
	struct pb_breakeven *breakeven;
	size_t breakeven_count;
};

/* Fills the per-cell figures of sw->results and the tables of a.
 * Returns 0 or -ENOMEM. */
int pb_analyse(struct pb_sweep *sw, uint64_t seed, const struct pb_reference *ref,
	       size_t ref_count, const struct pb_overhead *o, size_t o_count,
	       unsigned allowed_cpus, struct pb_analysis *a);
void pb_analysis_free(struct pb_analysis *a);

/* Weak-scaling efficiency of each weak cell: the median of its series'
 * 1-worker cell over its own (pb_analyse calls it; NaN where there is no
 * such cell). */
void pb_weak_efficiency(struct pb_cell_result *results, size_t count);

int pb_fits_csv(FILE *f, const char *run_id, const struct pb_analysis *a);

/* Writes fits.csv and (where there are rows: every runner, schedule and
 * worker count with a seq baseline, with or without a model) breakeven.csv
 * into the run
 * folder, each complete or not at all.  Returns 0 or a negative errno. */
int pb_analysis_write(const struct pb_sweep *sw, const struct pb_analysis *a);
int pb_breakeven_csv(FILE *f, const char *run_id, const struct pb_analysis *a);

/* The modelled N* over the measured crossing (NaN unless both exist), and
 * what that says of the model (unknown where there is none). */
double pb_breakeven_model_ratio(const struct pb_breakeven *b);
enum pb_model_verdict pb_breakeven_verdict(const struct pb_breakeven *b);
const char *pb_model_verdict_name(enum pb_model_verdict v);

/* The smallest n at which a runner with fixed cost overhead_s and
 * speedup S beats seq, given seq took seq_s at n_measured; 0 if never. */
uint64_t pb_break_even_n(const struct pb_kernel *k, uint64_t n_measured, double seq_s,
			 double overhead_s, double speedup);

#endif
