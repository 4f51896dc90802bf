#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "crossing.h"
#include "../store/rundir.h"
#include "../base/ratio_ci.h"
#include "../base/run_level.h"
#include "../base/rounds_ci.h"
#include "../base/stats.h"
#include "../model/identity.h"

static int speedup_of(struct pb_cell_result *r, const struct pb_cell_result *base,
		      uint64_t seed)
{
	struct pb_rounds b, x;
	int err = pb_cell_ok_rounds(base, &b);
	if (!err && (err = pb_cell_ok_rounds(r, &x)))
		pb_rounds_free(&b);
	if (err)
		return err;

	if (b.n && x.n) {
		r->speedup = base->stats.median / r->stats.median;
		r->efficiency = r->speedup / r->cell.workers;
		r->karp_flatt = pb_karp_flatt(r->speedup, r->cell.workers);
		/* Different seeds per cell, reproducible from the run's seed. */
		uint64_t s = seed ^ (uint64_t)(uintptr_t)r->cell.runner ^ r->cell.n * 31 ^
			     r->cell.workers;
		if (r == base) {
			r->speedup_ci_low = r->speedup_ci_high = 1;
		} else {
			/* speedup = median(seq) / median(cell): "b over a" below;
			 * rounds and repetitions drawn on both sides, then the
			 * part of the run level the two cells do not share. */
			struct pb_ratio_ci ci;
			err = pb_rounds_ratio_ci(&x, &b, PB_BOOTSTRAP_ITERATIONS, 0.95, s, &ci);
			if (!err)
				pb_run_level_widen(ci.ratio,
						   pb_run_level_pair(r->cell.pair_sd, base->cell.pair_sd),
						   &ci.low, &ci.high);
			r->speedup_ci_low = err ? NAN : ci.low;
			r->speedup_ci_high = err ? NAN : ci.high;
			err = err == -ENOMEM ? -ENOMEM : 0;
		}
	}
	pb_rounds_free(&b);
	pb_rounds_free(&x);
	return err;
}

static int fit_series(struct pb_sweep *sw, struct pb_analysis *a)
{
	a->fits = calloc(sw->done + 1, sizeof(*a->fits));
	unsigned *p = malloc((sw->done + 1) * sizeof(*p));
	double *s = malloc((sw->done + 1) * sizeof(*s));
	if (!a->fits || !p || !s) {
		free(p);
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell *c = &sw->results[i].cell;
		int known = !c->has_schedule;
		for (size_t j = 0; j < a->fit_count && !known; j++)
			known = pb_cells_same_series(a->fits[j].cell, c);
		if (known)
			continue;
		size_t count = 0;
		for (size_t j = 0; j < sw->done; j++) {
			const struct pb_cell_result *r = &sw->results[j];
			if (pb_cells_same_series(&r->cell, c) && isfinite(r->speedup) && !r->cell.oversubscribed) {
				p[count] = r->cell.workers;
				s[count++] = r->speedup;
			}
		}
		struct pb_fit *f = &a->fits[a->fit_count++];
		f->cell = c;
		f->points = pb_amdahl_fit(p, s, count, &f->serial_fraction, &f->serial_fraction_se);
		/* A one-parameter curve through fewer worker counts says
		 * nothing a single speedup does not (Hoefler and Belli, rule
		 * 11): no fit, and the report says why. */
		if (count < PB_FIT_MIN_COUNTS)
			f->serial_fraction = f->serial_fraction_se = NAN;
	}
	free(p);
	free(s);
	return 0;
}

