#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "agreement.h"
#include "compare.h"
#include "speed.h"
#include "../base/fail.h"
#include "../placement/peer.h"
#include "../base/ratio_ci.h"
#include "../base/rounds_ci.h"
#include "../base/run_level.h"
#include "../model/identity.h"
#include "../store/runfiles.h"

/* Where a run's columns are. */
struct side {
	struct pb_run run;
	int skey[PB_KEY_COUNT], median, speedup; /* summary.csv; key -1: absent */
	int peer_min, peer_max;                  /* summary.csv, -1: none */
	int run_sd;                              /* summary.csv, -1: an older run */
	int rkey[PB_KEY_COUNT], seconds, ok;     /* raw.csv */
	int round;                               /* raw.csv, -1: one round */
	int several_pins;                        /* cells ran in several placements */
};

/* A cell's key (model/identity.h): the required columns every run has;
 * the others (pin, chunk, scaling, base_n) are compared where both runs
 * have them, so that an older run still compares. */
static int find_columns(struct side *s, char *err, size_t errlen)
{
	for (int k = 0; k < PB_KEY_COUNT; k++) {
		s->skey[k] = pb_table_column(&s->run.summary, pb_key_names[k]);
		s->rkey[k] = pb_table_column(&s->run.raw, pb_key_names[k]);
		if (s->skey[k] < 0 || s->rkey[k] < 0) {
			if (pb_key_required(k))
				return pb_fail(err, errlen, -EINVAL,
					       "%s: summary.csv or raw.csv has no '%s' column",
					       s->run.dir, pb_key_names[k]);
			s->skey[k] = s->rkey[k] = -1;
		}
	}
	s->several_pins = pb_rows_vary(s->run.summary.rows, s->run.summary.row_count,
				       s->skey[PB_KEY_PIN]);
	s->median = pb_table_column(&s->run.summary, "median_s");
	s->speedup = pb_table_column(&s->run.summary, "speedup");
	s->peer_min = pb_table_column(&s->run.summary, "peer_ns_min");
	s->peer_max = pb_table_column(&s->run.summary, "peer_ns_max");
	s->run_sd = pb_table_column(&s->run.summary, "run_sd");
	s->seconds = pb_table_column(&s->run.raw, "seconds");
	s->ok = pb_raw_counted_column(&s->run.raw);
	s->round = pb_table_column(&s->run.raw, "round");
	if (s->median < 0 || s->seconds < 0)
		return pb_fail(err, errlen, -EINVAL, "%s: no median_s in summary.csv or no seconds in raw.csv",
			    s->run.dir);
	return 0;
}

/* Two rows of one table agree on a column (an absent one: they do). */
static int same_field(char *const *x, char *const *y, int col)
{
	return col < 0 || strcmp(x[col], y[col]) == 0;
}

static long find_cell(const struct side *s, char **row, const int *cols)
{
	return pb_rows_find_cell(s->run.summary.rows, s->run.summary.row_count, s->skey, row, cols);
}

/* The verified repetitions of a cell, from raw.csv, and the round of
 * each (0 where raw.csv has none); returns how many. */
static size_t samples(const struct side *s, char **cell, double *x, unsigned *round, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < s->run.raw.row_count && n < cap; i++) {
		char **r = s->run.raw.rows[i];
		if (!pb_rows_same_cell(r, s->rkey, cell, s->skey) || (s->ok >= 0 && strcmp(r[s->ok], "1")))
			continue;
		double v = pb_field_num(&s->run.raw, i, s->seconds);
		if (isfinite(v) && v > 0) {
			round[n] = s->round >= 0 ? (unsigned)strtoul(r[s->round], NULL, 10) : 0;
			x[n++] = v;
		}
	}
	return n;
}

/* The cell's speedup: summary.csv's, or the baseline's median (same
 * kernel, n and placement) over its own. */
static double speedup(const struct side *s, size_t row)
{
	const struct pb_table *t = &s->run.summary;
	double v = pb_field_num(t, row, s->speedup);
	if (isfinite(v) || s->speedup >= 0)
		return v;
	for (size_t i = 0; i < t->row_count; i++)
		if (pb_runner_is_baseline(t->rows[i][s->skey[PB_KEY_RUNNER]]) &&
		    same_field(t->rows[i], t->rows[row], s->skey[PB_KEY_KERNEL]) &&
		    same_field(t->rows[i], t->rows[row], s->skey[PB_KEY_N]) &&
		    same_field(t->rows[i], t->rows[row], s->skey[PB_KEY_PIN]))
			return pb_field_num(t, i, s->median) / pb_field_num(t, row, s->median);
	return NAN;
}

