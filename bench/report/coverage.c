#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../kernels/kernel.h"
#include "../base/fail.h"
#include "../base/rounds_ci.h"
#include "../base/run_level.h"
#include "../base/stats.h"
#include "../model/identity.h"
#include "../store/profile.h"
#include "../store/runfiles.h"
#include "coverage.h"
#include "speed.h"
#include "spread.h"

/* Targets of the calibration (docs/statistics.md: what the interval promises). */
#define OVERLAP_TARGET 0.95
#define INSIDE_TARGET 0.80
#define HALF_WIDTH_COMPUTE 0.05
#define HALF_WIDTH_MEMORY 0.10

enum cell_class { CLASS_COMPUTE, CLASS_MEMORY, CLASS_LATENCY, CLASS_COUNT };
static const char *const class_names[CLASS_COUNT] = {"compute-bound", "memory-bound",
						     "latency-bound"};

/* How far the intervals of a cell in several runs agree: run pairs whose
 * intervals overlap, and ordered pairs where the second's point lies in
 * the first's interval. */
struct pair_counts {
	size_t pairs, overlap, ordered, inside;
};

/* One ordered pair of a cell's (point, lo, hi) in two runs; first: the
 * pair's first time round, which counts the unordered pair too. */
static void count_pair(struct pair_counts *c, const double *x, const double *y, int first)
{
	c->ordered++;
	c->inside += y[0] >= x[1] && y[0] <= x[2];
	if (first) {
		c->pairs++;
		c->overlap += x[1] <= y[2] && y[1] <= x[2];
	}
}

/* How far the speedups' intervals of several runs agree: a ratio of two
 * cells of one run, from which the shift a run's cells share cancels. */
struct agreement {
	size_t cells;
	struct pair_counts n;
	double *half; /* relative half-widths, one per cell and run */
};

struct tally {
	struct agreement speedup;
	struct pair_counts n; /* of the medians */
	double *half; /* relative half-widths, one per cell and run */
	size_t halves;
	double *spread, *rounds; /* round_spread and rounds, one per cell and run */
	size_t spreads;
	double *shift; /* per run: the sum over cells of log(its median / their mean) */
	size_t cells;
	double worst;  /* largest relative difference of two medians */
	char worst_cell[200];
	double worst_a[3], worst_b[3]; /* median, lo, hi of the two */
	/* For the run level: per cell in every run, run by run, its log
	 * median and the standard error its own run's interval gave. */
	double *logm, *se;
	size_t level_cells;
};

struct columns {
	int key[PB_KEY_COUNT], median, lo, hi, status, gbps, latency, spread, rounds, extra;
	int own_lo, own_hi; /* the run's own interval, before any profile's run level */
	int speedup[3];     /* speedup, speedup_ci_low, speedup_ci_high; -1: absent */
};

static int columns_of(const struct pb_table *t, struct columns *c)
{
	if (pb_table_key_columns_known(t, c->key))
		return -EINVAL;
	c->median = pb_table_column(t, "median_s");
	c->lo = pb_table_column(t, "median_ci_low_s");
	c->hi = pb_table_column(t, "median_ci_high_s");
	c->status = pb_table_column(t, "status");
	c->gbps = pb_table_column(t, "gbps");
	c->latency = pb_table_column(t, "latency_us");
	c->spread = pb_table_column(t, "round_spread"); /* -1 in older runs */
	c->rounds = pb_table_column(t, "rounds");
	c->extra = pb_table_column(t, "extra_rounds");
	c->own_lo = pb_table_column(t, "rounds_ci_low_s");
	c->own_hi = pb_table_column(t, "rounds_ci_high_s");
	c->speedup[0] = pb_table_column(t, "speedup");
	c->speedup[1] = pb_table_column(t, "speedup_ci_low");
	c->speedup[2] = pb_table_column(t, "speedup_ci_high");
	if (c->own_lo < 0 || c->own_hi < 0) { /* a run from before profiles */
		c->own_lo = c->lo;
		c->own_hi = c->hi;
	}
	return c->median < 0 || c->lo < 0 || c->hi < 0 ? -EINVAL : 0;
}

