#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../kernels/kernel.h"
#include "../analyse/analysis.h"
#include "../analyse/vs_seq.h"
#include "../base/disturbed.h"
#include "report.h"
#include "spread.h"

#define EFFICIENCY_TARGET 0.95
#define BASELINE_TOLERANCE 0.03

/* Summary columns the text needs beside the key. */
struct columns {
	int median, speedup, sp_lo, sp_hi, efficiency, gbps, gbps_ratio, pin;
};

static struct columns columns_of(const struct pb_table *t)
{
	return (struct columns){
		pb_table_column(t, "median_s"),       pb_table_column(t, "speedup"),
		pb_table_column(t, "speedup_ci_low"), pb_table_column(t, "speedup_ci_high"),
		pb_table_column(t, "efficiency"),     pb_table_column(t, "gbps"),
		pb_table_column(t, "gbps_ratio"),     pb_table_column(t, "pin"),
	};
}

static const char *key(const struct pb_results *r, size_t row, enum pb_key k)
{
	return pb_field(&r->run.summary, row, r->found.key[k]);
}

static double num(const struct pb_results *r, size_t row, int col)
{
	return pb_field_num(&r->run.summary, row, col);
}

static unsigned workers_of(const struct pb_results *r, size_t row)
{
	return (unsigned)strtoul(key(r, row, PB_KEY_WORKERS), NULL, 10);
}

/* The kernel's own trait where this build has the kernel; otherwise what
 * the run measured: a kernel that moves memory has a bandwidth. */
static int compute_bound(const struct pb_results *r, const struct columns *c, size_t row)
{
	const struct pb_kernel *k = pb_kernel_lookup(key(r, row, PB_KEY_KERNEL));
	return k ? pb_kernel_compute_bound(k) : !isfinite(num(r, row, c->gbps));
}

/* "kernel runner schedule" in the report's columns. */
static void print_cell(FILE *f, const struct pb_results *r, size_t row)
{
	fprintf(f, "  %-9s %-11s %-8s", key(r, row, PB_KEY_KERNEL), key(r, row, PB_KEY_RUNNER),
		key(r, row, PB_KEY_SCHEDULE));
}

/* Largest worker count in the run that still has a CPU per worker. */
static unsigned full_workers(const struct pb_results *r)
{
	unsigned best = 0, allowed = r->found.allowed_cpus ? r->found.allowed_cpus : UINT_MAX;
	for (size_t i = 0; i < r->run.summary.row_count; i++) {
		unsigned w = workers_of(r, i);
		if (w <= allowed && w > best)
			best = w;
	}
	return best;
}

/* "runner schedule w=N", as the report names a cell. */
static void print_who(FILE *f, const struct pb_results *r, size_t row)
{
	const char *inflight = key(r, row, PB_KEY_INFLIGHT);
	fprintf(f, "%s %s w=%s", key(r, row, PB_KEY_RUNNER), key(r, row, PB_KEY_SCHEDULE),
		key(r, row, PB_KEY_WORKERS));
	if (strtoul(inflight, NULL, 10) > 1) /* async on a kernel that waits */
		fprintf(f, " x%s in flight", inflight);
}

/* Whether the fastest cell beat the other runners by more than chance
 * (findings.h), in words. */
static void print_verdict(FILE *f, const struct pb_results *r, const struct pb_group *g)
{
	switch (g->verdict) {
	case PB_WIN_TIE:
		fputs("    a tie: within the 95% CI of its time ratio to it:", f);
		for (size_t t = 0; t < g->tied_count; t++) {
			fputs(t ? ", " : " ", f);
			print_who(f, r, (size_t)g->tied[t]);
		}
		fputc('\n', f);
		break;
	case PB_WIN_CLEAR:
		fputs("    the winner: the next runner, ", f);
		print_who(f, r, (size_t)g->runner_up);
		if (isfinite(g->up_ratio))
			fprintf(f, ", takes %.3fx its time [95%% CI %.3f-%.3f]\n", g->up_ratio,
				g->up_low, g->up_high);
		else
			fputs(", and every other, significantly slower\n", f);
		break;
	case PB_WIN_UNTESTED:
		if (g->runner_up >= 0)
			fputs("    no winner claimed: no repetitions to test the difference with\n", f);
		break;
	}
}

