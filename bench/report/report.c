#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../placement/peer.h"
#include "report.h"
#include "../base/stats.h"

#define EFFICIENCY_TARGET 0.95
#define BASELINE_TOLERANCE 0.03

static const char *sched_of(const struct pb_cell *c)
{
	return pb_cell_schedule_name(c);
}

/* Largest worker count in the sweep that still has a CPU per worker. */
static unsigned full_workers(const struct pb_sweep *sw, unsigned allowed)
{
	unsigned best = 0;
	for (size_t i = 0; i < sw->done; i++) {
		unsigned w = sw->results[i].cell.workers;
		if (w <= allowed && w > best)
			best = w;
	}
	return best;
}

static void print_best(FILE *f, const struct pb_sweep *sw)
{
	fputs("\nFastest runner per kernel (median time):\n", f);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell *c = &sw->results[i].cell;
		int first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !(sw->results[j].cell.kernel == c->kernel &&
				  sw->results[j].cell.n == c->n);
		if (!first)
			continue;
		const struct pb_cell_result *best = NULL;
		for (size_t j = i; j < sw->done; j++) {
			const struct pb_cell_result *r = &sw->results[j];
			if (r->cell.kernel != c->kernel || r->cell.n != c->n || !r->stats.count ||
			    r->failed)
				continue;
			if (!best || r->stats.median < best->stats.median)
				best = r;
		}
		if (best && isfinite(best->speedup_ci_low))
			fprintf(f, "  %-9s n=%-10llu %s %s w=%u: %.6f s, speedup %.2f "
				"[95%% CI %.2f-%.2f]\n", c->kernel->name, (unsigned long long)c->n,
				best->cell.runner->name, sched_of(&best->cell), best->cell.workers,
				best->stats.median, best->speedup, best->speedup_ci_low,
				best->speedup_ci_high);
		else if (best)
			fprintf(f, "  %-9s n=%-10llu %s %s w=%u: %.6f s\n", c->kernel->name,
				(unsigned long long)c->n, best->cell.runner->name,
				sched_of(&best->cell), best->cell.workers, best->stats.median);
	}
}

static void print_efficiency(FILE *f, const struct pb_sweep *sw, unsigned allowed)
{
	unsigned w = full_workers(sw, allowed);
	if (w < 2)
		return;
	fprintf(f, "\nParallel efficiency with all %u CPUs, compute-bound kernels "
		"(target >= %.2f with dynamic scheduling):\n", w, EFFICIENCY_TARGET);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		const char *k = r->cell.kernel->name;
		if (r->cell.workers != w || !isfinite(r->efficiency) ||
		    !pb_kernel_compute_bound(r->cell.kernel))
			continue;
		int dynamic = r->cell.has_schedule && r->cell.sched.kind == PB_SCHED_DYNAMIC;
		fprintf(f, "  %-9s %-11s %-8s efficiency %.3f%s\n", k, r->cell.runner->name,
			sched_of(&r->cell), r->efficiency,
			dynamic ? (r->efficiency >= EFFICIENCY_TARGET ? "  [meets target]"
								      : "  [BELOW TARGET]")
				: "");
	}
}

static void print_baseline(FILE *f, const struct pb_sweep *sw)
{
	fprintf(f, "\nOne worker against seq (median time, target within %.0f%%):\n",
		BASELINE_TOLERANCE * 100);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		if (!r->cell.has_schedule || r->cell.workers != 1 || !isfinite(r->speedup))
			continue;
		double diff = 1 / r->speedup - 1; /* time relative to seq */
		fprintf(f, "  %-9s %-11s %-8s %+6.2f%%%s\n", r->cell.kernel->name,
			r->cell.runner->name, sched_of(&r->cell), 100 * diff,
			fabs(diff) <= BASELINE_TOLERANCE ? "" : "  [outside 3%]");
	}
}

