/*
 * Intervals over rounds describe what a rerun would see, and `coverage`
 * counts how often runs fall inside each other's intervals.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/base/rounds_ci.h"
#include "../bench/base/stats.h"
#include "../bench/report/coverage.h"

/* Two rounds, each tight, 10% apart, the first with three times the
 * repetitions: the pooled repetitions' order statistics give an interval
 * inside the first round, which a rerun's rounds would miss; the two-level
 * bootstrap spans both rounds. */
Test(rounds_ci, rounds_that_disagree_widen_the_interval)
{
	double x[40];
	unsigned round[40];
	for (int i = 0; i < 40; i++) {
		round[i] = i < 30 ? 0 : 1;
		x[i] = (i < 30 ? 1.00 : 1.10) + 0.0005 * (i % 30);
	}
	struct pb_rounds s;
	cr_assert_eq(pb_rounds_make(x, round, 40, &s), 0);
	cr_expect_eq(s.count, 2);
	double lo, hi, pooled_lo, pooled_hi, sorted[40];
	cr_assert_eq(pb_rounds_median_ci(&s, 2000, 0.95, 7, &lo, &hi), 0);
	memcpy(sorted, x, sizeof(x));
	pb_sort_doubles(sorted, 40);
	pb_median_ci(sorted, 40, &pooled_lo, &pooled_hi);
	cr_expect_leq(lo, 1.02, "the interval reaches down to round 0 (%g)", lo);
	cr_expect_geq(hi, 1.10, "and up to round 1 (%g)", hi);
	cr_expect_gt(hi - lo, 2 * (pooled_hi - pooled_lo), "wider than the pooled one");
	double again_lo, again_hi;
	pb_rounds_median_ci(&s, 2000, 0.95, 7, &again_lo, &again_hi);
	cr_expect(lo == again_lo && hi == again_hi, "reproducible for a seed");
	pb_rounds_free(&s);
}

/* Rounds that agree leave the interval about as narrow as one round's. */
Test(rounds_ci, rounds_that_agree_keep_it_narrow)
{
	double x[60];
	unsigned round[60];
	uint64_t state = 42;
	for (int i = 0; i < 60; i++) {
		round[i] = (unsigned)(i % 3);
		x[i] = 1.0 + 0.01 * ((double)(pb_random_next(&state) >> 11) / 9007199254740992.0);
	}
	struct pb_rounds s;
	cr_assert_eq(pb_rounds_make(x, round, 60, &s), 0);
	double lo, hi;
	cr_assert_eq(pb_rounds_median_ci(&s, 2000, 0.95, 1, &lo, &hi), 0);
	cr_expect_lt(hi - lo, 0.01, "within the noise (%g..%g)", lo, hi);
	struct pb_ratio_ci ci;
	cr_assert_eq(pb_rounds_ratio_ci(&s, &s, 2000, 0.95, 3, &ci), 0);
	cr_expect_float_eq(ci.ratio, 1.0, 1e-12);
	cr_expect(ci.low <= 1 && ci.high >= 1);
	pb_rounds_free(&s);
	cr_expect_eq(pb_rounds_make(x, round, 0, &s), -EINVAL);
}

/* Round g of three has values its median m_g and m_g (1 +- 0.001): the
 * interval is t with 2 degrees of freedom over log m_g, exactly. */
Test(rounds_ci, three_rounds_give_t_over_their_medians)
{
	const double m[3] = {1.00, 1.02, 1.05};
	double x[9];
	unsigned round[9];
	for (int i = 0; i < 9; i++) {
		round[i] = (unsigned)(i / 3);
		x[i] = m[i / 3] * (1 + 0.001 * (i % 3 - 1));
	}
	struct pb_rounds s;
	cr_assert_eq(pb_rounds_make(x, round, 9, &s), 0);
	double lo, hi, mean = 0, var = 0;
	cr_assert_eq(pb_rounds_median_ci(&s, 1000, 0.95, 1, &lo, &hi), 0);
	for (int g = 0; g < 3; g++)
		mean += log(m[g]) / 3;
	for (int g = 0; g < 3; g++)
		var += (log(m[g]) - mean) * (log(m[g]) - mean) / 2;
	double half = 4.302653 * sqrt(var / 3);
	cr_expect_float_eq(lo, exp(mean - half), 1e-6, "%g", lo);
	cr_expect_float_eq(hi, exp(mean + half), 1e-6, "%g", hi);
	/* How much they differ, and the interval that spread gives. */
	cr_expect_float_eq(pb_rounds_spread(&s), sqrt(var), 1e-12);
	cr_expect_float_eq(pb_rounds_half_width(sqrt(var), 3, 0.95), expm1(half), 1e-6);

	/* The ratio of a sample to itself scaled by 1.1: Welch over the same
	 * variances, df = 4, centred on log 1.1. */
	double y[9];
	for (int i = 0; i < 9; i++)
		y[i] = 1.1 * x[i];
	struct pb_rounds t;
	cr_assert_eq(pb_rounds_make(y, round, 9, &t), 0);
	struct pb_ratio_ci ci;
	cr_assert_eq(pb_rounds_ratio_ci(&s, &t, 1000, 0.95, 1, &ci), 0);
	double rhalf = 2.776445 * sqrt(2 * var / 3);
	cr_expect_float_eq(ci.ratio, 1.1, 1e-12);
	cr_expect_float_eq(ci.low, 1.1 * exp(-rhalf), 1e-6, "%g", ci.low);
	cr_expect_float_eq(ci.high, 1.1 * exp(rhalf), 1e-6, "%g", ci.high);
	pb_rounds_free(&s);
	pb_rounds_free(&t);
}

