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
	char *runs[] = {a, b, c};
	snprintf(out, sizeof(out), "%s/out.txt", root);
	FILE *f = fopen(out, "w");
	char err[256] = "";
	cr_assert_eq(pb_coverage_runs(runs, 3, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	f = fopen(out, "r");
	char text[4096] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	cr_expect(strstr(text, "compute-bound     3 pairs  CIs overlap 100.0%"), "%s", text);
	cr_expect(strstr(text, "median inside the other's CI 100.0%"), "%s", text);
	/* sum: a-b overlap, a-c and b-c not: 1 of 3; medians inside 2 of 6. */
	cr_expect(strstr(text, "memory-bound      3 pairs  CIs overlap  33.3%"), "%s", text);
	cr_expect(strstr(text, "median inside the other's CI  33.3%"), "%s", text);
	cr_expect(strstr(text, "worst: sum n=1000 omp static w=2"), "%s", text);
	cr_expect_eq(pb_coverage_runs(runs, 1, stderr, err, sizeof(err)), -EINVAL);
	snprintf(out, sizeof(out), "rm -rf %s", root);
	cr_expect_eq(system(out), 0);
}