static enum cell_class class_of(const struct pb_table *t, const struct columns *c, size_t row)
{
	const struct pb_kernel *k = pb_kernel_lookup(t->rows[row][c->key[PB_KEY_KERNEL]]);
	const char *latency = pb_field(t, row, c->latency);
	if ((k && k->waits) || (*latency && strcmp(latency, "0") != 0))
		return CLASS_LATENCY;
	if (k)
		return pb_kernel_compute_bound(k) ? CLASS_COMPUTE : CLASS_MEMORY;
	return isfinite(pb_field_num(t, row, c->gbps)) ? CLASS_MEMORY : CLASS_COMPUTE;
}

/* The row of run j with the same cell as row i of run 0, or -1. */
static long same_cell(const struct pb_run *runs, const struct columns *cols, size_t j,
		      size_t i)
{
	const struct pb_table *t = &runs[j].summary;
	return pb_rows_find_cell(t->rows, t->row_count, cols[j].key, runs[0].summary.rows[i],
				 cols[0].key);
}

/* "fib n=32 omp dynamic w=2" */
static void cell_name(const struct pb_table *t, const struct columns *c, size_t row, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s n=%s %s %s w=%s", pb_field(t, row, c->key[PB_KEY_KERNEL]),
		 pb_field(t, row, c->key[PB_KEY_N]), pb_field(t, row, c->key[PB_KEY_RUNNER]),
		 pb_field(t, row, c->key[PB_KEY_SCHEDULE]), pb_field(t, row, c->key[PB_KEY_WORKERS]));
}

/* median, lo, hi of a row, 0 when any is missing or the cell failed. */
static int interval(const struct pb_table *t, const struct columns *c, size_t row, double v[3])
{
	v[0] = pb_field_num(t, row, c->median);
	v[1] = pb_field_num(t, row, c->lo);
	v[2] = pb_field_num(t, row, c->hi);
	return isfinite(v[0]) && isfinite(v[1]) && isfinite(v[2]) && v[0] > 0 &&
	       (c->status < 0 || strcmp(t->rows[row][c->status], "ok") == 0);
}

/* A cell's speedup and its interval in every run (v[run]), where each
 * run has one that is not the baseline's own 1 [1, 1]. */
static void note_speedups(struct agreement *g, const struct pb_run *runs,
			  const struct columns *cols, const size_t *row, size_t count,
			  double (*v)[3])
{
	for (size_t a = 0; a < count; a++) {
		for (int k = 0; k < 3; k++)
			v[a][k] = cols[a].speedup[k] < 0 ? NAN
				  : pb_field_num(&runs[a].summary, row[a], cols[a].speedup[k]);
		if (!(v[a][0] > 0) || !(v[a][1] > 0) || !isfinite(v[a][2]) || v[a][1] == v[a][2])
			return;
	}
	g->cells++;
	for (size_t a = 0; a < count; a++) {
		g->half[g->cells * count - count + a] = pb_relative_half_width(v[a][0], v[a][1],
									      v[a][2]);
		for (size_t b = 0; b < count; b++)
			if (a != b)
				count_pair(&g->n, v[a], v[b], b > a);
	}
}

/* The speedups' line of a class: what the winner and the scaling rest on. */
static void print_speedups(FILE *out, struct agreement *g, size_t count)
{
	if (!g->cells)
		return;
	size_t halves = g->cells * count;
	pb_sort_doubles(g->half, halves);
	fprintf(out, "  %-14s speedups over %zu cell%s: CIs overlap %5.1f%%, inside the "
		     "other's CI %5.1f%%, half-width at the median cell %.1f%%\n", "", g->cells,
		g->cells == 1 ? "" : "s",
		100 * (double)g->n.overlap / (double)g->n.pairs,
		100 * (double)g->n.inside / (double)g->n.ordered, 100 * g->half[(halves - 1) / 2]);
}

/* Keeps how much a cell's rounds differed in one run, where it says. */
static void note_spread(struct tally *t, const struct pb_table *tab, const struct columns *c,
			size_t row)
{
	double s = pb_field_num(tab, row, c->spread), x = pb_field_num(tab, row, c->extra);
	if (!isfinite(s))
		return;
	t->spread[t->spreads] = s;
	t->rounds[t->spreads++] = pb_field_num(tab, row, c->rounds) + (isfinite(x) ? x : 0);
}

