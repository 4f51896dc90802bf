/*
 * A cell measured in rounds: each round times its part of --reps, never
 * more than its part of --max-reps, and the parts add up to the totals;
 * after them, extra rounds go to the cells that need them most.
 */
#include <criterion/criterion.h>
#include <string.h>

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
			       .allowed_cpus = pb_allowed_cpus(), .no_queued = 1};
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

/* A cell of `rounds` rounds of 3 repetitions: round g's at 1 + spread x g,
 * round `disturbed` (or none: -1) flagged. */
static void made_cell(struct pb_cell_result *r, struct pb_rep *reps, unsigned rounds,
		      double spread, int disturbed)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < rounds * 3; i++)
		reps[i] = (struct pb_rep){.seconds = (1 + spread * (i / 3)) * (1 + 1e-4 * (i % 3)),
					  .ok = 1, .round = i / 3,
					  .disturbed = (int)(i / 3) == disturbed};
	r->reps = reps;
	r->rep_count = r->ok_count = rounds * 3;
	r->rounds = rounds;
	r->disturbed_rounds = disturbed >= 0;
	r->stop = "budget";
}

/* Which cells get an extra round, in what order, and why each ended. */
Test(cell, extra_rounds_go_to_disturbed_then_wide_cells)
{
	struct pb_measure m = {.min_reps = 12, .max_reps = 100, .target_ci = 0.02, .rounds = 4,
			       .max_rounds = 8, .extra_rounds_max = 1};
	struct pb_rep reps[24];
	struct pb_cell_result r;

	made_cell(&r, reps, 4, 0.0001, -1); /* rounds that agree: narrow */
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);
	pb_cell_settle(&m, &r);
	cr_expect_str_eq(r.stop, "ci");

	made_cell(&r, reps, 4, 0.05, -1); /* 5% apart a round: wide */
	double wide = pb_cell_round_need(&m, &r);
	cr_expect(wide > 1 && wide < PB_NEED_DISTURBED, "the width over the target: %g", wide);
	pb_cell_settle(&m, &r);
	cr_expect_str_eq(r.stop, "extras", "wide, and no extra round ran");

	made_cell(&r, reps, 4, 0.0001, 2); /* narrow but disturbed: first */
	cr_expect_geq(pb_cell_round_need(&m, &r), PB_NEED_DISTURBED);
	r.extra_rounds = 1; /* answered */
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);

	made_cell(&r, reps, 8, 0.05, -1); /* wide at max_rounds */
	r.rounds = 4, r.extra_rounds = 4;
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);
	pb_cell_settle(&m, &r);
	cr_expect_str_eq(r.stop, "rounds");

	made_cell(&r, reps, 3, 0.05, -1); /* its planned rounds not all run */
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);
	made_cell(&r, reps, 4, 0.05, -1);
	r.failed = 1;
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);
	m.max_reps = 12; /* --reps N --max-reps N: exactly N */
	made_cell(&r, reps, 4, 0.05, -1);
	cr_expect_eq(pb_cell_round_need(&m, &r), 0);
}