static void print_best(FILE *f, const struct pb_results *r, const struct columns *c)
{
	fputs("\nFastest runner per kernel (median time):\n", f);
	for (size_t i = 0; i < r->found.group_count; i++) {
		const struct pb_group *g = &r->found.groups[i];
		if (g->best < 0)
			continue;
		size_t b = (size_t)g->best;
		fprintf(f, "  %-9s n=%-10s ", key(r, b, PB_KEY_KERNEL), key(r, b, PB_KEY_N));
		print_who(f, r, b);
		fprintf(f, ": %.6f s", num(r, b, c->median));
		if (isfinite(num(r, b, c->sp_lo)))
			fprintf(f, ", speedup %.2f [95%% CI %.2f-%.2f]", num(r, b, c->speedup),
				num(r, b, c->sp_lo), num(r, b, c->sp_hi));
		/* A ratio with its base case's absolute time (Hoefler and
		 * Belli, rule 1). */
		if (g->baseline >= 0 && g->baseline != g->best)
			fprintf(f, " over %s's %.6f s", key(r, (size_t)g->baseline, PB_KEY_RUNNER),
				num(r, (size_t)g->baseline, c->median));
		fputc('\n', f);
		print_verdict(f, r, g);
	}
	/* What the intervals do not cover: the run as a level of its own
	 * (Kalibera and Jones); parbench coverage measures it. */
	const char *profile = pb_run_provenance(&r->run, "profile");
	if (profile && strcmp(profile, "none") != 0)
		fprintf(f, "  The medians' 95%% CIs include this machine's run-to-run variation "
			"(machine profile %s):\n  a rerun's median should fall inside about 4 in 5 of "
			"them. Speedups compare cells of one run.\n", profile);
	else
		fputs("  These 95% CIs cover this run only (how much its rounds differ); another run "
		      "on this machine\n  varies more than that. make bench-calibrate measures how "
		      "much, and later sweeps include it.\n", f);
}

static void print_efficiency(FILE *f, const struct pb_results *r, const struct columns *c)
{
	unsigned w = full_workers(r);
	int any = 0;
	if (w < 2)
		return;
	for (size_t i = 0; i < r->run.summary.row_count; i++) {
		double e = num(r, i, c->efficiency);
		const struct pb_kernel *k = pb_kernel_lookup(key(r, i, PB_KEY_KERNEL));
		/* Kernels that wait have their own section: their figure is
		 * the makespan against what their concurrency allows. */
		if (workers_of(r, i) != w || !isfinite(e) || !compute_bound(r, c, i) ||
		    (k && k->waits))
			continue;
		if (!any++) /* a heading only over cells it heads */
			fprintf(f, "\nParallel efficiency with all %u CPUs, compute-bound kernels "
				"(target >= %.2f with dynamic scheduling):\n", w, EFFICIENCY_TARGET);
		int dynamic = strcmp(key(r, i, PB_KEY_SCHEDULE), "dynamic") == 0;
		print_cell(f, r, i);
		fprintf(f, " efficiency %.3f%s\n", e,
			dynamic ? (e >= EFFICIENCY_TARGET ? "  [meets target]" : "  [BELOW TARGET]")
				: "");
	}
}

static void print_baseline(FILE *f, const struct pb_results *r)
{
	size_t cap = r->run.summary.row_count + 1;
	struct pb_vs_seq *v = malloc(cap * sizeof(*v));
	size_t n = v ? pb_vs_seq_find(&r->found, v, cap) : 0, count[PB_VS_SEQ_FASTER + 1] = {0};
	if (n)
		fprintf(f, "\nOne worker against seq (time against seq's [95%% CI]; a tie where the "
			"CI holds 0%%, as for the winner; else within %.0f%% or outside):\n",
			PB_VS_SEQ_TOLERANCE * 100);
	for (size_t i = 0; i < n; i++) {
		print_cell(f, r, v[i].row);
		fprintf(f, " %+6.2f%%", 100 * (v[i].ratio - 1));
		if (v[i].verdict != PB_VS_SEQ_NO_INTERVAL)
			fprintf(f, " [%+.2f%% .. %+.2f%%]", 100 * (v[i].low - 1), 100 * (v[i].high - 1));
		fprintf(f, "  %s\n", pb_vs_seq_words(v[i].verdict));
		count[v[i].verdict]++;
	}
	if (n)
		fprintf(f, "  %zu cells: %zu tied with seq, %zu within %.0f%%, %zu outside, %zu "
			"without an interval\n", n, count[PB_VS_SEQ_TIE], count[PB_VS_SEQ_WITHIN],
			PB_VS_SEQ_TOLERANCE * 100, count[PB_VS_SEQ_SLOWER] + count[PB_VS_SEQ_FASTER],
			count[PB_VS_SEQ_NO_INTERVAL]);
	free(v);
}