/* Keeps a cell's log median and its run's own standard error of it. */
static void note_level(struct tally *t, const struct pb_table *tab, const struct columns *c,
		       size_t row, size_t count, size_t a, double median)
{
	double x = pb_field_num(tab, row, c->extra), r = pb_field_num(tab, row, c->rounds);
	unsigned rounds = (unsigned)((isfinite(r) ? r : 1) + (isfinite(x) ? x : 0));
	size_t at = t->level_cells * count + a;
	t->logm[at] = log(median);
	t->se[at] = pb_run_level_se(pb_field_num(tab, row, c->own_lo),
				    pb_field_num(tab, row, c->own_hi), rounds);
}

/* Why a class's intervals are as wide as they are (half, at the median
 * cell): how much the rounds of its median cell differ, and where the
 * target is missed, the rounds an honest interval would take to reach it
 * at that spread. */
static void print_floor(FILE *out, struct tally *t, enum cell_class k, double half,
			int profiled)
{
	if (!t->spreads || k == CLASS_LATENCY)
		return;
	double target = k == CLASS_COMPUTE ? HALF_WIDTH_COMPUTE : HALF_WIDTH_MEMORY;
	double s = pb_median_inplace(t->spread, t->spreads);
	unsigned r = (unsigned)pb_median_inplace(t->rounds, t->spreads);
	fprintf(out, "  %-14s rounds differ by %.1f%% at the median cell (round_spread, over %u "
		     "rounds)", "", 100 * s, r);
	unsigned need = pb_rounds_needed(s, target, 0.95, PB_SPREAD_MOST_ROUNDS);
	if (half <= target)
		fputs("\n", out);
	else if (profiled) /* more rounds narrow only the run's own part */
		fputs(": the machine profile's run level, not the rounds, sets this width\n", out);
	else if (need)
		fprintf(out, ": an honest %.0f%% would take about %u rounds a cell\n", 100 * target,
			need);
	else
		fprintf(out, ": an honest %.0f%% would take more than %u rounds a cell\n",
			100 * target, PB_SPREAD_MOST_ROUNDS);
}

/* Each run's medians as a whole against the runs' mean: a shift every
 * cell shares is the machine's state changing between runs, which no
 * interval from one run can see, and what a low share inside may owe to. */
static void print_shift(FILE *out, const struct tally *t, size_t runs)
{
	fprintf(out, "  %-14s each run's medians against the runs' mean (geometric, over %zu "
		     "cell%s):", "", t->cells, t->cells == 1 ? "" : "s");
	for (size_t a = 0; a < runs; a++)
		fprintf(out, "%s %+.1f%%", a ? "," : "", 100 * expm1(t->shift[a] / (double)t->cells));
	fputc('\n', out);
}

static void print_class(FILE *out, struct tally *t, enum cell_class k, size_t count,
			int profiled)
{
	if (!t->n.pairs) {
		fprintf(out, "  %-14s no cell in every run\n", class_names[k]);
		return;
	}
	double overlap = (double)t->n.overlap / (double)t->n.pairs;
	double inside = (double)t->n.inside / (double)t->n.ordered;
	pb_sort_doubles(t->half, t->halves);
	double half = t->half[(t->halves - 1) / 2];
	fprintf(out, "  %-14s %4zu pairs  CIs overlap %5.1f%% (target >= %.0f%%)  "
		     "median inside the other's CI %5.1f%% (target >= %.0f%%)\n",
		class_names[k], t->n.pairs, 100 * overlap, 100 * OVERLAP_TARGET, 100 * inside,
		100 * INSIDE_TARGET);
	if (k == CLASS_LATENCY)
		fprintf(out, "  %-14s half-width at the median cell %.1f%%\n", "", 100 * half);
	else
		fprintf(out, "  %-14s half-width at the median cell %.1f%% (target <= %.0f%%)\n", "",
			100 * half, 100 * (k == CLASS_COMPUTE ? HALF_WIDTH_COMPUTE : HALF_WIDTH_MEMORY));
	print_floor(out, t, k, half, profiled);
	print_shift(out, t, count);
	print_speedups(out, &t->speedup, count);
	fprintf(out, "  %-14s worst: %s, medians %.6f s [%.6f, %.6f] and %.6f s [%.6f, %.6f] "
		     "(%.1f%% apart)\n", "", t->worst_cell, t->worst_a[0], t->worst_a[1],
		t->worst_a[2], t->worst_b[0], t->worst_b[1], t->worst_b[2], 100 * t->worst);
}

