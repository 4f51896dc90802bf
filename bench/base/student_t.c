#include <math.h>

#include "student_t.h"

/*
 * The continued fraction of the regularised incomplete beta function
 * I_x(a, b), evaluated by the modified Lentz method; it converges fast
 * for x < (a + 1) / (a + b + 2), and the caller uses the symmetry
 * I_x(a, b) = 1 - I_(1-x)(b, a) for the rest.
 */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 500; m++) {
		/* Two terms per step: the even one, then the odd one. */
		double num[2] = {
			m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
			-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
		};
		double step = 1;
		for (int k = 0; k < 2; k++) {
			d = 1 + num[k] * d;
			c = 1 + num[k] / c;
			if (fabs(d) < tiny)
				d = tiny;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			step = d * c;
			h *= step;
		}
		if (fabs(step - 1) < 1e-15)
			break;
	}
	return h;
}

static double incomplete_beta(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double pb_t_cdf(double t, double df)
{
	if (!(df > 0) || isnan(t))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	/* P(|T| > |t|) = I_(df / (df + t^2))(df / 2, 1 / 2). */
	double tail = incomplete_beta(df / 2, 0.5, df / (df + t * t)) / 2;
	return t >= 0 ? 1 - tail : tail;
}

double pb_t_quantile(double p, double df)
{
	if (!(df > 0) || !(p > 0 && p < 1))
		return NAN;
	if (p < 0.5)
		return -pb_t_quantile(1 - p, df);
	/* The CDF rises monotonically: bracket the point, then bisect. */
	double lo = 0, hi = 1;
	while (pb_t_cdf(hi, df) < p && hi < 1e300)
		lo = hi, hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (pb_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}
