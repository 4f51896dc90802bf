#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../runners/runner.h"
#include "../base/fail.h"
#include "chartdata.h"
#include "doc.h"
#include "../placement/peer.h"
#include "report_html.h"
#include "../store/rundir.h"

#define MAX_PAIRS 64
#define CELL 160

struct columns {
	int kernel, n, runner, schedule, workers, over, median, speedup, sp_lo, sp_hi, status;
};

static struct columns columns_of(const struct pb_table *t)
{
	return (struct columns){
		pb_table_column(t, "kernel"), pb_table_column(t, "n"),
		pb_table_column(t, "runner"), pb_table_column(t, "schedule"),
		pb_table_column(t, "workers"), pb_table_column(t, "oversubscribed"),
		pb_table_column(t, "median_s"), pb_table_column(t, "speedup"),
		pb_table_column(t, "speedup_ci_low"), pb_table_column(t, "speedup_ci_high"),
		pb_table_column(t, "status"),
	};
}

/* A cell that counts: verified (or from a run without status) and timed. */
static int usable(const struct pb_table *t, const struct columns *c, size_t i)
{
	const char *status = pb_field(t, i, c->status);
	double m = pb_field_num(t, i, c->median);
	return (*status == '\0' || strcmp(status, "ok") == 0) && isfinite(m) && m > 0;
}

static void cell_name(char *buf, size_t len, const struct pb_table *t,
		      const struct columns *c, size_t i)
{
	const char *sched = pb_field(t, i, c->schedule);
	const char *w = pb_field(t, i, c->workers);
	int show = *sched && strcmp(sched, "none");
	snprintf(buf, len, "%s%s%s, %s worker%s%s", pb_field(t, i, c->runner), show ? " " : "",
		 show ? sched : "", w, strcmp(w, "1") ? "s" : "",
		 strcmp(pb_field(t, i, c->over), "1") ? "" : " (oversubscribed)");
}

static void seconds(char *buf, size_t len, double s)
{
	if (s >= 1)
		snprintf(buf, len, "%.3f s", s);
	else if (s >= 1e-3)
		snprintf(buf, len, "%.3f ms", s * 1e3);
	else
		snprintf(buf, len, "%.3f us", s * 1e6);
}

/* One row of the winners' table for the kernel and n of summary row `first`. */
static void winner_row(const struct pb_doc_ops *d, FILE *f, const struct pb_table *t,
		       const struct columns *c, size_t first)
{
	const char *kernel = t->rows[first][c->kernel], *n = t->rows[first][c->n];
	long best = -1, seq = -1, second = -1;

	for (size_t i = 0; i < t->row_count; i++) {
		if (strcmp(t->rows[i][c->kernel], kernel) || strcmp(t->rows[i][c->n], n) ||
		    !usable(t, c, i))
			continue;
		double m = pb_field_num(t, i, c->median);
		if (pb_runner_is_baseline(t->rows[i][c->runner]) &&
		    (seq < 0 || m < pb_field_num(t, (size_t)seq, c->median)))
			seq = (long)i;
		if (best < 0 || m < pb_field_num(t, (size_t)best, c->median))
			best = (long)i;
	}
	char cells[7][CELL];
	const char *row[7];
	for (int i = 0; i < 7; i++) {
		row[i] = cells[i];
		snprintf(cells[i], CELL, "-");
	}
	snprintf(cells[0], CELL, "%s", kernel);
	snprintf(cells[1], CELL, "%s", n);
	if (best < 0) {
		snprintf(cells[2], CELL, "no verified cell");
		d->table_row(f, row, 7);
		return;
	}
	size_t b = (size_t)best;
	/* The runner-up: the best cell of any other runner. */
	for (size_t i = 0; i < t->row_count; i++) {
		if (strcmp(t->rows[i][c->kernel], kernel) || strcmp(t->rows[i][c->n], n) ||
		    !usable(t, c, i) || !strcmp(t->rows[i][c->runner], t->rows[b][c->runner]))
			continue;
		if (second < 0 ||
		    pb_field_num(t, i, c->median) < pb_field_num(t, (size_t)second, c->median))
			second = (long)i;
	}
	double mb = pb_field_num(t, b, c->median);
	cell_name(cells[2], CELL, t, c, b);
	seconds(cells[3], CELL, mb);
	if (seq >= 0) {
		double sp = pb_field_num(t, b, c->speedup);
		double lo = pb_field_num(t, b, c->sp_lo), hi = pb_field_num(t, b, c->sp_hi);
		if (!isfinite(sp))
			sp = pb_field_num(t, (size_t)seq, c->median) / mb;
		if ((size_t)seq == b)
			snprintf(cells[4], CELL, "1 (seq is the fastest)");
		else if (isfinite(lo) && isfinite(hi))
			snprintf(cells[4], CELL, "%.2fx [%.2f, %.2f]", sp, lo, hi);
		else
			snprintf(cells[4], CELL, "%.2fx", sp);
	}
	if (second >= 0) {
		double ms = pb_field_num(t, (size_t)second, c->median);
		char name[CELL - 40];
		cell_name(name, sizeof(name), t, c, (size_t)second);
		seconds(cells[6], CELL, ms);
		snprintf(cells[5], CELL, "%s", name);
		char time[32];
		seconds(time, sizeof(time), ms);
		snprintf(cells[6], CELL, "%s: %.2fx slower (+%.1f%%)", time, ms / mb,
			 (ms / mb - 1) * 100);
	}
	d->table_row(f, row, 7);
}