/* A cell's run_sd from its run's machine profile; NaN: none. */
static double run_sd(const struct side *s, size_t row)
{
	return s->run_sd >= 0 ? pb_field_num(&s->run.summary, row, s->run_sd) : NAN;
}

/* Each cell its own seed, so a cell's interval does not depend on which
 * other cells the runs have (FNV-1a of the key, mixed into the seed). */
static uint64_t cell_seed(char **row, const int *cols)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (int k = 0; k < PB_KEY_COUNT; k++) {
		if (!pb_key_required(k))
			continue; /* optional keys may be absent (-1) */
		for (const char *p = row[cols[k]];; p++) {
			h = (h ^ (unsigned char)*p) * UINT64_C(0x100000001b3);
			if (!*p)
				break;
		}
	}
	return PB_COMPARE_SEED ^ h;
}

/* The schedule column, and the placement after a ':' where the run has
 * several (--pin twice), as the charts label their series. */
static void schedule_label(const struct side *s, char *const *row, char *label, size_t len)
{
	pb_series_label(row[s->skey[PB_KEY_SCHEDULE]],
			s->several_pins ? row[s->skey[PB_KEY_PIN]] : NULL, label, len);
}

/* A cell's placement (peer.h) against the lowest latency of both runs. */
static enum pb_peer_placement placement(const struct side *s, size_t row, double lowest)
{
	return pb_peer_placement(pb_field_num(&s->run.summary, row, s->peer_min),
				 pb_field_num(&s->run.summary, row, s->peer_max), lowest);
}

static void peer_field(FILE *out, const struct side *s, size_t row)
{
	char text[32] = "-";
	double lo = pb_field_num(&s->run.summary, row, s->peer_min),
	       hi = pb_field_num(&s->run.summary, row, s->peer_max);
	if (isfinite(lo) && isfinite(hi))
		snprintf(text, sizeof(text), lo == hi ? "%.0f" : "%.0f-%.0f", lo, hi);
	fprintf(out, " %9s", text);
}

#define MAX_KERNELS 32

/* A largest change of a median speedup (B/A - 1; NaN: none yet) and its
 * summary row in A. */
struct change {
	double by;
	size_t row;
};

/* Where a cell's median speedup changed most: overall, where the host was
 * the same, and per kernel. */
struct worst {
	struct change all, same_host, kernel[MAX_KERNELS];
	const char *kernel_name[MAX_KERNELS];
	size_t kernels;
	/* Per kernel, the logs of its cells' time ratios: a ratio is
	 * summarised by its geometric mean (Hoefler and Belli, rule 4). */
	double log_time[MAX_KERNELS];
	size_t timed[MAX_KERNELS];
};

static void note(struct change *c, double ratio, size_t row)
{
	if (!isfinite(c->by) || fabs(ratio - 1) > fabs(c->by)) {
		c->by = ratio - 1;
		c->row = row;
	}
}

/* The kernel's slot in w, a new one when it is new; MAX_KERNELS: full. */
static size_t kernel_slot(struct worst *w, const char *kernel)
{
	size_t k = 0;
	while (k < w->kernels && strcmp(w->kernel_name[k], kernel))
		k++;
	if (k < MAX_KERNELS && k == w->kernels) {
		w->kernel_name[w->kernels++] = kernel;
		w->kernel[k].by = NAN;
		w->log_time[k] = 0;
		w->timed[k] = 0;
	}
	return k;
}

static void note_worst(struct worst *w, double ratio, double time_ratio, int same_host,
		       const char *kernel, size_t row)
{
	size_t k = kernel_slot(w, kernel);
	if (k < MAX_KERNELS && time_ratio > 0 && isfinite(time_ratio)) {
		w->log_time[k] += log(time_ratio);
		w->timed[k]++;
	}
	if (!isfinite(ratio))
		return;
	note(&w->all, ratio, row);
	if (same_host)
		note(&w->same_host, ratio, row);
	if (k < MAX_KERNELS)
		note(&w->kernel[k], ratio, row);
}