/* A standard normal variate (Box-Muller). */
static double normal(uint64_t *state)
{
	double u = ((double)(pb_random_next(state) >> 11) + 0.5) / 9007199254740992.0;
	double v = (double)(pb_random_next(state) >> 11) / 9007199254740992.0;
	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* One simulated cell: 3 rounds of 4 repetitions, each round slowed by a
 * factor of its own (3%), each repetition by 1% more noise. */
static void simulated_cell(uint64_t *state, double *lo, double *hi, double *median,
			   double *pooled_lo, double *pooled_hi)
{
	double x[12], sorted[12];
	unsigned round[12];
	for (int g = 0; g < 3; g++) {
		double slow = 0.03 * normal(state);
		for (int i = 0; i < 4; i++) {
			round[g * 4 + i] = (unsigned)g;
			x[g * 4 + i] = exp(slow + 0.01 * normal(state));
		}
	}
	struct pb_rounds s;
	cr_assert_eq(pb_rounds_make(x, round, 12, &s), 0);
	cr_assert_eq(pb_rounds_median_ci(&s, 1000, 0.95, 1, lo, hi), 0);
	memcpy(sorted, x, sizeof(x));
	pb_sort_doubles(sorted, 12);
	*median = pb_median_inplace(sorted, 12);
	pb_median_ci(sorted, 12, pooled_lo, pooled_hi);
	pb_rounds_free(&s);
}

/* What the interval promises, on a machine whose rounds differ more than
 * their repetitions: it holds the typical round (1 here) 95% of the
 * time, and a rerun's median about 90% (both runs vary); an interval from
 * the pooled repetitions, as before rounds, would hold the truth far less
 * often. */
Test(rounds_ci, intervals_over_rounds_cover_what_a_rerun_sees)
{
	uint64_t state = 2013;
	unsigned cells = 4000, truth = 0, rerun = 0, pooled = 0;
	for (unsigned c = 0; c < cells; c++) {
		double lo, hi, median, plo, phi, lo2, hi2, median2, plo2, phi2;
		simulated_cell(&state, &lo, &hi, &median, &plo, &phi);
		simulated_cell(&state, &lo2, &hi2, &median2, &plo2, &phi2);
		truth += lo <= 1 && 1 <= hi;
		rerun += lo <= median2 && median2 <= hi;
		pooled += plo <= 1 && 1 <= phi;
	}
	double t = (double)truth / cells, r = (double)rerun / cells, p = (double)pooled / cells;
	cr_expect(t >= 0.93 && t <= 0.97, "covers the truth %.3f", t);
	cr_expect(r >= 0.85, "holds a rerun's median %.3f", r);
	cr_expect(p < 0.80 && t > p + 0.15, "the pooled order statistics cover only %.3f", p);
}

/* Rounds that differ by 8%: 4 give +-13.6%, and 5% takes 13 (t with 12
 * degrees of freedom, 2.179 / sqrt(13) x 8% = 4.8% in logs, 4.95%). */
Test(rounds_ci, rounds_a_target_takes)
{
	cr_expect_float_eq(pb_rounds_half_width(0.08, 4, 0.95), expm1(3.182446 * 0.04), 1e-6);
	cr_expect_eq(pb_rounds_needed(0.08, 0.05, 0.95, 100), 13);
	cr_expect_eq(pb_rounds_needed(0.08, 0.05, 0.95, 12), 0, "more than allowed: none");
	cr_expect_eq(pb_rounds_needed(0.001, 0.05, 0.95, 100), 2, "a quiet machine: two");
	cr_expect(isnan(pb_rounds_half_width(0.08, 1, 0.95)), "one round: no interval");
	cr_expect_eq(pb_rounds_needed(NAN, 0.05, 0.95, 100), 0, "unknown spread");
	double x[3] = {1, 2, 3};
	unsigned round[3] = {0, 0, 0};
	struct pb_rounds s;
	cr_assert_eq(pb_rounds_make(x, round, 3, &s), 0);
	cr_expect(isnan(pb_rounds_spread(&s)), "one round: no spread");
	pb_rounds_free(&s);
}

static void write_summary(const char *dir, const char *rows)
{
	char path[256];
	snprintf(path, sizeof(path), "mkdir -p %s", dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("run_id,kernel,n,runner,schedule,chunk,workers,median_s,median_ci_low_s,"
	      "median_ci_high_s,gbps,status\n", f);
	fputs(rows, f);
	fclose(f);
}

/* What parbench coverage prints for these runs (it must succeed). */
static char *coverage_text(char **runs, size_t count)
{
	char *text = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	cr_assert_eq(pb_coverage_runs(runs, count, NULL, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	return text;
}

/* Three runs of two cells: fib's intervals hold each other's medians, sum's
 * third run is off; the report counts pairs per class and names the worst. */
Test(coverage, counts_overlaps_and_medians_inside_per_class)
{
	char root[] = "/tmp/pb-coverage-XXXXXX", a[80], b[80], c[80], out[120];
	cr_assert(mkdtemp(root));
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/b", root);
	snprintf(c, sizeof(c), "%s/c", root);
	write_summary(a, "a,fib,30,omp,static,0,2,1.00,0.95,1.05,,ok\n"
			 "a,sum,1000,omp,static,0,2,2.00,1.98,2.02,5.0,ok\n");
	write_summary(b, "b,fib,30,omp,static,0,2,1.01,0.96,1.06,,ok\n"
			 "b,sum,1000,omp,static,0,2,2.01,1.99,2.03,5.0,ok\n");
	write_summary(c, "c,fib,30,omp,static,0,2,0.99,0.94,1.04,,ok\n"
			 "c,sum,1000,omp,static,0,2,2.50,2.45,2.55,4.0,ok\n");
	char *runs[] = {a, b, c}, err[256] = "";
	char *text = coverage_text(runs, 3);
	cr_expect(strstr(text, "compute-bound     3 pairs  CIs overlap 100.0%"), "%s", text);
	cr_expect(strstr(text, "median inside the other's CI 100.0%"), "%s", text);
	/* sum: a-b overlap, a-c and b-c not: 1 of 3; medians inside 2 of 6. */
	cr_expect(strstr(text, "memory-bound      3 pairs  CIs overlap  33.3%"), "%s", text);
	cr_expect(strstr(text, "median inside the other's CI  33.3%"), "%s", text);
	cr_expect(strstr(text, "worst: sum n=1000 omp static w=2"), "%s", text);
	/* sum's third run is off as a whole: the machine's, between runs. */
	cr_expect(strstr(text, "each run's medians against the runs' mean (geometric, over 1 "
			 "cell): -7.3%, -6.9%, +15.8%\n"), "%s", text);
	cr_expect(strstr(text, "(geometric, over 1 cell): +0.0%, +1.0%, -1.0%\n"), "%s", text);
	cr_expect(!strstr(text, "rounds differ"), "runs without round_spread: no floor\n%s", text);
	cr_expect(!strstr(text, "speed probe"), "runs without raw.csv: no probe\n%s", text);
	cr_expect_eq(pb_coverage_runs(runs, 1, NULL, stderr, err, sizeof(err)), -EINVAL);
	free(text);
	snprintf(out, sizeof(out), "rm -rf %s", root);
	cr_expect_eq(system(out), 0);
}

/* Three runs whose memory system moved as a whole: sum's medians shift
 * together (seq and omp by the same 20%), so their intervals miss each
 * other, while the speedup, a ratio of one run's cells, holds in every
 * run; seq's own 1 [1, 1] is not counted. */
Test(coverage, speedups_agree_where_a_whole_run_moved)
{
	char root[] = "/tmp/pb-coverage-XXXXXX", dir[3][80], out[120];
	cr_assert(mkdtemp(root));
	static const double scale[3] = {1.0, 1.2, 0.9}, speedup[3][3] = {
		{1.90, 1.80, 2.00}, {1.92, 1.82, 2.02}, {1.88, 1.78, 1.98}};
	char *runs[3];
	for (int r = 0; r < 3; r++) {
		snprintf(dir[r], sizeof(dir[r]), "%s/%d", root, r);
		runs[r] = dir[r];
		char path[128];
		snprintf(path, sizeof(path), "mkdir -p %s", dir[r]);
		cr_assert_eq(system(path), 0);
		snprintf(path, sizeof(path), "%s/summary.csv", dir[r]);
		FILE *f = fopen(path, "w");
		cr_assert(f);
		fputs("run_id,kernel,n,runner,schedule,chunk,workers,median_s,median_ci_low_s,"
		      "median_ci_high_s,speedup,speedup_ci_low,speedup_ci_high,gbps,status\n", f);
		double m = 2 * scale[r], o = m / speedup[r][0];
		fprintf(f, "x,sum,1000,seq,none,0,1,%g,%g,%g,1,1,1,5,ok\n", m, m * 0.99, m * 1.01);
		fprintf(f, "x,sum,1000,omp,static,0,2,%g,%g,%g,%g,%g,%g,9,ok\n", o, o * 0.99,
			o * 1.01, speedup[r][0], speedup[r][1], speedup[r][2]);
		fclose(f);
	}
	char *text = coverage_text(runs, 3);
	cr_expect(strstr(text, "memory-bound      6 pairs  CIs overlap   0.0%"), "%s", text);
	cr_expect(strstr(text, "speedups over 1 cell: CIs overlap 100.0%, inside the other's "
			       "CI 100.0%, half-width at the median cell 5.3%"), "%s", text);
	free(text);
	snprintf(out, sizeof(out), "rm -rf %s", root);
	cr_expect_eq(system(out), 0);
}

/* Runs that say how much their rounds differ: the compute-bound cells'
 * 8% over 4 rounds is why their intervals are +-14%, and 5% would take 13
 * rounds; the memory-bound cells' 2% keeps theirs within the target. */
Test(coverage, says_what_the_rounds_allow)
{
	char root[] = "/tmp/pb-coverage-XXXXXX", dir[2][80], out[120];
	cr_assert(mkdtemp(root));
	for (int r = 0; r < 2; r++) {
		snprintf(dir[r], sizeof(dir[r]), "%s/%c", root, 'a' + r);
		snprintf(out, sizeof(out), "mkdir -p %s", dir[r]);
		cr_assert_eq(system(out), 0);
		snprintf(out, sizeof(out), "%s/summary.csv", dir[r]);
		FILE *f = fopen(out, "w");
		cr_assert(f);
		fputs("run_id,kernel,n,runner,schedule,chunk,workers,rounds,extra_rounds,median_s,"
		      "median_ci_low_s,median_ci_high_s,round_spread,gbps,status\n"
		      "a,fib,30,omp,static,0,2,4,0,1.00,0.88,1.14,0.08,,ok\n"
		      "a,fib,30,omp,static,0,1,3,1,2.00,1.76,2.27,0.08,,ok\n"
		      "a,sum,1000,omp,static,0,2,4,0,2.00,1.94,2.06,0.02,5.0,ok\n", f);
		fclose(f);
		/* The second run's machine was slower: its probe 1.21 times the first's. */
		snprintf(out, sizeof(out), "%s/raw.csv", dir[r]);
		f = fopen(out, "w");
		cr_assert(f);
		fprintf(f, "run_id,kernel,n,runner,schedule,chunk,workers,rep,seconds,probe_ns\n"
			   "a,fib,30,omp,static,0,2,0,1.0,%d\na,fib,30,omp,static,0,2,1,1.0,%d\n",
			r ? 121000 : 100000, r ? 121000 : 100000);
		fclose(f);
	}
	char *runs[] = {dir[0], dir[1]};
	char *text = coverage_text(runs, 2);
	cr_expect(strstr(text, "rounds differ by 8.0% at the median cell (round_spread, over 4 "
			 "rounds): an honest 5% would take about 13 rounds a cell\n"), "%s", text);
	cr_expect(strstr(text, "rounds differ by 2.0% at the median cell (round_spread, over 4 "
			 "rounds)\n"), "%s", text);
	/* their mean is sqrt(1.21) = 1.1 times the first: -9.1% and +10% */
	cr_expect(strstr(text, "each run's median time against the runs' mean: -9.1%, +10.0% (the "
			 "machine's own speed; positive: slower)\n"), "%s", text);
	free(text);
	snprintf(out, sizeof(out), "rm -rf %s", root);
	cr_expect_eq(system(out), 0);
}
