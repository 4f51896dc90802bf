/*
 * The run as a level of its own (Kalibera and Jones, "Rigorous
 * benchmarking in reasonable time", 2013).  A fresh process at another
 * moment of the machine moves a cell's median by more than its rounds
 * differ inside one run: the host's other tenants, the frequency, where
 * the memory landed.  An interval built from one run's rounds cannot see
 * that, so a rerun's median falls outside it more often than 5%.
 *
 * Measured once per machine from three runs or more of one sweep
 * (parbench coverage --save-profile), the run level is a standard
 * deviation of the log median; a later sweep adds it to each cell's
 * interval, which then describes what a rerun on this machine would see.
 * Part of a run's move is shared by all its cells (the whole machine
 * slower): that part cancels in a ratio of two cells of the same run, so
 * ratios take only the rest (pair_sd).
 */
#ifndef PB_RUN_LEVEL_H
#define PB_RUN_LEVEL_H

#include <stddef.h>

#define PB_Z95 1.959963984540054 /* the normal's 97.5% point */

/* The classes of cell a run level is measured for: a kernel that waits
 * (latency-bound) has none. */
enum pb_level_class { PB_LEVEL_COMPUTE, PB_LEVEL_MEMORY, PB_LEVEL_CLASSES };

struct pb_run_level {
	size_t cells, runs;
	double run_sd;  /* between runs, beyond what each run's interval saw */
	double pair_sd; /* the part of it a run's cells do not share */
};

/*
 * From logm[c * runs + a], the log median of cell c in run a, and se[...],
 * the standard error of that log median by run a's own interval (NaN
 * taken as 0): the variance between runs (pooled over cells, two-way:
 * cell x run) less the mean within-run variance, floored at 0.  Returns
 * 0, -EINVAL under two cells or two runs, or -ENOMEM.
 */
int pb_run_level_estimate(const double *logm, const double *se, size_t cells, size_t runs,
			  struct pb_run_level *out);

/* Pools another measurement of the same machine into `into`: each sd's
 * variance weighted by its runs less one (the shift a run shares has that
 * many degrees of freedom), the runs added.  The run level moves with the
 * machine's state over hours, so calibrations at several moments estimate
 * what a rerun at any of them sees better than one does.  A side with no
 * cells takes the other's. */
void pb_run_level_pool(struct pb_run_level *into, const struct pb_run_level *more);

/* The standard error of a log median from its 95% interval [lo, hi] over
 * `rounds` rounds (t with rounds - 1 degrees of freedom; one round: the
 * normal's 1.96); NaN where the interval is not finite and positive. */
double pb_run_level_se(double lo, double hi, unsigned rounds);

/* Widens [*lo, *hi] around point by a run level sd (a log standard
 * deviation) at 95%: each side's log half-width h becomes
 * sqrt(h^2 + (1.96 sd)^2).  Nothing changes where sd is NaN or 0, or the
 * interval is not finite and positive.  A relative floor: no interval
 * with that run level is narrower than expm1(PB_Z95 * sd). */
void pb_run_level_widen(double point, double sd, double *lo, double *hi);

/* The run level of a ratio of two medians, each with its own sd a and b:
 * sqrt(a^2 + b^2).  Both come from one machine, so a side that has none
 * (NaN or 0: its run had no profile) takes the other's; 0 where neither
 * has one.  A speedup or a winner within one run passes the two cells'
 * pair_sd, a comparison of two runs their run_sd. */
double pb_run_level_pair(double a, double b);

/* That floor, expm1(PB_Z95 * sd): 0 where sd is NaN or 0. */
double pb_run_level_floor(double sd);

#endif
