/*
 * Intervals that describe what a rerun would see.  A cell's repetitions
 * come in rounds (a new pool, new memory, another moment of the sweep),
 * and rounds differ more than repetitions inside one: an interval from
 * the pooled repetitions describes only the next repetition of the same
 * rounds.  So over two rounds or more the unit is the round (Kalibera
 * and Jones, "Rigorous benchmarking in reasonable time", 2013): each
 * round is summed up by its median, and the interval is Student's t over
 * the logs of those medians, with rounds - 1 degrees of freedom (Welch's
 * for a ratio).  Logs, because the machine slows a round by a factor,
 * and a ratio's interval is then a difference's.  A bootstrap over three
 * rounds cannot reach past their range and covers about 75%, however
 * many repetitions each has; t over three rounds widens by 4.30 / 1.96
 * for what three values cannot tell.  Each interval is widened, if need
 * be, to hold the pooled median (or the ratio of the pooled medians),
 * which stays the point estimate.  With one round they are the two-level
 * bootstrap, which is then the plain percentile bootstrap of the
 * repetitions; fixed seeds make it reproducible.
 */
#ifndef PB_ROUNDS_CI_H
#define PB_ROUNDS_CI_H

#include <stddef.h>
#include <stdint.h>

/* The ratio of two samples' medians and its interval. */
struct pb_ratio_ci {
	double ratio;     /* median(b) / median(a) */
	double low, high; /* the interval at the requested level */
};

/* A sample in rounds: values ordered by round, round g's in
 * x[start[g] .. start[g + 1]). */
struct pb_rounds {
	double *x;
	size_t n, *start, count;
};

/* From values and the round of each (any order, any round numbers);
 * 0, -EINVAL (no values) or -ENOMEM.  Free with pb_rounds_free. */
int pb_rounds_make(const double *x, const unsigned *round, size_t n, struct pb_rounds *s);
void pb_rounds_free(struct pb_rounds *s);

/* The interval at `level` of the median; 0, -EINVAL or -ENOMEM.  resamples
 * and seed serve one round only. */
int pb_rounds_median_ci(const struct pb_rounds *s, unsigned resamples, double level,
			uint64_t seed, double *low, double *high);

/* How much the rounds differ: the standard deviation of the logs of
 * their medians (about the relative difference of a round from the
 * typical one); NaN under two rounds. */
double pb_rounds_spread(const struct pb_rounds *s);

/* The relative half-width, at `level`, of the interval over `rounds`
 * rounds that differ by `spread` (as pb_rounds_spread): what an honest
 * interval cannot be narrower than on that machine.  NaN under two. */
double pb_rounds_half_width(double spread, unsigned rounds, double level);

/* The fewest rounds (2 or more) whose interval at `level` is at most
 * `half` wide (relative) where rounds differ by `spread`; 0 when more
 * than `most` would be needed, or spread is unknown. */
unsigned pb_rounds_needed(double spread, double half, double level, unsigned most);

/* The same for median(b) / median(a), each sample drawn on its own. */
int pb_rounds_ratio_ci(const struct pb_rounds *a, const struct pb_rounds *b,
		       unsigned resamples, double level, uint64_t seed, struct pb_ratio_ci *ci);

#endif