/* Each run's speed probe against the runs' mean (speed.h): where the
 * cells' shifts follow it, the machine itself changed between runs. */
static void print_probes(FILE *out, const struct pb_run *runs, size_t count)
{
	double *logs = malloc(count * sizeof(*logs)), mean = 0;
	for (size_t a = 0; logs && a < count; a++) {
		double p = pb_run_probe_ns(&runs[a]);
		if (!(p > 0)) {
			free(logs); /* a run without the probe */
			return;
		}
		mean += (logs[a] = log(p)) / (double)count;
	}
	if (!logs)
		return;
	fputs("  the speed probe before each cell-round, each run's median time against the "
	      "runs' mean:", out);
	for (size_t a = 0; a < count; a++)
		fprintf(out, "%s %+.1f%%", a ? "," : "", 100 * expm1(logs[a] - mean));
	fputs(" (the machine's own speed; positive: slower)\n", out);
	free(logs);
}

/* How many of the runs' intervals held a machine profile's run level
 * (their provenance says). */
static size_t profiled_runs(const struct pb_run *runs, size_t count)
{
	size_t with = 0;
	for (size_t a = 0; a < count; a++) {
		const char *p = pb_run_provenance(&runs[a], "profile");
		with += p && strcmp(p, "none") != 0;
	}
	return with;
}

/* What the runs' intervals covered: one run, or a profile's run level too. */
static void print_scope(FILE *out, const struct pb_run *runs, size_t count)
{
	size_t with = profiled_runs(runs, count);
	if (with == count)
		fputs("  the intervals held the machine profile's run-to-run variation "
		      "(provenance: profile)\n", out);
	else if (with == 0)
		fputs("  the intervals covered their own run only (no machine profile; make "
		      "bench-calibrate measures one)\n", out);
	else
		fprintf(out, "  %zu of the %zu runs' intervals held a machine profile's run level\n",
			with, count);
}

/* The machine the runs were measured on, from their provenance: all the
 * same one, or -EINVAL. */
static int runs_host(const struct pb_run *runs, size_t count, struct pb_host *h, char *err,
		     size_t errlen)
{
	static const char *const keys[] = {"host", "cpu_model", "online_cpus"};
	for (size_t a = 0; a < count; a++)
		for (size_t k = 0; k < 3; k++) {
			const char *v = pb_run_provenance(&runs[a], keys[k]);
			const char *first = pb_run_provenance(&runs[0], keys[k]);
			if (!v || !first)
				return pb_fail(err, errlen, -EINVAL, "%s/provenance.txt has no %s: "
					       "cannot say which machine it measured", runs[a].dir,
					       keys[k]);
			if (strcmp(v, first) != 0)
				return pb_fail(err, errlen, -EINVAL, "%s and %s were measured on "
					       "different machines (%s %s, %s): a profile is of one",
					       runs[0].dir, runs[a].dir, keys[k], first, v);
		}
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", pb_run_provenance(&runs[0], "host"));
	snprintf(h->cpu_model, sizeof(h->cpu_model), "%s", pb_run_provenance(&runs[0], "cpu_model"));
	const char *boot = pb_run_provenance(&runs[count - 1], "boot_id");
	snprintf(h->boot_id, sizeof(h->boot_id), "%s", boot ? boot : "unknown");
	h->cpus = strtol(pb_run_provenance(&runs[0], "online_cpus"), NULL, 10);
	return 0;
}

/* Pools an earlier profile of this machine at path into p (base/
 * run_level.h: the run level moves with the machine's state, and each
 * calibration samples one stretch of it); returns the runs it held, 0
 * where there is none or it is another machine's or unreadable (then
 * replaced, and said). */
