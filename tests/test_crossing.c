/* The measured break-even: where the speedup crosses 1 across sizes. */
#include <criterion/criterion.h>
#include <math.h>

#include "../bench/analyse/crossing.h"

/* Speedup s(n) = (n / n_star)^0.5, as a runner whose cost per item falls
 * as a power of n would give: log-log interpolation finds n_star exactly
 * between any two sizes around it.  CIs +-5%. */
static void power_law(struct pb_size_point *pts, size_t count, double n_star)
{
	for (size_t i = 0; i < count; i++) {
		double n = (double)(UINT64_C(1) << (10 + 2 * i)), s = sqrt(n / n_star);
		pts[i] = (struct pb_size_point){(uint64_t)n, s, s * 0.95, s * 1.05};
	}
}

Test(crossing, known_crossing_is_interpolated)
{
	struct pb_size_point pts[8]; /* 2^10 .. 2^24 in x4 steps */
	struct pb_crossing c;
	power_law(pts, 8, 50000);
	pb_crossing_find(pts, 8, &c);
	cr_assert_eq(c.kind, PB_CROSSING_BETWEEN);
	cr_expect_eq(c.below, 1u << 14);
	cr_expect_eq(c.above, 1u << 16);
	cr_expect(fabs(c.cross - 50000) < 1, "cross %g", c.cross);
	/* s(2^16) = 1.14, CI low 1.09 > 1: significant from there on. */
	cr_expect_eq(c.significant_from, 1u << 16);
	cr_expect_str_eq(pb_crossing_name(c.kind), "crossed");
}

Test(crossing, faster_but_not_significantly_is_part_of_the_climb)
{
	struct pb_size_point pts[] = {
		{1000, 0.5, 0.45, 0.55},
		{2000, 0.8, 0.7, 0.9},
		{4000, 1.05, 0.9, 1.2}, /* faster, CI includes 1 */
		{8000, 1.5, 1.4, 1.6},
		{16000, 1.8, 1.7, 1.9},
	};
	struct pb_crossing c;
	pb_crossing_find(pts, 5, &c);
	cr_assert_eq(c.kind, PB_CROSSING_BETWEEN);
	cr_expect_eq(c.significant_from, 8000);
	cr_expect(c.below == 2000 && c.above == 4000, "%llu..%llu",
		  (unsigned long long)c.below, (unsigned long long)c.above);
	double t = -log(0.8) / (log(1.05) - log(0.8));
	cr_expect(fabs(c.cross - 2000 * pow(2, t)) < 1e-6 * c.cross, "cross %g", c.cross);
	cr_expect(c.cross > 2000 && c.cross < 4000);
}

Test(crossing, a_win_at_small_sizes_then_a_loss_does_not_count)
{
	struct pb_size_point pts[] = {
		{1000, 1.5, 1.4, 1.6}, /* in cache: wins */
		{2000, 0.9, 0.85, 0.95},
		{4000, 1.3, 1.2, 1.4},
	};
	struct pb_crossing c;
	pb_crossing_find(pts, 3, &c);
	cr_assert_eq(c.kind, PB_CROSSING_BETWEEN);
	cr_expect(c.below == 2000 && c.above == 4000 && c.significant_from == 4000);
}

Test(crossing, other_kinds)
{
	struct pb_crossing c;
	struct pb_size_point all[] = {{10, 1.2, 1.1, 1.3}, {100, 1.9, 1.8, 2.0}};
	pb_crossing_find(all, 2, &c);
	cr_expect_eq(c.kind, PB_CROSSING_BELOW);
	cr_expect(c.cross == 10 && c.significant_from == 10);

	struct pb_size_point climb[] = {{10, 1.05, 0.9, 1.2}, {100, 1.9, 1.8, 2.0}};
	pb_crossing_find(climb, 2, &c);
	cr_expect_eq(c.kind, PB_CROSSING_BELOW, "faster at every size, significant later");
	cr_expect_eq(c.significant_from, 100);

	struct pb_size_point last[] = {{10, 0.5, 0.4, 0.6}, {100, 1.2, 0.9, 1.5}};
	pb_crossing_find(last, 2, &c);
	cr_expect_eq(c.kind, PB_CROSSING_NOT_FASTER, "the largest size's CI holds 1");
	cr_expect(isnan(c.cross) && c.significant_from == 0);

	struct pb_size_point no_ci[] = {{10, 0.5, NAN, NAN}, {100, 1.5, NAN, NAN}};
	pb_crossing_find(no_ci, 2, &c);
	cr_expect_eq(c.kind, PB_CROSSING_NOT_FASTER, "no CI: not significant");

	pb_crossing_find(all, 1, &c);
	cr_expect_eq(c.kind, PB_CROSSING_ONE_SIZE);
	cr_expect_str_eq(pb_crossing_name(c.kind), "one-size");
}
