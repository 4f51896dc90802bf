/* Exact integer helpers shared by kernels and their expected values. */
#ifndef PB_ARITH_H
#define PB_ARITH_H

#include <stdint.h>

/* n(n-1)/2 mod 2^64, exact for every n: halve the even factor first. */
static inline uint64_t pb_triangle(uint64_t n)
{
	if (n == 0)
		return 0;
	return (n % 2 == 0) ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
}

#endif