static void print_overhead(FILE *f, const struct pb_table *t)
{
	int runner = pb_table_column(t, "runner"), workers = pb_table_column(t, "workers"),
	    samples = pb_table_column(t, "samples"), dispatches = pb_table_column(t, "dispatches"),
	    status = pb_table_column(t, "status"), over = pb_table_column(t, "overhead_us"),
	    lo = pb_table_column(t, "min_us"), hi = pb_table_column(t, "max_us"),
	    ref = pb_table_column(t, "reference_us");
	if (!pb_table_present(t) || !t->row_count)
		return;
	fprintf(f, "\nDispatch + join of an empty job (EPCC syncbench style, %s samples of up to "
		"%s dispatches or 20 ms):\n", pb_field(t, 0, samples), pb_field(t, 0, dispatches));
	for (size_t i = 0; i < t->row_count; i++) {
		const char *st = pb_field(t, i, status);
		fprintf(f, "  %-8s w=%-3s", pb_field(t, i, runner), pb_field(t, i, workers));
		if (strcmp(st, "ok"))
			fprintf(f, " failed: %s\n", st);
		else
			fprintf(f, " %8.3f us median (min %.3f, max %.3f; reference %.3f us)\n",
				pb_field_num(t, i, over),
				pb_field_num(t, i, lo) - pb_field_num(t, i, ref),
				pb_field_num(t, i, hi) - pb_field_num(t, i, ref),
				pb_field_num(t, i, ref));
	}
}

/* Whether a row measured one size only (columns an older breakeven.csv
 * lacks read as one size): no crossing to say, which print_breakeven
 * says once for all such rows. */
static int one_size(const struct pb_table *t, size_t i)
{
	const char *kind = pb_field(t, i, pb_table_column(t, "measured"));
	return strcmp(kind, "crossed") && strcmp(kind, "below-smallest") &&
	       strcmp(kind, "not-faster");
}

/* What the sizes measured say of break-even, after the modelled N*. */
static void print_measured_breakeven(FILE *f, const struct pb_table *t, size_t i)
{
	int measured = pb_table_column(t, "measured"), from = pb_table_column(t, "significant_from"),
	    cross = pb_table_column(t, "n_cross"), ratio = pb_table_column(t, "model_ratio"),
	    model = pb_table_column(t, "model"), n = pb_table_column(t, "n_measured");
	const char *kind = pb_field(t, i, measured), *verdict = pb_field(t, i, model);
	double r = pb_field_num(t, i, ratio);

	fputs("      measured: ", f);
	if (!strcmp(kind, "crossed"))
		fprintf(f, "speedup crosses 1 at n = %.0f (interpolated), significantly faster "
			   "from n = %s on", pb_field_num(t, i, cross), pb_field(t, i, from));
	else if (!strcmp(kind, "below-smallest"))
		fprintf(f, "at or below n = %s, the smallest size run (faster at every size, "
			   "significantly from n = %s on)", pb_field(t, i, cross), pb_field(t, i, from));
	else
		fprintf(f, "not significantly faster at any size up to n = %s", pb_field(t, i, n));
	if (!strcmp(verdict, "holds"))
		fprintf(f, ": the model holds (within %gx)\n", PB_MODEL_FACTOR);
	else if (!strcmp(verdict, "off") && isfinite(r))
		fprintf(f, ": the model is off, its N* %.1fx %s\n", r >= 1 ? r : 1 / r,
			r >= 1 ? "too large" : "too small");
	else if (!strcmp(verdict, "off"))
		fputs(": the model is off\n", f);
	else
		fputc('\n', f);
}

