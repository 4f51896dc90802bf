/*
 * Traits, not names: the test build's throwaway kernel and runner
 * (tests/throwaway/, one file and one registry line each) go through the
 * whole harness in this process, CLI to report, with no other change:
 * the kernel counts as compute-bound because it moves no memory, and
 * speedups are measured against the runner with the baseline trait.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/analyse/analysis.h"
#include "../bench/app/cli.h"
#include "../bench/measure/sweep.h"
#include "../bench/report/report.h"
#include "../kernels/kernel.h"
#include "../runners/affinity.h"
#include "../runners/runner.h"

Test(traits, the_throwaway_kernel_and_runner_are_registered)
{
	const struct pb_kernel *k = pb_kernel_find("throwaway-squares");
	cr_assert_not_null(k, "the test build's kernel registry lists it");
	cr_expect(pb_kernel_compute_bound(k));
	cr_expect_not(pb_kernel_compute_bound(pb_kernel_find("sum")));
	cr_assert_not_null(pb_runner_find("throwaway-inline"));
	cr_expect_eq(pb_runner_baseline(), pb_runner_find("seq"));
	cr_expect(pb_runner_is_baseline("seq"));
	cr_expect_not(pb_runner_is_baseline("throwaway-inline"));
	cr_expect_not(pb_runner_is_baseline("no-such-runner"));
}

Test(traits, a_new_kernel_and_runner_run_from_cli_to_report, .timeout = 120)
{
	if (pb_allowed_cpus() < 2)
		cr_skip_test("the efficiency section needs 2 CPUs");
	char root[] = "/tmp/pb-traits-XXXXXX", err[512];
	cr_assert_not_null(mkdtemp(root));
	char *argv[] = {"parbench", "-k", "throwaway-squares,sum", "-n", "throwaway-squares=200000",
			"-n", "sum=100000", "-r", "throwaway-inline,pthread", "-w", "1,2",
			"--reps", "6", "--max-reps", "6", "--rounds", "1", "--no-plot", "--pin",
			"none", "-o", root, NULL};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	static struct pb_cli cli;
	cr_assert_eq(pb_cli_parse(argc, argv, &cli, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cli.cfg.runners[0], pb_runner_baseline(),
		     "the baseline is added, first, though not named");
	cli.cfg.progress = 0;

	struct pb_sweep sw;
	cr_assert_eq(pb_sweep_run(&cli.cfg, &sw, NULL, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(sw.failed, 0, "every cell verified");
	struct pb_analysis a;
	cr_assert_eq(pb_analyse(&sw, 1, NULL, 0, NULL, 0, 2, &a), 0);

	int inline_has_speedup = 0;
	for (size_t i = 0; i < sw.done; i++) {
		const struct pb_cell_result *r = &sw.results[i];
		if (r->cell.runner == pb_runner_find("throwaway-inline"))
			inline_has_speedup |= isfinite(r->speedup);
	}
	cr_expect(inline_has_speedup, "speedups of the new runner, against the baseline");

	cr_assert_eq(pb_sweep_write_summary(&sw), 0);
	struct pb_results results;
	cr_assert_eq(pb_results_open(sw.dir, &results, err, sizeof(err)), 0, "%s", err);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	pb_report_print(f, &results);
	fclose(f);
	pb_results_close(&results);
	const char *eff = strstr(text, "compute-bound kernels");
	cr_assert_not_null(eff, "an efficiency section at 2 workers\n%s", text);
	cr_expect(strstr(eff, "throwaway-squares throwaway-inline"),
		  "the new kernel and runner in it\n%s", eff);
	const char *next = strstr(eff, "\n\n");
	size_t span = next ? (size_t)(next - eff) : strlen(eff);
	cr_expect(!memmem(eff, span, "sum ", 4), "not the memory-bound kernel\n%s", eff);

	free(text);
	pb_analysis_free(&a);
	pb_sweep_free(&sw);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	cr_assert_eq(system(cmd), 0);
}