static void print_overhead(FILE *f, const struct pb_overhead *o, size_t count)
{
	if (!count)
		return;
	fprintf(f, "\nDispatch + join of an empty job (EPCC syncbench style, %u samples of up to %u dispatches or 20 ms):\n",
		o[0].samples, o[0].dispatches);
	for (size_t i = 0; i < count; i++) {
		if (o[i].failed)
			fprintf(f, "  %-8s w=%-3u failed: %s\n", o[i].runner->name, o[i].workers,
				o[i].why);
		else
			fprintf(f, "  %-8s w=%-3u %8.3f us median (min %.3f, max %.3f; "
				"reference %.3f us)\n", o[i].runner->name, o[i].workers,
				o[i].overhead_us, o[i].min_us - o[i].reference_us,
				o[i].max_us - o[i].reference_us, o[i].reference_us);
	}
}

static void print_breakeven(FILE *f, const struct pb_analysis *a)
{
	if (!a->breakeven_count)
		return;
	fputs("\nBreak-even size N* (beats seq above it; model: fixed cost + scaled work):\n", f);
	for (size_t i = 0; i < a->breakeven_count; i++) {
		const struct pb_breakeven *b = &a->breakeven[i];
		fprintf(f, "  %-9s %-11s %-8s w=%-3u fixed cost %8.3f us, speedup %.2f: ",
			b->cell->kernel->name, b->cell->runner->name, sched_of(b->cell),
			b->cell->workers, b->overhead_us, b->speedup);
		if (b->n_star == 0)
			fputs("never (no speedup)\n", f);
		else if (b->n_star == UINT64_MAX)
			fputs("beyond the largest size\n", f);
		else
			fprintf(f, "N* = %llu\n", (unsigned long long)b->n_star);
	}
}

static void print_fits(FILE *f, const struct pb_analysis *a)
{
	int any = 0;
	for (size_t i = 0; i < a->fit_count; i++) {
		const struct pb_fit *x = &a->fits[i];
		if (!x->points)
			continue;
		if (!any++)
			fputs("\nAmdahl fit, serial fraction f (+- standard error):\n", f);
		fprintf(f, "  %-9s %-11s %-8s f = %.4f", x->cell->kernel->name,
			x->cell->runner->name, sched_of(x->cell), x->serial_fraction);
		if (isfinite(x->serial_fraction_se))
			fprintf(f, " +- %.4f (%zu points)\n", x->serial_fraction_se, x->points);
		else
			fprintf(f, " (%zu point: no error estimate)\n", x->points);
	}
}

/* Where one probe of a run whose lowest latency is `lowest` ran. */
static enum pb_peer_placement probe_placement(double ns, double lowest)
{
	return pb_peer_placement(ns, ns, lowest);
}

/* Where most of a cell's repetitions ran (shared or across; unknown
 * without probes). */
static enum pb_peer_placement cell_placement(const struct pb_cell_result *r, double lowest)
{
	unsigned count[PB_PEER_BOTH + 1] = {0};
	for (unsigned i = 0; i < r->rep_count; i++)
		count[probe_placement(r->reps[i].peer_ns, lowest)]++;
	if (!count[PB_PEER_SHARED] && !count[PB_PEER_ACROSS])
		return PB_PEER_UNKNOWN;
	return count[PB_PEER_SHARED] >= count[PB_PEER_ACROSS] ? PB_PEER_SHARED : PB_PEER_ACROSS;
}

static const char *placement_name(enum pb_peer_placement p)
{
	return p == PB_PEER_SHARED ? "sharing a cache" : "across caches";
}

