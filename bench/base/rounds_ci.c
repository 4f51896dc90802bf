#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rounds_ci.h"
#include "stats.h"
#include "student_t.h"

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

/* The pooled median of every value of s; buf holds s->n. */
static double pooled_median(const struct pb_rounds *s, double *buf)
{
	memcpy(buf, s->x, s->n * sizeof(*buf));
	return pb_median_inplace(buf, s->n);
}

/* The log of each round's median: their mean and sample variance.  buf
 * holds the largest round. */
static void log_round_medians(const struct pb_rounds *s, double *buf, double *mean, double *var)
{
	double sum = 0, sq = 0;
	for (size_t g = 0; g < s->count; g++) {
		size_t from = s->start[g], size = s->start[g + 1] - from;
		memcpy(buf, s->x + from, size * sizeof(*buf));
		double l = log(pb_median_inplace(buf, size));
		sum += l;
		sq += l * l;
	}
	*mean = sum / (double)s->count;
	*var = fmax(0, (sq - sum * *mean) / (double)(s->count - 1));
}

double pb_rounds_spread(const struct pb_rounds *s)
{
	if (s->count < 2)
		return NAN;
	double *buf = malloc(largest_round(s) * sizeof(*buf)), mean, var;
	if (!buf)
		return NAN;
	log_round_medians(s, buf, &mean, &var);
	free(buf);
	return sqrt(var);
}

double pb_rounds_half_width(double spread, unsigned rounds, double level)
{
	if (rounds < 2 || !(spread >= 0))
		return NAN;
	/* The wider side of exp(mean +- t s / sqrt(R)), relative to its centre. */
	return expm1(pb_t_quantile((1 + level) / 2, rounds - 1) * spread / sqrt((double)rounds));
}

unsigned pb_rounds_needed(double spread, double half, double level, unsigned most)
{
	for (unsigned r = 2; r <= most && spread >= 0; r++)
		if (pb_rounds_half_width(spread, r, level) <= half)
			return r;
	return 0;
}

/* [exp(centre - half), exp(centre + half)], widened to hold `point`. */
static void log_interval(double centre, double half, double point, double *low, double *high)
{
	*low = fmin(exp(centre - half), point);
	*high = fmax(exp(centre + half), point);
}

int pb_rounds_median_ci(const struct pb_rounds *s, unsigned resamples, double level,
			uint64_t seed, double *low, double *high)
{
	if (!s->n || !resamples || !(level > 0 && level < 1))
		return -EINVAL;
	double *buf = malloc((s->count * largest_round(s) + s->n) * sizeof(*buf));
	double *medians = s->count < 2 ? malloc(resamples * sizeof(*medians)) : NULL;
	int err = buf && (s->count >= 2 || medians) ? 0 : -ENOMEM;
	if (!err && s->count >= 2) {
		double mean, var;
		log_round_medians(s, buf, &mean, &var);
		double half = pb_t_quantile((1 + level) / 2, (double)(s->count - 1)) *
			      sqrt(var / (double)s->count);
		log_interval(mean, half, pooled_median(s, buf), low, high);
	} else if (!err) {
		uint64_t state = seed;
		for (unsigned r = 0; r < resamples; r++)
			medians[r] = resampled_median(s, buf, &state);
		percentiles(medians, resamples, level, low, high);
	}
	free(buf);
	free(medians);
	return err;
}

/*
 * Over rounds on both sides, Welch's interval of the difference of the
 * mean log round medians: each side's variance comes from its own
 * rounds, and the degrees of freedom from Welch and Satterthwaite.
 */
static void welch_log_ratio(const struct pb_rounds *a, const struct pb_rounds *b, double *buf,
			    double level, struct pb_ratio_ci *ci)
{
	double ma, va, mb, vb;
	log_round_medians(a, buf, &ma, &va);
	log_round_medians(b, buf, &mb, &vb);
	double ea = va / (double)a->count, eb = vb / (double)b->count, se2 = ea + eb;
	double df = (double)(a->count + b->count - 2);
	if (se2 > 0)
		df = se2 * se2 / (ea * ea / (double)(a->count - 1) + eb * eb / (double)(b->count - 1));
	double half = pb_t_quantile((1 + level) / 2, df) * sqrt(se2);
	log_interval(mb - ma, half, ci->ratio, &ci->low, &ci->high);
}

int pb_rounds_ratio_ci(const struct pb_rounds *a, const struct pb_rounds *b,
		       unsigned resamples, double level, uint64_t seed, struct pb_ratio_ci *ci)
{
	if (!a->n || !b->n || !resamples || !(level > 0 && level < 1))
		return -EINVAL;
	size_t ca = a->count * largest_round(a) + a->n, cb = b->count * largest_round(b) + b->n;
	double *buf = malloc((ca > cb ? ca : cb) * sizeof(*buf));
	int rounds = a->count >= 2 && b->count >= 2;
	double *ratios = rounds ? NULL : malloc(resamples * sizeof(*ratios));
	int err = buf && (rounds || ratios) ? 0 : -ENOMEM;
	if (!err) {
		double ma = pooled_median(a, buf);
		ci->ratio = pooled_median(b, buf) / ma;
	}
	if (!err && rounds) {
		welch_log_ratio(a, b, buf, level, ci);
	} else if (!err) {
		/* A side of one round: the two-level bootstrap, which is the
		 * plain one there. */
		uint64_t state = seed;
		for (unsigned r = 0; r < resamples; r++) {
			double ra = resampled_median(a, buf, &state);
			ratios[r] = resampled_median(b, buf, &state) / ra;
		}
		percentiles(ratios, resamples, level, &ci->low, &ci->high);
	}
	free(buf);
	free(ratios);
	return err;
}