static void header(FILE *out, const struct side *a, const struct side *b)
{
	fprintf(out, "parbench compare\n  A: %s (%s)\n  B: %s (%s)\n", a->run.id, a->run.dir,
		b->run.id, b->run.dir);
	fprintf(out, "time B/A: median of B's verified repetitions (raw.csv) over A's, 95%% CI:\n"
		"Welch's t over the rounds' medians where both have two rounds or more, else a\n"
		"bootstrap (%d resamples, seed %llu); 'slower'/'faster' only where the CI excludes 1\n"
		"and the change is at least %.0f%% (the practical threshold; 'small' below it).\n"
		"effect: Cliff's delta of B's repetitions against A's (-1: every B faster, +1:\n"
		"every B slower).  speedup B/A: ratio of the median speedups over seq (summary.csv).\n",
		PB_COMPARE_RESAMPLES, (unsigned long long)PB_COMPARE_SEED,
		PB_COMPARE_THRESHOLD * 100);
	fprintf(out, "peer_ns: the CPU-to-CPU latency the cell ran with (a range: it changed "
		"between rounds).\n\n");
	fprintf(out, "%-10s %-10s %-8s %-9s %7s %11s %11s  %-24s %-7s %6s %9s %9s %11s %9s %9s\n",
		"kernel", "n", "runner", "schedule", "workers", "A_median_s", "B_median_s",
		"time_B/A [95% CI]", "change", "effect", "A_speedup", "B_speedup", "speedup_B/A",
		"A_peer_ns", "B_peer_ns");
}

static void number(FILE *out, const char *fmt, int width, double x)
{
	if (isfinite(x))
		fprintf(out, fmt, width, x);
	else
		fprintf(out, "%*s", width, "-");
}

/* Cliff's delta of b against a: P(b > a) - P(b < a) over all pairs, a
 * rank effect size that needs no distribution (times are skewed). */
static double cliffs_delta(const double *a, size_t na, const double *b, size_t nb)
{
	double more = 0, less = 0;
	for (size_t i = 0; i < nb; i++)
		for (size_t j = 0; j < na; j++) {
			more += b[i] > a[j];
			less += b[i] < a[j];
		}
	return na && nb ? (more - less) / ((double)na * (double)nb) : NAN;
}


/* A cell as the comparison names it: "fib n=30 omp static workers=2". */
static void cell_name(const struct side *a, char **r, char *out, size_t len)
{
	char sched[160];
	schedule_label(a, r, sched, sizeof(sched));
	snprintf(out, len, "%s n=%s %s %s workers=%s", r[a->skey[PB_KEY_KERNEL]],
		 r[a->skey[PB_KEY_N]], r[a->skey[PB_KEY_RUNNER]], sched,
		 r[a->skey[PB_KEY_WORKERS]]);
}

