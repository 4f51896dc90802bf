#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../runners/runner.h"
#include "../base/fail.h"
#include "../model/identity.h"
#include "gnuplot.h"
#include "plot_sizes.h"
#include "../store/rundir.h"
#include "../store/table.h"

#define MAX_SERIES 32
#define MAX_POINTS 64
#define MAX_MARKS 3

enum {
	KERNEL, N, RUNNER, SCHEDULE, WORKERS, OVERSUBSCRIBED, SCALING, MEDIAN, MEDIAN_LO,
	MEDIAN_HI, SPEEDUP, SPEEDUP_LO, SPEEDUP_HI, COLUMN_COUNT
};
static const char *const column_names[COLUMN_COUNT] = {
	"kernel", "n", "runner", "schedule", "workers", "oversubscribed", "scaling",
	"median_s", "median_ci_low_s", "median_ci_high_s", "speedup", "speedup_ci_low",
	"speedup_ci_high",
};

/* One size of a line: its best cell there. */
struct point {
	uint64_t n;
	double median, lo, hi, speedup, slo, shi;
	char best[64]; /* "w=2 dynamic", which cell it was */
};

struct series {
	char title[64];
	int baseline;
	struct point pt[MAX_POINTS];
	size_t count;
};

struct sizes {
	struct series series[MAX_SERIES];
	size_t count;
	uint64_t n_min, n_max;
	double per_min, per_max; /* seconds per item */
};

static int usable(char **row, const int *c, const char *kernel)
{
	return !strcmp(row[c[KERNEL]], kernel) && strcmp(row[c[SCALING]], "weak") != 0 &&
	       strcmp(row[c[OVERSUBSCRIBED]], "1") != 0 && row[c[MEDIAN]][0] &&
	       isfinite(strtod(row[c[MEDIAN]], NULL));
}

static double num(const char *s)
{
	return *s ? strtod(s, NULL) : NAN;
}

static double per_item(const struct pb_kernel *k, uint64_t n)
{
	uint64_t items = k && k->items ? pb_kernel_items(k, n) : 0;
	return items ? (double)items : 1;
}

/* Keeps, per series and size, the cell with the lowest median. */
static void add_row(struct sizes *z, char **row, const int *c, const char *title)
{
	size_t s = 0;
	while (s < z->count && strcmp(z->series[s].title, title))
		s++;
	if (s == z->count) {
		if (z->count == MAX_SERIES)
			return;
		memset(&z->series[s], 0, sizeof(z->series[s]));
		snprintf(z->series[s].title, sizeof(z->series[s].title), "%s", title);
		z->series[s].baseline = pb_runner_is_baseline(row[c[RUNNER]]);
		z->count++;
	}
	struct series *x = &z->series[s];
	uint64_t n = strtoull(row[c[N]], NULL, 10);
	double median = num(row[c[MEDIAN]]);
	size_t p = 0;
	while (p < x->count && x->pt[p].n != n)
		p++;
	if (p == x->count) {
		if (x->count == MAX_POINTS)
			return;
		x->count++;
	} else if (!(median < x->pt[p].median)) {
		return;
	}
	struct point *q = &x->pt[p];
	q->n = n;
	q->median = median;
	q->lo = num(row[c[MEDIAN_LO]]);
	q->hi = num(row[c[MEDIAN_HI]]);
	q->speedup = num(row[c[SPEEDUP]]);
	q->slo = num(row[c[SPEEDUP_LO]]);
	q->shi = num(row[c[SPEEDUP_HI]]);
	snprintf(q->best, sizeof(q->best), "w=%s %s", row[c[WORKERS]], row[c[SCHEDULE]]);
}

static int by_n(const void *a, const void *b)
{
	uint64_t x = ((const struct point *)a)->n, y = ((const struct point *)b)->n;
	return (x > y) - (x < y);
}

/* The lines of one kernel, the baseline last (the speedup chart leaves
 * it out and draws 1 instead). */
static void collect(const struct pb_table *t, const int *c, const char *kernel,
		    struct sizes *z)
{
	int pin = pb_table_column(t, "pin");
	int several_pins = pb_rows_vary(t->rows, t->row_count, pin);
	const struct pb_kernel *k = pb_kernel_lookup(kernel);

