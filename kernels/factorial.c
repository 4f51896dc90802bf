/*
 * factorial: item i computes i! mod p (p = 2^61 - 1, a Mersenne prime) from
 * scratch, so item i costs O(i) multiplications: a triangular, compute-bound
 * load on which static blocks are imbalanced and dynamic chunks are not.
 * (A plain wrapping product would be useless: 2^64 divides 66!.)
 *
 * run() returns the sum of i! mod p over its items.  The expected value uses
 * a different algorithm (one running product) and a different reduction
 * (the compiler's 128-bit remainder instead of the Mersenne fold).
 */
#include "arith.h"
#include "kernel.h"

static uint64_t factorial_items(uint64_t n) { return n; }

static size_t factorial_bytes(uint64_t n) { (void)n; return 0; }

static void factorial_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n, (void)begin, (void)end;
}

static uint64_t factorial_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t s = 0;
	(void)mem, (void)n;
	for (uint64_t i = begin; i < end; i++) {
		uint64_t f = 1;
		for (uint64_t j = 2; j <= i; j++)
			f = mulmod61(f, j);
		s += f;
	}
	return s;
}

static uint64_t factorial_expect(uint64_t n)
{
	uint64_t s = 0, f = 1; /* f = i! mod p */
	for (uint64_t i = 0; i < n; i++) {
		if (i >= 2)
			f = (uint64_t)(((unsigned __int128)f * i) % MERSENNE61);
		s += f;
	}
	return s;
}

/* Item i costs i - 1 multiplications, plus the loop around it. */
static double factorial_work(uint64_t n) { return (double)n * (double)n / 2 + (double)n; }

const struct pb_kernel pb_kernel_factorial = {
	.name = "factorial",
	.shape = "compute-bound, uneven items: item i costs O(i) (triangular)",
	.n_means = "items (i! mod 2^61-1 for i < n)",
	.default_n = 5600,
	.quick_n = 3000,
	.max_n = 1000000,
	.items = factorial_items,
	.bytes = factorial_bytes,
	.init = factorial_init,
	.run = factorial_run,
	.expect = factorial_expect,
	.work = factorial_work,
};
