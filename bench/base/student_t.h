/*
 * Student's t distribution: what an interval over a handful of rounds
 * needs.  With three rounds the 97.5% point is 4.30, not the normal
 * 1.96; an interval that used 1.96 (or a bootstrap, which behaves like
 * it) over so few values would cover far less than it says.
 */
#ifndef PB_STUDENT_T_H
#define PB_STUDENT_T_H

/* P(T <= t) for T with df > 0 degrees of freedom (df need not be whole:
 * Welch's approximation gives fractional ones).  NaN for df <= 0. */
double pb_t_cdf(double t, double df);

/* The p-quantile (0 < p < 1) of T with df degrees of freedom, to a
 * relative 1e-12; NaN outside those ranges. */
double pb_t_quantile(double p, double df);

#endif