	memset(z, 0, sizeof(*z));
	z->n_min = UINT64_MAX;
	z->per_min = INFINITY;
	z->per_max = 0;
	for (size_t i = 0; i < t->row_count; i++) {
		char **row = t->rows[i], title[64];
		if (!usable(row, c, kernel))
			continue;
		if (several_pins)
			snprintf(title, sizeof(title), "%s:%s", row[c[RUNNER]], row[pin]);
		else
			snprintf(title, sizeof(title), "%s", row[c[RUNNER]]);
		add_row(z, row, c, title);
	}
	for (size_t s = 0; s < z->count; s++) {
		struct series *x = &z->series[s];
		qsort(x->pt, x->count, sizeof(x->pt[0]), by_n);
		for (size_t p = 0; p < x->count; p++) {
			double per = x->pt[p].median / per_item(k, x->pt[p].n);
			z->per_min = fmin(z->per_min, per);
			z->per_max = fmax(z->per_max, per);
			if (x->pt[p].n < z->n_min)
				z->n_min = x->pt[p].n;
			if (x->pt[p].n > z->n_max)
				z->n_max = x->pt[p].n;
		}
	}
	for (size_t s = 0; s + 1 < z->count; s++) /* baseline last, others in order */
		if (z->series[s].baseline) {
			struct series tmp = z->series[s];
			memmove(&z->series[s], &z->series[s + 1],
				(z->count - s - 1) * sizeof(z->series[0]));
			z->series[z->count - 1] = tmp;
			break;
		}
}

static size_t distinct_sizes(const struct sizes *z)
{
	size_t most = 0;
	for (size_t s = 0; s < z->count; s++)
		most = z->series[s].count > most ? z->series[s].count : most;
	return most;
}

static void value(FILE *f, double x, double fallback)
{
	fprintf(f, " %.6g", isfinite(x) ? x : fallback);
}

/*
 * Blocks of "n ns_per_item lo hi speedup lo hi" per series, each block's
 * first line naming it; a missing CI is the value itself (the bar
 * collapses onto the point), a missing speedup NaN.
 */
static int write_data(const char *path, const struct sizes *z, const struct pb_kernel *k)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	for (size_t s = 0; s < z->count; s++) {
		const struct series *x = &z->series[s];
		fprintf(f, "%s# %s: at each n its best worker count and schedule\nn \"%s\"\n",
			s ? "\n\n" : "", x->title, x->title);
		for (size_t p = 0; p < x->count; p++) {
			const struct point *q = &x->pt[p];
			double scale = 1e9 / per_item(k, q->n);
			fprintf(f, "%llu", (unsigned long long)q->n);
			value(f, q->median * scale, NAN);
			value(f, q->lo * scale, q->median * scale);
			value(f, q->hi * scale, q->median * scale);
			value(f, q->speedup, NAN);
			value(f, q->slo, q->speedup);
			value(f, q->shi, q->speedup);
			fprintf(f, " # %s\n", q->best);
		}
	}
	return fclose(f) ? -EIO : 0;
}

