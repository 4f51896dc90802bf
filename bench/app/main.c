/*
 * parbench: which parallel strategy wins for this workload on this
 * machine, by how much, and why.  The only file that prints and exits.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../analyse/analysis.h"
#include "../base/fail.h"
#include "cli.h"
#include "../../kernels/library.h"
#include "../report/compare.h"
#include "../report/coverage.h"
#include "../report/noise.h"
#include "../store/merge.h"
#include "../store/profile.h"
#include "../measure/context.h"
#include "../report/render.h"
#include "../report/report.h"
#include "../measure/resume.h"
#include "../store/rundir.h"
#include "../model/scaling.h"
#include "../measure/stop.h"
#include "../measure/sweep.h"

enum { EXIT_FAILED_CELLS = 1, EXIT_USAGE = 2, EXIT_STOPPED = PB_STOP_EXIT, EXIT_SLOWER = 4 };

/* The one place errors are printed: one line, whatever the message quotes
 * (an option value may hold a newline). */
static int die(int status, const char *msg)
{
	fputs("parbench: ", stderr);
	for (const char *c = msg; *c; c++)
		fputc((unsigned char)*c < 0x20 ? ' ' : *c, stderr);
	fputc('\n', stderr);
	return status;
}

/* The exit status of an error of the harness's vocabulary (base/fail.h). */
static int exit_status(int err)
{
	return err == -EINVAL ? EXIT_USAGE : err == -EINTR ? EXIT_STOPPED : EXIT_FAILED_CELLS;
}

/* parbench compare A B, and with --fail-if-slower a gate for a CI job:
 * its own status where a cell of B is significantly slower than A's by
 * the practical threshold or more (the rule the table prints), naming
 * them. */
static int compare(const struct pb_cli *cli)
{
	char err[512];
	struct pb_compare_result res;
	int e = pb_compare_runs(cli->compare_a, cli->compare_b, stdout, &res, err, sizeof(err));
	if (e)
		return die(exit_status(e), err);
	if (!cli->fail_if_slower || !res.slower)
		return 0;
	fflush(stdout);
	fprintf(stderr, "parbench compare: %zu cell%s of %s significantly slower than %s by "
		"%.0f%% or more:", res.slower, res.slower > 1 ? "s" : "", cli->compare_b,
		cli->compare_a, PB_COMPARE_THRESHOLD * 100);
	for (size_t i = 0; i < res.slower && i < PB_COMPARE_NAMED; i++)
		fprintf(stderr, "%s %s", i ? "," : "", res.slower_cells[i]);
	fprintf(stderr, "%s\n", res.slower > PB_COMPARE_NAMED ? ", ..." : "");
	return EXIT_SLOWER;
}

/* Loads the topology and checks each --pin policy against it: a list
 * naming a CPU this process may not use is bad input, not a failed cell. */
static int prepare_placement(struct pb_config *cfg, char *err, size_t len)
{
	char why[PB_PLACEMENT_WHY];
	unsigned most = 1;
	int e = pb_placement_topology_load(&cfg->topology, NULL);

	if (e) {
		return pb_fail(err, len, -EINVAL, "cannot read this machine's topology (hwloc): %s",
			       strerror(-e));
	}
	for (size_t i = 0; i < cfg->worker_count; i++)
		if (cfg->workers[i] > most)
			most = cfg->workers[i];
	int *cpus = calloc(most, sizeof(*cpus)), over;
	for (size_t i = 0; cpus && i < cfg->pin_count; i++)
		if (pb_placement_cpus(cfg->topology, &cfg->pins[i], most, cpus, &over, why)) {
			free(cpus);
			return pb_fail(err, len, -EINVAL, "--pin %s: %s",
				       pb_placement_name(&cfg->pins[i]), why);
		}
	free(cpus);
	return 0;
}

/* Runners that cannot run here (no MPI launcher): an error when the user
 * named them, otherwise left out with a note. */
