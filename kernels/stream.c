/*
 * STREAM-like bandwidth reference (McCalpin's copy, triad and dot), in
 * uint64 so results are exact: the harness runs them with the same runner,
 * workers and placement as the memory-bound kernels, and reports their
 * GB/s as the machine's limit beside the kernels' own.
 *
 * Memory: a[0..n), b[0..n), c[0..n).  Initially a[i] = i, b[i] = 2i + 1,
 * c[i] = 0.  Each run() returns a checksum over its range, with closed forms:
 *   copy   c[i] = a[i]             sum c     = n(n-1)/2
 *   triad  c[i] = a[i] + 3 b[i]    sum c     = 7 n(n-1)/2 + 3n
 *   dot    sum a[i] b[i]           = sum 2i^2 + i = 2 S2 + n(n-1)/2
 * (triad writes c rather than a, as a repeated a = b + s c would change
 * its own input between repetitions.)
 */
#include "arith.h"
#include "kernel.h"

#define TRIAD_SCALE 3

static uint64_t stream_items(uint64_t n) { return n; }
static size_t stream_bytes(uint64_t n) { return (size_t)n * 3 * sizeof(uint64_t); }
static double stream_work(uint64_t n) { return (double)n; }

static void stream_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	uint64_t *a = mem, *b = a + n, *c = b + n;
	for (uint64_t i = begin; i < end; i++) {
		a[i] = i;
		b[i] = 2 * i + 1;
		c[i] = 0;
	}
}

static uint64_t copy_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const uint64_t *a = mem;
	uint64_t *c = (uint64_t *)mem + 2 * n, s = 0;
	for (uint64_t i = begin; i < end; i++) {
		c[i] = a[i];
		s += c[i];
	}
	return s;
}

static uint64_t triad_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const uint64_t *a = mem, *b = a + n;
	uint64_t *c = (uint64_t *)mem + 2 * n, s = 0;
	for (uint64_t i = begin; i < end; i++) {
		c[i] = a[i] + TRIAD_SCALE * b[i];
		s += c[i];
	}
	return s;
}

static uint64_t dot_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const uint64_t *a = mem, *b = a + n;
	uint64_t s = 0;
	for (uint64_t i = begin; i < end; i++)
		s += a[i] * b[i];
	return s;
}

static uint64_t copy_expect(uint64_t n) { return pb_triangle(n); }

static uint64_t triad_expect(uint64_t n)
{
	return (1 + 2 * TRIAD_SCALE) * pb_triangle(n) + TRIAD_SCALE * n;
}

/* sum_{i<n} i^2 = (n-1) n (2n-1) / 6 mod 2^64, in 128 bits before the
 * division so the division is exact. */
static uint64_t dot_expect(uint64_t n)
{
	if (n == 0)
		return 0;
	unsigned __int128 t = (unsigned __int128)(n - 1) * n * (2 * (unsigned __int128)n - 1);
	uint64_t sq = (uint64_t)(t / 6); /* exact: no overflow below max_n */
	return 2 * sq + pb_triangle(n);
}

#define STREAM_KERNEL(id, label, what, per_item)                               \
	const struct pb_kernel pb_kernel_stream_##id = {                       \
		.name = "stream-" label,                                       \
		.shape = what,                                                 \
		.n_means = "elements per array",                               \
		.default_n = UINT64_C(1) << 24,                                \
		.quick_n = UINT64_C(1) << 21,                                  \
		.max_n = UINT64_C(1) << 34,                                    \
		.items = stream_items,                                         \
		.bytes = stream_bytes,                                         \
		.init = stream_init,                                           \
		.run = id##_run,                                               \
		.expect = id##_expect,                                         \
		.bytes_per_item = per_item,                                    \
		.work = stream_work,                                           \
	}

STREAM_KERNEL(copy, "copy", "bandwidth reference: c = a", 2 * sizeof(uint64_t));
STREAM_KERNEL(triad, "triad", "bandwidth reference: c = a + 3 b", 3 * sizeof(uint64_t));
STREAM_KERNEL(dot, "dot", "bandwidth reference: sum a b", 2 * sizeof(uint64_t));