static unsigned pool_earlier(const char *path, struct pb_profile *p, FILE *out)
{
	struct pb_profile old;
	char why[512];
	int e = pb_profile_read(path, &old, why, sizeof(why));
	if (e == -ENOENT)
		return 0;
	if (!e)
		e = pb_profile_matches(&old, &p->host, why, sizeof(why));
	if (e) {
		fprintf(out, "Replacing %s: %s\n", path, why);
		return 0;
	}
	for (int k = 0; k < PB_LEVEL_CLASSES; k++)
		pb_run_level_pool(&p->level[k], &old.level[k]);
	p->runs += old.runs;
	return old.runs;
}

/* Measures each class's run level and writes it to path. */
static int save_profile(const char *path, const struct pb_run *runs, size_t count,
			const struct tally *tally, FILE *out, char *err, size_t errlen)
{
	struct pb_profile p = {.runs = (unsigned)count};
	time_t now = time(NULL);
	struct tm tm;
	int e;

	if (count < PB_PROFILE_LEAST_RUNS)
		return pb_fail(err, errlen, -EINVAL, "--save-profile needs %d runs or more of one "
			       "sweep (got %zu): two cannot tell a run's level from chance",
			       PB_PROFILE_LEAST_RUNS, count);
	if ((e = runs_host(runs, count, &p.host, err, errlen)))
		return e;
	strftime(p.date, sizeof(p.date), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&now, &tm));
	static const enum cell_class of[PB_LEVEL_CLASSES] = {CLASS_COMPUTE, CLASS_MEMORY};
	for (int k = 0; k < PB_LEVEL_CLASSES; k++) {
		const struct tally *t = &tally[of[k]];
		if (t->level_cells >= 2 &&
		    (e = pb_run_level_estimate(t->logm, t->se, t->level_cells, count, &p.level[k])))
			return pb_fail(err, errlen, e, "out of memory");
	}
	if (!p.level[PB_LEVEL_COMPUTE].cells && !p.level[PB_LEVEL_MEMORY].cells)
		return pb_fail(err, errlen, -EINVAL, "--save-profile: no class has two cells in "
			       "every run");
	unsigned before = pool_earlier(path, &p, out);
	if ((e = pb_profile_write(path, &p, err, errlen)))
		return e;
	fprintf(out, "Machine profile: %s (%s, %u runs", path, p.host.name, p.runs);
	if (before)
		fprintf(out, ": these %zu pooled with the %u of earlier calibrations", count, before);
	fputs("), the run level beyond each run's own interval:\n", out);
	for (int k = 0; k < PB_LEVEL_CLASSES; k++) {
		const struct pb_run_level *l = &p.level[k];
		if (l->cells)
			fprintf(out, "  %-14s runs differ by %.1f%% (sd of the log median), %.1f%% "
				     "of it not shared by a run's cells, over %zu cells and %zu runs\n",
				class_names[of[k]], 100 * l->run_sd, 100 * l->pair_sd, l->cells,
				l->runs);
		else
			fprintf(out, "  %-14s no two cells in every run: not measured\n",
				class_names[of[k]]);
	}
	return 0;
}

