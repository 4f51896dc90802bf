#include <math.h>
#include <stdlib.h>

#include "../base/stats.h"
#include "speed.h"

double pb_run_probe_ns(const struct pb_run *run)
{
	const struct pb_table *t = &run->raw;
	int col = pb_table_present(t) ? pb_table_column(t, "probe_ns") : -1;
	double *x = col >= 0 ? malloc((t->row_count + 1) * sizeof(*x)) : NULL, median = NAN;
	size_t n = 0;
	for (size_t i = 0; x && i < t->row_count; i++) {
		double p = pb_field_num(t, i, col);
		if (p > 0)
			x[n++] = p;
	}
	if (n)
		median = pb_median_inplace(x, n);
	free(x);
	return median;
}