static void print_bandwidth(FILE *f, const struct pb_sweep *sw, const struct pb_reference *ref,
			    size_t ref_count, double lowest)
{
	if (!ref_count)
		return;
	fputs("\nBandwidth reference (STREAM-like, same runner and workers), GB/s:\n", f);
	for (size_t i = 0; i < ref_count; i += 3) {
		fprintf(f, "  %-8s w=%-3u", ref[i].runner->name, ref[i].workers);
		for (size_t t = i; t < i + 3 && t < ref_count; t++)
			fprintf(f, "  %s %7.2f", ref[t].test->name + strlen("stream-"), ref[t].gbps);
		/* Where the test the ratios are taken against ran. */
		const struct pb_reference *best =
			pb_reference_best_test(ref, ref_count, ref[i].runner, ref[i].workers);
		enum pb_peer_placement p =
			best ? probe_placement(best->peer_ns, lowest) : PB_PEER_UNKNOWN;
		if (p != PB_PEER_UNKNOWN)
			fprintf(f, "  (%s)", placement_name(p));
		fputc('\n', f);
	}
	fputs("Memory-bound kernels against it (best schedule per runner and workers):\n", f);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		if (!isfinite(r->gbps_ratio))
			continue;
		fprintf(f, "  %-9s %-11s %-8s w=%-3u %7.2f GB/s = %3.0f%% of reference",
			r->cell.kernel->name, r->cell.runner->name, sched_of(&r->cell),
			r->cell.workers, r->gbps, 100 * r->gbps_ratio);
		/* With two placements in the run, a ratio across them compares
		 * two machines: say so. */
		const struct pb_reference *e =
			pb_reference_best_test(ref, ref_count, r->cell.runner, r->cell.workers);
		enum pb_peer_placement cell = cell_placement(r, lowest),
				       other = e ? probe_placement(e->peer_ns, lowest) : PB_PEER_UNKNOWN;
		if (cell != PB_PEER_UNKNOWN && other != PB_PEER_UNKNOWN && other != cell)
			fprintf(f, " (cell mostly %s, reference %s)", placement_name(cell),
				placement_name(other));
		fputc('\n', f);
	}
}

static void print_binding(FILE *f, const struct pb_sweep *sw)
{
	unsigned long checked = 0, ok = 0, cells = 0;
	for (size_t i = 0; i < sw->done; i++) {
		checked += sw->results[i].binding_checked;
		ok += sw->results[i].binding_ok;
		cells += sw->results[i].binding_checked > 0;
	}
	if (!checked)
		return;
	fprintf(f, "\nBinding verified: %lu of %lu pinned worker-repetitions (%.1f%%) in %lu "
		"cells ran on their CPU from start to end\n", ok, checked,
		100.0 * (double)ok / (double)checked, cells);
}

/* Collects the latency probed before each cell-round (its repetitions all
 * carry it); returns how many, or 0. Caller frees *out. */
static size_t peer_samples(const struct pb_sweep *sw, double **out)
{
	size_t count = 0, cap = 0;
	*out = NULL;
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		for (unsigned k = 0; k < r->rep_count; k++) {
			if (!isfinite(r->reps[k].peer_ns) ||
			    (k > 0 && r->reps[k].round == r->reps[k - 1].round))
				continue;
			if (count == cap) {
				cap = cap ? 2 * cap : 256;
				double *p = realloc(*out, cap * sizeof(*p));
				if (!p)
					return 0;
				*out = p;
			}
			(*out)[count++] = r->reps[k].peer_ns;
		}
	}
	return count;
}

/* Fewer repetitions in a placement say nothing of it. */
#define PLACEMENT_MIN_REPS 3

/* The median seconds of a cell's verified repetitions whose probe ran in
 * placement `where`; NaN with fewer than PLACEMENT_MIN_REPS. *count gets
 * how many there were. */
static double placement_median(const struct pb_cell_result *r, double lowest,
			       enum pb_peer_placement where, size_t *count)
{
	double *x = malloc((r->rep_count + 1) * sizeof(*x)), median = NAN;
	*count = 0;
	if (!x)
		return NAN;
	for (unsigned i = 0; i < r->rep_count; i++)
		if (r->reps[i].ok && probe_placement(r->reps[i].peer_ns, lowest) == where)
			x[(*count)++] = r->reps[i].seconds;
	if (*count >= PLACEMENT_MIN_REPS)
		median = pb_median_inplace(x, *count);
	free(x);
	return median;
}

/* Memory-bound cells with several workers that ran in both placements:
 * their two answers side by side. */
static void print_placement_medians(FILE *f, const struct pb_sweep *sw, double lowest)
{
	int header = 0;
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		const struct pb_kernel *k = r->cell.kernel;
		size_t nn, nf;
		if (!k->bytes_per_item || r->cell.workers < 2)
			continue;
		double near = placement_median(r, lowest, PB_PEER_SHARED, &nn),
		       far = placement_median(r, lowest, PB_PEER_ACROSS, &nf);
		if (!isfinite(near) || !isfinite(far))
			continue;
		if (!header++)
			fputs("  Memory-bound cells with several workers, median by placement:\n", f);
		double bytes = (double)k->items(r->cell.n) * k->bytes_per_item / 1e9;
		fprintf(f, "    %-9s %-11s %-8s w=%-3u sharing a cache %9.6f s (%5.1f GB/s, %2zu "
			"reps), across caches %9.6f s (%5.1f GB/s, %2zu reps)\n", k->name,
			r->cell.runner->name, sched_of(&r->cell), r->cell.workers, near,
			bytes / near, nn, far, bytes / far, nf);
	}
}

