#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/stats.h"
#include "../model/identity.h"
#include "../store/table.h"
#include "speed.h"

/* Whether row i starts a cell-round: its cell's key or its round differs
 * from the row before (a round's repetitions are written together). */
static int starts_cell_round(const struct pb_table *t, size_t i, const int *key, int round)
{
	if (i == 0)
		return 1;
	for (int k = 0; k < PB_KEY_COUNT; k++)
		if (key[k] >= 0 && strcmp(pb_field(t, i, key[k]), pb_field(t, i - 1, key[k])) != 0)
			return 1;
	return round >= 0 && strcmp(pb_field(t, i, round), pb_field(t, i - 1, round)) != 0;
}

/* One probe per cell-round (its repetitions share it): the median over
 * cell-rounds, so that a cell with many repetitions weighs no more than
 * one with few. */
double pb_run_probe_ns(const struct pb_run *run)
{
	const struct pb_table *t = &run->raw;
	int key[PB_KEY_COUNT];
	int col = pb_table_present(t) ? pb_table_column(t, "probe_ns") : -1;
	if (col < 0 || pb_table_key_columns_known(t, key))
		return NAN;
	int round = pb_table_column(t, "round");
	double *x = malloc((t->row_count + 1) * sizeof(*x)), median = NAN;
	size_t n = 0;
	for (size_t i = 0; x && i < t->row_count; i++) {
		double p = pb_field_num(t, i, col);
		if (p > 0 && starts_cell_round(t, i, key, round))
			x[n++] = p;
	}
	if (n)
		median = pb_median_inplace(x, n);
	free(x);
	return median;
}
