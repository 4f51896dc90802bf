#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "run_level.h"
#include "student_t.h"

int pb_run_level_estimate(const double *logm, const double *se, size_t cells, size_t runs,
			  struct pb_run_level *out)
{
	if (cells < 2 || runs < 2)
		return -EINVAL;
	double *shift = calloc(runs, sizeof(*shift)), total = 0, residual = 0, within = 0;
	if (!shift)
		return -ENOMEM;
	/* Each run's shift: its cells' mean deviation from their own means. */
	for (size_t c = 0; c < cells; c++) {
		double mean = 0;
		for (size_t a = 0; a < runs; a++)
			mean += logm[c * runs + a] / (double)runs;
		for (size_t a = 0; a < runs; a++) {
			double d = logm[c * runs + a] - mean;
			shift[a] += d / (double)cells;
			total += d * d;
			double s = se[c * runs + a];
			within += isfinite(s) ? s * s : 0;
		}
	}
	for (size_t c = 0; c < cells; c++) {
		double mean = 0;
		for (size_t a = 0; a < runs; a++)
			mean += logm[c * runs + a] / (double)runs;
		for (size_t a = 0; a < runs; a++) {
			double e = logm[c * runs + a] - mean - shift[a];
			residual += e * e;
		}
	}
	free(shift);
	double df = (double)(runs - 1);
	within /= (double)(cells * runs);
	total /= (double)cells * df;
	residual /= (double)(cells - 1) * df;
	out->cells = cells;
	out->runs = runs;
	out->run_sd = sqrt(fmax(0, total - within));
	out->pair_sd = sqrt(fmax(0, residual - within));
	return 0;
}

double pb_run_level_se(double lo, double hi, unsigned rounds)
{
	if (!(lo > 0) || !(hi >= lo) || !isfinite(hi))
		return NAN;
	double q = rounds >= 2 ? pb_t_quantile(0.975, rounds - 1) : PB_Z95;
	return log(hi / lo) / (2 * q);
}

void pb_run_level_widen(double point, double sd, double *lo, double *hi)
{
	if (!(sd > 0) || !(point > 0) || !(*lo > 0) || !(*hi >= point) || !isfinite(*hi) ||
	    *lo > point)
		return;
	double add = PB_Z95 * sd, down = log(point / *lo), up = log(*hi / point);
	*lo = point * exp(-sqrt(down * down + add * add));
	*hi = point * exp(sqrt(up * up + add * add));
}

static double pooled(double a, double wa, double b, double wb)
{
	return sqrt((a * a * wa + b * b * wb) / (wa + wb));
}

void pb_run_level_pool(struct pb_run_level *into, const struct pb_run_level *more)
{
	if (!more->cells || more->runs < 2)
		return;
	if (!into->cells || into->runs < 2) {
		*into = *more;
		return;
	}
	double wa = (double)into->runs - 1, wb = (double)more->runs - 1;
	into->run_sd = pooled(into->run_sd, wa, more->run_sd, wb);
	into->pair_sd = pooled(into->pair_sd, wa, more->pair_sd, wb);
	into->runs += more->runs;
	if (more->cells > into->cells)
		into->cells = more->cells;
}

double pb_run_level_pair(double a, double b)
{
	if (!(a > 0))
		a = b;
	if (!(b > 0))
		b = a;
	return a > 0 ? sqrt(a * a + b * b) : 0;
}

double pb_run_level_floor(double sd)
{
	return sd > 0 ? expm1(PB_Z95 * sd) : 0;
}
