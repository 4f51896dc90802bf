/* Descriptive statistics on fixed samples with known answers. */
#include <criterion/criterion.h>
#include <math.h>

#include "../bench/stats.h"

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
