/*
 * squares: a throwaway compute-bound kernel for the test build.  Item i
 * contributes i^2 (mod 2^64); the answer n(n-1)(2n-1)/6 is computed in
 * 128 bits, an independent method.  It moves no memory (bytes_per_item
 * 0), which is all that makes it compute-bound to the harness.
 */
#include "../../kernels/kernel.h"

static uint64_t squares_items(uint64_t n) { return n; }

static uint64_t squares_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t s = 0;
	(void)mem;
	(void)n;
	for (uint64_t i = begin; i < end; i++)
		s += i * i;
	return s;
}

static uint64_t squares_expect(uint64_t n)
{
	if (n == 0)
		return 0;
	unsigned __int128 m = n;
	return (uint64_t)(m * (m - 1) * (2 * m - 1) / 6);
}

const struct pb_kernel pb_kernel_throwaway_squares = {
	.name = "throwaway-squares",
	.shape = "compute-bound (test build only): item i adds i^2",
	.n_means = "items",
	.default_n = 1 << 20,
	.quick_n = 1 << 16,
	.max_n = UINT64_C(1) << 40,
	.items = squares_items,
	.run = squares_run,
	.expect = squares_expect,
};
