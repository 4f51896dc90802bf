/*
 * sum: a streaming reduction over a large uint64 array (memory-bound).
 *
 * a[i] = SUM_SCALE * i + SUM_OFFSET, so the answer has a closed form:
 *   sum = SUM_SCALE * n(n-1)/2 + SUM_OFFSET * n   (mod 2^64).
 * A missed or doubly counted range changes the sum, so verification catches
 * partitioning bugs as well as wrong arithmetic.
 */
#include "kernel.h"
#include "arith.h"

#define SUM_SCALE UINT64_C(0x9E3779B97F4A7C15) /* odd: i -> a[i] is a bijection */
#define SUM_OFFSET UINT64_C(12345)

static uint64_t sum_items(uint64_t n) { return n; }

static size_t sum_bytes(uint64_t n) { return (size_t)n * sizeof(uint64_t); }

static void sum_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t *a = mem;
	(void)n;
	for (uint64_t i = begin; i < end; i++)
		a[i] = SUM_SCALE * i + SUM_OFFSET;
}

static uint64_t sum_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const uint64_t *a = mem;
	uint64_t s = 0;
	(void)n;
	for (uint64_t i = begin; i < end; i++)
		s += a[i];
	return s;
}

static uint64_t sum_expect(uint64_t n)
{
	return SUM_SCALE * pb_triangle(n) + SUM_OFFSET * n;
}

static double sum_work(uint64_t n) { return (double)n; }

const struct pb_kernel pb_kernel_sum = {
	.name = "sum",
	.shape = "memory-bound reduction: streams one uint64 array",
	.n_means = "array elements",
	.default_n = UINT64_C(1) << 25,
	.quick_n = UINT64_C(1) << 23,
	.max_n = UINT64_C(1) << 36,
	.items = sum_items,
	.bytes = sum_bytes,
	.init = sum_init,
	.run = sum_run,
	.expect = sum_expect,
	.bytes_per_item = sizeof(uint64_t),
	.work = sum_work,
};