/* The smallest n whose memory fills `bytes`, 0 when none does. */
static uint64_t n_filling(const struct pb_kernel *k, double bytes)
{
	uint64_t lo = 1, hi = k->max_n;
	if ((double)pb_kernel_bytes(k, hi) < bytes)
		return 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if ((double)pb_kernel_bytes(k, mid) >= bytes)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Marks where the kernel's memory fills each cache of one core, for the
 * memory-bound kernels, inside the sizes measured. */
static void cache_marks(const struct pb_run *run, const struct pb_kernel *k,
			const struct sizes *z, char *vars, size_t len)
{
	static const char *const keys[MAX_MARKS] = {"l1d_bytes", "l2_bytes", "l3_bytes"};
	static const char *const names[MAX_MARKS] = {"L1d", "L2", "L3"};
	size_t used = strlen(vars), marks = 0;

	for (int i = 0; k && k->bytes && !pb_kernel_compute_bound(k) && i < MAX_MARKS; i++) {
		const char *v = pb_run_provenance(run, keys[i]);
		double bytes = v ? strtod(v, NULL) : 0;
		uint64_t n = bytes > 0 ? n_filling(k, bytes) : 0;
		if (!n || n < z->n_min || n > z->n_max)
			continue;
		marks++;
		double kib = bytes / 1024;
		used += (size_t)snprintf(vars + used, used < len ? len - used : 0,
					 "; markx%zu=%llu; markname%zu=\"%s %.0f %s\"", marks,
					 (unsigned long long)n, marks, names[i],
					 kib >= 1024 ? kib / 1024 : kib, kib >= 1024 ? "MiB" : "KiB");
	}
	snprintf(vars + used, used < len ? len - used : 0, "; nmarks=%zu", marks);
}

static int chart(const struct pb_run *run, const int *c, const char *kernel, size_t row,
		 const char *dir, const char *script, const char *machine,
		 struct pb_drawn *drawn, char *err, size_t errlen)
{
	static struct sizes z;
	const struct pb_kernel *k = pb_kernel_lookup(kernel);
	char data[PB_PATH_MAX], name[PB_PATH_MAX], vars[4096], title[768], base[300];

	collect(&run->summary, c, kernel, &z);
	if (distinct_sizes(&z) < 2)
		return 0;
	snprintf(name, sizeof(name), "data/sizes-%s.dat", kernel);
	snprintf(data, sizeof(data), "%s/%s", dir, name);
	int e = write_data(data, &z, k);
	if (e)
		return pb_fail(err, errlen, -EIO, "cannot write %s: %s", data, strerror(-e));
	size_t parallel = z.count && z.series[z.count - 1].baseline ? z.count - 1 : z.count;
	static const char *const types[2] = {"sizes", "size-speedup"};
	int logx = z.n_max >= 10 * z.n_min;
	/* 4% of the axis on either side, in the axis's own measure. */
	double pad = logx ? pow((double)z.n_max / z.n_min, 0.04)
			  : 0.04 * (double)(z.n_max - z.n_min);
	for (int t = 0; t < 2; t++) {
		if (t == 1 && parallel == 0)
			break;
		snprintf(base, sizeof(base), "%s-%s", types[t], kernel);
		snprintf(title, sizeof(title), "%s: %s against problem size n\\n"
			 "each runner at its best worker count and schedule at each n\\n%s",
			 kernel, t ? "speedup over seq" : k ? "median time per item" :
			 "median time per repetition", machine);
		snprintf(vars, sizeof(vars),
			 "datafile='%s'; outbase='%s'; chart='%s'; nseries=%zu; nall=%zu; "
			 "logx=%d; logy=%d; xlo=%.6g; xhi=%.6g; peritem=%d; plottitle=\"%s\"",
			 name, base, t ? "speedup" : "cost", parallel, z.count, logx,
			 z.per_max >= 10 * z.per_min, logx ? z.n_min / pad : z.n_min - pad,
			 logx ? z.n_max * pad : z.n_max + pad, k != NULL, title);
		cache_marks(run, k, &z, vars, sizeof(vars));
		if ((e = pb_gnuplot_run(script, dir, vars, err, errlen)) ||
		    (e = pb_drawn_add(drawn, dir, base, types[t], row, err, errlen)))
			return e;
	}
	return 0;
}

int pb_plot_sizes(const struct pb_run *run, const char *dir, const char *machine,
		  struct pb_drawn *drawn, char *err, size_t errlen)
{
	const struct pb_table *t = &run->summary;
	char script[PB_PATH_MAX];
	int c[COLUMN_COUNT], rc = 0, found = 0;

	for (int i = 0; i < COLUMN_COUNT; i++)
		if ((c[i] = pb_table_column(t, column_names[i])) < 0)
			return 0; /* a run from before these columns: no chart */
	for (size_t i = 0; rc == 0 && i < t->row_count; i++) {
		char **row = t->rows[i];
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(t->rows[j][c[KERNEL]], row[c[KERNEL]]);
		if (seen)
			continue;
		if (!found) {
			if (pb_gnuplot_script("sizes.gp", script, sizeof(script)))
				return pb_fail(err, errlen, -EIO,
					       "cannot find sizes.gp (set PARBENCH_DATADIR)");
			found = 1;
		}
		rc = chart(run, c, row[c[KERNEL]], i, dir, script, machine, drawn, err, errlen);
	}
	return rc;
}