static void print_breakeven(FILE *f, const struct pb_table *t)
{
	int kernel = pb_table_column(t, "kernel"), runner = pb_table_column(t, "runner"),
	    sched = pb_table_column(t, "schedule"), workers = pb_table_column(t, "workers"),
	    over = pb_table_column(t, "overhead_us"), speedup = pb_table_column(t, "speedup"),
	    n_star = pb_table_column(t, "n_star"), n = pb_table_column(t, "n_measured");
	if (!pb_table_present(t) || !t->row_count)
		return;
	fputs("\nBreak-even size N* (beats seq above it).  Model: fixed cost + work scaled from "
	      "the largest size;\nmeasured: where the speedup crosses 1 between the sizes run:\n",
	      f);
	size_t single = 0;
	for (size_t i = 0; i < t->row_count; i++)
		single += one_size(t, i);
	for (size_t i = 0; i < t->row_count; i++) {
		double s = pb_field_num(t, i, speedup), cost = pb_field_num(t, i, over);
		fprintf(f, "  %-9s %-11s %-8s w=%-3s ", pb_field(t, i, kernel),
			pb_field(t, i, runner), pb_field(t, i, sched), pb_field(t, i, workers));
		if (isfinite(cost))
			fprintf(f, "fixed cost %8.3f us, ", cost);
		else
			fputs("fixed cost not measured, ", f);
		fprintf(f, "speedup %.2f at n = %s\n      model:    ", s, pb_field(t, i, n));
		/* No fixed cost (--no-overhead): nothing modelled, the
		 * measured crossing alone (breakeven.csv's model "unknown"). */
		if (!isfinite(cost)) {
			fputs("none (no dispatch overhead measured)\n", f);
			if (!one_size(t, i))
				print_measured_breakeven(f, t, i);
			continue;
		}
		/* breakeven.csv leaves n_star empty for "never" and for "beyond
		 * the largest size": the model finds a size only for a speedup
		 * above 1 and a kernel with a work model (analysis.c). */
		const struct pb_kernel *k = pb_kernel_lookup(pb_field(t, i, kernel));
		if (*pb_field(t, i, n_star))
			fprintf(f, "N* = %s\n", pb_field(t, i, n_star));
		else
			fputs(s > 1 && k ? "beyond the largest size\n"
						    : "never (no speedup)\n", f);
		if (!one_size(t, i))
			print_measured_breakeven(f, t, i);
	}
	if (single)
		fprintf(f, "  measured: no crossing to read for %s%zu of these: one size run each (a "
			"range such as --size K=LO..HI measures one)\n",
			single == t->row_count ? "all " : "", single);
}

/* One line a fit, and one for all those too short to fit: the same
 * reason said once, not once per runner and schedule. */
static void print_fits(FILE *f, const struct pb_table *t)
{
	int kernel = pb_table_column(t, "kernel"), runner = pb_table_column(t, "runner"),
	    sched = pb_table_column(t, "schedule"), points = pb_table_column(t, "points"),
	    sf = pb_table_column(t, "serial_fraction"), se = pb_table_column(t, "serial_fraction_se");
	int any = 0;
	size_t short_of = 0;
	double most = 0;
	for (size_t i = 0; pb_table_present(t) && i < t->row_count; i++) {
		double p = pb_field_num(t, i, points);
		if (!(p > 0))
			continue;
		int fitted = isfinite(pb_field_num(t, i, sf));
		if (!fitted && p + 1 < PB_FIT_MIN_COUNTS) {
			short_of++;
			most = fmax(most, p + 1);
			continue;
		}
		if (!any++)
			fputs("\nAmdahl fit, serial fraction f (+- standard error):\n", f);
		fprintf(f, "  %-9s %-11s %-8s ", pb_field(t, i, kernel), pb_field(t, i, runner),
			pb_field(t, i, sched));
		if (!fitted)
			fputs("no fit\n", f);
		else if (isfinite(pb_field_num(t, i, se)))
			fprintf(f, "f = %.4f +- %.4f (%.0f points)\n", pb_field_num(t, i, sf),
				pb_field_num(t, i, se), p);
		else
			fprintf(f, "f = %.4f (%.0f point: no error estimate)\n",
				pb_field_num(t, i, sf), p);
	}
	if (short_of)
		fprintf(f, "%sAmdahl fit: none for %zu kernel/runner/schedule series: %s%.0f worker "
			"counts (1 included), a fit needs %d\n", any ? "  " : "\n", short_of,
			short_of > 1 ? "at most " : "", most, PB_FIT_MIN_COUNTS);
}

