/*
 * cube: a streaming map b[i] = a[i]^3 (memory-bound, one read and one write
 * per element).
 *
 * a[i] = i.  run() returns the sum of the values it wrote, so the map is
 * verified through a closed form: sum_{i<n} i^3 = (n(n-1)/2)^2 (mod 2^64,
 * exact because squaring commutes with reduction mod 2^64).
 */
#include "kernel.h"
#include "arith.h"

static uint64_t cube_items(uint64_t n) { return n; }

/* a[0..n) then b[0..n). */
static size_t cube_bytes(uint64_t n) { return (size_t)n * 2 * sizeof(uint64_t); }

static void cube_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t *a = mem, *b = a + n;
	for (uint64_t i = begin; i < end; i++) {
		a[i] = i;
		b[i] = 0;
	}
}

static uint64_t cube_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const uint64_t *a = mem;
	uint64_t *b = (uint64_t *)mem + n;
	uint64_t s = 0;
	for (uint64_t i = begin; i < end; i++) {
		uint64_t x = a[i];
		b[i] = x * x * x;
		s += b[i];
	}
	return s;
}

static uint64_t cube_expect(uint64_t n)
{
	uint64_t t = pb_triangle(n);
	return t * t;
}

static double cube_work(uint64_t n) { return (double)n; }

const struct pb_kernel pb_kernel_cube = {
	.name = "cube",
	.shape = "memory-bound map: b[i] = a[i]^3, streams a read and a write",
	.n_means = "array elements",
	.default_n = UINT64_C(1) << 24,
	.quick_n = UINT64_C(1) << 22,
	.max_n = UINT64_C(1) << 35,
	.items = cube_items,
	.bytes = cube_bytes,
	.init = cube_init,
	.run = cube_run,
	.expect = cube_expect,
	.bytes_per_item = 2 * sizeof(uint64_t),
	.work = cube_work,
};