static int compare_cell(FILE *out, const struct side *a, const struct side *b, size_t ia,
			size_t ib, double *xa, double *xb, unsigned *round, size_t cap,
			double lowest, struct pb_compare_result *res, struct worst *worst)
{
	char **ra = a->run.summary.rows[ia];
	struct pb_rounds rounds_a = {0}, rounds_b = {0};
	size_t na = samples(a, ra, xa, round, cap);
	int e = na ? pb_rounds_make(xa, round, na, &rounds_a) : 0;
	size_t nb = samples(b, b->run.summary.rows[ib], xb, round, cap);
	if (!e && nb)
		e = pb_rounds_make(xb, round, nb, &rounds_b);
	struct pb_ratio_ci ci = {NAN, NAN, NAN};
	char interval[64] = "-";
	const char *change = "";
	double effect = NAN;

	/* Rounds, then repetitions in them, drawn on each side: a change is
	 * one the rounds of both runs carry (base/rounds_ci.h). */
	if (!e && na && nb)
		e = pb_rounds_ratio_ci(&rounds_a, &rounds_b, PB_COMPARE_RESAMPLES, 0.95, cell_seed(ra, a->skey),
				       &ci);
	pb_rounds_free(&rounds_a);
	pb_rounds_free(&rounds_b);
	if (e)
		return e;
	/* Two runs: each a level of its own, which their rounds cannot see
	 * (base/run_level.h).  Where a profile measured it, it widens the
	 * interval, so that a gate does not fire on the machine's own move. */
	double level = pb_run_level_pair(run_sd(a, ia), run_sd(b, ib));
	if (na && nb && level > 0) {
		pb_run_level_widen(ci.ratio, level, &ci.low, &ci.high);
		res->with_run_level++;
		res->run_level_floor = fmax(res->run_level_floor, pb_run_level_floor(level));
	}
	if (na && nb) {
		snprintf(interval, sizeof(interval), "%.3f [%.3f, %.3f]", ci.ratio, ci.low,
			 ci.high);
		effect = cliffs_delta(xa, na, xb, nb);
		int big = fabs(ci.ratio - 1) >= PB_COMPARE_THRESHOLD;
		if ((ci.low > 1 || ci.high < 1) && !big) {
			change = "small";
			res->small++;
		} else if (ci.low > 1) {
			change = "slower";
			if (res->slower < PB_COMPARE_NAMED)
				cell_name(a, ra, res->slower_cells[res->slower],
					  sizeof(res->slower_cells[0]));
			res->slower++;
		} else if (ci.high < 1) {
			change = "faster";
			res->faster++;
		}
	} else {
		/* No repetitions to resample: the summary's medians, unflagged. */
		double r = pb_field_num(&b->run.summary, ib, b->median) /
			   pb_field_num(&a->run.summary, ia, a->median);
		if (isfinite(r))
			snprintf(interval, sizeof(interval), "%.3f (no reps)", r);
	}
	double sa = speedup(a, ia), sb = speedup(b, ib), ratio = sb / sa;
	enum pb_peer_placement pa = placement(a, ia, lowest), pb = placement(b, ib, lowest);
	int same_host = pa == pb && (pa == PB_PEER_SHARED || pa == PB_PEER_ACROSS);
	res->same_host += same_host;
	double time_ratio = isfinite(ci.ratio) ? ci.ratio
				: pb_field_num(&b->run.summary, ib, b->median) /
					  pb_field_num(&a->run.summary, ia, a->median);
	note_worst(worst, ratio, time_ratio, same_host, ra[a->skey[PB_KEY_KERNEL]], ia);
	char sched[160];
	schedule_label(a, ra, sched, sizeof(sched));
	fprintf(out, "%-10s %-10s %-8s %-9s %7s ", ra[a->skey[PB_KEY_KERNEL]], ra[a->skey[PB_KEY_N]],
		ra[a->skey[PB_KEY_RUNNER]], sched, ra[a->skey[PB_KEY_WORKERS]]);
	number(out, "%*.6g", 11, pb_field_num(&a->run.summary, ia, a->median));
	fputc(' ', out);
	number(out, "%*.6g", 11, pb_field_num(&b->run.summary, ib, b->median));
	fprintf(out, "  %-24s %-7s ", interval, change);
	number(out, "%*.2f", 6, effect);
	fputc(' ', out);
	number(out, "%*.3f", 9, sa);
	fputc(' ', out);
	number(out, "%*.3f", 9, sb);
	fputc(' ', out);
	number(out, "%*.4f", 11, ratio);
	peer_field(out, a, ia);
	peer_field(out, b, ib);
	fputc('\n', out);
	return 0;
}

/* Whether the intervals above include the run level, and what that means
 * for a change the table flags. */
static void print_run_level(FILE *out, const struct pb_compare_result *res)
{
	if (!res->with_run_level) {
		fputs("run level: not in these intervals (neither run had a machine profile): "
		      "they cover the rounds of the two runs, and a flagged change may be the "
		      "machine between runs; make bench-calibrate measures it\n", out);
		return;
	}
	fprintf(out, "run level: included for %zu of %zu cells (the runs' machine profile): a "
		"change smaller than %.1f%% is within what a rerun moves by itself\n",
		res->with_run_level, res->common, 100 * res->run_level_floor);
}

static void print_worst(FILE *out, const struct side *a, const struct side *b,
			const char *what, const struct change *c)
{
	double change = c->by;
	size_t row = c->row;
	if (!isfinite(change)) {
		fprintf(out, "%s: none (no speedups in common)\n", what);
		return;
	}
	char **r = a->run.summary.rows[row], sched[160];
	long j = find_cell(b, r, a->skey);
	schedule_label(a, r, sched, sizeof(sched));
	fprintf(out, "%s: %s n=%s %s %s workers=%s: %.3f -> %.3f (%+.1f%%)\n", what,
		r[a->skey[PB_KEY_KERNEL]], r[a->skey[PB_KEY_N]], r[a->skey[PB_KEY_RUNNER]],
		sched, r[a->skey[PB_KEY_WORKERS]], speedup(a, row),
		speedup(b, (size_t)j), change * 100);
}