static const char *placement_name(enum pb_peer_placement p)
{
	return p == PB_PEER_SHARED ? "sharing a cache" : "across caches";
}

/* The reference test with the best bandwidth for a runner and worker
 * count: the one bandwidth ratios are taken against; -1: none. */
static long best_reference(const struct pb_table *t, const char *runner, const char *workers)
{
	int cr = pb_table_column(t, "runner"), cw = pb_table_column(t, "workers"),
	    cg = pb_table_column(t, "gbps");
	long best = -1;
	for (size_t i = 0; i < t->row_count; i++) {
		double g = pb_field_num(t, i, cg);
		if (strcmp(pb_field(t, i, cr), runner) || strcmp(pb_field(t, i, cw), workers) ||
		    !isfinite(g))
			continue;
		if (best < 0 || g > pb_field_num(t, (size_t)best, cg))
			best = (long)i;
	}
	return best;
}

/* Where the probe before a reference test ran; unknown unless the run saw
 * two placements. */
static enum pb_peer_placement reference_placement(const struct pb_results *r, long row)
{
	const struct pb_table *t = &r->run.reference;
	if (row < 0 || !r->found.two_placements)
		return PB_PEER_UNKNOWN;
	return pb_findings_probe(&r->found,
				 pb_field_num(t, (size_t)row, pb_table_column(t, "peer_ns")));
}

static void print_bandwidth(FILE *f, const struct pb_results *r, const struct columns *c)
{
	const struct pb_table *t = &r->run.reference;
	int cr = pb_table_column(t, "runner"), cw = pb_table_column(t, "workers"),
	    ct = pb_table_column(t, "test"), cg = pb_table_column(t, "gbps");
	if (!pb_table_present(t) || !t->row_count)
		return;
	fputs("\nBandwidth reference (STREAM-like, same runner and workers), GB/s:\n", f);
	for (size_t i = 0; i < t->row_count;) {
		const char *runner = pb_field(t, i, cr), *workers = pb_field(t, i, cw);
		fprintf(f, "  %-8s w=%-3s", runner, workers);
		for (; i < t->row_count && !strcmp(pb_field(t, i, cr), runner) &&
		       !strcmp(pb_field(t, i, cw), workers); i++)
			fprintf(f, "  %s %7.2f", pb_field(t, i, ct), pb_field_num(t, i, cg));
		enum pb_peer_placement p = reference_placement(r, best_reference(t, runner, workers));
		if (p != PB_PEER_UNKNOWN)
			fprintf(f, "  (%s)", placement_name(p));
		fputc('\n', f);
	}
	fputs("Memory-bound kernels against it (best schedule per runner and workers):\n", f);
	for (size_t i = 0; i < r->run.summary.row_count; i++) {
		double ratio = num(r, i, c->gbps_ratio);
		if (!isfinite(ratio))
			continue;
		print_cell(f, r, i);
		fprintf(f, " w=%-3s %7.2f GB/s = %3.0f%% of reference", key(r, i, PB_KEY_WORKERS),
			num(r, i, c->gbps), 100 * ratio);
		/* With two placements in the run, a ratio across them compares
		 * two machines: say so. */
		enum pb_peer_placement cell = r->found.where && r->found.two_placements
						      ? r->found.where[i].mostly
						      : PB_PEER_UNKNOWN,
				       other = reference_placement(
					       r, best_reference(t, key(r, i, PB_KEY_RUNNER),
								 key(r, i, PB_KEY_WORKERS)));
		if (cell != PB_PEER_UNKNOWN && other != PB_PEER_UNKNOWN && other != cell)
			fprintf(f, " (cell mostly %s, reference %s)", placement_name(cell),
				placement_name(other));
		fputc('\n', f);
	}
}

static void print_binding(FILE *f, const struct pb_findings *found)
{
	if (!found->bind_checked)
		return;
	fprintf(f, "\nBinding verified: %lu of %lu pinned worker-repetitions (%.1f%%) in %lu "
		"cells ran on their CPU from start to end\n", found->bind_ok, found->bind_checked,
		100.0 * (double)found->bind_ok / (double)found->bind_checked, found->bind_cells);
}

