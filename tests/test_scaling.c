/*
 * Weak scaling: sizes whose work grows with the workers, the efficiency
 * against the runner's own 1-worker cell, and the sweep that writes both.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bench/analyse/analysis.h"
#include "../bench/model/result.h"
#include "../bench/placement/placement.h"
#include "../bench/model/scaling.h"
#include "../bench/store/table.h"
#include "support.h"

Test(scaling, linear_kernels_grow_n_by_the_workers)
{
	const struct pb_kernel *sum = pb_kernel_find("sum"), *cube = pb_kernel_find("cube");
	cr_assert(sum && cube);
	for (unsigned w = 1; w <= 64; w++) {
		cr_expect_eq(pb_scaling_size(sum, 1000, w), 1000 * (uint64_t)w, "w=%u", w);
		cr_expect_eq(pb_scaling_size(cube, 12345, w), 12345 * (uint64_t)w, "w=%u", w);
	}
	cr_expect_eq(pb_scaling_size(sum, sum->max_n, 2), sum->max_n, "capped at max_n");
}

/* For any kernel, the chosen n has the work closest to w x base work. */
static void expect_closest(const struct pb_kernel *k, uint64_t base, unsigned w)
{
	uint64_t n = pb_scaling_size(k, base, w);
	double target = k->work(base) * w, gap = fabs(k->work(n) - target);
	cr_assert(n >= 1 && n <= k->max_n);
	if (n > 1)
		cr_expect_leq(gap, fabs(k->work(n - 1) - target), "%s base %llu w %u: n-1 closer",
			      k->name, (unsigned long long)base, w);
	if (n < k->max_n)
		cr_expect_leq(gap, fabs(k->work(n + 1) - target), "%s base %llu w %u: n+1 closer",
			      k->name, (unsigned long long)base, w);
}

Test(scaling, factorial_and_fib_take_the_size_of_closest_work)
{
	const struct pb_kernel *fact = pb_kernel_find("factorial"), *fib = pb_kernel_find("fib");
	cr_assert(fact && fib);
	for (unsigned w = 1; w <= 16; w++) {
		expect_closest(fact, 2000, w);
		expect_closest(fact, 3, w);
		expect_closest(fib, 30, w);
	}
	/* Triangular work: n grows by about sqrt(w). */
	cr_expect_eq(pb_scaling_size(fact, 2000, 4), 4000 + 1, "n^2/2 + n: %llu",
		     (unsigned long long)pb_scaling_size(fact, 2000, 4));
	/* fib's work grows by the golden ratio per +1: 2x is nearer phi than phi^2. */
	cr_expect_eq(pb_scaling_size(fib, 30, 2), 31);
	cr_expect_eq(pb_scaling_size(fib, 30, 4), 33);
	cr_expect_eq(pb_scaling_size(fib, 30, 1), 30);
}

Test(scaling, names_round_trip)
{
	enum pb_scaling s;
	cr_expect_eq(pb_scaling_parse("weak", &s), 0);
	cr_expect_eq(s, PB_SCALING_WEAK);
	cr_expect_str_eq(pb_scaling_name(PB_SCALING_STRONG), "strong");
	cr_expect_neq(pb_scaling_parse("medium", &s), 0);
}

static struct pb_cell_result weak_result(const char *runner, unsigned workers, double median)
{
	struct pb_cell_result r;
	memset(&r, 0, sizeof(r));
	r.cell.kernel = pb_kernel_find("sum");
	r.cell.runner = pb_runner_find(runner);
	r.cell.has_schedule = strcmp(runner, "seq") != 0;
	r.cell.workers = workers;
	r.cell.base_n = 1000;
	r.cell.n = 1000 * workers;
	r.cell.scaling = PB_SCALING_WEAK;
	r.stats.count = 3;
	r.stats.median = median;
	return r;
}

Test(scaling, weak_efficiency_is_against_the_same_runners_one_worker_cell)
{
	struct pb_cell_result r[] = {
		weak_result("seq", 1, 1.0),
		weak_result("omp", 1, 2.0),
		weak_result("omp", 2, 2.5),
		weak_result("omp", 4, 4.0),
		weak_result("pthread", 2, 1.0), /* no 1-worker cell of its own */
	};
	size_t count = sizeof(r) / sizeof(r[0]);
	pb_weak_efficiency(r, count);
	cr_expect_float_eq(r[0].weak_efficiency, 1.0, 1e-12);
	cr_expect_float_eq(r[1].weak_efficiency, 1.0, 1e-12);
	cr_expect_float_eq(r[2].weak_efficiency, 0.8, 1e-12, "2.0 / 2.5, not seq's 1.0 / 2.5");
	cr_expect_float_eq(r[3].weak_efficiency, 0.5, 1e-12);
	cr_expect(isnan(r[4].weak_efficiency), "no baseline: not applicable");
}

