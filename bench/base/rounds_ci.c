#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rounds_ci.h"
#include "stats.h"

struct by_round {
	double x;
	unsigned round;
};

static int by_round_cmp(const void *a, const void *b)
{
	unsigned x = ((const struct by_round *)a)->round, y = ((const struct by_round *)b)->round;
	return (x > y) - (x < y);
}

int pb_rounds_make(const double *x, const unsigned *round, size_t n, struct pb_rounds *s)
{
	memset(s, 0, sizeof(*s));
	if (!x || !round || n == 0)
		return -EINVAL;
	struct by_round *v = malloc(n * sizeof(*v));
	s->x = malloc(n * sizeof(*s->x));
	s->start = malloc((n + 1) * sizeof(*s->start));
	if (!v || !s->x || !s->start) {
		free(v);
		pb_rounds_free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct by_round){x[i], round[i]};
	qsort(v, n, sizeof(*v), by_round_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i].round != v[i - 1].round)
			s->start[s->count++] = i;
		s->x[i] = v[i].x;
	}
	s->start[s->count] = n;
	s->n = n;
	free(v);
	return 0;
}

void pb_rounds_free(struct pb_rounds *s)
{
	free(s->x);
	free(s->start);
	memset(s, 0, sizeof(*s));
}

static size_t below(uint64_t *state, size_t n)
{
	return (size_t)(((unsigned __int128)pb_random_next(state) * n) >> 64);
}

/* The median of one two-level resample; buf holds count x the largest
 * round. */
static double resampled_median(const struct pb_rounds *s, double *buf, uint64_t *state)
{
	size_t used = 0;
	for (size_t k = 0; k < s->count; k++) {
		size_t g = below(state, s->count), from = s->start[g], size = s->start[g + 1] - from;
		for (size_t i = 0; i < size; i++)
			buf[used++] = s->x[from + below(state, size)];
	}
	return pb_median_inplace(buf, used);
}

static size_t largest_round(const struct pb_rounds *s)
{
	size_t most = 0;
	for (size_t g = 0; g < s->count; g++)
		if (s->start[g + 1] - s->start[g] > most)
			most = s->start[g + 1] - s->start[g];
	return most;
}

/* The percentile interval of resamples values (sorts them). */
static void percentiles(double *v, unsigned resamples, double level, double *low, double *high)
{
	pb_sort_doubles(v, resamples);
	double tail = (1 - level) / 2 * (resamples - 1);
	*low = v[(size_t)floor(tail)];
	*high = v[(size_t)ceil((resamples - 1) - tail)];
}

int pb_rounds_median_ci(const struct pb_rounds *s, unsigned resamples, double level,
			uint64_t seed, double *low, double *high)
{
	if (!s->n || !resamples || !(level > 0 && level < 1))
		return -EINVAL;
	double *buf = malloc(s->count * largest_round(s) * sizeof(*buf));
	double *medians = malloc(resamples * sizeof(*medians));
	int err = buf && medians ? 0 : -ENOMEM;
	uint64_t state = seed;
	for (unsigned r = 0; !err && r < resamples; r++)
		medians[r] = resampled_median(s, buf, &state);
	if (!err)
		percentiles(medians, resamples, level, low, high);
	free(buf);
	free(medians);
	return err;
}

int pb_rounds_ratio_ci(const struct pb_rounds *a, const struct pb_rounds *b,
		       unsigned resamples, double level, uint64_t seed, struct pb_ratio_ci *ci)
{
	if (!a->n || !b->n || !resamples || !(level > 0 && level < 1))
		return -EINVAL;
	size_t ca = a->count * largest_round(a), cb = b->count * largest_round(b);
	double *buf = malloc((ca > cb ? ca : cb) * sizeof(*buf));
	double *ratios = malloc(resamples * sizeof(*ratios));
	int err = buf && ratios ? 0 : -ENOMEM;
	if (!err) {
		memcpy(buf, a->x, a->n * sizeof(*buf));
		double ma = pb_median_inplace(buf, a->n);
		memcpy(buf, b->x, b->n * sizeof(*buf));
		ci->ratio = pb_median_inplace(buf, b->n) / ma;
	}
	uint64_t state = seed;
	for (unsigned r = 0; !err && r < resamples; r++) {
		double ra = resampled_median(a, buf, &state);
		ratios[r] = resampled_median(b, buf, &state) / ra;
	}
	if (!err)
		percentiles(ratios, resamples, level, &ci->low, &ci->high);
	free(buf);
	free(ratios);
	return err;
}