/* Memory-bound cells with several workers that ran in both placements:
 * their two answers side by side. */
static void print_placement_medians(FILE *f, const struct pb_results *r, const struct columns *c)
{
	int header = 0;
	for (size_t i = 0; r->found.where && i < r->run.summary.row_count; i++) {
		const struct pb_cell_where *w = &r->found.where[i];
		if (compute_bound(r, c, i) || workers_of(r, i) < 2 || !isfinite(w->median[0]) ||
		    !isfinite(w->median[1]))
			continue;
		if (!header++)
			fputs("  Memory-bound cells with several workers, median by placement:\n", f);
		/* GB moved by one repetition, from the cell's own figures. */
		double gb = num(r, i, c->gbps) * num(r, i, c->median);
		fprintf(f, "    %-9s %-11s %-8s w=%-3u sharing a cache %9.6f s (%5.1f GB/s, %2zu "
			"reps), across caches %9.6f s (%5.1f GB/s, %2zu reps)\n",
			key(r, i, PB_KEY_KERNEL), key(r, i, PB_KEY_RUNNER),
			key(r, i, PB_KEY_SCHEDULE), workers_of(r, i), w->median[0], gb / w->median[0],
			w->reps[0], w->median[1], gb / w->median[1], w->reps[1]);
	}
}

/* The machine under the run: where the host put the first two CPUs. */
static void print_peer(FILE *f, const struct pb_results *r, const struct columns *c)
{
	const struct pb_findings *found = &r->found;
	const char *pair = pb_run_provenance(&r->run, "peer_cpus");
	int cpus[2];
	char which[64] = "unknown";

	if (!found->probes)
		return;
	if (pair && sscanf(pair, "%d,%d", &cpus[0], &cpus[1]) == 2)
		snprintf(which, sizeof(which), "%d and %d", cpus[0], cpus[1]);
	fprintf(f, "\nCPU-to-CPU latency (CPUs %s, probed before each of %zu "
		"cell-rounds): median %.0f ns, 5-95%% %.0f-%.0f ns\n", which,
		found->probes, found->probe_median, found->probe_p5, found->probe_p95);
	if (!found->two_placements)
		return;
	fprintf(f, "  Two placements: the host moved these CPUs between caches during the run "
		"(%zu cell-rounds at %.0f ns or more, %zu below).\n  Memory-bound cells with "
		"several workers reach another bandwidth in each; %zu cells saw both (peer_ns "
		"in raw.csv).\n", found->probes_far, PB_PEER_FAR * found->lowest,
		found->probes - found->probes_far, found->cells_at[PB_PEER_BOTH]);
	print_placement_medians(f, r, c);
}

/* With several --pin policies: the same cell's median under each. */
static void print_pinning(FILE *f, const struct pb_results *r, const struct columns *c)
{
	const struct pb_table *t = &r->run.summary;
	const int *k = r->found.key;
	if (!r->found.several_pins)
		return;
	fputs("\nMedian time by placement (same cell, side by side):\n", f);
	for (size_t i = 0; i < t->row_count; i++) {
		int first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !pb_rows_same_but(t->rows[j], k, t->rows[i], k, PB_KEY_PIN);
		if (!first)
			continue;
		print_cell(f, r, i);
		fprintf(f, " w=%-3s", key(r, i, PB_KEY_WORKERS));
		for (size_t j = i; j < t->row_count; j++)
			if (pb_rows_same_but(t->rows[j], k, t->rows[i], k, PB_KEY_PIN))
				fprintf(f, "  %s %.6f s", pb_field(t, j, c->pin), num(r, j, c->median));
		fputc('\n', f);
	}
}

/* Latency-bound cells: makespan against what their concurrency allows,
 * throughput, and how late the tasks came back. */
