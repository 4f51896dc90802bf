/*
 * The machine profile: the run level measured from several runs
 * (base/run_level.c), the file that keeps it (store/profile.c), and a
 * sweep that reads it, refuses another machine's and ignores a corrupt
 * one.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/base/run_level.h"
#include "../bench/store/profile.h"
#include "support.h"

#define CELLS 40
#define RUNS 6

/* Cells whose runs move by a shift every cell shares (sd 0.03) and by
 * their own (sd 0.02), and whose intervals saw within-run noise of 0.01. */
static void synthetic(double *logm, double *se)
{
	uint64_t s = 12345;
	double shift[RUNS];
	for (int a = 0; a < RUNS; a++)
		shift[a] = 0.03 * (a % 2 ? 1 : -1) * (a < 2 ? 1.2 : 0.8);
	for (int c = 0; c < CELLS; c++)
		for (int a = 0; a < RUNS; a++) {
			s = s * 6364136223846793005u + 1442695040888963407u;
			double u = ((double)(s >> 11) / 9007199254740992.0) * 2 - 1; /* uniform -1..1 */
			logm[c * RUNS + a] = log(0.01 * (c + 1)) + shift[a] + 0.02 * sqrt(3) * u;
			se[c * RUNS + a] = 0;
		}
}

Test(run_level, separates_the_shared_shift_from_each_cells_own)
{
	double logm[CELLS * RUNS], se[CELLS * RUNS];
	struct pb_run_level l;
	synthetic(logm, se);
	cr_assert_eq(pb_run_level_estimate(logm, se, CELLS, RUNS, &l), 0);
	/* Total: sqrt(0.03^2 + 0.02^2) = 0.036; not shared: 0.02. */
	cr_expect(fabs(l.run_sd - 0.036) < 0.006, "run_sd %g", l.run_sd);
	cr_expect(fabs(l.pair_sd - 0.02) < 0.004, "pair_sd %g", l.pair_sd);
	cr_expect_eq(l.cells, CELLS);
	cr_expect_eq(l.runs, RUNS);
}

Test(run_level, what_the_runs_own_intervals_saw_is_not_counted_twice)
{
	double logm[CELLS * RUNS], se[CELLS * RUNS];
	struct pb_run_level l;
	synthetic(logm, se);
	/* Each run's interval already saw all of each cell's own move. */
	for (int i = 0; i < CELLS * RUNS; i++)
		se[i] = 0.03;
	cr_assert_eq(pb_run_level_estimate(logm, se, CELLS, RUNS, &l), 0);
	cr_expect_eq(l.pair_sd, 0, "pair_sd %g", l.pair_sd);
	cr_expect(l.run_sd < 0.03, "run_sd %g", l.run_sd);
	cr_expect_eq(pb_run_level_estimate(logm, se, 1, RUNS, &l), -EINVAL);
	cr_expect_eq(pb_run_level_estimate(logm, se, CELLS, 1, &l), -EINVAL);
}

Test(run_level, widening_adds_in_quadrature_on_the_log_scale)
{
	double lo = 0.98, hi = 1.03;
	pb_run_level_widen(1.0, 0.05, &lo, &hi);
	double add = PB_Z95 * 0.05;
	cr_expect(fabs(log(1 / lo) - sqrt(log(1 / 0.98) * log(1 / 0.98) + add * add)) < 1e-12);
	cr_expect(fabs(log(hi) - sqrt(log(1.03) * log(1.03) + add * add)) < 1e-12);
	/* No run level, or no interval: nothing changes. */
	lo = 0.98, hi = 1.03;
	pb_run_level_widen(1.0, NAN, &lo, &hi);
	cr_expect(lo == 0.98 && hi == 1.03);
	lo = NAN, hi = NAN;
	pb_run_level_widen(1.0, 0.05, &lo, &hi);
	cr_expect(isnan(lo) && isnan(hi));
	/* Three rounds: t with 2 degrees of freedom, 4.30. */
	cr_expect(fabs(pb_run_level_se(exp(-4.302653), exp(4.302653), 3) - 1) < 1e-5);
}

static void sample_profile(struct pb_profile *p)
{
	memset(p, 0, sizeof(*p));
	pb_host_read(&p->host);
	snprintf(p->date, sizeof(p->date), "2026-01-01T00:00:00+0000");
	p->runs = 3;
	p->level[PB_LEVEL_COMPUTE] = (struct pb_run_level){20, 3, 0.04, 0.01};
	p->level[PB_LEVEL_MEMORY] = (struct pb_run_level){10, 3, 0.09, 0.05};
}