/* The machine under the run: where the host put the first two CPUs (a
 * latency PB_PEER_FAR times the lowest or more is another placement).
 * Returns the lowest latency when the run saw two placements, else NaN. */
static double print_peer(FILE *f, const struct pb_sweep *sw)
{
	double *ns;
	size_t count = peer_samples(sw, &ns);
	int cpus[2];

	if (!count) {
		free(ns);
		return NAN;
	}
	pb_peer_cpus(cpus);
	pb_sort_doubles(ns, count);
	double p5 = ns[count / 20], p95 = ns[count - 1 - count / 20];
	fprintf(f, "\nCPU-to-CPU latency (CPUs %d and %d, probed before each of %zu "
		"cell-rounds): median %.0f ns, 5-95%% %.0f-%.0f ns\n", cpus[0], cpus[1], count,
		ns[count / 2], p5, p95);
	double lowest = ns[0];
	size_t far = 0, both = 0;
	for (size_t i = 0; i < count; i++)
		far += probe_placement(ns[i], lowest) == PB_PEER_ACROSS;
	for (size_t i = 0; i < sw->done; i++)
		both += pb_peer_placement(sw->results[i].peer_ns_min, sw->results[i].peer_ns_max,
					  lowest) == PB_PEER_BOTH;
	free(ns);
	if (!pb_peer_two_placements(far, count - far))
		return NAN;
	fprintf(f, "  Two placements: the host moved these CPUs between caches during the run "
		"(%zu cell-rounds at %.0f ns or more, %zu below).\n  Memory-bound cells with "
		"several workers reach another bandwidth in each; %zu cells saw both (peer_ns "
		"in raw.csv).\n", far, PB_PEER_FAR * lowest, count - far, both);
	print_placement_medians(f, sw, lowest);
	return lowest;
}

/* The same cell but for where its workers run. */
static int same_but_placement(const struct pb_cell *a, const struct pb_cell *b)
{
	return a->kernel == b->kernel && a->n == b->n && a->runner == b->runner &&
	       a->workers == b->workers && a->has_schedule == b->has_schedule &&
	       a->sched.kind == b->sched.kind;
}

/* With several --pin policies: the same cell's median under each. */
static void print_pinning(FILE *f, const struct pb_sweep *sw)
{
	int several = 0;
	for (size_t i = 1; i < sw->done && !several; i++)
		several = sw->results[i].cell.pin != sw->results[0].cell.pin;
	if (!several)
		return;
	fputs("\nMedian time by placement (same cell, side by side):\n", f);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		int first = 1;
		for (size_t j = 0; j < i && first; j++)
			first = !same_but_placement(&sw->results[j].cell, &r->cell);
		if (!first)
			continue;
		fprintf(f, "  %-9s %-11s %-8s w=%-3u", r->cell.kernel->name, r->cell.runner->name,
			sched_of(&r->cell), r->cell.workers);
		for (size_t j = i; j < sw->done; j++) {
			const struct pb_cell_result *s = &sw->results[j];
			if (same_but_placement(&s->cell, &r->cell))
				fprintf(f, "  %s %.6f s", s->pin, s->stats.median);
		}
		fputc('\n', f);
	}
}

void pb_report_print(FILE *f, const struct pb_sweep *sw, const struct pb_overhead *o,
		     size_t overhead_count, const struct pb_reference *ref, size_t ref_count,
		     const struct pb_analysis *a, unsigned allowed_cpus)
{
	print_binding(f, sw);
	double lowest = print_peer(f, sw);
	print_pinning(f, sw);
	print_best(f, sw);
	print_efficiency(f, sw, allowed_cpus);
	print_baseline(f, sw);
	print_fits(f, a);
	print_bandwidth(f, sw, ref, ref_count, lowest);
	print_overhead(f, o, overhead_count);
	print_breakeven(f, a);
}
