#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ratio_ci.h"
#include "stats.h"

/* An index below n (n is small: the bias of a multiply-shift is nil). */
static size_t below(uint64_t *state, size_t n)
{
	return (size_t)(((unsigned __int128)pb_random_next(state) * n) >> 64);
}

static double resampled_median(const double *x, size_t n, double *buf, uint64_t *state)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[below(state, n)];
	return pb_median_inplace(buf, n);
}

int pb_ratio_ci_bootstrap(const double *a, size_t na, const double *b, size_t nb,
			  unsigned resamples, double level, uint64_t seed,
			  struct pb_ratio_ci *ci)
{
	if (!a || !b || na == 0 || nb == 0 || resamples == 0 || !(level > 0 && level < 1))
		return -EINVAL;
	double *buf = malloc((na > nb ? na : nb) * sizeof(*buf));
	double *ratios = malloc(resamples * sizeof(*ratios));
	if (!buf || !ratios) {
		free(buf);
		free(ratios);
		return -ENOMEM;
	}
	memcpy(buf, a, na * sizeof(*buf));
	double ma = pb_median_inplace(buf, na);
	memcpy(buf, b, nb * sizeof(*buf));
	ci->ratio = pb_median_inplace(buf, nb) / ma;

	uint64_t state = seed;
	for (unsigned r = 0; r < resamples; r++) {
		double ra = resampled_median(a, na, buf, &state);
		double rb = resampled_median(b, nb, buf, &state);
		ratios[r] = rb / ra;
	}
	pb_sort_doubles(ratios, resamples);
	double tail = (1 - level) / 2 * (resamples - 1);
	ci->low = ratios[(size_t)floor(tail)];
	ci->high = ratios[(size_t)ceil((resamples - 1) - tail)];
	free(buf);
	free(ratios);
	return 0;
}