Test(profile, reads_back_what_it_wrote_and_knows_its_machine)
{
	char dir[] = "/tmp/pb-profile-XXXXXX", path[64], err[512];
	struct pb_profile p, q;
	struct pb_host here, other;
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" PB_PROFILE_NAME, dir);
	sample_profile(&p);
	cr_assert_eq(pb_profile_write(path, &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pb_profile_read(path, &q, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(q.runs, 3);
	cr_expect_eq(q.level[PB_LEVEL_MEMORY].cells, 10);
	cr_expect(fabs(q.level[PB_LEVEL_COMPUTE].run_sd - 0.04) < 1e-9);
	cr_expect(fabs(q.level[PB_LEVEL_MEMORY].pair_sd - 0.05) < 1e-9);
	/* A class pooled over more runs than another keeps its own count. */
	p.runs = 7;
	p.level[PB_LEVEL_MEMORY].runs = 7;
	cr_assert_eq(pb_profile_write(path, &p, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pb_profile_read(path, &q, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(q.level[PB_LEVEL_MEMORY].runs, 7);
	cr_expect_eq(q.level[PB_LEVEL_COMPUTE].runs, 3);
	pb_host_read(&here);
	cr_expect_eq(pb_profile_matches(&q, &here, err, sizeof(err)), 0, "%s", err);
	other = here;
	snprintf(other.name, sizeof(other.name), "elsewhere");
	cr_expect_eq(pb_profile_matches(&q, &other, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "elsewhere") && strstr(err, here.name), "%s", err);
	other = here;
	other.cpus = here.cpus + 1; /* the same name, another shape */
	cr_expect_eq(pb_profile_matches(&q, &other, err, sizeof(err)), -EINVAL);
	cr_expect_eq(pb_profile_read("/nonexistent/machine.profile", &q, err, sizeof(err)),
		     -ENOENT);
	unlink(path);
	rmdir(dir);
}

Test(profile, nonsense_is_named_and_refused)
{
	char dir[] = "/tmp/pb-profile-XXXXXX", path[64], err[512];
	struct pb_profile p;
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.profile", dir);
	static const struct {
		const char *text, *named;
	} bad[] = {
		{"this is not a profile\n", "format"},
		{"format=1\nhost=h\ncpu_model=m\ncpus=2\nruns=3\ncompute_cells=5\n"
		 "compute_run_sd=-0.1\ncompute_pair_sd=0\nmemory_cells=0\n", "compute_run_sd"},
		{"format=1\nhost=h\ncpu_model=m\ncpus=2\nruns=3\ncompute_cells=5\n"
		 "compute_run_sd=nan\ncompute_pair_sd=0\nmemory_cells=0\n", "compute_run_sd"},
		{"format=1\nhost=h\ncpu_model=m\ncpus=2\nruns=2\ncompute_cells=5\n"
		 "compute_run_sd=0.1\ncompute_pair_sd=0\nmemory_cells=0\n", "runs"},
		{"format=1\nhost=h\ncpu_model=m\ncpus=2\nruns=3\ncompute_cells=0\nmemory_cells=0\n",
		 "no class"},
		{"format=1\ncpu_model=m\ncpus=2\nruns=3\ncompute_cells=0\nmemory_cells=0\n", "host"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pb_test_write_file(dir, "bad.profile", bad[i].text);
		cr_expect_eq(pb_profile_read(path, &p, err, sizeof(err)), -EINVAL, "case %zu", i);
		cr_expect(strstr(err, bad[i].named) && strstr(err, path), "case %zu: %s", i, err);
	}
	unlink(path);
	rmdir(dir);
}

/* Runs parbench with args, returns its status; its stdout and stderr in
 * out and err (each read into the support buffer in turn). */
static int sweep(const char *dir, const char *const *args, char *out, char *err, size_t len)
{
	char o[256], e[256];
	snprintf(o, sizeof(o), "%s/out.txt", dir);
	snprintf(e, sizeof(e), "%s/err.txt", dir);
	int status = pb_test_finish(pb_test_start(o, e, args));
	snprintf(out, len, "%s", pb_test_slurp(o) ? pb_test_slurp(o) : "");
	snprintf(err, len, "%s", pb_test_slurp(e) ? pb_test_slurp(e) : "");
	return status;
}

#define TINY_SWEEP "--kernels", "fib", "--size", "fib=16", "--runners", "seq", "--reps", "4", \
	"--rounds", "2", "--warmup", "0", "--no-plot", "--no-overhead", "--out"

Test(profile, a_sweep_takes_this_machines_and_refuses_anothers, .timeout = 120)
{
	char dir[] = "/tmp/pb-profile-XXXXXX", path[128], other[128], err[512];
	static char out[8192], errs[8192];
	struct pb_profile p;
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/" PB_PROFILE_NAME, dir);
	sample_profile(&p);
	cr_assert_eq(pb_profile_write(path, &p, err, sizeof(err)), 0, "%s", err);

	/* The results folder's profile: its run level is in every interval. */
	cr_assert_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, NULL}, out, errs, sizeof(out)), 0,
		     "%s", errs);
	cr_expect(strstr(out, "Machine profile: ") && strstr(out, "compute-bound 4.0%"), "%s", out);
	char summary[192];
	snprintf(summary, sizeof(summary), "%s/latest/summary.csv", dir);
	char *text = pb_test_slurp(summary);
	cr_assert(text);
	cr_expect(strstr(text, "rounds_ci_low_s,rounds_ci_high_s,run_sd,pair_sd"), "%s", text);
	cr_expect(strstr(text, ",0.04,0.01,"), "the cell's run level: %s", text);
	snprintf(summary, sizeof(summary), "%s/latest/provenance.txt", dir);
	cr_expect(pb_test_file_has(summary, "profile_compute_run_sd=0.040000"));

	/* Another machine's: refused by name, with --profile as bad input. */
	snprintf(p.host.name, sizeof(p.host.name), "someone-elses-host");
	snprintf(other, sizeof(other), "%s/other.profile", dir);
	cr_assert_eq(pb_profile_write(other, &p, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, "--profile", other, NULL}, out,
			   errs, sizeof(out)), 2);
	cr_expect(strstr(errs, "refused") && strstr(errs, "someone-elses-host"), "%s", errs);
	cr_expect_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, "--profile", "/nonexistent", NULL},
			   out, errs, sizeof(out)), 2);
	cr_expect(strstr(errs, "no such file"), "%s", errs);
	/* In the results folder, another machine's is refused and the sweep
	 * runs with intervals over its own run. */
	cr_assert_eq(rename(other, path), 0);
	cr_expect_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, NULL}, out, errs, sizeof(out)), 0);
	cr_expect(strstr(errs, "refused") && !strstr(out, "Machine profile: "), "%s", errs);

	/* A corrupt one: reported, ignored, and the sweep still runs. */
	pb_test_write_file(dir, PB_PROFILE_NAME, "format=1\nhost=x\n");
	cr_expect_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, NULL}, out, errs, sizeof(out)), 0);
	cr_expect(strstr(errs, "ignored") && strstr(errs, "cpu_model"), "%s", errs);
	cr_expect_eq(sweep(dir, (const char *[]){TINY_SWEEP, dir, "--profile", path, "--no-profile",
						 NULL}, out, errs, sizeof(out)), 2);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(pb_test_system(cmd), 0);
}

