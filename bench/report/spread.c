#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rounds_ci.h"
#include "../base/stats.h"
#include "spread.h"

struct spread_columns {
	int kernel, spread, rounds, extra, status, median, lo, hi;
};

/* The spreads, rounds and CI half-widths of one kernel's verified cells;
 * returns how many. */
static size_t of_kernel(const struct pb_table *t, const struct spread_columns *c,
			const char *kernel, double *spread, double *rounds, double *half)
{
	size_t n = 0;
	for (size_t i = 0; i < t->row_count; i++) {
		double s = pb_field_num(t, i, c->spread), m = pb_field_num(t, i, c->median);
		double h = pb_relative_half_width(m, pb_field_num(t, i, c->lo),
						  pb_field_num(t, i, c->hi));
		if (strcmp(pb_field(t, i, c->kernel), kernel) != 0 || !isfinite(s) ||
		    !isfinite(h) || (c->status >= 0 && strcmp(pb_field(t, i, c->status), "ok") != 0))
			continue;
		double x = pb_field_num(t, i, c->extra);
		spread[n] = s;
		half[n] = h;
		rounds[n++] = pb_field_num(t, i, c->rounds) + (isfinite(x) ? x : 0);
	}
	return n;
}

/* Whether row i is the first of its kernel. */
static int first_of_kernel(const struct pb_table *t, int col, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(pb_field(t, j, col), pb_field(t, i, col)) == 0)
			return 0;
	return 1;
}

size_t pb_round_spreads(const struct pb_run *run, struct pb_kernel_spread **out,
			double *target)
{
	const struct pb_table *t = &run->summary;
	struct spread_columns c = {
		pb_table_column(t, "kernel"), pb_table_column(t, "round_spread"),
		pb_table_column(t, "rounds"), pb_table_column(t, "extra_rounds"),
		pb_table_column(t, "status"), pb_table_column(t, "median_s"),
		pb_table_column(t, "median_ci_low_s"), pb_table_column(t, "median_ci_high_s"),
	};
	const char *given = pb_run_provenance(run, "target_ci");
	size_t rows = t->row_count + 1, count = 0;
	double *spread = malloc(rows * sizeof(*spread)), *rounds = malloc(rows * sizeof(*rounds));
	double *half = malloc(rows * sizeof(*half));
	struct pb_kernel_spread *k = malloc(rows * sizeof(*k));

	*target = given ? strtod(given, NULL) : NAN;
	for (size_t i = 0; c.kernel >= 0 && c.spread >= 0 && c.rounds >= 0 && c.median >= 0 &&
			   spread && rounds && half && k && i < t->row_count; i++) {
		const char *kernel = pb_field(t, i, c.kernel);
		size_t n;
		if (!first_of_kernel(t, c.kernel, i) ||
		    !(n = of_kernel(t, &c, kernel, spread, rounds, half)))
			continue;
		/* Each at its median cell: the spread, the rounds, the CI. */
		struct pb_kernel_spread *s = &k[count++];
		s->kernel = kernel;
		s->spread = pb_median_inplace(spread, n);
		s->rounds = (unsigned)pb_median_inplace(rounds, n);
		s->half = pb_median_inplace(half, n);
		s->need = *target > 0 ? pb_rounds_needed(s->spread, *target, 0.95,
							 PB_SPREAD_MOST_ROUNDS) : 0;
	}
	free(spread);
	free(rounds);
	free(half);
	if (!count) {
		free(k);
		k = NULL;
	}
	*out = k;
	return count;
}

void pb_spread_advice(const struct pb_kernel_spread *k, double target, char *buf, size_t len)
{
	if (!(target > 0) || k->half <= target)
		snprintf(buf, len, "%s", "");
	else if (k->need)
		snprintf(buf, len, "about %u rounds a cell", k->need);
	else
		snprintf(buf, len, "more than %u rounds a cell", PB_SPREAD_MOST_ROUNDS);
}

void pb_report_round_spread(FILE *f, const struct pb_run *run)
{
	struct pb_kernel_spread *k;
	double target;
	size_t count = pb_round_spreads(run, &k, &target);
	char advice[64];

	if (count)
		fputs("\nHow much rounds differ (round_spread: the standard deviation of the logs "
		      "of a cell's round\nmedians), the median cell's 95% CI, and the rounds "
		      "the target would take at that spread:\n", f);
	for (size_t i = 0; i < count; i++) {
		fprintf(f, "  %-9s %5.1f%% over %u rounds, CI +-%.1f%%", k[i].kernel,
			100 * k[i].spread, k[i].rounds, 100 * k[i].half);
		pb_spread_advice(&k[i], target, advice, sizeof(advice));
		if (!(target > 0))
			fputc('\n', f);
		else if (!advice[0])
			fprintf(f, ", within --target-ci %g%%\n", 100 * target);
		else
			fprintf(f, "; --target-ci %g%% would take %s\n", 100 * target, advice);
	}
	free(k);
}
