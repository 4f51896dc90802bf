#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Digits only, at least one; no sign, no blanks (unlike strtoull). */
static int parse_digits(const char *s, size_t len, uint64_t *value)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*value = v;
	return 0;
}

/* No base below 2 grows, so 0^E and 1^E are settled without the loop
 * (1^99999999999999 would spin 1e14 times), and an exponent that no base
 * of 2 or more survives is, for them, a typo to refuse rather than a
 * value.  From base 2 up the loop ends within 64 rounds: 2^64 overflows. */
#define MAX_EXPONENT 64

static int parse_power(const char *text, const char *caret, uint64_t *value, const char **why)
{
	uint64_t base, exp, v = 1;
	int err;

	if ((err = parse_digits(text, (size_t)(caret - text), &base)) ||
	    (err = parse_digits(caret + 1, strlen(caret + 1), &exp)))
		return err;
	if (base < 2) {
		if (exp > MAX_EXPONENT) {
			*why = "has an exponent above 64 (B^E takes E from 0 to 64)";
			return -EINVAL;
		}
		if (base == 0 && exp == 0) {
			*why = "is 0^0, which has no value";
			return -EINVAL;
		}
		*value = base;
		return 0;
	}
	for (uint64_t i = 0; i < exp; i++) {
		if (v > UINT64_MAX / base)
			return -ERANGE;
		v *= base;
	}
	*value = v;
	return 0;
}

/* pb_parse_count, with *why set where a power is refused for a reason of
 * its own (left alone otherwise). */