int pb_coverage_runs(char *const *paths, size_t count, const char *profile, FILE *out,
		     char *err, size_t errlen)
{
	struct pb_run *runs = calloc(count, sizeof(*runs));
	struct columns *cols = calloc(count, sizeof(*cols));
	struct tally tally[CLASS_COUNT] = {0};
	int e = runs && cols ? 0 : pb_fail(err, errlen, -ENOMEM, "out of memory");

	if (!e && count < 2)
		e = pb_fail(err, errlen, -EINVAL, "coverage needs two runs or more");
	for (size_t j = 0; !e && j < count; j++) {
		if ((e = pb_run_open(paths[j], PB_RUN_MACHINE, &runs[j], err, errlen)))
			break;
		if (columns_of(&runs[j].summary, &cols[j]))
			e = pb_fail(err, errlen, -EINVAL, "%s/summary.csv lacks the median's CI columns",
				    runs[j].dir);
	}
	size_t rows = !e ? runs[0].summary.row_count : 0;
	for (int k = 0; !e && k < CLASS_COUNT; k++)
		if (!(tally[k].half = malloc((rows * count + 1) * sizeof(double))) ||
		    !(tally[k].spread = malloc((rows * count + 1) * sizeof(double))) ||
		    !(tally[k].rounds = malloc((rows * count + 1) * sizeof(double))) ||
		    !(tally[k].shift = calloc(count, sizeof(double))) ||
		    !(tally[k].logm = malloc((rows * count + 1) * sizeof(double))) ||
		    !(tally[k].se = malloc((rows * count + 1) * sizeof(double))) ||
		    !(tally[k].speedup.half = malloc((rows * count + 1) * sizeof(double))))
			e = pb_fail(err, errlen, -ENOMEM, "out of memory");
	double (*v)[3] = !e ? malloc(count * sizeof(*v)) : NULL;
	size_t *row = !e ? malloc(count * sizeof(*row)) : NULL; /* the cell's row in each run */
	if (!e && (!v || !row))
		e = pb_fail(err, errlen, -ENOMEM, "out of memory");

	size_t cells = 0;
	for (size_t i = 0; !e && i < rows; i++) {
		const struct pb_table *t0 = &runs[0].summary;
		char key[512];
		cell_name(t0, &cols[0], i, key, sizeof(key));
		int all = interval(t0, &cols[0], i, v[0]);
		row[0] = i;
		for (size_t j = 1; all && j < count; j++) {
			long r = same_cell(runs, cols, j, i);
			row[j] = (size_t)r;
			all = r >= 0 && interval(&runs[j].summary, &cols[j], row[j], v[j]);
		}
		if (!all)
			continue;
		cells++;
		struct tally *t = &tally[class_of(t0, &cols[0], i)];
		double mean = 0;
		for (size_t a = 0; a < count; a++)
			mean += log(v[a][0]) / (double)count;
		for (size_t a = 0; a < count; a++)
			t->shift[a] += log(v[a][0]) - mean;
		t->cells++;
		for (size_t a = 0; a < count; a++)
			note_level(t, &runs[a].summary, &cols[a], row[a], count, a, v[a][0]);
		t->level_cells++;
		for (size_t a = 0; a < count; a++) {
			note_spread(t, &runs[a].summary, &cols[a], row[a]);
			t->half[t->halves++] = pb_relative_half_width(v[a][0], v[a][1], v[a][2]);
			for (size_t b = 0; b < count; b++) {
				if (a == b)
					continue;
				count_pair(&t->n, v[a], v[b], b > a);
				if (b < a)
					continue;
				double apart = fabs(v[a][0] - v[b][0]) / fmin(v[a][0], v[b][0]);
				if (apart > t->worst) {
					t->worst = apart;
					snprintf(t->worst_cell, sizeof(t->worst_cell), "%s", key);
					memcpy(t->worst_a, v[a], sizeof(t->worst_a));
					memcpy(t->worst_b, v[b], sizeof(t->worst_b));
				}
			}
		}
		/* Last: it fills v with the speedups in place of the medians. */
		note_speedups(&t->speedup, runs, cols, row, count, v);
	}
	if (!e && !cells)
		e = pb_fail(err, errlen, -EINVAL, "the runs share no verified cell with a CI");
	if (!e) {
		fprintf(out, "Coverage of the 95%% CIs of the median over %zu runs, %zu cells in "
			     "all of them:\n", count, cells);
		for (int k = 0; k < CLASS_COUNT; k++)
			if (k != CLASS_LATENCY || tally[k].n.pairs)
				print_class(out, &tally[k], (enum cell_class)k, count,
					    profiled_runs(runs, count) == count);
		print_probes(out, runs, count);
		print_scope(out, runs, count);
	}
	if (!e && profile)
		e = save_profile(profile, runs, count, tally, out, err, errlen);
	for (int k = 0; k < CLASS_COUNT; k++) {
		free(tally[k].half);
		free(tally[k].spread);
		free(tally[k].rounds);
		free(tally[k].shift);
		free(tally[k].logm);
		free(tally[k].se);
		free(tally[k].speedup.half);
	}
	free(v);
	free(row);
	for (size_t j = 0; runs && j < count; j++)
		pb_run_close(&runs[j]);
	free(runs);
	free(cols);
	return e;
}