uint64_t pb_break_even_n(const struct pb_kernel *k, uint64_t n_measured, double seq_s,
			 double overhead_s, double speedup)
{
	if (!(speedup > 1) || !(seq_s > 0) || pb_kernel_work(k, n_measured) <= 0)
		return 0;
	/* Parallel wins once T_seq(n) > overhead + T_seq(n) / S. */
	double need = overhead_s / (1 - 1 / speedup);
	double per_work = seq_s / pb_kernel_work(k, n_measured);
	uint64_t lo = 1, hi = 1;
	while (per_work * pb_kernel_work(k, hi) < need) {
		if (hi >= k->max_n)
			return UINT64_MAX;
		lo = hi;
		hi = hi > k->max_n / 2 ? k->max_n : hi * 2;
	}
	while (lo < hi) { /* smallest n in (lo, hi] that meets the need */
		uint64_t mid = lo + (hi - lo) / 2;
		if (per_work * pb_kernel_work(k, mid) >= need)
			hi = mid;
		else
			lo = mid + 1;
	}
	return hi;
}

/* Whether r is its series' cell at the largest worker count with a CPU
 * each: the one a user would run, and the one break-even is read from. */
static int largest_fitting(const struct pb_sweep *sw, const struct pb_cell_result *r,
			   unsigned allowed)
{
	const struct pb_cell *c = &r->cell;
	if (!c->has_schedule || !isfinite(r->speedup) || c->oversubscribed)
		return 0;
	for (size_t j = 0; j < sw->done; j++) {
		const struct pb_cell *d = &sw->results[j].cell;
		if (pb_cells_same_series(d, c) && d->workers > c->workers &&
		    d->workers <= allowed && isfinite(sw->results[j].speedup))
			return 0;
	}
	return 1;
}

static int by_size(const void *a, const void *b)
{
	uint64_t x = ((const struct pb_size_point *)a)->n, y = ((const struct pb_size_point *)b)->n;
	return (x > y) - (x < y);
}

/* The runner's measured dispatch overhead, NULL where there is none
 * (--no-overhead, or its measure failed). */
static const struct pb_overhead *overhead_of(const struct pb_runner *runner,
					     const struct pb_overhead *o, size_t o_count)
{
	const struct pb_overhead *found = NULL;
	for (size_t j = 0; j < o_count; j++)
		if (o[j].runner == runner && !o[j].failed)
			found = &o[j];
	return found;
}

/* The modelled half of a row: N* from the fixed cost and the work scaled
 * from the largest size, or nothing known without an overhead. */
static void model_break_even(struct pb_breakeven *b, const struct pb_overhead *ov,
			     const struct pb_cell_result *base)
{
	b->modelled = ov != NULL;
	b->overhead_us = ov ? fmax(ov->overhead_us, 0) : NAN;
	b->n_star = ov ? pb_break_even_n(b->cell->kernel, b->cell->n, base->stats.median,
					 b->overhead_us * 1e-6, b->speedup)
		       : 0;
}

/* One row per runner, schedule, placement and worker count: the model
 * read at the largest size measured (where the fixed cost matters least,
 * as a user who measured one large size would use it), beside the
 * crossing read from every size measured.  The crossing needs no model,
 * so a row without a dispatch overhead keeps it. */
