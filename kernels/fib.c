/*
 * fib: naive recursive Fibonacci, one call per node of the call tree: a
 * recursive task tree whose leaves differ widely in cost.
 *
 * The tree is cut at depth d: leaf t (0 <= t < 2^d) is the node reached by d
 * steps of -1 (bit clear) or -2 (bit set), i.e. fib(n - d - popcount(t)).
 * Summing the leaves gives fib(n) exactly as long as every node above the
 * cut is >= 2, which d <= n/2 guarantees.  The expected value is the
 * iterative loop, exact for n <= 93.
 *
 * Each recursive call goes through a volatile function pointer: gcc
 * otherwise turns one branch into a loop or merges calls, and the benchmark
 * would no longer measure naive recursion.
 */
#include "kernel.h"

#define FIB_MAX_DEPTH 12

static uint64_t fib_naive(uint64_t k);
static uint64_t (*volatile fib_call)(uint64_t) = fib_naive;

static uint64_t fib_naive(uint64_t k)
{
	return k < 2 ? k : fib_call(k - 1) + fib_call(k - 2);
}

static unsigned fib_depth(uint64_t n)
{
	return n / 2 < FIB_MAX_DEPTH ? (unsigned)(n / 2) : FIB_MAX_DEPTH;
}

static uint64_t fib_items(uint64_t n) { return UINT64_C(1) << fib_depth(n); }

static size_t fib_bytes(uint64_t n) { (void)n; return 0; }

static void fib_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	(void)mem, (void)n, (void)begin, (void)end;
}

static uint64_t fib_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	unsigned d = fib_depth(n);
	uint64_t s = 0;
	(void)mem;
	for (uint64_t t = begin; t < end; t++)
		s += fib_call(n - d - (uint64_t)__builtin_popcountll(t));
	return s;
}

static uint64_t fib_expect(uint64_t n)
{
	uint64_t a = 0, b = 1; /* fib(i), fib(i+1) */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t c = a + b;
		a = b;
		b = c;
	}
	return a;
}

/* Naive fib(n) makes 2 fib(n + 1) - 1 calls. */
static double fib_work(uint64_t n) { return 2 * (double)fib_expect(n + 1) - 1; }

const struct pb_kernel pb_kernel_fib = {
	.name = "fib",
	.shape = "recursive task tree: naive fib(n) cut into 2^d leaf tasks of uneven cost",
	.n_means = "Fibonacci index",
	.default_n = 35,
	.quick_n = 30,
	.max_n = 50,
	.items = fib_items,
	.bytes = fib_bytes,
	.init = fib_init,
	.run = fib_run,
	.expect = fib_expect,
	.work = fib_work,
};