static void print_latency(FILE *f, const struct pb_table *t)
{
	int kernel = pb_table_column(t, "kernel"), n = pb_table_column(t, "n"),
	    runner = pb_table_column(t, "runner"), sched = pb_table_column(t, "schedule"),
	    workers = pb_table_column(t, "workers"), inflight = pb_table_column(t, "inflight"),
	    latency = pb_table_column(t, "latency_us"), median = pb_table_column(t, "median_s"),
	    ideal = pb_table_column(t, "ideal_s"), rate = pb_table_column(t, "tasks_per_s"),
	    p50 = pb_table_column(t, "task_p50_s"), p99 = pb_table_column(t, "task_p99_s"),
	    p999 = pb_table_column(t, "task_p999_s");
	int headed = 0;

	for (size_t i = 0; ideal >= 0 && i < t->row_count; i++) {
		double m = pb_field_num(t, i, median), id = pb_field_num(t, i, ideal);
		if (!isfinite(id) || !isfinite(m))
			continue;
		if (!headed)
			fputs("\nLatency-bound cells: makespan against the ideal for their concurrency "
			      "(n x latency / (workers x in flight)),\nthroughput, and each task's "
			      "latency (its wait and its compute) at p50 / p99 / p99.9:\n", f);
		headed = 1;
		fprintf(f, "  %-6s n=%-6s L=%4sus %-8s %-8s w=%-3s x%-4s %9.6f s = %5.2fx ideal, "
			   "%9.0f tasks/s", pb_field(t, i, kernel), pb_field(t, i, n),
			pb_field(t, i, latency), pb_field(t, i, runner), pb_field(t, i, sched),
			pb_field(t, i, workers), pb_field(t, i, inflight), m, m / id,
			pb_field_num(t, i, rate));
		double q[3] = {pb_field_num(t, i, p50), pb_field_num(t, i, p99),
			       pb_field_num(t, i, p999)};
		if (isfinite(q[0]))
			fprintf(f, ", tasks %.0f / %.0f / %.0f us\n", q[0] * 1e6, q[1] * 1e6,
				q[2] * 1e6);
		else
			fputs(", task latencies not recorded (distributed or resumed)\n", f);
	}
}

/* Cells whose workers spanned several nodes: how many, and what the
 * network cost where the runner times its communication. */
static void print_nodes(FILE *f, const struct pb_table *t)
{
	int kernel = pb_table_column(t, "kernel"), n = pb_table_column(t, "n"),
	    runner = pb_table_column(t, "runner"), sched = pb_table_column(t, "schedule"),
	    workers = pb_table_column(t, "workers"), nodes = pb_table_column(t, "nodes"),
	    median = pb_table_column(t, "median_s"), comm = pb_table_column(t, "comm_median_s");
	int headed = 0;

	for (size_t i = 0; nodes >= 0 && i < t->row_count; i++) {
		unsigned count = (unsigned)strtoul(pb_field(t, i, nodes), NULL, 10);
		if (count < 2)
			continue;
		if (!headed)
			fputs("\nCells across nodes (their ranks talk over the network; raw.csv names "
			      "each worker's node):\n", f);
		headed = 1;
		fprintf(f, "  %-9s n=%-10s %-11s %-8s w=%-3s %u nodes, median %.6f s",
			pb_field(t, i, kernel), pb_field(t, i, n), pb_field(t, i, runner),
			pb_field(t, i, sched), pb_field(t, i, workers), count,
			pb_field_num(t, i, median));
		double c = comm >= 0 ? pb_field_num(t, i, comm) : NAN;
		if (isfinite(c))
			fprintf(f, ", communication %.6f s", c);
		fputc('\n', f);
	}
}

/* What the machine did to the rounds, and the cells it moved. */
/* The verified repetitions whose workers waited for a CPU past the share,
 * left out of their cells' estimates: how many, in which cells, and how
 * far each cell's median would move with them. */
static void print_queued(FILE *f, const struct pb_results *r)
{
	const struct pb_table *t = &r->run.summary;
	int queued = pb_table_column(t, "queued_reps"), ok = pb_table_column(t, "ok_reps"),
	    with = pb_table_column(t, "median_with_queued_s"), median = pb_table_column(t, "median_s");
	if (queued < 0 || ok < 0)
		return; /* a run from before the sensor */
	unsigned long left = 0, all = 0, cells = 0;
	for (size_t i = 0; i < t->row_count; i++) {
		unsigned long q = strtoul(pb_field(t, i, queued), NULL, 10);
		left += q;
		all += strtoul(pb_field(t, i, ok), NULL, 10);
		cells += q > 0;
	}
	fprintf(f, "  Waiting for a CPU (workers runnable but not running for over %.0f%% of a "
		   "repetition): %lu of %lu verified repetitions, in %lu cells, left out of the "
		   "estimates and repeated\n", PB_QUEUED_SHARE * 100, left, all, cells);
	for (size_t i = 0, shown = 0; left && i < t->row_count && shown < 10; i++) {
		unsigned long q = strtoul(pb_field(t, i, queued), NULL, 10);
		double m = pb_field_num(t, i, median), w = pb_field_num(t, i, with);
		if (!q)
			continue;
		shown++;
		fprintf(f, "  ");
		print_cell(f, r, i);
		fprintf(f, " w=%-3s %lu left out; with them the median %.6f s would be %+.1f%%\n",
			key(r, i, PB_KEY_WORKERS), q, w, 100 * (w / m - 1));
	}
	if (cells > 10)
		fprintf(f, "  ... and %lu more cells (queued_reps in summary.csv)\n", cells - 10);
}

