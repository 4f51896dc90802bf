#include <math.h>
#include <string.h>

#include "report.h"

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
		if (best)
			fprintf(f, "  %-9s n=%-10llu %s %s w=%u: %.6f s, speedup %.2f\n",
				c->kernel->name, (unsigned long long)c->n, best->cell.runner->name,
				sched_of(&best->cell), best->cell.workers, best->stats.median,
				isfinite(best->speedup) ? best->speedup : 1.0);
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
		    (strcmp(k, "factorial") && strcmp(k, "fib")))
			continue;
		int dynamic = r->cell.has_schedule && r->cell.sched.kind == PB_SCHED_DYNAMIC;
		fprintf(f, "  %-9s %-8s %-8s efficiency %.3f%s\n", k, r->cell.runner->name,
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
		fprintf(f, "  %-9s %-8s %-8s %+6.2f%%%s\n", r->cell.kernel->name,
			r->cell.runner->name, sched_of(&r->cell), 100 * diff,
			fabs(diff) <= BASELINE_TOLERANCE ? "" : "  [outside 3%]");
	}
}

static void print_overhead(FILE *f, const struct pb_overhead *o, size_t count)
{
	if (!count)
		return;
	fprintf(f, "\nDispatch + join of an empty job (EPCC syncbench style, %u x %u dispatches):\n",
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

void pb_report_print(FILE *f, const struct pb_sweep *sw, const struct pb_overhead *o,
		     size_t overhead_count, unsigned allowed_cpus)
{
	print_best(f, sw);
	print_efficiency(f, sw, allowed_cpus);
	print_baseline(f, sw);
	print_overhead(f, o, overhead_count);
}