/* Whether a ratio of the machine's own between the runs moved by the
 * practical threshold or more, either way. */
static int machine_moved(double ratio)
{
	return fabs(log(ratio)) >= log1p(PB_COMPARE_THRESHOLD);
}

/* The columns that name a reference test: runner, workers, test. */
static void reference_key(const struct pb_table *t, int col[3])
{
	col[0] = pb_table_column(t, "runner");
	col[1] = pb_table_column(t, "workers");
	col[2] = pb_table_column(t, "test");
}

/* The row of t (key columns tc) with the test of row r of u (uc), or -1. */
static long same_reference(const struct pb_table *t, const int tc[3], const struct pb_table *u,
			   const int uc[3], size_t r)
{
	for (size_t i = 0; tc[0] >= 0 && tc[1] >= 0 && tc[2] >= 0 && i < t->row_count; i++) {
		int same = 1;
		for (int k = 0; k < 3 && same; k++)
			same = strcmp(pb_field(t, i, tc[k]), pb_field(u, r, uc[k])) == 0;
		if (same)
			return (long)i;
	}
	return -1;
}

/*
 * The memory system itself between the runs: the geometric mean of B/A
 * over the bandwidth reference tests (reference.csv) both ran.  A
 * memory-bound change of about that size may be the machine's state, not
 * the code's, which no interval of either run can tell.
 */
static void print_reference(FILE *out, const struct side *a, const struct side *b)
{
	const struct pb_table *ta = &a->run.reference, *tb = &b->run.reference;
	int ga = pb_table_column(ta, "gbps"), gb = pb_table_column(tb, "gbps"), ka[3], kb[3];
	double sum = 0;
	size_t n = 0;
	reference_key(ta, ka);
	reference_key(tb, kb);
	for (size_t r = 0; pb_table_present(ta) && pb_table_present(tb) && r < tb->row_count; r++) {
		long i = same_reference(ta, ka, tb, kb, r);
		double x = i >= 0 ? pb_field_num(ta, (size_t)i, ga) : NAN, y = pb_field_num(tb, r, gb);
		if (x > 0 && y > 0) {
			sum += log(y / x);
			n++;
		}
	}
	if (!n) {
		fputs("bandwidth reference B/A: not in both runs\n", out);
		return;
	}
	double ratio = exp(sum / (double)n);
	fprintf(out, "bandwidth reference B/A (geometric mean of the %zu tests both ran): %.3f", n,
		ratio);
	if (machine_moved(ratio))
		fprintf(out, ": the memory system itself was %.0f%% %s in B, and memory-bound "
			     "changes of about that size may be the machine's\n",
			100 * fabs(ratio - 1), ratio > 1 ? "faster" : "slower");
	else
		fputc('\n', out);
}

/* The machine's own speed between the runs: their speed probes (speed.h). */
static void print_probe(FILE *out, const struct side *a, const struct side *b)
{
	double pa = pb_run_probe_ns(&a->run), pb = pb_run_probe_ns(&b->run);
	if (!(pa > 0 && pb > 0)) {
		fputs("speed probe B/A: not in both runs\n", out);
		return;
	}
	double ratio = pb / pa;
	fprintf(out, "speed probe B/A (the median of the fixed-work probe before each cell-round, "
		     "%.0f ns and %.0f ns): %.3f", pa, pb, ratio);
	if (machine_moved(ratio))
		fprintf(out, ": the machine itself was %.0f%% %s in B, and changes of about that "
			     "size may be the machine's\n",
			100 * fabs(1 / ratio - 1), ratio > 1 ? "slower" : "faster");
	else
		fputc('\n', out);
}