static int check_runners(struct pb_config *cfg, char *err, size_t len)
{
	char why[256];
	size_t kept = 0;

	for (size_t i = 0; i < cfg->runner_count; i++) {
		const struct pb_runner *r = cfg->runners[i];
		int e = r->available ? r->available(why, sizeof(why)) : 0;
		if (e) {
			/* A setting the user got wrong is an error whether or
			 * not the runner was named; a launcher not installed
			 * here is not. */
			if (cfg->runners_named || e == -EINVAL) {
				return pb_fail(err, len, -EINVAL, "runner %s: %s", r->name, why);
			}
			fprintf(stderr, "parbench: note: leaving out runner %s: %s\n", r->name, why);
			continue;
		}
		cfg->runners[kept++] = r;
	}
	cfg->runner_count = kept;
	return 0;
}

/* What a machine profile says about --target-ci: where this machine's
 * run level alone is wider, no rounds in one run reach it. */
static void profile_plan(const struct pb_config *cfg)
{
	for (int k = 0; k < PB_LEVEL_CLASSES; k++) {
		const struct pb_run_level *l = &cfg->run_level[k];
		double floor = pb_run_level_floor(l->run_sd);
		if (l->cells && floor >= cfg->target_ci)
			printf("--target-ci %g%% is below what %s-bound cells can reach on this "
			       "machine (+-%.1f%% from its run level alone): they stopped at their "
			       "planned rounds (stop=run-level)\n", 100 * cfg->target_ci,
			       pb_profile_class_names[k], 100 * floor);
	}
}

/*
 * Loads the machine profile into cfg: --profile's, else the results
 * folder's where there is one.  One of another machine is refused (with
 * --profile, as a usage error); a corrupt one is reported and ignored.
 * Returns 0 or an exit status.
 */
static int load_profile(struct pb_config *cfg)
{
	char path[PB_PATH_MAX], err[600], why[600];
	struct pb_profile p;
	struct pb_host host;
	int given = cfg->profile_path != NULL;

	if (cfg->no_profile)
		return 0;
	snprintf(path, sizeof(path), "%s", given ? cfg->profile_path : "");
	if (!given)
		snprintf(path, sizeof(path), "%s/%s", cfg->results_root, PB_PROFILE_NAME);
	int e = pb_profile_read(path, &p, err, sizeof(err));
	if ((e == -ENOENT || e == -ENOTDIR) && !given)
		return 0; /* none there: a results folder not yet made, or not one */
	if (e == -ENOENT) {
		snprintf(why, sizeof(why), "--profile %s: no such file", path);
		return die(EXIT_USAGE, why);
	}
	if (e) {
		fprintf(stderr, "parbench: warning: machine profile ignored: %s; the intervals cover "
			"this run only\n", err);
		return 0;
	}
	pb_host_read(&host);
	if (pb_profile_matches(&p, &host, err, sizeof(err))) {
		snprintf(why, sizeof(why), "%smachine profile %s refused: %s", given ? "--profile: " : "",
			 path, err);
		if (given)
			return die(EXIT_USAGE, why);
		fprintf(stderr, "parbench: warning: %s; the intervals cover this run only (make "
			"bench-calibrate measures this machine)\n", why);
		return 0;
	}
	memcpy(cfg->run_level, p.level, sizeof(cfg->run_level));
	snprintf(cfg->profile_used, sizeof(cfg->profile_used), "%s", path);
	return 0;
}

/* The machine profile the intervals include, said with the results. */
static void print_profile(const struct pb_config *cfg)
{
	if (!cfg->profile_used[0])
		return;
	printf("Machine profile: %s: every median's interval includes this machine's run-to-run "
	       "variation", cfg->profile_used);
	for (int k = 0; k < PB_LEVEL_CLASSES; k++)
		if (cfg->run_level[k].cells)
			printf(", %s-bound %.1f%%", pb_profile_class_names[k],
			       100 * cfg->run_level[k].run_sd);
	putchar('\n');
	profile_plan(cfg);
}

/* After the cells: context measurements, analysis, files, report, plots.
 * Returns the exit status. */
