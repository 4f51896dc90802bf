/*
 * The end-of-sweep report, from a run folder made up here (written by the
 * harness's own CSV writers, then read back as every reporter reads it):
 * the CPU-to-CPU latency line, and a memory-bound cell's median in each
 * placement.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/analyse/analysis.h"
#include "../bench/measure/cell.h"
#include "../bench/measure/reference.h"
#include "../bench/report/report.h"
#include "../bench/store/csv.h"
#include "../kernels/kernel.h"
#include "../runners/runner.h"

/* A cell whose repetitions alternate by round between two placements:
 * rounds 0 and 2 probed 40 ns (0.012 s each), round 1 200 ns (0.007 s). */
static void moved_cell(struct pb_cell_result *r, const char *runner, unsigned workers)
{
	static struct pb_rep reps[2][12];
	static int used;
	struct pb_rep *rep = reps[used++];
	memset(r, 0, sizeof(*r));
	r->cell = (struct pb_cell){.kernel = pb_kernel_find("sum"), .n = 1 << 20,
				   .runner = pb_runner_find(runner), .workers = workers,
				   .has_schedule = strcmp(runner, "seq") != 0,
				   .sched = {PB_SCHED_STATIC, 0}};
	for (unsigned i = 0; i < 12; i++) {
		unsigned round = i / 4;
		rep[i] = (struct pb_rep){.seconds = round == 1 ? 0.007 : 0.012, .ok = 1,
					 .round = round, .peer_ns = round == 1 ? 200 : 40};
	}
	r->reps = rep;
	r->rep_count = r->ok_count = 12;
	r->rounds = 3;
	snprintf(r->status, sizeof(r->status), "ok");
	r->stop = "ci";
	r->speedup = r->efficiency = r->karp_flatt = NAN;
	r->gbps_reference = r->gbps_ratio = NAN;
	pb_cell_summarise(r);
}

static FILE *create(const char *dir, const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	return f;
}

/* A run folder with these cells and references, on a 2-CPU machine whose
 * probe ran between CPUs 0 and 1. */
static void write_run(const char *dir, const struct pb_cell_result *r, size_t count,
		      const struct pb_reference *ref, size_t ref_count)
{
	FILE *summary = create(dir, "summary.csv"), *raw = create(dir, "raw.csv");
	pb_csv_summary_header(summary);
	pb_csv_raw_header(raw);
	for (size_t i = 0; i < count; i++) {
		pb_csv_summary_row(summary, "run", &r[i]);
		pb_csv_raw_rows(raw, "run", &r[i], 0);
	}
	fclose(summary);
	fclose(raw);
	FILE *f = create(dir, "reference.csv");
	pb_reference_csv(f, "run", ref, ref_count);
	fclose(f);
	f = create(dir, "provenance.txt");
	fputs("run_id=run\nallowed_cpus=2\npeer_cpus=0,1\ntarget_ci=0.05\n", f);
	fclose(f);
}

/* The text report of the run in dir, through the path every reporter takes. */
static char *report_of(const char *dir)
{
	struct pb_results r;
	char err[512], *text = NULL;
	size_t len = 0;
	cr_assert_eq(pb_results_open(dir, &r, err, sizeof(err)), 0, "%s", err);
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	pb_report_print(f, &r);
	fclose(f);
	pb_results_close(&r);
	return text;
}

