#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "csv.h"
#include "provenance.h"
#include "sweep.h"

/* Refuse sizes whose memory would not fit: a clear error beats the OOM
 * killer halfway through a sweep. */
#define MAX_MEMORY_FRACTION 0.75

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_memory(const struct pb_plan *plan, char *err, size_t len)
{
	double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < plan->count; i++) {
		const struct pb_cell *c = &plan->cells[i];
		double bytes = (double)c->kernel->bytes(c->n);
		if (phys > 0 && bytes > MAX_MEMORY_FRACTION * phys)
			return fail(err, len, "--size %s=%llu needs %.1f GiB, more than %.0f%% of "
				    "this machine's %.1f GiB", c->kernel->name,
				    (unsigned long long)c->n, bytes / (1 << 30),
				    MAX_MEMORY_FRACTION * 100, phys / (1 << 30));
	}
	return 0;
}

const struct pb_cell_result *pb_sweep_baseline(const struct pb_sweep *sw,
					       const struct pb_cell *cell)
{
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell *c = &sw->results[i].cell;
		if (!c->has_schedule && strcmp(c->runner->name, "seq") == 0 &&
		    c->kernel == cell->kernel && c->n == cell->n)
			return &sw->results[i];
	}
	return NULL;
}

static void set_speedup(const struct pb_sweep *sw, struct pb_cell_result *r)
{
	const struct pb_cell_result *base = pb_sweep_baseline(sw, &r->cell);

	if (!base || !base->stats.count || !r->stats.count)
		return;
	r->speedup = base->stats.median / r->stats.median;
	r->efficiency = r->speedup / r->cell.workers;
}

static void log_cell(FILE *log, size_t i, size_t count, const struct pb_cell_result *r)
{
	const struct pb_cell *c = &r->cell;
	char sched[48];

	if (!log)
		return;
	if (c->has_schedule && c->sched.chunk)
		snprintf(sched, sizeof(sched), "%s:%llu", pb_cell_schedule_name(c),
			 (unsigned long long)c->sched.chunk);
	else
		snprintf(sched, sizeof(sched), "%s", pb_cell_schedule_name(c));
	fprintf(log, "[%3zu/%zu] %-9s n=%-10llu %-8s %-14s w=%-3u", i + 1, count,
		c->kernel->name, (unsigned long long)c->n, c->runner->name, sched,
		c->workers);
	if (r->stats.count) {
		fprintf(log, " median %9.6f s  sd %4.1f%%", r->stats.median,
			100 * r->stats.stddev / r->stats.mean);
		if (isfinite(r->speedup))
			fprintf(log, "  speedup %5.2f  eff %4.2f", r->speedup, r->efficiency);
		if (isfinite(r->gbps))
			fprintf(log, "  %6.2f GB/s", r->gbps);
	}
	fprintf(log, "  %s%s\n", r->status, c->oversubscribed ? " (oversubscribed)" : "");
	fflush(log);
}

static int write_summary(const struct pb_sweep *sw)
{
	struct pb_outfile out;
	int err = pb_outfile_open(&out, sw->dir, "summary.csv");

	if (err)
		return err;
	pb_csv_summary_header(out.f);
	for (size_t i = 0; i < sw->done; i++)
		pb_csv_summary_row(out.f, sw->run_id, &sw->results[i]);
	return pb_outfile_commit(&out);
}

static int write_provenance(const struct pb_sweep *sw, const struct pb_config *cfg)
{
	struct pb_outfile out;
	int err = pb_outfile_open(&out, sw->dir, "provenance.txt");

	if (err)
		return err;
	pb_provenance_write(out.f, sw->run_id, cfg);
	return pb_outfile_commit(&out);
}

int pb_sweep_run(const struct pb_config *cfg, struct pb_sweep *sw, FILE *log,
		 char *err, size_t errlen, int *usage)
{
	struct pb_outfile raw;
	int e;

	memset(sw, 0, sizeof(*sw));
	*usage = 0;
	if (pb_plan_build(cfg, &sw->plan))
		return fail(err, errlen, "out of memory planning the sweep");
	if (check_memory(&sw->plan, err, errlen)) {
		*usage = 1;
		return -1;
	}
	sw->results = calloc(sw->plan.count, sizeof(*sw->results));
	if (!sw->results)
		return fail(err, errlen, "out of memory");

	if ((e = pb_rundir_create(cfg->results_root, sw->run_id, sizeof(sw->run_id),
				  sw->dir, sizeof(sw->dir)))) {
		*usage = 1;
		return fail(err, errlen, "cannot write results to '%s': %s",
			    cfg->results_root, strerror(-e));
	}
	if ((e = write_provenance(sw, cfg)) || (e = pb_outfile_open(&raw, sw->dir, "raw.csv"))) {
		*usage = 1;
		return fail(err, errlen, "cannot write results to '%s': %s", sw->dir,
			    strerror(-e));
	}
	pb_csv_raw_header(raw.f);

	for (size_t i = 0; i < sw->plan.count; i++) {
		struct pb_cell_result *r = &sw->results[i];
		if (pb_cell_run(&sw->plan.cells[i], cfg->warmup, cfg->reps,
				cfg->allowed_cpus, r)) {
			pb_outfile_abandon(&raw);
			return fail(err, errlen, "out of memory running cell %zu", i + 1);
		}
		sw->done = i + 1;
		set_speedup(sw, r);
		sw->failed += r->failed != 0;
		/* Rows reach the disk cell by cell, so an interrupted sweep
		 * leaves what it measured (in raw.csv.partial). */
		pb_csv_raw_rows(raw.f, sw->run_id, r);
		fflush(raw.f);
		log_cell(log, i, sw->plan.count, r);
	}

	if ((e = pb_outfile_commit(&raw)) || (e = write_summary(sw)))
		return fail(err, errlen, "cannot write results to '%s': %s", sw->dir,
			    strerror(-e));
	if ((e = pb_latest_link(cfg->results_root, sw->run_id)))
		return fail(err, errlen, "cannot link %s/latest: %s", cfg->results_root,
			    strerror(-e));
	return 0;
}

void pb_sweep_free(struct pb_sweep *sw)
{
	for (size_t i = 0; i < sw->done; i++)
		pb_cell_result_free(&sw->results[i]);
	free(sw->results);
	sw->results = NULL;
	pb_plan_free(&sw->plan);
}
