/*
 * collatz: an exact integer, compute-bound kernel with uneven item cost.
 * Item i counts the steps the Collatz map (n/2 when even, 3n+1 when odd)
 * takes from i + 1 down to 1; the result is the sum of the counts.  Items
 * near each other cost very differently, so static blocks balance worse
 * than dynamic chunks.
 *
 * There is no closed form, so expect is left out: parbench checks every
 * runner against the sequential runner's result at the same n.
 *
 *   cc -O3 -march=native -fPIC -shared $(pkg-config --cflags parbench) \
 *      collatz.c -o collatz.so
 *   parbench --kernel-lib ./collatz.so --kernels collatz
 */
#include <parbench/kernel.h>

static uint64_t collatz_items(uint64_t n) { return n; }

static uint64_t collatz_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t steps = 0;
	(void)mem, (void)n;
	for (uint64_t i = begin; i < end; i++)
		for (uint64_t x = i + 1; x != 1; steps++)
			x = x % 2 ? 3 * x + 1 : x / 2;
	return steps;
}

static const struct pb_kernel collatz = {
	.name = "collatz",
	.shape = "compute-bound, uneven items: Collatz steps of 1..n",
	.n_means = "starting values 1..n",
	.default_n = 2000000,
	.quick_n = 200000,
	.max_n = UINT64_C(1) << 32, /* 3x+1 stays within 64 bits well past it */
	.items = collatz_items,
	.run = collatz_run,
};

PB_KERNEL_EXPORT(&collatz);