Test(report_text, medians_by_placement_for_a_cell_that_saw_both)
{
	struct pb_cell_result results[2];
	moved_cell(&results[0], "seq", 1);
	moved_cell(&results[1], "omp", 2);
	/* Its best bandwidth reference (dot) ran across caches; the cell
	 * mostly did not.  copy and triad, slower, shared a cache. */
	results[1].gbps_reference = 1.2;
	results[1].gbps_ratio = results[1].gbps / results[1].gbps_reference;
	struct pb_reference ref[3];
	static const char *const tests[3] = {"stream-copy", "stream-triad", "stream-dot"};
	static const double gbps[3] = {1.0, 1.1, 1.2}, peer[3] = {40, 40, 200};
	for (int t = 0; t < 3; t++)
		ref[t] = (struct pb_reference){.runner = pb_runner_find("omp"), .workers = 2,
					       .test = pb_kernel_lookup(tests[t]), .gbps = gbps[t],
					       .peer_ns = peer[t]};
	char root[] = "/tmp/pb-report-text-XXXXXX";
	cr_assert(mkdtemp(root));
	write_run(root, results, 2, ref, 3);
	char *text = report_of(root);

	cr_expect(strstr(text, "probed before each of 6 cell-rounds): median 40 ns"), "%s", text);
	cr_expect(strstr(text, "2 cell-rounds at 100 ns or more, 4 below"), "%s", text);
	cr_expect(strstr(text, "2 cells saw both"), "%s", text);
	/* 2^20 items of 8 bytes: 8.4 MB, in 12 ms and 7 ms. */
	cr_expect(strstr(text, "sum       omp         static   w=2   sharing a cache  0.012000 s "
			 "(  0.7 GB/s,  8 reps), across caches  0.007000 s (  1.2 GB/s,  4 reps)"),
		  "%s", text);
	cr_expect(!strstr(text, "w=1   sharing a cache"), "one worker: no placement medians\n%s",
		  text);
	cr_expect(strstr(text, "dot    1.20  (across caches)"), "%s", text);
	/* Rounds of 12, 7 and 12 ms: their logs' sd is 0.311, the CI over them
	 * 4.7-21.7 ms about the pooled median 12 ms, and 5% would take more
	 * than a hundred rounds. */
	cr_expect(strstr(text, "  sum        31.1% over 3 rounds, CI +-81.0%; --target-ci 5% "
			 "would take more than 100 rounds a cell\n"), "%s", text);
	cr_expect(strstr(text, "of reference (cell mostly sharing a cache, reference across "
			 "caches)"), "%s", text);
	free(text);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}

/* A cell of sum at 2^20 with 12 verified repetitions around `seconds`
 * (+-1%, the same pattern for every cell). */
static void timed_cell(struct pb_cell_result *r, struct pb_rep *rep, const char *runner,
		       unsigned workers, double seconds)
{
	memset(r, 0, sizeof(*r));
	r->cell = (struct pb_cell){.kernel = pb_kernel_find("sum"), .n = 1 << 20,
				   .runner = pb_runner_find(runner), .workers = workers,
				   .has_schedule = strcmp(runner, "seq") != 0,
				   .sched = {PB_SCHED_STATIC, 0}};
	for (unsigned i = 0; i < 12; i++)
		rep[i] = (struct pb_rep){.seconds = seconds * (1 + 0.01 * ((int)(i % 5) - 2) / 2),
					 .ok = 1, .peer_ns = NAN};
	r->reps = rep;
	r->rep_count = r->ok_count = 12;
	r->rounds = 1;
	snprintf(r->status, sizeof(r->status), "ok");
	r->stop = "ci";
	r->speedup = r->speedup_ci_low = r->speedup_ci_high = NAN;
	r->efficiency = r->karp_flatt = NAN;
	r->gbps_reference = r->gbps_ratio = NAN;
	pb_cell_summarise(r);
}

/* A winner is named only when the others are significantly slower;
 * within the interval, the report says tie (Hoefler and Belli, rule 7). */
Test(report_text, a_winner_only_when_significant)
{
	static struct pb_rep reps[3][12];
	struct pb_cell_result results[3];
	char root[] = "/tmp/pb-report-text-XXXXXX", cmd[300];
	const struct {
		double pthread;
		const char *says;
	} cases[] = {
		{0.5005, "a tie: within the 95% CI of its time ratio to it: pthread static w=2"},
		{0.8, "the winner: the next runner, pthread static w=2, takes 1.600x its time"},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		cr_assert(mkdtemp(root));
		timed_cell(&results[0], reps[0], "seq", 1, 1.0);
		timed_cell(&results[1], reps[1], "omp", 2, 0.5);
		timed_cell(&results[2], reps[2], "pthread", 2, cases[k].pthread);
		write_run(root, results, 3, NULL, 0);
		char *text = report_of(root);
		cr_expect(strstr(text, "sum       n=1048576    omp static w=2: "), "the fastest\n%s",
			  text);
		cr_expect(strstr(text, cases[k].says), "%s", text);
		free(text);
		for (int i = 0; i < 3; i++)
			free(results[i].cpus), free(results[i].seen);
		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		cr_assert_eq(system(cmd), 0);
		snprintf(root, sizeof(root), "/tmp/pb-report-text-XXXXXX");
	}
}

/* An Amdahl fit only from three worker counts or more (1 included):
 * from two, a one-parameter curve says nothing a speedup does not. */
