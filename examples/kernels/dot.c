/*
 * dot: a double-precision, memory-bound kernel checked with a tolerance.
 * n elements of two arrays x and y; init fills the part of them that a
 * worker will read (first touch, so pages sit near it); run returns the
 * dot product of its range as pb_result_from_double.  The partials of any
 * partition add exactly (parbench's fixed-point result, see
 * <parbench/kernel.h>), and the total is checked against the closed form
 * within a relative tolerance of 1e-9: the floating-point sums inside each
 * range are all that differ between runners.
 *
 *   cc -O3 -march=native -fPIC -shared $(pkg-config --cflags parbench) \
 *      dot.c -o dot.so
 *   parbench --kernel-lib ./dot.so --kernels dot
 */
#include <parbench/kernel.h>

/* x[i] = 1 / 2^(i mod 8), y[i] = i mod 8: exact in binary, so the closed
 * form below is exact too. */
static double x_of(uint64_t i) { return 1.0 / (double)(1u << (i % 8)); }
static double y_of(uint64_t i) { return (double)(i % 8); }

static uint64_t dot_items(uint64_t n) { return n; }

static size_t dot_bytes(uint64_t n) { return (size_t)n * 2 * sizeof(double); }

static void dot_init(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	double *x = mem, *y = x + n;
	for (uint64_t i = begin; i < end; i++) {
		x[i] = x_of(i);
		y[i] = y_of(i);
	}
}

static uint64_t dot_run(void *mem, uint64_t n, uint64_t begin, uint64_t end)
{
	const double *x = mem, *y = x + n;
	double s = 0;
	for (uint64_t i = begin; i < end; i++)
		s += x[i] * y[i];
	return pb_result_from_double(s);
}

/* Each group of 8 contributes sum k / 2^k for k < 8, then the remainder. */
static uint64_t dot_expect(uint64_t n)
{
	double group = 0, rest = 0;
	for (uint64_t k = 0; k < 8; k++) {
		group += x_of(k) * y_of(k);
		if (k < n % 8)
			rest += x_of(k) * y_of(k);
	}
	return pb_result_from_double((double)(n / 8) * group + rest);
}

static const struct pb_kernel dot = {
	.name = "dot",
	.shape = "memory-bound reduction in double precision",
	.n_means = "elements of x and y",
	.default_n = UINT64_C(1) << 24,
	.quick_n = UINT64_C(1) << 20,
	.max_n = UINT64_C(1) << 31,
	.items = dot_items,
	.bytes = dot_bytes,
	.init = dot_init,
	.run = dot_run,
	.expect = dot_expect,
	.bytes_per_item = 2 * sizeof(double),
	.tolerance = 1e-9,
};

PB_KERNEL_EXPORT(&dot);