static int break_even(struct pb_sweep *sw, const struct pb_overhead *o, size_t o_count,
		      unsigned allowed, struct pb_analysis *a)
{
	struct pb_size_point *pts = malloc((sw->done + 1) * sizeof(*pts));
	/* Per cell, once: whether it is a line's point (largest_fitting looks
	 * at every cell), and whether its line has been read. */
	char *point = malloc(sw->done + 1), *read = calloc(sw->done + 1, 1);
	a->breakeven = calloc(sw->done + 1, sizeof(*a->breakeven));
	if (!a->breakeven || !pts || !point || !read) {
		free(pts);
		free(point);
		free(read);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sw->done; i++)
		point[i] = (char)largest_fitting(sw, &sw->results[i], allowed);
	for (size_t i = 0; i < sw->done; i++) {
		const struct pb_cell_result *r = &sw->results[i];
		if (!point[i] || read[i])
			continue;
		/* The line's sizes; weak scaling's sizes follow the workers. */
		const struct pb_cell_result *largest = r;
		size_t count = 0;
		for (size_t j = i; j < sw->done; j++) {
			const struct pb_cell_result *d = &sw->results[j];
			if (!point[j] || !pb_cells_same_but_size(&d->cell, &r->cell))
				continue;
			read[j] = 1;
			if (d->cell.n > largest->cell.n)
				largest = d;
			pts[count++] = (struct pb_size_point){
				d->cell.n, d->speedup, d->speedup_ci_low, d->speedup_ci_high};
		}
		const struct pb_cell *c = &largest->cell;
		const struct pb_cell_result *base = pb_sweep_baseline(sw, c);
		if (!base)
			continue;
		struct pb_breakeven *b = &a->breakeven[a->breakeven_count++];
		b->cell = c;
		b->speedup = largest->speedup;
		model_break_even(b, overhead_of(c->runner, o, o_count), base);
		b->sizes = count;
		qsort(pts, count, sizeof(*pts), by_size);
		if (c->scaling == PB_SCALING_WEAK)
			count = 1; /* no line of sizes at one worker count */
		pb_crossing_find(pts, count, &b->measured);
	}
	free(pts);
	free(point);
	free(read);
	return 0;
}

double pb_breakeven_model_ratio(const struct pb_breakeven *b)
{
	if (!b->modelled || b->measured.kind != PB_CROSSING_BETWEEN || !b->n_star ||
	    b->n_star == UINT64_MAX)
		return NAN;
	return (double)b->n_star / b->measured.cross;
}

enum pb_model_verdict pb_breakeven_verdict(const struct pb_breakeven *b)
{
	int never = !b->n_star || b->n_star == UINT64_MAX;
	const struct pb_crossing *m = &b->measured;

	if (!b->modelled)
		return PB_MODEL_UNKNOWN;
	switch (m->kind) {
	case PB_CROSSING_BETWEEN: {
		double ratio = pb_breakeven_model_ratio(b);
		if (!isfinite(ratio))
			return PB_MODEL_OFF; /* the model says never, yet it paid off */
		return ratio <= PB_MODEL_FACTOR && ratio >= 1 / PB_MODEL_FACTOR ? PB_MODEL_HOLDS
										 : PB_MODEL_OFF;
	}
	case PB_CROSSING_BELOW:
		return !never && b->n_star <= m->cross * PB_MODEL_FACTOR ? PB_MODEL_HOLDS
									 : PB_MODEL_OFF;
	case PB_CROSSING_NOT_FASTER:
		/* Holds if the model, too, puts break-even past the largest
		 * size measured. */
		return never || (double)b->n_star > (double)b->cell->n ? PB_MODEL_HOLDS
								       : PB_MODEL_OFF;
	default:
		return PB_MODEL_UNTESTED;
	}
}

const char *pb_model_verdict_name(enum pb_model_verdict v)
{
	return v == PB_MODEL_HOLDS ? "holds" : v == PB_MODEL_OFF ? "off"
		: v == PB_MODEL_UNKNOWN ? "unknown" : "untested";
}

void pb_weak_efficiency(struct pb_cell_result *results, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct pb_cell_result *r = &results[i];
		r->weak_efficiency = NAN;
		if (r->cell.scaling != PB_SCALING_WEAK || !r->stats.count)
			continue;
		for (size_t j = 0; j < count; j++) {
			const struct pb_cell_result *b = &results[j];
			if (b->cell.workers == 1 && b->stats.count &&
			    pb_cells_same_series(&b->cell, &r->cell)) {
				r->weak_efficiency = b->stats.median / r->stats.median;
				break;
			}
		}
	}
}