static int parse_count(const char *text, uint64_t max, uint64_t *value, const char **why)
{
	const char *caret = strchr(text, '^');
	uint64_t v;
	int err;

	if ((err = caret ? parse_power(text, caret, &v, why)
			 : parse_digits(text, strlen(text), &v)))
		return err;
	if (v == 0)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

int pb_parse_count(const char *text, uint64_t max, uint64_t *value)
{
	const char *why;
	return parse_count(text, max, value, &why);
}

int pb_parse_decimal(const char *text, double min, double max, double *value)
{
	char *end;

	if (!*text || !((*text >= '0' && *text <= '9') || *text == '.'))
		return -EINVAL;
	errno = 0;
	double v = strtod(text, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return errno == ERANGE ? -ERANGE : -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

static int add_unique(unsigned *values, size_t cap, size_t *count, uint64_t v)
{
	for (size_t i = 0; i < *count; i++)
		if (values[i] == v)
			return 0;
	if (*count == cap)
		return -E2BIG;
	values[(*count)++] = (unsigned)v;
	return 0;
}

int pb_parse_count_list(const char *text, uint64_t max, unsigned *values,
			size_t cap)
{
	size_t count = 0;
	char item[64];
	int err;

	if (max > UINT32_MAX)
		max = UINT32_MAX;
	for (const char *p = text;;) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(item))
			return len ? -ERANGE : -EINVAL;
		memcpy(item, p, len);
		item[len] = '\0';

		char *dash = strchr(item, '-');
		uint64_t lo, hi;
		if (dash && dash != item) {
			*dash = '\0';
			if ((err = pb_parse_count(item, max, &lo)) ||
			    (err = pb_parse_count(dash + 1, max, &hi)))
				return err;
			if (hi < lo)
				return -EINVAL;
		} else if ((err = pb_parse_count(item, max, &lo))) {
			return err;
		} else {
			hi = lo;
		}
		for (uint64_t v = lo; v <= hi; v++)
			if ((err = add_unique(values, cap, &count, v)))
				return err;
		if (p[len] == '\0')
			return (int)count;
		p += len + 1;
	}
}

/* Keeps values ascending and unique: a range's rounding may repeat one. */
static int add_size(uint64_t *values, size_t cap, size_t *count, uint64_t v)
{
	if (*count && values[*count - 1] >= v)
		return 0;
	if (*count == cap)
		return -E2BIG;
	values[(*count)++] = v;
	return 0;
}

static int range_fail(const char **why, const char *text, int err)
{
	*why = text;
	return err;
}

int pb_parse_sizes(const char *text, uint64_t max, uint64_t *values, size_t cap,
		   const char **why)
{
	static const char not_count[] = "is not a positive integer (e.g. 1000 or 2^20)";
	char lo_text[64], hi_text[64];
	const char *dots = strstr(text, "..");
	uint64_t lo, hi;
	size_t count = 0;
	int err;

	*why = "";
	if (!dots) {
		const char *power = NULL;
		if ((err = parse_count(text, max, &lo, &power)))
			return range_fail(why, power ? power
					       : err == -ERANGE ? "is too large" : not_count, err);
		if (!cap)
			return range_fail(why, "has too many values", -E2BIG);
		values[0] = lo;
		return 1;
	}
	const char *colon = strchr(dots + 2, ':');
	size_t lo_len = (size_t)(dots - text);
	size_t hi_len = colon ? (size_t)(colon - dots - 2) : strlen(dots + 2);
	if (lo_len >= sizeof(lo_text) || hi_len >= sizeof(hi_text))
		return range_fail(why, not_count, -EINVAL);
	memcpy(lo_text, text, lo_len);
	lo_text[lo_len] = '\0';
	memcpy(hi_text, dots + 2, hi_len);
	hi_text[hi_len] = '\0';
	const char *power = NULL;
	if ((err = parse_count(lo_text, max, &lo, &power)) ||
	    (err = parse_count(hi_text, max, &hi, &power)))
		return range_fail(why, power ? power
				       : err == -ERANGE ? "is too large at its high end"
				       : "has an end that is not a positive integer", err);
	if (hi < lo)
		return range_fail(why, "has no values (its low end is above its high end)", -EINVAL);

	const char *step = colon ? colon + 1 : "x2"; /* geometric unless told */
	if (step[0] == 'x') {
		double factor;
		if (pb_parse_decimal(step + 1, 0, 1e6, &factor) || !(factor > 1))
			return range_fail(why, "has a step that does not grow (xF needs F > 1)",
					  -EINVAL);
		/* Each value from lo by the exact power, so that rounding does
		 * not drift; a factor too small to move the integer part
		 * repeats a value, which collapses. */
		for (unsigned k = 0;; k++) {
			double v = (double)lo * pow(factor, k);
			if (v > (double)hi * (1 + 1e-9))
				break;
			uint64_t n = v >= (double)hi ? hi : (uint64_t)llround(v);
			if ((err = add_size(values, cap, &count, n)))
				return range_fail(why, "has too many values", err);
		}
	} else if (step[0] == '+') {
		uint64_t d;
		if (pb_parse_count(step + 1, UINT64_MAX, &d))
			return range_fail(why, "has a step that does not grow (+D needs D >= 1)",
					  -EINVAL);
		for (uint64_t n = lo; n <= hi; n = n > UINT64_MAX - d ? UINT64_MAX : n + d) {
			if ((err = add_size(values, cap, &count, n)))
				return range_fail(why, "has too many values", err);
			if (n == UINT64_MAX)
				break;
		}
	} else {
		uint64_t points;
		if ((err = pb_parse_count(step, UINT64_MAX, &points)))
			return range_fail(why, "has a step that is not xF, +D or a number of points",
					  -EINVAL);
		if (points < 2)
			return range_fail(why, "needs at least 2 points", -EINVAL);
		if (points > cap)
			return range_fail(why, "has too many values", -E2BIG);
		/* Geometrically spaced from lo to hi, both ends included. */
		for (uint64_t i = 0; i < points; i++) {
			double v = (double)lo * pow((double)hi / (double)lo,
						    (double)i / (double)(points - 1));
			uint64_t n = i + 1 == points ? hi : (uint64_t)llround(v);
			if ((err = add_size(values, cap, &count, n < lo ? lo : n > hi ? hi : n)))
				return range_fail(why, "has too many values", err);
		}
	}
	if (lo < hi && count < 2)
		return range_fail(why, "gives one value only: name a smaller step", -EINVAL);
	return (int)count;
}
