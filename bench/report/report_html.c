#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analyse/vs_seq.h"
#include "../../runners/runner.h"
#include "../base/fail.h"
#include "chartdata.h"
#include "doc.h"
#include "../placement/peer.h"
#include "report_html.h"
#include "spread.h"
#include "../store/rundir.h"

#define CELL 160

struct columns {
	int kernel, n, runner, schedule, workers, over, median, speedup, sp_lo, sp_hi, status;
	int inflight; /* -1 in a run from before latency-bound cells */
};

static struct columns columns_of(const struct pb_table *t)
{
	return (struct columns){
		pb_table_column(t, "kernel"), pb_table_column(t, "n"),
		pb_table_column(t, "runner"), pb_table_column(t, "schedule"),
		pb_table_column(t, "workers"), pb_table_column(t, "oversubscribed"),
		pb_table_column(t, "median_s"), pb_table_column(t, "speedup"),
		pb_table_column(t, "speedup_ci_low"), pb_table_column(t, "speedup_ci_high"),
		pb_table_column(t, "status"), pb_table_column(t, "inflight"),
	};
}

static void cell_name(char *buf, size_t len, const struct pb_table *t,
		      const struct columns *c, size_t i)
{
	const char *sched = pb_field(t, i, c->schedule);
	const char *w = pb_field(t, i, c->workers);
	const char *inflight = pb_field(t, i, c->inflight);
	int show = *sched && strcmp(sched, "none");
	int several = strtoul(inflight, NULL, 10) > 1; /* async on a kernel that waits */
	snprintf(buf, len, "%s%s%s, %s worker%s%s%s%s%s", pb_field(t, i, c->runner),
		 show ? " " : "", show ? sched : "", w, strcmp(w, "1") ? "s" : "",
		 several ? " x " : "", several ? inflight : "", several ? " in flight" : "",
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

/* One row of the winners' table: group g of the findings. */
static void winner_row(const struct pb_doc_ops *d, FILE *f, const struct pb_table *t,
		       const struct columns *c, const struct pb_group *g)
{
	const char *kernel = t->rows[g->first][c->kernel], *n = t->rows[g->first][c->n];
	char cells[7][CELL];
	const char *row[7];
	for (int i = 0; i < 7; i++) {
		row[i] = cells[i];
		snprintf(cells[i], CELL, "-");
	}
	snprintf(cells[0], CELL, "%s", kernel);
	snprintf(cells[1], CELL, "%s", n);
	if (g->best < 0) {
		snprintf(cells[2], CELL, "no verified cell");
		d->table_row(f, row, 7);
		return;
	}
	size_t b = (size_t)g->best;
	double mb = pb_field_num(t, b, c->median);
	cell_name(cells[2], CELL, t, c, b);
	if (g->verdict == PB_WIN_TIE) {
		/* No winner: the best and every runner within its interval. */
		char names[CELL] = "";
		size_t used = (size_t)snprintf(names, sizeof(names), "tie: %s", cells[2]);
		for (size_t k = 0; k < g->tied_count && used < sizeof(names); k++) {
			char other[CELL];
			cell_name(other, sizeof(other), t, c, (size_t)g->tied[k]);
			used += (size_t)snprintf(names + used, sizeof(names) - used, " = %s", other);
		}
		snprintf(cells[2], CELL, "%s", names);
	}
	seconds(cells[3], CELL, mb);
	if (g->baseline >= 0) {
		double sp = pb_field_num(t, b, c->speedup);
		double lo = pb_field_num(t, b, c->sp_lo), hi = pb_field_num(t, b, c->sp_hi);
		if (!isfinite(sp))
			sp = pb_field_num(t, (size_t)g->baseline, c->median) / mb;
		if (g->baseline == g->best)
			snprintf(cells[4], CELL, "1 (%s is the fastest)",
				 t->rows[b][c->runner]);
		else if (isfinite(lo) && isfinite(hi))
			snprintf(cells[4], CELL, "%.2fx [%.2f, %.2f]", sp, lo, hi);
		else
			snprintf(cells[4], CELL, "%.2fx", sp);
	}
	if (g->runner_up >= 0) {
		double ms = pb_field_num(t, (size_t)g->runner_up, c->median);
		char time[32];
		cell_name(cells[5], CELL, t, c, (size_t)g->runner_up);
		seconds(time, sizeof(time), ms);
		snprintf(cells[6], CELL, "%s: %.2fx slower (+%.1f%%)%s", time, ms / mb,
			 (ms / mb - 1) * 100,
			 /* The runner-up's own test: another runner may be the
			  * one tied with the best. */
			 g->up_low > 1		? ", significant"
			 : isfinite(g->up_low) ? ", within the 95% CI"
					       : "");
	}
	d->table_row(f, row, 7);
}

static void winners(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		    const struct pb_findings *found)
{
	const struct pb_table *t = &run->summary;
	struct columns c = columns_of(t);
	static const char *const head[] = {
		"kernel", "n", "winner (runner schedule, workers)", "median time",
		"speedup over seq [95% CI]", "runner-up (best of another runner)",
		"runner-up's time: how much slower"};

	d->heading(f, 2, "Who won");
	if (c.median < 0) {
		d->para(f, "summary.csv lacks the columns this table needs.");
		return;
	}
	d->table_begin(f, head, 7);
	for (size_t i = 0; i < found->group_count; i++)
		winner_row(d, f, t, &c, &found->groups[i]);
	d->table_end(f);
	d->para(f, "The winner has the lowest median time of all verified cells of that kernel "
		   "and size (every runner, schedule and worker count). Its speedup is the "
		   "median time of seq over its own, with its 95% confidence interval where the "
		   "run has one: Student's t over the rounds' medians (Welch's for the ratio; "
		   "over one round, a bootstrap of the repetitions), so it takes in how much "
		   "rounds differ, as a rerun's would. The runner-up is the best cell of any "
		   "other runner. A winner is named only when every other runner's best cell is "
		   "significantly slower (the same interval of the ratio of their median times "
		   "excludes 1); otherwise the row says tie and names the runners within it. A "
		   "run without raw.csv has no repetitions to test with, and its rows say "
		   "nothing of significance.");
}

/* One worker against seq, as the text report has it (analyse/vs_seq.h). */
static void against_seq(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
			const struct pb_findings *found)
{
	const struct pb_table *t = &run->summary;
	struct pb_vs_seq *v = malloc((t->row_count + 1) * sizeof(*v));
	size_t n = v ? pb_vs_seq_find(found, v, t->row_count + 1) : 0;
	static const char *const head[] = {"kernel", "n", "runner", "schedule",
					   "time against seq", "95% CI", "verdict"};
	if (!n) {
		free(v);
		return;
	}
	d->heading(f, 2, "One worker against seq");
	d->table_begin(f, head, 7);
	for (size_t i = 0; i < n; i++) {
		char diff[32], ci[64] = "";
		size_t row = v[i].row;
		snprintf(diff, sizeof(diff), "%+.2f%%", 100 * (v[i].ratio - 1));
		if (v[i].verdict != PB_VS_SEQ_NO_INTERVAL)
			snprintf(ci, sizeof(ci), "%+.2f%% .. %+.2f%%", 100 * (v[i].low - 1),
				 100 * (v[i].high - 1));
		const char *cells[7] = {pb_field(t, row, found->key[PB_KEY_KERNEL]),
					pb_field(t, row, found->key[PB_KEY_N]),
					pb_field(t, row, found->key[PB_KEY_RUNNER]),
					pb_field(t, row, found->key[PB_KEY_SCHEDULE]), diff, ci,
					pb_vs_seq_words(v[i].verdict)};
		d->table_row(f, cells, 7);
	}
	d->table_end(f);
	d->para(f, "What a runner's machinery costs with nothing to share: each one-worker cell's "
		   "median time against seq's at the same kernel and size, with the 95% CI of that "
		   "ratio. The rule is the winner's: a tie where the interval holds 0%; where it "
		   "does not, within 3% (practically the same) or outside. Cells with more than one "
		   "task in flight are not one-worker cells and are left out.");
	free(v);
}

/* A drawn chart as an image linking its SVG. */
static void image(const struct pb_doc_ops *d, FILE *f, const struct pb_drawn_chart *c,
		  const char *alt, int wide)
{
	char png[300], svg[300];
	snprintf(png, sizeof(png), "%s.png", c->base);
	snprintf(svg, sizeof(svg), "%s.svg", c->base);
	d->image(f, png, alt, svg, wide);
}

/* Cost and speedup against n, for the kernels run at several sizes. */
static void size_charts(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
			const struct pb_drawn *drawn)
{
	int ck = pb_table_column(&run->summary, "kernel"), headed = 0;
	char alt[300];

	for (size_t i = 0; i < drawn->count; i++) {
		const struct pb_drawn_chart *c = &drawn->chart[i];
		int cost = !strcmp(c->type, "sizes");
		if (!strcmp(c->type, "throughput")) {
			snprintf(alt, sizeof(alt), "throughput of %s against concurrency",
				 run->summary.rows[c->row][ck]);
			image(d, f, c, alt, 0);
			continue;
		}
		if (!cost && strcmp(c->type, "size-speedup"))
			continue;
		if (!headed) {
			d->heading(f, 3, "Against problem size");
			d->para(f, "Each runner at its best worker count and schedule at each size; "
				   "dotted: where the kernel's memory fills one core's cache. The "
				   "break-even table below gives where each runner starts to pay off.");
			headed = 1;
		}
		snprintf(alt, sizeof(alt), "%s of %s against n", cost ? "time per item" : "speedup",
			 run->summary.rows[c->row][ck]);
		image(d, f, c, alt, 0);
	}
}

static void charts(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		   const struct pb_findings *found, const struct pb_drawn *drawn)
{
	static const char *const types[] = {"speedup", "efficiency", "time", "bandwidth"};
	int ck = pb_table_column(&run->summary, "kernel"), cn = pb_table_column(&run->summary, "n");
	char alt[300];

	d->heading(f, 2, "Charts");
	d->para(f, "Error bars: 95% confidence intervals where the run has them. Shaded, "
		   "hollow points: oversubscribed (more workers than allowed CPUs). Click a chart "
		   "for its SVG.");
	const struct pb_drawn_chart *overview = pb_drawn_find(drawn, "overview", 0);
	if (overview)
		image(d, f, overview, "speedup of every kernel against workers", 1);
	for (size_t i = 0; i < found->group_count; i++) {
		size_t row = found->groups[i].first;
		const char *kernel = run->summary.rows[row][ck], *n = run->summary.rows[row][cn];
		char title[200];
		snprintf(title, sizeof(title), "%s, n = %s", kernel, n);
		d->heading(f, 3, title);
		int any = 0;
		for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
			const struct pb_drawn_chart *c = pb_drawn_find(drawn, types[k], row);
			if (!c)
				continue;
			snprintf(alt, sizeof(alt), "%s of %s at n = %s", types[k], kernel, n);
			image(d, f, c, alt, 0);
			any = 1;
		}
		if (!any)
			d->para(f, "No chart: this kernel has no parallel runs.");
	}
	size_charts(d, f, run, drawn);
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

/* Where the host ran the first two CPUs during the run (peer.h), as the
 * findings say; nothing for a run without the sensor. */
static void placements(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		       const struct pb_findings *found)
{
	char line[600];

	if (!(found->highest > 0))
		return;
	const char *pair = pb_run_provenance(run, "peer_cpus");
	int n = snprintf(line, sizeof(line), "CPU-to-CPU latency (CPUs %s, probed before each "
			 "cell-round): %.0f-%.0f ns. ", pair ? pair : "unknown", found->lowest,
			 found->highest);
	if (!found->two_placements)
		snprintf(line + n, sizeof(line) - (size_t)n, "One placement throughout.");
	else
		snprintf(line + n, sizeof(line) - (size_t)n, "Two placements: the host moved "
			 "these CPUs between caches during the run; %zu cells ran with them "
			 "sharing one (under %.0f ns), %zu across caches, %zu saw both. "
			 "Memory-bound cells with several workers reach another bandwidth in each "
			 "(peer_ns in raw.csv says which repetition ran how).",
			 found->cells_at[PB_PEER_SHARED], PB_PEER_FAR * found->lowest,
			 found->cells_at[PB_PEER_ACROSS], found->cells_at[PB_PEER_BOTH]);
	d->para(f, line);
}

/* How much the rounds differ, kernel by kernel (spread.h); nothing for a
 * run of one round or from before round_spread. */
static void round_spreads(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run)
{
	static const char *const head[] = {"kernel", "round_spread", "rounds", "95% CI",
					   "--target-ci takes"};
	struct pb_kernel_spread *k;
	double target;
	size_t count = pb_round_spreads(run, &k, &target);
	char spread[32], rounds[16], half[32], advice[64], line[400];

	if (!count)
		return;
	d->heading(f, 2, "How much rounds differ");
	int n = snprintf(line, sizeof(line), "Each kernel's median cell: the standard "
			 "deviation of the logs of its round medians (round_spread in "
			 "summary.csv), its rounds, and the half-width of the median's 95%% CI. "
			 "Over R rounds that differ by s, no interval that holds a rerun is much "
			 "narrower than t(R - 1) s / sqrt(R).");
	if (target > 0)
		snprintf(line + n, sizeof(line) - (size_t)n, " Where the CI misses --target-ci "
			 "(%g%%), about how many rounds a cell would reach it at that spread.",
			 100 * target);
	d->para(f, line);
	d->table_begin(f, head, 5);
	for (size_t i = 0; i < count; i++) {
		snprintf(spread, sizeof(spread), "%.1f%%", 100 * k[i].spread);
		snprintf(rounds, sizeof(rounds), "%u", k[i].rounds);
		snprintf(half, sizeof(half), "+-%.1f%%", 100 * k[i].half);
		pb_spread_advice(&k[i], target, advice, sizeof(advice));
		const char *cells[5] = {k[i].kernel, spread, rounds, half,
					advice[0] ? advice : "within it"};
		d->table_row(f, cells, 5);
	}
	d->table_end(f);
	free(k);
}

static void document(const struct pb_doc_ops *d, FILE *f, const struct pb_run *run,
		     const struct pb_findings *found, const struct pb_drawn *drawn)
{
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
	placements(d, f, run, found);
	winners(d, f, run, found);
	against_seq(d, f, run, found);
	charts(d, f, run, found, drawn);
	round_spreads(d, f, run);
	csv_section(d, f, &run->overhead, "Dispatch overhead", "overhead.csv",
		    "Cost of dispatching an empty job to the workers and joining them, in "
		    "microseconds (EPCC syncbench method: median of the samples, minus the empty "
		    "body called directly).");
	csv_section(d, f, &run->breakeven, "Break-even sizes", "breakeven.csv",
		    "n_star: the size above which the runner beats seq, modelled from its fixed cost "
		    "and the kernel's work scaled from n_measured, the largest size run. n_cross: "
		    "where the measured speedup crosses 1 between two sizes run (log-log "
		    "interpolation), significantly faster (95% CI above 1) at significant_from and "
		    "every larger size; measured: crossed, below-smallest (faster at every size), "
		    "not-faster or one-size. model: holds where n_star is within 2x of the "
		    "measured crossing.");
	csv_section(d, f, &run->reference, "Bandwidth reference", "reference.csv",
		    "STREAM-like tests (copy, triad, dot) run by each runner in the same run: "
		    "what the memory system gives, the yardstick of the memory-bound kernels.");
	csv_section(d, f, &run->fits, "Amdahl fits", "fits.csv",
		    "Serial fraction f of S(p) = 1 / (f + (1 - f) / p) fitted to the speedups, "
		    "and the limit 1/f it implies.");
	provenance(d, f, run);
	d->end(f);
}

int pb_report_html_write(const struct pb_run *run, const struct pb_findings *found,
			 const struct pb_drawn *drawn, const char *plots_dir, char *err,
			 size_t errlen)
{
	static const struct pb_doc_ops *const formats[] = {&pb_doc_html, &pb_doc_md};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct pb_outfile out;
		int e = pb_outfile_open(&out, plots_dir, formats[i]->file_name);
		if (e)
			return pb_fail(err, errlen, -EIO, "cannot write %s/%s: %s", plots_dir,
				    formats[i]->file_name, strerror(-e));
		document(formats[i], out.f, run, found, drawn);
		if ((e = pb_outfile_commit(&out)))
			return pb_fail(err, errlen, -EIO, "cannot write %s/%s: %s", plots_dir,
				    formats[i]->file_name, strerror(-e));
	}
	return 0;
}
