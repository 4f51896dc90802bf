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

#define MERSENNE61 ((UINT64_C(1) << 61) - 1)

/* a * b mod 2^61-1 for a, b < 2^61-1, by folding the high bits. */
static inline uint64_t mulmod61(uint64_t a, uint64_t b)
{
	unsigned __int128 x = (unsigned __int128)a * b;
	uint64_t r = ((uint64_t)x & MERSENNE61) + (uint64_t)(x >> 61);
	return r >= MERSENNE61 ? r - MERSENNE61 : r;
}

#endif