static int finish(const struct pb_config *cfg, struct pb_sweep *sw)
{
	char err[512], plots[PB_PATH_MAX];
	struct pb_context context;
	struct pb_analysis analysis;
	struct pb_results results;
	int e, status = 0, opened = 0;

	printf("\nseed %llu (replay the order with --seed)\n", (unsigned long long)cfg->seed);
	print_profile(cfg);
	pb_context_measure(cfg, sw, &context);
	if (pb_analyse(sw, cfg->seed, context.ref, context.ref_count, context.overheads,
		       context.overhead_count, cfg->allowed_cpus, &analysis)) {
		pb_context_free(&context);
		return die(EXIT_FAILED_CELLS, "out of memory analysing the results");
	}
	if ((e = pb_sweep_write_summary(sw)) ||
	    (e = pb_latest_link(cfg->results_root, sw->run_id))) {
		fprintf(stderr, "parbench: cannot write %s/summary.csv: %s\n", sw->dir,
			strerror(-e));
		status = EXIT_FAILED_CELLS;
		goto out;
	}
	/* A context file that cannot be written is a failure, not a note. */
	if ((e = pb_context_write(sw, &context)) || (e = pb_analysis_write(sw, &analysis))) {
		fprintf(stderr, "parbench: cannot write context files in %s: %s\n", sw->dir,
			strerror(-e));
		status = EXIT_FAILED_CELLS;
	}
	/* From here on, every reporter reads what was just written, once;
	 * a run that cannot be read back still says where it is and how
	 * it ended. */
	opened = pb_results_open(sw->dir, &results, err, sizeof(err)) == 0;
	if (!opened) {
		fprintf(stderr, "parbench: no report: %s\n", err);
		status = EXIT_FAILED_CELLS;
	} else {
		pb_report_print(stdout, &results);
		if (pb_render_json(&results, err, sizeof(err))) {
			fprintf(stderr, "parbench: %s\n", err);
			status = EXIT_FAILED_CELLS;
		}
	}

	printf("\nResults: %s/\n", sw->dir);
	if (sw->stopped) {
		fprintf(stderr, "parbench: stopped by SIG%s after %zu of %zu cell-rounds (%zu "
			"of %zu cells measured at least once); what they measured is saved in %s/ (raw.csv, "
			"summary.csv); continue with: parbench --resume %s\n",
			sigabbrev_np(sw->stopped), sw->rounds_done, sw->rounds_planned,
			sw->done, sw->plan.count, sw->dir, sw->dir);
		status = EXIT_STOPPED;
		goto out;
	}
	if (cfg->plot && opened) {
		e = pb_render_pages(&results, cfg->plots_root, plots, sizeof(plots), err,
				    sizeof(err));
		if (e == 0) {
			printf("Plots:   %s/ (index.html)\n", plots);
		} else if (e == -ENOENT) {
			/* No gnuplot on this node (a cluster's compute node):
			 * the charts are made later, elsewhere. */
			fprintf(stderr, "parbench: plots skipped: %s; later: parbench plot %s\n",
				err, sw->dir);
		} else {
			/* Charts the run set out to draw and could not: a failure. */
			fprintf(stderr, "parbench: plots failed: %s\n", err);
			status = EXIT_FAILED_CELLS;
		}
	}
	if (sw->failed) {
		fprintf(stderr, "parbench: %zu of %zu cells failed verification or did not "
			"run (see status in summary.csv)\n", sw->failed, sw->done);
		status = EXIT_FAILED_CELLS;
	}
out:
	if (opened)
		pb_results_close(&results);
	pb_context_free(&context);
	pb_analysis_free(&analysis);
	return status;
}

static int sweep(struct pb_config *cfg)
{
	char err[512];
	struct pb_sweep sw;
	int status, e;

	if (cfg->progress < 0)
		cfg->progress = isatty(STDERR_FILENO);
	if (check_runners(cfg, err, sizeof(err)))
		return die(EXIT_USAGE, err);
	if ((status = load_profile(cfg)))
		return status;
	if ((e = pb_timer_slack_least()))
		fprintf(stderr, "parbench: note: timer slack left as it is: %s\n", strerror(-e));
	if (prepare_placement(cfg, err, sizeof(err))) {
		pb_placement_topology_free(cfg->topology);
		return die(EXIT_USAGE, err);
	}
	if ((e = pb_stop_install()))
		fprintf(stderr, "parbench: note: SIGTERM will not stop the sweep cleanly: %s\n",
			strerror(-e));
	for (size_t i = 0; i < cfg->worker_count; i++)
		if (cfg->workers[i] > cfg->allowed_cpus) {
			fprintf(stderr, "parbench: note: %u workers on %u allowed CPUs: "
				"oversubscribed cells are flagged in the results\n",
				cfg->workers[i], cfg->allowed_cpus);
			break;
		}
	if ((e = pb_sweep_run(cfg, &sw, stdout, err, sizeof(err))))
		status = die(exit_status(e), err);
	else
		status = finish(cfg, &sw);
	pb_sweep_free(&sw);
	pb_placement_topology_free(cfg->topology);
	cfg->topology = NULL;
	return status;
}

