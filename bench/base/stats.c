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

void pb_sort_doubles(double *x, size_t count)
{
	qsort(x, count, sizeof(*x), cmp_double);
}

double pb_median_inplace(double *x, size_t count)
{
	if (count == 0)
		return NAN;
	pb_sort_doubles(x, count);
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

/* P(B(n, 1/2) <= k), summed in doubles: exact enough for n up to ~1000. */
static double binomial_half_cdf(size_t n, size_t k)
{
	double term = ldexp(1.0, -(int)n), sum = 0;
	for (size_t i = 0; i <= k && i <= n; i++) {
		sum += term;
		term = term * (double)(n - i) / (double)(i + 1);
	}
	return sum;
}

double pb_relative_half_width(double point, double lo, double hi)
{
	return fmax(point - lo, hi - point) / point;
}

void pb_median_ci(const double *sorted, size_t count, double *lo, double *hi)
{
	if (count == 0) {
		*lo = *hi = NAN;
		return;
	}
	if (count > 1000) {
		/* Normal approximation of the binomial ranks. */
		double half = 1.96 * sqrt((double)count) / 2;
		size_t j = (size_t)floor((double)count / 2 - half);
		*lo = sorted[j];
		*hi = sorted[count - 1 - j];
		return;
	}
	/* [x(l), x(n-1-l)] (0-based) covers the median with probability
	 * 1 - 2 P(B <= l): take the largest l keeping P(B <= l) <= 2.5%.
	 * l = 0 (the whole range) is the fallback below 6 values. */
	size_t j = 0;
	while (j + 1 < count / 2 && binomial_half_cdf(count, j + 1) <= 0.025)
		j++;
	*lo = sorted[j];
	*hi = sorted[count - 1 - j];
}

static double quantile(const double *sorted, size_t count, double q)
{
	double pos = q * (double)(count - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;
	return i + 1 < count ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

size_t pb_outliers_tukey(const double *sorted, size_t count)
{
	if (count < 4)
		return 0;
	double q1 = quantile(sorted, count, 0.25), q3 = quantile(sorted, count, 0.75);
	double lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
	size_t outliers = 0;
	for (size_t i = 0; i < count; i++)
		outliers += sorted[i] < lo || sorted[i] > hi;
	return outliers;
}

uint64_t pb_random_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

size_t pb_amdahl_fit(const unsigned *p, const double *s, size_t count, double *f,
		     double *se)
{
	double sxx = 0, sxy = 0;
	size_t used = 0;

	*f = *se = NAN;
	for (size_t i = 0; i < count; i++) {
		if (p[i] < 2 || !(s[i] > 0))
			continue; /* p = 1 says nothing about f */
		double x = 1 - 1.0 / p[i], y = 1 / s[i] - 1.0 / p[i];
		sxx += x * x;
		sxy += x * y;
		used++;
	}
	if (used == 0)
		return 0;
	*f = sxy / sxx;
	if (used < 2)
		return used;
	double rss = 0;
	for (size_t i = 0; i < count; i++) {
		if (p[i] < 2 || !(s[i] > 0))
			continue;
		double x = 1 - 1.0 / p[i], y = 1 / s[i] - 1.0 / p[i];
		rss += (y - *f * x) * (y - *f * x);
	}
	*se = sqrt(rss / (double)(used - 1) / sxx);
	return used;
}

double pb_karp_flatt(double speedup, unsigned p)
{
	if (p < 2 || !(speedup > 0))
		return NAN;
	return (1 / speedup - 1.0 / p) / (1 - 1.0 / p);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void pb_sort_u64(uint64_t *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), cmp_u64);
}

uint64_t pb_nearest_rank(const uint64_t *sorted, size_t n, double q)
{
	if (!n)
		return 0;
	size_t rank = (size_t)ceil(q * (double)n - 1e-9);
	return sorted[rank ? (rank > n ? n : rank) - 1 : 0];
}
