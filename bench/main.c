/*
 * parbench: which parallel strategy wins for this workload on this
 * machine, by how much, and why.  The only file that prints and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "overhead.h"
#include "plot.h"
#include "report.h"
#include "rundir.h"
#include "sweep.h"

enum { EXIT_FAILED_CELLS = 1, EXIT_USAGE = 2 };

static int die(int status, const char *msg)
{
	fprintf(stderr, "parbench: %s\n", msg);
	return status;
}

/* Largest requested worker count with a CPU per worker (EPCC runs one
 * thread per core), or the smallest requested when none fits. */
static unsigned overhead_workers(const struct pb_config *cfg)
{
	unsigned best = 0, smallest = cfg->workers[0];
	for (size_t i = 0; i < cfg->worker_count; i++) {
		unsigned w = cfg->workers[i];
		if (w <= cfg->allowed_cpus && w > best)
			best = w;
		if (w < smallest)
			smallest = w;
	}
	return best ? best : smallest;
}

static size_t measure_overheads(const struct pb_config *cfg, const struct pb_sweep *sw,
				struct pb_overhead *o, size_t cap)
{
	unsigned w = overhead_workers(cfg);
	size_t count = 0;
	struct pb_outfile out;

	for (size_t i = 0; i < cfg->runner_count && count < cap; i++)
		if (cfg->runners[i]->schedules &&
		    pb_overhead_measure(cfg->runners[i], w, w <= cfg->allowed_cpus, &o[count]) == 0)
			count++;
	if (count && pb_outfile_open(&out, sw->dir, "overhead.csv") == 0) {
		pb_overhead_csv_header(out.f);
		for (size_t i = 0; i < count; i++)
			pb_overhead_csv_row(out.f, sw->run_id, &o[i]);
		if (pb_outfile_commit(&out))
			fprintf(stderr, "parbench: cannot write %s/overhead.csv\n", sw->dir);
	}
	return count;
}

static int sweep(const struct pb_config *cfg)
{
	char err[512], plots[PB_PATH_MAX];
	struct pb_sweep sw;
	struct pb_overhead overheads[PB_MAX_RUNNERS];
	size_t overhead_count = 0;
	int usage;

	for (size_t i = 0; i < cfg->worker_count; i++)
		if (cfg->workers[i] > cfg->allowed_cpus) {
			fprintf(stderr, "parbench: note: %u workers on %u allowed CPUs: "
				"oversubscribed cells are flagged in the results\n",
				cfg->workers[i], cfg->allowed_cpus);
			break;
		}
	if (pb_sweep_run(cfg, &sw, stdout, err, sizeof(err), &usage)) {
		pb_sweep_free(&sw);
		return die(usage ? EXIT_USAGE : EXIT_FAILED_CELLS, err);
	}
	if (cfg->overhead)
		overhead_count = measure_overheads(cfg, &sw, overheads, PB_MAX_RUNNERS);
	pb_report_print(stdout, &sw, overheads, overhead_count, cfg->allowed_cpus);

	printf("\nResults: %s/ (raw.csv, summary.csv, provenance.txt%s)\n", sw.dir,
	       overhead_count ? ", overhead.csv" : "");
	if (cfg->plot) {
		if (pb_plot_run(sw.dir, cfg->plots_root, plots, sizeof(plots), err, sizeof(err)))
			fprintf(stderr, "parbench: plots skipped: %s\n", err);
		else
			printf("Plots:   %s/\n", plots);
	}
	int status = 0;
	if (sw.failed) {
		fprintf(stderr, "parbench: %zu of %zu cells failed verification or did not "
			"run (see status in summary.csv)\n", sw.failed, sw.done);
		status = EXIT_FAILED_CELLS;
	}
	pb_sweep_free(&sw);
	return status;
}

int main(int argc, char **argv)
{
	struct pb_cli cli;
	char err[512], dir[PB_PATH_MAX];

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
		if (pb_plot_run(cli.plot_run, cli.cfg.plots_root, dir, sizeof(dir), err,
				sizeof(err)))
			return die(EXIT_FAILED_CELLS, err);
		printf("Plots: %s/\n", dir);
		return 0;
	case PB_CLI_COMPARE:
		if (pb_compare_runs(cli.compare_a, cli.compare_b, stdout, NULL, err, sizeof(err)))
			return die(EXIT_USAGE, err);
		return 0;
	case PB_CLI_SWEEP:
		break;
	}
	return sweep(&cli.cfg);
}