Test(scaling, weak_sweep_writes_scaled_sizes_efficiency_and_chart)
{
	char root[] = "/tmp/pb-weak-XXXXXX", cmd[1024], path[512];
	cr_assert(mkdtemp(root));
	snprintf(cmd, sizeof(cmd),
		 "%s --scaling weak -k sum -n sum=20000 -r omp -s static -w 1,2 --reps 3 "
		 "--max-reps 3 --warmup 0 --no-overhead -o %s/results --plots %s/plots "
		 ">/dev/null 2>%s/err", pb_test_binary(), root, root, root);
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	struct pb_table t;
	snprintf(path, sizeof(path), "%s/results/latest/summary.csv", root);
	cr_assert_eq(pb_table_load(path, &t), 0);
	int n = pb_table_column(&t, "n"), base = pb_table_column(&t, "base_n"),
	    scaling = pb_table_column(&t, "scaling"), w = pb_table_column(&t, "workers"),
	    runner = pb_table_column(&t, "runner"), eff = pb_table_column(&t, "weak_efficiency");
	cr_assert(n >= 0 && base >= 0 && scaling >= 0 && w >= 0 && runner >= 0 && eff >= 0);
	cr_assert_eq(t.row_count, 3, "seq, omp x 1, omp x 2");
	for (size_t i = 0; i < t.row_count; i++) {
		char **row = t.rows[i];
		unsigned long workers = strtoul(row[w], NULL, 10);
		cr_expect_str_eq(row[scaling], "weak");
		cr_expect_str_eq(row[base], "20000");
		cr_expect_eq(strtoull(row[n], NULL, 10), 20000 * workers);
		cr_expect_neq(row[eff][0], '\0', "weak_efficiency of %s x %lu", row[runner],
			      workers);
		if (workers == 1)
			cr_expect_float_eq(strtod(row[eff], NULL), 1.0, 1e-12);
	}
	pb_table_free(&t);
	snprintf(path, sizeof(path), "%s/plots/latest/weak-sum-20000.png", root);
	cr_expect_eq(access(path, R_OK), 0, "weak chart %s", path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_expect_eq(system(cmd), 0);
}

/* With --pin given twice, each placement's weak cells are measured against
 * that placement's own 1-worker cell (once the first one found). */
Test(scaling, weak_efficiency_is_against_the_same_placement)
{
	static struct pb_placement compact, none;
	cr_assert_eq(pb_placement_parse("compact", &compact, NULL), 0);
	cr_assert_eq(pb_placement_parse("none", &none, NULL), 0);
	struct pb_cell_result r[] = {
		weak_result("omp", 1, 1.0),
		weak_result("omp", 1, 2.0),
		weak_result("omp", 2, 2.5),
		weak_result("omp", 2, 2.5),
	};
	r[0].cell.pin = r[2].cell.pin = &compact;
	r[1].cell.pin = r[3].cell.pin = &none;
	pb_weak_efficiency(r, sizeof(r) / sizeof(r[0]));
	cr_expect_float_eq(r[2].weak_efficiency, 0.4, 1e-12, "compact: 1.0 / 2.5");
	cr_expect_float_eq(r[3].weak_efficiency, 0.8, 1e-12, "none: 2.0 / 2.5, not compact's 1.0");
}

/* Two placements are two series of the weak-scaling chart (once merged
 * into one). */
Test(scaling, weak_chart_has_a_series_per_placement)
{
	char root[] = "/tmp/pb-weak-XXXXXX", cmd[1024], path[512], line[256];
	cr_assert(mkdtemp(root));
	snprintf(cmd, sizeof(cmd),
		 "%s --scaling weak -k sum -n sum=20000 -r omp -s static -w 1,2 --reps 3 "
		 "--max-reps 3 --warmup 0 --no-overhead --pin compact --pin none -o %s/results "
		 "--plots %s/plots >/dev/null 2>&1", pb_test_binary(), root, root);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(path, sizeof(path), "%s/plots/latest/data/weak-sum-20000.dat", root);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	int compact = 0, none = 0, points = 0;
	while (fgets(line, sizeof(line), f)) {
		compact += strcmp(line, "# omp static:compact\n") == 0;
		none += strcmp(line, "# omp static:none\n") == 0;
		points += line[0] >= '1' && line[0] <= '9';
	}
	fclose(f);
	cr_expect(compact == 1 && none == 1, "one series per placement in %s", path);
	cr_expect_eq(points, 4, "1 and 2 workers in each");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_expect_eq(system(cmd), 0);
}