/* Finishes the sweep recorded in run_dir, in that folder. */
static int resume(const char *run_dir)
{
	struct pb_resume_args args;
	struct pb_cli cli;
	char err[512], real[PATH_MAX], root[PATH_MAX];
	int e;

	if (!realpath(run_dir, real))
		return die(EXIT_USAGE, "--resume: no run folder there");
	if ((e = pb_resume_load_args(real, &args))) {
		fprintf(stderr, "parbench: cannot resume %s: %s/%s: %s\n", run_dir, run_dir,
			PB_ARGS_FILE, strerror(-e));
		return EXIT_USAGE;
	}
	if (pb_cli_parse(args.argc, args.argv, &cli, err, sizeof(err)) ||
	    cli.action != PB_CLI_SWEEP) {
		fprintf(stderr, "parbench: cannot resume %s: %s/%s: %s\n", run_dir, run_dir,
			PB_ARGS_FILE, cli.action == PB_CLI_SWEEP ? err : "not a sweep");
		pb_resume_args_free(&args);
		return EXIT_USAGE;
	}
	/* The results root is where the folder is, whatever the recorded
	 * --out said relative to another working directory. */
	snprintf(root, sizeof(root), "%s", real);
	*strrchr(root, '/') = '\0';
	cli.cfg.results_root = root[0] ? root : "/";
	cli.cfg.resume = real;
	int status = sweep(&cli.cfg);
	pb_resume_args_free(&args);
	return status;
}

int main(int argc, char **argv)
{
	struct pb_cli cli;
	char err[512], dir[PB_PATH_MAX];
	int e;

	atexit(pb_kernel_libs_close); /* what --kernel-lib loaded, at the very end */
	if (pb_cli_parse(argc, argv, &cli, err, sizeof(err)))
		return die(EXIT_USAGE, err);
	switch (cli.action) {
	case PB_CLI_HELP:
		pb_cli_usage(stdout);
		return 0;
	case PB_CLI_LIST:
		pb_cli_list(stdout);
		return 0;
	case PB_CLI_PLOT:
		if ((e = pb_plot_run(cli.plot_run, cli.cfg.plots_root, dir, sizeof(dir), err,
				     sizeof(err))))
			return die(exit_status(e), err);
		printf("Plots: %s/\n", dir);
		return 0;
	case PB_CLI_COMPARE:
		return compare(&cli);
	case PB_CLI_COVERAGE:
		if ((e = pb_coverage_runs(cli.merge_runs, cli.merge_count, cli.save_profile, stdout,
					  err, sizeof(err))))
			return die(exit_status(e), err);
		return 0;
	case PB_CLI_NOISE:
		if ((e = pb_noise_run(cli.plot_run, stdout, err, sizeof(err))))
			return die(exit_status(e), err);
		return 0;
	case PB_CLI_RESUME:
		return resume(cli.resume_run);
	case PB_CLI_MERGE: {
		if ((e = pb_merge(cli.merge_out, cli.merge_runs, cli.merge_count, err,
				  sizeof(err))))
			return die(exit_status(e), err);
		/* The merged folder is this program's own output: a failure to
		 * read it back is not the user's. */
		struct pb_results merged;
		if (pb_results_open(cli.merge_out, &merged, err, sizeof(err)))
			return die(EXIT_FAILED_CELLS, err);
		e = pb_render_json(&merged, err, sizeof(err));
		pb_results_close(&merged);
		if (e)
			return die(EXIT_FAILED_CELLS, err);
		printf("Merged: %s/ (parbench plot %s)\n", cli.merge_out, cli.merge_out);
		return 0;
	}
	case PB_CLI_SWEEP:
		break;
	}
	if (cli.note[0])
		fprintf(stderr, "parbench: note: %s\n", cli.note);
	return sweep(&cli.cfg);
}