static void winners(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		    const size_t *pairs, size_t npairs)
{
	const struct pb_table *t = &run->summary;
	struct columns c = columns_of(t);
	static const char *const head[] = {
		"kernel", "n", "winner (runner schedule, workers)", "median time",
		"speedup over seq [95% CI]", "runner-up (best of another runner)",
		"runner-up's time: how much slower"};

	d->heading(f, 2, "Who won");
	if (c.kernel < 0 || c.n < 0 || c.runner < 0 || c.median < 0 || c.workers < 0) {
		d->para(f, "summary.csv lacks the columns this table needs.");
		return;
	}
	d->table_begin(f, head, 7);
	for (size_t i = 0; i < npairs; i++)
		winner_row(d, f, t, &c, pairs[i]);
	d->table_end(f);
	d->para(f, "The winner has the lowest median time of all verified cells of that kernel "
		   "and size (every runner, schedule and worker count). Its speedup is the "
		   "median time of seq over its own, with the 95% bootstrap confidence interval "
		   "where the run has one. The runner-up is the best cell of any other runner.");
}

static int exists(const char *dir, const char *name)
{
	char path[PB_PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

static void charts(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		   const size_t *pairs, size_t npairs, const char *dir)
{
	static const char *const types[] = {"speedup", "efficiency", "time", "bandwidth"};
	int ck = pb_table_column(&run->summary, "kernel"), cn = pb_table_column(&run->summary, "n");
	char png[300], svg[300], alt[300];

	d->heading(f, 2, "Charts");
	d->para(f, "Error bars: 95% confidence intervals where the run has them. Shaded, "
		   "hollow points: oversubscribed (more workers than allowed CPUs). Click a chart "
		   "for its SVG.");
	if (exists(dir, "overview.png"))
		d->image(f, "overview.png", "speedup of every kernel against workers",
			 exists(dir, "overview.svg") ? "overview.svg" : NULL, 1);
	if (ck < 0 || cn < 0)
		return;
	for (size_t i = 0; i < npairs; i++) {
		const char *kernel = run->summary.rows[pairs[i]][ck];
		const char *n = run->summary.rows[pairs[i]][cn];
		char title[200];
		snprintf(title, sizeof(title), "%s, n = %s", kernel, n);
		d->heading(f, 3, title);
		int any = 0;
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			char base[256];
			pb_chart_basename(base, sizeof(base), types[k], kernel, n);
			snprintf(png, sizeof(png), "%s.png", base);
			snprintf(svg, sizeof(svg), "%s.svg", base);
			if (!exists(dir, png))
				continue;
			snprintf(alt, sizeof(alt), "%s of %s at n = %s", types[k], kernel, n);
			d->image(f, png, alt, exists(dir, svg) ? svg : NULL, 0);
			any = 1;
		}
		if (!any)
			d->para(f, "No chart: this kernel has no parallel runs.");
	}
}

/* A CSV file of the run as a table, run_id left out (it is the page's). */
static void csv_section(const struct pb_doc_ops *d, FILE *f, const struct pb_table *t,
			const char *title, const char *file, const char *about)
{
	char note[300];
	const char *head[PB_TABLE_MAX_COLUMNS], *cells[PB_TABLE_MAX_COLUMNS];
	size_t n = 0;
	int keep[PB_TABLE_MAX_COLUMNS];

	d->heading(f, 2, title);
	if (!pb_table_present(t)) {
		snprintf(note, sizeof(note), "This run has no %s.", file);
		d->para(f, note);
		return;
	}
	d->para(f, about);
	for (size_t j = 0; j < t->columns; j++) {
		keep[j] = strcmp(t->header[j], "run_id") != 0;
		if (keep[j])
			head[n++] = t->header[j];
	}
	d->table_begin(f, head, n);
	for (size_t i = 0; i < t->row_count; i++) {
		size_t m = 0;
		for (size_t j = 0; j < t->columns; j++)
			if (keep[j])
				cells[m++] = *t->rows[i][j] ? t->rows[i][j] : "-";
		d->table_row(f, cells, m);
	}
	d->table_end(f);
}

static void provenance(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run)
{
	static const char *const head[] = {"key", "value"};

	d->heading(f, 2, "Provenance");
	if (run->provenance.count == 0) {
		d->para(f, "This run has no provenance.txt.");
		return;
	}
	d->table_begin(f, head, 2);
	for (size_t i = 0; i < run->provenance.count; i++) {
		const char *cells[2] = {run->provenance.key[i], run->provenance.value[i]};
		d->table_row(f, cells, 2);
	}
	d->table_end(f);
}

/* Where the host ran the first two CPUs during the run (peer.h), from the
 * cells' latency ranges; nothing for a run without them. */
static void placements(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run)
{
	const struct pb_table *t = &run->summary;
	int c_min = pb_table_column(t, "peer_ns_min"), c_max = pb_table_column(t, "peer_ns_max");
	double low = pb_column_lowest(t, c_min), high = 0;
	size_t count[PB_PEER_BOTH + 1] = {0};
	char line[600];

	for (size_t i = 0; i < t->row_count; i++) {
		double lo = pb_field_num(t, i, c_min), hi = pb_field_num(t, i, c_max);
		enum pb_peer_placement p = pb_peer_placement(lo, hi, low);
		count[p]++;
		if (p != PB_PEER_UNKNOWN)
			high = fmax(high, hi);
	}
	if (!(high > 0))
		return;
	size_t near = count[PB_PEER_SHARED], far = count[PB_PEER_ACROSS],
	       both = count[PB_PEER_BOTH];
	const char *pair = pb_run_provenance(run, "peer_cpus");
	int n = snprintf(line, sizeof(line), "CPU-to-CPU latency (CPUs %s, probed before each "
			 "cell-round): %.0f-%.0f ns. ", pair ? pair : "unknown", low, high);
	if (!pb_peer_two_placements(far + both, near + both))
		snprintf(line + n, sizeof(line) - (size_t)n, "One placement throughout.");
	else
		snprintf(line + n, sizeof(line) - (size_t)n, "Two placements: the host moved "
			 "these CPUs between caches during the run; %zu cells ran with them "
			 "sharing one (under %.0f ns), %zu across caches, %zu saw both. "
			 "Memory-bound cells with several workers reach another bandwidth in each "
			 "(peer_ns in raw.csv says which repetition ran how).", near,
			 PB_PEER_FAR * low, far, both);
	d->para(f, line);
}

static void document(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		     const char *dir)
{
	size_t pairs[MAX_PAIRS];
	size_t npairs = pb_chart_pairs(&run->summary, pairs, MAX_PAIRS);
	char title[300], line[1200];
	const char *host = pb_run_provenance(run, "host"),
		   *model = pb_run_provenance(run, "cpu_model"),
		   *cpus = pb_run_provenance(run, "allowed_cpus"),
		   *date = pb_run_provenance(run, "date"),
		   *cmd = pb_run_provenance(run, "command_line");

	snprintf(title, sizeof(title), "parbench run %s", run->id);
	d->begin(f, title);
	d->heading(f, 1, title);
	snprintf(line, sizeof(line), "Machine: %s, %s, %s allowed CPUs. Date: %s. Command: %s",
		 host ? host : "unknown", model ? model : "unknown CPU", cpus ? cpus : "unknown",
		 date ? date : "unknown", cmd ? cmd : "unknown");
	d->para(f, line);
	placements(d, f, run);
	winners(d, f, run, pairs, npairs);
	charts(d, f, run, pairs, npairs, dir);
	csv_section(d, f, &run->overhead, "Dispatch overhead", "overhead.csv",
		    "Cost of dispatching an empty job to the workers and joining them, in "
		    "microseconds (EPCC syncbench method: median of the samples, minus the empty "
		    "body called directly).");
	csv_section(d, f, &run->breakeven, "Break-even sizes", "breakeven.csv",
		    "n_star: the size above which the runner beats seq, from its fixed cost and "
		    "the kernel's work scaled from the measured size (a model).");
	csv_section(d, f, &run->reference, "Bandwidth reference", "reference.csv",
		    "STREAM-like tests (copy, triad, dot) run by each runner in the same run: "
		    "what the memory system gives, the yardstick of the memory-bound kernels.");
	csv_section(d, f, &run->fits, "Amdahl fits", "fits.csv",
		    "Serial fraction f of S(p) = 1 / (f + (1 - f) / p) fitted to the speedups, "
		    "and the limit 1/f it implies.");
	provenance(d, f, run);
	d->end(f);
}

int pb_report_html_write(const struct pb_run *run, const char *plots_dir, char *err,
			 size_t errlen)
{
	static const struct pb_doc_ops *const formats[] = {&pb_doc_html, &pb_doc_md};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct pb_outfile out;
		int e = pb_outfile_open(&out, plots_dir, formats[i]->file_name);
		if (e)
			return pb_fail(err, errlen, "cannot write %s/%s: %s", plots_dir,
				    formats[i]->file_name, strerror(-e));
		document(formats[i], out.f, run, plots_dir);
		if ((e = pb_outfile_commit(&out)))
			return pb_fail(err, errlen, "cannot write %s/%s: %s", plots_dir,
				    formats[i]->file_name, strerror(-e));
	}
	return 0;
}