static void print_interference(FILE *f, const struct pb_table *t)
{
	int rounds = pb_table_column(t, "rounds"), disturbed = pb_table_column(t, "disturbed_rounds"),
	    extra = pb_table_column(t, "extra_rounds"), lo = pb_table_column(t, "median_ci_low_s"), hi = pb_table_column(t, "median_ci_high_s"),
	    clean = pb_table_column(t, "median_undisturbed_s"),
	    steal = pb_table_column(t, "steal_pct_max"),
	    probe = pb_table_column(t, "probe_slowdown_max");
	if (disturbed < 0 || rounds < 0)
		return; /* a run from before the sensors */
	unsigned long total = 0, flagged = 0, extras = 0, cells = 0, moved = 0;
	double worst_steal = NAN, worst_probe = NAN;
	for (size_t i = 0; i < t->row_count; i++) {
		unsigned long d = strtoul(pb_field(t, i, disturbed), NULL, 10);
		unsigned long x = strtoul(pb_field(t, i, extra), NULL, 10);
		total += strtoul(pb_field(t, i, rounds), NULL, 10) + x;
		flagged += d;
		extras += x;
		cells += d > 0;
		double sv = pb_field_num(t, i, steal), pv = pb_field_num(t, i, probe);
		if (isfinite(sv) && !(sv <= worst_steal))
			worst_steal = sv;
		if (isfinite(pv) && !(pv <= worst_probe))
			worst_probe = pv;
		double c = pb_field_num(t, i, clean);
		moved += d && isfinite(c) &&
			 (c < pb_field_num(t, i, lo) || c > pb_field_num(t, i, hi));
	}
	fprintf(f, "\nInterference: %lu of %lu cell-rounds disturbed (steal above %.0f%% of CPU time, "
		   "or the speed probe %.2fx its best), in %lu cells; %lu extra rounds run for them.\n",
		flagged, total, PB_STEAL_DISTURBED_PCT, PB_PROBE_DISTURBED, cells, extras);
	fprintf(f, "  Largest steal in a round: ");
	if (isfinite(worst_steal))
		fprintf(f, "%.1f%%", worst_steal);
	else
		fputs("unknown here", f);
	fputs("; slowest probe: ", f);
	if (isfinite(worst_probe))
		fprintf(f, "%.2fx the fastest\n", worst_probe);
	else
		fputs("unknown here\n", f);
	if (flagged)
		fprintf(f, "  Without the disturbed rounds, %lu cell%s median%s would leave %s CI "
			   "(median_undisturbed_s in summary.csv)\n", moved, moved == 1 ? "'s" : "s'",
			moved == 1 ? "" : "s", moved == 1 ? "its" : "their");
}

void pb_report_print(FILE *f, const struct pb_results *r)
{
	struct columns c = columns_of(&r->run.summary);

	print_binding(f, &r->found);
	print_peer(f, r, &c);
	print_pinning(f, r, &c);
	print_best(f, r, &c);
	print_efficiency(f, r, &c);
	print_baseline(f, r);
	print_fits(f, &r->run.fits);
	print_bandwidth(f, r, &c);
	print_overhead(f, &r->run.overhead);
	print_breakeven(f, &r->run.breakeven);
	print_latency(f, &r->run.summary);
	print_nodes(f, &r->run.summary);
	print_interference(f, &r->run.summary);
	print_queued(f, r);
	pb_report_round_spread(f, &r->run);
}