Test(profile, saving_one_needs_three_runs_and_the_coverage_subcommand)
{
	char dir[] = "/tmp/pb-profile-XXXXXX", out[512], errs[512];
	cr_assert(mkdtemp(dir));
	cr_expect_eq(sweep(dir, (const char *[]){"coverage", "--save-profile", "p", "a", "b", NULL},
			   out, errs, sizeof(out)), 2);
	cr_expect(strstr(errs, "3 runs or more"), "%s", errs);
	cr_expect_eq(sweep(dir, (const char *[]){"--save-profile", "p", NULL}, out, errs,
			   sizeof(out)), 2);
	cr_expect(strstr(errs, "option of parbench coverage"), "%s", errs);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_expect_eq(pb_test_system(cmd), 0);
}

/* A ratio of two cells or two runs: both sides' levels, in quadrature; a
 * side without one (its run had no profile) shares the other's. */
Test(run_level, a_ratio_takes_both_sides)
{
	cr_expect_float_eq(pb_run_level_pair(0.03, 0.04), 0.05, 1e-12);
	cr_expect_float_eq(pb_run_level_pair(0.03, NAN), 0.03 * sqrt(2), 1e-12);
	cr_expect_float_eq(pb_run_level_pair(0, 0.03), 0.03 * sqrt(2), 1e-12);
	cr_expect_eq(pb_run_level_pair(NAN, 0), 0);
}

/* Calibrations at several moments pool: each variance weighted by its
 * runs less one; a class one of them did not measure takes the other's. */
Test(run_level, calibrations_pool_by_their_runs)
{
	struct pb_run_level a = {20, 4, 0.00, 0.00}, b = {20, 3, 0.06, 0.03}, none = {0};
	pb_run_level_pool(&a, &b);
	cr_expect_eq(a.runs, 7);
	cr_expect_float_eq(a.run_sd, sqrt(0.06 * 0.06 * 2 / 5), 1e-12);
	cr_expect_float_eq(a.pair_sd, sqrt(0.03 * 0.03 * 2 / 5), 1e-12);
	pb_run_level_pool(&none, &b);
	cr_expect_eq(none.runs, 3);
	cr_expect_float_eq(none.run_sd, 0.06, 1e-12);
	struct pb_run_level c = b;
	pb_run_level_pool(&c, &(struct pb_run_level){0});
	cr_expect_float_eq(c.run_sd, 0.06, 1e-12);
	cr_expect_eq(c.runs, 3);
}