int pb_analyse(struct pb_sweep *sw, uint64_t seed, const struct pb_reference *ref,
	       size_t ref_count, const struct pb_overhead *o, size_t o_count,
	       unsigned allowed_cpus, struct pb_analysis *a)
{
	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < sw->done; i++) {
		struct pb_cell_result *r = &sw->results[i];
		const struct pb_cell_result *base = pb_sweep_baseline(sw, &r->cell);
		if (base && base->stats.count && r->stats.count &&
		    speedup_of(r, base, seed) == -ENOMEM)
			return -ENOMEM;
		r->gbps_reference = pb_reference_best(ref, ref_count, r->cell.runner,
						      r->cell.workers);
		if (isfinite(r->gbps) && isfinite(r->gbps_reference))
			r->gbps_ratio = r->gbps / r->gbps_reference;
	}
	pb_weak_efficiency(sw->results, sw->done);
	if (fit_series(sw, a) || break_even(sw, o, o_count, allowed_cpus, a)) {
		pb_analysis_free(a);
		return -ENOMEM;
	}
	return 0;
}

void pb_analysis_free(struct pb_analysis *a)
{
	free(a->fits);
	free(a->breakeven);
	memset(a, 0, sizeof(*a));
}

static void optional(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, ",%.6g", x);
	else
		fputc(',', f);
}

int pb_fits_csv(FILE *f, const char *run_id, const struct pb_analysis *a)
{
	fputs("run_id,kernel,n,runner,schedule,points,serial_fraction,serial_fraction_se,"
	      "amdahl_limit\n", f);
	for (size_t i = 0; i < a->fit_count; i++) {
		const struct pb_fit *x = &a->fits[i];
		fprintf(f, "%s,%s,%llu,%s,%s,%zu", run_id, x->cell->kernel->name,
			(unsigned long long)x->cell->n, x->cell->runner->name,
			pb_cell_schedule_name(x->cell), x->points);
		optional(f, x->serial_fraction);
		optional(f, x->serial_fraction_se);
		optional(f, x->serial_fraction > 0 ? 1 / x->serial_fraction : NAN);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int pb_breakeven_csv(FILE *f, const char *run_id, const struct pb_analysis *a)
{
	fputs("run_id,kernel,runner,schedule,workers,pin,overhead_us,speedup,n_measured,n_star,"
	      "sizes,measured,significant_from,n_cross,model_ratio,model\n", f);
	for (size_t i = 0; i < a->breakeven_count; i++) {
		const struct pb_breakeven *b = &a->breakeven[i];
		const struct pb_crossing *m = &b->measured;
		fprintf(f, "%s,%s,%s,%s,%u,%s,", run_id, b->cell->kernel->name,
			b->cell->runner->name, pb_cell_schedule_name(b->cell), b->cell->workers,
			pb_cell_pin_name(b->cell));
		if (b->modelled) /* empty: no overhead measured, so no model */
			fprintf(f, "%.4f", b->overhead_us);
		fprintf(f, ",%.6g,%llu,", b->speedup, (unsigned long long)b->cell->n);
		if (b->modelled && b->n_star && b->n_star != UINT64_MAX)
			fprintf(f, "%llu", (unsigned long long)b->n_star);
		/* (empty: never, beyond the largest size, or no model) */
		fprintf(f, ",%zu,%s,", b->sizes, pb_crossing_name(m->kind));
		if (m->significant_from)
			fprintf(f, "%llu", (unsigned long long)m->significant_from);
		optional(f, m->cross);
		optional(f, pb_breakeven_model_ratio(b));
		fprintf(f, ",%s\n", pb_model_verdict_name(pb_breakeven_verdict(b)));
	}
	return ferror(f) ? -EIO : 0;
}

int pb_analysis_write(const struct pb_sweep *sw, const struct pb_analysis *a)
{
	struct pb_outfile out;
	int err = pb_outfile_open(&out, sw->dir, "fits.csv");

	if (!err) {
		pb_fits_csv(out.f, sw->run_id, a);
		err = pb_outfile_commit(&out);
	}
	if (!err && a->breakeven_count && !(err = pb_outfile_open(&out, sw->dir, "breakeven.csv"))) {
		pb_breakeven_csv(out.f, sw->run_id, a);
		err = pb_outfile_commit(&out);
	}
	return err;
}
