/* Descriptive statistics on fixed samples with known answers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>

#include "../bench/base/stats.h"

Test(stats, known_values)
{
	double x[] = {4, 1, 3, 2, 5};
	struct pb_stats s;
	cr_assert_eq(pb_stats_compute(x, 5, &s), 0);
	cr_expect_eq(s.median, 3);
	cr_expect_eq(s.min, 1);
	cr_expect_eq(s.max, 5);
	cr_expect_eq(s.mean, 3);
	cr_expect_float_eq(s.stddev, sqrt(2.5), 1e-12);
	cr_expect_eq(x[0], 4, "input untouched");

	double even[] = {10, 2, 8, 4};
	cr_assert_eq(pb_stats_compute(even, 4, &s), 0);
	cr_expect_eq(s.median, 6);

	double one[] = {7};
	cr_assert_eq(pb_stats_compute(one, 1, &s), 0);
	cr_expect(s.median == 7 && s.stddev == 0);

	cr_assert_eq(pb_stats_compute(NULL, 0, &s), 0);
	cr_expect(isnan(s.median) && s.count == 0);
}

Test(stats, median_ci_order_statistics)
{
	double x[10];
	for (int i = 0; i < 10; i++)
		x[i] = i + 1;
	double lo, hi;
	pb_median_ci(x, 10, &lo, &hi);
	/* n = 10: ranks 2 and 9 (coverage 97.9%), the textbook answer. */
	cr_expect_eq(lo, 2);
	cr_expect_eq(hi, 9);
	pb_median_ci(x, 6, &lo, &hi);
	cr_expect(lo == 1 && hi == 6);
	pb_median_ci(x, 3, &lo, &hi);
	cr_expect(lo == 1 && hi == 3, "too few values: the whole range");
	double y[100];
	for (int i = 0; i < 100; i++)
		y[i] = i + 1;
	pb_median_ci(y, 100, &lo, &hi);
	/* n = 100: ranks 40 and 61. */
	cr_expect_eq(lo, 40);
	cr_expect_eq(hi, 61);
}

Test(stats, tukey_outliers)
{
	double x[] = {1, 10, 10.1, 10.2, 10.3, 10.4, 10.5, 30};
	cr_expect_eq(pb_outliers_tukey(x, 8), 2);
	double y[] = {1, 2, 3, 4, 5};
	cr_expect_eq(pb_outliers_tukey(y, 5), 0);
}

Test(stats, amdahl_fit_recovers_serial_fraction)
{
	unsigned p[] = {1, 2, 4, 8, 16, 32};
	double s[6], f, se;
	const double truth = 0.05;
	for (int i = 0; i < 6; i++) /* with 1% multiplicative noise */
		s[i] = 1 / (truth + (1 - truth) / p[i]) * (1 + 0.01 * ((i % 3) - 1));
	cr_expect_eq(pb_amdahl_fit(p, s, 6, &f, &se), 5);
	cr_expect_float_eq(f, truth, 0.005, "f = %g", f);
	cr_expect(se > 0 && se < 0.01, "se = %g", se);
	unsigned p2[] = {1, 2};
	double s2[] = {1, 1.9};
	cr_expect_eq(pb_amdahl_fit(p2, s2, 2, &f, &se), 1);
	cr_expect_float_eq(f, 2 / 1.9 - 1, 1e-12);
	cr_expect(isnan(se), "one point: no error estimate");
}

Test(stats, karp_flatt)
{
	cr_expect_float_eq(pb_karp_flatt(2, 2), 0, 1e-12);
	cr_expect_float_eq(pb_karp_flatt(1, 4), 1, 1e-12);
	cr_expect(isnan(pb_karp_flatt(1, 1)));
}

#include "../bench/base/student_t.h"

/* Student's t against the printed tables (and the normal far out). */
Test(stats, student_t_quantiles)
{
	struct {
		double df, p, t;
	} known[] = {
		{1, 0.975, 12.7062}, {2, 0.975, 4.3027}, {3, 0.975, 3.1824}, {5, 0.975, 2.5706},
		{10, 0.975, 2.2281}, {30, 0.975, 2.0423}, {7, 0.995, 3.4995}, {4, 0.95, 2.1318},
		{1e6, 0.975, 1.9600},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		double t = pb_t_quantile(known[i].p, known[i].df);
		cr_expect_float_eq(t, known[i].t, 1e-4, "df %g p %g: %g", known[i].df, known[i].p, t);
		cr_expect_float_eq(pb_t_cdf(t, known[i].df), known[i].p, 1e-9);
		cr_expect_float_eq(pb_t_quantile(1 - known[i].p, known[i].df), -t, 1e-9, "symmetric");
	}
	/* Welch's fractional degrees of freedom fall between the whole ones. */
	double t25 = pb_t_quantile(0.975, 2.5);
	cr_expect(t25 < pb_t_quantile(0.975, 2) && t25 > pb_t_quantile(0.975, 3), "%g", t25);
	cr_expect_float_eq(pb_t_cdf(0, 3), 0.5, 1e-15);
	cr_expect(isnan(pb_t_quantile(0, 3)) && isnan(pb_t_quantile(1, 3)));
	cr_expect(isnan(pb_t_quantile(0.5, 0)) && isnan(pb_t_cdf(1, -1)));
}
