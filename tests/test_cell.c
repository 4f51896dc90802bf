/*
 * A cell measured in rounds: each round times its part of --reps, never
 * more than its part of --max-reps, and the parts add up to the totals.
 */
#include <criterion/criterion.h>

#include "../bench/measure/cell.h"
#include "../kernels/kernel.h"
#include "../runners/affinity.h"
#include "../runners/runner.h"

/* Runs all rounds of a fib cell; fills per_round[] with each round's reps. */
static void run_rounds(unsigned min, unsigned max, unsigned rounds, double target_ci,
		       struct pb_cell_result *r, unsigned *per_round)
{
	struct pb_cell cell = {.kernel = pb_kernel_find("fib"), .n = 20, .runner = pb_runner_find("seq"),
			       .workers = 1};
	struct pb_measure m = {.warmup = 0, .min_reps = min, .max_reps = max,
			       .target_ci = target_ci, .budget_s = 60, .rounds = rounds,
			       .allowed_cpus = pb_allowed_cpus()};
	cr_assert_eq(pb_cell_run(&cell, &m, r), 0);
	for (unsigned k = 1; k < rounds; k++)
		cr_assert_eq(pb_cell_run_round(&m, k, r), 0);
	for (unsigned k = 0; k < rounds; k++)
		per_round[k] = 0;
	for (unsigned i = 0; i < r->rep_count; i++) {
		cr_assert_lt(r->reps[i].round, rounds);
		if (i)
			cr_expect_geq(r->reps[i].round, r->reps[i - 1].round, "in round order");
		per_round[r->reps[i].round]++;
	}
	cr_expect_eq(r->rounds, rounds);
	cr_expect_str_eq(r->status, "ok");
}

Test(cell, rounds_split_reps_and_max_reps_exactly)
{
	struct pb_cell_result r;
	unsigned per[3];

	/* min = max: exactly the total, split 3, 3, 4. */
	run_rounds(10, 10, 3, 1e-9, &r, per);
	cr_expect_eq(r.rep_count, 10);
	cr_expect(per[0] == 3 && per[1] == 3 && per[2] == 4, "%u %u %u", per[0], per[1], per[2]);
	pb_cell_result_free(&r);

	run_rounds(5, 5, 3, 1e-9, &r, per);
	cr_expect_eq(r.rep_count, 5, "not 6");
	pb_cell_result_free(&r);

	/* An unreachable CI: every round goes on to its part of max. */
	run_rounds(6, 30, 3, 1e-9, &r, per);
	cr_expect_eq(r.rep_count, 30);
	cr_expect(per[0] == 10 && per[1] == 10 && per[2] == 10, "%u %u %u", per[0], per[1],
		  per[2]);
	pb_cell_result_free(&r);

	/* A CI met at once does not cut a round of several short: each goes
	 * on to its part of max (the budget is a minute), so the rounds weigh
	 * alike; whether more rounds run is the interval's to say. */
	run_rounds(9, 90, 3, 100, &r, per);
	cr_expect(per[0] == 30 && per[1] == 30 && per[2] == 30, "%u %u %u", per[0], per[1],
		  per[2]);
	pb_cell_result_free(&r);
}

/* One round: its interval is over its repetitions, which may stop it. */
Test(cell, one_round_stops_on_its_interval)
{
	struct pb_cell_result r;
	unsigned per[1];
	run_rounds(3, 90, 1, 100, &r, per);
	cr_expect_eq(per[0], 6, "stops once a 95%% CI exists (6 reps): %u", per[0]);
	pb_cell_result_free(&r);
}

Test(cell, one_round_is_the_whole_cell)
{
	struct pb_cell_result r;
	unsigned per[1];
	run_rounds(7, 7, 1, 1e-9, &r, per);
	cr_expect_eq(r.rep_count, 7);
	cr_expect_eq(per[0], 7);
	pb_cell_result_free(&r);
}