Test(report_text, no_fit_from_fewer_than_three_worker_counts)
{
	static struct pb_rep reps[6][12];
	struct pb_cell_result r[6];
	timed_cell(&r[0], reps[0], "seq", 1, 1.0);
	timed_cell(&r[1], reps[1], "omp", 1, 1.0);
	timed_cell(&r[2], reps[2], "omp", 2, 0.55);
	timed_cell(&r[3], reps[3], "omp", 4, 0.325);
	timed_cell(&r[4], reps[4], "pthread", 1, 1.0);
	timed_cell(&r[5], reps[5], "pthread", 2, 0.55);
	struct pb_sweep sw = {.results = r, .done = 6};
	struct pb_analysis a;
	cr_assert_eq(pb_analyse(&sw, 1, NULL, 0, NULL, 0, 4, &a), 0);
	int omp = 0, pthread = 0;
	for (size_t i = 0; i < a.fit_count; i++) {
		const struct pb_fit *f = &a.fits[i];
		if (f->cell->runner == pb_runner_find("omp")) {
			omp = 1;
			cr_expect(isfinite(f->serial_fraction), "1, 2 and 4 workers: a fit");
			cr_expect(fabs(f->serial_fraction - 0.1) < 0.02, "f = %g", f->serial_fraction);
		}
		if (f->cell->runner == pb_runner_find("pthread")) {
			pthread = 1;
			cr_expect(isnan(f->serial_fraction), "1 and 2 workers: no fit");
		}
	}
	cr_expect(omp && pthread, "a row for each series");
	pb_analysis_free(&a);
	for (int i = 0; i < 6; i++)
		free(r[i].cpus), free(r[i].seen);
}

/* One worker against seq: each cell's time ratio with its interval and
 * the winner's rule (a tie where the CI holds 1, else within 3% or
 * outside), only for one-worker cells; and fits too short to make said
 * once for all, not once a series. */
Test(report_text, one_worker_against_seq_with_its_interval)
{
	static struct pb_rep reps[5][12];
	struct pb_cell_result r[5];
	char root[] = "/tmp/pb-report-text-XXXXXX", cmd[300];
	cr_assert(mkdtemp(root));
	timed_cell(&r[0], reps[0], "seq", 1, 1.0);
	/* time over seq's, and the CI of that ratio */
	const struct {
		const char *runner;
		double ratio, low, high;
		unsigned inflight;
	} cells[] = {{"omp", 1.10, 1.08, 1.12, 1}, {"pthread", 1.01, 1.005, 1.015, 1},
		     {"fork", 1.20, 0.90, 1.50, 1}, {"async", 0.10, 0.09, 0.11, 10}};
	for (size_t i = 0; i < 4; i++) {
		timed_cell(&r[i + 1], reps[i + 1], cells[i].runner, 1, cells[i].ratio);
		r[i + 1].cell.inflight = cells[i].inflight;
		r[i + 1].speedup = 1 / cells[i].ratio;
		r[i + 1].speedup_ci_low = 1 / cells[i].high;
		r[i + 1].speedup_ci_high = 1 / cells[i].low;
	}
	write_run(root, r, 5, NULL, 0);
	FILE *f = create(root, "fits.csv");
	fputs("run_id,kernel,runner,schedule,points,serial_fraction,serial_fraction_se\n"
	      "run,sum,omp,static,1,,\nrun,sum,pthread,static,1,,\nrun,sum,fork,static,1,,\n", f);
	fclose(f);
	char *text = report_of(root);
	cr_expect(strstr(text, "omp         static   +10.00% [+8.00% .. +12.00%]  slower, "
			       "outside 3%"), "%s", text);
	cr_expect(strstr(text, "pthread     static    +1.00% [+0.50% .. +1.50%]  within 3%"),
		  "%s", text);
	cr_expect(strstr(text, "fork        static   +20.00% [-10.00% .. +50.00%]  a tie with "
			       "seq"), "%s", text);
	cr_expect(!strstr(text, "async       static"), "10 in flight is no one-worker cell:\n%s",
		  text);
	cr_expect(strstr(text, "3 cells: 1 tied with seq, 1 within 3%, 1 outside"), "%s", text);
	cr_expect(strstr(text, "Amdahl fit: none for 3 kernel/runner/schedule series: at most 2 "
			       "worker counts (1 included), a fit needs 3"), "%s", text);
	cr_expect(!strstr(text, "no fit: not enough"), "said once, not per series:\n%s", text);
	free(text);
	for (int i = 0; i < 5; i++)
		free(r[i].cpus), free(r[i].seen);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
