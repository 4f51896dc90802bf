#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double pb_median_inplace(double *x, size_t count)
{
	if (count == 0)
		return NAN;
	qsort(x, count, sizeof(*x), cmp_double);
	return count % 2 ? x[count / 2] : (x[count / 2 - 1] + x[count / 2]) / 2;
}

int pb_stats_compute(const double *x, size_t count, struct pb_stats *s)
{
	s->count = count;
	if (count == 0) {
		s->median = s->min = s->max = s->mean = s->stddev = NAN;
		return 0;
	}
	double *sorted = malloc(count * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, x, count * sizeof(*sorted));
	s->median = pb_median_inplace(sorted, count);
	s->min = sorted[0];
	s->max = sorted[count - 1];
	free(sorted);

	double sum = 0;
	for (size_t i = 0; i < count; i++)
		sum += x[i];
	s->mean = sum / (double)count;
	/* Two passes: exact enough, and no catastrophic cancellation. */
	double ss = 0;
	for (size_t i = 0; i < count; i++)
		ss += (x[i] - s->mean) * (x[i] - s->mean);
	s->stddev = count > 1 ? sqrt(ss / (double)(count - 1)) : 0;
	return 0;
}
