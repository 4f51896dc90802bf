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

int pb_parse_count(const char *text, uint64_t max, uint64_t *value)
{
	const char *caret = strchr(text, '^');
	uint64_t v;
	int err;

	if (caret) {
		uint64_t base, exp;
		if ((err = parse_digits(text, (size_t)(caret - text), &base)) ||
		    (err = parse_digits(caret + 1, strlen(caret + 1), &exp)))
			return err;
		v = 1;
		for (uint64_t i = 0; i < exp; i++) {
			if (base != 0 && v > UINT64_MAX / base)
				return -ERANGE;
			v *= base;
			if (v == 0)
				break;
		}
	} else if ((err = parse_digits(text, strlen(text), &v))) {
		return err;
	}
	if (v == 0)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*value = v;
	return 0;
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