static int compare(FILE *out, struct side *a, struct side *b, struct pb_compare_result *res,
		   char *err, size_t errlen)
{
	size_t cap = a->run.raw.row_count > b->run.raw.row_count ? a->run.raw.row_count
								   : b->run.raw.row_count;
	double *xa = malloc((cap + 1) * sizeof(*xa)), *xb = malloc((cap + 1) * sizeof(*xb));
	unsigned *round = malloc((cap + 1) * sizeof(*round));
	struct worst worst = {.all = {NAN, 0}, .same_host = {NAN, 0}};
	double lowest = fmin(pb_column_lowest(&a->run.summary, a->peer_min),
			     pb_column_lowest(&b->run.summary, b->peer_min));
	int rc = 0;

	if (!xa || !xb || !round) {
		free(xa);
		free(xb);
		free(round);
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	}
	header(out, a, b);
	for (size_t i = 0; i < a->run.summary.row_count && rc == 0; i++) {
		long j = find_cell(b, a->run.summary.rows[i], a->skey);
		if (j < 0) {
			res->only_a++;
			continue;
		}
		res->common++;
		if (compare_cell(out, a, b, i, (size_t)j, xa, xb, round, cap, lowest, res, &worst))
			rc = pb_fail(err, errlen, -ENOMEM, "out of memory");
	}
	free(xa);
	free(xb);
	free(round);
	if (rc)
		return rc;
	for (size_t i = 0; i < b->run.summary.row_count; i++)
		res->only_b += find_cell(a, b->run.summary.rows[i], b->skey) < 0;
	res->worst_change = worst.all.by;
	res->worst_same_host = worst.same_host.by;

	fprintf(out, "\ncells: %zu in both, %zu only in A, %zu only in B\n", res->common,
		res->only_a, res->only_b);
	fprintf(out, "changed (time CI excludes 1, by %.0f%% or more): %zu (%zu slower, %zu "
		"faster); %zu more below the threshold\n", PB_COMPARE_THRESHOLD * 100,
		res->slower + res->faster, res->slower, res->faster, res->small);
	print_run_level(out, res);
	fputs("time_B/A per kernel (geometric mean over its cells):", out);
	for (size_t k = 0; k < worst.kernels; k++)
		if (worst.timed[k])
			fprintf(out, "%s %s %.3f (%zu cells)", k ? "," : "", worst.kernel_name[k],
				exp(worst.log_time[k] / (double)worst.timed[k]), worst.timed[k]);
	fputc('\n', out);
	print_worst(out, a, b, "worst cell (median speedup)", &worst.all);
	for (size_t k = 0; worst.kernels > 1 && k < worst.kernels; k++) {
		char what[96];
		snprintf(what, sizeof(what), "  worst %s cell", worst.kernel_name[k]);
		print_worst(out, a, b, what, &worst.kernel[k]);
	}
	struct pb_agreement ag;
	if (pb_agreement_print(out, &a->run, &b->run, &ag))
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	print_reference(out, a, b);
	print_probe(out, a, b);
	if (a->peer_min < 0 || b->peer_min < 0) {
		fprintf(out, "cells with the same CPU-to-CPU latency in both runs: unknown "
			"(no peer_ns_min in %s)\n", a->peer_min < 0 ? "A" : "B");
		return 0;
	}
	fprintf(out, "cells with the same CPU-to-CPU latency in both runs: %zu of %zu\n",
		res->same_host, res->common);
	if (res->same_host && res->same_host < res->common)
		print_worst(out, a, b, "worst of those", &worst.same_host);
	return 0;
}

int pb_compare_runs(const char *a, const char *b, FILE *out, struct pb_compare_result *res,
		    char *err, size_t errlen)
{
	struct side *s = calloc(2, sizeof(*s));
	struct pb_compare_result local;
	int rc;

	if (!s)
		return pb_fail(err, errlen, -ENOMEM, "out of memory");
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	res->worst_change = res->worst_same_host = NAN;
	if (!(rc = pb_run_open(a, PB_RUN_RAW | PB_RUN_MACHINE, &s[0].run, err, errlen)) &&
	    !(rc = pb_run_open(b, PB_RUN_RAW | PB_RUN_MACHINE, &s[1].run, err, errlen)) &&
	    !(rc = find_columns(&s[0], err, errlen)) && !(rc = find_columns(&s[1], err, errlen)))
		rc = compare(out, &s[0], &s[1], res, err, errlen);
	pb_run_close(&s[0].run);
	pb_run_close(&s[1].run);
	free(s);
	return rc;
}
